package fix

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// The built-in k8s-network-policy entry with the example organisation
// catalog: a Deployment of the real inputs gets the baseline policy,
// selecting its pods by the workload's own selector; a CronJob by its pod
// template's labels; the CronJob of the real inputs without labels gets
// the label app.kubernetes.io/name on its pod template first. Without the
// catalog, the note names the values to set.
func TestNetworkPolicyBaseline(t *testing.T) {
	e, vals := builtinEntry(t, "k8s-network-policy")
	dir := t.TempDir()
	for _, p := range []string{"k8s/catalog.yaml", "k8s/jobs.yaml"} {
		if err := os.MkdirAll(filepath.Join(dir, "k8s"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(readInput(t, p)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stage := func(vals runbooks.Values) *Stage {
		st, err := New(Options{Root: dir, Values: vals, Entry: func(*translator.Finding) *runbooks.Entry { return e }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	run := func(st *Stage, path, resource string) *translator.Finding {
		f := &translator.Finding{Tool: "kube-score", Code: "pod-networkpolicy", Resource: resource, Runbook: &translator.Runbook{ID: e.ID}}
		f.Path = path
		if err := st.Map(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	st := stage(vals)
	policy := func(f *translator.Finding) map[string]any {
		t.Helper()
		if len(f.Fixes) == 0 {
			t.Fatalf("%s: no fix (%s)", f.Resource, f.FixNote)
		}
		src := readInput(t, f.Path)
		out, err := Apply(src, f.Fixes[0].Edits)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(strings.NewReader(out))
		for {
			var doc map[string]any
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("%s: no NetworkPolicy in the fixed file: %v", f.Resource, err)
			}
			if doc["kind"] == "NetworkPolicy" {
				return doc
			}
		}
	}
	ingress, _ := vals.Get("network_policy_ingress")
	egress, _ := vals.Get("network_policy_egress")
	for _, c := range []struct {
		path, resource, name string
		selector             map[string]any
	}{
		{"k8s/catalog.yaml", "Deployment/shop/catalog-api", "catalog-api", map[string]any{"app.kubernetes.io/name": "catalog-api"}},
		{"k8s/jobs.yaml", "CronJob/shop/cart-cleanup", "cart-cleanup", map[string]any{"app.kubernetes.io/name": "cart-cleanup"}},
	} {
		np := policy(run(st, c.path, c.resource))
		md, spec := np["metadata"].(map[string]any), np["spec"].(map[string]any)
		if md["name"] != c.name || md["namespace"] != "shop" {
			t.Errorf("%s: metadata %v", c.resource, md)
		}
		if got := spec["podSelector"].(map[string]any)["matchLabels"]; !reflect.DeepEqual(got, c.selector) {
			t.Errorf("%s: podSelector %v, want %v", c.resource, got, c.selector)
		}
		if !reflect.DeepEqual(spec["policyTypes"], []any{"Ingress", "Egress"}) || !reflect.DeepEqual(spec["ingress"], ingress) || !reflect.DeepEqual(spec["egress"], egress) {
			t.Errorf("%s: spec %v", c.resource, spec)
		}
	}
	// the CronJob of the real inputs without labels (its metadata has
	// "lables:") labels its pod template and selects its pods by that;
	// the policy has no labels, as the CronJob has none
	f := run(st, "k8s/jobs.yaml", "CronJob/shop/nightly-sales-report")
	if np := policy(f); !reflect.DeepEqual(np["spec"].(map[string]any)["podSelector"], map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "nightly-sales-report"}}) || np["metadata"].(map[string]any)["labels"] != nil {
		t.Errorf("a CronJob without labels: policy %v", np)
	}
	out, err := Apply(readInput(t, f.Path), f.Fixes[0].Edits)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "      template:\n        metadata:\n          labels:\n            app.kubernetes.io/name: nightly-sales-report\n        spec:\n") {
		t.Errorf("the pod template is not labelled before its spec:\n%s", out)
	}
	f = run(stage(nil), "k8s/catalog.yaml", "Deployment/shop/catalog-api")
	if len(f.Fixes) != 0 || !strings.Contains(f.FixNote, "the organisation catalog sets no network_policy_egress, network_policy_ingress under values:") {
		t.Errorf("without the catalog: fixes %d, note %q", len(f.Fixes), f.FixNote)
	}
}
