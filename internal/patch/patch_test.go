package patch

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func ed(l1, c1, l2, c2 int, text string) translator.Edit {
	return translator.Edit{Path: "f", StartLine: l1, StartColumn: c1, EndLine: l2, EndColumn: c2, Text: text}
}

const src = "a: 1\nb: 2\nc: 3\n"

func TestWhole(t *testing.T) {
	for _, tc := range []struct {
		name       string
		src        string
		edits      []translator.Edit
		start, end int
		old, new   []string
		applied    string
	}{
		{"replace within a line", src, []translator.Edit{ed(2, 4, 2, 5, "true")}, 2, 2,
			[]string{"b: 2"}, []string{"b: true"}, "a: 1\nb: true\nc: 3\n"},
		{"whole-line replacement", src, []translator.Edit{ed(2, 1, 3, 1, "b: 9\n")}, 2, 2,
			[]string{"b: 2"}, []string{"b: 9"}, "a: 1\nb: 9\nc: 3\n"},
		{"delete a line", src, []translator.Edit{ed(2, 1, 3, 1, "")}, 2, 2,
			[]string{"b: 2"}, nil, "a: 1\nc: 3\n"},
		{"insert between lines anchors on the line before", src, []translator.Edit{ed(3, 1, 3, 1, "x: 0\n")}, 2, 2,
			[]string{"b: 2"}, []string{"b: 2", "x: 0"}, "a: 1\nb: 2\nx: 0\nc: 3\n"},
		{"insert at the top anchors on the line after", src, []translator.Edit{ed(1, 1, 1, 1, "x: 0\n")}, 1, 1,
			[]string{"a: 1"}, []string{"x: 0", "a: 1"}, "x: 0\na: 1\nb: 2\nc: 3\n"},
		{"insert at the end of the file", src, []translator.Edit{ed(4, 1, 4, 1, "d: 4\n")}, 3, 3,
			[]string{"c: 3"}, []string{"c: 3", "d: 4"}, src + "d: 4\n"},
		{"joining two lines takes both", src, []translator.Edit{ed(1, 5, 2, 1, " ")}, 1, 2,
			[]string{"a: 1", "b: 2"}, []string{"a: 1 b: 2"}, "a: 1 b: 2\nc: 3\n"},
		{"two edits on separate lines", src, []translator.Edit{ed(3, 4, 3, 5, "7"), ed(1, 4, 1, 5, "5")}, 1, 3,
			[]string{"a: 1", "b: 2", "c: 3"}, []string{"a: 5", "b: 2", "c: 7"}, "a: 5\nb: 2\nc: 7\n"},
		{"shellcheck-style quotes around a word", "echo $x\n", []translator.Edit{ed(1, 6, 1, 6, `"`), ed(1, 8, 1, 8, `"`)}, 1, 1,
			[]string{"echo $x"}, []string{`echo "$x"`}, "echo \"$x\"\n"},
		{"no newline at the end", "a\nb", []translator.Edit{ed(2, 2, 2, 2, "c")}, 2, 2,
			[]string{"b"}, []string{"bc"}, "a\nbc"},
		{"empty file", "", []translator.Edit{ed(1, 1, 1, 1, "x\n")}, 1, 0,
			nil, []string{"x"}, "x\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Apply([]byte(tc.src), tc.edits)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.applied {
				t.Errorf("Apply = %q, want %q", got, tc.applied)
			}
			b, err := Whole([]byte(tc.src), tc.edits)
			if err != nil {
				t.Fatal(err)
			}
			if b.Start != tc.start || b.End != tc.end || !reflect.DeepEqual(b.Old, tc.old) || !reflect.DeepEqual(b.New, tc.new) {
				t.Errorf("Whole = %d..%d %q -> %q, want %d..%d %q -> %q", b.Start, b.End, b.Old, b.New, tc.start, tc.end, tc.old, tc.new)
			}
			// The block is the whole-line form of the same change.
			lines := strings.SplitAfter(tc.src, "\n")
			if lines[len(lines)-1] == "" {
				lines = lines[:len(lines)-1]
			}
			var rebuilt strings.Builder
			for _, l := range lines[:b.Start-1] {
				rebuilt.WriteString(l)
			}
			for i, l := range b.New {
				rebuilt.WriteString(l)
				if i < len(b.New)-1 || !b.NoEOL {
					rebuilt.WriteString("\n")
				}
			}
			for _, l := range lines[b.End:] {
				rebuilt.WriteString(l)
			}
			if rebuilt.String() != tc.applied {
				t.Errorf("lines %d..%d replaced by the block give %q, want %q", b.Start, b.End, rebuilt.String(), tc.applied)
			}
		})
	}
}

func TestBadEdits(t *testing.T) {
	for _, tc := range []struct {
		name  string
		src   string
		edits []translator.Edit
		want  string
	}{
		{"past the last line", src, []translator.Edit{ed(9, 1, 9, 2, "x")}, "the file has 3 lines"},
		{"past the end of a line", src, []translator.Edit{ed(1, 7, 1, 7, "x")}, "line 1 has 4 bytes"},
		{"zero column", src, []translator.Edit{ed(1, 0, 1, 1, "x")}, "start at 1"},
		{"end before start", src, []translator.Edit{ed(2, 1, 1, 1, "x")}, "ends before it starts"},
		{"overlap", src, []translator.Edit{ed(1, 1, 1, 4, "x"), ed(1, 2, 1, 3, "y")}, "overlap"},
		{"two insertions at one place", src, []translator.Edit{ed(1, 1, 1, 1, "x"), ed(1, 1, 1, 1, "y")}, "overlap"},
		{"splits a UTF-8 character", "é\n", []translator.Edit{ed(1, 2, 1, 2, "x")}, "splits a UTF-8"},
		{"two files", src, []translator.Edit{ed(1, 1, 1, 1, "x"), {Path: "g", StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 1}}, "one file at a time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Whole([]byte(tc.src), tc.edits)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	_, err := Apply([]byte(src), []translator.Edit{ed(1, 1, 1, 4, "x"), ed(1, 2, 1, 3, "y")})
	if !errors.Is(err, ErrOverlap) {
		t.Errorf("overlap is not ErrOverlap: %v", err)
	}
}

var hunkHint = regexp.MustCompile(`(?m)^(@@ [^@]+ @@).*$`)

// TestUnifiedMatchesGit checks Unified against git's own diff of the same
// files (git diff --no-index), hunk headers and all, when git is here.
func TestUnifiedMatchesGit(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	var long []string
	for i := 1; i <= 40; i++ {
		long = append(long, "line "+strings.Repeat("x", i%5))
	}
	base := strings.Join(long, "\n") + "\n"
	for _, tc := range []struct{ name, old, new string }{
		{"one change", src, "a: 1\nb: true\nc: 3\n"},
		{"insert at top", src, "x\n" + src},
		{"delete all", src, ""},
		{"new file", "", src},
		{"no newline at end", "a\nb", "a\nc"},
		{"add newline at end", "a\nb", "a\nb\n"},
		{"two hunks", base, strings.Replace(strings.Replace(base, "line x\n", "LINE\n", 1), "line xxxx\nline \n", "changed\n", 1)},
		{"far apart", base, "top\n" + base + "bottom\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
			os.WriteFile(a, []byte(tc.old), 0o644)
			os.WriteFile(b, []byte(tc.new), 0o644)
			out, _ := exec.Command(git, "diff", "--no-index", "--no-color", "--diff-algorithm=myers", a, b).Output()
			// Keep git's hunks only: its headers name the temp files.
			want := string(out)
			if i := strings.Index(want, "\n@@"); i >= 0 {
				want = want[i+1:]
			}
			got := Unified("f", []byte(tc.old), []byte(tc.new))
			if !strings.HasPrefix(got, "--- a/f\n+++ b/f\n") {
				t.Fatalf("headers: %q", got)
			}
			got = strings.TrimPrefix(got, "--- a/f\n+++ b/f\n")
			// git prints a function-context hint after a hunk header
			// (its guess of the enclosing function); Unified prints none.
			want = hunkHint.ReplaceAllString(want, "$1")
			if got != want {
				t.Errorf("Unified:\n%s\ngit diff:\n%s", got, want)
			}
		})
	}
	if Unified("f", []byte(src), []byte(src)) != "" {
		t.Error("equal files give a diff")
	}
}

func TestCacheReadsOnce(t *testing.T) {
	reads := 0
	c := NewCache(func(p string) ([]byte, error) {
		reads++
		if p == "missing" {
			return nil, os.ErrNotExist
		}
		return []byte(p), nil
	}, 2)
	for i := 0; i < 3; i++ {
		if b, err := c.ReadFile("a"); err != nil || string(b) != "a" {
			t.Fatal(b, err)
		}
		if _, err := c.ReadFile("missing"); !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	if reads != 2 {
		t.Errorf("%d reads, want 2", reads)
	}
	c.ReadFile("b") // full: starts over
	c.ReadFile("a")
	if reads != 4 {
		t.Errorf("%d reads after the cache filled, want 4", reads)
	}
}
