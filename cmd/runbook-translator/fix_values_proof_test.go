package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// The proof of organisation fix values (values: in a catalog, taken by
// catalog_value:): the proof of fix_proof_test.go run again with an
// example organisation catalog that sets the platform team's defaults
// (testdata/catalogs/org-values). For each tool, the share of findings
// with a specific runbook that get a suggestion without that catalog (the
// built-in one alone) and with it; for the scanners installed, that the
// fixes made with it clear their findings on a re-run and that no scanner
// reports anything new.

// valuesCatalog is the example organisation catalog.
const valuesCatalog = "../../testdata/catalogs/org-values"

// valuesGoal is the least share with the values catalog per tool: what it
// reaches today (rounded down), so that losing an alternative fails.
var valuesGoal = map[string]float64{
	"conftest":        0.80,
	"kube-score":      0.82,
	"kubeconform":     0,
	"tfsec":           0.92,
	"trivy":           0.92,
	"trivy-terraform": 0.92,
	"kube-linter":     0.92,
	"polaris":         0.88,
}

// suggestionShare counts the findings with a specific runbook and those of
// them that get a suggestion.
func suggestionShare(fs translator.Findings) (specific, withFix int, fixedKeys map[string]int) {
	fixedKeys = map[string]int{}
	for _, f := range fs {
		if f.Runbook == nil || f.Runbook.IsFallback() || f.Runbook.Generic {
			continue
		}
		specific++
		if len(f.Fixes) > 0 {
			withFix++
			fixedKeys[proofKey(f)]++
		}
	}
	return specific, withFix, fixedKeys
}

func pct(a, b int) float64 {
	if b == 0 {
		return 100
	}
	return 100 * float64(a) / float64(b)
}

func TestFixValuesFixTheRealFindings(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real scanners")
	}
	values, err := filepath.Abs(valuesCatalog)
	if err != nil {
		t.Fatal(err)
	}
	bins, helm := proofTools(t)
	var report []string
	for _, s := range proofScanners {
		if bins[s.name] == "" {
			t.Logf("%s is not installed: %s skipped", s.binary(), s.name)
			continue
		}
		t.Run(s.name, func(t *testing.T) {
			r := prove(t, s, bins, helm, "--runbooks", values)
			alone := r.alone
			line := fmt.Sprintf("%s: %d with a specific runbook; with a suggestion: built-in catalog alone %d (%.0f%%), with the values catalog %d (%.0f%%); of these %d gone after the fix (%.0f%%); %d new findings (any scanner)",
				s.name, r.specific, alone.withFix, pct(alone.withFix, alone.specific), r.withFix, pct(r.withFix, r.specific), r.gone, pct(r.gone, r.withFix), r.added)
			report = append(report, line)
			t.Log(line)
			if alone.specific != r.specific {
				t.Errorf("%d findings with a specific runbook without the values catalog, %d with it: it sets values only", alone.specific, r.specific)
			}
			if r.withFix < alone.withFix {
				t.Errorf("the values catalog lost suggestions: %d without it, %d with it", alone.withFix, r.withFix)
			}
			if pct(r.withFix, r.specific) < 100*valuesGoal[s.name] {
				t.Errorf("%.0f%% get a suggestion with the values catalog, want at least %.0f%%", pct(r.withFix, r.specific), 100*valuesGoal[s.name])
			}
			if r.withFix > 0 && pct(r.gone, r.withFix) < 95 {
				t.Errorf("only %d of %d fixed findings are gone when %s runs again, want 95%%", r.gone, r.withFix, s.name)
			}
		})
	}
	sort.Strings(report)
	t.Logf("figures:\n%s", strings.Join(report, "\n"))
}

// The scanners that cannot be installed here, on their committed outputs
// (as TestFixSuggestionsOnCommittedOutputs): the share with a suggestion
// without and with the values catalog; whether the fixes clear the
// findings is not checked for them.
func TestFixValuesOnCommittedOutputs(t *testing.T) {
	values, err := filepath.Abs(valuesCatalog)
	if err != nil {
		t.Fatal(err)
	}
	var report []string
	for _, c := range committedOutputs {
		t.Run(c.name, func(t *testing.T) {
			input, dir := committedInput(t, c)
			spec0, with0, _ := suggestionShare(suggested(t, c.format, input, dir, c.args...))
			fs := suggested(t, c.format, input, dir, append(append([]string{}, c.args...), "--runbooks", values)...)
			specific, withFix, _ := suggestionShare(fs)
			logUnsuggested(t, fs)
			line := fmt.Sprintf("%s (committed output): %d with a specific runbook; with a suggestion: built-in catalog alone %d (%.0f%%), with the values catalog %d (%.0f%%)",
				c.name, specific, with0, pct(with0, spec0), withFix, pct(withFix, specific))
			report = append(report, line)
			t.Log(line)
			if withFix < with0 {
				t.Errorf("the values catalog lost suggestions: %d without it, %d with it", with0, withFix)
			}
			if pct(withFix, specific) < 100*valuesGoal[c.name] {
				t.Errorf("%.0f%% get a suggestion with the values catalog, want at least %.0f%%", pct(withFix, specific), 100*valuesGoal[c.name])
			}
		})
	}
	sort.Strings(report)
	t.Logf("figures:\n%s", strings.Join(report, "\n"))
}
