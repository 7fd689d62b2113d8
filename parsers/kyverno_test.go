package parsers

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestKyvernoBadInput(t *testing.T) {
	// Cut inside the quoted message: YAML cut at a line end can still be
	// valid YAML, but not this.
	data := readFixture(t, "kyverno", "vap-cluster.policy-report.yaml")
	cut := bytes.Index(data, []byte("object.spec")) + 3
	checkBadInput(t, "kyverno", "kyverno", "vap-cluster.policy-report.yaml", cut,
		"apiVersion: v1\nkind: ConfigMap\n", `{"kind": "Pod"}`, "- a\n- b\n",
		"apiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\nresults:\n- policy: p\n  result: maybe\n")
	// Truncated JSON.
	js := kyvernoAsJSON(t, "validatingpolicy.clusterreport.yaml")
	fs, err := parseWith(t, "kyverno", js[:len(js)/2], Options{})
	wantParseError(t, "truncated JSON", "kyverno", fs, err)
}

func TestKyvernoDetect(t *testing.T) {
	checkDetected(t, "kyverno", "kyverno")
	if got, err := Detect(kyvernoAsJSON(t, "vap-cluster.policy-report.yaml")); err != nil || got.Name != "kyverno" {
		t.Errorf("JSON report: %v %v", got.Name, err)
	}
}

// kyvernoAsJSON converts a YAML fixture (without the CLI preamble) to JSON,
// as `--output-format json` prints it.
func kyvernoAsJSON(t *testing.T, name string) []byte {
	t.Helper()
	body, _, _ := trimKyvernoText(readFixture(t, "kyverno", name))
	var v any
	if err := yaml.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func kyvernoJSONOf(t *testing.T, fs translator.Findings) string {
	t.Helper()
	b, err := json.Marshal(fs)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// JSON, a List, a YAML stream with "---" and the CLI's own wrapping lines
// all give the findings of the plain reports.
func TestKyvernoShapes(t *testing.T) {
	a := readFixture(t, "kyverno", "vap-cluster.policy-report.yaml")
	b := readFixture(t, "kyverno", "pod-scope.policyreport.yaml")
	fa, err := parseWith(t, "kyverno", a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fb, err := parseWith(t, "kyverno", b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	both := append(append(translator.Findings{}, fa...), fb...)
	both.Sort()
	want := kyvernoJSONOf(t, both)

	stream := append(append(append([]byte{}, a...), "---\n"...), b...)
	stream = append(stream, "\npass: 10, fail: 2, warn: 0, error: 0, skip: 0 \n"...)
	got, err := parseWith(t, "kyverno", stream, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if kyvernoJSONOf(t, got) != want {
		t.Errorf("YAML stream: %s", kyvernoJSONOf(t, got))
	}

	ja, jb := kyvernoAsJSON(t, "vap-cluster.policy-report.yaml"), kyvernoAsJSON(t, "pod-scope.policyreport.yaml")
	list := []byte(`{"apiVersion": "v1", "kind": "List", "items": [` + string(ja) + "," + string(jb) + "]}")
	for name, in := range map[string][]byte{
		"JSON List":   list,
		"JSON array":  []byte("[" + string(ja) + "," + string(jb) + "]"),
		"JSON stream": []byte(string(ja) + "\n" + string(jb) + "\n"),
	} {
		got, err := parseWith(t, "kyverno", in, Options{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if kyvernoJSONOf(t, got) != want {
			t.Errorf("%s: %s", name, kyvernoJSONOf(t, got))
		}
	}
}

func TestKyvernoCodes(t *testing.T) {
	fs, err := parseWith(t, "kyverno", readFixture(t, "kyverno", "pod-scope.policyreport.yaml"), Options{})
	if err != nil || len(fs) != 1 {
		t.Fatalf("%d findings, %v", len(fs), err)
	}
	f := fs[0]
	if f.Code != "disallow-host-namespaces/host-namespaces" || strings.Join(f.Aliases, ",") != "host-namespaces,disallow-host-namespaces" ||
		f.Resource != "Pod/kube-apiserver-kind-control-plane" || f.Extra["severity"] != "medium" ||
		f.Severity != translator.SeverityError {
		t.Errorf("got %+v", f)
	}
}

func TestKyvernoErrorLineCountsPreamble(t *testing.T) {
	in := "Applying 1 policy rule(s) to 1 resource(s)...\nPOLICY REPORT:\napiVersion: wgpolicyk8s.io/v1alpha2\nkind: ClusterPolicyReport\nresults: [\n"
	_, err := parseWith(t, "kyverno", []byte(in), Options{})
	pe, ok := err.(*ParseError)
	if !ok || pe.Line < 5 {
		t.Fatalf("want a ParseError at line 5 or later, got %v", err)
	}
}
