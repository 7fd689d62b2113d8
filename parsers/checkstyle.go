package parsers

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
)

func init() {
	Register(Format{
		Name:        "checkstyle",
		Aliases:     []string{"tflint-checkstyle", "tfsec-checkstyle", "shellcheck-checkstyle"},
		Description: "checkstyle XML from any tool (<file name><error line column severity message source>)",
		Example:     "shellcheck -f checkstyle *.sh",
		Detect:      detectCheckstyle,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseCheckstyle(opts, r, emit)
			}), nil
		},
	})
}

// detectCheckstyle recognises a <checkstyle> root element.
func detectCheckstyle(head []byte) int {
	t := bytes.TrimSpace(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")))
	if len(t) > 0 && t[0] == '<' && bytes.Contains(t, []byte("<checkstyle")) {
		return 2
	}
	return 0
}

// parseCheckstyle streams the XML token by token, so a large report is
// never held in memory.
func parseCheckstyle(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	cr := &countingReader{r: r}
	dec := xml.NewDecoder(cr)
	dec.CharsetReader = func(charset string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return in, nil
		}
		return nil, fmt.Errorf("unsupported XML encoding %q", charset)
	}
	fail := func(err error) error {
		pe := &ParseError{Format: "checkstyle", File: opts.File, Offset: dec.InputOffset(), Err: err}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			pe.Line = se.Line
		} else {
			pe.Line, _ = dec.InputPos()
		}
		return pe
	}
	root, file := false, ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "checkstyle":
				root = true
			case "file":
				if !root {
					return fail(errors.New("<file> outside <checkstyle>"))
				}
				file = attr(t, "name")
			case "error":
				if !root {
					return fail(errors.New("<error> outside <checkstyle>"))
				}
				f, err := checkstyleFinding(opts, file, t)
				if err != nil {
					return fail(err)
				}
				if err := emit(f); err != nil {
					return err
				}
			}
		case xml.EndElement:
			if t.Name.Local == "file" {
				file = ""
			}
		}
	}
	if !root {
		if cr.n == 0 || cr.blank {
			return &ParseError{Format: "checkstyle", File: opts.File, Line: 1, Offset: 0, Err: ErrEmptyInput}
		}
		return fail(errors.New("no <checkstyle> element"))
	}
	return nil
}

func checkstyleFinding(opts Options, file string, el xml.StartElement) (*translator.Finding, error) {
	line, err := intAttr(el, "line")
	if err != nil {
		return nil, err
	}
	col, err := intAttr(el, "column")
	if err != nil {
		return nil, err
	}
	sev := attr(el, "severity")
	f := &translator.Finding{
		Severity:     checkstyleSeverity(sev),
		ToolSeverity: sev,
		Message:      attr(el, "message"),
		URL:          attr(el, "link"),
	}
	f.Path = CleanPath(file, opts.BaseDir)
	f.Line, f.Column = line, col
	f.Tool, f.Code = checkstyleToolAndCode(opts, attr(el, "source"), attr(el, "rule"), f.URL)
	if f.Message == "" {
		f.Message = f.Code
	}
	return f, nil
}

// checkstyleToolAndCode tells the tool from the error's attributes:
// shellcheck writes source="ShellCheck.SC2086"; tflint adds a rule
// attribute; tfsec links to its own check pages.
func checkstyleToolAndCode(opts Options, source, rule, link string) (tool, code string) {
	switch {
	case strings.HasPrefix(source, "ShellCheck."):
		return "shellcheck", strings.TrimPrefix(source, "ShellCheck.")
	case rule != "" || strings.Contains(link, "terraform-linters/tflint"):
		if rule == "" {
			rule = source
		}
		return "tflint", rule
	case strings.Contains(link, "/tfsec/") || strings.Contains(link, "tfsec.dev"):
		return "tfsec", source
	case opts.Tool != "":
		return opts.Tool, source
	}
	return "checkstyle", source
}

func checkstyleSeverity(s string) translator.Severity {
	switch strings.ToLower(s) {
	case "error", "":
		// Checkstyle's own default severity is error.
		return translator.SeverityError
	case "info", "ignore":
		return translator.SeverityInfo
	}
	return translator.SeverityWarning
}

func attr(el xml.StartElement, name string) string {
	for _, a := range el.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func intAttr(el xml.StartElement, name string) (int, error) {
	v := strings.TrimSpace(attr(el, name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("<error> attribute %s=%q is not a line or column number", name, v)
	}
	return n, nil
}

// countingReader counts the bytes read and whether all of them were
// blank, to tell empty input from input that is not checkstyle.
type countingReader struct {
	r     io.Reader
	n     int64
	blank bool
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.n == 0 && n > 0 {
		c.blank = true
	}
	if c.blank && len(bytes.TrimSpace(p[:n])) > 0 {
		c.blank = false
	}
	c.n += int64(n)
	return n, err
}
