package parsers

import (
	"encoding/json"
	"io"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

func init() {
	Register(Format{
		Name:        "conftest",
		Tool:        "conftest",
		Description: "conftest test -o json: failures, warnings and exceptions per file and namespace",
		Example:     "conftest test --all-namespaces -p policy -o json k8s",
		Detect:      detectConftest,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseConftest(opts, r, emit)
			}), nil
		},
	})
}

// detectConftest recognises an array of objects with "filename" and
// "namespace" keys (conftest's CheckResult).
func detectConftest(head []byte) int {
	s, ok := sniffJSON(head)
	if ok && s.array && s.has("filename", "namespace") {
		return 2
	}
	return 0
}

// conftestCheck is one entry of `conftest test -o json`: the results of one
// namespace's rules against one file.
type conftestCheck struct {
	Filename   string           `json:"filename"`
	Namespace  string           `json:"namespace"`
	Successes  int              `json:"successes"`
	Warnings   []conftestResult `json:"warnings"`
	Failures   []conftestResult `json:"failures"`
	Exceptions []conftestResult `json:"exceptions"`
	// Skipped results are rules that did not apply; they are not findings.
	Skipped []conftestResult `json:"skipped"`
}

// conftestResult is conftest's output.Result.
type conftestResult struct {
	Msg string `json:"msg"`
	// Loc is set by newer conftest versions for rules that return a `_loc`.
	Loc *struct {
		File string      `json:"file"`
		Line json.Number `json:"line"`
	} `json:"loc"`
	Metadata map[string]any `json:"metadata"`
}

func parseConftest(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	var checks []conftestCheck
	if err := DecodeJSON("conftest", opts.File, r, &checks); err != nil {
		return err
	}
	for _, c := range checks {
		groups := []struct {
			results []conftestResult
			sev     translator.Severity
			toolSev string
		}{
			{c.Failures, translator.SeverityError, "failure"},
			{c.Warnings, translator.SeverityWarning, "warning"},
			// An exception is a deny rule that an exception rule excused:
			// it is kept, marked as suppressed, so that reports can account
			// for it (conftest itself prints it as EXCP).
			{c.Exceptions, translator.SeverityError, "exception"},
		}
		for _, g := range groups {
			for _, res := range g.results {
				f := conftestFinding(opts, c, res, g.sev, g.toolSev)
				if g.toolSev == "exception" {
					f.Suppressed = &translator.Suppression{Source: "conftest", Reason: "conftest exception"}
				}
				if err := emit(f); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func conftestFinding(opts Options, c conftestCheck, res conftestResult, sev translator.Severity, toolSev string) *translator.Finding {
	f := &translator.Finding{
		Tool:         "conftest",
		Severity:     sev,
		ToolSeverity: toolSev,
		Message:      res.Msg,
	}
	f.Path = CleanPath(c.Filename, opts.BaseDir)
	if res.Loc != nil {
		if n, err := strconv.Atoi(res.Loc.Line.String()); err == nil && n > 0 {
			f.Line = n
		}
		if res.Loc.File != "" {
			f.Path = conftestLocPath(f.Path, CleanPath(res.Loc.File, opts.BaseDir))
		}
	}
	details, _ := res.Metadata["details"].(map[string]any)
	code, resource := policyIDAndResource(opts.CodePattern, res.Msg, details, res.Metadata)
	f.Code, f.Resource = code, resource

	f.SetExtra("policy_namespace", c.Namespace)
	f.SetExtra("container", ContainerFromMessage(res.Msg))
	if q, ok := res.Metadata["query"].(string); ok {
		f.SetExtra("policy_query", bounded(q, maxExtra))
	}
	for _, k := range sortedKeys(details) {
		if s, ok := details[k].(string); ok && k != "policyID" {
			f.SetExtra(k, bounded(s, maxExtra))
		}
	}
	return f
}

// policyIDAndResource finds the policy ID and the resource of a conftest or
// gator-style result: structured metadata first (details.policyID, then a
// top-level policyID), then a konstraint-style "CODE: Kind/name: text"
// message. A message without a code is still read for "Kind/name: ".
func policyIDAndResource(re *regexp.Regexp, msg string, details, meta map[string]any) (code, resource string) {
	msgCode, rest := CodeFromMessage(re, msg)
	code = stringField(details, "policyID")
	if code == "" {
		code = stringField(meta, "policyID")
	}
	if code == "" {
		code = msgCode
	}
	for _, k := range []string{"resource", "name", "address"} {
		if v := stringField(details, k); v != "" {
			return code, v
		}
	}
	if resource, _ = ResourceFromMessage(rest); resource == "" {
		if m := terraformAddressPrefix().FindStringSubmatch(rest); m != nil {
			resource = m[1]
		}
	}
	return code, resource
}

// terraformAddressPrefix finds a Terraform resource address at the start of
// a policy message ("aws_s3_bucket.logs: ...", "module.q.aws_sqs_queue.dlq[0]: ...").
var terraformAddressPrefix = lazyre.New(`^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]+\])?\.)*(?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][A-Za-z0-9_-]*(?:\[[^\]]+\])?):\s+`)

func stringField(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return strings.TrimSpace(s)
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// conftestLocPath chooses between the tested file and the file a policy's
// _loc names. Policies often build _loc from the input's own metadata,
// which holds only the base name ("catalog.yaml" for k8s/catalog.yaml):
// that must not turn the tested file's path into a base name (issue 11).
// A _loc naming the tested file by a suffix of its path keeps the full
// path; a bare name of another file is taken as its sibling; a _loc with a
// directory of its own is used as given.
func conftestLocPath(tested, loc string) string {
	switch {
	case loc == "":
		return tested
	case tested == "" || loc == tested:
		return loc
	case strings.HasSuffix(tested, "/"+loc):
		return tested
	case !strings.Contains(loc, "/") && strings.Contains(tested, "/"):
		return path.Join(path.Dir(tested), loc)
	}
	return loc
}
