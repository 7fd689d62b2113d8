package main

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/locate"
)

// kube-score names the "# Source:" template of each object of a rendered
// stream (testdata/kube-score/helm-shop-rendered.json, kube-score's output
// for testdata/inputs/helm/shop-rendered.yaml). With the chart in the tree
// the findings go to its templates, and a fix is made there only on a
// literal line (or in the chart's values.yaml); with only the rendered stream, they get no fix and the
// FixNote says why (issue 12).
func TestKubeScoreFindingsOnTheChart(t *testing.T) {
	input := "../../testdata/kube-score/helm-shop-rendered.json"
	withChart := t.TempDir()
	copyDir(t, "../../testdata/inputs/helm", filepath.Join(withChart, "helm"))
	fs := suggested(t, "kube-score", input, withChart)
	inTemplate, fixed := 0, 0
	for _, f := range fs {
		if !strings.HasPrefix(f.Path, "helm/shop/templates/") {
			t.Errorf("%s %s: at %s:%d %q, want a template of helm/shop", f.Code, f.Resource, f.Path, f.Line, f.Located)
			continue
		}
		inTemplate++
		if f.Line == 0 {
			t.Errorf("%s %s: no line in %s", f.Code, f.Resource, f.Path)
		}
		for _, fx := range f.Fixes {
			fixed++
			b, err := os.ReadFile(filepath.Join(withChart, f.Path))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(b), "\n")
			for _, e := range fx.Edits {
				if e.Path == "helm/shop/values.yaml" {
					continue // what the template writes from values (fix/helmvalues.go)
				}
				if e.Path != f.Path || e.StartLine < 1 || e.StartLine > len(lines) || strings.Contains(lines[e.StartLine-1], "{{") {
					t.Errorf("%s %s: edit %+v is not on a literal line of %s", f.Code, f.Resource, e, f.Path)
				}
			}
		}
		if len(f.Fixes) == 0 && f.FixNote != "" {
			t.Logf("%s %s at %s:%d: %s", f.Code, f.Resource, f.Path, f.Line, f.FixNote)
		}
	}
	t.Logf("with the chart: %d findings, %d in templates, %d fixes", len(fs), inTemplate, fixed)
	if inTemplate == 0 {
		t.Fatal("no finding reached a template")
	}

	// only the rendered stream: the findings keep the template path
	onlyStream := t.TempDir()
	if err := os.MkdirAll(filepath.Join(onlyStream, "helm"), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../../testdata/inputs/helm/shop-rendered.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(onlyStream, "helm/shop-rendered.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	noted := 0
	for _, f := range suggested(t, "kube-score", input, onlyStream) {
		if len(f.Fixes) > 0 {
			t.Errorf("%s %s: a fix of %s without the chart", f.Code, f.Resource, f.Fixes[0].Edits[0].Path)
		}
		if f.FixNote != "" {
			noted++
			if !strings.Contains(f.FixNote, "is a Helm chart template that is not under the base directory") {
				t.Errorf("%s %s: FixNote %q", f.Code, f.Resource, f.FixNote)
			}
		}
	}
	if noted == 0 {
		t.Error("no finding says why it has no fix")
	}
}

// The chart helm/shop (ours) is meant to render to the corpus's
// hand-written stream helm/shop-rendered.yaml with release name shop
// (testdata/inputs/README.md), and the proof renders it with the real helm
// in place of that stream (TestFixesFixTheRealFindings): each object of
// helm's rendering must be the stream's object of the same template, field
// for field. The one value that cannot agree is the checksum/config
// annotation (helm's is the sha256 of the rendered ConfigMap; the stream's
// was typed).
func TestChartRendersToTheStream(t *testing.T) {
	helm, ok := lookTool("helm")
	if !ok {
		if os.Getenv("CI") == "true" {
			t.Fatal("helm is not installed (.ci/run installs it)")
		}
		t.Skip("helm is not installed")
	}
	dir := t.TempDir()
	copyDir(t, "../../testdata/inputs/helm/shop", filepath.Join(dir, "helm/shop"))
	rendered := helmTemplate(t, helm, dir)
	stream, err := os.ReadFile("../../testdata/inputs/helm/shop-rendered.yaml")
	if err != nil {
		t.Fatal(err)
	}
	objects := func(b []byte) (map[string]any, []string) {
		out := map[string]any{}
		var order []string
		for _, d := range locate.Documents(b) {
			var v map[string]any
			if err := d.Root.Decode(&v); err != nil {
				t.Fatal(err)
			}
			if tmpl, ok := dig(v, "spec", "template", "metadata", "annotations").(map[string]any); ok {
				if _, ok := tmpl["checksum/config"]; ok {
					tmpl["checksum/config"] = "(sha256 of the ConfigMap)"
				}
			}
			k := d.Source + " " + d.Kind + "/" + d.Name
			if _, dup := out[k]; dup {
				t.Errorf("two objects %s", k)
			}
			out[k] = v
			order = append(order, k)
		}
		return out, order
	}
	want, wantOrder := objects(stream)
	got, gotOrder := objects(rendered)
	for _, k := range wantOrder {
		if got[k] == nil {
			t.Errorf("helm does not render %s", k)
			continue
		}
		if !reflect.DeepEqual(got[k], want[k]) {
			g, _ := yaml.Marshal(got[k])
			w, _ := yaml.Marshal(want[k])
			t.Errorf("%s: helm renders\n%s\nthe stream has\n%s", k, g, w)
		}
	}
	for _, k := range gotOrder {
		if want[k] == nil {
			t.Errorf("helm renders %s, which the stream does not have", k)
		}
	}
	if !slices.Equal(gotOrder, wantOrder) {
		t.Logf("the order differs (helm sorts by kind):\nhelm:   %s\nstream: %s", strings.Join(gotOrder, ", "), strings.Join(wantOrder, ", "))
	}
	if len(wantOrder) == 0 {
		t.Fatal("no object in the stream")
	}
}

// dig returns the value at the keys of nested maps, nil when one is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
