package parsers

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"path"
	"regexp"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
)

func init() {
	Register(Format{
		Name: "sarif",
		Aliases: []string{
			"trivy-sarif", "tflint-sarif", "kube-linter-sarif", "kube-score-sarif",
			"gitleaks-sarif", "checkov-sarif", "conftest-sarif", "tfsec-sarif",
		},
		Description: "SARIF 2.1.0 from any tool (every run; the tool is the run's driver name)",
		Example:     "trivy config -f sarif k8s",
		Detect:      detectSARIF,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseSARIF(opts, r, emit)
			}), nil
		},
	})
}

// detectSARIF recognises a top-level object whose "$schema" names SARIF, or
// that has "version": "2.1.0" and "runs".
func detectSARIF(head []byte) int {
	s, ok := sniffJSON(head)
	if !ok || s.array {
		return 0
	}
	if strings.Contains(strings.ToLower(s.strs["$schema"]), "sarif") {
		return 2
	}
	if s.strs["version"] == "2.1.0" && s.keys["runs"] {
		return 2
	}
	// kube-score writes "runs" first and "version"/"$schema" last, beyond
	// the head of a large log; runs[].tool.driver is SARIF's own shape.
	if s.keys["runs"] && bytes.Contains(head, []byte(`"driver"`)) {
		return 2
	}
	return 0
}

// The subset of SARIF 2.1.0 that findings need.
type sarifLog struct {
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool struct {
		Driver sarifDriver `json:"driver"`
	} `json:"tool"`
	Results            []sarifResult                    `json:"results"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds"`
	Artifacts          []struct {
		Location sarifArtifactLocation `json:"location"`
	} `json:"artifacts"`
}

type sarifDriver struct {
	Name  string      `json:"name"`
	Rules []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string        `json:"id"`
	Name                 string        `json:"name"`
	ShortDescription     *sarifMessage `json:"shortDescription"`
	FullDescription      *sarifMessage `json:"fullDescription"`
	Help                 *sarifMessage `json:"help"`
	HelpURI              string        `json:"helpUri"`
	DefaultConfiguration *struct {
		Level string `json:"level"`
	} `json:"defaultConfiguration"`
	Properties map[string]any `json:"properties"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifResult struct {
	RuleID    string `json:"ruleId"`
	RuleIndex *int   `json:"ruleIndex"`
	Rule      *struct {
		ID    string `json:"id"`
		Index *int   `json:"index"`
	} `json:"rule"`
	Kind         string             `json:"kind"`
	Level        string             `json:"level"`
	Message      sarifMessage       `json:"message"`
	Locations    []sarifLocation    `json:"locations"`
	Suppressions []sarifSuppression `json:"suppressions"`
}

type sarifLocation struct {
	PhysicalLocation *struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           *sarifRegion          `json:"region"`
		ContextRegion    *sarifRegion          `json:"contextRegion"`
	} `json:"physicalLocation"`
	LogicalLocations []struct {
		Name               string `json:"name"`
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	} `json:"logicalLocations"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
	Index     *int   `json:"index"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

// sarifToolNames maps a driver name (lowercased, spaces removed) to our tool
// name, so that SARIF findings match the same runbooks as the tool's JSON.
var sarifToolNames = map[string]string{
	"trivy":         "trivy",
	"tflint":        "tflint",
	"tflint-errors": "tflint", // tflint's second run: config and parse errors
	"kubelinter":    "kube-linter",
	"kube-linter":   "kube-linter",
	"kube-score":    "kube-score",
	"kubescore":     "kube-score",
	"gitleaks":      "gitleaks",
	"checkov":       "checkov",
	"conftest":      "conftest",
	"tfsec":         "tfsec",
	"defsec":        "tfsec",
	"hadolint":      "hadolint",
	"actionlint":    "actionlint",
	"shellcheck":    "shellcheck",
	"kyverno":       "kyverno",
	"polaris":       "polaris",
}

// sarifTweak adjusts a finding built from a result for one tool's habits;
// it returns false when the result is not a finding after all.
type sarifTweak func(opts Options, f *translator.Finding, res *sarifResult, rule *sarifRule) bool

// sarifTweaks holds the per-tool adjustments. Keep each one small: the
// generic mapping does the work.
var sarifTweaks = map[string]sarifTweak{
	"conftest":    conftestSARIFTweak,
	"kube-linter": kubeLinterSARIFTweak,
	"trivy":       trivySARIFTweak,
}

func parseSARIF(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	var log sarifLog
	if err := DecodeJSON("sarif", opts.File, r, &log); err != nil {
		return err
	}
	if log.Runs == nil {
		// Valid JSON that is not SARIF (e.g. tflint's own JSON) would
		// otherwise read as "no findings".
		return &ParseError{Format: "sarif", File: opts.File, Line: 1, Offset: 0,
			Err: fmt.Errorf("not a SARIF log: no \"runs\" array (version %q)", log.Version)}
	}
	for i := range log.Runs {
		if err := parseSARIFRun(opts, &log.Runs[i], emit); err != nil {
			return err
		}
	}
	return nil
}

func parseSARIFRun(opts Options, run *sarifRun, emit func(*translator.Finding) error) error {
	driver := run.Tool.Driver.Name
	tool, known := sarifToolNames[strings.ReplaceAll(strings.ToLower(driver), " ", "")]
	if !known {
		switch {
		case opts.Tool != "":
			tool = opts.Tool
		case driver != "":
			tool = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(driver)), " ", "-")
		default:
			tool = "sarif"
		}
	}
	rulesByID := make(map[string]*sarifRule, len(run.Tool.Driver.Rules))
	for i := range run.Tool.Driver.Rules {
		r := &run.Tool.Driver.Rules[i]
		if _, dup := rulesByID[r.ID]; !dup {
			rulesByID[r.ID] = r
		}
	}
	tweak := sarifTweaks[tool]
	for i := range run.Results {
		res := &run.Results[i]
		rule := lookupSARIFRule(run, rulesByID, res)
		level := sarifLevel(res, rule)
		if level == "none" || res.Kind == "pass" || res.Kind == "notApplicable" {
			// "none" is SARIF for "not a problem": conftest successes
			// and skips, informational results.
			continue
		}
		f := &translator.Finding{
			Tool:         tool,
			Code:         res.RuleID,
			Severity:     sarifSeverity(level),
			ToolSeverity: level,
			Message:      res.Message.Text,
		}
		if f.Code == "" && rule != nil {
			f.Code = rule.ID
		}
		if rule != nil {
			f.URL = rule.HelpURI
			f.Title = msgText(rule.ShortDescription)
			// fullDescription first: several tools (trivy, checkov) write
			// rule.help from the first result only, naming its object.
			f.Remediation = msgText(rule.FullDescription)
			if f.Remediation == "" {
				f.Remediation = msgText(rule.Help)
			}
			if f.Remediation == f.Title {
				f.Remediation = ""
			}
		}
		if f.Message == "" {
			f.Message = res.Message.Markdown
		}
		if f.Message == "" {
			f.Message = f.Title
		}
		if f.Message == "" {
			f.Message = f.Code
		}
		if len(res.Locations) > 0 {
			setSARIFLocation(opts, run, f, &res.Locations[0])
		}
		if driver == "tflint-errors" {
			f.SetExtra("sarif_run", driver)
		}
		if s := sarifSuppressed(res.Suppressions); s != nil {
			f.Suppressed = s
		}
		if tweak != nil && !tweak(opts, f, res, rule) {
			continue
		}
		if err := emit(f); err != nil {
			return err
		}
	}
	return nil
}

// lookupSARIFRule finds the result's rule by index (checked against the id)
// or by id.
func lookupSARIFRule(run *sarifRun, byID map[string]*sarifRule, res *sarifResult) *sarifRule {
	rules := run.Tool.Driver.Rules
	id, idx := res.RuleID, res.RuleIndex
	if res.Rule != nil {
		if id == "" {
			id = res.Rule.ID
		}
		if idx == nil {
			idx = res.Rule.Index
		}
	}
	if idx != nil && *idx >= 0 && *idx < len(rules) && (id == "" || rules[*idx].ID == id) {
		return &rules[*idx]
	}
	return byID[id]
}

// sarifLevel applies SARIF's defaulting (§3.27.10): the result's level, else
// "none" for a kind other than fail, else the rule's default level, else
// "warning".
func sarifLevel(res *sarifResult, rule *sarifRule) string {
	if res.Level != "" {
		return res.Level
	}
	if res.Kind != "" && res.Kind != "fail" {
		return "none"
	}
	if rule != nil && rule.DefaultConfiguration != nil && rule.DefaultConfiguration.Level != "" {
		return rule.DefaultConfiguration.Level
	}
	return "warning"
}

func sarifSeverity(level string) translator.Severity {
	switch level {
	case "error":
		return translator.SeverityError
	case "note", "none":
		return translator.SeverityInfo
	}
	return translator.SeverityWarning
}

// sarifSuppressed turns accepted SARIF suppressions into a Suppression;
// rejected or under-review ones do not suppress (§3.35.3).
func sarifSuppressed(ss []sarifSuppression) *translator.Suppression {
	for _, s := range ss {
		if s.Status != "" && s.Status != "accepted" {
			continue
		}
		reason := s.Justification
		if reason == "" {
			reason = "suppressed in the SARIF log"
			if s.Kind != "" {
				reason += " (" + s.Kind + ")"
			}
		}
		return &translator.Suppression{Source: "sarif", Reason: bounded(reason, maxExtra)}
	}
	return nil
}

func msgText(m *sarifMessage) string {
	if m == nil {
		return ""
	}
	if m.Text != "" {
		return m.Text
	}
	return m.Markdown
}

func setSARIFLocation(opts Options, run *sarifRun, f *translator.Finding, loc *sarifLocation) {
	pl := loc.PhysicalLocation
	if pl == nil {
		return
	}
	al := pl.ArtifactLocation
	if al.URI == "" && al.Index != nil && *al.Index >= 0 && *al.Index < len(run.Artifacts) {
		al = run.Artifacts[*al.Index].Location
	}
	f.Path = sarifPath(opts, run, al)
	reg := pl.Region
	if reg == nil || reg.StartLine == 0 {
		// kube-score gives only a contextRegion: the line where the YAML
		// document starts. It is the best line there is for the object.
		reg = pl.ContextRegion
	}
	if reg != nil {
		f.Line, f.Column, f.EndLine, f.EndColumn = reg.StartLine, reg.StartColumn, reg.EndLine, reg.EndColumn
		clampPositions(&f.Location)
	}
}

// sarifPath resolves an artifact location to a repository-relative path.
// Absolute file: URIs go through CleanPath with BaseDir (kube-score). A
// relative URI with a uriBaseId stays relative to that base, i.e. to the
// scanned directory, as the tool's JSON output has it (trivy's ROOTPATH is
// the absolute scanned directory); only when the resolved absolute path lies
// under BaseDir does it become relative to BaseDir instead.
func sarifPath(opts Options, run *sarifRun, al sarifArtifactLocation) string {
	if p, ok := fileURIPath(al.URI); ok {
		return CleanPath(p, opts.BaseDir)
	}
	if hasURIScheme(al.URI) {
		return al.URI // e.g. https://: not a file in the repository
	}
	rel := unescapeURIPath(al.URI)
	if opts.BaseDir != "" && al.URIBaseID != "" {
		if base, ok := resolveURIBase(run, al.URIBaseID, 0); ok {
			abs := path.Join(base, rel)
			if c := CleanPath(abs, opts.BaseDir); !strings.HasPrefix(c, "/") {
				return c
			}
		}
	}
	return CleanPath(rel, opts.BaseDir)
}

// resolveURIBase follows originalUriBaseIds to an absolute file path.
func resolveURIBase(run *sarifRun, id string, depth int) (string, bool) {
	b, ok := run.OriginalURIBaseIDs[id]
	if !ok || depth > 8 {
		return "", false
	}
	if p, ok := fileURIPath(b.URI); ok {
		return p, true
	}
	if b.URIBaseID == "" {
		return "", false
	}
	parent, ok := resolveURIBase(run, b.URIBaseID, depth+1)
	if !ok {
		return "", false
	}
	return path.Join(parent, unescapeURIPath(b.URI)), true
}

var uriScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]+:`)
var windowsDrive = regexp.MustCompile(`^/[A-Za-z]:/`)

func hasURIScheme(s string) bool { return uriScheme.MatchString(s) && !windowsDrive.MatchString("/"+s) }

// fileURIPath returns the decoded path of a file: URI.
func fileURIPath(s string) (string, bool) {
	if !strings.HasPrefix(strings.ToLower(s), "file:") {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || u.Path == "" {
		return strings.TrimPrefix(s[len("file:"):], "//"), true
	}
	p := u.Path
	if u.Host != "" && u.Host != "localhost" {
		// kube-score writes "file://" + the path it was given, so a
		// relative path (helm's "# Source: shop/templates/x.yaml") reads
		// as host "shop": keep it relative rather than invent a host.
		return u.Host + p, true
	}
	if windowsDrive.MatchString(p) {
		p = p[1:]
	}
	return p, true
}

func unescapeURIPath(s string) string {
	if p, err := url.PathUnescape(s); err == nil {
		return p
	}
	return s
}

// conftestSARIFTweak: conftest's ruleId is "<namespace>/<kind>" with kind
// deny, warn, allow (an exception), success or skip; the policy ID and the
// resource are only in the message, and there is no region.
func conftestSARIFTweak(opts Options, f *translator.Finding, res *sarifResult, _ *sarifRule) bool {
	ns, kind := res.RuleID, ""
	if i := strings.LastIndexByte(res.RuleID, '/'); i >= 0 {
		ns, kind = res.RuleID[:i], res.RuleID[i+1:]
	}
	switch kind {
	case "deny":
		f.ToolSeverity = "failure"
	case "warn":
		f.ToolSeverity = "warning"
	case "allow":
		f.Severity, f.ToolSeverity = translator.SeverityError, "exception"
		f.Suppressed = &translator.Suppression{Source: "conftest", Reason: "conftest exception"}
	default:
		return false // success, skip
	}
	f.Code, f.Resource = policyIDAndResource(opts.CodePattern, f.Message, nil, nil)
	// The rule texts are conftest's generic "Policy violation" etc.
	f.Title, f.Remediation = "", ""
	f.SetExtra("namespace", ns)
	return true
}

// kubeLinterObject matches the "object: <ns>/<name> <group>/<version>,
// Kind=<Kind>" line kube-linter appends to every message.
var kubeLinterObject = regexp.MustCompile(`(?m)^object: (<no namespace>|\S*?)/(\S+) \S*, Kind=(\S+)\s*$`)

// kubeLinterSARIFTweak moves the object line of the message into Resource.
// kube-linter's region.startLine is always 1, whatever the object's line,
// so the line is dropped (0 = unknown) for the locate stage to fill in.
func kubeLinterSARIFTweak(_ Options, f *translator.Finding, _ *sarifResult, _ *sarifRule) bool {
	f.Line, f.Column, f.EndLine, f.EndColumn = 0, 0, 0, 0
	if m := kubeLinterObject.FindStringSubmatch(f.Message); m != nil {
		ns, name, kind := m[1], m[2], m[3]
		if ns == "<no namespace>" {
			ns = ""
		}
		f.Resource = kind + "/" + name
		if ns != "" {
			f.Resource = kind + "/" + ns + "/" + name
		}
		f.SetExtra("namespace", ns)
	}
	if i := strings.IndexByte(f.Message, '\n'); i >= 0 {
		f.Message = strings.TrimSpace(f.Message[:i])
	}
	return true
}

var trivySeverities = map[string]bool{"CRITICAL": true, "HIGH": true, "MEDIUM": true, "LOW": true, "UNKNOWN": true}

// trivySARIFTweak: trivy's message.text is a block of "Key: value" lines
// (Artifact, Type, Severity, Message, Link); the finding gets the Message
// line, as in trivy's JSON, or the rule title for secrets (whose block has
// a masked Match line instead). The tool's own severity (CRITICAL...) is in
// the block and in the rule's tags.
func trivySARIFTweak(_ Options, f *translator.Finding, _ *sarifResult, rule *sarifRule) bool {
	fields := map[string]string{}
	for _, line := range strings.Split(f.Message, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			if _, seen := fields[k]; !seen {
				fields[k] = strings.TrimSpace(v)
			}
		}
	}
	switch {
	case fields["Message"] != "":
		f.Message = fields["Message"]
	case f.Title != "":
		f.Message = f.Title
	}
	if sev := fields["Severity"]; trivySeverities[sev] {
		f.ToolSeverity = sev
	} else if rule != nil {
		if tags, ok := rule.Properties["tags"].([]any); ok {
			for _, t := range tags {
				if s, _ := t.(string); trivySeverities[s] {
					f.ToolSeverity = s
				}
			}
		}
	}
	f.SetExtra("artifact_type", fields["Type"])
	// trivy's columns are always 1: it reports line ranges only.
	f.Column, f.EndColumn = 0, 0
	if rule != nil && rule.Name == "Secret" {
		// A secret rule's fullDescription is the masked match, not advice.
		f.Remediation = ""
	}
	return true
}
