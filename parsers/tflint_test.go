package parsers

import (
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestDetectTFLint(t *testing.T) { testDetect(t, "tflint") }

func TestTFLintSeverities(t *testing.T) {
	fs, err := parseBytes(t, "tflint", readFile(t, "../testdata/tflint/terraform-recursive.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]translator.Severity{}
	for _, f := range fs {
		seen[f.ToolSeverity] = f.Severity
		if f.Path == "" || f.Line == 0 || f.Column == 0 || f.URL == "" {
			t.Errorf("incomplete finding: %+v", f)
		}
	}
	want := map[string]translator.Severity{"error": translator.SeverityError, "warning": translator.SeverityWarning, "info": translator.SeverityInfo}
	for k, v := range want {
		if seen[k] != v {
			t.Errorf("tflint %s -> %v, want %v (all: %v)", k, seen[k], v, seen)
		}
	}
	if tflintSeverity("notice") != translator.SeverityInfo {
		t.Error("notice is tflint's text name for info")
	}
}
