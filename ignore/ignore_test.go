package ignore

import (
	"context"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
)

// now is 09:00 on the 16th in UTC+10, which is 23:00 on the 15th in UTC:
// expiry is judged on the UTC date, so "today" is 2025-06-15.
var now = time.Date(2025, 6, 16, 9, 0, 0, 0, time.FixedZone("AEST", 10*3600))

func finding(tool, code, path, resource string, aliases ...string) *translator.Finding {
	return &translator.Finding{Tool: tool, Code: code, Aliases: aliases, Resource: resource,
		Location: translator.Location{Path: path, Line: 1}, Severity: translator.SeverityError}
}

func run(t *testing.T, rules []Rule, fs ...*translator.Finding) *Stage {
	t.Helper()
	if err := Validate(rules); err != nil {
		t.Fatalf("rules do not validate: %v", err)
	}
	s := New(rules, now)
	out, err := (&translator.Pipeline{Stages: []translator.Stage{s}}).Run(context.Background(), fs)
	if err != nil || len(out) != len(fs) {
		t.Fatalf("Process = %d findings, %v; want %d", len(out), err, len(fs))
	}
	return s
}

func TestFields(t *testing.T) {
	cases := []struct {
		name string
		rule Rule
		f    *translator.Finding
		want bool
	}{
		{"code", Rule{Code: "KSV-0017"}, finding("trivy", "KSV017", "a.yaml", ""), true},
		{"code via alias", Rule{Code: "KSV-0017"}, finding("trivy", "x", "a.yaml", "", "AVD-KSV-0017"), true},
		{"other code", Rule{Code: "KSV-0017"}, finding("trivy", "KSV-01017", "a.yaml", ""), false},
		{"tool, any case", Rule{Tool: "Kube-Linter"}, finding("kube-linter", "run-as-non-root", "a.yaml", ""), true},
		{"other tool", Rule{Tool: "trivy", Code: "KSV017"}, finding("checkov", "KSV017", "a.yaml", ""), false},
		{"path exact", Rule{Path: "k8s/web.yaml"}, finding("t", "c", "k8s/web.yaml", ""), true},
		{"path ./", Rule{Path: "./k8s/web.yaml"}, finding("t", "c", "k8s/web.yaml", ""), true},
		{"path **", Rule{Path: "charts/**/*.yaml"}, finding("t", "c", "charts/shop/templates/deploy.yaml", ""), true},
		{"path ** at end", Rule{Path: "charts/legacy/**"}, finding("t", "c", "charts/legacy/a/b/c.yaml", ""), true},
		{"path * is one segment", Rule{Path: "charts/*.yaml"}, finding("t", "c", "charts/shop/a.yaml", ""), false},
		{"path rule, finding without path", Rule{Path: "k8s/**"}, finding("t", "c", "", ""), false},
		{"resource glob", Rule{Resource: "Deployment/legacy-*"}, finding("t", "c", "a.yaml", "Deployment/legacy-agent"), true},
		{"resource namespaced **", Rule{Resource: "Deployment/**"}, finding("t", "c", "a.yaml", "Deployment/prod/web"), true},
		{"resource terraform", Rule{Resource: "aws_s3_bucket.*"}, finding("tfsec", "c", "main.tf", "aws_s3_bucket.logs"), true},
		{"resource mismatch", Rule{Resource: "Deployment/web"}, finding("t", "c", "a.yaml", "StatefulSet/web"), false},
		{"all fields", Rule{Tool: "trivy", Code: "KSV-0017", Path: "k8s/**", Resource: "Deployment/*"},
			finding("trivy", "KSV017", "k8s/web.yaml", "Deployment/web"), true},
		{"all fields, one differs", Rule{Tool: "trivy", Code: "KSV-0017", Path: "k8s/**", Resource: "Deployment/*"},
			finding("trivy", "KSV017", "charts/web.yaml", "Deployment/web"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.rule.Reason = "accepted"
			c.rule.Link = "https://tracker.example/SEC-1"
			run(t, []Rule{c.rule}, c.f)
			if c.f.Ignored() != c.want {
				t.Fatalf("Ignored = %v, want %v (Suppressed %+v)", c.f.Ignored(), c.want, c.f.Suppressed)
			}
			if c.want {
				want := translator.Suppression{Reason: "accepted", Link: "https://tracker.example/SEC-1", Source: "config"}
				if *c.f.Suppressed != want {
					t.Errorf("Suppressed = %+v, want %+v", *c.f.Suppressed, want)
				}
			} else if c.f.Suppressed != nil {
				t.Errorf("non-matching finding got %+v", c.f.Suppressed)
			}
		})
	}
}

func TestExpiryBoundary(t *testing.T) {
	today := Rule{Code: "A1", Reason: "until today", Expires: "2025-06-15"}
	yesterday := Rule{Code: "B1", Reason: "until yesterday", Expires: "2025-06-14"}
	fa, fb := finding("t", "A1", "x", ""), finding("t", "B1", "x", "")
	fb2 := finding("t", "B-01", "y", "")
	s := run(t, []Rule{today, yesterday}, fa, fb, fb2)

	if !fa.Ignored() || fa.Suppressed.Expired || fa.Suppressed.Expires != "2025-06-15" {
		t.Errorf("expires today: %+v, want still suppressed", fa.Suppressed)
	}
	for _, f := range []*translator.Finding{fb, fb2} {
		if f.Ignored() || f.Suppressed == nil || !f.Suppressed.Expired || f.Suppressed.Reason != "until yesterday" {
			t.Errorf("expired yesterday: %+v, want active with Expired", f.Suppressed)
		}
	}
	// Expired findings count again for the verdict.
	if !(translator.Findings{fa, fb}).Exceeds(translator.SeverityError) {
		t.Errorf("an expired ignore still keeps the finding from failing the run")
	}
	hits := s.ExpiredHits()
	if len(hits) != 1 || hits[0].Rule.Code != "B1" || hits[0].Findings != 2 {
		t.Errorf("ExpiredHits = %+v", hits)
	}
	if u := s.Unused(); len(u) != 0 {
		t.Errorf("Unused = %+v", u)
	}
}

func TestActiveRuleBeatsExpired(t *testing.T) {
	rules := []Rule{
		{Code: "A1", Reason: "old", Expires: "2020-01-01"},
		{Code: "A1", Path: "k8s/**", Reason: "current"},
	}
	f := finding("t", "A1", "k8s/a.yaml", "")
	s := run(t, rules, f)
	if !f.Ignored() || f.Suppressed.Reason != "current" {
		t.Errorf("Suppressed = %+v, want the active rule", f.Suppressed)
	}
	if len(s.ExpiredHits()) != 1 || len(s.Unused()) != 0 {
		t.Errorf("both rules matched: expired hits %+v, unused %+v", s.ExpiredHits(), s.Unused())
	}
}

func TestToolSuppressionKept(t *testing.T) {
	f := finding("t", "A1", "x", "")
	f.Suppressed = &translator.Suppression{Reason: "inline exception", Source: "sarif"}
	s := run(t, []Rule{{Code: "A1", Reason: "config"}}, f)
	if f.Suppressed.Source != "sarif" {
		t.Errorf("tool suppression replaced: %+v", f.Suppressed)
	}
	if len(s.Unused()) != 0 {
		t.Errorf("a rule matching an already suppressed finding is not unused")
	}
}

func TestUnused(t *testing.T) {
	rules := []Rule{
		{Code: "A1", Reason: "used"},
		{Code: "NOPE", Reason: "stale"},
		{Tool: "trivy", Path: "gone/**", Reason: "stale too"},
	}
	s := run(t, rules, finding("trivy", "A1", "k8s/a.yaml", ""), finding("trivy", "B2", "k8s/b.yaml", ""))
	u := s.Unused()
	if len(u) != 2 || u[0].Reason != "stale" || u[1].Reason != "stale too" {
		t.Errorf("Unused = %+v", u)
	}
	if got := u[1].String(); got != "tool=trivy path=gone/**" {
		t.Errorf("String = %q", got)
	}
	empty := New(rules, now)
	if len(empty.Unused()) != 3 {
		t.Errorf("before any finding every rule is unused")
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		rule Rule
		want []string
	}{
		{Rule{Code: "A1", Reason: "ok", Expires: "2025-12-31"}, nil},
		{Rule{Code: "A1"}, []string{"missing reason"}},
		{Rule{Reason: "everything"}, []string{"matches every finding"}},
		{Rule{Path: "**", Resource: "*", Reason: "everything"}, []string{"matches every finding"}},
		{Rule{Code: "A1", Reason: "r", Expires: "31/12/2025"}, []string{`expires "31/12/2025" is not a date`}},
		{Rule{Code: "A1", Reason: "r", Expires: "2025-02-30"}, []string{"is not a date"}},
		{Rule{Path: "k8s/[", Reason: "r"}, []string{`path "k8s/[" is not a valid glob`}},
		{Rule{Code: "--", Reason: "r"}, []string{"has no letters or digits"}},
		{Rule{Expires: "soon"}, []string{"missing reason", "matches every finding", "is not a date"}},
	}
	for _, c := range cases {
		err := c.rule.Validate()
		if c.want == nil {
			if err != nil {
				t.Errorf("%+v: unexpected %v", c.rule, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%+v: no error, want %q", c.rule, c.want)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %q lacks %q", c.rule, err, w)
			}
		}
	}
	err := Validate([]Rule{{Code: "A1", Reason: "ok"}, {Code: "B1"}})
	if err == nil || err.Error() != "ignore[1]: missing reason" {
		t.Errorf("Validate = %v", err)
	}
}

// TestYAML decodes the config shape the cmd package reads, with an
// unquoted date (a YAML timestamp) for expires.
func TestYAML(t *testing.T) {
	var cfg struct {
		Ignore []Rule `yaml:"ignore"`
	}
	src := `ignore:
  - code: KSV-0017
    tool: trivy
    path: "charts/legacy/**"
    reason: legacy agent needs host access
    expires: 2025-09-30
    link: https://tracker.example/SEC-123
`
	dec := yaml.NewDecoder(strings.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	want := Rule{Code: "KSV-0017", Tool: "trivy", Path: "charts/legacy/**", Reason: "legacy agent needs host access",
		Expires: "2025-09-30", Link: "https://tracker.example/SEC-123"}
	if len(cfg.Ignore) != 1 || cfg.Ignore[0] != want {
		t.Errorf("decoded %+v, want %+v", cfg.Ignore, want)
	}
}

func TestInvalidExpiryNeverSuppresses(t *testing.T) {
	f := finding("t", "A1", "x", "")
	s := New([]Rule{{Code: "A1", Reason: "typo", Expires: "2099-13-01"}}, now)
	if _, err := (&translator.Pipeline{Stages: []translator.Stage{s}}).Run(context.Background(), translator.Findings{f}); err != nil {
		t.Fatal(err)
	}
	if f.Ignored() || f.Suppressed == nil || !f.Suppressed.Expired {
		t.Errorf("Suppressed = %+v, want treated as expired", f.Suppressed)
	}
}
