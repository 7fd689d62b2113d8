package fix

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// mapImage runs the stage with the built-in image-untrusted-registry
// entry and the table over one finding on the container image of the
// chart's template (at line) in root.
func mapImage(t *testing.T, root, template string, line int, container string, table map[string]any) *translator.Finding {
	t.Helper()
	e, _ := builtinEntry(t, "image-untrusted-registry")
	st, err := New(Options{Root: root, Entry: func(*translator.Finding) *runbooks.Entry { return e },
		Values: runbooks.Values{"image_mirrors": {V: table, Source: "org.yaml:3"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f := &translator.Finding{Tool: "conftest", Code: "K8S-001", Runbook: &translator.Runbook{ID: e.ID}, Extra: map[string]string{"container": container}}
	f.Path, f.Line = "helm/shop/templates/"+template, line
	f.Resource = map[string]string{"redis-statefulset.yaml": "StatefulSet/shop-redis", "deployment.yaml": dep}[template]
	if err := st.Map(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	return f
}

// An image the template writes as "{{ .Values.x.repository }}:{{
// .Values.x.tag }}" is replaced in values.yaml: the table's copy of
// redis:7.2 split into repository and tag, the tag kept quoted.
func TestImageFromValuesReplacedInValuesYAML(t *testing.T) {
	root := valuesChart(t, nil)
	f := mapImage(t, root, "redis-statefulset.yaml", 20, "redis", map[string]any{"redis:7.2": "registry.example.internal/mirror/redis:7.2.10"})
	orig, _ := os.ReadFile(filepath.Join(root, "helm/shop/values.yaml"))
	got := applied(t, root, f)
	want := strings.Replace(string(orig), "    repository: redis\n    tag: \"7.2\"\n", "    repository: registry.example.internal/mirror/redis\n    tag: \"7.2.10\"\n", 1)
	if got != want || got == string(orig) {
		t.Errorf("values.yaml:\n%s", UnifiedDiff("values.yaml", string(orig), got))
	}
	if !strings.Contains(f.Fixes[0].Description, "helm/shop/values.yaml") {
		t.Errorf("description %q does not name values.yaml", f.Fixes[0].Description)
	}
}

// What makes no suggestion says why: the table has no copy of the
// image the values make (the Deployment's container is named by an
// action: the pod's one container is meant), the copy has no tag to
// split, the tag comes from the chart's appVersion.
func TestImageFromValuesNotes(t *testing.T) {
	root := valuesChart(t, nil)
	for _, c := range []struct {
		name     string
		root     string
		table    map[string]any
		template string
		line     int
		want     string
	}{
		{"no entry", root, map[string]any{"redis:7.2": "m/redis:7.2.5"}, "deployment.yaml", 26,
			`image_mirrors (values:) has no entry for "acme/shop-recommendations:latest"`},
		{"digest", root, map[string]any{"redis:7.2": "registry.example.internal/mirror/redis@sha256:0123"}, "redis-statefulset.yaml", 20,
			"the copy registry.example.internal/mirror/redis@sha256:0123 has no tag to write into the chart's tag value"},
		{"appVersion", valuesChart(t, map[string]string{"values.yaml": "image:\n  repository: acme/shop-recommendations\n  pullPolicy: IfNotPresent\n"}),
			map[string]any{"acme/shop-recommendations:1.0.0": "m/shop:1.0.0"}, "deployment.yaml", 26,
			"the image is written from values, and image.tag is not a value of helm/shop/values.yaml"},
	} {
		f := mapImage(t, c.root, c.template, c.line, "shop", c.table)
		if len(f.Fixes) > 0 || !strings.Contains(f.FixNote, c.want) {
			t.Errorf("%s: fixes %v, note %q; want the note to say %q", c.name, f.Fixes, f.FixNote, c.want)
		}
	}
}
