package ignore

import (
	"context"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestParseExpiry(t *testing.T) {
	// now is 2025-06-15 in UTC (see ignore_test.go).
	for in, want := range map[string]string{
		"30d": "2025-07-15", "1d": "2025-06-16", "2w": "2025-06-29",
		"2025-06-15": "2025-06-15", "2030-01-31": "2030-01-31",
	} {
		got, err := ParseExpiry(in, now)
		if err != nil || got != want {
			t.Errorf("ParseExpiry(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"2025-06-14": "in the past (today is 2025-06-15)",
		"0d":         "at least 1d",
		"30":         "want a duration",
		"30 d":       "want a duration",
		"-3d":        "want a duration",
		"1m":         "want a duration",
		"720h":       "want a duration",
		"2025-02-30": "want a duration",
		"999999d":    "longer than 36500 days",
		"":           "want a duration",
	} {
		got, err := ParseExpiry(in, now)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseExpiry(%q) = %q, %v; want an error with %q", in, got, err, want)
		}
	}
}

func TestPolicyCheck(t *testing.T) {
	p := Policy{MaxExpiry: "90d", Require: []string{"link|approved_by", "requested_by"}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	ok := Rule{Code: "A1", Reason: "x", Expires: "2025-09-13", Link: "https://t/1", RequestedBy: "me"}
	if err := p.Check(ok, now); err != nil {
		t.Errorf("Check(%+v) = %v", ok, err)
	}
	approver := ok
	approver.Link, approver.ApprovedBy = "", "sec-team"
	if err := p.Check(approver, now); err != nil {
		t.Errorf("approved_by should satisfy link|approved_by: %v", err)
	}
	expiredLongAgo := ok
	expiredLongAgo.Expires = "2020-01-01"
	if err := p.Check(expiredLongAgo, now); err != nil {
		t.Errorf("an expired rule does not break max_expiry: %v", err)
	}
	for name, c := range map[string]struct {
		r    Rule
		want string
	}{
		"too late":      {Rule{Code: "A1", Reason: "x", Expires: "2025-09-14", Link: "l", RequestedBy: "me"}, "expires 2025-09-14 is later than the ignore_policy's max_expiry of 90d (2025-09-13 at the latest)"},
		"no expiry":     {Rule{Code: "A1", Reason: "x", Link: "l", RequestedBy: "me"}, "no expires: the ignore_policy allows at most 90d (until 2025-09-13)"},
		"no link":       {Rule{Code: "A1", Reason: "x", Expires: "2025-07-01", RequestedBy: "me"}, "missing link or approved_by: the ignore_policy requires one of them"},
		"no requester":  {Rule{Code: "A1", Reason: "x", Expires: "2025-07-01", Link: "l"}, "missing requested_by: the ignore_policy requires it"},
		"blank counted": {Rule{Code: "A1", Reason: "x", Expires: "2025-07-01", Link: "  ", RequestedBy: "me"}, "missing link or approved_by"},
	} {
		err := p.Check(c.r, now)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Check = %v, want %q", name, err, c.want)
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	for _, c := range []struct {
		p    Policy
		want string
	}{
		{Policy{MaxExpiry: "3 months"}, "max_expiry: duration \"3 months\""},
		{Policy{WarnWithin: "14"}, "warn_within: duration \"14\""},
		{Policy{Require: []string{"link|approver"}}, `require[0]: "approver" is not a rule field`},
		{Policy{Require: []string{"ticket"}}, `require[0]: "ticket" is not a rule field (want one of code, tool, path, resource, reason, expires, link, approved_by, requested_by`},
	} {
		err := c.p.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Validate(%+v) = %v, want %q", c.p, err, c.want)
		}
	}
	if d := (Policy{}).WarnDays(); d != DefaultWarnDays {
		t.Errorf("default WarnDays = %d", d)
	}
	if d := (Policy{WarnWithin: "3w"}).WarnDays(); d != 21 {
		t.Errorf("WarnDays(3w) = %d", d)
	}
}

// TestExpiresInDays: the stage computes the days left once, for findings
// whose active exception expires within the window.
func TestExpiresInDays(t *testing.T) {
	rules := []Rule{
		{Code: "TODAY", Reason: "x", Expires: "2025-06-15"},
		{Code: "FIVE", Reason: "x", Expires: "2025-06-20"},
		{Code: "EDGE", Reason: "x", Expires: "2025-06-22"},
		{Code: "LATER", Reason: "x", Expires: "2025-06-23"},
		{Code: "NONE", Reason: "x"},
		{Code: "GONE", Reason: "x", Expires: "2025-06-14"},
	}
	s := New(rules, now).WarnWithin(7)
	want := map[string]string{
		"TODAY": "exception expires today", "FIVE": "exception expires in 5 days", "EDGE": "exception expires in 7 days",
		"LATER": "", "NONE": "", "GONE": "",
	}
	for code, note := range want {
		f := finding("t", code, "a.yaml", "")
		if err := s.Map(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		if got := f.Suppressed.ExpiryNote(); got != note {
			t.Errorf("%s: note %q, want %q", code, got, note)
		}
	}
	one := New([]Rule{{Code: "A", Reason: "x", Expires: "2025-06-16"}}, now)
	f := finding("t", "A", "a.yaml", "")
	_ = one.Map(context.Background(), f)
	if got := f.Suppressed.ExpiryNote(); got != "exception expires in 1 day" {
		t.Errorf("default window: %q", got)
	}
	var nilSupp *translator.Suppression
	if nilSupp.ExpiryNote() != "" {
		t.Error("nil suppression has a note")
	}
}

func TestLines(t *testing.T) {
	src := []byte("# head\nignore:\n  - code: A\n    reason: x\n\n  - code: B\nignore_policy:\n  max_expiry: 90d\n")
	rules, policy := Lines(src)
	if len(rules) != 2 || rules[0] != 3 || rules[1] != 6 || policy != 7 {
		t.Errorf("Lines = %v, %d", rules, policy)
	}
}
