package fix

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// A Helm template is changed only on the located line, and only where it
// is literal YAML; a template expression there gets no fix, and the note
// says why.
func TestHelmTemplateOnlyLiteralLines(t *testing.T) {
	const tmpl = "helm/shop/templates/redis-statefulset.yaml"
	src := readInput(t, tmpl)
	fx := edits("set spec.containers[name=$container].securityContext.allowPrivilegeEscalation", false)
	f := &translator.Finding{Location: translator.Location{Path: tmpl, Line: 27}, Resource: "StatefulSet/shop-redis", Extra: map[string]string{"container": "redis"},
		Located: "field spec.template.spec.containers[name=redis].securityContext.allowPrivilegeEscalation of StatefulSet/shop-redis at " + tmpl + ":27"}
	_, err := Compute([]byte(src), f, fx, "runbook:t")
	if err == nil || !NotHere(err) || !strings.Contains(err.Error(), "Helm template") || !strings.Contains(err.Error(), "not a literal scalar") {
		t.Fatalf("template expression: err = %v, want a note that the value is not literal", err)
	}
	// the same line written literally is changed, and nothing else
	lit := strings.Replace(src, "allowPrivilegeEscalation: {{ .Values.redis.allowPrivilegeEscalation }}", "allowPrivilegeEscalation: true  # TODO", 1)
	got, err := Compute([]byte(lit), f, fx, "runbook:t")
	if err != nil {
		t.Fatal(err)
	}
	want := []translator.Edit{{Path: tmpl, StartLine: 27, StartColumn: 1, EndLine: 28, EndColumn: 1, Text: "            allowPrivilegeEscalation: false  # TODO\n"}}
	if len(got.Edits) != 1 || got.Edits[0] != want[0] {
		t.Errorf("edits = %+v, want %+v", got.Edits, want)
	}
	// approximate locations and added keys get no fix
	f.Located = "approximate: ..."
	if _, err := Compute([]byte(lit), f, fx, "runbook:t"); err == nil || !strings.Contains(err.Error(), "no literal line") {
		t.Errorf("approximate: err = %v", err)
	}
	f.Located = ""
	if _, err := Compute([]byte(lit), f, edits("add spec.containers[name=redis].securityContext.capabilities.drop", "ALL"), "runbook:t"); err == nil || !strings.Contains(err.Error(), "not added to templates") {
		t.Errorf("add: err = %v", err)
	}
}

// Lines inserted into a CRLF file end in CRLF; a file without a final
// line break keeps the rest as it was.
func TestLineBreaksKept(t *testing.T) {
	src := "kind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n  - name: app\r\n    image: app:1\r\n"
	f := &translator.Finding{Location: translator.Location{Path: "p.yaml"}, Resource: "Pod/p", Extra: map[string]string{"container": "app"}}
	got, err := Compute([]byte(src), f, edits("set spec.containers[name=$container].securityContext.runAsNonRoot", true), "t")
	if err != nil {
		t.Fatal(err)
	}
	out, _ := Apply(src, got.Edits)
	if want := src + "    securityContext:\r\n      runAsNonRoot: true\r\n"; out != want {
		t.Errorf("got %q\nwant %q", out, want)
	}
	noEOL := "kind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: true\n  containers:\n  - name: app"
	got, err = Compute([]byte(noEOL), f, edits("set spec.containers[name=$container].imagePullPolicy", "Always"), "t")
	if err != nil {
		t.Fatal(err)
	}
	out, _ = Apply(noEOL, got.Edits)
	if want := noEOL + "\n    imagePullPolicy: Always"; out != want {
		t.Errorf("got %q\nwant %q", out, want)
	}
}

// Every built-in kind of edit, on every container of every workload of the
// real manifests: the file still parses with as many documents, the
// document edited is the one of the resource, and every other document is
// byte for byte what it was.
func TestEditsStayInTheirDocument(t *testing.T) {
	ops := []runbooks.Fix{
		edits("set spec.containers[name=$container].securityContext.readOnlyRootFilesystem", true),
		edits("add spec.containers[name=$container].securityContext.capabilities.drop", "ALL"),
		edits("delete spec.containers[name=$container].securityContext.capabilities.add", nil),
		edits("set spec.containers[name=$container].securityContext.seccompProfile.type", "RuntimeDefault", "set spec.containers[name=$container].securityContext.runAsUser", 10001),
		edits("delete spec.hostNetwork", nil, "set spec.automountServiceAccountToken", false),
		edits("delete spec.containers[name=$container].ports[*].hostPort", nil),
	}
	files, _ := filepath.Glob("../testdata/inputs/k8s/*.yaml")
	files = append(files, "../testdata/inputs/helm/shop-rendered.yaml", "../testdata/inputs/k8s-invalid/promo-worker.yaml")
	n := 0
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		docs := locate.Documents(b)
		for di, d := range docs {
			for _, c := range containerNames(d) {
				for oi, fx := range ops {
					f := &translator.Finding{Location: translator.Location{Path: "x.yaml"}, Resource: d.Kind + "/" + d.Namespace + "/" + d.Name, Extra: map[string]string{"container": c}}
					if d.Namespace == "" {
						f.Resource = d.Kind + "/" + d.Name
					}
					got, err := Compute(b, f, fx, "t")
					if err != nil {
						if !NotHere(err) {
							t.Errorf("%s %s %s op %d: %v", file, f.Resource, c, oi, err)
						}
						continue
					}
					out, err := Apply(src, got.Edits)
					if err != nil {
						t.Fatalf("%s %s op %d: %v", file, f.Resource, oi, err)
					}
					after := locate.Documents([]byte(out))
					if len(after) != len(docs) {
						t.Fatalf("%s %s op %d: %d documents, was %d", file, f.Resource, oi, len(after), len(docs))
					}
					for dj := range docs {
						if dj != di && docText(t, src, docs, dj) != docText(t, out, after, dj) {
							t.Errorf("%s op %d on %s changed document %d", file, oi, f.Resource, dj)
						}
					}
					n++
				}
			}
		}
	}
	t.Logf("%d edits made", n)
	if n < 50 {
		t.Errorf("only %d edits made", n)
	}
}

func containerNames(d locate.Document) []string {
	var out []string
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 12 {
			return
		}
		for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
			if k := n.Content[i].Value; (k == "containers" || k == "initContainers") && n.Content[i+1].Kind == yaml.SequenceNode {
				for _, it := range n.Content[i+1].Content {
					if name := scalar(it, "name"); name != "" {
						out = append(out, name)
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(d.Root, 0)
	return out
}

// docText is the text of document i, from its first line to the line
// before the next document's.
func docText(t *testing.T, src string, docs []locate.Document, i int) string {
	t.Helper()
	tx := newText(src)
	start := docs[i].Root.Line
	end := docEnd(tx, start)
	return src[tx.offset(start, 1):tx.lineEnd(end)]
}

// The stage reads nothing outside the root, says why a fix is missing,
// and leaves findings without a fix: block alone.
func TestStageNotes(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	entry := &runbooks.Entry{ID: "ro", Fix: []runbooks.Fix{edits("set spec.containers[name=$container].securityContext.readOnlyRootFilesystem", true)}}
	st, err := New(Options{Root: dir, Entry: func(f *translator.Finding) *runbooks.Entry {
		if f.Code == "nofix" {
			return &runbooks.Entry{ID: "nofix"}
		}
		return entry
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rb := &translator.Runbook{ID: "ro"}
	cases := []struct {
		f    translator.Finding
		note string
		ok   bool
	}{
		{translator.Finding{Location: translator.Location{Path: "p.yaml"}, Resource: "Pod/p", Extra: map[string]string{"container": "app"}}, "", true},
		{translator.Finding{Location: translator.Location{Path: "../outside.yaml"}, Resource: "Pod/p"}, "outside the base directory", false},
		{translator.Finding{Location: translator.Location{Path: "p.yaml"}, Resource: "Pod/q"}, "not found once", false},
		{translator.Finding{Location: translator.Location{Path: "p.yaml"}, Resource: "Pod/p", Extra: map[string]string{"container": "other"}}, "has no such item", false},
		{translator.Finding{Resource: "Pod/p"}, "names no file", false},
		{translator.Finding{Location: translator.Location{Path: "shop/templates/p.yaml"}, Resource: "Pod/p"}, "shop/templates/p.yaml is a Helm chart template that is not under the base directory", false},
		{translator.Finding{Code: "nofix", Location: translator.Location{Path: "p.yaml"}, Resource: "Pod/p"}, "", false},
	}
	for i, c := range cases {
		f := c.f
		f.Runbook = rb
		if err := st.Map(context.Background(), &f); err != nil {
			t.Fatal(err)
		}
		if (len(f.Fixes) > 0) != c.ok || !strings.Contains(f.FixNote, c.note) || (c.note == "" && f.FixNote != "") {
			t.Errorf("case %d: fixes %d, note %q; want fix %v, note %q", i, len(f.Fixes), f.FixNote, c.ok, c.note)
		}
	}
	if s := st.Stats(); s.Considered != 6 || s.Fixed != 1 {
		t.Errorf("stats %+v", s)
	}
}

// Overlap and Apply refuse what cannot be applied in one go.
func TestApplyRefusesOverlaps(t *testing.T) {
	src := "a\nb\nc\n"
	e := func(l1, c1, l2, c2 int, s string) translator.Edit {
		return translator.Edit{Path: "f", StartLine: l1, StartColumn: c1, EndLine: l2, EndColumn: c2, Text: s}
	}
	if out, err := Apply(src, []translator.Edit{e(1, 1, 2, 1, "A\n"), e(3, 1, 4, 1, "C\n")}); err != nil || out != "A\nb\nC\n" {
		t.Errorf("Apply = %q, %v", out, err)
	}
	for _, bad := range [][]translator.Edit{
		{e(1, 1, 3, 1, "x"), e(2, 1, 2, 2, "y")}, // nested
		{e(2, 1, 2, 1, "x"), e(2, 1, 2, 1, "y")}, // two insertions at one place
		{e(9, 1, 9, 1, "x")},                     // past the end
		{e(2, 5, 2, 6, "x")},                     // past the end of its line
		{e(3, 1, 2, 1, "x")},                     // ends before it starts
	} {
		if _, err := Apply(src, bad); err == nil {
			t.Errorf("Apply(%+v) applied", bad)
		}
	}
	if !Overlap(e(1, 1, 3, 1, ""), e(2, 1, 2, 1, "")) || Overlap(e(1, 1, 2, 1, ""), e(2, 1, 3, 1, "")) {
		t.Error("Overlap")
	}
}
