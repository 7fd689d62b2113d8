package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
)

// TestJapaneseFixGoldens: in Japanese, the local report (-v) of SARIF
// fixes, a tool's fix suggested with its diff and fixes left out with the
// note why (staticcheck, and the SARIF SDK's example whose files are not
// in the checkout); and the pull request comments of a runbook's fix
// (its Japanese description and the suggestion) and of a fix note.
//
//	go test ./cmd/runbook-translator -run JapaneseFixGoldens -update-ja-reports
func TestJapaneseFixGoldens(t *testing.T) {
	dir, err := filepath.Abs(td + "sarif-fixes")
	if err != nil {
		t.Fatal(err)
	}
	sarif := []string{"--base-dir", dir, "-f", "sarif", filepath.Join(dir, "staticcheck.sarif"), filepath.Join(dir, "sarif-sdk-ai-example.sarif")}
	noEnv := func(string) string { return "" }
	code, out, stderr := runEnv(t, noEnv, append([]string{"review", "--lang", "ja", "--fail-level", "none", "-v", "-r", "local"}, sarif...)...)
	if code != ExitOK {
		t.Fatalf("local -v: exit %d: %s", code, stderr)
	}
	golden(t, "fixes-local-verbose.golden.txt", out)
	for _, want := range []string{
		"修正案: Remove assignment to blank identifier (staticcheck)\n",
		"修正案: 提案なし: SARIF ログの修正のうち、次のものは使えません: 修正 1: 領域が 39 行目の行末まで続きます。",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("local -v lacks %q", want)
		}
	}

	// The README's sample on a pull request that adds storefront.yaml as
	// it is in the checkout: an inline comment with the runbook's fix as a
	// suggestion.
	src, err := os.ReadFile(td + "inputs/k8s/storefront.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fake := fakegithub.New(t, "acme", "shop")
	fake.AddPR(fakegithub.PR{Number: 7, Head: "abc123", Files: []fakegithub.File{addedText("k8s/storefront.yaml", string(src))}})
	args := append([]string{"review", "--lang", "ja", "--fail-level", "none", "-r", "github-pr-review"}, sampleArgs(t)...)
	if code, _, stderr := runEnv(t, githubEnv(t, fake, 7, "abc123"), args...); code != ExitOK {
		t.Fatalf("github: exit %d: %s", code, stderr)
	}
	var withFix []fakegithub.ReviewComment
	for _, c := range fake.ReviewComments(7) {
		if strings.Contains(c.Body, "```suggestion") {
			withFix = append(withFix, c)
		}
	}
	body := firstInline(withFix, ghKey)
	if body == "" {
		t.Fatal("no inline comment suggests a fix")
	}
	golden(t, "github-inline-fix.golden.md", body)
	noStrayMarkup(t, "inline comment with a fix", body)

	// The SARIF example on a pull request that adds its file: the fixes
	// were left out, and the comment says why.
	fake = fakegithub.New(t, "acme", "shop")
	fake.AddPR(fakegithub.PR{Number: 8, Head: "def456", Files: []fakegithub.File{addedFile("src/handler.py", 60)}})
	args = append([]string{"review", "--lang", "ja", "--fail-level", "none", "-r", "github-pr-review"}, sarif...)
	if code, _, stderr := runEnv(t, githubEnv(t, fake, 8, "def456"), args...); code != ExitOK {
		t.Fatalf("github, sarif: exit %d: %s", code, stderr)
	}
	var notes []fakegithub.ReviewComment
	for _, c := range fake.ReviewComments(8) {
		if strings.Contains(c.Body, "SARIF ログの修正のうち") {
			notes = append(notes, c)
		}
	}
	body = firstInline(notes, ghKey)
	if body == "" {
		t.Fatalf("no inline comment gives the fix note: %d comments", len(fake.ReviewComments(8)))
	}
	golden(t, "github-inline-fixnote.golden.md", body)
	noStrayMarkup(t, "inline comment with a fix note", body)
}

// addedText is the patch that adds a file with content.
func addedText(name, content string) fakegithub.File {
	lines := strings.SplitAfter(strings.TrimSuffix(content, "\n"), "\n")
	var b strings.Builder
	fmt.Fprintf(&b, "@@ -0,0 +1,%d @@\n", len(lines))
	for _, l := range lines {
		b.WriteString("+" + strings.TrimSuffix(l, "\n") + "\n")
	}
	return fakegithub.File{Filename: name, Status: "added", Patch: b.String()}
}
