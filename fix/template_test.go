package fix

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// templateFix computes fx for a finding at line of the chart template
// tmpl (testdata/inputs/helm/shop/templates), or of src when given.
func templateFix(t *testing.T, tmpl, src string, line int, resource string, extra map[string]string, fx runbooks.Fix) (string, string, error) {
	t.Helper()
	f := &translator.Finding{Tool: "conftest", Resource: resource, Extra: extra}
	f.Line = line
	return findingFix(t, tmpl, src, f, fx)
}

// findingFix is the fix for f (its Line set) of the chart template tmpl,
// read from testdata/inputs/helm/shop/templates unless src is given: the
// source and the text with the fix applied.
func findingFix(t *testing.T, tmpl, src string, f *translator.Finding, fx runbooks.Fix) (string, string, error) {
	t.Helper()
	if src == "" {
		src = readInput(t, "helm/shop/templates/"+tmpl)
	}
	f.Path = "helm/shop/templates/" + tmpl
	got, err := Compute([]byte(src), f, fx, "runbook:t")
	if err != nil {
		return src, "", err
	}
	out, err := Apply(src, got.Edits)
	if err != nil {
		t.Fatal(err)
	}
	return src, out, nil
}

func twoEdits(a, b string) runbooks.Fix {
	x, y := edits(a, true), edits(b, true)
	return runbooks.Fix{Description: "t", Edits: append(x.Edits, y.Edits...)}
}

// A fix of several edits, adding keys under a list item, is made in a
// template when every line it changes and every key beside what it adds
// is literal: the test Pod's wget container (its args hold an action in a
// quoted string: a value, not a key) gets its securityContext.
func TestTemplateBlockOfLiteralKeys(t *testing.T) {
	fx := twoEdits("set spec.containers[name=$container].securityContext.readOnlyRootFilesystem", "set spec.containers[name=$container].securityContext.runAsNonRoot")
	src, out, err := templateFix(t, "tests/test-connection.yaml", "", 11, "Pod/shop-recommendations-test-connection", nil, fx)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(src, "{{ .Values.service.port }}']\n", "{{ .Values.service.port }}']\n      securityContext:\n        readOnlyRootFilesystem: true\n        runAsNonRoot: true\n", 1)
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

// A key is added after the lines an action writes into the block, not
// between them and their key: the redis container's probes go after
// "{{- toYaml .Values.redis.resources | nindent 12 }}".
func TestTemplateKeyAfterActionLines(t *testing.T) {
	fx := runbooks.Fix{Description: "t", Edits: []runbooks.FixEdit{{Fill: "spec.containers[name=$container].readinessProbe", Value: map[string]any{"tcpSocket": map[string]any{"port": "redis"}}}}}
	src, out, err := templateFix(t, "redis-statefulset.yaml", "", 19, "StatefulSet/shop-redis", map[string]string{"container": "redis"}, fx)
	if err != nil {
		t.Fatal(err)
	}
	if want := src + "          readinessProbe:\n            tcpSocket:\n              port: redis\n"; out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

// What a template action may write, or decides, gets no fix, and the note
// says which line.
func TestTemplateActionsRefused(t *testing.T) {
	labels := runbooks.Fix{Description: "t", Edits: []runbooks.FixEdit{{Fill: "metadata.labels.team", Value: "platform"}, {Fill: "metadata.labels.owner", Value: "platform-oncall"}}}
	ro := twoEdits("set spec.containers[name=$container].securityContext.readOnlyRootFilesystem", "set spec.containers[name=$container].securityContext.runAsNonRoot")
	cases := []struct {
		name, tmpl, src string
		line            int
		resource        string
		extra           map[string]string
		fx              runbooks.Fix
		note            string
	}{
		{"labels from a helper", "deployment.yaml", "", 5, "Deployment/shop-recommendations", nil, labels,
			"template action where a key would be, on line 6"},
		{"a mapping from toYaml", "redis-statefulset.yaml", "", 25, "StatefulSet/shop-redis", map[string]string{"container": "redis"},
			runbooks.Fix{Description: "t", Edits: []runbooks.FixEdit{{Fill: "spec.containers[name=$container].resources.requests.cpu", From: "spec.containers[name=$container].resources.limits.cpu"}}},
			"may be written by the template action on line 29"},
		{"two containers named by actions", "p.yaml", "kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: {{ .Values.a }}\n      image: a\n    - name: {{ .Values.b }}\n      image: b\n", 7, "Pod/p", nil, ro,
			"the container's name is a template action"},
		{"the tool's container name against a templated one", "deployment.yaml", "", 24, "Deployment/shop-recommendations", map[string]string{"container": "shop"}, ro,
			"is a template action"},
		{"a value an action makes", "redis-statefulset.yaml", "", 26, "StatefulSet/shop-redis", map[string]string{"container": "redis"},
			twoEdits("set spec.containers[name=$container].securityContext.runAsUser", "set spec.containers[name=$container].securityContext.runAsNonRoot"),
			"the value on line 26 is not a literal scalar"},
		{"a copy of a value an action makes", "redis-statefulset.yaml", "", 19, "StatefulSet/shop-redis", map[string]string{"container": "redis"},
			runbooks.Fix{Description: "t", Edits: []runbooks.FixEdit{{Fill: "spec.containers[name=$container].securityContext.runAsGroup", From: "spec.containers[name=$container].securityContext.runAsUser"}}},
			"a value that a template action makes"},
		{"a key before a trimming action", "p.yaml", "kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: app\n  {{- if .Values.x }}\n  hostNetwork: true\n  {{- end }}\n", 6, "Pod/p", nil, ro,
			"would trim the lines the fix inserts"},
		{"inside an action of several lines", "p.yaml", "kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: app\n      {{- /* a note\n  that spans lines */}}\n", 6, "Pod/p", nil, ro,
			"inside the template action on line 8"},
		{"a conditional key beside it", "p.yaml", "kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      {{- if .Values.x }}\n      securityContext: {}\n      {{- end }}\n      image: app\n", 6, "Pod/p", nil, ro,
			"template action where a key would be, on line 7"},
	}
	for _, c := range cases {
		_, out, err := templateFix(t, c.tmpl, c.src, c.line, c.resource, c.extra, c.fx)
		if err == nil || !NotHere(err) || !strings.Contains(err.Error(), "Helm template") || !strings.Contains(err.Error(), c.note) {
			t.Errorf("%s: err = %v, want a note with %q\n%s", c.name, err, c.note, out)
		}
	}
}

// The mask keeps every line in its place, and a line without an action as
// it is.
func TestHelmMaskKeepsLines(t *testing.T) {
	for _, tmpl := range []string{"deployment.yaml", "redis-statefulset.yaml", "ingress.yaml", "serviceaccount.yaml", "tests/test-connection.yaml"} {
		src := readInput(t, "helm/shop/templates/"+tmpl)
		m := helmMask(src)
		a, b := newText(src), newText(m.masked)
		if a.lines() != b.lines() {
			t.Fatalf("%s: %d lines masked to %d", tmpl, a.lines(), b.lines())
		}
		for n := 1; n <= a.lines(); n++ {
			if strings.Contains(a.line(n), "{{") != m.action[n] {
				t.Errorf("%s:%d: action %v for %q", tmpl, n, m.action[n], a.line(n))
			}
			if !m.action[n] && a.line(n) != b.line(n) {
				t.Errorf("%s:%d: %q masked to %q", tmpl, n, a.line(n), b.line(n))
			}
			if strings.Contains(b.line(n), "{{") {
				t.Errorf("%s:%d: %q still has an action", tmpl, n, b.line(n))
			}
		}
	}
}
