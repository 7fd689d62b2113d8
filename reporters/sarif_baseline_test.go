package reporters

import (
	"encoding/json"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// With --baseline each result carries SARIF's baselineState (SARIF 2.1.0
// §3.27.24: new, unchanged, updated, absent); without one, none.
func TestSARIFBaselineState(t *testing.T) {
	sch := compileSARIFSchema(t)
	run := fixtureRun()
	if len(run.Findings) < 2 {
		t.Fatal("fixture too small")
	}
	out := render(t, "sarif", Options{}, run)
	var log struct {
		Runs []struct {
			Results []map[string]any `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	for _, r := range log.Runs {
		for _, res := range r.Results {
			if _, ok := res["baselineState"]; ok {
				t.Fatalf("baselineState without a baseline: %v", res)
			}
		}
	}
	for i, f := range run.Findings {
		f.Baseline = translator.BaselineExisting
		if i == 0 {
			f.Baseline = translator.BaselineNew
		}
	}
	run.BaselineFile = "base.json"
	out = render(t, "sarif", Options{}, run)
	validateSARIF(t, sch, out)
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	got := map[any]int{}
	for _, r := range log.Runs {
		for _, res := range r.Results {
			got[res["baselineState"]]++
		}
	}
	if got["new"] != 1 || got["unchanged"] == 0 || len(got) != 2 {
		t.Fatalf("baselineState counts %v", got)
	}
}
