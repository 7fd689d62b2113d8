package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// `--diff ... --filter-mode added -r local` shows only the change and says
// how many findings it left out, as reviewdog users expect (issue 15); the
// left-out findings still count, and nofilter shows them all.
func TestLocalReportFollowsFilterMode(t *testing.T) {
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
	write("lint.txt", "a.sh:2:1: warning: changed line [SC2086]\na.sh:3:1: warning: old line [SC2086]\n")
	t.Chdir(repo)
	diffCmd := "git diff"
	code, out, stderr := run(t, "", "review", "-f", "shellcheck-gcc", "--diff", diffCmd, "--filter-mode", "added", "--fail-level", "warning", "lint.txt")
	if code != ExitFindings || !strings.Contains(out, "changed line") || strings.Contains(out, "old line") ||
		!strings.Contains(out, "1 finding outside the change not shown") {
		t.Fatalf("added: exit %d:\n%s\n%s", code, out, stderr)
	}
	code, out, _ = run(t, "", "review", "-f", "shellcheck-gcc", "--diff", diffCmd, "--filter-mode", "nofilter", "--fail-level", "warning", "lint.txt")
	if code != ExitFindings || !strings.Contains(out, "old line") || strings.Contains(out, "not shown") {
		t.Fatalf("nofilter: exit %d:\n%s", code, out)
	}
}
