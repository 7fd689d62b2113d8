package fix

import (
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// netpolFix is a document edit whose rules come from the catalog: a
// NetworkPolicy selecting the workload's pods, with ingress and egress
// taken from catalog_values.
func netpolFix() runbooks.Fix {
	return runbooks.Fix{Description: "baseline policy", Edits: []runbooks.FixEdit{{
		Document: map[string]any{
			"apiVersion": "networking.k8s.io/v1",
			"kind":       "NetworkPolicy",
			"metadata":   map[string]any{"name": "$object_name"},
			"spec": map[string]any{
				"podSelector": map[string]any{"matchLabels": "$selector_labels"},
				"policyTypes": []any{"Ingress", "Egress"},
			},
		},
		CatalogValues: map[string]string{"spec.ingress": "np_ingress", "spec.egress": "np_egress"},
	}}}
}

const netpolDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
        version: "3.2"
`

// The catalog's values are written at the document's paths, with the
// parents the document has (spec) and the rest of it as the fix wrote
// it; the entry's own document is left as it was (it is shared by every
// finding).
func TestDocumentTakesCatalogValues(t *testing.T) {
	fx := netpolFix()
	before := deepCopy(t, fx.Edits[0].Document)
	vals := runbooks.Values{
		"np_ingress": {V: []any{map[string]any{"from": []any{map[string]any{"podSelector": map[string]any{}}}}}},
		"np_egress":  {V: []any{map[string]any{"ports": []any{map[string]any{"port": 53, "protocol": "UDP"}}}}},
	}
	f := &translator.Finding{Tool: "kube-score", Resource: "Deployment/api"}
	f.Path = "k8s/api.yaml"
	out := fixedWith(t, netpolDeployment, f, fx, vals)
	want := netpolDeployment + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
  namespace: shop
spec:
  egress:
    - ports:
        - port: 53
          protocol: UDP
  ingress:
    - from:
        - podSelector: {}
  podSelector:
    matchLabels:
      app: api
  policyTypes:
    - Ingress
    - Egress
`
	if out != want {
		t.Errorf("fixed:\n%s\nwant:\n%s", out, want)
	}
	if !reflect.DeepEqual(fx.Edits[0].Document, before) {
		t.Errorf("the entry's document changed: %v", fx.Edits[0].Document)
	}
	if _, ok := fx.Edits[0].Document.(map[string]any)["spec"].(map[string]any)["ingress"]; ok {
		t.Error("the catalog value was written into the entry's document")
	}
}

// A value at a path whose parents the document does not have gets them;
// one the document writes as a scalar on the way is not written (the
// loader refuses such an entry; an entry made in code gets a note).
func TestDocumentValueParents(t *testing.T) {
	doc := map[string]any{"kind": "X", "spec": map[string]any{"a": "b"}}
	got, unset, err := documentValues(doc, map[string]string{"spec.rules.ingress": "v"}, runbooks.Values{"v": {V: "x"}})
	if err != nil || unset != nil {
		t.Fatal(err, unset)
	}
	want := map[string]any{"kind": "X", "spec": map[string]any{"a": "b", "rules": map[string]any{"ingress": "x"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, _, err := documentValues(doc, map[string]string{"spec.a.b": "v"}, runbooks.Values{"v": {V: "x"}}); err == nil || !strings.Contains(err.Error(), "spec.a.b") {
		t.Errorf("a value under a scalar: %v", err)
	}
}

// When no catalog sets a value the document takes, the fix does not
// apply, and the error names every value missing (in the order of their
// paths), not the ones set.
func TestDocumentValuesUnset(t *testing.T) {
	f := &translator.Finding{Tool: "kube-score", Resource: "Deployment/api"}
	f.Path = "k8s/api.yaml"
	for _, c := range []struct {
		vals runbooks.Values
		want []string
	}{
		{nil, []string{"np_egress", "np_ingress"}},
		{runbooks.Values{"np_egress": {V: []any{"x"}}}, []string{"np_ingress"}},
	} {
		_, err := ComputeWith([]byte(netpolDeployment), f, netpolFix(), "t", c.vals)
		if got := ValuesUnset(err); !reflect.DeepEqual(got, c.want) {
			t.Errorf("values %v: unset %v (err %v), want %v", c.vals.Names(), got, err, c.want)
		}
	}
}

func deepCopy(t *testing.T, v any) any {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := yaml.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
