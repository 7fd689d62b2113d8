package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// issue 15: `runbooks show KSV017` without --tool finds Trivy's entry, and
// the fallback text reads right without a tool.
func TestRunbooksShowWithoutTool(t *testing.T) {
	code, out, _ := run(t, "", "runbooks", "show", "KSV017")
	if code != ExitOK || !strings.Contains(out, "entry: pss-privileged") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, out, stderr := run(t, "", "runbooks", "show", "NOPE-1")
	if code != ExitOK || strings.Contains(out, "from  yet") || strings.Contains(out, "tool: ,") || strings.Contains(out, "--tool `") ||
		!strings.Contains(out, "`{codes: [NOPE-1]}`") || !strings.Contains(stderr, "generic fallback") {
		t.Fatalf("exit %d:\n%s\n%s", code, out, stderr)
	}
}

// The folder the fallback points at, .runbook-translator/runbooks, loads by
// convention as the last layer; it is the checkout's, so its owners never
// ping.
func TestConventionalCatalogFolderLoads(t *testing.T) {
	repo := t.TempDir()
	dir := filepath.Join(repo, ".runbook-translator", "runbooks")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cat := `entries:
  - id: repo-x1
    title: Our own rule X-1
    owner: "@acme/platform"
    match:
      - {tool: lint, codes: [X-1]}
    body: Fix X-1 the repository's way.
`
	if err := os.WriteFile(filepath.Join(dir, "ours.yaml"), []byte(cat), 0o644); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(repo, "lint.jsonl")
	rd := `{"message":"something","location":{"path":"a.yaml","range":{"start":{"line":3}}},"severity":"ERROR","source":{"name":"lint"},"code":{"value":"X-1"}}` + "\n"
	if err := os.WriteFile(in, []byte(rd), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "", "review", "--base-dir", repo, "--fail-level", "none", "-f", "rdjsonl", "-r", "json", in)
	if code != ExitOK || !strings.Contains(out, `"id":"repo-x1"`) {
		t.Fatalf("the conventional folder was not loaded: exit %d:\n%s\n%s", code, out, stderr)
	}
	// It is the checkout's: its owner never pings, even with --mentions.
	code, _, stderr = run(t, "", "review", "--base-dir", repo, "--fail-level", "none", "-f", "rdjsonl", "--mentions", "-r", "json", in)
	if code != ExitOK || !strings.Contains(stderr, "mentions are off: catalog") {
		t.Fatalf("mentions from the checkout's folder: exit %d: %s", code, stderr)
	}
}
