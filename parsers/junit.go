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
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

func init() {
	Register(Format{
		Name:        "junit",
		Aliases:     []string{"conftest-junit", "kubeconform-junit", "tflint-junit", "gitleaks-junit"},
		Description: "JUnit XML (<testsuites><testsuite><testcase><failure|error>): each failed or erroring test case is a finding; conftest, kubeconform, tflint and gitleaks shapes are recognised",
		Example:     "conftest test -o junit k8s/",
		Detect:      detectJUnit,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseJUnit(opts, r, emit)
			}), nil
		},
	})
}

func detectJUnit(head []byte) int {
	t := bytes.TrimSpace(bytes.TrimPrefix(head, []byte(utf8BOM)))
	if len(t) == 0 || t[0] != '<' {
		return 0
	}
	if bytes.Contains(t, []byte("<testsuites")) || bytes.Contains(t, []byte("<testsuite ")) || bytes.Contains(t, []byte("<testsuite>")) {
		return 2
	}
	return 0
}

// junitCase is one <testcase> with what the parser needs of it.
type junitCase struct {
	name, classname, file, line string
	suite, suites               string
	kind                        string // "failure" or "error"
	message, typ, text          string
	skipped                     bool
}

// maxJUnitText bounds the text of a <failure> or <error> element kept.
const maxJUnitText = 64 << 10

// parseJUnit streams the XML: test cases are read one at a time.
func parseJUnit(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	const format = "junit"
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
		pe := &ParseError{Format: format, File: opts.File, Offset: dec.InputOffset(), Err: err}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			pe.Line = se.Line
		} else {
			pe.Line, _ = dec.InputPos()
		}
		return pe
	}
	root := false
	var suites, suite string
	var cur *junitCase
	var text *strings.Builder
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
			case "testsuites":
				root = true
				suites = attr(t, "name")
			case "testsuite":
				root = true
				suite = attr(t, "name")
			case "testcase":
				if !root {
					return fail(errors.New("<testcase> outside <testsuite>"))
				}
				cur = &junitCase{name: attr(t, "name"), classname: attr(t, "classname"), file: attr(t, "file"),
					line: attr(t, "line"), suite: suite, suites: suites}
			case "failure", "error":
				if cur == nil {
					continue // a suite-level <error> (some writers): no test case to attach
				}
				if cur.kind == "" {
					cur.kind, cur.message, cur.typ = t.Name.Local, attr(t, "message"), attr(t, "type")
					text = &strings.Builder{}
				}
			case "skipped":
				if cur != nil {
					cur.skipped = true
				}
			}
		case xml.CharData:
			if text != nil && text.Len() < maxJUnitText {
				text.Write(t[:min(len(t), maxJUnitText-text.Len())])
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "failure", "error":
				if cur != nil && text != nil {
					cur.text = text.String()
				}
				text = nil
			case "testcase":
				if cur != nil && cur.kind != "" && !cur.skipped {
					f, err := junitFinding(opts, cur)
					if err != nil {
						return fail(err)
					}
					if err := emit(f); err != nil {
						return err
					}
				}
				cur = nil
			case "testsuite":
				suite = ""
			}
		}
	}
	if !root {
		if cr.n == 0 || cr.blank {
			return &ParseError{Format: format, File: opts.File, Line: 1, Offset: 0, Err: ErrEmptyInput}
		}
		return fail(errors.New("no <testsuites> or <testsuite> element"))
	}
	return nil
}

var (
	// tflint formatter/junit.go: name "<rule> <file>:<line>,<col>-<col>",
	// message "<range>: <message>", type the rule severity.
	tflintJUnitName    = lazyre.New(`^([a-z0-9_]+) (\S+?):(\d+),(\d+)-(?:(\d+),)?(\d+)$`)
	tflintJUnitMsg     = lazyre.New(`^\S+:\d+,\d+-(?:\d+,)?\d+: (.*)$`)
	tfsecJUnitName     = lazyre.New(`^\[([^\]]+)\]\[([A-Z]+)\] - (.*)$`)
	tfsecJUnitLoc      = lazyre.New(`:(\d+)(?:-(\d+))?$`)
	golangciJUnitClass = lazyre.New(`^(\S+):(\d+):(\d+)$`)
	gitleaksJUnitMsg   = lazyre.New(`^(\S+) has detected a secret in file (.+), line (\d+)\.$`)
)

func junitFinding(opts Options, c *junitCase) (*translator.Finding, error) {
	f := &translator.Finding{Tool: opts.Tool, Severity: translator.SeverityError, ToolSeverity: c.kind}
	f.Message = strings.TrimSpace(c.text)
	if f.Message == "" {
		f.Message = c.message
	}
	switch {
	case strings.HasPrefix(c.classname, "conftest."):
		// conftest output/junit.go: suite and classname "conftest.<ns>",
		// name "<file> - <message>", failure message "Failed", text the
		// policy message. Warnings are written as failures too: they
		// cannot be told apart, so both are errors here.
		f.Tool, f.ToolSeverity = "conftest", "failure"
		file, rest, _ := strings.Cut(c.name, " - ")
		f.Path = CleanPath(file, opts.BaseDir)
		if f.Message == "" {
			f.Message = rest
		}
		f.Code, f.Resource = policyIDAndResource(opts.CodePattern, f.Message, nil, nil)
		f.SetExtra("policy_namespace", strings.TrimPrefix(c.classname, "conftest."))
		f.SetExtra("container", ContainerFromMessage(f.Message))
	case c.suites == "kubeconform":
		// kubeconform pkg/output/junit.go: a suite per file, a case per
		// object (name "<ns>/<name>", classname "<Kind>@<apiVersion>");
		// <error> for a resource it could not check.
		f.Tool = "kubeconform"
		f.Path = CleanPath(c.suite, opts.BaseDir)
		f.Message = c.message
		kind, _, _ := strings.Cut(c.classname, "@")
		ns, name, ok := strings.Cut(c.name, "/")
		if !ok {
			ns, name = "", c.name
		}
		f.Resource = kubeResource(kind, ns, name)
		f.SetExtra("api_version", strings.TrimPrefix(c.classname, kind+"@"))
		if c.kind == "error" {
			f.Code = "error"
		} else {
			f.Code = "invalid"
		}
	case c.suite == "gitleaks" || gitleaksJUnitMsg().MatchString(c.message):
		// gitleaks report/junit.go: the failure text is the whole finding
		// as JSON, secret included: it is never copied.
		f.Tool = "gitleaks"
		f.Message = c.message
		if m := gitleaksJUnitMsg().FindStringSubmatch(c.message); m != nil {
			f.Code, f.Path = m[1], CleanPath(m[2], opts.BaseDir)
			f.Line, _ = strconv.Atoi(m[3])
			f.Message = c.classname // the rule's description
		}
		if c.file != "" {
			f.Path = CleanPath(c.file, opts.BaseDir)
		}
		if f.Message == "" {
			f.Message = c.message
		}
	case tfsecJUnitName().MatchString(c.name):
		// defsec pkg/formatters/junit.go (tfsec -f junit): name "[<long
		// ID>][<SEVERITY>] - <description>", classname the file, text
		// "<file>:<line>[-<end>]\n\n<code>\n\nSee <link>".
		m := tfsecJUnitName().FindStringSubmatch(c.name)
		if f.Tool == "" {
			f.Tool = "tfsec"
		}
		f.Code, f.ToolSeverity = m[1], m[2]
		f.Severity = mapToolSeverity(m[2])
		f.Path = CleanPath(c.classname, opts.BaseDir)
		f.Message = c.message
		if f.Message == "" {
			f.Message = m[3]
		}
		first, _, _ := strings.Cut(strings.TrimSpace(c.text), "\n")
		if lm := tfsecJUnitLoc().FindStringSubmatch(first); lm != nil {
			f.Line, _ = strconv.Atoi(lm[1])
			if lm[2] != "" {
				f.EndLine, _ = strconv.Atoi(lm[2])
			}
		}
		if i := strings.LastIndex(c.text, "\nSee "); i >= 0 {
			f.URL = strings.TrimSpace(c.text[i+len("\nSee "):])
		}
	case golangciJUnitClass().MatchString(c.classname) && strings.Contains(c.text, "\nCategory: "):
		// golangci-lint pkg/printers/junitxml.go: a suite per file, a case
		// per issue with name the linter and classname "file:line:col",
		// failure message "file:line:col: text".
		m := golangciJUnitClass().FindStringSubmatch(c.classname)
		if f.Tool == "" {
			f.Tool = "golangci-lint"
		}
		f.Code = c.name
		f.Path = CleanPath(m[1], opts.BaseDir)
		f.Line, _ = strconv.Atoi(m[2])
		f.Column, _ = strconv.Atoi(m[3])
		f.Message = strings.TrimPrefix(c.message, c.classname+": ")
	case tflintJUnitName().MatchString(c.name):
		m := tflintJUnitName().FindStringSubmatch(c.name)
		f.Tool, f.Code = "tflint", m[1]
		f.Path = CleanPath(m[2], opts.BaseDir)
		f.Line, _ = strconv.Atoi(m[3])
		f.Column, _ = strconv.Atoi(m[4])
		if m[5] != "" {
			f.EndLine, _ = strconv.Atoi(m[5])
		}
		f.EndColumn, _ = strconv.Atoi(m[6])
		if mm := tflintJUnitMsg().FindStringSubmatch(c.message); mm != nil {
			f.Message = mm[1]
		} else {
			f.Message = c.message
		}
		f.ToolSeverity = c.typ
		f.Severity = tflintSeverity(c.typ)
	default:
		if f.Tool == "" {
			f.Tool = "junit"
		}
		f.Code = c.name
		f.Path = CleanPath(c.file, opts.BaseDir)
		if c.line != "" {
			n, err := strconv.Atoi(strings.TrimSpace(c.line))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("<testcase> attribute line=%q is not a line number", clip(c.line, 40))
			}
			f.Line = n
		}
		f.SetExtra("classname", bounded(c.classname, maxExtra))
		if c.message != "" && c.message != f.Message {
			f.Title = bounded(c.message, maxExtra)
		}
	}
	if c.suite == "" && c.name == "application_error" && c.classname == "(application)" {
		// tflint's own error (plugins missing, bad config) as a test case.
		f.Tool, f.Code = "tflint", "application_error"
		f.Message = c.message
	}
	if f.Message == "" {
		f.Message = c.name
	}
	if f.Message == "" {
		f.Message = "failed test case without a message"
	}
	return f, nil
}
