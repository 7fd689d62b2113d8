package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every GitHub workflow the README, docs/forges.md and docs/exceptions.md show (a ```yaml block
// whose first line names .github/workflows/...) passes actionlint, the
// consumer that checks workflows as GitHub reads them. Our own action is
// resolved from this checkout, so its inputs are checked too.
func TestDocumentedWorkflowsPassActionlint(t *testing.T) {
	al := findTool(t, "actionlint") // ci/check-workflows installs it
	root, _ := filepath.Abs("../..")
	block := regexp.MustCompile("(?s)```yaml\n(# (\\.github/workflows/[^\\s]+)[^\n]*\n.*?)```")
	n := 0
	for _, doc := range []string{"README.md", "docs/forges.md", "docs/exceptions.md"} {
		text := readFile(t, filepath.Join(root, doc))
		for _, m := range block.FindAllStringSubmatch(text, -1) {
			n++
			repo := t.TempDir()
			wf := filepath.Join(repo, ".github", "workflows", filepath.Base(m[2]))
			os.MkdirAll(filepath.Dir(wf), 0o755)
			// The examples use the published action; actionlint reads the
			// inputs of a local action, so point them at this checkout.
			body := strings.ReplaceAll(m[1], "runbook-translator/runbook-translator@main", "./")
			if err := os.WriteFile(wf, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(filepath.Join(root, "action.yml")); err == nil {
				os.WriteFile(filepath.Join(repo, "action.yml"), b, 0o644)
			}
			// actionlint finds the local action from the repository root.
			if out, err := exec.Command("git", "-C", repo, "init", "-q").CombinedOutput(); err != nil {
				t.Fatalf("git init: %v\n%s", err, out)
			}
			cmd := exec.Command(al, "-no-color", wf)
			cmd.Dir = repo
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s, %s: actionlint: %v\n%s", doc, m[2], err, out)
			}
		}
	}
	if n < 3 {
		t.Fatalf("only %d documented workflows found", n)
	}
}
