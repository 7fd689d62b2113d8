package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
)

// copyShellcheckFix lays out a checkout with the script ShellCheck read and
// its json1 output (testdata/shellcheck-fix) and returns both paths.
func copyShellcheckFix(t *testing.T) (dir, input string) {
	t.Helper()
	dir = t.TempDir()
	for _, n := range []string{"unicode.sh", "unicode.sh.json1"} {
		b, err := os.ReadFile(td + "shellcheck-fix/" + n)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, filepath.Join(dir, "unicode.sh.json1")
}

// TestShellcheckSuggestionThroughMain: ShellCheck's fix, read from json1 and
// converted with the checkout's script (character columns, non-ASCII
// text), arrives as a GitHub suggestion on the line, through Main, the
// real go-github client and the fake.
func TestShellcheckSuggestionThroughMain(t *testing.T) {
	dir, input := copyShellcheckFix(t)
	script, _ := os.ReadFile(filepath.Join(dir, "unicode.sh"))
	var patch strings.Builder
	lines := strings.Split(strings.TrimSuffix(string(script), "\n"), "\n")
	patch.WriteString("@@ -0,0 +1," + itoa(len(lines)) + " @@\n")
	for _, l := range lines {
		patch.WriteString("+" + l + "\n")
	}
	fake := fakegithub.New(t, "acme", "shop")
	fake.AddPR(fakegithub.PR{Number: 7, Head: "abc123", Files: []fakegithub.File{{Filename: "unicode.sh", Status: "added", Patch: patch.String()}}})
	code, _, stderr := runEnv(t, githubEnv(t, fake, 7, "abc123"), "review", "-f", "shellcheck", input, "--base-dir", dir, "--fail-level", "none", "-r", "github-pr-review")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	found, suggestions := false, 0
	for _, c := range fake.ReviewComments(7) {
		if c.Line != nil && *c.Line == 4 && strings.Contains(c.Body, "```suggestion\necho Grüße \"$näme\" $1\n```") {
			found = true
		}
		if strings.Contains(c.Body, "```suggestion\n") {
			suggestions++
		}
	}
	// Every line of the new script is in the diff: each of ShellCheck's
	// six fixes is a suggestion.
	if suggestions != 6 {
		t.Errorf("%d suggestions, want 6", suggestions)
	}
	if !found {
		var bodies []string
		for _, c := range fake.ReviewComments(7) {
			bodies = append(bodies, c.Body)
		}
		t.Errorf("no suggestion quoting $näme on line 4:\n%s", strings.Join(bodies, "\n----\n"))
	}
}

// TestFixesInLocalAndJSONReports: -r json carries the converted fix, and
// the local report with -v prints it as a unified diff of the checkout.
func TestFixesInLocalAndJSONReports(t *testing.T) {
	dir, input := copyShellcheckFix(t)
	code, out, stderr := run(t, "", "review", "-f", "shellcheck", input, "--base-dir", dir, "--fail-level", "none", "-r", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var saw bool
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var f struct {
			Code  string `json:"code"`
			Line  int    `json:"line"`
			Fixes []struct {
				Source string `json:"source"`
				Edits  []struct {
					StartColumn int    `json:"start_column"`
					Text        string `json:"text"`
				} `json:"edits"`
			} `json:"fixes"`
		}
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatal(err)
		}
		if f.Code == "SC2086" && f.Line == 4 && len(f.Fixes) == 1 && f.Fixes[0].Source == "shellcheck" &&
			len(f.Fixes[0].Edits) == 2 && f.Fixes[0].Edits[0].StartColumn == 14 {
			saw = true // byte column 14: "Grüße" is 7 bytes, 5 characters
		}
	}
	if !saw {
		t.Errorf("json lacks the converted fix of SC2086 on line 4:\n%s", out)
	}
	code, out, stderr = run(t, "", "review", "-f", "shellcheck", input, "--base-dir", dir, "--fail-level", "none", "-r", "local", "-v")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"fix: suggested (shellcheck)", "--- a/unicode.sh", "-echo Grüße $näme $1", "+echo Grüße \"$näme\" $1"} {
		if !strings.Contains(out, want) {
			t.Errorf("local -v lacks %q:\n%s", want, out)
		}
	}
}
