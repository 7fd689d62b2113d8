package reporters

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/sarifcheck"
)

func TestSARIFFixes(t *testing.T) {
	files := map[string]string{
		// "🚀" is 4 bytes and 2 UTF-16 code units: "# x" is at byte
		// columns 17-19, UTF-16 columns 15-17.
		"k8s/web.yaml": "  image: \"🚀\" # x\n  privileged: true\n",
	}
	read := func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("not in the checkout")
	}
	f := &translator.Finding{Tool: "kube-linter", Code: "privileged", Severity: translator.SeverityError, Message: "privileged",
		Location: translator.Location{Path: "k8s/web.yaml", Line: 2}, Fingerprint: "fp1",
		Fixes: []translator.Fix{
			{Description: "drop privileged", Source: "runbook:psa-privileged",
				Edits: []translator.Edit{{Path: "k8s/web.yaml", StartLine: 2, StartColumn: 15, EndLine: 2, EndColumn: 19, Text: "false"}}},
			{Source: "runbook:psa-privileged",
				Edits: []translator.Edit{{Path: "k8s/web.yaml", StartLine: 2, StartColumn: 1, EndLine: 3, EndColumn: 1}}},
		}}
	g := &translator.Finding{Tool: "kube-linter", Code: "comment", Severity: translator.SeverityWarning, Message: "after the emoji",
		Location: translator.Location{Path: "k8s/web.yaml", Line: 1}, Fingerprint: "fp2",
		Fixes: []translator.Fix{{Source: "kube-linter", Edits: []translator.Edit{{Path: "k8s/web.yaml", StartLine: 1, StartColumn: 17, EndLine: 1, EndColumn: 20, Text: "# y"}}}}}
	h := &translator.Finding{Tool: "kube-linter", Code: "other", Severity: translator.SeverityWarning, Message: "unreadable file",
		Location: translator.Location{Path: "gone.yaml", Line: 1}, Fingerprint: "fp3",
		Fixes: []translator.Fix{{Source: "kube-linter", Edits: []translator.Edit{{Path: "gone.yaml", StartLine: 1, StartColumn: 3, EndLine: 1, EndColumn: 4, Text: "z"}}}}}
	run := &translator.Run{Findings: translator.Findings{f, g, h}, Tools: []string{"kube-linter"}, FailLevel: translator.SeverityError}
	out := render(t, "sarif", Options{ReadFile: read}, run)
	validateSARIF(t, compileSARIFSchema(t), out)
	if probs, err := sarifcheck.Check(bytes.NewReader(out)); err != nil || len(probs) > 0 {
		t.Errorf("sarifcheck: %v %v", probs, err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID     string            `json:"ruleId"`
				Properties map[string]string `json:"properties"`
				Fixes      []json.RawMessage `json:"fixes"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	props := map[string]map[string]string{}
	for _, r := range log.Runs[0].Results {
		for _, fx := range r.Fixes {
			var b bytes.Buffer
			json.Compact(&b, fx)
			got[r.RuleID] = append(got[r.RuleID], b.String())
		}
		props[r.RuleID] = r.Properties
	}
	want := map[string][]string{
		"privileged": {
			`{"description":{"text":"drop privileged"},"artifactChanges":[{"artifactLocation":{"uri":"k8s/web.yaml","uriBaseId":"%SRCROOT%"},"replacements":[{"deletedRegion":{"startLine":2,"startColumn":15,"endLine":2,"endColumn":19},"insertedContent":{"text":"false"}}]}]}`,
			`{"artifactChanges":[{"artifactLocation":{"uri":"k8s/web.yaml","uriBaseId":"%SRCROOT%"},"replacements":[{"deletedRegion":{"startLine":2,"startColumn":1,"endLine":3,"endColumn":1}}]}]}`,
		},
		"comment": {
			`{"artifactChanges":[{"artifactLocation":{"uri":"k8s/web.yaml","uriBaseId":"%SRCROOT%"},"replacements":[{"deletedRegion":{"startLine":1,"startColumn":15,"endLine":1,"endColumn":18},"insertedContent":{"text":"# y"}}]}]}`,
		},
	}
	for code, fixes := range want {
		if len(got[code]) != len(fixes) {
			t.Errorf("%s: %d fixes, want %d: %v", code, len(got[code]), len(fixes), got[code])
			continue
		}
		for i := range fixes {
			if got[code][i] != fixes[i] {
				t.Errorf("%s fix %d:\n got %s\nwant %s", code, i, got[code][i], fixes[i])
			}
		}
	}
	if len(got["other"]) != 0 || props["other"]["fixes_left_out"] == "" {
		t.Errorf("a fix whose file cannot be read was written, or not counted: %v %v", got["other"], props["other"])
	}
}
