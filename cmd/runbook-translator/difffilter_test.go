package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffMarksFindingsOutsideTheChange makes a real git diff and checks that
// a finding on an unchanged line is marked outside the diff, not dropped.
func TestDiffMarksFindingsOutsideTheChange(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed for this test")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.email=t@example.com", "-c", "user.name=t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	file := filepath.Join(dir, "run.sh")
	git("init", "-q")
	if err := os.WriteFile(file, []byte("#!/bin/sh\necho one\necho two\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("add", ".")
	git("commit", "-qm", "base")
	if err := os.WriteFile(file, []byte("#!/bin/sh\necho one\necho $added\necho two\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("git", "-C", dir, "diff").Output()
	if err != nil {
		t.Fatal(err)
	}
	patch := filepath.Join(dir, "change.diff")
	if err := os.WriteFile(patch, out, 0o644); err != nil {
		t.Fatal(err)
	}
	input := "run.sh:3:6: warning: Double quote to prevent globbing [SC2086]\nrun.sh:4:1: note: unchanged line [SC2005]\n"
	code, stdout, stderr := run(t, input, "review", "-f", "shellcheck-gcc", "--diff-file", patch, "--filter-mode", "added", "-r", "json", "--fail-level", "none")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d findings in output, want 2 (nothing dropped): %s", len(lines), stdout)
	}
	for _, l := range lines {
		outside := strings.Contains(l, `"outside_diff":true`)
		if strings.Contains(l, `"line":3`) == outside {
			t.Errorf("line 3 is added, line 4 is not; got %s", l)
		}
	}
	code, _, stderr = run(t, input, "review", "-f", "shellcheck-gcc", "--filter-mode", "added")
	if code != ExitUsage || !strings.Contains(stderr, "--diff") {
		t.Errorf("--filter-mode added without a diff: exit %d, stderr %q", code, stderr)
	}
}
