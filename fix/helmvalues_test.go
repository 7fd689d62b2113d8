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

// The chart testdata/inputs/helm/shop writes its Deployment's container
// security context and resources with {{- toYaml .Values.x | nindent 12 }}
// and its pull policy with {{ .Values.image.pullPolicy }}: the fixes of
// the built-in entries for them (runbooks/builtin/pod-security.yaml,
// workload-hygiene.yaml, images.yaml) are made in its values.yaml.

// valuesChart copies the chart into a temporary root (with the files of
// over, path relative to the chart, replacing its own) and returns the
// root.
func valuesChart(t *testing.T, over map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	src := "../testdata/inputs/helm/shop"
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := filepath.Join(dir, "helm/shop", rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	for rel, s := range over {
		p := filepath.Join(dir, "helm/shop", rel)
		if s == "" {
			os.Remove(p)
			continue
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type valuesCase struct {
	code, resource string
	line           int
	extra          map[string]string
	fx             runbooks.Fix
}

// mapValues runs the stage over the findings (in order) in root and
// returns them.
func mapValues(t *testing.T, root string, cs ...valuesCase) []*translator.Finding {
	t.Helper()
	byCode := map[string]*runbooks.Entry{}
	for _, c := range cs {
		byCode[c.code] = &runbooks.Entry{ID: c.code, Fix: []runbooks.Fix{c.fx}}
	}
	st, err := New(Options{Root: root, Entry: func(f *translator.Finding) *runbooks.Entry { return byCode[f.Code] }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out []*translator.Finding
	for _, c := range cs {
		f := &translator.Finding{Tool: "conftest", Code: c.code, Resource: c.resource, Runbook: &translator.Runbook{ID: c.code}, Extra: c.extra}
		f.Path, f.Line = "helm/shop/templates/deployment.yaml", c.line
		if err := st.Map(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

// applied is the values file with f's first fix applied.
func applied(t *testing.T, root string, f *translator.Finding) string {
	t.Helper()
	if len(f.Fixes) == 0 {
		t.Fatalf("%s: no fix: %s", f.Code, f.FixNote)
	}
	b, err := os.ReadFile(filepath.Join(root, "helm/shop/values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range f.Fixes[0].Edits {
		if e.Path != "helm/shop/values.yaml" {
			t.Fatalf("%s: an edit of %s, want values.yaml only", f.Code, e.Path)
		}
	}
	out, err := Apply(string(b), f.Fixes[0].Edits)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	vRORFS = runbooks.Fix{Description: "ro", Edits: []runbooks.FixEdit{{Set: "spec.containers[name=$container].securityContext.readOnlyRootFilesystem", Value: true}}}
	vAPE   = runbooks.Fix{Description: "ape", Edits: []runbooks.FixEdit{{Set: "spec.containers[name=$container].securityContext.allowPrivilegeEscalation", Value: false}}}
	vPull  = runbooks.Fix{Description: "pull", Edits: []runbooks.FixEdit{{Set: "spec.containers[name=$container].imagePullPolicy", Value: "Always"}}}
	vMem   = runbooks.Fix{Description: "mem", Edits: []runbooks.FixEdit{{Fill: "spec.containers[name=$container].resources.limits.memory", Value: "256Mi"}}}
	vPod   = runbooks.Fix{Description: "pod", Edits: []runbooks.FixEdit{{Set: "spec.securityContext.runAsNonRoot", Value: true}}}
)

const dep = "Deployment/shop-recommendations"

// The edit lands in values.yaml under the value's path, the rest of the
// file as it was; kube-score's container name (the chart's name, an
// action in the template) picks the template's one container.
func TestValuesFixToYamlMapping(t *testing.T) {
	root := valuesChart(t, nil)
	fs := mapValues(t, root,
		valuesCase{"RO", dep, 25, nil, vRORFS},
		valuesCase{"MEM", dep, 43, map[string]string{"container": "shop"}, vMem},
		valuesCase{"POD", dep, 20, nil, vPod},
	)
	orig, _ := os.ReadFile(filepath.Join(root, "helm/shop/values.yaml"))
	for _, c := range []struct {
		f        *translator.Finding
		old, new string
	}{
		{fs[0], "securityContext: {}\n", "securityContext:\n  readOnlyRootFilesystem: true\n"},
		{fs[1], "resources: {}\n", "resources:\n  limits:\n    memory: 256Mi\n"},
		{fs[2], "podSecurityContext: {}\n", "podSecurityContext:\n  runAsNonRoot: true\n"},
	} {
		got := applied(t, root, c.f)
		if want := strings.Replace(string(orig), c.old, c.new, 1); got != want {
			t.Errorf("%s: got\n%s\nwant\n%s", c.f.Code, got, want)
		}
	}
}

// A scalar written as "key: {{ .Values.image.pullPolicy }}" is set in
// values.yaml; a comment there stays.
func TestValuesFixScalar(t *testing.T) {
	root := valuesChart(t, nil)
	b, _ := os.ReadFile(filepath.Join(root, "helm/shop/values.yaml"))
	vals := strings.Replace(string(b), "  pullPolicy: IfNotPresent\n", "  # how the kubelet pulls\n  pullPolicy: IfNotPresent # for now\n", 1)
	root = valuesChart(t, map[string]string{"values.yaml": vals})
	fs := mapValues(t, root, valuesCase{"PULL", dep, 27, nil, vPull})
	want := strings.Replace(vals, "pullPolicy: IfNotPresent # for now", "pullPolicy: Always # for now", 1)
	if got := applied(t, root, fs[0]); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// Two findings whose values edits overlap (both change the line
// "securityContext: {}") each get the edits of both, identical, so that
// the fix command makes the change once and both are fixed.
func TestValuesFixShared(t *testing.T) {
	root := valuesChart(t, nil)
	fs := mapValues(t, root, valuesCase{"RO", dep, 25, nil, vRORFS}, valuesCase{"APE", dep, 25, nil, vAPE})
	a, b := applied(t, root, fs[0]), applied(t, root, fs[1])
	if a != b {
		t.Fatalf("different edits:\n%s\n---\n%s", a, b)
	}
	if !strings.Contains(a, "securityContext:\n  readOnlyRootFilesystem: true\n  allowPrivilegeEscalation: false\n") {
		t.Errorf("got\n%s", a)
	}
	if !sameEditList(fs[0].Fixes[0].Edits, fs[1].Fixes[0].Edits) {
		t.Errorf("the edits differ: %+v / %+v", fs[0].Fixes[0].Edits, fs[1].Fixes[0].Edits)
	}
}

// Refusals: each with the note that says why.
func TestValuesFixRefused(t *testing.T) {
	tmpl, err := os.ReadFile("../testdata/inputs/helm/shop/templates/deployment.yaml")
	if err != nil {
		t.Fatal(err)
	}
	vals, err := os.ReadFile("../testdata/inputs/helm/shop/values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc := "          securityContext:\n            {{- toYaml .Values.securityContext | nindent 12 }}\n"
	two := strings.Replace(string(tmpl), "          resources:\n", "          resources:\n            {}\n        - name: {{ .Chart.Name }}-sidecar\n          image: busybox\n          resources:\n", 1)
	for _, c := range []struct {
		name string
		over map[string]string
		line int
		fx   runbooks.Fix
		note string
	}{
		{"no values.yaml", map[string]string{"values.yaml": ""}, 25, vRORFS, "values.yaml cannot be read as a values file"},
		{"not a mapping", map[string]string{"values.yaml": strings.Replace(string(vals), "securityContext: {}", "securityContext: strict", 1)}, 25, vRORFS, "securityContext in helm/shop/values.yaml is not a mapping"},
		{"default", map[string]string{"templates/deployment.yaml": strings.Replace(string(tmpl), "toYaml .Values.securityContext |", "toYaml (.Values.securityContext | default dict) |", 1)}, 25, vRORFS, "line 25 writes the value with an action other than exactly"},
		{"if", map[string]string{"templates/deployment.yaml": strings.Replace(string(tmpl), sc, "          {{- if .Values.securityContext }}\n"+sc+"          {{- end }}\n", 1)}, 26, vRORFS, "values.yaml is not edited"},
		{"two containers", map[string]string{"templates/deployment.yaml": two}, 25, vRORFS, "named by the template action on line 23 and the template has more than one container"},
		{"quote default", map[string]string{"templates/deployment.yaml": strings.Replace(string(tmpl), "{{ .Values.image.pullPolicy }}", "{{ .Values.image.pullPolicy | default \"Always\" }}", 1)}, 27, vPull, "line 27 writes the value with an action other than exactly"},
	} {
		root := valuesChart(t, c.over)
		fs := mapValues(t, root, valuesCase{"X", dep, c.line, nil, c.fx})
		if len(fs[0].Fixes) > 0 {
			t.Errorf("%s: a fix %+v", c.name, fs[0].Fixes[0].Edits)
			continue
		}
		if !strings.Contains(fs[0].FixNote, c.note) {
			t.Errorf("%s: note %q, want %q", c.name, fs[0].FixNote, c.note)
		}
		if ja := fs[0].FixNoteText.In("ja"); ja == "" || strings.Contains(ja, "values file") {
			t.Errorf("%s: ja %q", c.name, ja)
		}
	}
}

// The indent form, "{{ toYaml .Values.resources | indent 12 }}" on its own
// line at column 0 after the key, is read as the mapping's value too.
func TestValuesFixIndentForm(t *testing.T) {
	tmpl, err := os.ReadFile("../testdata/inputs/helm/shop/templates/deployment.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(tmpl), "            {{- toYaml .Values.resources | nindent 12 }}", "{{ toYaml .Values.resources | indent 12 }}", 1)
	if src == string(tmpl) {
		t.Fatal("no resources line")
	}
	root := valuesChart(t, map[string]string{"templates/deployment.yaml": src})
	fs := mapValues(t, root, valuesCase{"MEM", dep, 43, nil, vMem})
	got := applied(t, root, fs[0])
	if !strings.Contains(got, "\nresources:\n  limits:\n    memory: 256Mi\n") {
		t.Errorf("got\n%s", got)
	}
}

// The description of a values fix says where it is made and that it is
// the chart's default.
func TestValuesFixDescription(t *testing.T) {
	root := valuesChart(t, nil)
	fs := mapValues(t, root, valuesCase{"RO", dep, 25, nil, vRORFS})
	if len(fs[0].Fixes) == 0 {
		t.Fatal(fs[0].FixNote)
	}
	if d := fs[0].Fixes[0].Description; !strings.HasPrefix(d, "ro, in helm/shop/values.yaml: ") || !strings.Contains(d, "every object rendered from it") {
		t.Errorf("description %q", d)
	}
}
