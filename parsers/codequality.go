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
		Name:        "codequality",
		Aliases:     []string{"gitlab-codequality", "code-climate", "codeclimate"},
		Description: "GitLab Code Quality JSON (the Code Climate issue subset GitLab reads): [{description, check_name, fingerprint, severity, location: {path, lines: {begin}}}]",
		Example:     "golangci-lint run --output.code-climate.path=stdout",
		Detect:      detectCodeQuality,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseCodeQuality(opts, r, emit)
			}), nil
		},
	})
}

// detectCodeQuality recognises an array whose first element has the keys
// GitLab requires (docs.gitlab.com, "Code Quality": description,
// check_name, fingerprint, severity and location).
func detectCodeQuality(head []byte) int {
	s, ok := sniffJSON(head)
	if !ok || !s.array {
		return 0
	}
	if s.has("description", "fingerprint") && (s.keys["check_name"] || s.keys["location"] || s.keys["severity"]) {
		return 2
	}
	return 0
}

// codeQualityIssue is one issue. GitLab reads location.lines.begin or
// location.positions.begin.line (the Code Climate spec allows both).
type codeQualityIssue struct {
	Type        string   `json:"type"`
	CheckName   string   `json:"check_name"`
	Description string   `json:"description"`
	Content     any      `json:"content"`
	Categories  []string `json:"categories"`
	Fingerprint string   `json:"fingerprint"`
	Severity    string   `json:"severity"`
	EngineName  string   `json:"engine_name"`
	Location    *struct {
		Path  string `json:"path"`
		Lines *struct {
			Begin *int `json:"begin"`
			End   *int `json:"end"`
		} `json:"lines"`
		Positions *struct {
			Begin *codeQualityPos `json:"begin"`
			End   *codeQualityPos `json:"end"`
		} `json:"positions"`
	} `json:"location"`
}

type codeQualityPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

func parseCodeQuality(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	const format = "codequality"
	s := newTokStream(format, opts.File, r)
	t, err := s.token()
	if err != nil {
		return err
	}
	if t == nil {
		return s.end() // "null": a writer with nothing to say
	}
	if t != json.Delim('[') {
		return s.shapeErr("want an array of issues, got " + describeToken(t))
	}
	for i := 0; s.dec.More(); i++ {
		start := s.dec.InputOffset()
		var is codeQualityIssue
		if err := s.decode(&is); err != nil {
			return err
		}
		if is.Type != "" && !strings.EqualFold(is.Type, "issue") {
			continue // Code Climate "measurement" and other kinds
		}
		f, err := codeQualityFinding(opts, &is)
		if err != nil {
			return s.errAt(start, fmt.Errorf("issue %d: %w", i, err))
		}
		if err := emit(f); err != nil {
			return err
		}
	}
	if _, err := s.token(); err != nil {
		return err
	}
	return s.end()
}

func codeQualityFinding(opts Options, is *codeQualityIssue) (*translator.Finding, error) {
	if is.Description == "" && is.CheckName == "" {
		return nil, fmt.Errorf("neither description nor check_name")
	}
	f := &translator.Finding{
		Tool:         opts.Tool,
		Code:         is.CheckName,
		Severity:     codeQualitySeverity(is.Severity),
		ToolSeverity: is.Severity,
		Message:      is.Description,
	}
	if f.Tool == "" {
		f.Tool = strings.ToLower(strings.TrimSpace(is.EngineName))
	}
	if f.Tool == "" {
		f.Tool = "codequality"
	}
	// golangci-lint writes "<check_name>: <text>" (pkg/printers/codeclimate.go).
	if rest, ok := strings.CutPrefix(f.Message, is.CheckName+": "); ok && is.CheckName != "" && rest != "" {
		f.Message = rest
	}
	if f.Message == "" {
		f.Message = is.CheckName
	}
	if loc := is.Location; loc != nil {
		f.Path = CleanPath(loc.Path, opts.BaseDir)
		switch {
		case loc.Lines != nil && loc.Lines.Begin != nil:
			f.Line = *loc.Lines.Begin
			if loc.Lines.End != nil {
				f.EndLine = *loc.Lines.End
			}
		case loc.Positions != nil && loc.Positions.Begin != nil:
			f.Line, f.Column = loc.Positions.Begin.Line, loc.Positions.Begin.Column
			if e := loc.Positions.End; e != nil {
				f.EndLine, f.EndColumn = e.Line, e.Column
			}
		}
	}
	if f.Line < 0 || f.EndLine < 0 || f.Column < 0 || f.EndColumn < 0 {
		return nil, fmt.Errorf("negative line or column")
	}
	f.SetExtra("fingerprint", bounded(is.Fingerprint, 128))
	if len(is.Categories) > 0 {
		f.SetExtra("categories", bounded(strings.Join(is.Categories, ","), maxExtra))
	}
	return f, nil
}

// codeQualitySeverity maps GitLab's info, minor, major, critical, blocker
// (docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format):
// blocker and critical are critical, so --fail-level critical gates on them.
func codeQualitySeverity(s string) translator.Severity {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "blocker", "critical":
		return translator.SeverityCritical
	case "major":
		return translator.SeverityError
	case "minor":
		return translator.SeverityWarning
	case "info":
		return translator.SeverityInfo
	}
	// No severity or an unknown word: GitLab shows such issues as
	// "unknown"; a warning keeps them visible without failing a gate set
	// to errors.
	return translator.SeverityWarning
}
