package fix

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// builtinEntry returns a built-in entry, and the values of the example
// organisation catalog (testdata/catalogs/org-values).
// fixedWith is src with fx's fix for f (ComputeWith with vals) applied;
// an error of either fails the test.
func fixedWith(t *testing.T, src string, f *translator.Finding, fx runbooks.Fix, vals runbooks.Values) string {
	t.Helper()
	got, err := ComputeWith([]byte(src), f, fx, "t", vals)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Apply(src, got.Edits)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func builtinEntry(t *testing.T, id string) (*runbooks.Entry, runbooks.Values) {
	t.Helper()
	b, err := runbooks.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	org, err := runbooks.LoadPath("../testdata/catalogs/org-values")
	if err != nil {
		t.Fatal(err)
	}
	e := runbooks.Merge(b).Entry(id)
	if e == nil {
		t.Fatalf("no entry %s", id)
	}
	return e, org.Values()
}

// The agent container of the real node-agent DaemonSet has a memory limit
// and nothing else. The built-in k8s-resources entry's values alternative
// copies the memory request from that limit, and takes the CPU request
// and limit from the organisation catalog: the CPU limit is the catalog's
// cpu_limit, not a copy of the request the edit before it wrote (from:
// with a catalog value decides on the object as the finding found it).
func TestCatalogValuesFillWhatCannotBeCopied(t *testing.T) {
	e, vals := builtinEntry(t, "k8s-resources")
	if len(e.Fix) != 2 {
		t.Fatalf("%d alternatives", len(e.Fix))
	}
	const file = "k8s/node-agent.yaml"
	src := readInput(t, file)
	f := &translator.Finding{Tool: "kube-score", Resource: "DaemonSet/node-agent", Extra: map[string]string{"container": "agent"}}
	f.Path = file
	if _, err := ComputeWith([]byte(src), f, e.Fix[0], "t", vals); err == nil || !strings.Contains(err.Error(), "limits.cpu to copy") {
		t.Fatalf("the copying alternative: %v", err)
	}
	out := fixedWith(t, src, f, e.Fix[1], vals)
	_, body, _ := strings.Cut(UnifiedDiff(file, src, out), "\n+++ b/"+file+"\n")
	want := `@@ -55,6 +55,10 @@
           resources:
             limits:
               memory: 200Mi
+              cpu: 500m
+            requests:
+              cpu: 100m
+              memory: 200Mi
           volumeMounts:
             - name: varlog
               mountPath: /var/log
`
	if body != want {
		t.Errorf("diff:\n%s\nwant:\n%s", body, want)
	}

	// Without the catalog, the error names exactly the values it lacks:
	// the memory request is copied, the CPU has nothing to copy.
	_, err := Compute([]byte(src), f, e.Fix[1], "t")
	if names := ValuesUnset(err); !reflect.DeepEqual(names, []string{"cpu_request", "cpu_limit"}) {
		t.Errorf("unset %v (%v)", names, err)
	}
	if err == nil || err.Error() != "the organisation catalog sets no cpu_request, cpu_limit under values: (setting it there makes a suggestion)" {
		t.Errorf("error %v", err)
	}
}

// A value-only catalog edit: the catalog's mapping becomes the probe,
// indented as the file is, at the end of the container; unset, the fix does
// not apply and says which value. The probe names the port "http", which
// the storefront's web container declares (node-agent's agent declares
// none: there the fix is refused, TestProbePortRefused).
func TestCatalogValueMapping(t *testing.T) {
	e, vals := builtinEntry(t, "k8s-liveness-probe")
	const file = "k8s/storefront.yaml"
	src := readInput(t, file)
	f := &translator.Finding{Tool: "kube-linter", Resource: "Deployment/storefront", Extra: map[string]string{"container": "web"}}
	f.Path = file
	out := fixedWith(t, src, f, e.Fix[0], vals)
	for _, w := range []string{"              port: http\n          livenessProbe:\n            failureThreshold: 6\n            httpGet:\n              path: /healthz\n              port: http\n            periodSeconds: 10\n        - name: asset-sync\n"} {
		if !strings.Contains(out, w) {
			t.Errorf("no %q in:\n%s", w, out)
		}
	}
	add := runbooks.Fix{Description: "d", Edits: []runbooks.FixEdit{{Add: "spec.containers[name=$container].args", CatalogValue: "liveness_probe"}}}
	if _, err := ComputeWith([]byte(src), f, add, "t", vals); err == nil || !strings.Contains(err.Error(), "add appends one scalar") {
		t.Errorf("a mapping added to a list: %v", err)
	}
	_, err := ComputeWith([]byte(src), f, e.Fix[0], "t", runbooks.Values{"readiness_probe": {V: "x"}})
	if names := ValuesUnset(err); !reflect.DeepEqual(names, []string{"liveness_probe"}) {
		t.Errorf("unset %v (%v)", names, err)
	}
}

// The stage: without the values, the note gives the first alternative's
// reason and names the values a later one lacks (in both languages);
// with them, the values alternative is the suggestion; where the first
// alternative applies, the values one makes the same edits and is not
// offered twice.
func TestStageCatalogValues(t *testing.T) {
	e, vals := builtinEntry(t, "k8s-cpu-requests")
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "k8s"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"node-agent.yaml", "catalog.yaml"} {
		if err := os.WriteFile(filepath.Join(dir, "k8s", n), []byte(readInput(t, "k8s/"+n)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(v runbooks.Values, path, resource, container string) *translator.Finding {
		st, err := New(Options{Root: dir, Values: v, Entry: func(*translator.Finding) *runbooks.Entry { return e }})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		f := &translator.Finding{Tool: "trivy", Resource: resource, Runbook: &translator.Runbook{ID: e.ID}, Extra: map[string]string{"container": container}}
		f.Path = path
		if err := st.Map(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	f := run(nil, "k8s/node-agent.yaml", "DaemonSet/node-agent", "agent")
	if len(f.Fixes) != 0 {
		t.Fatalf("fixes without the values: %+v", f.Fixes)
	}
	const want = "the organisation catalog sets no cpu_request under values: (setting it there makes a suggestion); Set the CPU request to the CPU limit the container already has (the value Kubernetes uses for it today): the object has no spec.containers[name=agent].resources.limits.cpu to copy"
	if f.FixNote != want {
		t.Errorf("note:\n%s\nwant:\n%s", f.FixNote, want)
	}
	if ja := f.FixNoteText.In("ja"); !strings.Contains(ja, "組織のカタログの values: に cpu_request が設定されていません") {
		t.Errorf("ja note %q", ja)
	}

	f = run(vals, "k8s/node-agent.yaml", "DaemonSet/node-agent", "agent")
	if len(f.Fixes) != 1 || f.Fixes[0].Description != e.Fix[1].Description || f.FixNote != "" {
		t.Fatalf("with the values: %+v, note %q", f.Fixes, f.FixNote)
	}
	if got := f.Fixes[0].Edits[0].Text; !strings.Contains(got, "cpu: 100m") {
		t.Errorf("edit %q", got)
	}

	// The entry's own example: a container with a CPU limit and no
	// request. Both alternatives copy the limit: one suggestion.
	if err := os.WriteFile(filepath.Join(dir, "k8s", "example.yaml"), []byte(e.Examples[1].Manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	f = run(vals, "k8s/example.yaml", "DaemonSet/node-agent", "agent")
	if len(f.Fixes) != 1 || f.Fixes[0].Description != e.Fix[0].Description {
		t.Errorf("fixes %+v", f.Fixes)
	}
}

// The organisation's probe names the port "http"; node-agent's agent
// container declares no such port, so the probe would fail every time and
// restart the Pod: no suggestion, and the note says why.
func TestProbePortRefused(t *testing.T) {
	e, vals := builtinEntry(t, "k8s-liveness-probe")
	const file = "k8s/node-agent.yaml"
	src := readInput(t, file)
	f := &translator.Finding{Tool: "kube-linter", Resource: "DaemonSet/node-agent", Extra: map[string]string{"container": "agent"}}
	f.Path = file
	_, err := ComputeWith([]byte(src), f, e.Fix[0], "t", vals)
	if err == nil || !strings.Contains(err.Error(), "the livenessProbe would use the port named http, which container agent does not declare") {
		t.Errorf("error %v", err)
	}
}
