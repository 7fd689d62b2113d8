package fix

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/messages"
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
