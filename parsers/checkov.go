package parsers

import (
	"encoding/json"
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

// report reads one framework's report object with the token API: the
// failed checks are decoded and emitted one at a time (a report with 10,000
// of them was held whole before: 4.4x the input size in memory), and
// everything else under results (passed checks, skipped checks, code
// blocks) is skipped token by token. Keys are matched as encoding/json
// matches struct tags (exact, else case-insensitive).
//
// checkov writes check_type before results; for a report that does not,
// the failed checks are decoded whole and emitted once check_type is known
// (the old behaviour). A failed check without check_id is a *ParseError
// after the findings before it were emitted, as the Parser contract allows.
func (p *checkovParser) report(s *tokStream, emit func(*translator.Finding) error, idx int) error {
	if err := s.expectDelim('{', "a report object"); err != nil {
		return err
	}
	var (
		checkType                  *string
		hasResults, hasSum, hasVer bool
		pending                    []checkovCheck // failed checks seen before check_type
		nChecks                    int
	)
	for s.dec.More() {
		k, err := s.key()
		if err != nil {
			return err
		}
		switch {
		case strings.EqualFold(k, "check_type"):
			if err := s.decode(&checkType); err != nil {
				return err
			}
		case strings.EqualFold(k, "summary"):
			var sum *struct{}
			if err := s.decode(&sum); err != nil {
				return err
			}
			hasSum = hasSum || sum != nil
		case strings.EqualFold(k, "checkov_version"):
			var ver *string
			if err := s.decode(&ver); err != nil {
				return err
			}
			hasVer = hasVer || ver != nil
		case strings.EqualFold(k, "results"):
			ok, err := p.results(s, emit, checkType, &pending, &nChecks)
			if err != nil {
				return err
			}
			hasResults = hasResults || ok
		default:
			if err := s.skip(); err != nil {
				return err
			}
		}
	}
	if err := s.expectDelim('}', "the end of the report object"); err != nil {
		return err
	}
	if checkType == nil && !hasResults && !hasSum && !hasVer {
		what := "the object"
		if idx >= 0 {
			what = fmt.Sprintf("list element %d", idx)
		}
		return s.shapeErr(what + " has no check_type, results, summary or checkov_version")
	}
	ct := ""
	if checkType != nil {
		ct = *checkType
	}
	for i := range pending {
		if err := emit(p.finding(ct, &pending[i])); err != nil {
			return err
		}
	}
	return nil
}

// results reads the value of "results": null (reported as false) or an
// object whose failed_checks are emitted one by one (or appended to pending
// while check_type is still unknown).
func (p *checkovParser) results(s *tokStream, emit func(*translator.Finding) error, checkType *string, pending *[]checkovCheck, n *int) (bool, error) {
	t, err := s.token()
	if err != nil {
		return false, err
	}
	if t == nil {
		return false, nil
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return false, s.errAt(s.dec.InputOffset(), fmt.Errorf("results: want an object, got %s", describeToken(t)))
	}
	for s.dec.More() {
		k, err := s.key()
		if err != nil {
			return false, err
		}
		if !strings.EqualFold(k, "failed_checks") {
			if err := s.skip(); err != nil {
				return false, err
			}
			continue
		}
		t, err := s.token()
		if err != nil {
			return false, err
		}
		if t == nil {
			continue
		}
		if d, ok := t.(json.Delim); !ok || d != '[' {
			return false, s.errAt(s.dec.InputOffset(), fmt.Errorf("results.failed_checks: want an array, got %s", describeToken(t)))
		}
		for s.dec.More() {
			var c checkovCheck
			if err := s.decode(&c); err != nil {
				return false, err
			}
			if c.CheckID == "" {
				return false, s.shapeErr(fmt.Sprintf("failed check %d has no check_id", *n))
			}
			*n++
			if checkType == nil {
				*pending = append(*pending, c)
				continue
			}
			if err := emit(p.finding(*checkType, &c)); err != nil {
				return false, err
			}
		}
		if err := s.expectDelim(']', "the end of results.failed_checks"); err != nil {
			return false, err
		}
	}
	if err := s.expectDelim('}', "the end of results"); err != nil {
		return false, err
	}
	return true, nil
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
