package locate

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

const rendered = `---
# Source: web/templates/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: rel-web
spec:
  template:
    spec:
      hostPID: true
      containers:
        - name: web
          image: "nginx:1"
          securityContext:
            runAsUser: 0
        - name: sidecar
          image: "busybox:1"
---
# Source: web/templates/svc.yaml
apiVersion: v1
kind: Service
metadata:
  name: rel-web
spec:
  type: LoadBalancer
`

const deployTemplate = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }} # t-name
spec:
  template:
    spec:
      {{- if .Values.hostPID }}
      hostPID: true # t-hostPID
      {{- end }}
      containers:
        - name: {{ .Chart.Name }} # t-web
          image: "{{ .Values.image }}"
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }} # t-sc
        - name: sidecar # t-sidecar
          image: busybox:1
`

const svcTemplate = `{{- if .Values.service.enabled }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "web.fullname" . }}
spec:
  type: {{ .Values.service.type }} # t-type
{{- end }}
`

func TestHelmTemplates(t *testing.T) {
	files := map[string]string{
		"out/rendered.yaml":                rendered,
		"charts/web/templates/deploy.yaml": deployTemplate,
		"charts/web/templates/svc.yaml":    svcTemplate,
	}
	root := writeTree(t, files)
	cands, err := Candidates(root, 0)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path, res, hint, container string
		wantPath, marker, located  string
	}{
		{"out/rendered.yaml", "Deployment/rel-web", "", "", "charts/web/templates/deploy.yaml", "t-name", "resource Deployment/rel-web found at charts/web/templates/deploy.yaml:4 (rendered at out/rendered.yaml:6)"},
		{"out/rendered.yaml", "Deployment/rel-web", "spec.hostPID", "", "charts/web/templates/deploy.yaml", "t-hostPID", "field spec.template.spec.hostPID of Deployment/rel-web at charts/web/templates/deploy.yaml:9"},
		// the container name is a template expression: found by its
		// position, as the list has no range/if
		{"out/rendered.yaml", "Deployment/rel-web", "", "web", "charts/web/templates/deploy.yaml", "t-web", "container web of Deployment/rel-web at charts/web/templates/deploy.yaml:12"},
		{"out/rendered.yaml", "Deployment/rel-web", "", "sidecar", "charts/web/templates/deploy.yaml", "t-sidecar", "container sidecar of"},
		// runAsUser comes from toYaml: approximate, at securityContext
		{"out/rendered.yaml", "Deployment/rel-web", "spec.containers[name=$container].securityContext.runAsUser", "web", "charts/web/templates/deploy.yaml", "securityContext:", "approximate: field spec.template.spec.containers[name=web].securityContext.runAsUser of Deployment/rel-web at out/rendered.yaml:15; the template charts/web/templates/deploy.yaml has no literal line for it, pointing at spec.template.spec.containers[name=web].securityContext on line 14"},
		{"out/rendered.yaml", "Service/rel-web", "spec.type", "", "charts/web/templates/svc.yaml", "t-type", "field spec.type of Service/rel-web at charts/web/templates/svc.yaml:7"},
		// kube-score names the Source path; gator/polaris name no path
		{"web/templates/deploy.yaml", "Deployment/rel-web", "spec.hostPID", "", "charts/web/templates/deploy.yaml", "t-hostPID", "field spec.template.spec.hostPID"},
		{"", "Service/rel-web", "", "", "charts/web/templates/svc.yaml", "", "resource Service/rel-web found at charts/web/templates/svc.yaml:5"},
		// a Source path of another object: not located
		{"web/templates/svc.yaml", "Deployment/rel-web", "", "", "", "", ""},
	}
	for _, c := range cases {
		f := finding(c.path, c.res, map[string]string{"container": c.container})
		h := c.hint
		run(t, Options{Root: root, Candidates: cands, Hint: func(*translator.Finding) string { return h }}, f)
		if c.wantPath == "" {
			if f.Line != 0 || f.Located != "" {
				t.Errorf("%s %s: located %s:%d %q", c.path, c.res, f.Path, f.Line, f.Located)
			}
			continue
		}
		want := 0
		if c.marker != "" {
			want = markerLine(t, files[c.wantPath], c.marker)
		}
		if f.Path != c.wantPath || (want > 0 && f.Line != want) || !strings.Contains(f.Located, c.located) {
			t.Errorf("%s %s %q: got %s:%d %q, want %s:%d %q", c.path, c.res, c.hint, f.Path, f.Line, f.Located, c.wantPath, want, c.located)
		}
	}
}

func TestHelmWithoutOrAmbiguousTemplate(t *testing.T) {
	// no chart under the root: the finding stays on the rendered stream
	root := writeTree(t, map[string]string{"out/rendered.yaml": rendered})
	f := finding("out/rendered.yaml", "Deployment/rel-web", nil)
	run(t, Options{Root: root, Hint: func(*translator.Finding) string { return "spec.hostPID" }}, f)
	if f.Path != "out/rendered.yaml" || f.Line != 10 || !strings.Contains(f.Located, "at out/rendered.yaml:10") {
		t.Errorf("got %s:%d %q", f.Path, f.Line, f.Located)
	}
	// two charts named web: which template is meant is unknown, unless
	// ChartDirs says
	root = writeTree(t, map[string]string{
		"out/rendered.yaml":           rendered,
		"a/web/templates/deploy.yaml": deployTemplate,
		"b/web/templates/deploy.yaml": deployTemplate,
		"b/web/templates/svc.yaml":    svcTemplate,
	})
	f = finding("out/rendered.yaml", "Deployment/rel-web", nil)
	run(t, Options{Root: root}, f)
	if f.Path != "out/rendered.yaml" || f.Line != 6 {
		t.Errorf("ambiguous chart: got %s:%d %q", f.Path, f.Line, f.Located)
	}
	f = finding("out/rendered.yaml", "Deployment/rel-web", nil)
	run(t, Options{Root: root, ChartDirs: []string{"b/web"}}, f)
	if f.Path != "b/web/templates/deploy.yaml" || f.Line != 4 {
		t.Errorf("ChartDirs: got %s:%d %q", f.Path, f.Line, f.Located)
	}
}

func TestHelmTemplateFallsBackToFirstLine(t *testing.T) {
	root := writeTree(t, map[string]string{
		"out/rendered.yaml":         rendered,
		"web/templates/deploy.yaml": "{{- /* everything from a helper */ -}}\n{{ include \"web.deployment\" . }}\n",
	})
	f := finding("out/rendered.yaml", "Deployment/rel-web", nil)
	run(t, Options{Root: root}, f)
	if f.Path != "web/templates/deploy.yaml" || f.Line != 1 || !strings.HasPrefix(f.Located, "approximate: ") || !strings.Contains(f.Located, "pointing at its first line") {
		t.Errorf("got %s:%d %q", f.Path, f.Line, f.Located)
	}
}

// kube-score names the "# Source:" path, so the run asks for no candidate
// search: the rendered stream is found under the root all the same, and the
// finding goes to the template when the chart is there; with no chart it
// keeps its path and no line (placed on the generated stream, it would be
// fixed there); with the chart and no stream, the template is searched
// itself (issue 12).
func TestKubeScoreSourcePathWithoutCandidates(t *testing.T) {
	hint := func(*translator.Finding) string { return "spec.hostPID" }
	root := writeTree(t, map[string]string{
		"out/rendered.yaml":                rendered,
		"charts/web/templates/deploy.yaml": deployTemplate,
		"notes.yaml":                       "a: {{ b }}\n",
	})
	f := finding("web/templates/deploy.yaml", "Deployment/rel-web", nil)
	run(t, Options{Root: root, Hint: hint}, f)
	if f.Path != "charts/web/templates/deploy.yaml" || f.Line != markerLine(t, deployTemplate, "t-hostPID") || !strings.Contains(f.Located, "rendered at out/rendered.yaml:10") {
		t.Errorf("chart in the tree: got %s:%d %q", f.Path, f.Line, f.Located)
	}
	root = writeTree(t, map[string]string{"out/rendered.yaml": rendered})
	f = finding("web/templates/deploy.yaml", "Deployment/rel-web", nil)
	run(t, Options{Root: root, Hint: hint}, f)
	if f.Path != "web/templates/deploy.yaml" || f.Line != 0 || f.Located != "" {
		t.Errorf("no chart: got %s:%d %q", f.Path, f.Line, f.Located)
	}
	// the chart and no rendered stream (helm template | kube-score score -)
	root = writeTree(t, map[string]string{"charts/web/templates/deploy.yaml": deployTemplate})
	cases := []struct {
		hint, container, marker, located string
	}{
		{"spec.hostPID", "", "t-hostPID", "field spec.template.spec.hostPID of Deployment/rel-web at charts/web/templates/deploy.yaml:9 (the template the finding names as web/templates/deploy.yaml)"},
		{"", "sidecar", "t-sidecar", "container sidecar of Deployment/rel-web at charts/web/templates/deploy.yaml:16 (the template the finding names as web/templates/deploy.yaml)"},
		{"spec.containers[name=$container].securityContext.runAsUser", "sidecar", "t-sidecar", "approximate: field spec.template.spec.containers[name=sidecar].securityContext.runAsUser of Deployment/rel-web; the template charts/web/templates/deploy.yaml has no literal line for it, pointing at spec.template.spec.containers[name=sidecar] on line 16"},
		{"", "", "t-name", "resource Deployment/rel-web found at charts/web/templates/deploy.yaml:4 (the template the finding names as web/templates/deploy.yaml)"},
	}
	for _, c := range cases {
		h := c.hint
		f = finding("web/templates/deploy.yaml", "Deployment/rel-web", map[string]string{"container": c.container})
		run(t, Options{Root: root, Hint: func(*translator.Finding) string { return h }}, f)
		if f.Path != "charts/web/templates/deploy.yaml" || f.Line != markerLine(t, deployTemplate, c.marker) || f.Located != c.located {
			t.Errorf("%q %q: got %s:%d %q, want line %d %q", c.hint, c.container, f.Path, f.Line, f.Located, markerLine(t, deployTemplate, c.marker), c.located)
		}
	}
	// neither: unchanged
	root = writeTree(t, map[string]string{"k8s/deploy.yaml": "kind: Deployment\nmetadata: {name: rel-web}\n"})
	f = finding("web/templates/deploy.yaml", "Deployment/rel-web", nil)
	run(t, Options{Root: root, Hint: hint}, f)
	if f.Path != "web/templates/deploy.yaml" || f.Line != 0 {
		t.Errorf("nothing rendered: got %s:%d %q", f.Path, f.Line, f.Located)
	}
}
