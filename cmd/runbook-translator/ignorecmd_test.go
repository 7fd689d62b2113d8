package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// `ignore list` shows every rule with its state on today's date, as text
// and JSON, and exits 1 when one has expired (issue 13).
func TestIgnoreList(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	doc := `ignore:
  - {code: KSV-0017, reason: node agent needs host access, expires: 2026-01-10}
  - {code: KSV-0001, reason: migrating, expires: 2026-06-30}
  - {tool: trivy, path: "legacy/**", reason: frozen code, expires: 2025-12-01}
  - {code: DL3008, reason: pinned by the base image}
`
	if err := os.WriteFile(cfg, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	f, out, _ := testFactory() // today: 2026-01-02
	o := &IgnoreListOptions{IO: f.IO, Now: f.Now, ConfigPath: cfg, Within: 14 * 24 * time.Hour}
	err := ignoreListRun(o)
	if exitCode(err) != ExitFindings || !strings.Contains(err.Error(), "1 ignore rule(s) expired") {
		t.Fatalf("err %v", err)
	}
	for _, want := range []string{`expiring\s+2026-01-10 \(in 8 days\)`, `active\s+2026-06-30 \(in 179 days\)`, `expired\s+2025-12-01 \(32 days ago\)`, `no expiry\s+-\s+code=DL3008`} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	f, out, _ = testFactory()
	o = &IgnoreListOptions{IO: f.IO, Now: f.Now, ConfigPath: cfg, Within: 14 * 24 * time.Hour, JSON: true}
	_ = ignoreListRun(o)
	var states []ignoreState
	if err := json.Unmarshal(out.Bytes(), &states); err != nil || len(states) != 4 || states[0].State != "expiring" || *states[0].DaysLeft != 8 {
		t.Fatalf("json: %v %+v", err, states)
	}
}

// With --report (a run's JSON Lines) a rule matching nothing is unused;
// the warning window comes from ignore_policy.warn_within unless --within
// is given (issue 13).
func TestIgnoreListReportAndPolicyWindow(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "run.jsonl")
	// A real run over a Trivy fixture writes the report.
	if code, _, stderr := run(t, "", "review", "--fail-level", "none", "-r", "json="+report, "../../testdata/trivy/config-k8s-shop.json"); code != 0 {
		t.Fatalf("review: exit %d: %s", code, stderr)
	}
	cfg := filepath.Join(dir, "c.yaml")
	doc := `ignore_policy:
  warn_within: 3w
ignore:
  - {code: KSV-0001, reason: used, expires: 2026-01-20}
  - {code: KSV-9999, reason: matches nothing, expires: 2026-06-30}
  - {code: KSV-0003, path: "other/**", reason: path differs, expires: 2025-12-01}
  - {code: KSV-0003, reason: used, expires: 2026-06-30}
`
	if err := os.WriteFile(cfg, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	f, out, errOut := testFactory() // today: 2026-01-02
	err := ignoreListRun(&IgnoreListOptions{IO: f.IO, Now: f.Now, ConfigPath: cfg, JSON: true, Report: report})
	if exitCode(err) != ExitFindings {
		t.Fatalf("err %v", err)
	}
	var states []ignoreState
	if err := json.Unmarshal(out.Bytes(), &states); err != nil || len(states) != 4 {
		t.Fatalf("json: %v\n%s", err, out)
	}
	want := []struct {
		state   string
		line    int
		matches bool
	}{{"expiring", 4, true}, {"unused", 5, false}, {"expired", 6, false}, {"active", 7, true}}
	for i, w := range want {
		s := states[i]
		if s.State != w.state || s.Line != w.line || s.Matches == nil || (*s.Matches > 0) != w.matches {
			t.Errorf("rule %d: %+v (matches %v), want %+v", i, s, s.Matches, w)
		}
	}
	if !strings.Contains(errOut.String(), "1 ignore rule(s) matched no finding of "+report) {
		t.Errorf("stderr %q", errOut)
	}
	// --within overrides the policy: 2026-01-20 is 18 days away.
	f, out, _ = testFactory()
	_ = ignoreListRun(&IgnoreListOptions{IO: f.IO, Now: f.Now, ConfigPath: cfg, Within: 7 * 24 * time.Hour})
	if !regexp.MustCompile(`0\s+active\s+2026-01-20 \(in 18 days\)`).MatchString(out.String()) {
		t.Errorf("--within 7d:\n%s", out)
	}
	// A report that is not JSON Lines is an error naming the record.
	bad := filepath.Join(dir, "bad.jsonl")
	_ = os.WriteFile(bad, []byte("{\"tool\":\"t\",\"code\":\"c\"}\n<html>\n"), 0o644)
	f, _, _ = testFactory()
	err = ignoreListRun(&IgnoreListOptions{IO: f.IO, Now: f.Now, ConfigPath: cfg, Report: bad})
	if exitCode(err) != ExitUsage || !strings.Contains(err.Error(), "record 2") {
		t.Errorf("bad report: %v", err)
	}
}

func TestIgnoreListWithinFlag(t *testing.T) {
	f, _, _ := testFactory()
	for in, want := range map[string]time.Duration{"14d": 14 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "36h": 36 * time.Hour} {
		var got time.Duration
		c := NewCmdIgnoreList(f, func(o *IgnoreListOptions) error { got = o.Within; return nil })
		c.SetArgs([]string{"--within", in})
		if err := c.Execute(); err != nil || got != want {
			t.Errorf("--within %s = %v, %v", in, got, err)
		}
	}
	c := NewCmdIgnoreList(f, func(*IgnoreListOptions) error { return nil })
	c.SetArgs([]string{"--within", "a month"})
	if err := c.Execute(); err == nil || !strings.Contains(err.Error(), "want a number of days") {
		t.Errorf("bad --within: %v", err)
	}
}
