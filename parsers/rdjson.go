package parsers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/messages"
)

// Reviewdog Diagnostic Format (github.com/reviewdog/reviewdog, proto/rdf):
// rdjson is one DiagnosticResult object, rdjsonl one Diagnostic per line.

func init() {
	Register(Format{
		Name:        "rdjson",
		Description: "Reviewdog Diagnostic Format, one DiagnosticResult object ({\"source\", \"diagnostics\": [...]})",
		Example:     "biome lint --reporter=rdjson src",
		Detect:      detectRDJSON,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseRDJSON(opts, r, emit)
			}), nil
		},
	})
	Register(Format{
		Name:        "rdjsonl",
		Description: "Reviewdog Diagnostic Format, JSON Lines: one Diagnostic object per line",
		Example:     "biome lint --reporter=rdjson src | jq -c '.source as $s | .diagnostics[] | .source = $s'",
		Detect:      detectRDJSONL,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseRDJSONL(opts, r, emit)
			}), nil
		},
	})
}

// detectRDJSON recognises a top-level object with "diagnostics", or with
// "source" and "severity" but no diagnostic fields (a clean result).
func detectRDJSON(head []byte) int {
	s, ok := sniffJSON(head)
	if !ok || s.array {
		return 0
	}
	if s.keys["diagnostics"] || (s.has("source", "severity") && !s.keys["message"] && !s.keys["location"]) {
		return 2
	}
	return 0
}

// detectRDJSONL recognises a first line that is an object with "message"
// and "location". Plausible only: other JSON Lines formats look alike.
func detectRDJSONL(head []byte) int {
	s, ok := sniffJSON(firstLine(head))
	if ok && !s.array && s.has("message", "location") {
		return 1
	}
	return 0
}

type rdResult struct {
	Source      *rdSource      `json:"source"`
	Severity    rdSeverity     `json:"severity"`
	Diagnostics []rdDiagnostic `json:"diagnostics"`
}

type rdDiagnostic struct {
	Message  *string    `json:"message"`
	Location *rdLoc     `json:"location"`
	Severity rdSeverity `json:"severity"`
	Source   *rdSource  `json:"source"`
	Code     *struct {
		Value string `json:"value"`
		URL   string `json:"url"`
	} `json:"code"`
	Suggestions []rdSuggestion `json:"suggestions"`
}

// rdSuggestion is rdf's Suggestion: "a suggested text which replace the
// range" (proto/rdf/reviewdog.proto).
type rdSuggestion struct {
	Range *rdRange `json:"range"`
	Text  string   `json:"text"`
}

type rdSource struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

type rdLoc struct {
	Path  string   `json:"path"`
	Range *rdRange `json:"range"`
}

type rdRange struct {
	Start rdPos `json:"start"`
	End   rdPos `json:"end"`
}

type rdPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// rdSeverity is the proto enum: protojson writes the name ("ERROR"), other
// writers sometimes the number (1).
type rdSeverity string

func (s *rdSeverity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err == nil {
		*s = rdSeverity(strings.ToUpper(name))
		return nil
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("severity %s is neither a name nor a number", b)
	}
	*s = rdSeverity(map[int]string{1: "ERROR", 2: "WARNING", 3: "INFO"}[n])
	return nil
}

func parseRDJSON(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return &ParseError{Format: "rdjson", File: opts.File, Offset: -1, Err: err}
	}
	var keys map[string]json.RawMessage
	if err := UnmarshalJSON("rdjson", opts.File, data, &keys); err != nil {
		return err
	}
	if _, ok := keys["diagnostics"]; !ok {
		if _, ok := keys["source"]; !ok {
			return &ParseError{Format: "rdjson", File: opts.File, Line: 1, Offset: 0,
				Err: errors.New("not a reviewdog DiagnosticResult: no \"diagnostics\" or \"source\" field")}
		}
	}
	var res rdResult
	if err := UnmarshalJSON("rdjson", opts.File, data, &res); err != nil {
		return err
	}
	for i := range res.Diagnostics {
		d := &res.Diagnostics[i]
		if d.Message == nil {
			return &ParseError{Format: "rdjson", File: opts.File, Offset: -1,
				Err: fmt.Errorf("diagnostic %d has no message", i)}
		}
		if err := emit(rdFinding(opts, d, res.Source, res.Severity)); err != nil {
			return err
		}
	}
	return nil
}

// maxRDJSONLLine bounds one rdjsonl line. Far above any real diagnostic (a
// bufio.Scanner's 64 KiB default is not: a long message or suggestion must
// not end the input early), yet bounded against a hostile stream.
const maxRDJSONLLine = 16 << 20

func parseRDJSONL(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var off int64
	lineNo, sawAny := 0, false
	for {
		line, err := readLine(br, maxRDJSONLLine)
		if len(line) == 0 && err == io.EOF {
			break
		}
		lineNo++
		start := off
		off += int64(len(line))
		if err != nil && err != io.EOF {
			return &ParseError{Format: "rdjsonl", File: opts.File, Line: lineNo, Offset: start, Err: err}
		}
		text := bytes.TrimSpace(line)
		if len(text) > 0 {
			sawAny = true
			var d rdDiagnostic
			if uerr := json.Unmarshal(text, &d); uerr != nil {
				return &ParseError{Format: "rdjsonl", File: opts.File, Line: lineNo, Offset: start, Err: uerr}
			}
			if d.Message == nil && d.Location == nil {
				return &ParseError{Format: "rdjsonl", File: opts.File, Line: lineNo, Offset: start,
					Err: errors.New("not a reviewdog Diagnostic: no \"message\" or \"location\"")}
			}
			if d.Message == nil {
				return &ParseError{Format: "rdjsonl", File: opts.File, Line: lineNo, Offset: start,
					Err: errors.New("diagnostic has no message")}
			}
			if eerr := emit(rdFinding(opts, &d, nil, "")); eerr != nil {
				return eerr
			}
		}
		if err == io.EOF {
			break
		}
	}
	if !sawAny {
		return &ParseError{Format: "rdjsonl", File: opts.File, Line: 1, Offset: 0, Err: ErrEmptyInput}
	}
	return nil
}

// readLine returns the next line including its newline; at the end of input
// it returns the last (unterminated) line with io.EOF.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var buf []byte
	for {
		frag, err := br.ReadSlice('\n')
		buf = append(buf, frag...)
		if len(buf) > max {
			return buf, fmt.Errorf("line longer than %d bytes", max)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return buf, err
	}
}

func rdFinding(opts Options, d *rdDiagnostic, src *rdSource, sev rdSeverity) *translator.Finding {
	if d.Source != nil && d.Source.Name != "" {
		src = d.Source
	}
	if d.Severity != "" && d.Severity != "UNKNOWN_SEVERITY" {
		sev = d.Severity
	}
	f := &translator.Finding{
		Tool:         rdTool(opts, src),
		Severity:     rdSeverityOf(sev),
		ToolSeverity: string(sev),
		Message:      *d.Message,
	}
	if d.Code != nil {
		f.Code, f.URL = d.Code.Value, d.Code.URL
	}
	if d.Location != nil {
		f.Path = CleanPath(d.Location.Path, opts.BaseDir)
		if rg := d.Location.Range; rg != nil {
			f.Line, f.Column = rg.Start.Line, rg.Start.Column
			// RDF end positions are exclusive, like SARIF's endColumn.
			f.EndLine, f.EndColumn = rg.End.Line, rg.End.Column
		}
	}
	if f.Message == "" {
		f.Message = f.Code
	}
	rdFixes(f, d.Suggestions)
	return f
}

// rdFixes turns the diagnostic's suggestions into fixes, one alternative
// each (reviewdog posts each as its own suggestion block), in the
// location's file. rdf ranges count bytes and end before End; a range
// whose start and end have no column is "linewise and the range includes
// end position (line) as well" (proto/rdf/reviewdog.proto, Range), which
// reviewdog suggests as whole lines: the text replaces them, an empty
// text deletes them.
func rdFixes(f *translator.Finding, ss []rdSuggestion) {
	var bad []messages.Msg
	for i, s := range ss {
		e, err := rdEdit(f.Path, s)
		if err != nil {
			bad = append(bad, messages.M("pfix.rd_one", i+1, messages.Of(err)))
			continue
		}
		f.Fixes = append(f.Fixes, translator.Fix{Source: f.Tool, Edits: []translator.Edit{e}})
	}
	if len(bad) > 0 {
		f.FixNoteText = messages.M("pfix.rd", messages.Join(bad...))
		f.FixNote = f.FixNoteText.In(messages.Default)
	}
}

func rdEdit(path string, s rdSuggestion) (translator.Edit, error) {
	if path == "" {
		return translator.Edit{}, messages.Errorf("pfix.rd_no_file")
	}
	if s.Range == nil || s.Range.Start.Line <= 0 || s.Range.Start.Line > translator.MaxLine {
		return translator.Edit{}, messages.Errorf("pfix.rd_no_start")
	}
	st, en := s.Range.Start, s.Range.End
	e := translator.Edit{Path: path, StartLine: st.Line, Text: s.Text}
	if st.Column <= 0 && en.Column <= 0 {
		last := st.Line
		if en.Line > 0 {
			last = en.Line
		}
		if last < st.Line || last >= translator.MaxLine {
			return translator.Edit{}, messages.Errorf("pfix.rd_ends", last)
		}
		e.StartColumn, e.EndLine, e.EndColumn = 1, last+1, 1
		if e.Text != "" {
			// reviewdog writes the text and a line break into the
			// suggestion block (service/github/github.go
			// buildSingleSuggestion): the text is the lines' content.
			e.Text += "\n"
		}
		return e, nil
	}
	e.StartColumn = max(st.Column, 1)
	if en.Line <= 0 {
		// "end can be omitted. Then the range is handled as zero-length
		// (start == end)".
		e.EndLine, e.EndColumn = e.StartLine, e.StartColumn
	} else {
		e.EndLine, e.EndColumn = en.Line, max(en.Column, 1)
	}
	if e.EndLine < e.StartLine || (e.EndLine == e.StartLine && e.EndColumn < e.StartColumn) ||
		e.EndLine > translator.MaxLine || e.StartColumn > translator.MaxLine || e.EndColumn > translator.MaxLine {
		return translator.Edit{}, messages.Errorf("pfix.rd_order", e.StartLine, e.StartColumn, e.EndLine, e.EndColumn)
	}
	return e, nil
}

// rdTool names the tool after the diagnostic's source ("Biome" -> biome).
func rdTool(opts Options, src *rdSource) string {
	if src != nil && strings.TrimSpace(src.Name) != "" {
		n := strings.ToLower(strings.TrimSpace(src.Name))
		if t, ok := sarifDrivers[n]; ok {
			return t
		}
		return strings.ReplaceAll(n, " ", "-")
	}
	if opts.Tool != "" {
		return opts.Tool
	}
	return "rdjson"
}

// rdSeverityOf maps the RDF severity; UNKNOWN (or none) reads as a warning:
// a missing severity is no reason to hide the finding.
func rdSeverityOf(s rdSeverity) translator.Severity {
	switch s {
	case "ERROR":
		return translator.SeverityError
	case "INFO":
		return translator.SeverityInfo
	}
	return translator.SeverityWarning
}
