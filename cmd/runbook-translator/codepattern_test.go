package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runbookIDs runs review with -r json and returns the runbook id of each
// finding, keyed by its code ("" for findings without one).
func runbookIDs(t *testing.T, args ...string) map[string][]string {
	t.Helper()
	code, out, stderr := run(t, "", append([]string{"review", "-r", "json", "--fail-level", "none"}, args...)...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	ids := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var f struct {
			Code    string
			Runbook struct{ ID string }
		}
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("%v: %v: %q", args, err, line)
		}
		ids[f.Code] = append(ids[f.Code], f.Runbook.ID)
	}
	return ids
}

// Issue 10: --code-pattern gives generic errorformat findings a code, so
// they match the specific catalog entry of that code: with --efm, and with
// named text formats whose patterns find no code. Inputs are real tool
// output (testdata/conftest-stdout: conftest v0.71.1 -o stdout;
// testdata/shellcheck-gcc: shellcheck -f gcc, see each cases.yaml).
func TestCodePatternMatchesSpecificEntry(t *testing.T) {
	t.Run("efm conftest", func(t *testing.T) {
		args := []string{"--efm", "%WWARN - %f - %m", "--efm", "%EFAIL - %f - %m", "--efm", "%-G%.%#",
			"--tool", "conftest", td + "conftest-stdout/k8s-shop.stdout"}
		// Without the pattern every finding is code-less: the conftest default.
		without := runbookIDs(t, args...)
		if len(without) != 1 || without[""] == nil {
			t.Fatalf("without --code-pattern: codes %v, want only code-less findings", codesOf(without))
		}
		with := runbookIDs(t, append([]string{"--code-pattern", `^[\w.]+ - (?P<code>K8S-\d+):\s+`}, args...)...)
		for code, want := range map[string]string{"K8S-002": "image-naming-convention", "K8S-003": "k8s-image-tag-mutable"} {
			if len(with[code]) == 0 {
				t.Fatalf("with --code-pattern: no finding has code %s (codes %v)", code, codesOf(with))
			}
			for _, id := range with[code] {
				if id != want {
					t.Errorf("%s matched %q, want the specific entry %q", code, id, want)
				}
			}
		}
		if n := len(with[""]); n != 0 {
			t.Errorf("%d findings kept no code", n)
		}
	})

	t.Run("efm shellcheck", func(t *testing.T) {
		ids := runbookIDs(t, "--efm", "%f:%l:%c: %m", "--tool", "shellcheck",
			"--code-pattern", `\[(?P<code>SC\d+)\]$`, td+"shellcheck-gcc/all-scripts.gcc")
		for code, want := range map[string]string{"SC2034": "shell-sc2034", "SC2006": "shell-sc2006"} {
			if len(ids[code]) == 0 || ids[code][0] != want {
				t.Errorf("%s matched %v, want the built-in entry %q", code, ids[code], want)
			}
		}
	})

	// Named errorformat formats with no refiner ("%f:%l:%c: %m") label
	// findings with their own tool, so a code-keyed entry of the user's
	// catalog is what the extracted code must reach.
	dir := t.TempDir()
	cat := filepath.Join(dir, "cat.yaml")
	if err := os.WriteFile(cat, []byte("entries:\n  - id: quote-it\n    title: Quote it\n    match: [{codes: [SC2086]}]\n    body: quote\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"golint", "govet"} {
		t.Run(format, func(t *testing.T) {
			args := []string{"--runbooks", cat, "-f", format, td + "shellcheck-gcc/all-scripts.gcc"}
			if ids := runbookIDs(t, args...); len(ids) != 1 || ids[""] == nil {
				t.Fatalf("without --code-pattern: codes %v, want none", codesOf(ids))
			}
			ids := runbookIDs(t, append([]string{"--code-pattern", `\[(?P<code>SC\d+)\]$`}, args...)...)
			if len(ids["SC2086"]) == 0 {
				t.Fatalf("no finding has code SC2086 (codes %v)", codesOf(ids))
			}
			for _, id := range ids["SC2086"] {
				if id != "quote-it" {
					t.Errorf("SC2086 matched %q, want quote-it", id)
				}
			}
		})
	}
}

func codesOf(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
