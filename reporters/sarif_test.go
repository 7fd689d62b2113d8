package reporters

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	translator "github.com/runbook-translator/runbook-translator"
)

// sarifSchemaFile is the official SARIF 2.1.0 schema (see its README).
var sarifSchemaFile = filepath.Join("..", "testdata", "schemas", "sarif-2.1.0.json")

func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(sarifSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // uri and uri-reference are checked too
	const loc = "file:///sarif-2.1.0.json"
	if err := c.AddResource(loc, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(loc)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateSARIF(t *testing.T, sch *jsonschema.Schema, out []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("sarif output is not JSON: %v", err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("sarif output is not valid SARIF 2.1.0: %v", err)
	}
}

func TestSARIFValidAgainstSchema(t *testing.T) {
	sch := compileSARIFSchema(t)
	big := bigRun(200)
	big.Findings[3].Location = translator.Location{Path: "c:weird/ä #?%.tf", Line: 5, Column: 9, EndLine: 5, EndColumn: 2}
	big.Findings[4].URL = "not a url"
	runs := map[string]*translator.Run{
		"fixture":        fixtureRun(),
		"zero findings":  {Tools: []string{"trivy", "conftest"}, FailLevel: translator.SeverityError},
		"no tools":       {},
		"many, odd URIs": big,
	}
	for name, run := range runs {
		t.Run(name, func(t *testing.T) {
			validateSARIF(t, sch, render(t, "sarif", Options{}, run))
		})
	}
}

// The schema check must be able to fail. (Its uri-reference check is lax:
// "a b" passes, so pathURI has its own test.)
func TestSARIFSchemaRejectsInvalid(t *testing.T) {
	sch := compileSARIFSchema(t)
	for _, bad := range []string{
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"},"region":{"startLine":0}}}]}]}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"suppressions":[{"kind":"ignored"}]}]}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"r"}]}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"r","helpUri":"not a uri"}]}}}]}`,
	} {
		v, _ := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err := sch.Validate(v); err == nil {
			t.Errorf("schema accepted %s", bad)
		}
	}
}

type sarifDoc struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name  string
				Rules []struct {
					ID   string
					Help struct{ Markdown string }
				}
			}
		}
		Results []struct {
			RuleID              string
			RuleIndex           int
			Level               string
			Locations           []map[string]json.RawMessage
			PartialFingerprints map[string]string
			Suppressions        []struct{ Kind, Justification string }
		}
	}
}

func TestSARIFContent(t *testing.T) {
	run := fixtureRun()
	var doc sarifDoc
	if err := json.Unmarshal(render(t, "sarif", Options{}, run), &doc); err != nil {
		t.Fatal(err)
	}
	var names []string
	results := 0
	for _, r := range doc.Runs {
		names = append(names, r.Tool.Driver.Name)
		ids := map[string]bool{}
		for _, rule := range r.Tool.Driver.Rules {
			if ids[rule.ID] {
				t.Errorf("%s: rule %s twice", r.Tool.Driver.Name, rule.ID)
			}
			ids[rule.ID] = true
		}
		for _, res := range r.Results {
			results++
			if r.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
				t.Errorf("ruleIndex %d does not point at %s", res.RuleIndex, res.RuleID)
			}
			if res.PartialFingerprints["runbookTranslator/v1"] == "" {
				t.Errorf("%s: no partial fingerprint", res.RuleID)
			}
			switch res.RuleID {
			case "CKV_K8S_16":
				if len(res.Suppressions) != 1 || res.Suppressions[0].Kind != "external" || !strings.Contains(res.Suppressions[0].Justification, "legacy batch job") {
					t.Errorf("ignored finding: suppressions %+v", res.Suppressions)
				}
			case "latest-tag":
				if len(res.Suppressions) != 0 {
					t.Errorf("expired exception still suppressed")
				}
			case "K8S-013", "CVE-2024-24790":
				if len(res.Locations) != 1 || res.Locations[0]["physicalLocation"] == nil || bytes.Contains(res.Locations[0]["physicalLocation"], []byte("region")) {
					t.Errorf("%s (no line): want a location without region, got %s", res.RuleID, res.Locations)
				}
			case "unknown": // kubeconform, no path, no resource
				if len(res.Locations) != 0 {
					t.Errorf("finding without path has locations %v", res.Locations)
				}
			}
		}
	}
	if got := strings.Join(names, ","); got != strings.Join(run.Tools, ",") {
		t.Errorf("runs %s, want one per tool in input order %v", got, run.Tools)
	}
	if results != len(run.Findings) {
		t.Errorf("%d results for %d findings", results, len(run.Findings))
	}
	if !strings.Contains(doc.Runs[0].Tool.Driver.Rules[1].Help.Markdown, "privileged: false") {
		t.Errorf("rule help.markdown is not the runbook body")
	}
}

func TestSARIFRegion(t *testing.T) {
	cases := []struct {
		in   translator.Location
		want *sarifRegion
	}{
		{translator.Location{Line: 0, Column: 3}, nil},
		{translator.Location{Line: 4}, &sarifRegion{StartLine: 4}},
		{translator.Location{Line: 4, Column: 2, EndLine: 4, EndColumn: 9}, &sarifRegion{4, 2, 4, 9}},
		{translator.Location{Line: 4, Column: 9, EndLine: 4, EndColumn: 2}, &sarifRegion{4, 9, 4, 0}},
		{translator.Location{Line: 4, Column: 9, EndLine: 6, EndColumn: 2}, &sarifRegion{4, 9, 6, 2}},
		{translator.Location{Line: 4, EndLine: 2, EndColumn: 2}, &sarifRegion{StartLine: 4}},
	}
	for _, c := range cases {
		got := sarifRegionOf(c.in)
		if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
			t.Errorf("region(%+v) = %+v, want %+v", c.in, got, c.want)
		}
	}
	if got := pathURI("k8s/web app/c:d#e%.yaml"); got != "k8s/web%20app/c%3Ad%23e%25.yaml" {
		t.Errorf("pathURI = %s", got)
	}
}
