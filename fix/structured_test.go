package fix

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// fill/from, mapping values and appended documents, on the real inputs:
// the diff shows only the lines the fix adds, and the values come from
// the manifest.

func fillFrom(pairs ...string) runbooks.Fix {
	fx := runbooks.Fix{Description: "test"}
	for i := 0; i+1 < len(pairs); i += 2 {
		fx.Edits = append(fx.Edits, runbooks.FixEdit{Fill: pairs[i], From: pairs[i+1]})
	}
	return fx
}

func TestFillFromKeepsValuesAndCopiesTheManifests(t *testing.T) {
	// catalog-api: requests cpu 250m / memory 256Mi, limits cpu "1": only
	// the memory limit is missing, and it is copied from the request.
	fx := fillFrom(
		"spec.containers[name=$container].resources.requests.cpu", "spec.containers[name=$container].resources.limits.cpu",
		"spec.containers[name=$container].resources.limits.cpu", "spec.containers[name=$container].resources.requests.cpu",
		"spec.containers[name=$container].resources.limits.memory", "spec.containers[name=$container].resources.requests.memory",
	)
	got := diffOf(t, "k8s/catalog.yaml", &translator.Finding{Resource: "Deployment/catalog-api", Extra: map[string]string{"container": "api"}}, fx)
	want := `@@ -46,6 +46,7 @@
               memory: 256Mi
             limits:
               cpu: "1"
+              memory: 256Mi
           livenessProbe:
             httpGet:
               path: /livez
`
	if got != want {
		t.Errorf("diff:\n%s\nwant:\n%s", got, want)
	}
}

func TestFillFromWithoutTheSourceIsNoFix(t *testing.T) {
	src := readInput(t, "k8s/node-agent.yaml")
	f := &translator.Finding{Location: translator.Location{Path: "k8s/node-agent.yaml"}, Resource: "DaemonSet/node-agent", Extra: map[string]string{"container": "agent,sysctl-tuner"}}
	// agent has a memory limit, sysctl-tuner has no resources: a fix of
	// one container only would leave the finding (one per object) open.
	fx := fillFrom("spec.containers[name=$container].resources.requests.memory", "spec.containers[name=$container].resources.limits.memory")
	_, err := Compute([]byte(src), f, fx, "runbook:test")
	if err == nil || !NotHere(err) || !strings.Contains(err.Error(), "no spec.containers[name=sysctl-tuner].resources.limits.memory to copy") {
		t.Fatalf("err = %v, want a not-here error naming the missing field", err)
	}
	// agent alone: its request is its limit, as written.
	f.Extra = map[string]string{"container": "agent"}
	got := diffOf(t, "k8s/node-agent.yaml", f, fx)
	if !strings.Contains(got, "+            requests:\n+              memory: 200Mi\n") {
		t.Errorf("diff:\n%s", got)
	}
}

func TestMappingValueFromTheSelector(t *testing.T) {
	fx := runbooks.Fix{Description: "test", Tools: []string{"kube-score"}, Edits: []runbooks.FixEdit{{
		Set: "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution",
		Value: []any{map[string]any{"weight": 100, "podAffinityTerm": map[string]any{
			"topologyKey":   "kubernetes.io/hostname",
			"labelSelector": map[string]any{"matchLabels": "$selector_labels"},
		}}},
	}}}
	f := &translator.Finding{Tool: "kube-score", Resource: "Deployment/storefront"}
	got := diffOf(t, "k8s/storefront.yaml", f, fx)
	want := `+      affinity:
+        podAntiAffinity:
+          preferredDuringSchedulingIgnoredDuringExecution:
+            - podAffinityTerm:
+                labelSelector:
+                  matchLabels:
+                    app.kubernetes.io/name: storefront
+                topologyKey: kubernetes.io/hostname
+              weight: 100
`
	if !strings.Contains(got, want) {
		t.Errorf("diff:\n%s\nwant it to add:\n%s", got, want)
	}
	// the same fix, for another tool, is not this finding's
	f.Tool = "polaris"
	if _, err := Compute([]byte(readInput(t, "k8s/storefront.yaml")), f, fx, "runbook:test"); err == nil || !NotHere(err) {
		t.Errorf("a fix for kube-score applied to a polaris finding: %v", err)
	}
	if ForTool(fx, "polaris") || !ForTool(fx, "kube-score") || !ForTool(runbooks.Fix{}, "any") {
		t.Error("ForTool")
	}
}

func TestAppendDocumentAfterTheObject(t *testing.T) {
	fx := runbooks.Fix{Description: "test", Edits: []runbooks.FixEdit{{Document: map[string]any{
		"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
		"metadata": map[string]any{"name": "$object_name", "labels": "$object_labels"},
		"spec":     map[string]any{"maxUnavailable": 1, "selector": map[string]any{"matchLabels": "$selector_labels"}},
	}}}}
	f := &translator.Finding{Resource: "Deployment/catalog-api"}
	got := diffOf(t, "k8s/catalog.yaml", f, fx)
	for _, w := range []string{
		"+---\n+apiVersion: policy/v1\n+kind: PodDisruptionBudget\n+metadata:\n+  name: catalog-api\n+  namespace: shop\n+  labels:\n",
		"+spec:\n+  maxUnavailable: 1\n+  selector:\n+    matchLabels:\n",
		" ---\n apiVersion: v1\n kind: ConfigMap\n", // before the next document
	} {
		if !strings.Contains(got, w) {
			t.Errorf("diff does not contain\n%s\n in:\n%s", w, got)
		}
	}
	// applied, the document is there: a second time it is refused.
	src := readInput(t, "k8s/catalog.yaml")
	f.Path = "k8s/catalog.yaml"
	c, err := Compute([]byte(src), f, fx, "runbook:test")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Apply(src, c.Edits)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Compute([]byte(out), f, fx, "runbook:test"); err == nil || !strings.Contains(err.Error(), "already has a PodDisruptionBudget named catalog-api") {
		t.Errorf("second time: %v", err)
	}
	// a workload without a selector gets no document
	bare := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  labels: {a: b}\nspec: {}\n"
	if _, err := Compute([]byte(bare), &translator.Finding{Location: translator.Location{Path: "x.yaml"}, Resource: "Deployment/x"}, fx, "runbook:test"); err == nil || !strings.Contains(err.Error(), "spec.selector.matchLabels") {
		t.Errorf("no selector: %v", err)
	}
}

func TestStructuredEditsAreNotMadeInTemplatesOrTerraform(t *testing.T) {
	fx := fillFrom("spec.containers[name=web].resources.limits.cpu", "spec.containers[name=web].resources.requests.cpu")
	tpl := "kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
	if _, err := Compute([]byte(tpl), &translator.Finding{Location: translator.Location{Path: "templates/d.yaml", Line: 3}, Resource: "Deployment/x"}, fx, "t"); err == nil || !NotHere(err) {
		t.Errorf("template: %v", err)
	}
	if _, err := Compute([]byte("resource \"a\" \"b\" {}\n"), &translator.Finding{Location: translator.Location{Path: "main.tf"}, Resource: "a.b"}, fx, "t"); err == nil || !NotHere(err) {
		t.Errorf("terraform: %v", err)
	}
}
