package comment

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestSummaryBaseline(t *testing.T) {
	mk := func(code, state string, line int) *translator.Finding {
		return &translator.Finding{Tool: "trivy", Code: code, Severity: translator.SeverityError, Message: "m " + code,
			Location: translator.Location{Path: "k8s/web.yaml", Line: line}, Baseline: state}
	}
	fresh, old := mk("KSV-0001", translator.BaselineNew, 3), mk("KSV-0002", translator.BaselineExisting, 40)
	fixed := mk("KSV-0003", "", 12)
	s := Summary{Findings: translator.Findings{fresh, old}, Baseline: true, Fixed: translator.Findings{fixed},
		NotInline: []Entry{{fresh, ReasonOutsideDiff}, {old, ReasonOutsideDiff}}}
	body, _ := SummaryBody(s, Options{})
	for _, want := range []string{
		"Against the base branch: **1 new**, 1 existing, 1 fixed.",
		"### Not shown inline (1)\n\n- **error** `trivy KSV-0001`",
		"### Fixed (1): thank you!\n\n- **error** `trivy KSV-0003` `k8s/web.yaml:12`",
		"<details><summary>Existing findings not shown inline (1): already on the base branch</summary>\n\n- **error** `trivy KSV-0002`",
		"</details>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("summary lacks %q:\n%s", want, body)
		}
	}
	// Without a baseline nothing changes: no counts line, no fold.
	s.Baseline, s.Fixed = false, nil
	body, _ = SummaryBody(s, Options{})
	if strings.Contains(body, "base branch") || strings.Contains(body, "<details>") || !strings.Contains(body, "### Not shown inline (2)") {
		t.Errorf("summary without a baseline changed:\n%s", body)
	}
}
