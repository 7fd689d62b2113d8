package runbooks

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// Issue 8 item 8: catalog bodies whose cost has no bound are refused at
// load time, with the file and entry named.
func TestUnboundedBodiesRefused(t *testing.T) {
	for name, body := range map[string]string{
		"range literal":   `{{range 100000000}}{{end}}`,
		"range line":      `{{range .Line}}{{end}}`,
		"string doubling": `{{$s := "x"}}{{range 30}}{{$s = printf "%s%s" $s $s}}{{end}}{{$s}}`,
		"recursion":       `{{define "a"}}{{template "a" .}}{{template "a" .}}{{end}}{{template "a" .}}`,
		"deep ranges":     `{{range .Aliases}}{{range $.Aliases}}{{range $.Aliases}}x{{end}}{{end}}{{end}}`,
		"template call":   `{{template "x"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			cat := "entries:\n  - id: bad\n    title: t\n    match: [{tool: t, codes: [C]}]\n    body: '" + strings.ReplaceAll(body, "'", "''") + "'\n"
			l := &Layer{Name: "x"}
			err := l.add("x.yaml", []byte(cat))
			if err == nil || !strings.Contains(err.Error(), "x.yaml") || !strings.Contains(err.Error(), `"bad"`) {
				t.Fatalf("load = %v, want an error naming x.yaml and the entry", err)
			}
		})
	}
}

// Bodies that pass the load check stay cheap at run time: a huge printf
// width and an exploding replace chain fail the render, which keeps the
// finding with its raw message and a note.
func TestBoundedFunctions(t *testing.T) {
	for name, body := range map[string]string{
		"printf width": `{{printf "%999999999d" 1}}`,
		"printf star":  `{{printf "%*d" 999999999 1}}`,
		"replace":      `{{$s := "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}}{{$s := replace "x" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" $s}}{{$s := replace "x" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" $s}}{{$s := replace "x" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" $s}}{{$s := replace "x" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" $s}}{{$s := replace "x" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" $s}}{{len $s}}`,
	} {
		t.Run(name, func(t *testing.T) {
			cat := "entries:\n  - id: bad\n    title: t\n    match: [{tool: t, codes: [C]}]\n    body: '" + strings.ReplaceAll(body, "'", "''") + "'\n"
			l := &Layer{Name: "x"}
			if err := l.add("x.yaml", []byte(cat)); err != nil {
				t.Fatal(err)
			}
			c := Merge(l)
			f := &translator.Finding{Tool: "t", Code: "C", Message: "raw message"}
			p := translator.Pipeline{Stages: []translator.Stage{c.Stage()}}
			if _, err := p.Run(t.Context(), translator.Findings{f}); err != nil {
				t.Fatal(err)
			}
			if f.Runbook == nil || f.Runbook.Error == "" || !strings.Contains(f.Runbook.Body, "raw message") {
				t.Fatalf("runbook = %+v, want the raw message and an error note", f.Runbook)
			}
		})
	}
}
