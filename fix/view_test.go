package fix

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// A workload without the team and owner labels and without a
// ServiceAccount of its own, as k8s/storefront.yaml of the corpus (Conftest
// reports K8S-010 for each label, K8S-011 for the pod template and
// K8S-022 for the default account, in that order: its required_labels
// package comes before workload_hygiene).
const unlabelled = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: registry.example.com/web:1.0
---
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app: web
spec:
  selector:
    app: web
`

// viewStage is a fix stage over a root holding unlabelled as
// k8s/web.yaml, with the built-in entries (by the finding's code) and
// the example organisation catalog's values.
func viewStage(t *testing.T, entries map[string]string) (*Stage, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "k8s"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "k8s/web.yaml"), []byte(unlabelled), 0o644); err != nil {
		t.Fatal(err)
	}
	byCode := map[string]*runbooks.Entry{}
	var vals runbooks.Values
	for code, id := range entries {
		byCode[code], vals = builtinEntry(t, id)
	}
	st, err := New(Options{Root: dir, Values: vals, Entry: func(f *translator.Finding) *runbooks.Entry { return byCode[f.Code] }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, "k8s/web.yaml"
}

func conftestFinding(code, resource, file string) *translator.Finding {
	f := &translator.Finding{Tool: "conftest", Code: code, Resource: resource, Runbook: &translator.Runbook{ID: code}}
	f.Path = file
	return f
}

// labelsOf returns the metadata.labels of resource in src.
func labelsOf(t *testing.T, src, resource string) map[string]string {
	t.Helper()
	d, ok := locate.FindDocument(locate.Documents([]byte(src)), resource, "")
	if !ok {
		t.Fatalf("no %s in\n%s", resource, src)
	}
	var obj struct {
		Metadata struct {
			Labels map[string]string `yaml:"labels"`
		} `yaml:"metadata"`
	}
	if err := d.Root.Decode(&obj); err != nil {
		t.Fatal(err)
	}
	return obj.Metadata.Labels
}

// The ServiceAccount that k8s-default-service-account's fix adds copies
// the workload's labels as the run's other fixes leave them: with the
// team and owner labels k8s-required-labels' fix adds (the organisation's
// team_label and owner_label), not the labels the workload had before.
// Applied together, as the fix command applies fixes that do not overlap,
// the new account has the workload's labels, so the scanner that wants
// them on every object does not report it. The K8S-011 fix copies the
// team label the same way.
func TestAddedDocumentSeesTheLabelsOfTheRun(t *testing.T) {
	st, file := viewStage(t, map[string]string{"K8S-010": "k8s-required-labels", "K8S-011": "k8s-pod-template-labels", "K8S-022": "k8s-default-service-account"})
	fs := []*translator.Finding{
		conftestFinding("K8S-010", "Deployment/web", file), // "owner"
		conftestFinding("K8S-010", "Deployment/web", file), // "team"
		conftestFinding("K8S-011", "Deployment/web", file),
		conftestFinding("K8S-022", "Deployment/web", file),
		conftestFinding("K8S-010", "Service/web", file),
	}
	var all []translator.Edit
	for _, f := range fs {
		if err := st.Map(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		if len(f.Fixes) == 0 {
			t.Fatalf("%s on %s: no fix: %s", f.Code, f.Resource, f.FixNote)
		}
		// the fix command: identical edits once, the others together
		for _, e := range f.Fixes[0].Edits {
			dup := false
			for _, a := range all {
				if a == e {
					dup = true
				}
			}
			if !dup {
				all = append(all, e)
			}
		}
	}
	out, err := Apply(unlabelled, all)
	if err != nil {
		t.Fatalf("the fixes overlap: %v", err)
	}
	want := map[string]string{"app": "web", "team": "platform", "owner": "platform-oncall"}
	for _, r := range []string{"Deployment/web", "ServiceAccount/web", "Service/web"} {
		if got := labelsOf(t, out, r); !maps.Equal(got, want) {
			t.Errorf("%s labels %v, want %v\n%s", r, got, want, out)
		}
	}
	var dep struct {
		Spec struct {
			Template struct {
				Metadata struct {
					Labels map[string]string `yaml:"labels"`
				} `yaml:"metadata"`
				Spec struct {
					ServiceAccountName string `yaml:"serviceAccountName"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	d, _ := locate.FindDocument(locate.Documents([]byte(out)), "Deployment/web", "")
	if err := d.Root.Decode(&dep); err != nil {
		t.Fatal(err)
	}
	if tpl := dep.Spec.Template; tpl.Metadata.Labels["team"] != "platform" || tpl.Spec.ServiceAccountName != "web" {
		t.Errorf("pod template %+v\n%s", tpl, out)
	}
	// the ServiceAccount fix alone adds the account (with the labels the
	// run gives the workload) and names it, and labels nothing else
	alone := mustApply(t, unlabelled, fs[3].Fixes[0].Edits)
	if got := labelsOf(t, alone, "Deployment/web"); !maps.Equal(got, map[string]string{"app": "web"}) {
		t.Errorf("the ServiceAccount fix labels the workload: %v\n%s", got, alone)
	}
	if got := labelsOf(t, alone, "ServiceAccount/web"); !maps.Equal(got, want) {
		t.Errorf("the ServiceAccount fix alone: %v\n%s", got, alone)
	}
}

func mustApply(t *testing.T, src string, es []translator.Edit) string {
	t.Helper()
	out, err := Apply(src, es)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Without a fix of the run that labels the workload, the new account
// copies the labels the workload has, as before; and a fix given to
// another object of the file is not part of the view.
func TestAddedDocumentAloneCopiesTheObject(t *testing.T) {
	st, file := viewStage(t, map[string]string{"K8S-010": "k8s-required-labels", "K8S-022": "k8s-default-service-account"})
	svc := conftestFinding("K8S-010", "Service/web", file)
	sa := conftestFinding("K8S-022", "Deployment/web", file)
	for _, f := range []*translator.Finding{svc, sa} {
		if err := st.Map(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		if len(f.Fixes) == 0 {
			t.Fatalf("%s: no fix: %s", f.Code, f.FixNote)
		}
	}
	out := mustApply(t, unlabelled, sa.Fixes[0].Edits)
	if got := labelsOf(t, out, "ServiceAccount/web"); !maps.Equal(got, map[string]string{"app": "web"}) {
		t.Errorf("ServiceAccount labels %v\n%s", got, out)
	}
}

// from: reads a field the object lacks from the view (the object as
// another fix of the run leaves it), and only when neither the object
// nor the text the fix has made so far has it.
func TestFromReadsTheView(t *testing.T) {
	fx := runbooks.Fix{Description: "t", Edits: []runbooks.FixEdit{{Fill: "spec.template.metadata.labels.team", From: "metadata.labels.team"}}}
	f := conftestFinding("K8S-011", "Deployment/web", "web.yaml")
	if _, err := computeView([]byte(unlabelled), "", f, fx, "t"); err == nil || !NotHere(err) || !strings.Contains(err.Error(), "metadata.labels.team") {
		t.Fatalf("without a view: %v", err)
	}
	view := strings.Replace(unlabelled, "    app: web\nspec:\n  selector:\n    matchLabels:", "    app: web\n    team: payments\nspec:\n  selector:\n    matchLabels:", 1)
	got, err := computeView([]byte(unlabelled), view, f, fx, "t")
	if err != nil {
		t.Fatal(err)
	}
	out := mustApply(t, unlabelled, got.Edits)
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(out), &n); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "        app: web\n        team: payments\n") || strings.Contains(out, "  labels:\n    app: web\n    team") {
		t.Errorf("the fix copies from the view, and edits only the pod template:\n%s", out)
	}
}

// Conftest writes its findings in a different order on every run: with the
// ServiceAccount's finding first, the account would copy the workload's
// labels before the labels fix adds team and owner. FixOrder (the order a
// run that holds every finding computes fixes in) puts the fixes that copy
// last, so the account gets the run's labels whatever the input order.
func TestFixOrderCopiesLast(t *testing.T) {
	st, file := viewStage(t, map[string]string{"K8S-010": "k8s-required-labels", "K8S-022": "k8s-default-service-account"})
	fs := translator.Findings{
		conftestFinding("K8S-022", "Deployment/web", file),
		conftestFinding("K8S-010", "Deployment/web", file),
	}
	order := st.FixOrder(fs)
	if order[0].Code != "K8S-010" || order[1].Code != "K8S-022" {
		t.Fatalf("order %s, %s: want the labels fix first", order[0].Code, order[1].Code)
	}
	if fs[0].Code != "K8S-022" {
		t.Error("FixOrder reordered its argument")
	}
	for _, f := range order {
		if err := st.Map(context.Background(), f); err != nil {
			t.Fatal(err)
		}
	}
	out := mustApply(t, unlabelled, append(append([]translator.Edit(nil), fs[1].Fixes[0].Edits...), fs[0].Fixes[0].Edits...))
	want := map[string]string{"app": "web", "team": "platform", "owner": "platform-oncall"}
	if got := labelsOf(t, out, "ServiceAccount/web"); !maps.Equal(got, want) {
		t.Errorf("ServiceAccount/web labels %v, want %v\n%s", got, want, out)
	}
}
