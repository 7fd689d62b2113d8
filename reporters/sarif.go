package reporters

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/markdown"
)

func init() {
	Register("sarif", "SARIF 2.1.0, one run per tool, runbooks as rule help (GitHub code scanning)",
		func(opts Options) (Reporter, error) {
			if err := writerOrErr(opts.Out, "sarif"); err != nil {
				return nil, err
			}
			return NewSARIF(opts.Out), nil
		})
}

// SARIF schema and version written in every log.
const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	// sarifFingerprintKey versions our partial fingerprint: bump it if
	// Finding.Fingerprint ever changes meaning, so code scanning does not
	// match alerts across incompatible runs.
	sarifFingerprintKey = "runbookTranslator/v1"
	// sarifSrcRoot is the base of every artifact URI: paths are relative to
	// the repository root, which GitHub code scanning resolves itself.
	sarifSrcRoot = "%SRCROOT%"
)

// toolInfoURIs are the project pages of the tools runbook-translator reads,
// used as tool.driver.informationUri.
var toolInfoURIs = map[string]string{
	"actionlint":     "https://github.com/rhysd/actionlint",
	"checkov":        "https://www.checkov.io/",
	"conftest":       "https://www.conftest.dev/",
	"dockerfilelint": "https://github.com/replicatedhq/dockerfilelint",
	"gator":          "https://open-policy-agent.github.io/gatekeeper/website/docs/gator/",
	"gitleaks":       "https://github.com/gitleaks/gitleaks",
	"hadolint":       "https://github.com/hadolint/hadolint",
	"kube-linter":    "https://github.com/stackrox/kube-linter",
	"kube-score":     "https://github.com/zegl/kube-score",
	"kubeconform":    "https://github.com/yannh/kubeconform",
	"kyverno":        "https://kyverno.io/",
	"polaris":        "https://github.com/FairwindsOps/polaris",
	"tflint":         "https://github.com/terraform-linters/tflint",
	"tfsec":          "https://github.com/aquasecurity/tfsec",
	"trivy":          "https://trivy.dev/",
}

// SARIF is the "sarif" reporter: a SARIF 2.1.0 log with one run per tool.
// Rules are deduplicated per (tool, code) and carry the rendered runbook as
// help.markdown, which GitHub code scanning shows beside the alert; results
// carry a line-independent partial fingerprint, and ignored findings are
// results with an external suppression (code scanning then closes them as
// dismissed rather than losing them).
type SARIF struct {
	out io.Writer
}

var _ Reporter = (*SARIF)(nil)

// NewSARIF returns the SARIF reporter writing to out.
func NewSARIF(out io.Writer) *SARIF { return &SARIF{out: out} }

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules,omitempty"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name,omitempty"`
	ShortDescription     *sarifText      `json:"shortDescription,omitempty"`
	FullDescription      *sarifText      `json:"fullDescription,omitempty"`
	HelpURI              string          `json:"helpUri,omitempty"`
	Help                 *sarifHelp      `json:"help,omitempty"`
	DefaultConfiguration *sarifRuleConf  `json:"defaultConfiguration,omitempty"`
	Properties           *sarifRuleProps `json:"properties,omitempty"`
}

type sarifRuleConf struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	RunbookID    string   `json:"runbook_id,omitempty"`
	RunbookOwner string   `json:"runbook_owner,omitempty"`
	Tags         []string `json:"tags,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints,omitempty"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]string  `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// sarifRegion: SARIF requires startLine >= 1 and columns >= 1, so unknown
// (0) values are omitted rather than written.
type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status,omitempty"`
	Justification string `json:"justification,omitempty"`
}

// Report implements Reporter.
func (s *SARIF) Report(_ context.Context, run *translator.Run) error {
	if s.out == nil {
		return fmt.Errorf("write sarif report: no output")
	}
	enc := json.NewEncoder(s.out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(BuildSARIF(run)); err != nil {
		return fmt.Errorf("write sarif report: %w", err)
	}
	return nil
}

// BuildSARIF returns the SARIF log of a run as a value ready for
// encoding/json. A tool listed in run.Tools with no findings still gets a
// run with an empty results array ("ran and found nothing"); a run without
// any tool gets one empty run named runbook-translator, because code
// scanning needs at least one run to close earlier alerts.
func BuildSARIF(run *translator.Run) any {
	fs := sortedFindings(run)
	byTool := map[string]translator.Findings{}
	for _, f := range fs {
		byTool[f.Tool] = append(byTool[f.Tool], f)
	}
	var tools []string
	seen := map[string]bool{}
	for _, t := range run.Tools {
		if !seen[t] {
			seen[t] = true
			tools = append(tools, t)
		}
	}
	var extra []string
	for t := range byTool {
		if !seen[t] {
			extra = append(extra, t)
		}
	}
	sort.Strings(extra)
	tools = append(tools, extra...)
	if len(tools) == 0 {
		tools = []string{"runbook-translator"}
	}

	log := sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{}}
	for _, tool := range tools {
		log.Runs = append(log.Runs, sarifToolRun(tool, byTool[tool]))
	}
	return log
}

func sarifToolRun(tool string, fs translator.Findings) sarifRun {
	name := tool
	if name == "" {
		name = "unknown"
	}
	r := sarifRun{
		Tool:    sarifTool{Driver: sarifDriver{Name: name, InformationURI: toolInfoURIs[strings.ToLower(tool)]}},
		Results: []sarifResult{},
	}
	index := map[string]int{}
	for _, f := range fs {
		id := ruleID(f)
		i, ok := index[id]
		if !ok {
			i = len(r.Tool.Driver.Rules)
			index[id] = i
			r.Tool.Driver.Rules = append(r.Tool.Driver.Rules, sarifRuleOf(f))
		}
		r.Results = append(r.Results, sarifResultOf(f, id, i))
	}
	return r
}

// ruleID is the finding's code; SARIF allows any string, but a rule must
// have one, so a finding without a code gets "unknown".
func ruleID(f *translator.Finding) string {
	if f.Code == "" {
		return "unknown"
	}
	return f.Code
}

func sarifRuleOf(f *translator.Finding) sarifRule {
	short := oneLine(f.TitleOrCode())
	full := oneLine(f.Title)
	if full == "" {
		full = short
	}
	rule := sarifRule{
		ID:                   ruleID(f),
		ShortDescription:     &sarifText{Text: short},
		FullDescription:      &sarifText{Text: full},
		DefaultConfiguration: &sarifRuleConf{Level: f.Severity.SARIFLevel()},
	}
	if absoluteURI(f.URL) {
		rule.HelpURI = f.URL
	}
	tags := []string{f.Tool}
	if rb := f.Runbook; rb != nil {
		rule.Properties = &sarifRuleProps{RunbookID: rb.ID, RunbookOwner: rb.Owner}
		body := rb.Body
		if rb.Error != "" {
			// The body is the raw (untrusted) message when the template failed.
			body = markdown.Escape(rb.Body)
		}
		if strings.TrimSpace(body) != "" {
			rule.Help = &sarifHelp{Text: body, Markdown: body}
		}
		if rule.HelpURI == "" && len(rb.Links) > 0 && absoluteURI(rb.Links[0]) {
			rule.HelpURI = rb.Links[0]
		}
		tags = append(tags, "runbook:"+rb.ID)
	}
	if rule.Properties == nil {
		rule.Properties = &sarifRuleProps{}
	}
	rule.Properties.Tags = tags
	return rule
}

func sarifResultOf(f *translator.Finding, id string, index int) sarifResult {
	msg := f.Message
	if strings.TrimSpace(msg) == "" {
		msg = f.TitleOrCode() // message.text must say something
	}
	res := sarifResult{
		RuleID:    id,
		RuleIndex: index,
		Level:     f.Severity.SARIFLevel(),
		Message:   sarifText{Text: msg},
	}
	var loc sarifLocation
	if f.Path != "" {
		loc.PhysicalLocation = &sarifPhysical{
			ArtifactLocation: sarifArtifact{URI: pathURI(f.Path), URIBaseID: sarifSrcRoot},
			Region:           sarifRegionOf(f.Location),
		}
	}
	if f.Resource != "" {
		loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: f.Resource, Kind: "resource"}}
	}
	if loc.PhysicalLocation != nil || loc.LogicalLocations != nil {
		res.Locations = []sarifLocation{loc}
	}
	if f.Fingerprint != "" {
		res.PartialFingerprints = map[string]string{sarifFingerprintKey: f.Fingerprint}
	}
	if f.Ignored() {
		res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: f.Suppressed.Reason}}
	}
	props := map[string]string{}
	if f.ToolSeverity != "" {
		props["tool_severity"] = f.ToolSeverity
	}
	if f.Runbook != nil {
		props["runbook_id"] = f.Runbook.ID
	}
	if expired(f) {
		props["exception_expired"] = expiryDate(f)
	}
	if f.Ignored() && f.Suppressed.Expires != "" {
		props["suppression_expires"] = f.Suppressed.Expires
	}
	if len(props) > 0 {
		res.Properties = props
	}
	return res
}

func sarifRegionOf(l translator.Location) *sarifRegion {
	if l.Line <= 0 {
		return nil
	}
	r := &sarifRegion{StartLine: l.Line}
	if l.Column > 0 {
		r.StartColumn = l.Column
	}
	if l.EndLine >= l.Line {
		r.EndLine = l.EndLine
	}
	// An end column only makes sense with a start column and after it.
	endLine := l.Line
	if r.EndLine > 0 {
		endLine = r.EndLine
	}
	if l.EndColumn > 0 && r.StartColumn > 0 && (endLine > l.Line || l.EndColumn >= l.Column) {
		r.EndColumn = l.EndColumn
	}
	return r
}

// pathURI turns a repository-relative slash path into a relative URI
// reference (SARIF artifactLocation.uri has format uri-reference): bytes
// outside the unreserved set, "/" and a few sub-delimiters are
// percent-encoded, including spaces and ":" (which would otherwise read as
// a scheme in a first segment like "c:foo").
func pathURI(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/!$&'()*+,;=@", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// absoluteURI accepts what the schema's "format": "uri" accepts in practice:
// an absolute http(s) URL.
func absoluteURI(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t\n\"<>\\^`{|}") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
