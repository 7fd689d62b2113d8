package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// kube-score names the "# Source:" template of each object of a rendered
// stream (testdata/kube-score/helm-shop-rendered.json, kube-score's output
// for testdata/inputs/helm/shop-rendered.yaml). With the chart in the tree
// the findings go to its templates, and a fix is made there only on a
// literal line; with only the rendered stream, they get no fix and the
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
