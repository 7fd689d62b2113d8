package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// streamCase is one command line run through both paths.
type streamCase struct {
	name string
	args []string
}

// streamCases use real fixtures (see each testdata/<tool>/cases.yaml).
func streamCases(root string) []streamCase {
	td := func(p string) string { return filepath.Join(root, "testdata", p) }
	return []streamCase{
		{"trivy k8s", []string{"-f", "trivy", td("trivy/config-k8s-shop.json")}},
		{"trivy several", []string{"-f", "trivy", td("trivy/config-docker.json"), td("trivy/config-terraform.json"), td("trivy/fs-secret.json")}},
		{"checkov", []string{"-f", "checkov", td("checkov/k8s-secrets-list.json"), td("checkov/terraform-custom-windows.json")}},
		{"shellcheck gcc", []string{"-f", "shellcheck-gcc", td("shellcheck-gcc/all-scripts.gcc")}},
		{"efm", []string{"--efm", "%f:%l:%c: %m", "--tool", "lint", td("shellcheck-gcc/all-scripts.gcc")}},
		{"tflint and trivy", []string{"-f", "tflint-compact", td("tflint-compact/edge-network.compact"), "-f", "trivy", td("trivy/config-helm-shop-rendered.json")}},
		{"fail none", []string{"--fail-level", "none", "-f", "trivy", td("trivy/config-k8s-shop.json")}},
		{"fail warning require runbook", []string{"--fail-level", "warning", "--require-runbook", "-f", "checkov", td("checkov/k8s-secrets-list.json")}},
		{"clean input", []string{"-f", "tflint-compact", td("tflint-compact/observability-clean.compact")}},
		{"warnings only", []string{"-f", "tflint-compact", td("tflint-compact/storefront-assets.compact")}},
		{"parse error keeps findings", []string{"-f", "trivy", td("trivy/config-docker.json"), td("trivy/not-trivy-conftest.json")}},
	}
}

// streamConfig ignores some findings of the fixtures (one active rule, one
// expired, one that matches nothing), so ignored findings, expired notes and
// unused-rule notes are compared too.
const streamConfig = `ignore:
  - tool: trivy
    code: KSV-0030
    reason: accepted for the demo cluster
  - tool: trivy
    code: KSV-0105
    reason: expired exception
    expires: "2020-01-01"
  - code: CKV_SECRET_6
    path: "*.yaml"
    reason: test values
    expires: "2020-06-30"
  - code: NO-SUCH-CODE
    reason: stale
`

func runMain(t *testing.T, dir string, stream bool, args []string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string {
		if k == streamEnv {
			if stream {
				return "1" // from the first finding: the fixtures are below the threshold
			}
			return "0"
		}
		return ""
	}
	full := append([]string{"review", "-c", filepath.Join(dir, "config.yaml")}, args...)
	code = Main(full, strings.NewReader(""), &out, &errOut, getenv)
	return out.String(), errOut.String(), code
}

// findingBlock is the first line of an active finding in the local report.
var findingBlock = regexp.MustCompile(`(?m)^  (error|warning|info) +\S`)

var fpSuffix = regexp.MustCompile(`-[0-9]+$`)

// jsonSet parses JSON Lines into sorted canonical lines. The -N suffix of
// fingerprints is numbered differently (input order vs sorted order), so it
// is compared separately: by how many findings share each base fingerprint.
func jsonSet(t *testing.T, s string) (lines []string, bases map[string]int) {
	t.Helper()
	bases = map[string]int{}
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("bad JSON line %q: %v", l, err)
		}
		fp, _ := m["fingerprint"].(string)
		base := fpSuffix.ReplaceAllString(fp, "")
		bases[base]++
		m["fingerprint"] = base
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	sort.Strings(lines)
	return lines, bases
}

// tail is the local report from its ignored section (or notes, or summary)
// on: what End writes, the same in both modes.
func tail(s string) string {
	for _, mark := range []string{"\nIgnored (", "\nNotes\n"} {
		if i := strings.Index(s, mark); i >= 0 {
			return s[i:]
		}
	}
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestStreamMatchesBatch(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(streamConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	sawIgnored, sawExpired, sawFail, sawUsage := false, false, false, false
	for _, tc := range streamCases(root) {
		t.Run(tc.name, func(t *testing.T) {
			bj, _, bcode := runMain(t, dir, false, append([]string{"-r", "json"}, tc.args...))
			sj, _, scode := runMain(t, dir, true, append([]string{"-r", "json"}, tc.args...))
			if bcode != scode {
				t.Errorf("json: exit code batch %d, stream %d", bcode, scode)
			}
			bl, bb := jsonSet(t, bj)
			sl, sb := jsonSet(t, sj)
			if len(bl) == 0 && !strings.Contains(tc.name, "clean") {
				t.Fatalf("batch produced no findings: the case tests nothing")
			}
			if strings.Join(bl, "\n") != strings.Join(sl, "\n") {
				t.Errorf("json findings differ:\nbatch:\n%s\nstream:\n%s", strings.Join(bl, "\n"), strings.Join(sl, "\n"))
			}
			for b, n := range bb {
				if sb[b] != n {
					t.Errorf("fingerprint %s: %d findings in batch, %d in stream", b, n, sb[b])
				}
			}
			if strings.Join(bl, "\n") == strings.Join(sl, "\n") && bj == sj && len(bl) > 1 {
				t.Logf("identical byte for byte (input already sorted)")
			}

			bt, berr, bcode2 := runMain(t, dir, false, tc.args)
			st, serr, scode2 := runMain(t, dir, true, tc.args)
			if bcode2 != scode2 || bcode2 != bcode {
				t.Errorf("local: exit code batch %d, stream %d (json run: %d)", bcode2, scode2, bcode)
			}
			if tail(bt) != tail(st) {
				t.Errorf("local report end differs:\nbatch:\n%s\nstream:\n%s", tail(bt), tail(st))
			}
			if berr != serr {
				t.Errorf("stderr differs:\nbatch:\n%s\nstream:\n%s", berr, serr)
			}
			// Every active finding block is printed in both modes.
			if b, s := len(findingBlock.FindAllString(bt, -1)), len(findingBlock.FindAllString(st, -1)); b != s || (b == 0 && len(bl) > 0) {
				t.Errorf("local: %d finding blocks in batch, %d in stream", b, s)
			}
			sawIgnored = sawIgnored || strings.Contains(bt, "\nIgnored (")
			sawExpired = sawExpired || strings.Contains(bt, "expired on")
			sawFail = sawFail || bcode == ExitFindings
			sawUsage = sawUsage || bcode == ExitUsage
		})
	}
	if !sawIgnored || !sawExpired || !sawFail || !sawUsage {
		t.Errorf("cases do not cover ignored=%v expired=%v exit1=%v exit2=%v", sawIgnored, sawExpired, sawFail, sawUsage)
	}
}

// TestStreamSequentialMatchesParallel runs the streaming path with one and
// with several workers: output order and fingerprints must be identical.
func TestStreamSequentialMatchesParallel(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(streamConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-r", "json", "-f", "trivy", filepath.Join(root, "testdata/trivy/config-k8s-shop.json"), filepath.Join(root, "testdata/trivy/config-helm-shop-rendered.json")}
	prev := runtime.GOMAXPROCS(1)
	one, _, c1 := runMain(t, dir, true, args)
	runtime.GOMAXPROCS(4)
	four, _, c4 := runMain(t, dir, true, args)
	runtime.GOMAXPROCS(prev)
	if one != four || c1 != c4 {
		t.Errorf("1 worker and 4 workers differ (exit %d vs %d)", c1, c4)
	}
	if strings.Count(one, "\n") < 2*translator.BatchSize/2 {
		t.Logf("only %d findings: fewer than a few batches", strings.Count(one, "\n"))
	}
}

// TestStreamAdjacentFingerprints checks the documented rule: identical
// findings get -2, -3 ... only while they are adjacent.
func TestStreamAdjacentFingerprints(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in.txt")
	// Same message on lines 1, 2 (adjacent), then another, then 9 again.
	text := "a.sh:1:1: same\na.sh:2:1: same\na.sh:3:1: other\na.sh:9:1: same\n"
	if err := os.WriteFile(in, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, _ := runMain(t, dir, true, []string{"-r", "json", "--efm", "%f:%l:%c: %m", "--tool", "lint", in})
	var fps []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		fps = append(fps, m["fingerprint"].(string))
	}
	if len(fps) != 4 {
		t.Fatalf("got %d findings, want 4", len(fps))
	}
	if fps[1] != fps[0]+"-2" || fps[3] != fps[0] || fps[2] == fps[0] {
		t.Errorf("fingerprints %v: want base, base-2, other, base", fps)
	}
}

// TestSmallStreamableRunIsBatch: below the threshold a run whose reporters
// could stream is a batch run: the local report is grouped by file and
// sorted.
func TestSmallStreamableRunIsBatch(t *testing.T) {
	var out, errOut bytes.Buffer
	code := Main([]string{"review", "--fail-level", "none", "-f", "trivy", "../../testdata/trivy/config-k8s-shop.json"},
		strings.NewReader(""), &out, &errOut, func(string) string { return "" })
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "k8s/catalog.yaml\n") {
		t.Errorf("the local report does not start with its first file's heading:\n%.300s", out.String())
	}
}

// TestLargeRunSpillsIntoStream: past the threshold the held findings and the
// rest stream, and none is lost.
func TestLargeRunSpillsIntoStream(t *testing.T) {
	var in strings.Builder
	n := streamThreshold + 1000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&in, "src/f%d.go:%d:1: message %d\n", i%97, i%500+1, i)
	}
	var out, errOut bytes.Buffer
	code := Main([]string{"review", "--debug", "--fail-level", "none", "--efm", "%f:%l:%c: %m", "--tool", "lint", "-r", "json"},
		strings.NewReader(in.String()), &out, &errOut, func(string) string { return "" })
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if got := strings.Count(out.String(), "\n"); got != n {
		t.Errorf("%d findings written, want %d", got, n)
	}
	if !strings.Contains(errOut.String(), "streamed") {
		t.Errorf("the run did not stream: %s", errOut.String())
	}
}

// Issue 10: the local report without -v shows no body, so the run renders
// none: an entry whose body fails at execution is noted only with -v.
func TestLocalRendersOnlyWithVerbose(t *testing.T) {
	dir := t.TempDir()
	cat := filepath.Join(dir, "cat.yaml")
	body := "entries:\n  - id: broken\n    title: Broken entry\n    match: [{tool: golint, codes: [XY1]}]\n    body: '{{.Nope}}'\n"
	if err := os.WriteFile(cat, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "lint.txt")
	if err := os.WriteFile(in, []byte("a.go:1:2: [XY1] exported thing\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"review", "--runbooks", cat, "--efm", "%f:%l:%c: %m", "--tool", "golint",
		"--code-pattern", `^\[(?P<code>[A-Z]+\d+)\]\s*`, "--fail-level", "none", "-r", "local", in}
	_, out, stderr := run(t, "", args...)
	if !strings.Contains(out, "Broken entry") || strings.Contains(out, "runbook template failed") {
		t.Fatalf("without -v: stdout %q (stderr %q), want the entry's title and no render", out, stderr)
	}
	_, out, _ = run(t, "", append(args, "-v")...)
	if !strings.Contains(out, "runbook template failed") {
		t.Fatalf("with -v: stdout %q, want the failed render noted", out)
	}
}

// Issue 10: -r markdown alone renders only the bodies it shows (one per
// entry, LazyStage); its report is the one rendered up front, as when a
// reporter that needs every body runs beside it.
func TestMarkdownLazyBodiesMatchEager(t *testing.T) {
	for _, in := range [][]string{
		{"-f", "trivy", td + "trivy/config-k8s-shop.json"},
		{"-f", "shellcheck-gcc", td + "shellcheck-gcc/all-scripts.gcc"},
		{"-f", "conftest", td + "conftest/k8s-shop.json"},
	} {
		dir := t.TempDir()
		args := append([]string{"review", "--fail-level", "none", "-r", "markdown"}, in...)
		_, lazy, _ := run(t, "", args...)
		_, eager, _ := run(t, "", append(args, "-r", "json="+filepath.Join(dir, "x.json"))...)
		if lazy == "" || lazy != eager {
			t.Fatalf("%v: lazy markdown differs from eager:\n%s\n--- eager ---\n%s", in, lazy, eager)
		}
	}
}

// Issue 10: --baseline no longer turns streaming off. A streamed run
// (RUNBOOK_TRANSLATOR_STREAM=1) compares each finding with the baseline as
// it arrives (baseline.Matcher) and keeps only which entries were matched:
// the verdict, the new/existing/fixed counts and each finding's state are
// those of the collected run, on the real Trivy fixture changed as a second
// commit would change it (modifyTrivy).
func TestStreamBaselineMatchesBatch(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, "base.json")
	if _, stderr, code := runMain(t, dir, false, []string{"-f", "trivy", td + "trivy/config-k8s-shop.json", "-r", "json=" + base, "--fail-level", "none"}); code != 0 {
		t.Fatalf("run 1: exit %d: %s", code, stderr)
	}
	head := modifyTrivy(t, dir, true)
	for _, failOn := range []string{"all", "new"} {
		args := []string{"--debug", "-f", "trivy", head, "--baseline", base, "--fail-on", failOn, "-r", "json"}
		bj, berr, bcode := runMain(t, dir, false, append(args, "-r", "summary="+filepath.Join(dir, "b.summary")))
		sj, serr, scode := runMain(t, dir, true, append(args, "-r", "summary="+filepath.Join(dir, "s.summary")))
		if !strings.Contains(serr, "streamed") || strings.Contains(berr, "streamed") {
			t.Fatalf("fail-on %s: streamed %v, collected %v: want only the first", failOn, strings.Contains(serr, "streamed"), strings.Contains(berr, "streamed"))
		}
		if bcode != scode {
			t.Errorf("fail-on %s: exit %d collected, %d streamed", failOn, bcode, scode)
		}
		bl, _ := jsonSet(t, bj)
		sl, _ := jsonSet(t, sj)
		if strings.Join(bl, "\n") != strings.Join(sl, "\n") {
			t.Errorf("fail-on %s: findings (with their baseline state) differ:\ncollected:\n%s\nstreamed:\n%s", failOn, strings.Join(bl, "\n"), strings.Join(sl, "\n"))
		}
		var bs, ss struct {
			Baseline *struct{ New, Existing, Fixed int }
			Verdict  string
		}
		for p, v := range map[string]any{"b.summary": &bs, "s.summary": &ss} {
			raw, err := os.ReadFile(filepath.Join(dir, p))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, v); err != nil {
				t.Fatal(err)
			}
		}
		if bs.Baseline == nil || ss.Baseline == nil || *bs.Baseline != *ss.Baseline || bs.Verdict != ss.Verdict {
			t.Fatalf("fail-on %s: summary baseline collected %+v %s, streamed %+v %s", failOn, bs.Baseline, bs.Verdict, ss.Baseline, ss.Verdict)
		}
		if bs.Baseline.New == 0 || bs.Baseline.Existing == 0 || bs.Baseline.Fixed == 0 {
			t.Fatalf("fail-on %s: counts %+v: the case does not have new, existing and fixed findings", failOn, *bs.Baseline)
		}
	}
}

// Issue 10: through the one pipeline, a streamed local report without -v
// renders no body either (the runbooks stage only matches): the broken
// template is noted only with -v.
func TestStreamLocalRendersOnlyWithVerbose(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cat := filepath.Join(dir, "cat.yaml")
	body := "entries:\n  - id: broken\n    title: Broken entry\n    match: [{tool: golint, codes: [XY1]}]\n    body: '{{.Nope}}'\n"
	if err := os.WriteFile(cat, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "lint.txt")
	if err := os.WriteFile(in, []byte("a.go:1:2: [XY1] exported thing\na.go:3:2: [XY1] other thing\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--debug", "--runbooks", cat, "--efm", "%f:%l:%c: %m", "--tool", "golint",
		"--code-pattern", `^\[(?P<code>[A-Z]+\d+)\]\s*`, "--fail-level", "none", "-r", "local", in}
	out, stderr, _ := runMain(t, dir, true, args)
	if !strings.Contains(stderr, "streamed 2 findings") {
		t.Fatalf("the run did not stream: %s", stderr)
	}
	if !strings.Contains(out, "Broken entry") || strings.Contains(out, "runbook template failed") {
		t.Fatalf("without -v: stdout %q, want the entry's title and no render", out)
	}
	out, _, _ = runMain(t, dir, true, append(args, "-v"))
	if !strings.Contains(out, "runbook template failed") {
		t.Fatalf("with -v: stdout %q, want the failed render noted", out)
	}
}

// Issue 10: a local change (--diff) no longer turns streaming off: the diff
// filter is a stage like the others, and a streamed local report leaves
// out and counts what lies outside the change as the collected one does.
func TestStreamDiffFilterMatchesBatch(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	repo := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(repo, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.sh", "a\nb\nc\n")
	for _, c := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "1"}} {
		if out, err := exec.Command("git", append([]string{"-C", repo}, c...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", c, err, out)
		}
	}
	write("a.sh", "a\nB\nc\n")
	write("lint.txt", "a.sh:2:1: warning: changed line [SC2086]\na.sh:3:1: warning: old line [SC2086]\na.sh:1:1: warning: older line [SC2086]\n")
	write("config.yaml", "{}\n")
	t.Chdir(repo)
	args := []string{"--debug", "-f", "shellcheck-gcc", "--diff", "git diff", "--filter-mode", "added", "--fail-level", "warning", "lint.txt"}
	bout, berr, bcode := runMain(t, repo, false, args)
	sout, serr, scode := runMain(t, repo, true, args)
	if !strings.Contains(serr, "streamed 3 findings") {
		t.Fatalf("the run did not stream: %s", serr)
	}
	if bcode != ExitFindings || scode != bcode {
		t.Errorf("exit %d collected, %d streamed", bcode, scode)
	}
	if tail(bout) != tail(sout) || !strings.Contains(sout, "2 findings outside the change not shown") ||
		!strings.Contains(sout, "changed line") || strings.Contains(sout, "old line") {
		t.Errorf("streamed:\n%s\ncollected:\n%s\n%s", sout, bout, berr)
	}
}

// Issue 10: batching is the sink's: a reporter that needs the whole run
// (gitlab-codequality) makes the run collected even when streaming is
// forced, and beside it the local report is the sorted one.
func TestWholeRunReporterCollects(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--debug", "--fail-level", "none", "-f", "trivy", td + "trivy/config-k8s-shop.json", "-r", "local", "-r", "gitlab-codequality=" + filepath.Join(dir, "cq.json")}
	out, stderr, code := runMain(t, dir, true, args)
	if code != ExitOK || strings.Contains(stderr, "streamed") || !strings.HasPrefix(out, "k8s/catalog.yaml\n") {
		t.Fatalf("exit %d, stderr %q: want a collected run, the local report sorted and grouped:\n%.200s", code, stderr, out)
	}
	_, stderr, _ = runMain(t, dir, true, args[:len(args)-2])
	if !strings.Contains(stderr, "streamed") {
		t.Fatalf("without it the run does not stream: the test checks nothing")
	}
}

// TestStreamFingerprintsWhenAnyReporterReadsThem: a streamed run skips
// fingerprints only when no reporter prints them; -r local with a JSON
// report beside it still gives every JSON finding its fingerprint.
func TestStreamFingerprintsWhenAnyReporterReadsThem(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(streamConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(root, "testdata", "shellcheck-gcc", "all-scripts.gcc")
	out := filepath.Join(dir, "out.json")
	local, _, code := runMain(t, dir, true, []string{"-f", "shellcheck-gcc", "-r", "local", "-r", "json=" + out, in})
	if code != ExitFindings && code != ExitOK {
		t.Fatalf("exit code %d", code)
	}
	alone, _, _ := runMain(t, dir, true, []string{"-f", "shellcheck-gcc", "-r", "local", in})
	if local != alone {
		t.Errorf("the local report depends on the other reporters:\nwith json:\n%s\nalone:\n%s", local, alone)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines, _ := jsonSet(t, string(b))
	if len(lines) == 0 {
		t.Fatal("no JSON findings")
	}
	for _, l := range lines {
		if !strings.Contains(l, `"fingerprint":"`) || strings.Contains(l, `"fingerprint":""`) {
			t.Errorf("finding without a fingerprint: %s", l)
		}
	}
}
