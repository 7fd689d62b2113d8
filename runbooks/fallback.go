package runbooks

import (
	"text/template"

	translator "github.com/runbook-translator/runbook-translator"
)

// FallbackBody is the template of the generic entry shown when no catalog
// entry matches a finding: the tool's message, its own fix text and
// documentation link, and how to add a runbook entry for the code. Its
// title is "<tool> <code>" (see Render).
const FallbackBody = `{{if .Title}}**{{.Title}}**

{{end}}{{.Message}}
{{if .Remediation}}
**How to fix ({{.Tool}}):** {{.Remediation}}
{{end}}{{if .URL}}
Documentation: <{{.URL}}>
{{end}}
*No runbook entry covers {{if .Raw.Code}}{{code .Raw.Code}}{{else}}this finding{{end}}{{if .Raw.Tool}} from {{code .Raw.Tool}}{{end}} yet.*
To add one, create a file under ` + "`.runbook-translator/runbooks/`" + ` (loaded by convention) with an entry whose matcher is
{{if .Raw.Code}}{{if .Raw.Tool}}{{code (printf "{tool: %s, codes: [%s]}" .Raw.Tool .Raw.Code)}}{{else}}{{code (printf "{codes: [%s]}" .Raw.Code)}}{{end}}, then check it with
{{if .Raw.Tool}}{{code (printf "runbook-translator runbooks show %s --tool %s" .Raw.Code .Raw.Tool)}}{{else}}{{code (printf "runbook-translator runbooks show %s" .Raw.Code)}}{{end}}{{else}}{{code (printf "{tool: %s, message: '<a pattern of the message>'}" .Raw.Tool)}} (the finding has no code){{end}}.
`

// FallbackBodies are the translations of FallbackBody, by language (the
// same data and functions; commands, paths and YAML stay as they are).
var FallbackBodies = map[string]string{
	"ja": `{{if .Title}}**{{.Title}}**

{{end}}{{.Message}}
{{if .Remediation}}
**修正方法 ({{.Tool}}):** {{.Remediation}}
{{end}}{{if .URL}}
ドキュメント: <{{.URL}}>
{{end}}
*{{if .Raw.Tool}}{{code .Raw.Tool}} の{{if .Raw.Code}} {{end}}{{end}}{{if .Raw.Code}}{{code .Raw.Code}} {{else}}この指摘{{end}}に対応する Runbook エントリはまだありません。*
追加するには、` + "`.runbook-translator/runbooks/`" + ` (規約どおり自動で読み込まれます) の下にファイルを作り、次の matcher を持つエントリを書いてください:
{{if .Raw.Code}}{{if .Raw.Tool}}{{code (printf "{tool: %s, codes: [%s]}" .Raw.Tool .Raw.Code)}}{{else}}{{code (printf "{codes: [%s]}" .Raw.Code)}}{{end}}。書いたら
{{if .Raw.Tool}}{{code (printf "runbook-translator runbooks show %s --tool %s" .Raw.Code .Raw.Tool)}}{{else}}{{code (printf "runbook-translator runbooks show %s" .Raw.Code)}}{{end}} で確認できます{{else}}{{code (printf "{tool: %s, message: '<a pattern of the message>'}" .Raw.Tool)}} (この指摘にはコードがありません){{end}}。
`,
}

// fallback is the generic entry. Its body is parsed on first use
// (centry.template), not at start-up: most runs never render it. Parsing a
// constant cannot fail at run time; TestFallbackTemplate guards it.
var fallback = &centry{
	Entry: &Entry{
		ID:     translator.FallbackID,
		Title:  "No runbook entry",
		Body:   FallbackBody,
		Source: "builtin:fallback.go",
	},
	lazy: true,
}

// newFallback returns a fallback entry of its own for one catalog: its run
// budget (bound.go) and memo statistics belong to the run, not to every
// run the process makes.
//
// Its body is parsed on first use (centry.template), as the snapshot's
// are: every run merges a catalog, not every run renders the fallback.
func newFallback() *centry {
	return &centry{Entry: fallback.Entry, lazy: true}
}

// fallbackIn returns the fallback entry of one catalog in lang: the same
// Entry (reporters and the stages tell the fallback by it), the body
// template of the translation; nil when lang has none.
func fallbackIn(lang string) *centry {
	body, ok := FallbackBodies[lang]
	if !ok {
		return nil
	}
	return &centry{Entry: fallback.Entry, tmpl: template.Must(newTemplate(translator.FallbackID).Parse(body))}
}

// Fallback returns the generic entry used when nothing matches.
func Fallback() *Entry { return fallback.Entry }
