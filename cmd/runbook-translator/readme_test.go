package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/reporters"
)

// The README's first command runs as written from the repository root,
// exits 0, and its text's claims hold (82 Conftest and 138 Trivy findings,
// the Conftest ones located in the manifests).
func TestReadmeTryItRunsAsWritten(t *testing.T) {
	root, _ := filepath.Abs("../..")
	readme := readFile(t, filepath.Join(root, "README.md"))
	block := fencedAfter(t, readme, "## Try it", "sh")
	line := strings.TrimSpace(strings.Split(block, "\n")[0])
	const pre = "go run ./cmd/runbook-translator "
	if !strings.HasPrefix(line, pre) || strings.ContainsAny(line, `'"\|`) {
		t.Fatalf("the first command is not a plain go run: %q", line)
	}
	args := strings.Fields(strings.TrimPrefix(line, pre))
	t.Chdir(root)
	code, out, stderr := run(t, "", args...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(out, "k8s/k8s/") || !strings.Contains(out, "located: ") {
		t.Errorf("paths or locations are wrong:\n%.2000s", out)
	}
	m := regexp.MustCompile(`\((\d+) and (\d+) findings\)`).FindStringSubmatch(readme)
	if m == nil {
		t.Fatal("the README no longer says how many findings the command shows")
	}
	code, sum, _ := run(t, "", append(args, "-r", "summary")...)
	var d reporters.SummaryDoc
	if err := json.Unmarshal([]byte(sum), &d); err != nil || code != ExitOK {
		t.Fatalf("summary: exit %d, %v", code, err)
	}
	if got := []string{itoa(d.ByTool["conftest"].Total), itoa(d.ByTool["trivy"].Total)}; got[0] != m[1] || got[1] != m[2] {
		t.Errorf("README says %s and %s findings; the command gives %v", m[1], m[2], got)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
