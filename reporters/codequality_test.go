package reporters

import (
	"encoding/json"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

type cqItem struct {
	Description string `json:"description"`
	CheckName   string `json:"check_name"`
	Fingerprint string `json:"fingerprint"`
	Severity    string `json:"severity"`
	Location    struct {
		Path  string `json:"path"`
		Lines struct {
			Begin int `json:"begin"`
		} `json:"lines"`
	} `json:"location"`
}

func decodeCQ(t *testing.T, run *translator.Run) []cqItem {
	t.Helper()
	var items []cqItem
	dec := json.NewDecoder(strings.NewReader(string(render(t, "gitlab-codequality", Options{}, run))))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&items); err != nil {
		t.Fatal(err)
	}
	return items
}

func TestCodeQuality(t *testing.T) {
	run := fixtureRun()
	items := decodeCQ(t, run)
	if want := len(run.Findings.Active()); len(items) != want {
		t.Errorf("%d items, want %d (active findings only)", len(items), want)
	}
	seen := map[string]bool{}
	for _, it := range items {
		if it.Fingerprint == "" || seen[it.Fingerprint] {
			t.Errorf("fingerprint %q empty or repeated", it.Fingerprint)
		}
		seen[it.Fingerprint] = true
		if it.Location.Lines.Begin < 1 || it.Location.Path == "" {
			t.Errorf("%s: location %+v", it.CheckName, it.Location)
		}
		switch it.Severity {
		case "info", "minor", "major", "critical", "blocker":
		default:
			t.Errorf("%s: severity %q", it.CheckName, it.Severity)
		}
		if it.CheckName == "checkov:CKV_K8S_16" {
			t.Errorf("ignored finding included")
		}
		if strings.ContainsAny(it.Description, "\n\x1b\u202e") {
			t.Errorf("%s: description %q not one clean line", it.CheckName, it.Description)
		}
	}
	byCheck := map[string]cqItem{}
	for _, it := range items {
		byCheck[it.CheckName] = it
	}
	for check, want := range map[string]struct{ sev, desc string }{
		"trivy:CVE-2024-24790":   {"critical", "(no line reported) Runbook: Vulnerable Go standard library https://go.dev/doc/security/vuln/"},
		"trivy:KSV-0017":         {"major", "Runbook: Privileged container https://kubernetes.io/"},
		"kube-linter:latest-tag": {"minor", "(exception expired on 2025-03-31)"},
		"hadolint:DL3059":        {"info", "Runbook: Consolidate RUN instructions"},
		"kubeconform":            {"major", "(no file reported)"},
	} {
		it, ok := byCheck[check]
		if !ok {
			t.Errorf("no item %s", check)
			continue
		}
		if it.Severity != want.sev || !strings.Contains(it.Description, want.desc) {
			t.Errorf("%s: severity %q description %q; want %q containing %q", check, it.Severity, it.Description, want.sev, want.desc)
		}
	}
}

func TestCodeQualityFingerprintsUnique(t *testing.T) {
	run := bigRun(500)
	// Findings with equal or missing fingerprints still get unique ones.
	run.Findings[0].Fingerprint = "same"
	run.Findings[1].Fingerprint = "same"
	run.Findings[2].Fingerprint = "same-dup2"
	run.Findings[3].Fingerprint = ""
	run.Findings[4].Fingerprint = ""
	items := decodeCQ(t, run)
	seen := map[string]bool{}
	for _, it := range items {
		if seen[it.Fingerprint] {
			t.Fatalf("fingerprint %s repeated", it.Fingerprint)
		}
		seen[it.Fingerprint] = true
	}
	if len(items) != len(run.Findings.Active()) {
		t.Errorf("%d items for %d active findings", len(items), len(run.Findings.Active()))
	}
}

// Code Quality severity follows the normalised severity, not the tool's
// word: a CRITICAL a catalog lowered to warning is minor, a critical finding
// is critical, an error major.
func TestCodeQualitySeverity(t *testing.T) {
	f := &translator.Finding{Severity: translator.SeverityWarning, ToolSeverity: "CRITICAL"}
	if got := cqSeverity(f); got != "minor" {
		t.Errorf("catalog-lowered CRITICAL: %s, want minor", got)
	}
	f.Severity = translator.SeverityCritical
	if got := cqSeverity(f); got != "critical" {
		t.Errorf("critical: %s", got)
	}
	f.Severity, f.ToolSeverity = translator.SeverityError, "HIGH"
	if got := cqSeverity(f); got != "major" {
		t.Errorf("HIGH error: %s", got)
	}
	f.Severity = translator.SeverityUnknown
	if got := cqSeverity(f); got != "info" {
		t.Errorf("unknown: %s", got)
	}
}

func TestCodeQualityEmptyIsArray(t *testing.T) {
	if out := strings.TrimSpace(string(render(t, "gitlab-codequality", Options{}, &translator.Run{}))); out != "[]" {
		t.Errorf("empty run: %s", out)
	}
}
