package main

import (
	"bytes"
	"fmt"
	"os"
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
	"conftest":        0.47,
	"kube-score":      0.50,
	"kubeconform":     0,
	"tfsec":           0.53,
	"trivy":           0.88,
	"trivy-terraform": 0.55,
	"kube-linter":     0.88,
	"polaris":         0.85,
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
	bins := map[string]string{}
	for _, s := range proofScanners {
		if p, ok := lookTool(s.name); ok {
			bins[s.name] = p
		} else if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (.ci/run installs it)", s.name)
		}
	}
	var report []string
	for _, s := range proofScanners {
		if bins[s.name] == "" {
			t.Logf("%s is not installed: skipped", s.name)
			continue
		}
		t.Run(s.name, func(t *testing.T) {
			dir := proofTree(t)
			before := map[string]translator.Findings{}
			for _, o := range proofScanners {
				if bins[o.name] != "" {
					_, before[o.name] = scan(t, o, bins[o.name], dir)
				}
			}
			out, _ := scan(t, s, bins[s.name], dir)
			input := filepath.Join(t.TempDir(), s.name+".json")
			if err := os.WriteFile(input, out, 0o644); err != nil {
				t.Fatal(err)
			}
			spec0, with0, _ := suggestionShare(suggested(t, s.format, input, dir))
			fs := suggested(t, s.format, input, dir, "--runbooks", values)
			specific, withFix, fixedKeys := suggestionShare(fs)
			logUnsuggested(t, fs)
			var stdout, stderr bytes.Buffer
			code := Main([]string{"fix", "-f", s.format, input, "--base-dir", dir, "--runbooks", values}, strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
			if code != 0 && code != ExitFixSkipped {
				t.Fatalf("fix exit %d:\n%s", code, stderr.String())
			}
			t.Logf("fix: %s", strings.TrimSpace(stderr.String()))
			gone := 0
			for _, o := range proofScanners {
				if bins[o.name] == "" {
					continue
				}
				_, after := scan(t, o, bins[o.name], dir)
				was := keys(before[o.name])
				for _, f := range after {
					k := proofKey(f)
					if was[k] == 0 {
						if from := inherited(f, before[o.name], dir); from != "" {
							t.Logf("the fixes of %s added %s, which %s reports as it reports %s (the labels it copied): %s", s.name, f.Resource, o.name, from, f.Message)
							continue
						}
						t.Errorf("the fixes of %s with the values catalog made %s report a new finding: %s %s %s: %s", s.name, o.name, f.Code, f.Path, f.Resource, f.Message)
						continue
					}
					was[k]--
				}
				if o.name != s.name {
					continue
				}
				now := keys(after)
				for k, n := range fixedKeys {
					left := min(n, now[k])
					gone += n - left
					if left > 0 {
						t.Logf("still reported after its fix: %s", strings.ReplaceAll(k, "\x00", " | "))
					}
				}
			}
			line := fmt.Sprintf("%s: %d with a specific runbook; with a suggestion: built-in catalog alone %d (%.0f%%), with the values catalog %d (%.0f%%); of these %d gone after the fix (%.0f%%)",
				s.name, specific, with0, pct(with0, spec0), withFix, pct(withFix, specific), gone, pct(gone, withFix))
			report = append(report, line)
			t.Log(line)
			if spec0 != specific {
				t.Errorf("%d findings with a specific runbook without the values catalog, %d with it: it sets values only", spec0, specific)
			}
			if withFix < with0 {
				t.Errorf("the values catalog lost suggestions: %d without it, %d with it", with0, withFix)
			}
			if pct(withFix, specific) < 100*valuesGoal[s.name] {
				t.Errorf("%.0f%% get a suggestion with the values catalog, want at least %.0f%%", pct(withFix, specific), 100*valuesGoal[s.name])
			}
			if withFix > 0 && pct(gone, withFix) < 95 {
				t.Errorf("only %d of %d fixed findings are gone when %s runs again, want 95%%", gone, withFix, s.name)
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
	cases := []struct {
		name, format, output string
		args                 []string
	}{
		{"trivy", "trivy", "../../testdata/trivy/config-k8s-shop.json", []string{"--path-prefix", "k8s"}},
		{"trivy-terraform", "trivy", "../../testdata/trivy/config-terraform.json", []string{"--path-prefix", "terraform"}},
		{"kube-linter", "kube-linter", "../../testdata/kube-linter/k8s-shop.json", nil},
		{"polaris", "polaris", "../../testdata/polaris/k8s-shop.json", nil},
	}
	var report []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := proofTree(t)
			b, err := os.ReadFile(c.output)
			if err != nil {
				t.Fatal(err)
			}
			b = bytes.ReplaceAll(b, []byte("/ci/workspace/fixtures/inputs"), []byte(dir))
			input := filepath.Join(t.TempDir(), "out.json")
			if err := os.WriteFile(input, b, 0o644); err != nil {
				t.Fatal(err)
			}
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
