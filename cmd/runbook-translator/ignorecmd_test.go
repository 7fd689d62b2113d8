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
