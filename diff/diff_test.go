package diff

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	translator "github.com/runbook-translator/runbook-translator"
)

// gitDiff builds a small repository, commits a first state, applies a
// change and returns the real `git diff` output.
func gitDiff(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var ten []string
	for i := 1; i <= 10; i++ {
		ten = append(ten, "line "+string(rune('0'+i%10)))
	}
	git("init", "-q", "-b", "main")
	write("k8s/a.yaml", strings.Join(ten, "\n")+"\n")
	write("b.txt", "gone\n")
	write("old/c.txt", "renamed without changes\nsecond line\nthird line\n")
	write("bin.dat", "\x00\x01\x02")
	write("tail.txt", "one\ntwo")
	git("add", "-A")
	git("commit", "-q", "-m", "first")

	// a.yaml: line 5 modified, two lines inserted after line 8.
	changed := append([]string{}, ten[:4]...)
	changed = append(changed, "line five changed")
	changed = append(changed, ten[5:8]...)
	changed = append(changed, "inserted 1", "inserted 2")
	changed = append(changed, ten[8:]...)
	write("k8s/a.yaml", strings.Join(changed, "\n")+"\n")
	if err := os.Remove(filepath.Join(dir, "b.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "new"), 0o755); err != nil {
		t.Fatal(err)
	}
	git("mv", "old/c.txt", "new/c.txt")
	write("added.txt", "x\ny\nz\n")
	write("bin.dat", "\x00\x03")
	write("tail.txt", "one\ntwo\nthree")
	git("add", "-A")
	return git("diff", "--cached", "-M", "HEAD")
}

func TestParseGitDiff(t *testing.T) {
	d, err := Parse(strings.NewReader(gitDiff(t)))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range d.Files() {
		paths = append(paths, f.Path)
	}
	want := []string{"added.txt", "b.txt", "bin.dat", "k8s/a.yaml", "new/c.txt", "tail.txt"}
	if !reflect.DeepEqual(paths, want) {
		t.Fatalf("paths = %v, want %v", paths, want)
	}
	a, _ := d.File("k8s/a.yaml")
	if got, want := a.Lines(Added), []int{5, 9, 10}; !reflect.DeepEqual(got, want) {
		t.Errorf("added = %v, want %v", got, want)
	}
	if got, want := a.Lines(Context), []int{2, 3, 4, 6, 7, 8, 11, 12}; !reflect.DeepEqual(got, want) {
		t.Errorf("context = %v, want %v", got, want)
	}
	if k := d.Line("./k8s/a.yaml", 1); k != NotInDiff {
		t.Errorf("line 1 = %v, want none", k)
	}
	b, _ := d.File("b.txt")
	if !b.Deleted || len(b.Lines(Context)) != 0 {
		t.Errorf("b.txt = %+v, want deleted without lines", b)
	}
	c, _ := d.File("new/c.txt")
	if !c.Renamed || c.OldPath != "old/c.txt" || len(c.Lines(Added)) != 0 {
		t.Errorf("new/c.txt = %+v, want pure rename from old/c.txt", c)
	}
	n, _ := d.File("added.txt")
	if !n.New || !reflect.DeepEqual(n.Lines(Added), []int{1, 2, 3}) {
		t.Errorf("added.txt = %+v, want new with lines 1-3", n)
	}
	bin, _ := d.File("bin.dat")
	if !bin.Binary {
		t.Errorf("bin.dat not binary: %+v", bin)
	}
	tail, _ := d.File("tail.txt")
	if got, want := tail.Lines(Added), []int{2, 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("tail.txt added = %v, want %v (no newline at end of file)", got, want)
	}
}

// hunksOnly strips the file headers of one file of a git diff, which is
// what GitHub's `patch` field holds.
func hunksOnly(t *testing.T, full, path string) string {
	t.Helper()
	i := strings.Index(full, "diff --git a/"+path+" ")
	if i < 0 {
		t.Fatalf("%s not in diff", path)
	}
	rest := full[i:]
	if j := strings.Index(rest[1:], "\ndiff --git "); j >= 0 {
		rest = rest[:j+2]
	}
	h := strings.Index(rest, "\n@@")
	return strings.TrimSuffix(rest[h+1:], "\n") // GitHub's patch has no final newline
}

func TestParsePatch(t *testing.T) {
	full := gitDiff(t)
	f, err := ParsePatch("k8s/a.yaml", hunksOnly(t, full, "k8s/a.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Lines(Added), []int{5, 9, 10}; !reflect.DeepEqual(got, want) {
		t.Errorf("added = %v, want %v", got, want)
	}
	if got, want := f.Lines(Context), []int{2, 3, 4, 6, 7, 8, 11, 12}; !reflect.DeepEqual(got, want) {
		t.Errorf("context = %v, want %v", got, want)
	}
	tail, err := ParsePatch("tail.txt", hunksOnly(t, full, "tail.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tail.Lines(Added), []int{2, 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("tail added = %v, want %v", got, want)
	}

	d := FromPatches([]Patch{
		{Path: "k8s/a.yaml", Status: "modified", Patch: hunksOnly(t, full, "k8s/a.yaml")},
		{Path: "new/c.txt", OldPath: "old/c.txt", Status: "renamed"},
		{Path: "b.txt", Status: "removed", Patch: "@@ -1 +0,0 @@\n-gone"},
	})
	if c, _ := d.File("new/c.txt"); !c.Renamed || c.OldPath != "old/c.txt" {
		t.Errorf("rename lost: %+v", c)
	}
	if d.Qualifies(ModeFile, "b.txt", 0, 0) {
		t.Error("a removed file must not qualify in file mode")
	}

	if _, err := ParsePatch("x", "@@ -1,4 +1,4 @@\n-a\n+b\n c\n"); err == nil {
		t.Error("a hunk shorter than its header must be an error")
	} else if !strings.Contains(err.Error(), "x") {
		t.Errorf("error %q does not name the file", err)
	}
}

func TestQualifies(t *testing.T) {
	d, err := Parse(strings.NewReader(gitDiff(t)))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path      string
		line, end int
		want      [4]bool // added, diff_context, file, nofilter
	}{
		{"k8s/a.yaml", 5, 0, [4]bool{true, true, true, true}},
		{"k8s/a.yaml", 4, 0, [4]bool{false, true, true, true}},
		{"k8s/a.yaml", 1, 0, [4]bool{false, false, true, true}},
		{"k8s/a.yaml", 1, 5, [4]bool{true, true, true, true}}, // range reaching an added line
		{"k8s/a.yaml", 0, 0, [4]bool{false, false, true, true}},
		{"new/c.txt", 1, 0, [4]bool{false, false, true, true}},
		{"untouched.txt", 3, 0, [4]bool{false, false, false, true}},
		{"b.txt", 1, 0, [4]bool{false, false, false, true}},
	}
	for _, c := range cases {
		for m := ModeAdded; m <= ModeNoFilter; m++ {
			if got := d.Qualifies(m, c.path, c.line, c.end); got != c.want[m] {
				t.Errorf("Qualifies(%v, %s, %d, %d) = %v, want %v", m, c.path, c.line, c.end, got, c.want[m])
			}
		}
	}
	if got := d.Anchor(ModeAdded, "k8s/a.yaml", 2, 9); got != 5 {
		t.Errorf("Anchor(added, 2-9) = %d, want 5", got)
	}
	if got := d.Anchor(ModeDiffContext, "k8s/a.yaml", 2, 9); got != 2 {
		t.Errorf("Anchor(diff_context, 2-9) = %d, want 2", got)
	}
}

func TestParseMode(t *testing.T) {
	for _, n := range []string{"added", "diff_context", "file", "nofilter"} {
		m, err := ParseMode(n)
		if err != nil || m.String() != n {
			t.Errorf("ParseMode(%q) = %v, %v", n, m, err)
		}
	}
	_, err := ParseMode("lines")
	if err == nil || !strings.Contains(err.Error(), "diff_context") {
		t.Errorf("unknown mode error %v does not list valid modes", err)
	}
}

func TestStageMarksWithoutDropping(t *testing.T) {
	d, err := Parse(strings.NewReader(gitDiff(t)))
	if err != nil {
		t.Fatal(err)
	}
	fs := translator.Findings{
		{Tool: "t", Code: "A", Location: translator.Location{Path: "k8s/a.yaml", Line: 9}},
		{Tool: "t", Code: "B", Location: translator.Location{Path: "k8s/a.yaml", Line: 1}},
		{Tool: "t", Code: "C", Location: translator.Location{Path: "other.tf", Line: 1}},
	}
	p := translator.Pipeline{Stages: []translator.Stage{&Stage{Diff: d, Mode: ModeAdded}}}
	out, err := p.Run(context.Background(), fs)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 3 {
		t.Fatalf("stage dropped findings: %d left", len(out))
	}
	if out[0].OutsideDiff || !out[1].OutsideDiff || !out[2].OutsideDiff {
		t.Errorf("OutsideDiff = %v %v %v, want false true true", out[0].OutsideDiff, out[1].OutsideDiff, out[2].OutsideDiff)
	}
}

func TestParseEmptyAndBad(t *testing.T) {
	d, err := Parse(strings.NewReader(""))
	if err != nil || len(d.Files()) != 0 {
		t.Errorf("empty diff = %v, %v", d.Files(), err)
	}
	_, err = Parse(strings.NewReader("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n-a\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "parse diff: ") {
		t.Errorf("truncated hunk: err = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(gitDiff(f))
	f.Add("@@ -1,3 +1,4 @@\n a\n-b\n+c\n+d\n e\n\\ No newline at end of file")
	f.Add("@@ -0,0 +1 @@\n+x")
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := Parse(strings.NewReader(s)); err == nil {
			for _, file := range d.Files() {
				for _, n := range append(file.Lines(Added), file.Lines(Context)...) {
					if n < 0 {
						t.Fatalf("negative line %d in %s", n, file.Path)
					}
				}
			}
		}
		if file, err := ParsePatch("f", s); err == nil {
			for _, n := range file.Lines(Added) {
				if n < 0 {
					t.Fatalf("negative line %d", n)
				}
			}
		}
	})
}

// Issue 8 item 6: a line of 2^63-1, or a range of 2^31 lines, must not hang
// or cost seconds per finding.
func TestAnchorHugeRanges(t *testing.T) {
	d, err := Parse(strings.NewReader("diff --git a/a.sh b/a.sh\n--- a/a.sh\n+++ b/a.sh\n@@ -1,2 +1,3 @@\n one\n+two\n three\n"))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan [3]int, 1)
	go func() {
		done <- [3]int{
			d.Anchor(ModeAdded, "a.sh", 1, math.MaxInt),
			d.Anchor(ModeAdded, "a.sh", math.MaxInt, math.MaxInt),
			d.Anchor(ModeDiffContext, "a.sh", 1, 1<<31),
		}
	}()
	select {
	case got := <-done:
		if got != [3]int{2, 0, 1} {
			t.Fatalf("anchors = %v, want [2 0 1]", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Anchor did not return for a huge range")
	}
}

// openAPIExamplePatch is the "patch" of the diff-entry example in GitHub's
// OpenAPI description (github/rest-api-description,
// descriptions/api.github.com/api.github.com.yaml, components/examples
// diff-entry-items): two hunk headers on one line and no lines at all.
const openAPIExamplePatch = "@@ -132,7 +132,7 @@ module Test @@ -1000,7 +1000,7 @@ module Test"

// TestFromPatchesDegradesPerFile: a patch that cannot be read, or that the
// forge left out, makes only its own file unknown; the others keep their
// lines (it once failed the whole review).
func TestFromPatchesDegradesPerFile(t *testing.T) {
	d := FromPatches([]Patch{
		{Path: "file1.txt", Status: "modified", Patch: openAPIExamplePatch},
		{Path: "big.json", Status: "modified", Omitted: "GitHub sent no patch (binary file, or diff too large)"},
		{Path: "moved.txt", OldPath: "was.txt", Status: "renamed", Omitted: "GitHub sent no patch (binary file, or diff too large)"},
		{Path: "ok.txt", Status: "added", Patch: "@@ -0,0 +1,2 @@\n+a\n+b"},
		{Path: "gone.txt", Status: "removed", Omitted: "GitHub sent no patch (binary file, or diff too large)"},
	})
	if why := d.Unknown("file1.txt"); !strings.Contains(why, "could not be read") || !strings.Contains(why, "file1.txt") {
		t.Errorf("OpenAPI example patch: Unknown = %q, want a reason naming the file", why)
	}
	if d.Anchor(ModeDiffContext, "file1.txt", 133, 0) != 0 {
		t.Error("a line of an unreadable patch must not be an anchor")
	}
	if why := d.Unknown("big.json"); !strings.Contains(why, "no patch") {
		t.Errorf("omitted patch: Unknown = %q", why)
	}
	if f, _ := d.File("moved.txt"); !f.Renamed || f.OldPath != "was.txt" || f.Unknown == "" {
		t.Errorf("renamed file with omitted patch: %+v", f)
	}
	if d.Unknown("ok.txt") != "" || d.Anchor(ModeAdded, "ok.txt", 2, 0) != 2 {
		t.Errorf("a good patch beside bad ones lost its lines")
	}
	if d.Unknown("gone.txt") != "" {
		t.Errorf("a removed file has no lines to know: Unknown = %q", d.Unknown("gone.txt"))
	}
	if d.Unknown("elsewhere.txt") != "" {
		t.Errorf("a path outside a complete listing is outside the diff, not unknown")
	}
	if got := d.DescribeUnknown(1); len(got) != 2 || !strings.HasPrefix(got[0], "big.json: ") || got[1] != "and 2 more files whose lines are not known (the summary lists their findings)" {
		t.Errorf("DescribeUnknown(1) = %q", got)
	}
	d.Truncated = "the listing stops at 3,000 files"
	if d.Unknown("elsewhere.txt") != d.Truncated || d.Unknown("ok.txt") != "" {
		t.Errorf("truncated listing: Unknown(elsewhere) = %q, Unknown(ok) = %q", d.Unknown("elsewhere.txt"), d.Unknown("ok.txt"))
	}
}
