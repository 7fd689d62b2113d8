package parsers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

func init() {
	Register(Format{
		Name:        "kyverno",
		Aliases:     []string{"policy-report", "policyreport"},
		Tool:        "kyverno",
		Description: "Kyverno CLI policy report (PolicyReport/ClusterPolicyReport or openreports ClusterReport; YAML or JSON, single, stream or List)",
		Example:     "kyverno apply policies/ --resource k8s/ --policy-report",
		Detect:      detectKyverno,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseKyverno(opts, r, emit)
			}), nil
		},
	})
}

// kyvernoReport is a policy report in the wg-policy format
// (wgpolicyk8s.io/v1alpha2 PolicyReport, ClusterPolicyReport) or its
// successor (openreports.io/v1alpha1 Report, ClusterReport), or a List of
// them (kubectl get polr -o yaml).
type kyvernoReport struct {
	APIVersion string `json:"apiVersion" yaml:"apiVersion"`
	Kind       string `json:"kind" yaml:"kind"`
	Metadata   struct {
		Name      string `json:"name" yaml:"name"`
		Namespace string `json:"namespace" yaml:"namespace"`
	} `json:"metadata" yaml:"metadata"`
	// Scope is the object of a per-resource report (Kyverno 1.11+ in
	// clusters); results then have no resources of their own.
	Scope   *kyvernoResource `json:"scope" yaml:"scope"`
	Results []kyvernoResult  `json:"results" yaml:"results"`
	Items   []kyvernoReport  `json:"items" yaml:"items"`
}

type kyvernoResult struct {
	Policy string `json:"policy" yaml:"policy"`
	Rule   string `json:"rule" yaml:"rule"`
	Result string `json:"result" yaml:"result"`
	// Status is the v1alpha1 spelling of Result (Kyverno 1.3-1.4).
	Status    string            `json:"status" yaml:"status"`
	Severity  string            `json:"severity" yaml:"severity"`
	Category  string            `json:"category" yaml:"category"`
	Message   string            `json:"message" yaml:"message"`
	Source    string            `json:"source" yaml:"source"`
	Resources []kyvernoResource `json:"resources" yaml:"resources"`
}

type kyvernoResource struct {
	APIVersion string `json:"apiVersion" yaml:"apiVersion"`
	Kind       string `json:"kind" yaml:"kind"`
	Name       string `json:"name" yaml:"name"`
	Namespace  string `json:"namespace" yaml:"namespace"`
}

var kyvernoReportKinds = map[string]bool{
	"PolicyReport": true, "ClusterPolicyReport": true, "Report": true, "ClusterReport": true,
}

var kyvernoListKinds = map[string]bool{
	"List": true, "PolicyReportList": true, "ClusterPolicyReportList": true,
	"ReportList": true, "ClusterReportList": true,
}

var kyvernoDetectRE = lazyre.New(`(?:wgpolicyk8s\.io|openreports\.io)/v1[a-z0-9]*"?\s*,?\s*(?:\n\s*)?"?kind"?\s*:\s*"?(?:Cluster)?(?:Policy)?Report\b`)

// detectKyverno looks for a report apiVersion followed by a report kind.
func detectKyverno(head []byte) int {
	if !bytes.Contains(head, []byte("wgpolicyk8s.io/")) && !bytes.Contains(head, []byte("openreports.io/")) {
		return 0
	}
	if kyvernoDetectRE().Match(head) {
		return 2
	}
	if containsAll(head, "results") && (bytes.Contains(head, []byte("PolicyReport")) || bytes.Contains(head, []byte("ClusterReport"))) {
		return 2
	}
	return 0
}

var (
	// kyvernoPreamble matches what `kyverno apply -p` prints on stdout
	// before the report: "Applying 1 policy rule(s) to 4 resource(s)...",
	// a line of dashes, "POLICY REPORT:".
	kyvernoPreamble = lazyre.New(`^(?:\s*|Applying \d+ policy .*|-{10,}\s*|POLICY REPORT:\s*)$`)
	// kyvernoTally is the summary line `kyverno apply` prints last.
	kyvernoTally = lazyre.New(`^(?:\s*|pass: \d+, fail: \d+, warn: \d+, error: \d+, skip: \d+\s*)$`)
)

// trimKyvernoText drops the CLI's preamble and tally lines around the report
// and returns the rest with the number of lines and bytes dropped before it.
func trimKyvernoText(data []byte) ([]byte, int, int64) {
	lines := bytes.SplitAfter(data, []byte("\n"))
	start := 0
	for start < len(lines) && kyvernoPreamble().Match(bytes.TrimRight(lines[start], "\r\n")) {
		start++
	}
	end := len(lines)
	for end > start && kyvernoTally().Match(bytes.TrimRight(lines[end-1], "\r\n")) {
		end--
	}
	var skippedBytes int64
	for _, l := range lines[:start] {
		skippedBytes += int64(len(l))
	}
	return bytes.Join(lines[start:end], nil), start, skippedBytes
}

// parseKyverno emits one finding per failing result (fail, error: error;
// warn: warning; pass and skip are not findings) and resource. The code is
// "policy/rule" ("policy" for CEL policies without rules), with the rule and
// the policy as aliases, so a catalog can match either.
func parseKyverno(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	const format = "kyverno"
	data, err := io.ReadAll(r)
	if err != nil {
		return &ParseError{Format: format, File: opts.File, Offset: -1, Err: err}
	}
	body, skipped, base := trimKyvernoText(data)
	// trimHead also drops a byte-order mark, which TrimSpace keeps: a lone
	// BOM is empty input too (it used to index an empty slice).
	t := trimHead(body)
	if len(bytes.TrimSpace(t)) == 0 {
		return &ParseError{Format: format, File: opts.File, Line: 1, Offset: 0, Err: ErrEmptyInput}
	}
	var reports []kyvernoReport
	var lines []int
	if t[0] == '{' || t[0] == '[' {
		reports, lines, err = decodeKyvernoJSON(format, opts.File, data, body, base)
	} else {
		reports, lines, err = decodeKyvernoYAML(format, opts.File, body, skipped)
	}
	if err != nil {
		return err
	}
	for i, rep := range reports {
		if err := emitKyvernoReport(opts, format, rep, lines[i], emit); err != nil {
			return err
		}
	}
	return nil
}

// decodeKyvernoJSON reads a stream of JSON values (reports, Lists or arrays
// of reports); base is the byte offset of body in data.
func decodeKyvernoJSON(format, file string, data, body []byte, base int64) ([]kyvernoReport, []int, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var reports []kyvernoReport
	var lines []int
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			off := dec.InputOffset()
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = se.Offset
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				off = int64(len(body))
				err = fmt.Errorf("truncated JSON: %w", err)
			}
			return nil, nil, &ParseError{Format: format, File: file, Offset: base + off, Line: LineAt(data, base+off), Err: err}
		}
		end := dec.InputOffset()
		start := base + end - int64(len(raw))
		var items []json.RawMessage
		if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, nil, shapeError(format, file, data, start, "%v", err)
			}
		} else {
			items = []json.RawMessage{raw}
		}
		for _, it := range items {
			var rep kyvernoReport
			if err := json.Unmarshal(it, &rep); err != nil {
				return nil, nil, shapeError(format, file, data, start, "%v", err)
			}
			reports = append(reports, rep)
			lines = append(lines, LineAt(data, start))
		}
	}
	return reports, lines, nil
}

// decodeKyvernoYAML reads a stream of YAML documents; skipped is the number
// of lines dropped before body, added to error lines.
func decodeKyvernoYAML(format, file string, body []byte, skipped int) ([]kyvernoReport, []int, error) {
	dec := yaml.NewDecoder(bytes.NewReader(body))
	var reports []kyvernoReport
	var lines []int
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, parseErrorFromYAML(format, file, body, err, skipped)
		}
		root := &doc
		if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
			root = root.Content[0]
		}
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue // empty document between "---"
		}
		var rep kyvernoReport
		if err := root.Decode(&rep); err != nil {
			return nil, nil, &ParseError{Format: format, File: file, Line: root.Line + skipped, Offset: -1, Err: err}
		}
		reports = append(reports, rep)
		lines = append(lines, root.Line+skipped)
	}
	return reports, lines, nil
}

// emitKyvernoReport emits the failing results of one report or List.
func emitKyvernoReport(opts Options, format string, rep kyvernoReport, line int, emit func(*translator.Finding) error) error {
	switch {
	case kyvernoListKinds[rep.Kind]:
		for _, it := range rep.Items {
			if err := emitKyvernoReport(opts, format, it, line, emit); err != nil {
				return err
			}
		}
		return nil
	case !kyvernoReportKinds[rep.Kind]:
		return &ParseError{Format: format, File: opts.File, Line: line, Offset: -1,
			Err: fmt.Errorf("kind %q (apiVersion %q) is not a policy report", rep.Kind, rep.APIVersion)}
	}
	for _, res := range rep.Results {
		outcome := res.Result
		if outcome == "" {
			outcome = res.Status
		}
		var sev translator.Severity
		switch strings.ToLower(outcome) {
		case "fail", "error":
			sev = translator.SeverityError
		case "warn":
			sev = translator.SeverityWarning
		case "pass", "skip":
			continue
		default:
			return &ParseError{Format: format, File: opts.File, Line: line, Offset: -1,
				Err: fmt.Errorf("policy %s: unknown result %q", res.Policy, outcome)}
		}
		objs := res.Resources
		if len(objs) == 0 && rep.Scope != nil {
			objs = []kyvernoResource{*rep.Scope}
		}
		if len(objs) == 0 {
			objs = []kyvernoResource{{}}
		}
		for _, obj := range objs {
			f := &translator.Finding{
				Tool:         "kyverno",
				Code:         res.Policy,
				Severity:     sev,
				ToolSeverity: outcome,
				Message:      strings.TrimSpace(res.Message),
				Resource:     kubeResource(obj.Kind, obj.Namespace, obj.Name),
			}
			if res.Rule != "" {
				f.Code = res.Policy + "/" + res.Rule
				f.Aliases = []string{res.Rule, res.Policy}
			}
			if f.Message == "" {
				f.Message = fmt.Sprintf("policy %s: %s (the report gives no message)", f.Code, outcome)
			}
			f.SetExtra("result", outcome)
			f.SetExtra("severity", res.Severity)
			f.SetExtra("category", res.Category)
			f.SetExtra("source", res.Source)
			f.SetExtra("policy", res.Policy)
			f.SetExtra("rule", res.Rule)
			f.SetExtra("namespace", obj.Namespace)
			f.SetExtra("api_version", obj.APIVersion)
			if err := emit(f); err != nil {
				return err
			}
		}
	}
	return nil
}
