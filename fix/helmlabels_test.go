package fix

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// The fixes of the built-in k8s-required-labels and
// k8s-pod-template-labels entries (runbooks/builtin/workload-hygiene.yaml)
// with the organisation values of testdata/catalogs/org-values.
var (
	requiredLabels = runbooks.Fix{Description: "t", Edits: []runbooks.FixEdit{
		{Fill: "metadata.labels.team", Value: "platform"},
		{Fill: "metadata.labels.owner", Value: "platform-oncall"},
	}}
	podTemplateTeam = runbooks.Fix{Description: "t", Edits: []runbooks.FixEdit{
		{Fill: "spec.template.metadata.labels.team", From: "metadata.labels.team", CatalogValue: "team_label", Value: "platform"},
	}}
)

// labelFix computes fx for a Conftest finding of code with message at line
// of the chart template tmpl (or of src when given).
func labelFix(t *testing.T, tmpl, src string, line int, resource, code, msg string, fx runbooks.Fix) (string, string, error) {
	t.Helper()
	f := &translator.Finding{Tool: "conftest", Code: code, Resource: resource, Message: msg}
	f.Line = line
	return findingFix(t, tmpl, src, f, fx)
}

const shopLabels = "  labels:\n    {{- include \"shop.labels\" . | nindent 4 }}\n"

// K8S-010 names the label the rendered object lacks: that label, and only
// that one of the fix's two, goes on a line of its own after the helper's
// action, at its nindent column; the other label is for the finding that
// names it, which, computed on the template as the first fix left it,
// adds it after.
func TestTemplateLabelBesideHelper(t *testing.T) {
	msg := func(k string) string { return `Deployment/shop-recommendations: missing required label "` + k + `"` }
	src, out, err := labelFix(t, "deployment.yaml", "", 5, "Deployment/shop-recommendations", "K8S-010", msg("team"), requiredLabels)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(src, shopLabels, shopLabels+"    team: platform\n", 1)
	if out != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out, want)
	}
	_, out2, err := labelFix(t, "deployment.yaml", out, 5, "Deployment/shop-recommendations", "K8S-010", msg("owner"), requiredLabels)
	if err != nil {
		t.Fatal(err)
	}
	want = strings.Replace(src, shopLabels, shopLabels+"    team: platform\n    owner: platform-oncall\n", 1)
	if out2 != want {
		t.Errorf("got:\n%s\nwant:\n%s", out2, want)
	}
	// the selector's helper and matchLabels are left as they are
	if !strings.Contains(out2, "    matchLabels:\n      {{- include \"shop.selectorLabels\" . | nindent 6 }}\n  template:") {
		t.Errorf("the selector changed:\n%s", out2)
	}
}

// K8S-011 is about the pod template's team label: it goes after the
// helper of the pod template's labels (the selector's helper there, in the
// Redis StatefulSet: the template is changed, not the helper, and the
// selector keeps matching), with the organisation's team where the
// object's labels have none written literally.
func TestTemplatePodLabelBesideHelper(t *testing.T) {
	for _, c := range []struct{ tmpl, resource, action string }{
		{"deployment.yaml", "Deployment/shop-recommendations", "      labels:\n        {{- include \"shop.labels\" . | nindent 8 }}\n"},
		{"redis-statefulset.yaml", "StatefulSet/shop-redis", "      labels:\n        {{- include \"shop.redisSelectorLabels\" . | nindent 8 }}\n"},
	} {
		src, out, err := labelFix(t, c.tmpl, "", 1, c.resource, "K8S-011", c.resource+`: pod template has no "team" label`, podTemplateTeam)
		if err != nil {
			t.Errorf("%s: %v", c.tmpl, err)
			continue
		}
		if !strings.Contains(src, c.action) {
			t.Fatalf("%s: no %q", c.tmpl, c.action)
		}
		if want := strings.Replace(src, c.action, c.action+"        team: platform\n", 1); out != want {
			t.Errorf("%s: got:\n%s\nwant:\n%s", c.tmpl, out, want)
		}
	}
}

// Rendered as Helm renders it (nindent begins with a line break and ends
// without one; "{{-" trims the break and indentation before it), the
// inserted line is one more key of the mapping: the helper's last line,
// then the label.
func TestTemplateLabelAfterNindent(t *testing.T) {
	src := "kind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    {{- include \"x.labels\" . | nindent 4 }}\n  annotations: {}\n"
	_, out, err := labelFix(t, "c.yaml", src, 1, "ConfigMap/c", "K8S-010", `ConfigMap/c: missing required label "team"`, requiredLabels)
	if err != nil {
		t.Fatal(err)
	}
	want := "kind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    {{- include \"x.labels\" . | nindent 4 }}\n    team: platform\n  annotations: {}\n"
	if out != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out, want)
	}
	// the helper renders "\n    app: x" for the action, which "{{-"
	// joins to the line before it
	rendered := strings.Replace(out, "\n    {{- include \"x.labels\" . | nindent 4 }}", "\n    app: x", 1)
	if !strings.Contains(rendered, "  labels:\n    app: x\n    team: platform\n  annotations: {}\n") {
		t.Errorf("rendered:\n%s", rendered)
	}
}

// What the finding does not name, an action of another form, a column
// other than the mapping's, a toYaml with nothing else in its mapping, and
// the selector keep the refusal.
func TestTemplateLabelBesideHelperRefused(t *testing.T) {
	team := `X: missing required label "team"`
	doc := func(labels string) string {
		return "kind: ConfigMap\nmetadata:\n  name: c\n  labels:\n" + labels + "data: {}\n"
	}
	teamOnly := runbooks.Fix{Description: "t", Edits: []runbooks.FixEdit{{Fill: "metadata.labels.team", Value: "platform"}}}
	ownerOnly := runbooks.Fix{Description: "t", Edits: []runbooks.FixEdit{{Fill: "metadata.labels.owner", Value: "platform-oncall"}}}
	selector := runbooks.Fix{Description: "t", Edits: []runbooks.FixEdit{{Fill: "spec.selector.matchLabels.team", Value: "platform"}}}
	cases := []struct {
		name, src, code, msg string
		fx                   runbooks.Fix
		note                 string
	}{
		{"no message naming it", doc("    {{- include \"x.labels\" . | nindent 4 }}\n"), "K8S-010", "X: labels are wrong", teamOnly,
			"template action where a key would be, on line 5"},
		{"another label than the one named", doc("    {{- include \"x.labels\" . | nindent 4 }}\n"), "K8S-010", team, ownerOnly,
			"on line 5, which may render owner: the finding does not say the object lacks it"},
		{"another tool's code", doc("    {{- include \"x.labels\" . | nindent 4 }}\n"), "K8S-999", team, teamOnly,
			"template action where a key would be, on line 5"},
		{"nindent of another column", doc("    {{- include \"x.labels\" . | nindent 6 }}\n"), "K8S-010", team, teamOnly,
			"template action where a key would be, on line 5"},
		{"indent instead of nindent", doc("    {{ include \"x.labels\" . | indent 4 }}\n"), "K8S-010", team, teamOnly,
			"template action where a key would be, on line 5"},
		{"a with block", doc("    {{- with .Values.labels }}\n    {{- toYaml . | nindent 4 }}\n    {{- end }}\n"), "K8S-010", team, teamOnly,
			"template action where a key would be"},
		{"a trimming action after it", doc("    {{- include \"x.labels\" . | nindent 4 -}}\n"), "K8S-010", team, teamOnly,
			"the action on line 5 would trim the lines the fix inserts after it"},
		{"toYaml alone", doc("    {{- toYaml .Values.labels | nindent 4 }}\n"), "K8S-010", team, teamOnly,
			"toYaml action on line 5 alone"},
	}
	for _, c := range cases {
		_, out, err := labelFix(t, "c.yaml", c.src, 1, "ConfigMap/c", c.code, c.msg, c.fx)
		if err == nil || !NotHere(err) || !strings.Contains(err.Error(), "Helm template") || !strings.Contains(err.Error(), c.note) {
			t.Errorf("%s: err = %v, want a note with %q\n%s", c.name, err, c.note, out)
		}
	}
	// a selector's labels, even where a rule named a label there
	src := "kind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels:\n      {{- include \"x.selectorLabels\" . | nindent 6 }}\n"
	if m := helmMask(src); true {
		f := &translator.Finding{Resource: "Deployment/d"}
		f.Line = 1
		d, _, err := templateLocator(f, m)(m.masked)
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := parentOf(d.Root, d.Kind, "spec.selector.matchLabels.team"); p != nil {
			t.Errorf("a selector's mapping is one labels are added to")
		}
	}
	if _, out, err := labelFix(t, "d.yaml", src, 1, "Deployment/d", "K8S-010", team, selector); err == nil {
		t.Errorf("the selector got a label:\n%s", out)
	}
}

// With a literal key beside it, the toYaml of a mapping renders keys (the
// chart already relies on it), and the named label is added after it.
func TestTemplateLabelBesideToYaml(t *testing.T) {
	src := "kind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    app: c\n    {{- toYaml .Values.labels | nindent 4 }}\ndata: {}\n"
	_, out, err := labelFix(t, "c.yaml", src, 1, "ConfigMap/c", "K8S-010", `ConfigMap/c: missing required label "team"`, requiredLabels)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(src, "| nindent 4 }}\n", "| nindent 4 }}\n    team: platform\n", 1); out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestAbsentPaths(t *testing.T) {
	for _, c := range []struct {
		code, msg string
		want      []string
	}{
		{"K8S-010", `Deployment/a: missing required label "owner"`, []string{"metadata.labels.owner"}},
		{"K8S-011", `Deployment/a: pod template has no "team" label`, []string{"spec.template.metadata.labels.team"}},
		{"K8S-010", `Deployment/a: missing required label "app.kubernetes.io/name"`, nil},
		{"K8S-012", `Deployment/a: missing required label "team"`, nil},
	} {
		got := absentPaths(&translator.Finding{Tool: "conftest", Code: c.code, Message: c.msg})
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s %q: %v, want %v", c.code, c.msg, got, c.want)
		}
	}
}

// An action among a list's items ("{{- range .Values.ingress.tls }}") is
// masked as a comment, not a key (a key there would end the list and the
// document could not be read): the Ingress, whose rules and tls lists are
// ranged over, is read around them and gets its label.
func TestTemplateLabelInIngress(t *testing.T) {
	src, out, err := labelFix(t, "ingress.yaml", "", 6, "Ingress/shop-recommendations", "K8S-010", `Ingress/shop-recommendations: missing required label "owner"`, requiredLabels)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(src, shopLabels, shopLabels+"    owner: platform-oncall\n", 1); out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	m := helmMask(src)
	mt := newText(m.masked)
	for n, want := range map[int]string{12: "    # ~~~~12", 10: "  ~~~~10: ~", 15: "        - ~~~~15: ~", 34: "    # ~~~~34", 35: "~~~~35: ~"} {
		if got := mt.line(n); got != want {
			t.Errorf("line %d masked as %q, want %q", n, got, want)
		}
	}
}
