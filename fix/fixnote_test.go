package fix

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// A Helm template note keeps its English text (Finding.FixNote) and
// renders in Japanese from its phrase (Finding.FixNoteText).
func TestFixNotePhrase(t *testing.T) {
	src := "spec:\n  containers:\n  - name: {{ .Values.name }}\n"
	f := &translator.Finding{}
	f.Path = "templates/d.yaml"
	_, err := Compute([]byte(src), f, edits("set spec.containers[name=$container].securityContext.readOnlyRootFilesystem", true), "test")
	if err == nil {
		t.Fatal("no error for a template without a line")
	}
	const en = "the file is a Helm template: the template has no literal line for the field"
	if err.Error() != en {
		t.Errorf("English = %q", err.Error())
	}
	p, ok := notePhrase(err).(messages.Msg)
	if !ok {
		t.Fatalf("no phrase: %T", notePhrase(err))
	}
	if got := p.In(messages.Default); got != en {
		t.Errorf("phrase in English = %q", got)
	}
	if got := p.In("ja"); !strings.Contains(got, "Helm テンプレート") || !strings.Contains(got, "リテラル行がありません") {
		t.Errorf("ja = %q", got)
	}
}

// Findings in files that cannot be read each get the note of their own
// file, the same as the first finding there got (the note is made once
// per file).
func TestFixNoteUnreadableOncePerFile(t *testing.T) {
	dir := t.TempDir()
	e := &runbooks.Entry{ID: "e", Fix: []runbooks.Fix{edits("set spec.replicas", 2)}}
	st, err := New(Options{Root: dir, Entry: func(*translator.Finding) *runbooks.Entry { return e }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i, p := range []string{"a.yaml", "b.yaml", "a.yaml", "b.yaml"} {
		f := &translator.Finding{Tool: "t", Runbook: &translator.Runbook{ID: "e"}}
		f.Path = p
		if err := st.Map(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(f.FixNote, p+" cannot be read: ") || f.FixNoteText.In("ja") == "" || !strings.Contains(f.FixNoteText.In("ja"), p) {
			t.Errorf("finding %d in %s: note %q (ja %q)", i, p, f.FixNote, f.FixNoteText.In("ja"))
		}
	}
	if s := st.Stats(); s.Considered != 4 || s.Fixed != 0 {
		t.Errorf("stats %+v, want 4 considered, none fixed", s)
	}
}

// A document of a rendered Helm stream is never edited: the stage names
// the template it comes from, whether the finding names its object
// (Conftest, kube-score) or only a line of the stream (Trivy). A plain
// manifest in the same tree still gets its fix.
func TestRenderedStreamIsNotEdited(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"helm/shop-rendered.yaml", "k8s/catalog.yaml"} {
		b, err := os.ReadFile(filepath.Join("../testdata/inputs", p))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e := &runbooks.Entry{ID: "e", Fix: []runbooks.Fix{edits("set spec.replicas", 3)}}
	st, err := New(Options{Root: dir, Entry: func(*translator.Finding) *runbooks.Entry { return e }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, c := range []struct {
		name     string
		f        translator.Finding
		template string // "" when the fix applies
	}{
		{"by resource", translator.Finding{Resource: "Deployment/shop-recommendations", Location: translator.Location{Path: "helm/shop-rendered.yaml"}}, "shop/templates/deployment.yaml"},
		{"by line", translator.Finding{Location: translator.Location{Path: "helm/shop-rendered.yaml", Line: 140}}, "shop/templates/redis-statefulset.yaml"},
		{"a plain manifest", translator.Finding{Resource: "Deployment/shop/catalog-api", Location: translator.Location{Path: "k8s/catalog.yaml"}}, ""},
	} {
		f := c.f
		f.Tool, f.Runbook = "t", &translator.Runbook{ID: "e"}
		if err := st.Map(context.Background(), &f); err != nil {
			t.Fatal(err)
		}
		switch {
		case c.template == "" && (len(f.Fixes) == 0 || f.FixNote != ""):
			t.Errorf("%s: no fix (%q)", c.name, f.FixNote)
		case c.template != "" && (len(f.Fixes) != 0 || !strings.Contains(f.FixNote, "rendered by Helm from the template "+c.template) || !strings.Contains(f.FixNoteText.In("ja"), c.template)):
			t.Errorf("%s: fixes %v, note %q (ja %q)", c.name, f.Fixes, f.FixNote, f.FixNoteText.In("ja"))
		}
	}
}

// A finding that names no object, in a file of several, gets no fix; its
// note is whole in each language (no English phrase inside the Japanese).
func TestFixNoteUnnamedObject(t *testing.T) {
	src := []byte("kind: Service\nmetadata: {name: a}\n---\nkind: Service\nmetadata: {name: b}\n")
	f := &translator.Finding{}
	f.Path = "k8s/two.yaml"
	_, err := Compute(src, f, edits("set spec.type", "ClusterIP"), "test")
	if err == nil {
		t.Fatal("a fix for an object of several that the finding does not name")
	}
	p, ok := notePhrase(err).(messages.Msg)
	if !ok {
		t.Fatalf("no phrase: %T", notePhrase(err))
	}
	if got := p.In(messages.Default); got != "the object of the finding is not found once in k8s/two.yaml" {
		t.Errorf("en = %q", got)
	}
	if got := p.In("ja"); got != "指摘のオブジェクトが k8s/two.yaml にちょうど 1 つ見つかりません" {
		t.Errorf("ja = %q", got)
	}
}
