package comment

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// The PR/MR summary's Ignored list says when an exception expires soon
// (issue 13); the ignore stage computed the days.
func TestSummaryExpiryNote(t *testing.T) {
	soon, later := finding("soon"), finding("later")
	soon.Fingerprint, later.Fingerprint = "fp-soon", "fp-later"
	five := 5
	soon.Suppressed = &translator.Suppression{Reason: "rolling out", Expires: "2030-01-06", ExpiresInDays: &five}
	later.Suppressed = &translator.Suppression{Reason: "accepted", Expires: "2030-06-01"}
	body, _ := SummaryBody(Summary{Findings: translator.Findings{soon, later}}, Options{})
	if !strings.Contains(body, "rolling out (until 2030-01-06) ⏳ **exception expires in 5 days**") {
		t.Errorf("summary lacks the note:\n%s", body)
	}
	if strings.Count(body, "exception expires") != 1 {
		t.Errorf("note on a finding outside the window:\n%s", body)
	}
}
