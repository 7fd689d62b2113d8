package parsers

import (
	"fmt"
	"io"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

func init() {
	Register(Format{
		Name:        "tap",
		Aliases:     []string{"conftest-tap", "kubeconform-tap"},
		Description: "TAP (Test Anything Protocol, version 12/13): each \"not ok\" test point is a finding; conftest's and kubeconform's descriptions are read for file, namespace and object",
		Example:     "conftest test -o tap k8s/",
		Detect:      detectTAP,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseTAP(opts, r, emit)
			}), nil
		},
	})
}

// The grammar is testanything.org's TAP 13 specification: a plan "1..N",
// test points "ok|not ok [N] [- description] [# directive]", where a
// directive TODO or SKIP means the point does not count as a failure,
// "Bail out!", comments "#", and YAML diagnostics indented under a point
// between "---" and "...".
var (
	tapPlan    = lazyre.New(`^1\.\.\d+(?:\s*#.*)?$`)
	tapPoint   = lazyre.New(`^(not ok|ok)\b(?:\s+(\d+))?(?:\s*-)?\s*(.*)$`)
	tapVersion = lazyre.New(`^TAP version \d+$`)
	// conftest output/tap.go: "not ok 3 - <file> - <namespace> - <message>",
	// with "# warnings" before a file's warnings.
	conftestTAP = lazyre.New(`^(\S+) - (\S+) - (.*)$`)
	// kubeconform pkg/output/tap.go: "not ok 1 - <file> (<apiVersion>/<Kind>/<ns>/<name>): <error>"
	// or "not ok 1 - <file>: <error>".
	kubeconformTAP     = lazyre.New(`^(\S+) \(([^()]+)\): (.*)$`)
	kubeconformTAPFile = lazyre.New(`^(\S+): (.*)$`)
)

func detectTAP(head []byte) int {
	best := 0
	n := 0
	forHeadLines(head, func(line string) bool {
		n++
		switch {
		case tapVersion().MatchString(line):
			best = 2
		case n == 1 && tapPlan().MatchString(line):
			best = 2
		case strings.HasPrefix(line, "not ok ") || strings.HasPrefix(line, "ok "):
			if tapPoint().MatchString(line) && best < 1 {
				best = 1
			}
		}
		return best < 2 && n < 5
	})
	return best
}

// tapDirective splits "description # SKIP reason" into the description
// and the directive word (upper case), "" when there is none. A '#'
// escaped as "\#" is part of the description.
func tapDirective(s string) (desc, directive string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == '#' {
			d := strings.TrimSpace(s[i+1:])
			word, _, _ := strings.Cut(d, " ")
			return strings.TrimSpace(strings.ReplaceAll(s[:i], `\#`, "#")), strings.ToUpper(word)
		}
	}
	return strings.ReplaceAll(s, `\#`, "#"), ""
}

func parseTAP(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	const format = "tap"
	lr := newLineReader(r)
	section := ""   // conftest's "# warnings", "# exceptions", ...
	sawTAP := false // a plan, a version line or a test point
	var first string
	var firstLine int
	var firstOff int64
	var pending *translator.Finding
	inYAML := false
	// conftest prints a header before a result's warnings, exceptions and
	// successes but none before its failures, which come first: a point
	// of another file or namespace than the last one ends the section
	// unless a header came just before it.
	lastKey, fresh := "", false
	flush := func() error {
		if pending == nil {
			return nil
		}
		f := pending
		pending = nil
		return emit(f)
	}
	for {
		line, err := lr.readLine()
		if err == io.EOF {
			break
		}
		if err != nil {
			return &ParseError{Format: format, File: opts.File, Line: lr.line, Offset: lr.offset, Err: err}
		}
		trim := strings.TrimSpace(line)
		if trim == "" {
			continue
		}
		if firstLine == 0 {
			first, firstLine, firstOff = line, lr.line, lr.offset
		}
		if inYAML {
			if trim == "..." {
				inYAML = false
				continue
			}
			// YAML diagnostics: "message:" adds to the point's message.
			if pending != nil {
				if k, v, ok := strings.Cut(trim, ":"); ok && (k == "message" || k == "msg") {
					v = strings.Trim(strings.TrimSpace(v), `"'`)
					if v != "" && !strings.Contains(pending.Message, v) {
						pending.Message = bounded(pending.Message+"\n"+v, maxEFMText)
					}
				}
			}
			continue
		}
		if trim == "---" && (line[0] == ' ' || line[0] == '\t') {
			inYAML = true
			continue
		}
		switch {
		case tapVersion().MatchString(trim), tapPlan().MatchString(trim):
			sawTAP = true
			continue
		case strings.HasPrefix(trim, "Bail out!"):
			if err := flush(); err != nil {
				return err
			}
			return &ParseError{Format: format, File: opts.File, Line: lr.line, Offset: lr.offset,
				Err: fmt.Errorf("the test run bailed out: %q", clip(trim, 200))}
		case strings.HasPrefix(trim, "#"):
			section = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(trim, "#")))
			fresh = true
			continue
		}
		m := tapPoint().FindStringSubmatch(line)
		if m == nil {
			continue // other output between the points
		}
		sawTAP = true
		if err := flush(); err != nil {
			return err
		}
		desc, directive := tapDirective(m[3])
		if cm := conftestTAP().FindStringSubmatch(desc); cm != nil {
			if key := cm[1] + " - " + cm[2]; key != lastKey {
				if !fresh {
					section = ""
				}
				lastKey = key
			}
		}
		fresh = false
		if m[1] == "ok" && section != "exceptions" || directive == "TODO" || directive == "SKIP" {
			continue
		}
		if m[1] == "ok" && section == "exceptions" {
			// conftest: exceptions are "ok" points after "# exceptions".
			pending = tapFinding(opts, desc, "exceptions")
			continue
		}
		pending = tapFinding(opts, desc, section)
	}
	if err := flush(); err != nil {
		return err
	}
	if !sawTAP && firstLine > 0 {
		return &ParseError{Format: format, File: opts.File, Line: firstLine, Offset: firstOff,
			Err: fmt.Errorf("no TAP plan or test point in the input; first line: %q", clip(first, 200))}
	}
	return nil
}

func tapFinding(opts Options, desc, section string) *translator.Finding {
	f := &translator.Finding{Tool: opts.Tool, Severity: translator.SeverityError, ToolSeverity: "not ok", Message: desc}
	switch {
	case conftestTAP().MatchString(desc) && (opts.Tool == "" || opts.Tool == "conftest") && strings.Contains(desc, " - "):
		m := conftestTAP().FindStringSubmatch(desc)
		if !strings.Contains(m[2], ".") && !strings.Contains(m[2], "/") && m[2] != "main" {
			// Not "<file> - <namespace> - ": a generic description.
			break
		}
		f.Tool = "conftest"
		f.Path = CleanPath(m[1], opts.BaseDir)
		f.Message = m[3]
		f.ToolSeverity = "failure"
		switch section {
		case "warnings":
			f.Severity, f.ToolSeverity = translator.SeverityWarning, "warning"
		case "exceptions":
			f.ToolSeverity = "exception"
			f.Suppressed = &translator.Suppression{Source: "conftest", Reason: "conftest exception"}
		}
		f.Code, f.Resource = policyIDAndResource(opts.CodePattern, f.Message, nil, nil)
		f.SetExtra("policy_namespace", m[2])
		f.SetExtra("container", ContainerFromMessage(f.Message))
		return f
	case kubeconformTAP().MatchString(desc):
		m := kubeconformTAP().FindStringSubmatch(desc)
		parts := strings.Split(m[2], "/")
		if len(parts) < 4 {
			break
		}
		f.Tool = "kubeconform"
		f.Path = CleanPath(m[1], opts.BaseDir)
		f.Message = m[3]
		n := len(parts)
		kind, ns, name := parts[n-3], parts[n-2], parts[n-1]
		f.Resource = kubeResource(kind, ns, name)
		f.SetExtra("api_version", strings.Join(parts[:n-3], "/"))
		f.SetExtra("namespace", ns)
		f.Code = "invalid"
		return f
	case kubeconformTAPFile().MatchString(desc) && (opts.Tool == "kubeconform" || strings.Contains(desc, "could not find schema") || strings.Contains(desc, "failed to")):
		m := kubeconformTAPFile().FindStringSubmatch(desc)
		f.Tool = "kubeconform"
		f.Path = CleanPath(m[1], opts.BaseDir)
		f.Message = m[2]
		f.Code = "error"
		return f
	}
	if f.Tool == "" {
		f.Tool = "tap"
	}
	if f.Message == "" {
		f.Message = "failed test point without a description"
	}
	return f
}
