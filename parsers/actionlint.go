package parsers

import (
	"io"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

func init() {
	Register(Format{
		Name:        "actionlint",
		Tool:        "actionlint",
		Description: "actionlint JSON via -format '{{json .}}' (GitHub Actions workflow problems)",
		Example:     `actionlint -format '{{json .}}'`,
		Detect:      detectActionlint,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseActionlint(opts, r, emit)
			}), nil
		},
	})
}

type actionlintError struct {
	Message   string `json:"message"`
	Filepath  string `json:"filepath"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndColumn int    `json:"end_column"`
	Kind      string `json:"kind"`
}

// detectActionlint looks for an array of objects with actionlint's
// filepath, kind and snippet keys. A clean run prints [], which nothing
// detects.
func detectActionlint(head []byte) int {
	h := trimHead(head)
	if len(h) > 0 && h[0] == '[' && containsAll(h, `"filepath"`, `"kind"`, `"snippet"`, `"message"`) {
		return 2
	}
	return 0
}

// actionlintShellcheck finds the SC code actionlint embeds in the message of
// a "shellcheck" kind error: "shellcheck reported issue in this script:
// SC2086:info:1:17: Double quote ..." (code, level, line and column in the
// run: script).
var actionlintShellcheck = lazyre.New(`\b(SC\d+):(\w+):(\d+):(\d+): `)

// parseActionlint emits one error finding per entry: actionlint exits 1 on
// any of them and has no severity. The code is the kind ("expression",
// "runner-label", ...), the only rule ID actionlint has, except for embedded
// shellcheck findings, whose SC code becomes the code with "shellcheck" as
// an alias (their shellcheck level is kept in Extra["shellcheck_level"]).
func parseActionlint(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	const format = "actionlint"
	data, err := io.ReadAll(r)
	if err != nil {
		return &ParseError{Format: format, File: opts.File, Offset: -1, Err: err}
	}
	els, err := jsonArrayElements(format, opts.File, data)
	if err != nil {
		return err
	}
	for i, el := range els {
		var x actionlintError
		if err := decodeElement(format, opts.File, data, i, el, &x, "message", "kind", "line"); err != nil {
			return err
		}
		f := &translator.Finding{
			Tool:     "actionlint",
			Code:     x.Kind,
			Severity: translator.SeverityError,
			Message:  x.Message,
		}
		f.Path = CleanPath(x.Filepath, opts.BaseDir)
		f.Line, f.Column = x.Line, x.Column
		if x.EndColumn >= x.Column && x.EndColumn > 0 {
			f.EndLine, f.EndColumn = x.Line, x.EndColumn
		}
		if x.Kind == "shellcheck" {
			if m := actionlintShellcheck().FindStringSubmatch(x.Message); m != nil {
				f.Code = m[1]
				f.Aliases = []string{"shellcheck"}
				f.URL = "https://www.shellcheck.net/wiki/" + m[1]
				f.SetExtra("shellcheck_level", m[2])
				f.SetExtra("script_position", m[3]+":"+m[4])
			}
		}
		if err := emit(f); err != nil {
			return err
		}
	}
	return nil
}
