package parsers

import (
	"encoding/json"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestGatorBadInput(t *testing.T) {
	checkBadInput(t, "gator", "gator", "k8s-shop.json", 0,
		`{"msg": "x"}`, `[{"target": "admission.k8s.gatekeeper.sh"}]`)
	// The YAML output is block style for the first item and one flow
	// mapping per line afterwards: half the file ends inside one.
	checkBadInput(t, "gator-yaml", "gator", "k8s-shop.yaml", 0,
		"result: {}\n", "- {target: x}\n", "- result: x\n---\n- result: y\n")
}

func TestGatorDetect(t *testing.T) {
	checkDetected(t, "gator", "gator", "k8s-checkout-clean.json")
	checkDetected(t, "gator", "gator-yaml")
}

func TestGatorCleanIsNull(t *testing.T) {
	fs, err := parseWith(t, "gator", []byte("null\n"), Options{})
	if err != nil || len(fs) != 0 {
		t.Fatalf("null: %d findings, %v", len(fs), err)
	}
}

// The YAML output carries the same results as the JSON one.
func TestGatorYAMLMatchesJSON(t *testing.T) {
	js, err := parseWith(t, "gator", readFixture(t, "gator", "k8s-shop.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ys, err := parseWith(t, "gator-yaml", readFixture(t, "gator", "k8s-shop.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(js)
	b, _ := json.Marshal(ys)
	if string(a) != string(b) {
		t.Errorf("gator JSON and YAML differ:\n%s\n%s", a, b)
	}
	sev := map[string]translator.Severity{}
	for _, f := range js {
		sev[f.Extra["enforcement_action"]] = f.Severity
		if f.Code == "GK-101" && f.Aliases[0] != "ShopAllowedRegistry" {
			t.Errorf("aliases %v", f.Aliases)
		}
	}
	if sev["deny"] != translator.SeverityError || sev["warn"] != translator.SeverityWarning || sev["dryrun"] != translator.SeverityInfo {
		t.Errorf("severities by action: %v", sev)
	}
}

// Without an ID in the message, the constraint kind is the code.
func TestGatorCodeFallsBackToKind(t *testing.T) {
	in := `[{"msg":"no ID here","constraint":{"kind":"K8sRequiredLabels","metadata":{"name":"must-have-team"}},` +
		`"enforcementAction":"warn","violatingObject":{"kind":"Namespace","metadata":{"name":"dev"}}}]`
	fs, err := parseWith(t, "gator", []byte(in), Options{})
	if err != nil || len(fs) != 1 {
		t.Fatalf("%d findings, %v", len(fs), err)
	}
	f := fs[0]
	if f.Code != "K8sRequiredLabels" || f.Resource != "Namespace/dev" || f.Message != "no ID here" ||
		len(f.Aliases) != 1 || f.Aliases[0] != "must-have-team" {
		t.Errorf("got %+v", f)
	}
}
