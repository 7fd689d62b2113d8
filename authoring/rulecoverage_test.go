package authoring

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/runbooks/rules"
)

func TestRuleCoverage(t *testing.T) {
	c, err := Load(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	lists := []*rules.List{{
		Tool: "trivy", File: "x.yaml", Source: rules.Source{Repo: "github.com/aquasecurity/trivy-checks", Commit: strings.Repeat("a", 40)},
		Rules: []rules.Rule{
			// Covered through an alias spelling only.
			{ID: "kubernetes-no-privileged-containers", Aliases: []string{"AVD-KSV-0017"}, Default: true},
			{ID: "ZZZ-9999", Title: "no such rule", Default: true},
			{ID: "ZZZ-9998", Title: "off by default"},
		},
	}}
	rep := RuleCoverage(c.Catalog, lists, RuleCoverageOptions{})
	if len(rep.Tools) != 1 {
		t.Fatalf("tools: %+v", rep.Tools)
	}
	tc := rep.Tools[0]
	if tc.Rules != 2 || tc.Covered != 1 || tc.Share != 50 || len(tc.Uncovered) != 1 ||
		tc.Uncovered[0].ID != "ZZZ-9999" || tc.Uncovered[0].FallsTo != "default-trivy" {
		t.Errorf("default rules: %+v", tc)
	}
	rep = RuleCoverage(c.Catalog, lists, RuleCoverageOptions{All: true, Lang: "xx"})
	if tc := rep.Tools[0]; tc.Rules != 3 || tc.Covered != 1 || len(tc.Uncovered) != 2 || tc.Untranslated != 1 {
		t.Errorf("all rules: %+v", tc)
	}
	var tbl bytes.Buffer
	if err := rep.WriteTable(&tbl); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"ZZZ-9998", "default-trivy", "NO xx TRANSLATION", "trivy  3      1        33.3%  2"} {
		if !strings.Contains(tbl.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, tbl.String())
		}
	}
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back RuleCoverageReport
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Tools[0].Covered != 1 || back.Rules != 3 {
		t.Errorf("json round trip: %v %+v", err, back)
	}
}

func TestReadRuleLists(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(good, []byte("tool: x\nsource: {repo: r, commit: c}\nrules: [{id: a, default: true}]\n"), 0o644)
	os.WriteFile(bad, []byte("tool: x\nsource: {repo: r, commit: c}\nrules: [{id: a, typo: 1}]\n"), 0o644)
	ls, err := ReadRuleLists([]string{good})
	if err != nil || len(ls) != 1 || ls[0].File != good {
		t.Fatalf("good: %v %v", ls, err)
	}
	if _, err := ReadRuleLists([]string{bad}); err == nil || !strings.Contains(err.Error(), "bad.yaml") || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("bad: %v", err)
	}
	if _, err := ReadRuleLists([]string{filepath.Join(dir, "missing.yaml")}); err == nil {
		t.Error("missing file accepted")
	}
}

// TestBuiltinRuleCoverage holds the built-in catalog to issue 14's goal: at
// least 95% of each tool's default rules (runbooks/rules) get a specific
// entry. It fails when a rule list is refreshed with new rules, or an entry
// is dropped, without the catalog following.
func TestBuiltinRuleCoverage(t *testing.T) {
	c, err := Load(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	lists, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	rep := RuleCoverage(c.Catalog, lists, RuleCoverageOptions{})
	if len(rep.Tools) != len(lists) {
		t.Fatalf("%d tools in the report, %d lists", len(rep.Tools), len(lists))
	}
	for _, tc := range rep.Tools {
		if tc.Share < 95 {
			var ids []string
			for _, g := range tc.Uncovered {
				ids = append(ids, g.ID)
			}
			t.Errorf("%s: %d of %d default rules covered (%.1f%%), want >= 95%%; uncovered: %s",
				tc.Tool, tc.Covered, tc.Rules, tc.Share, strings.Join(ids, " "))
		}
	}
}
