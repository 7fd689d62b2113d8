package parsers

import (
	"fmt"
	"io"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
)

func init() {
	Register(Format{
		Name:        "checkov",
		Aliases:     []string{"checkov-json"},
		Tool:        "checkov",
		Description: "checkov JSON report (one object, or a list with one object per framework)",
		Example:     "checkov -d . -o json > checkov.json",
		Detect:      detectCheckov,
		New: func(opts Options) (Parser, error) {
			return &checkovParser{opts: opts}, nil
		},
	})
}

// detectCheckov: every per-framework report has check_type; the report of a
// run that scanned nothing is a bare summary with checkov_version.
func detectCheckov(head []byte) int {
	h := headTrim(head)
	if len(h) == 0 || (h[0] != '{' && h[0] != '[') {
		return 0
	}
	if hasJSONKey(h, "check_type") || hasJSONKey(h, "checkov_version") {
		return 2
	}
	return 0
}

type checkovCheck struct {
	CheckID     string  `json:"check_id"`
	BCCheckID   *string `json:"bc_check_id"`
	CheckName   string  `json:"check_name"`
	CheckResult struct {
		Result string `json:"result"`
	} `json:"check_result"`
	FilePath      string  `json:"file_path"`
	RepoFilePath  string  `json:"repo_file_path"`
	FileLineRange []int   `json:"file_line_range"`
	Resource      string  `json:"resource"`
	Guideline     *string `json:"guideline"`
	Severity      *string `json:"severity"`
	Description   *string `json:"description"`
}

// checkovReport is one framework's report. passed_checks and the code
// blocks are not decoded.
type checkovReport struct {
	CheckType *string `json:"check_type"`
	Results   *struct {
		FailedChecks []checkovCheck `json:"failed_checks"`
	} `json:"results"`
	Summary        *struct{} `json:"summary"`
	CheckovVersion *string   `json:"checkov_version"`
}

type checkovParser struct{ opts Options }

// Parse implements Parser.
func (p *checkovParser) Parse(r io.Reader, emit func(*translator.Finding) error) error {
	first, br, err := peekByte(r)
	if err != nil {
		return &ParseError{Format: "checkov", File: p.opts.File, Offset: -1, Err: err}
	}
	s := newTokStream("checkov", p.opts.File, br)
	switch first {
	case 0:
		return &ParseError{Format: "checkov", File: p.opts.File, Line: 1, Offset: 0, Err: ErrEmptyInput}
	case '{':
		if err := p.report(s, emit, -1); err != nil {
			return err
		}
	case '[':
		if _, err := s.token(); err != nil {
			return err
		}
		for i := 0; s.dec.More(); i++ {
			if err := p.report(s, emit, i); err != nil {
				return err
			}
		}
		if err := s.expectDelim(']', "the end of the list"); err != nil {
			return err
		}
	default:
		t, err := s.token()
		if err != nil {
			return err
		}
		return s.shapeErr("want an object or a list of objects, got " + describeToken(t))
	}
	return s.end()
}

func (p *checkovParser) report(s *tokStream, emit func(*translator.Finding) error, idx int) error {
	var rep checkovReport
	if err := s.decode(&rep); err != nil {
		return err
	}
	if rep.CheckType == nil && rep.Results == nil && rep.Summary == nil && rep.CheckovVersion == nil {
		what := "the object"
		if idx >= 0 {
			what = fmt.Sprintf("list element %d", idx)
		}
		return s.shapeErr(what + " has no check_type, results, summary or checkov_version")
	}
	if rep.Results == nil {
		return nil // summary only: nothing was scanned
	}
	checkType := ""
	if rep.CheckType != nil {
		checkType = *rep.CheckType
	}
	for i := range rep.Results.FailedChecks {
		if rep.Results.FailedChecks[i].CheckID == "" {
			return s.shapeErr(fmt.Sprintf("failed check %d has no check_id", i))
		}
	}
	for i := range rep.Results.FailedChecks {
		if err := emit(p.finding(checkType, &rep.Results.FailedChecks[i])); err != nil {
			return err
		}
	}
	return nil
}

func (p *checkovParser) finding(checkType string, c *checkovCheck) *translator.Finding {
	// Open-source checkov prints "severity": null (severities come from the
	// Prisma Cloud platform). A failed check is then an error: the user
	// chose to run it and it failed. A severity, when given, is honoured.
	sev, toolSev := translator.SeverityError, ""
	if c.Severity != nil && *c.Severity != "" {
		toolSev = *c.Severity
		sev = mapToolSeverity(toolSev)
	}
	f := &translator.Finding{
		Tool:         "checkov",
		Code:         c.CheckID,
		Severity:     sev,
		ToolSeverity: toolSev,
		Title:        c.CheckName,
		Message:      c.CheckName,
	}
	if c.Description != nil && *c.Description != "" {
		f.Message = *c.Description
	}
	if f.Message == "" {
		f.Message = c.CheckID
	}
	if c.BCCheckID != nil {
		addAlias(f, *c.BCCheckID)
	}
	if c.Guideline != nil {
		f.URL = *c.Guideline
	}
	// file_path is relative to the scanned directory with a leading "/"
	// ("\main.tf" when checkov ran on Windows).
	f.Path = strings.TrimPrefix(CleanPath(c.FilePath, p.opts.BaseDir), "/")
	if rp := strings.TrimPrefix(CleanPath(c.RepoFilePath, ""), "/"); rp != "" && rp != f.Path {
		f.SetExtra("repo_file_path", rp)
	}
	if len(c.FileLineRange) > 0 {
		f.Line = c.FileLineRange[0]
	}
	if len(c.FileLineRange) > 1 {
		f.EndLine = c.FileLineRange[1]
	}
	f.Resource = c.Resource
	switch checkType {
	case "kubernetes", "helm", "kustomize":
		// checkov names Kubernetes objects Kind.namespace.name.
		if parts := strings.SplitN(c.Resource, ".", 3); len(parts) == 3 && parts[0] != "" && parts[0][0] >= 'A' && parts[0][0] <= 'Z' {
			f.Resource = parts[0] + "/" + parts[2]
			f.SetExtra("namespace", parts[1])
		}
	}
	f.SetExtra("check_type", checkType)
	return f
}
