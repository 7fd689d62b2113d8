package parsers

import (
	"errors"
	"fmt"
	"io"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
)

func init() {
	Register(Format{
		Name:        "tflint",
		Aliases:     []string{"tflint-json"},
		Tool:        "tflint",
		Description: "TFLint JSON report: rule issues and config/parse errors",
		Example:     "tflint --format json > tflint.json",
		Detect:      detectTFLint,
		New: func(opts Options) (Parser, error) {
			return &tflintParser{opts: opts}, nil
		},
	})
}

// detectTFLint: tflint prints compact JSON that starts with the issues key,
// {"issues":[...],"errors":[...]}; the errors key comes last, so it may lie
// beyond the sniffed head of a large report.
func detectTFLint(head []byte) int {
	if firstKeyIs(head, "issues") {
		return 2
	}
	if hasJSONKey(head, "issues") && hasJSONKey(head, "errors") && containsAll(head, `"rule"`) {
		return 2
	}
	return 0
}

// tflintErrorCode is the code of a config or parse error, which has no rule.
const tflintErrorCode = "tflint-error"

type tflintPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

type tflintRange struct {
	Filename string    `json:"filename"`
	Start    tflintPos `json:"start"`
	End      tflintPos `json:"end"`
}

type tflintReport struct {
	Issues *[]struct {
		Rule struct {
			Name     string `json:"name"`
			Severity string `json:"severity"`
			Link     string `json:"link"`
		} `json:"rule"`
		Message string        `json:"message"`
		Range   tflintRange   `json:"range"`
		Callers []tflintRange `json:"callers"`
	} `json:"issues"`
	Errors *[]struct {
		Summary  string       `json:"summary"`
		Message  string       `json:"message"`
		Severity string       `json:"severity"`
		Range    *tflintRange `json:"range"`
	} `json:"errors"`
}

type tflintParser struct{ opts Options }

// Parse implements Parser.
func (p *tflintParser) Parse(r io.Reader, emit func(*translator.Finding) error) error {
	var rep tflintReport
	if err := DecodeJSON("tflint", p.opts.File, r, &rep); err != nil {
		return err
	}
	if rep.Issues == nil && rep.Errors == nil {
		return &ParseError{Format: "tflint", File: p.opts.File, Line: 1, Offset: 0,
			Err: errors.New("not tflint output: the object has neither issues nor errors")}
	}
	// encoding/json matches keys without regard to case; a rule name is
	// what makes an issue a tflint issue.
	if rep.Issues != nil {
		for i, is := range *rep.Issues {
			if is.Rule.Name == "" {
				return &ParseError{Format: "tflint", File: p.opts.File, Offset: -1,
					Err: fmt.Errorf("not tflint output: issue %d has no rule name", i)}
			}
		}
	}
	if rep.Issues != nil {
		for _, is := range *rep.Issues {
			f := &translator.Finding{
				Tool:         "tflint",
				Code:         is.Rule.Name,
				Severity:     tflintSeverity(is.Rule.Severity),
				ToolSeverity: is.Rule.Severity,
				Message:      is.Message,
				URL:          is.Rule.Link,
			}
			p.locate(f, &is.Range)
			// An issue inside a called module also names the call sites.
			if len(is.Callers) > 0 {
				c := is.Callers[0]
				f.SetExtra("caller", CleanPath(c.Filename, p.opts.BaseDir)+":"+itoa(c.Start.Line))
			}
			if err := emit(f); err != nil {
				return err
			}
		}
	}
	if rep.Errors != nil {
		for _, e := range *rep.Errors {
			sev := tflintSeverity(e.Severity)
			if e.Severity == "" {
				sev = translator.SeverityError
			}
			f := &translator.Finding{
				Tool:         "tflint",
				Code:         tflintErrorCode,
				Severity:     sev,
				ToolSeverity: e.Severity,
				Title:        e.Summary,
				Message:      e.Message,
			}
			if f.Message == "" {
				f.Message = e.Summary
			}
			if e.Range != nil {
				p.locate(f, e.Range)
			}
			if err := emit(f); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *tflintParser) locate(f *translator.Finding, rg *tflintRange) {
	f.Path = CleanPath(rg.Filename, p.opts.BaseDir)
	f.Line, f.Column = rg.Start.Line, rg.Start.Column
	f.EndLine, f.EndColumn = rg.End.Line, rg.End.Column
}

// tflintSeverity maps tflint's error/warning/info (printed "Notice" in text
// output).
func tflintSeverity(s string) translator.Severity {
	switch strings.ToLower(s) {
	case "error":
		return translator.SeverityError
	case "info", "notice":
		return translator.SeverityInfo
	}
	return translator.SeverityWarning
}
