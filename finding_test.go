package translator

import (
	"encoding/json"
	"testing"
)

func TestFingerprintIgnoresLine(t *testing.T) {
	a := &Finding{Tool: "trivy", Code: "KSV-0017", Message: "privileged", Location: Location{Path: "k8s/a.yaml", Line: 10}}
	b := &Finding{Tool: "trivy", Code: "KSV017", Message: "privileged", Location: Location{Path: "k8s/a.yaml", Line: 42}}
	Findings{a}.AssignFingerprints()
	Findings{b}.AssignFingerprints()
	if a.Fingerprint == "" || a.Fingerprint != b.Fingerprint {
		t.Fatalf("fingerprints differ across a line shift / code respelling: %q vs %q", a.Fingerprint, b.Fingerprint)
	}
	c := &Finding{Tool: "trivy", Code: "KSV-0017", Message: "privileged", Location: Location{Path: "k8s/b.yaml", Line: 10}}
	Findings{c}.AssignFingerprints()
	if c.Fingerprint == a.Fingerprint {
		t.Fatal("different paths share a fingerprint")
	}
}

func TestFingerprintDisambiguatesRepeats(t *testing.T) {
	fs := Findings{
		{Tool: "t", Code: "C", Message: "m", Location: Location{Path: "p", Line: 9}},
		{Tool: "t", Code: "C", Message: "m", Location: Location{Path: "p", Line: 3}},
	}
	fs.Sort()
	fs.AssignFingerprints()
	if fs[0].Fingerprint == fs[1].Fingerprint {
		t.Fatal("identical findings on two lines share a fingerprint")
	}
	if fs[0].Line != 3 {
		t.Fatal("Sort did not order by line")
	}
}

func TestExceedsAndFailing(t *testing.T) {
	warn := &Finding{Severity: SeverityWarning, Runbook: &Runbook{ID: "x"}}
	ignoredErr := &Finding{Severity: SeverityError, Suppressed: &Suppression{Reason: "r"}}
	expiredErr := &Finding{Severity: SeverityError, Suppressed: &Suppression{Reason: "r", Expired: true}}
	if (Findings{warn, ignoredErr}).Exceeds(SeverityError) {
		t.Error("an ignored error must not fail the run")
	}
	if !(Findings{expiredErr}).Exceeds(SeverityError) {
		t.Error("an expired ignore must no longer suppress")
	}
	if !(Findings{warn}).Exceeds(SeverityWarning) {
		t.Error("warning at fail level warning must fail")
	}
	if (Findings{warn}).Exceeds(SeverityNone) {
		t.Error("fail level none must never fail")
	}
	fallback := &Finding{Severity: SeverityInfo, Runbook: &Runbook{ID: FallbackID}}
	r := &Run{Findings: Findings{fallback}, FailLevel: SeverityError}
	if r.Failed() {
		t.Error("info finding failed at level error")
	}
	r.RequireRunbook = true
	if !r.Failed() {
		t.Error("--require-runbook: a fallback-only finding must fail")
	}
	c := Findings{warn, ignoredErr, expiredErr, fallback}.Count()
	if c != (Counts{Error: 1, Warning: 1, Info: 1, Ignored: 1, Total: 4}) {
		t.Errorf("Count = %+v", c)
	}
}

func TestFindingJSONFieldNames(t *testing.T) {
	f := &Finding{Tool: "t", Code: "c", Severity: SeverityError, Runbook: &Runbook{ID: "fallback"}}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"tool", "code", "severity", "tool_severity", "message", "path", "line", "column", "end_line", "end_column", "fingerprint", "runbook"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	if m["severity"] != "error" {
		t.Errorf("severity = %v, want \"error\"", m["severity"])
	}
}

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]Severity{"info": SeverityInfo, "WARNING": SeverityWarning, "error": SeverityError, "Critical": SeverityCritical, "none": SeverityNone} {
		got, err := ParseSeverity(in)
		if err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil {
		t.Error("ParseSeverity accepted fatal")
	}
}

// Critical sits above error: it fails --fail-level error and critical, an
// error fails only the first; each output maps it to its highest level.
func TestSeverityCritical(t *testing.T) {
	crit := &Finding{Severity: SeverityCritical}
	errf := &Finding{Severity: SeverityError}
	if !(Findings{crit}).Exceeds(SeverityError) || !(Findings{crit}).Exceeds(SeverityCritical) {
		t.Error("critical must fail at error and at critical")
	}
	if (Findings{errf}).Exceeds(SeverityCritical) {
		t.Error("an error must not fail --fail-level critical")
	}
	if got := SeverityCritical.String(); got != "critical" {
		t.Errorf("String = %q", got)
	}
	var back Severity
	if err := back.UnmarshalText([]byte("critical")); err != nil || back != SeverityCritical {
		t.Errorf("UnmarshalText(critical) = %v, %v", back, err)
	}
	for _, c := range [][2]string{
		{SeverityCritical.SARIFLevel(), "error"},
		{SeverityCritical.CodeQuality(), "critical"},
		{SeverityError.CodeQuality(), "major"},
		{SeverityCritical.GitHubAnnotationLevel(), "failure"},
	} {
		if c[0] != c[1] {
			t.Errorf("mapping = %q, want %q", c[0], c[1])
		}
	}
	c := Findings{crit, errf, {Severity: SeverityCritical, Suppressed: &Suppression{Reason: "r"}}}.Count()
	if c != (Counts{Error: 2, Critical: 1, Ignored: 1, Total: 3}) {
		t.Errorf("Count = %+v: critical is counted among the errors and on its own", c)
	}
}

func TestLocationClamp(t *testing.T) {
	for _, c := range []struct{ in, want Location }{
		{Location{Line: 1 << 62, EndLine: 1 << 62}, Location{}},
		{Location{Line: 5, EndLine: 1 << 62, Column: 3, EndColumn: -1}, Location{Line: 5, EndLine: MaxLine, Column: 3}},
		{Location{Line: 5, EndLine: 2, Column: 1, EndColumn: 9}, Location{Line: 5, Column: 1}},
		{Location{Line: -1, Column: 4, EndColumn: 8}, Location{Column: 4}},
	} {
		got := c.in
		got.Clamp()
		if got != c.want {
			t.Errorf("Clamp(%+v) = %+v, want %+v", c.in, got, c.want)
		}
	}
}
