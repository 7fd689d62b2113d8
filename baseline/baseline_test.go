package baseline

import (
	"bytes"
	"context"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/reporters"
)

func finding(msg string, line int) *translator.Finding {
	return &translator.Finding{Tool: "trivy", Code: "KSV-0001", Severity: translator.SeverityError,
		Message: msg, Location: translator.Location{Path: "k8s/web.yaml", Line: line}, Resource: "Deployment/web"}
}

// report writes fs through the real reporter (json or sarif), as run 1 would.
func report(t *testing.T, name string, fs translator.Findings) *Baseline {
	t.Helper()
	fs.Sort()
	fs.AssignFingerprints()
	var buf bytes.Buffer
	rep, err := reporters.New(name, reporters.Options{Out: &buf})
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Report(context.Background(), &translator.Run{Findings: fs, FailLevel: translator.SeverityError}); err != nil {
		t.Fatal(err)
	}
	b, err := Read("base."+name, &buf)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestClassifyDuplicatesByCount(t *testing.T) {
	for _, format := range []string{"json", "sarif"} {
		// Two identical findings (same message twice in the file) and one other.
		b := report(t, format, translator.Findings{finding("dup", 10), finding("dup", 20), finding("other", 30)})
		if len(b.Entries) != 3 {
			t.Fatalf("%s: %d entries", format, len(b.Entries))
		}
		// The first duplicate is fixed, the rest moved by 2 lines: the
		// survivor is renumbered (no -2 suffix any more) and is existing.
		cur := translator.Findings{finding("dup", 22), finding("other", 32), finding("new one", 5)}
		cur.Sort()
		cur.AssignFingerprints()
		fixed := b.Classify(cur)
		got := map[string]string{}
		for _, f := range cur {
			got[f.Message] = f.Baseline
		}
		if got["dup"] != "existing" || got["other"] != "existing" || got["new one"] != "new" {
			t.Errorf("%s: classified %v", format, got)
		}
		if len(fixed) != 1 || fixed[0].Message != "dup" || fixed[0].Path != "k8s/web.yaml" {
			t.Fatalf("%s: fixed %v", format, fixed)
		}
		// Both duplicates gone: both fixed.
		cur = translator.Findings{finding("other", 30)}
		cur.AssignFingerprints()
		if fixed := b.Classify(cur); len(fixed) != 2 {
			t.Errorf("%s: %d fixed, want 2", format, len(fixed))
		}
	}
}

func TestClassifyPrefersSameLine(t *testing.T) {
	b := report(t, "json", translator.Findings{finding("dup", 10), finding("dup", 20)})
	cur := translator.Findings{finding("dup", 20)}
	cur.AssignFingerprints()
	fixed := b.Classify(cur)
	if len(fixed) != 1 || fixed[0].Line != 10 {
		t.Fatalf("fixed %v, want the one on line 10", fixed)
	}
}

func TestReadEmptyIsCleanRun(t *testing.T) {
	b, err := Read("empty.json", strings.NewReader("\n"))
	if err != nil || len(b.Entries) != 0 {
		t.Fatalf("%v %v", b, err)
	}
}

func TestReadBadInput(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"text", "hello\n", "baseline f:1: not a baseline"},
		{"array", "[]", "baseline f:1: not a baseline"},
		{"tool json", "{\n \"Results\": []\n}\n", "baseline f:1: not a baseline: one JSON document"},
		{"no fingerprint", `{"tool":"t","code":"c","path":"p"}`, `baseline f:1: not a -r json record: no "fingerprint"`},
		{"two values", `{"tool":"t","code":"c","path":"p","fingerprint":"0123456789abcdef"} {}`, "f:1: not a -r json record: more than one"},
		{"wrong type", `{"tool":1}`, "f:1: not a -r json record: cannot unmarshal number"},
		{"suffix 1", `{"tool":"t","code":"c","path":"p","fingerprint":"0123456789abcdef-1"}`, "not of a known version"},
		{"upper hex", `{"tool":"t","code":"c","path":"p","fingerprint":"0123456789ABCDEF"}`, "not of a known version"},
		{"truncated sarif", "{\"version\": \"2.1.0\",\n \"runs\": [", "baseline f:2 (byte"},
		{"sarif no version", `{"runs": []}`, `no "version"`},
		{"sarif v2", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[{"ruleId":"a","partialFingerprints":{"runbookTranslator/v2":"x"}}]}]}`, `fingerprint version "runbookTranslator/v2" is not supported`},
		{"sarif omitted", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[],"properties":{"runbookTranslator/omitted":{"findings":5,"of":25005}}}]}`, "left out 5 of 25005 findings"},
	}
	for _, c := range cases {
		_, err := Read("f", strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}
