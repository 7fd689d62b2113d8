package parsers

import (
	"encoding/json"
	"fmt"
	"io"

	translator "github.com/runbook-translator/runbook-translator"
)

func init() {
	Register(Format{
		Name:        "gitleaks",
		Aliases:     []string{"gitleaks-json"},
		Tool:        "gitleaks",
		Description: "gitleaks JSON report (secrets are never copied into findings)",
		Example:     "gitleaks dir --redact --report-format json --report-path gitleaks.json .",
		Detect:      detectGitleaks,
		New: func(opts Options) (Parser, error) {
			return &gitleaksParser{opts: opts}, nil
		},
	})
}

// detectGitleaks: a top-level array of objects with RuleID and Fingerprint
// (gitleaks' Go field names). An empty "[]" is printed by several tools and
// is not claimed.
func detectGitleaks(head []byte) int {
	h := headTrim(head)
	if len(h) == 0 || h[0] != '[' {
		return 0
	}
	if hasJSONKey(h, "RuleID") && hasJSONKey(h, "Fingerprint") {
		return 2
	}
	return 0
}

// gitleaksLeak holds only the fields a finding may carry. Secret and Match
// are left out on purpose: they hold the credential itself (unless gitleaks
// ran with --redact, and even then --redact=N keeps part of it), so they
// are never decoded, let alone copied into a finding, a log or a comment.
type gitleaksLeak struct {
	RuleID      string
	Description string
	StartLine   int
	EndLine     int
	StartColumn int
	EndColumn   int
	File        string
	Commit      string
	Fingerprint string
}

type gitleaksParser struct{ opts Options }

// Parse implements Parser. It streams the array one leak at a time.
func (p *gitleaksParser) Parse(r io.Reader, emit func(*translator.Finding) error) error {
	s := newTokStream("gitleaks", p.opts.File, r)
	t, err := s.token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != '[' {
		return s.shapeErr("want an array of leaks, got " + describeToken(t))
	}
	for i := 0; s.dec.More(); i++ {
		var l gitleaksLeak
		if err := s.decode(&l); err != nil {
			return err
		}
		if l.RuleID == "" {
			return s.shapeErr(fmt.Sprintf("element %d has no RuleID", i))
		}
		f := &translator.Finding{
			Tool:         "gitleaks",
			Code:         l.RuleID,
			Severity:     translator.SeverityError,
			ToolSeverity: "",
			Message:      l.Description + " (" + l.RuleID + ")",
		}
		if l.Description == "" {
			f.Message = "secret found by rule " + l.RuleID
		}
		f.Path = CleanPath(l.File, p.opts.BaseDir)
		f.Line, f.EndLine = l.StartLine, l.EndLine
		f.Column, f.EndColumn = l.StartColumn, l.EndColumn
		f.SetExtra("commit", l.Commit)
		// gitleaks' own fingerprint (file:rule:line, with the commit in
		// git mode) is what goes into .gitleaksignore.
		f.SetExtra("gitleaks_fingerprint", l.Fingerprint)
		if err := emit(f); err != nil {
			return err
		}
	}
	if err := s.expectDelim(']', "the end of the array"); err != nil {
		return err
	}
	return s.end()
}
