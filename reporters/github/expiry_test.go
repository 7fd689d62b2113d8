package github

import (
	"context"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// The job summary's ignored list says when an exception expires soon
// (issue 13).
func TestBasicSummaryExpiryNote(t *testing.T) {
	zero := 0
	f := &translator.Finding{Tool: "trivy", Code: "KSV-0001", Message: "m", Severity: translator.SeverityError,
		Location:   translator.Location{Path: "k8s/a.yaml", Line: 3},
		Suppressed: &translator.Suppression{Reason: "accepted", Expires: "2030-01-01", Source: "config", ExpiresInDays: &zero}}
	got, err := annBasicSummary(context.Background(), &translator.Run{Findings: translator.Findings{f}}, 1<<16)
	if err != nil || !strings.Contains(got, "(ignored: accepted; exception expires today)") {
		t.Errorf("summary %q, %v", got, err)
	}
}
