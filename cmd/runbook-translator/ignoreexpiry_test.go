package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A finding whose exception expires within the warning window says so in
// every report that lists ignored findings; the days are computed once by
// the ignore stage (issue 13). Today is 2026-01-02 (testFactory).
func TestExceptionExpiresSoonInEveryReport(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	doc := `ignore_policy:
  warn_within: 7d
ignore:
  - code: KSV-0001
    reason: rolling out allowPrivilegeEscalation=false
    expires: 2026-01-07
  - code: KSV-0003
    reason: outside the window
    expires: 2026-01-10
`
	if err := os.WriteFile(cfg, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	out := func(name string) string { return filepath.Join(dir, name) }
	f, stdout, stderr := testFactory()
	root := NewCmdRoot(f)
	root.SetArgs([]string{"review", "-c", cfg, "--fail-level", "none",
		"-r", "local=" + out("local.txt"), "-r", "json=" + out("run.jsonl"), "-r", "sarif=" + out("run.sarif"),
		"-r", "markdown=" + out("summary.md"), "-r", "gitlab-codequality=" + out("cq.json"),
		"../../testdata/trivy/config-k8s-shop.json"})
	if err := root.Execute(); err != nil {
		t.Fatalf("review: %v\n%s%s", err, stdout, stderr)
	}
	read := func(name string) string {
		b, err := os.ReadFile(out(name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	const note = "exception expires in 5 days"
	for _, name := range []string{"local.txt", "run.jsonl", "run.sarif", "summary.md"} {
		got := read(name)
		if name != "run.jsonl" && !strings.Contains(got, note) {
			t.Errorf("%s lacks %q", name, note)
		}
		if strings.Contains(got, "expires in 8 days") {
			t.Errorf("%s notes an exception outside the 7-day window", name)
		}
	}
	// JSON: the days on the suppression of exactly the KSV-0001 findings.
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(read("run.jsonl")), "\n") {
		var rec struct {
			Code       string
			Suppressed *struct {
				ExpiresInDays *int `json:"expires_in_days"`
			}
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		soon := rec.Suppressed != nil && rec.Suppressed.ExpiresInDays != nil
		if soon != (rec.Code == "KSV-0001") || soon && *rec.Suppressed.ExpiresInDays != 5 {
			t.Errorf("%s: suppressed %+v", rec.Code, rec.Suppressed)
		}
		if soon {
			n++
		}
	}
	if n == 0 {
		t.Fatal("no KSV-0001 finding in the fixture")
	}
	// SARIF: in the suppression's justification and the properties.
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID       string `json:"ruleId"`
				Suppressions []struct {
					Justification string `json:"justification"`
				} `json:"suppressions"`
				Properties map[string]string `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(read("run.sarif")), &log); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range log.Runs[0].Results {
		if !strings.HasPrefix(r.RuleID, "KSV-0001") {
			continue
		}
		checked++
		if len(r.Suppressions) != 1 || r.Suppressions[0].Justification != "rolling out allowPrivilegeEscalation=false ("+note+")" || r.Properties["suppression_expiry_note"] != note {
			t.Errorf("sarif result %+v", r)
		}
	}
	if checked != n {
		t.Errorf("%d KSV-0001 results in SARIF, %d in JSON", checked, n)
	}
	// Code Quality lists only the findings that count: an ignored one, and
	// so its note, is not there (GitLab shows every item as an issue).
	if cq := read("cq.json"); strings.Contains(cq, "KSV-0001") || strings.Contains(cq, "expires in") {
		t.Errorf("Code Quality has the ignored finding")
	}
}

// The note is in the run's language.
func TestExceptionExpiresSoonJapanese(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(cfg, []byte("ignore:\n  - code: KSV-0001\n    reason: r\n    expires: 2026-01-03\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, stdout, stderr := testFactory()
	root := NewCmdRoot(f)
	md := filepath.Join(dir, "summary.md")
	root.SetArgs([]string{"review", "-c", cfg, "--fail-level", "none", "--lang", "ja", "-r", "local", "-r", "markdown=" + md,
		"../../testdata/trivy/config-k8s-shop.json"})
	if err := root.Execute(); err != nil {
		t.Fatalf("review: %v\n%s", err, stderr)
	}
	b, _ := os.ReadFile(md)
	for name, got := range map[string]string{"local": stdout.String(), "markdown": string(b)} {
		if !strings.Contains(got, "例外はあと 1 日で期限切れになります") {
			t.Errorf("%s report lacks the Japanese note:\n%s", name, got)
		}
	}
}
