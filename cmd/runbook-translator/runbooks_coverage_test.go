package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCoverage(t *testing.T, args ...string) (string, error) {
	t.Helper()
	f, out, _ := testFactory()
	c := NewCmdRunbooksCoverage(f, nil)
	c.SetArgs(args)
	err := c.Execute()
	return out.String(), err
}

func TestRunbooksCoverageRules(t *testing.T) {
	out, err := runCoverage(t, "--rules")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"DEFAULT RULES", "kube-linter", "github.com/stackrox/kube-linter@", "trivy", "total"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}

	// An extra list: one rule covered (kube-linter's privileged-container
	// has an entry), one not.
	list := filepath.Join(t.TempDir(), "extra.yaml")
	os.WriteFile(list, []byte("tool: kube-linter\nsource: {repo: example.com/x, commit: abc}\nrules:\n"+
		"- {id: privileged-container, default: true}\n- {id: zz-not-a-check, title: made up, default: true}\n"), 0o644)
	out, err = runCoverage(t, "--rule-list", list, "--json", "../../testdata/kube-score/k8s-shop.json")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Rules struct {
			Tools []struct {
				Tool      string
				Rules     int
				Covered   int
				Uncovered []struct{ ID string }
			}
		}
		Findings struct{ Findings int }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if len(rep.Rules.Tools) != 1 || rep.Rules.Tools[0].Rules != 2 || rep.Rules.Tools[0].Covered != 1 ||
		rep.Rules.Tools[0].Uncovered[0].ID != "zz-not-a-check" || rep.Findings.Findings == 0 {
		t.Errorf("report: %+v", rep)
	}

	os.WriteFile(list, []byte("tool: kube-linter\nrules: []\n"), 0o644)
	if _, err := runCoverage(t, "--rule-list", list); exitCode(err) != ExitUsage || !strings.Contains(err.Error(), "extra.yaml") {
		t.Errorf("bad list: %v", err)
	}
	if _, err := runCoverage(t); exitCode(err) != ExitUsage || !strings.Contains(err.Error(), "--rules") {
		t.Errorf("no input: %v", err)
	}
}
