package parsers

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

func init() {
	Register(Format{
		Name:        "hadolint",
		Aliases:     []string{"hadolint-json"},
		Tool:        "hadolint",
		Description: "hadolint JSON report (DLxxxx and embedded ShellCheck SCxxxx rules)",
		Example:     "hadolint -f json Dockerfile > hadolint.json",
		Detect:      detectHadolint,
		New: func(opts Options) (Parser, error) {
			return &hadolintParser{opts: opts}, nil
		},
	})
}

// hadolintCodeRE matches hadolint's string codes; shellcheck's own JSON has
// the same keys but an integer code.
var hadolintCodeRE = lazyre.New(`"code"\s*:\s*"(?:DL|SC)\d+"`)

// detectHadolint: an array of {code, level, file, ...} with a DL/SC code.
func detectHadolint(head []byte) int {
	h := headTrim(head)
	if len(h) == 0 || h[0] != '[' {
		return 0
	}
	if hasJSONKey(h, "level") && hasJSONKey(h, "file") && hadolintCodeRE().Match(h) {
		return 2
	}
	return 0
}

type hadolintItem struct {
	Line    int     `json:"line"`
	Column  int     `json:"column"`
	Code    *string `json:"code"`
	Message string  `json:"message"`
	File    string  `json:"file"`
	Level   *string `json:"level"`
}

type hadolintParser struct{ opts Options }

// Parse implements Parser. A report made by appending several hadolint runs
// to one file ("[][][{...}]", seen in the wild) is read as one report.
func (p *hadolintParser) Parse(r io.Reader, emit func(*translator.Finding) error) error {
	s := newTokStream("hadolint", p.opts.File, r)
	for n := 0; ; n++ {
		t, err := s.dec.Token()
		if err == io.EOF && n > 0 {
			return nil
		}
		if err != nil {
			return s.fail(s.dec.InputOffset(), err)
		}
		if d, ok := t.(json.Delim); !ok || d != '[' {
			return s.shapeErr("want an array of rule violations, got " + describeToken(t))
		}
		for i := 0; s.dec.More(); i++ {
			var it hadolintItem
			if err := s.decode(&it); err != nil {
				return err
			}
			if it.Code == nil || it.Level == nil {
				return s.shapeErr(fmt.Sprintf("element %d has no code or level", i))
			}
			f := &translator.Finding{
				Tool:         "hadolint",
				Code:         *it.Code,
				Severity:     hadolintSeverity(*it.Level),
				ToolSeverity: *it.Level,
				Message:      it.Message,
				URL:          hadolintURL(*it.Code),
			}
			if f.Message == "" {
				f.Message = *it.Code
			}
			// "-" is hadolint reading the Dockerfile from stdin: no path.
			if it.File != "-" {
				f.Path = CleanPath(it.File, p.opts.BaseDir)
			}
			f.Line, f.Column = it.Line, it.Column
			if err := emit(f); err != nil {
				return err
			}
		}
		if err := s.expectDelim(']', "the end of the array"); err != nil {
			return err
		}
	}
}

// hadolintSeverity maps hadolint levels; "style" is below info in hadolint
// and has no place of its own here.
func hadolintSeverity(level string) translator.Severity {
	switch strings.ToLower(level) {
	case "error":
		return translator.SeverityError
	case "warning":
		return translator.SeverityWarning
	case "info", "style", "ignore":
		return translator.SeverityInfo
	}
	return translator.SeverityWarning
}

// hadolintURL is the rule's documentation page: hadolint's wiki for DL
// rules, the ShellCheck wiki for SC rules.
func hadolintURL(code string) string {
	switch {
	case strings.HasPrefix(code, "DL"):
		return "https://github.com/hadolint/hadolint/wiki/" + code
	case strings.HasPrefix(code, "SC"):
		return "https://www.shellcheck.net/wiki/" + code
	}
	return ""
}
