package parsers

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

func init() {
	Register(Format{
		Name:        "github-workflow-commands",
		Aliases:     []string{"workflow-commands", "conftest-github", "actionlint-github", "yamllint-github"},
		Description: "GitHub Actions workflow commands: ::error file=F,line=L,col=C,title=T::message (::warning, ::notice), as conftest -o github, yamllint -f github and actionlint's documented -format template print them",
		Example:     "conftest test -o github k8s/",
		Detect:      detectWorkflowCommands,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseWorkflowCommands(opts, r, emit)
			}), nil
		},
	})
}

// The grammar is the runner's (docs.github.com, "Workflow commands for
// GitHub Actions": "::workflow-command parameter1={data},parameter2={data}::{command value}",
// and actions/toolkit packages/core/src/command.ts, which writes it):
// the message escapes % as %25, CR as %0D and LF as %0A; property values
// escape ':' as %3A and ',' as %2C as well. The runner also takes the
// legacy "##[error]message" form.
var (
	workflowCmdLine = lazyre.New(`^::(error|warning|notice)(?:\s+([^:]*))?::(.*)$`)
	legacyCmdLine   = lazyre.New(`^##\[(error|warning|notice)(?:\s+([^\]]*))?\](.*)$`)
	// Any other workflow command (group, endgroup, debug, add-mask, ...):
	// not a finding, never echoed.
	otherCmdLine = lazyre.New(`^(?:::[A-Za-z-]+(?:\s[^:]*)?::|##\[[A-Za-z-]+[^\]]*\])`)
	// conftest -o github: "::group::Testing "k8s/x.yaml" against 5 policies in namespace "main""
	conftestGroup = lazyre.New(`^::group::Testing ".*" against \d+ polic(?:y|ies) in namespace "(.*)"$`)
	// yamllint -f github: "::error file=x.yaml,line=1,col=81::1:81 [line-length] line too long (95 > 80 characters)"
	// (yamllint 1.29.0, testdata/yamllint-github).
	yamllintGitHubMsg = lazyre.New(`^\d+:\d+ \[([a-z0-9-]+)\] (.*)$`)
	// actionlint messages end with " [kind]" in its own formats; its
	// documented GitHub template leaves the kind out.
	actionlintKind = lazyre.New(`^(.*) \[([a-z0-9-]+)\]$`)
)

func detectWorkflowCommands(head []byte) int {
	best := 0
	forHeadLines(head, func(line string) bool {
		switch {
		case conftestGroup().MatchString(line):
			best = 2
		case workflowCmdLine().MatchString(line):
			if strings.Contains(line, "file=") {
				best = 2
			} else if best < 1 {
				best = 1
			}
		}
		return best < 2
	})
	return best
}

// unescapeWorkflow undoes the runner's escapes in one left-to-right pass,
// so "%250A" stays the literal "%0A".
func unescapeWorkflow(s string, property bool) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			switch s[i+1 : i+3] {
			case "25":
				b.WriteByte('%')
				i += 2
				continue
			case "0D":
				b.WriteByte('\r')
				i += 2
				continue
			case "0A":
				b.WriteByte('\n')
				i += 2
				continue
			case "3A":
				if property {
					b.WriteByte(':')
					i += 2
					continue
				}
			case "2C":
				if property {
					b.WriteByte(',')
					i += 2
					continue
				}
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// workflowProps splits "file=a.go,line=3,col=1" into its properties.
func workflowProps(s string) (map[string]string, error) {
	props := map[string]string{}
	s = strings.TrimSpace(s)
	if s == "" {
		return props, nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("property %q has no value", clip(kv, 80))
		}
		props[strings.TrimSpace(k)] = unescapeWorkflow(v, true)
	}
	return props, nil
}

func parseWorkflowCommands(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	const format = "github-workflow-commands"
	lr := newLineReader(r)
	conftest, any := false, false
	namespace := ""
	var first string
	var firstLine int
	var firstOff int64
	for {
		line, err := lr.readLine()
		if err == io.EOF {
			break
		}
		if err != nil {
			return &ParseError{Format: format, File: opts.File, Line: lr.line, Offset: lr.offset, Err: err}
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if firstLine == 0 {
			first, firstLine, firstOff = line, lr.line, lr.offset
		}
		if g := conftestGroup().FindStringSubmatch(line); g != nil {
			conftest, any, namespace = true, true, g[1]
			continue
		}
		if line == "::endgroup::" {
			namespace = ""
		}
		m := workflowCmdLine().FindStringSubmatch(line)
		if m == nil {
			m = legacyCmdLine().FindStringSubmatch(line)
		}
		if m == nil {
			if otherCmdLine().MatchString(line) {
				any = true
			}
			continue // log text around the commands (conftest's totals line)
		}
		any = true
		props, err := workflowProps(m[2])
		if err != nil {
			return &ParseError{Format: format, File: opts.File, Line: lr.line, Offset: lr.offset, Err: err}
		}
		f, err := workflowFinding(opts, m[1], props, unescapeWorkflow(m[3], false), conftest)
		if f != nil && conftest {
			f.SetExtra("policy_namespace", namespace)
		}
		if err != nil {
			return &ParseError{Format: format, File: opts.File, Line: lr.line, Offset: lr.offset, Err: err}
		}
		if f == nil {
			continue
		}
		if err := emit(f); err != nil {
			return err
		}
	}
	if !any && firstLine > 0 {
		return &ParseError{Format: format, File: opts.File, Line: firstLine, Offset: firstOff,
			Err: fmt.Errorf("no workflow command (::error, ::warning, ::notice) in the input; first line: %q", clip(first, 200))}
	}
	return nil
}

func workflowFinding(opts Options, cmd string, props map[string]string, msg string, conftest bool) (*translator.Finding, error) {
	f := &translator.Finding{Tool: opts.Tool, ToolSeverity: cmd, Message: strings.TrimRight(msg, "\n")}
	switch cmd {
	case "error":
		f.Severity = translator.SeverityError
	case "warning":
		f.Severity = translator.SeverityWarning
	default:
		f.Severity = translator.SeverityInfo
	}
	f.Path = CleanPath(props["file"], opts.BaseDir)
	for _, p := range []struct {
		key string
		dst *int
	}{{"line", &f.Line}, {"col", &f.Column}, {"endLine", &f.EndLine}, {"endColumn", &f.EndColumn}} {
		v, ok := props[p.key]
		if !ok || v == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("property %s=%q is not a line or column number", p.key, clip(v, 40))
		}
		*p.dst = n
	}
	f.Title = props["title"]
	switch {
	case conftest:
		return conftestWorkflowFinding(opts, f), nil
	case yamllintGitHubMsg().MatchString(f.Message):
		// yamllint repeats the position in the message and names the
		// rule in brackets: "1:81 [line-length] line too long ...".
		m := yamllintGitHubMsg().FindStringSubmatch(f.Message)
		if f.Tool == "" {
			f.Tool = "yamllint"
		}
		f.Message, f.Code = m[2], m[1]
	default:
		if f.Tool == "" {
			f.Tool = "workflow-commands"
		}
		head, _, _ := strings.Cut(f.Message, "\n")
		if m := actionlintKind().FindStringSubmatch(head); m != nil {
			f.Code = m[2]
		} else if code, _ := CodeFromMessage(opts.CodePattern, head); code != "" {
			f.Code = code
		}
	}
	if f.Code == "" && f.Title != "" && !strings.ContainsAny(f.Title, " \t") {
		f.Code = f.Title
	}
	if f.Message == "" {
		f.Message = f.Title
	}
	if f.Message == "" {
		f.Message = "workflow command without a message"
	}
	return f, nil
}

// conftestWorkflowFinding reads conftest's GitHub output (conftest
// output/github.go): failures are ::error, warnings ::warning; ::notice is
// an exception, a skipped test ("Test was skipped: ...") or the per-file
// "Number of successful checks: N". The line is always 1 unless the policy
// gave a location, so line 1 is read as unknown. A policy location in
// another file is printed twice, the second time at the tested file as
// "(ORIGINATING FROM file:line) msg": that copy is dropped.
func conftestWorkflowFinding(opts Options, f *translator.Finding) *translator.Finding {
	if strings.HasPrefix(f.Message, "(ORIGINATING FROM ") {
		return nil
	}
	f.Tool = "conftest"
	switch f.ToolSeverity {
	case "error":
		f.ToolSeverity = "failure"
	case "notice":
		if strings.HasPrefix(f.Message, "Number of successful checks: ") || strings.HasPrefix(f.Message, "Test was skipped: ") {
			return nil
		}
		f.Severity, f.ToolSeverity = translator.SeverityError, "exception"
		f.Suppressed = &translator.Suppression{Source: "conftest", Reason: "conftest exception"}
	}
	if f.Line == 1 && f.Column == 0 {
		f.Line = 0
	}
	f.Code, f.Resource = policyIDAndResource(opts.CodePattern, f.Message, nil, nil)
	f.SetExtra("container", ContainerFromMessage(f.Message))
	return f
}
