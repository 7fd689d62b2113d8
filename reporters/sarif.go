package reporters

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/markdown"
	"github.com/runbook-translator/runbook-translator/messages"
)

func init() {
	Register("sarif", "SARIF 2.1.0 for GitHub code scanning: one run per tool, runbooks as rule help, cut to GitHub's upload limits",
		func(opts Options) (Reporter, error) {
			if err := writerOrErr(opts.Out, "sarif"); err != nil {
				return nil, err
			}
			s := NewSARIF(opts.Out)
			s.warn = opts.Warn
			s.ReadFile = opts.ReadFile
			return s, nil
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
	// sarifSrcRoot is the base of every relative artifact URI: paths are
	// relative to the repository root, which GitHub code scanning resolves
	// itself.
	sarifSrcRoot = "%SRCROOT%"
	// sarifCutKey is the run property that says what was left out.
	sarifCutKey = "runbookTranslator/omitted"
)

// GitHub's limits on one SARIF upload. The REST API description of "Upload
// an analysis as SARIF data" (POST /repos/{owner}/{repo}/code-scanning/sarifs)
// says: "SARIF upload supports a maximum number of entries per the following
// data objects, and an analysis will be rejected if any of these objects is
// above its maximum value": runs per file 20, results per run 25,000 ("Only
// the top 5,000 results will be included, prioritized by severity"), rules
// per run 25,000, locations per result 1,000, tags per rule 20 ("Only 10 tags
// will be included"). docs.github.com troubleshooting-sarif-uploads/
// file-too-large: uploads "larger than the maximum size of 10 MB" (the
// gzip-compressed file) are refused.
//
// The writer is stricter where the documents disagree: an older version of
// the same API text said "any SARIF uploads with more than 25,000 results are
// rejected", so 25,000 bounds the results of the whole file, not only of one
// run; and it aims under the gzip limit with a margin, since the uploader
// may compress less well than we measure.
//
// They are variables only so that tests can lower them.
var (
	sarifMaxRuns    = 20
	sarifMaxResults = 25000
	// sarifMaxGzip is the 10 MB upload limit less a 5% margin.
	sarifMaxGzip int64 = 10 << 20 * 95 / 100
)

const (
	sarifMaxTags = 10
	// sarifMaxMessage bounds one result message (the tool's message plus,
	// for a rule whose runbook differs per finding, that finding's
	// runbook): GitHub documents no limit, but one hostile message must
	// not use up the 10 MB for every other result.
	sarifMaxMessage = 16 << 10
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

// securityTools are the scanners whose findings are security findings:
// their rules get the "security" tag and a security-severity, which is what
// makes GitHub code scanning show Critical/High/Medium/Low for them (Trivy's
// own SARIF writer, pkg/report/sarif.go, tags every rule "security" and sets
// security-severity). tfsec, checkov and gitleaks are security scanners by
// purpose; kube-linter's checks are Kubernetes security misconfigurations.
// Polaris marks each check with a category: its "Security" ones count too
// (see sarifSecurity).
var securityTools = map[string]bool{
	"trivy": true, "tfsec": true, "checkov": true, "gitleaks": true, "kube-linter": true,
}

// SARIF is the "sarif" reporter: a SARIF 2.1.0 log with one run per tool,
// written for GitHub code scanning.
//
//   - Every result has a physical location (GitHub refuses the whole upload
//     otherwise: "locationFromSarifResult: expected artifact location"); see
//     sarifArtifactURI for what a finding without a file gets.
//   - A rule is one (tool, code, runbook entry). Its help describes the
//     rule: the runbook when it reads the same for every finding of the
//     rule, otherwise the entry's title, owner, links and the tool's own
//     description; what the runbook says about one finding then goes into
//     that result's message. A code matched by two entries (gator's GK-103)
//     gets one rule per entry, with ids "CODE/entry-id".
//   - Results carry a line-independent partial fingerprint; ignored
//     findings are results with an external suppression (code scanning
//     closes them as dismissed rather than losing them).
//   - The log never exceeds GitHub's upload limits (see sarifMaxResults):
//     what does not fit is left out, lowest severity first, ignored before
//     active, and said so on stderr and in the run's properties
//     ("runbookTranslator/omitted").
//
// Memory is bounded: at most sarifMaxResults results are held, each with its
// message and location only, and one help text per rule.
type SARIF struct {
	out  io.Writer
	warn io.Writer
	st   *sarifState
	// ReadFile reads a repository-relative file, to write fix columns in
	// UTF-16 code units; nil keeps only the fixes that need no text.
	ReadFile func(path string) ([]byte, error)
}

var (
	_ Reporter = (*SARIF)(nil)
	_ Streamer = (*SARIF)(nil)
)

// NewSARIF returns the SARIF reporter writing to out.
func NewSARIF(out io.Writer) *SARIF { return &SARIF{out: out} }

// Report implements Reporter: the findings sorted, then written as Write
// would stream them.
func (s *SARIF) Report(_ context.Context, run *translator.Run) error { return report(s, run) }

// Begin implements Streamer.
func (s *SARIF) Begin(run *translator.Run) error {
	if s.out == nil {
		return fmt.Errorf("write sarif report: no output")
	}
	s.st = newSARIFState()
	s.st.read = s.ReadFile
	if run != nil {
		s.st.lang = run.Lang
	}
	return nil
}

// Write implements Streamer: the finding is kept (within the limits) as a
// result; nothing is written before End, because rules, the cut and rule
// ids are only known then.
func (s *SARIF) Write(f *translator.Finding) error {
	if s.st == nil {
		s.st = newSARIFState()
		s.st.read = s.ReadFile
	}
	s.st.add(f)
	return nil
}

// End implements Streamer: it writes the log.
func (s *SARIF) End(run *translator.Run) error {
	st := s.st
	if st == nil {
		st = newSARIFState()
	}
	s.st = nil
	st.lang = run.Lang
	st.finish(run.Tools)
	enc := st.fitGzip()
	if s.warn != nil {
		for _, n := range st.cutNotes() {
			fmt.Fprintf(s.warn, "runbook-translator: warning: sarif: %s\n", n)
		}
	}
	w := bufio.NewWriterSize(s.out, 64<<10)
	var err error
	if enc != nil {
		err = enc.writeTo(w) // the log as fitGzip measured it, not encoded again
		enc.close()
	} else {
		err = st.encode(w)
	}
	st.spool.close()
	if err != nil {
		return fmt.Errorf("write sarif report: %w", err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write sarif report: %w", err)
	}
	return nil
}

// --- state -------------------------------------------------------------

// sarifPriorities is the number of priority buckets: severity (unknown,
// info, warning, error, critical) times active/ignored.
const sarifPriorities = 10

// sarifState is what the writer holds between Begin and End.
type sarifState struct {
	tools map[string]*sarifToolRun
	order []string // tool names in order of first finding
	// buckets hold the kept results by priority; n counts them.
	buckets [sarifPriorities][]*sarifHeld
	n       int
	seq     int
	// seen counts every finding, kept or not.
	seen int
	// spool holds the kept results' text.
	spool spool

	// Filled by finish.
	runs []*sarifToolRun
	// cutRuns are tools whose run was left out (over sarifMaxRuns).
	cutRuns []string
	// read reads a repository file for fix columns (SARIF.ReadFile).
	read func(string) ([]byte, error)
	// lang is the run's language, for the rules' generic help (people
	// read it in GitHub code scanning); "" is the default.
	lang string
	// strs are the interned tool severities (intern).
	strs map[string]string
}

type sarifToolRun struct {
	tool  string
	rules map[sarifRuleKey]*sarifRuleState
	// codes counts the rules per code, for distinct ids.
	codes map[string]int
	// omitted counts left-out results by severity name; omittedReason says
	// which limit.
	omitted       map[string]int
	omittedReason map[string]bool
	seen          int
	// results, by seq, filled by finish.
	results []*sarifHeld
	// ruleList is the rules with at least one kept result, in index order.
	ruleList []*sarifRuleState
}

type sarifRuleKey struct{ code, runbook string }

// sarifRuleState is one rule: its help once, however many results.
type sarifRuleState struct {
	key      sarifRuleKey
	code     string // the finding's code, "" when it had none
	refs     int    // kept results
	id       string
	index    int
	title    string // tool's short description
	url      string
	help     string // first finding's runbook body
	uniform  bool   // every kept result had that body
	rb       *translator.Runbook
	maxSev   translator.Severity
	security bool
}

// sarifHeld is one kept result: only what its JSON needs, in as few bytes
// as the fields allow (up to sarifMaxResults are held: 168 bytes each, was
// 376). What most results lack is behind rare.
type sarifHeld struct {
	run  *sarifToolRun
	rule *sarifRuleState
	seq  int
	sev  translator.Severity
	// text is the message and then, when it differs from the rule's
	// help, this finding's runbook body (msgLen bytes, then the body), in
	// the state's spool: up to sarifMaxResults of them are held.
	text   spoolRef
	msgLen int32
	prio   int8
	base   bool // uri is relative to %SRCROOT%
	// The region: lines and columns are below translator.MaxLine.
	line, col, endLine, endCol int32
	uri                        string
	resource                   string
	fp                         string
	toolSev                    string // the tool_severity property
	runbookID                  string // the runbook_id property
	supp                       *translator.Suppression
	rare                       *sarifRare
}

// sarifRare is what few results have: the other properties, a baseline
// state, fixes.
type sarifRare struct {
	props    sarifResultProps // without the fields sarifHeld has
	baseline string           // SARIF baselineState: new, unchanged, or "" without --baseline
	fixes    []sarifFixOut    // the finding's fixes (sarif_fix.go)
}

// sarifResultProps are a result's properties: a struct, not a map. The
// fields are in the order encoding/json writes a map's keys (sorted),
// which is what the log had when they were one.
type sarifResultProps struct {
	ExceptionExpired      string `json:"exception_expired,omitempty"`
	FixesLeftOut          string `json:"fixes_left_out,omitempty"`
	Line                  string `json:"line,omitempty"`
	Location              string `json:"location,omitempty"`
	Resource              string `json:"resource,omitempty"`
	RunbookID             string `json:"runbook_id,omitempty"`
	SuppressionExpires    string `json:"suppression_expires,omitempty"`
	SuppressionExpiryNote string `json:"suppression_expiry_note,omitempty"`
	ToolSeverity          string `json:"tool_severity,omitempty"`
}

func newSARIFState() *sarifState {
	return &sarifState{tools: map[string]*sarifToolRun{}}
}

func (st *sarifState) toolRun(tool string) *sarifToolRun {
	r := st.tools[tool]
	if r == nil {
		r = &sarifToolRun{tool: tool, rules: map[sarifRuleKey]*sarifRuleState{}, codes: map[string]int{},
			omitted: map[string]int{}, omittedReason: map[string]bool{}}
		st.tools[tool] = r
		st.order = append(st.order, tool)
	}
	return r
}

func sarifPriority(f *translator.Finding) int {
	s := int(f.Severity)
	if s < 0 {
		s = 0
	}
	if s > int(translator.SeverityCritical) {
		s = int(translator.SeverityCritical)
	}
	p := s * 2
	if !f.Ignored() {
		p++
	}
	return p
}

// add keeps f as a result, evicting a kept result of lower priority when
// sarifMaxResults are held (the newest of the lowest bucket: in a sorted
// run, the last by path).
func (st *sarifState) add(f *translator.Finding) {
	if f == nil {
		return
	}
	st.seen++
	tool := f.Tool
	if tool == "" {
		tool = "unknown"
	}
	run := st.toolRun(tool)
	run.seen++
	prio := sarifPriority(f)
	if st.n >= sarifMaxResults {
		low := 0
		for low < sarifPriorities && len(st.buckets[low]) == 0 {
			low++
		}
		if low >= prio {
			run.omit(f.Severity, "results")
			return
		}
		b := st.buckets[low]
		st.evict(b[len(b)-1], "results")
		b[len(b)-1] = nil // the array must not keep the evicted result alive
		st.buckets[low] = b[:len(b)-1]
		if st.spool.wasteful() {
			st.compact()
		}
	}
	h := st.hold(run, f, prio)
	st.buckets[prio] = append(st.buckets[prio], h)
	st.n++
}

// compact copies the text of the kept results into a new spool, leaving
// behind that of the evicted ones: when findings keep displacing kept ones
// of lower severity, the spool stays within twice what is kept.
func (st *sarifState) compact() {
	var next spool
	for _, b := range st.buckets {
		for _, h := range b {
			h.text = next.put(st.spool.get(h.text))
		}
	}
	st.spool.close()
	st.spool = next
}

func (r *sarifToolRun) omit(sev translator.Severity, why string) {
	r.omitted[jsonSeverity(sev)]++
	r.omittedReason[why] = true
}

// evict drops a kept result; a rule left without results is forgotten, so
// the rules held stay bounded by the results held.
func (st *sarifState) evict(h *sarifHeld, why string) {
	h.run.omit(h.sev, why)
	st.spool.drop(h.text)
	st.n--
	h.rule.refs--
	if h.rule.refs == 0 {
		delete(h.run.rules, h.rule.key)
		h.run.codes[h.rule.key.code]--
	}
}

func (st *sarifState) hold(run *sarifToolRun, f *translator.Finding, prio int) *sarifHeld {
	code := f.Code
	if code == "" {
		code = "unknown" // SARIF allows any id, but a rule must have one
	}
	key := sarifRuleKey{code: code}
	body := ""
	if rb := f.Runbook; rb != nil {
		key.runbook = rb.ID
		body = rb.Body
		if rb.Error != "" {
			// The body is the raw (untrusted) message when the template failed.
			body = markdown.Escape(rb.Body)
		}
	}
	rule := run.rules[key]
	if rule == nil {
		rule = &sarifRuleState{key: key, code: f.Code, title: f.Title, help: body, uniform: true, rb: f.Runbook, maxSev: f.Severity}
		if absoluteURI(f.URL) {
			rule.url = f.URL
		}
		run.rules[key] = rule
		run.codes[code]++
	}
	rule.refs++
	if f.Severity > rule.maxSev {
		rule.maxSev = f.Severity
	}
	if sarifSecurity(f) {
		rule.security = true
	}
	if rule.title == "" {
		rule.title = f.Title
	}
	h := &sarifHeld{seq: st.seq, prio: int8(prio), run: run, rule: rule, sev: f.Severity,
		line: int32(f.Line), col: int32(f.Column), endLine: int32(f.EndLine), endCol: int32(f.EndColumn),
		// Copies: a finding's strings may be parts of a larger one (a
		// tool's message block) that must not stay alive with the result.
		resource: strings.Clone(f.Resource), fp: f.Fingerprint, toolSev: st.intern(f.ToolSeverity)}
	st.seq++
	own := ""
	if body != rule.help || findingSpecific(f, body) {
		rule.uniform = false
		own = truncate(body, sarifMaxMessage)
	}
	msg := f.Message
	if strings.TrimSpace(msg) == "" {
		msg = f.TitleOrCode() // message.text must say something
	}
	msg = truncate(msg, sarifMaxMessage)
	h.msgLen = int32(len(msg))
	h.text = st.spool.put(msg, own)
	var noFile string
	h.uri, h.base, noFile = sarifArtifactURI(f)
	if f.Suppressed != nil {
		s := *f.Suppressed
		h.supp = &s
	}
	if f.Runbook != nil {
		h.runbookID = f.Runbook.ID
	}
	var rare sarifRare
	p := &rare.props
	p.Location = noFile
	if f.Path != "" && f.Line <= 0 {
		p.Line = "unknown (the tool gave none; region is line 1)"
	}
	if expired(f) {
		p.ExceptionExpired = expiryDate(f)
	}
	if f.Ignored() && f.Suppressed.Expires != "" {
		p.SuppressionExpires = f.Suppressed.Expires
	}
	p.SuppressionExpiryNote = f.Suppressed.ExpiryNote()
	if len(f.Fixes) > 0 {
		var left int
		rare.fixes, left = sarifFixes(f, st.read) // sarif_fix.go
		if left > 0 {
			p.FixesLeftOut = fmt.Sprintf("%d (their file could not be read to give UTF-16 columns, or the text is over %d bytes)", left, maxSARIFFixText)
		}
	}
	rare.baseline = sarifBaselineState[f.Baseline]
	if rare.props != (sarifResultProps{}) || rare.baseline != "" || rare.fixes != nil {
		h.rare = &rare
	}
	return h
}

// intern returns a copy of s shared by every result that has it: a tool
// severity has a handful of values.
func (st *sarifState) intern(s string) string {
	if v, ok := st.strs[s]; ok {
		return v
	}
	if st.strs == nil {
		st.strs = map[string]string{}
	}
	if len(st.strs) < 64 {
		v := strings.Clone(s)
		st.strs[v] = v
		return v
	}
	return strings.Clone(s)
}

// sarifBaselineState maps Finding.Baseline to SARIF's result.baselineState.
var sarifBaselineState = map[string]string{translator.BaselineNew: "new", translator.BaselineExisting: "unchanged"}

// findingSpecific reports whether a runbook body is written for one finding:
// it names the finding's file path, qualified object name, message,
// container or installed version. Such
// a body is not rule help even when the rule has one result, since the next
// finding of the rule will read differently.
func findingSpecific(f *translator.Finding, body string) bool {
	if body == "" {
		return false
	}
	// A bare file or object name ("go.mod", "stdlib") is as likely to be
	// part of generic advice; a path or qualified name is not.
	for _, v := range []string{f.Path, f.Resource} {
		if len(v) >= 3 && strings.Contains(v, "/") && strings.Contains(body, v) {
			return true
		}
	}
	for _, v := range []string{f.Message, f.Extra["container"], f.Extra["installed_version"]} {
		if len(strings.TrimSpace(v)) >= 3 && strings.Contains(body, v) {
			return true
		}
	}
	return false
}

// sarifSecurity reports whether f is a security finding (see securityTools).
func sarifSecurity(f *translator.Finding) bool {
	return securityTools[strings.ToLower(f.Tool)] || strings.EqualFold(f.Extra["category"], "security")
}

// securitySeverity is the rule's security-severity: the scores Trivy's own
// SARIF writer gives its severities (severityToScore: CRITICAL 9.5, HIGH
// 8.0, MEDIUM 5.5, LOW 2.0), which GitHub reads as critical (9.0-10.0),
// high (7.0-8.9), medium (4.0-6.9) and low (0.1-3.9).
func securitySeverity(s translator.Severity) string {
	switch {
	case s >= translator.SeverityCritical:
		return "9.5"
	case s == translator.SeverityError:
		return "8.0"
	case s == translator.SeverityWarning:
		return "5.5"
	}
	return "2.0"
}

// sarifArtifactURI chooses the artifact location of a finding. GitHub
// needs one on every result; a finding without a file gets what the
// scanners' own SARIF uses in its place:
//
//   - a file: its repository-relative path (an absolute path, when no
//     --base-dir made it relative, becomes a file:// URI, which GitHub maps
//     with the upload's checkout_uri);
//   - Trivy's image and package scans (Extra "target", no file): the image
//     reference reduced to its repository path, as Trivy's ToPathUri does
//     ("alpine:3.18 (alpine 3.18.4)" -> "library/alpine");
//   - a Kubernetes or Terraform object without a file (Kyverno and
//     Gatekeeper reports, Polaris audits): the object, "Deployment/shop/web";
//   - nothing at all (hadolint read from stdin): "-", the name the tools
//     themselves give standard input.
//
// noFile says which, for the result's "location" property; it is empty
// for a real file.
func sarifArtifactURI(f *translator.Finding) (uri string, base bool, noFile string) {
	switch {
	case f.Path != "" && strings.HasPrefix(f.Path, "/"):
		return "file://" + pathURI(f.Path), false, ""
	case f.Path != "":
		return pathURI(f.Path), true, ""
	case f.Extra["target"] != "":
		return pathURI(imageRepoPath(f.Extra["target"])), true, "no file: the scanned image or artifact " + f.Extra["target"]
	case f.Resource != "":
		return pathURI(f.Resource), true, "no file: the object " + f.Resource
	}
	return "-", true, "no file: the tool read its input from stdin or gave no path"
}

// imageRepoPath reduces a Trivy target such as
// "registry.example.com:5000/team/app:1.2@sha256:ab (debian 12.1)" to the
// repository path "team/app", as Trivy's SARIF writer does with
// go-containerregistry's ParseReference(...).Context().RepositoryStr(): the
// " (os version)" suffix, tag, digest and registry host go; a Docker Hub
// name without a namespace gets "library/". A target that is not an image
// reference (a file or folder) keeps its path, without a leading "/" or
// "./".
func imageRepoPath(t string) string {
	if i := strings.Index(t, " ("); i > 0 {
		t = t[:i]
	}
	t = strings.TrimSpace(t)
	if i := strings.Index(t, "@"); i > 0 {
		t = t[:i]
	}
	parts := strings.Split(t, "/")
	if last := parts[len(parts)-1]; strings.Contains(last, ":") {
		parts[len(parts)-1] = last[:strings.Index(last, ":")]
	}
	registry := len(parts) > 1 && parts[0] != "." && parts[0] != ".." &&
		(strings.ContainsAny(parts[0], ".:") || parts[0] == "localhost")
	if registry {
		parts = parts[1:]
	}
	if !registry && len(parts) == 1 && parts[0] != "" && !strings.Contains(parts[0], ".") {
		parts = []string{"library", parts[0]}
	}
	out := strings.TrimLeft(strings.Join(parts, "/"), "/")
	out = strings.TrimPrefix(out, "./")
	if out == "" {
		return "-"
	}
	return out
}

// finish orders the kept results per run, assigns rule ids and indexes,
// and applies the runs limit.
func (st *sarifState) finish(tools []string) {
	var names []string
	seen := map[string]bool{}
	for _, t := range tools {
		if t != "" && !seen[t] {
			seen[t] = true
			names = append(names, t)
		}
	}
	var extra []string
	for _, t := range st.order {
		if !seen[t] {
			extra = append(extra, t)
		}
	}
	sort.Strings(extra)
	names = append(names, extra...)
	if len(names) == 0 {
		// Code scanning needs at least one run to close earlier alerts.
		names = []string{"runbook-translator"}
	}
	var all []*sarifHeld
	for _, b := range st.buckets {
		all = append(all, b...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	st.runs = nil
	for i, t := range names {
		r := st.toolRun(t)
		if i >= sarifMaxRuns {
			st.cutRuns = append(st.cutRuns, t)
			continue
		}
		st.runs = append(st.runs, r)
	}
	for _, r := range st.runs {
		r.results = r.results[:0]
		r.ruleList = nil
	}
	for _, h := range all {
		r := h.run
		if !st.kept(r) {
			r.omit(h.sev, "runs")
			continue
		}
		r.results = append(r.results, h)
	}
	for _, r := range st.runs {
		r.assignRules()
	}
}

func (st *sarifState) kept(r *sarifToolRun) bool {
	for _, k := range st.runs {
		if k == r {
			return true
		}
	}
	return false
}

// assignRules numbers the rules of the kept results in order of first
// result and gives a code matched by several runbook entries one rule id
// per entry ("CODE/entry-id"), so that no rule carries the wrong help.
func (r *sarifToolRun) assignRules() {
	for _, rule := range r.rules {
		rule.index = -1
	}
	for _, h := range r.results {
		rule := h.rule
		if rule.index >= 0 {
			continue
		}
		rule.index = len(r.ruleList)
		rule.id = rule.key.code
		if r.codes[rule.key.code] > 1 && rule.key.runbook != "" {
			rule.id = rule.key.code + "/" + rule.key.runbook
		}
		r.ruleList = append(r.ruleList, rule)
	}
}

// fitGzip leaves out the lowest-priority results until the log compresses
// under sarifMaxGzip, and returns the encoded log that does, spooled (nil
// when twenty rounds did not get there: End then encodes what is left).
// Each round encodes the log once, into the gzip size count and the spool
// together: the log that fits is written from the spool, not encoded a
// second time (the encoding was half of a -r sarif run's CPU).
func (st *sarifState) fitGzip() *spool {
	for range 20 {
		size, enc := st.gzipSize()
		if size <= sarifMaxGzip {
			return enc
		}
		if enc != nil {
			enc.close()
		}
		var all []*sarifHeld
		for _, r := range st.runs {
			all = append(all, r.results...)
		}
		if len(all) == 0 {
			return nil
		}
		// Drop a share a little larger than the excess, lowest first.
		drop := int(float64(len(all))*(1-float64(sarifMaxGzip)/float64(size))) + 1 + len(all)/50
		if drop > len(all) {
			drop = len(all)
		}
		sort.SliceStable(all, func(i, j int) bool {
			if all[i].prio != all[j].prio {
				return all[i].prio < all[j].prio
			}
			return all[i].seq > all[j].seq
		})
		gone := map[*sarifHeld]bool{}
		for _, h := range all[:drop] {
			gone[h] = true
			st.evict(h, "size")
		}
		for _, r := range st.runs {
			kept := r.results[:0]
			for _, h := range r.results {
				if !gone[h] {
					kept = append(kept, h)
				}
			}
			r.results = kept
			r.ruleList = nil
			r.assignRules()
		}
	}
	return nil
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// gzipSize encodes the log and returns the size of its gzip and the log,
// spooled.
func (st *sarifState) gzipSize() (int64, *spool) {
	var c countWriter
	// The upload (github/codeql-action src/upload-lib.ts) re-serialises
	// the log compactly (JSON.stringify) and gzips it at zlib's default
	// level. This counts the indented log at BestSpeed, which compresses
	// less (1.30 MB against 0.85 MB at the default level for the 200k-line
	// hadolint log of scripts/bench) for a third of the CPU: in practice the
	// estimate errs on the side of leaving a result out.
	zw, _ := gzip.NewWriterLevel(&c, gzip.BestSpeed)
	enc := &spool{}
	bw := bufio.NewWriterSize(io.MultiWriter(zw, enc), 64<<10)
	err := st.encode(bw)
	_ = bw.Flush()
	_ = zw.Close()
	if err != nil {
		// End encodes again, into the output, and reports the error.
		enc.close()
		return c.n, nil
	}
	return c.n, enc
}

// cutNotes says what was left out, one note per run.
func (st *sarifState) cutNotes() []string {
	var notes []string
	for _, r := range st.runs {
		if len(r.omitted) == 0 {
			continue
		}
		notes = append(notes, fmt.Sprintf("%s: %d of %d findings left out of the SARIF log (%s), to stay within GitHub's limits (%s); the other reports list them",
			r.tool, r.omittedTotal(), r.seen, r.omittedList(), r.reasons()))
	}
	for _, t := range st.cutRuns {
		r := st.tools[t]
		notes = append(notes, fmt.Sprintf("%s: its run (%d findings) left out of the SARIF log: GitHub accepts at most %d runs per file", t, r.seen, sarifMaxRuns))
	}
	return notes
}

func (r *sarifToolRun) omittedTotal() int {
	n := 0
	for _, c := range r.omitted {
		n += c
	}
	return n
}

func (r *sarifToolRun) omittedList() string {
	var parts []string
	for _, s := range []string{"critical", "error", "warning", "info"} {
		if c := r.omitted[s]; c > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c, s))
		}
	}
	return strings.Join(parts, ", ")
}

func (r *sarifToolRun) reasons() string {
	var parts []string
	if r.omittedReason["results"] {
		parts = append(parts, fmt.Sprintf("at most %d results per file", sarifMaxResults))
	}
	if r.omittedReason["size"] {
		parts = append(parts, "10 MB gzip-compressed")
	}
	if r.omittedReason["runs"] {
		parts = append(parts, fmt.Sprintf("at most %d runs", sarifMaxRuns))
	}
	return strings.Join(parts, "; ")
}

// --- encoding ----------------------------------------------------------

type sarifText struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
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
	RunbookID        string   `json:"runbook_id,omitempty"`
	RunbookOwner     string   `json:"runbook_owner,omitempty"`
	Tags             []string `json:"tags,omitempty"`
	SecuritySeverity string   `json:"security-severity,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints,omitempty"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	// BaselineState is SARIF 2.1.0 §3.27.24 (result.baselineState).
	BaselineState string            `json:"baselineState,omitempty"`
	Properties    *sarifResultProps `json:"properties,omitempty"`
	Fixes         []sarifFixOut     `json:"fixes,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation"`
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
// (0) columns are omitted rather than written.
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

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules,omitempty"`
}

type sarifOmitted struct {
	Findings   int            `json:"findings"`
	Of         int            `json:"of"`
	BySeverity map[string]int `json:"bySeverity"`
	Reason     string         `json:"reason"`
}

// encode writes the log: the header, then per run its tool (with rules)
// and its results one by one, so no second copy of the document is built.
// It is indented like encoding/json's two-space indent, for people reading
// the file and diffs of it.
func (st *sarifState) encode(w io.Writer) error {
	ew := &errWriter{w: w}
	ew.str("{\n  \"$schema\": \"" + sarifSchema + "\",\n  \"version\": \"" + sarifVersion + "\",\n  \"runs\": [")
	for i, r := range st.runs {
		if i > 0 {
			ew.str(",")
		}
		ew.str("\n    {\n      \"tool\": {\n        \"driver\": ")
		rules := make([]sarifRule, 0, len(r.ruleList))
		for _, rule := range r.ruleList {
			rules = append(rules, rule.sarif(r.tool, st.lang))
		}
		ew.json(sarifDriver{Name: r.tool, InformationURI: toolInfoURIs[strings.ToLower(r.tool)], Rules: rules}, "        ")
		ew.str("\n      },\n      \"results\": [")
		for j, h := range r.results {
			if j > 0 {
				ew.str(",")
			}
			ew.str("\n        ")
			ew.result(h.sarif(&st.spool), "        ")
		}
		if len(r.results) > 0 {
			ew.str("\n      ")
		}
		ew.str("]")
		if len(r.omitted) > 0 {
			ew.str(",\n      \"properties\": {\n        \"" + sarifCutKey + "\": ")
			ew.json(sarifOmitted{Findings: r.omittedTotal(), Of: r.seen, BySeverity: r.omitted, Reason: "GitHub code scanning limits: " + r.reasons()}, "        ")
			ew.str("\n      }")
		}
		ew.str("\n    }")
	}
	if len(st.runs) > 0 {
		ew.str("\n  ")
	}
	ew.str("]\n}\n")
	return ew.err
}

type errWriter struct {
	w   io.Writer
	err error
	// buf and depth are result's buffers, reused from result to result.
	buf   []byte
	depth []int
}

func (e *errWriter) str(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

func (e *errWriter) json(v any, prefix string) {
	if e.err != nil {
		return
	}
	b, err := json.MarshalIndent(v, prefix, "  ")
	if err != nil {
		e.err = err
		return
	}
	_, e.err = e.w.Write(b)
}

// result writes res as json.MarshalIndent(res, prefix, "  ") does, without
// reflection and without a second pass to indent every 1.3 KB message
// (sarifJSON): the 25,000 results of a log were 35 % of a -r sarif run's
// CPU that way.
func (e *errWriter) result(res sarifResult, prefix string) {
	if e.err != nil {
		return
	}
	j := sarifJSON{b: e.buf[:0], prefix: prefix, n: e.depth[:0]}
	if e.err = j.appendResult(&res); e.err != nil {
		return
	}
	e.buf, e.depth = j.b, j.n
	_, e.err = e.w.Write(j.b)
}

// sarif renders the rule. Its help is the runbook when every result of the
// rule had the same body (then it describes the rule); otherwise it is
// built from what belongs to the rule (the entry's title, owner and links,
// the tool's own description and link) and says that each result's message
// holds what the runbook says about that finding.
func (rule *sarifRuleState) sarif(tool, lang string) sarifRule {
	rb := rule.rb
	short := oneLine(rule.title)
	if rb != nil && rb.Title != "" && !rb.IsFallback() {
		short = oneLine(rb.Title)
	}
	if short == "" {
		short = oneLine(strings.TrimSpace(tool + " " + rule.code))
	}
	full := oneLine(rule.title)
	if full == "" {
		full = short
	}
	out := sarifRule{
		ID:                   rule.id,
		ShortDescription:     &sarifText{Text: short},
		FullDescription:      &sarifText{Text: full},
		HelpURI:              rule.url,
		DefaultConfiguration: &sarifRuleConf{Level: rule.maxSev.SARIFLevel()},
		Properties:           &sarifRuleProps{},
	}
	tags := []string{tool}
	if rule.security {
		tags = append(tags, "security")
		out.Properties.SecuritySeverity = securitySeverity(rule.maxSev)
	}
	if rb != nil {
		out.Properties.RunbookID, out.Properties.RunbookOwner = rb.ID, rb.Owner
		tags = append(tags, "runbook:"+rb.ID)
		if out.HelpURI == "" && len(rb.Links) > 0 && absoluteURI(rb.Links[0]) {
			out.HelpURI = rb.Links[0]
		}
		help := rule.help
		if !rule.uniform || strings.TrimSpace(help) == "" {
			help = rule.genericHelp(tool, lang)
		}
		out.Help = &sarifHelp{Text: help, Markdown: help}
	}
	if len(tags) > sarifMaxTags {
		tags = tags[:sarifMaxTags]
	}
	out.Properties.Tags = tags
	return out
}

// genericHelp is the help of a rule whose runbook reads differently per
// finding: only what holds for every finding of the rule, in lang.
func (rule *sarifRuleState) genericHelp(tool, lang string) string {
	rb := rule.rb
	var b strings.Builder
	title := rb.Title
	if title == "" {
		title = strings.TrimSpace(tool + " " + rule.code)
	}
	fmt.Fprintf(&b, "**%s**\n\n", markdown.Escape(oneLine(title)))
	if rule.title != "" && rule.title != rb.Title {
		fmt.Fprintf(&b, "%s: %s\n\n", markdown.Escape(tool), markdown.Escape(oneLine(rule.title)))
	}
	b.WriteString(messages.T(lang, "sarif.generic_help"))
	if rb.Owner != "" {
		b.WriteString(messages.T(lang, "sarif.owner", markdown.Escape(rb.Owner)))
	}
	var links []string
	for _, l := range rb.Links {
		if absoluteURI(l) {
			links = append(links, "<"+l+">")
		}
	}
	if rule.url != "" {
		links = append(links, "<"+rule.url+">")
	}
	if len(links) > 0 {
		b.WriteString(messages.T(lang, "sarif.see", strings.Join(links, ", ")))
	}
	return b.String()
}

func (h *sarifHeld) sarif(sp *spool) sarifResult {
	text := sp.get(h.text)
	msg, body := text[:h.msgLen], text[h.msgLen:]
	if !h.rule.uniform && strings.TrimSpace(body) != "" {
		msg = truncate(msg+"\n\nRunbook: "+body, sarifMaxMessage)
	}
	res := sarifResult{
		RuleID:    h.rule.id,
		RuleIndex: h.rule.index,
		Level:     h.sev.SARIFLevel(),
		Message:   sarifText{Text: msg},
	}
	phys := &sarifPhysical{ArtifactLocation: sarifArtifact{URI: h.uri}}
	if h.base {
		phys.ArtifactLocation.URIBaseID = sarifSrcRoot
	}
	// A file-level finding, or one without a file, is placed on line 1, as
	// Trivy's SARIF does ("add default (hardcoded) location for
	// vulnerabilities that don't support locations"); the result's
	// properties say the line is unknown.
	phys.Region = sarifRegionOf(translator.Location{Line: int(h.line), Column: int(h.col), EndLine: int(h.endLine), EndColumn: int(h.endCol)})
	if phys.Region == nil {
		phys.Region = &sarifRegion{StartLine: 1}
	}
	loc := sarifLocation{PhysicalLocation: phys}
	if h.resource != "" {
		loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: h.resource, Kind: "resource"}}
	}
	res.Locations = []sarifLocation{loc}
	if h.fp != "" {
		res.PartialFingerprints = map[string]string{sarifFingerprintKey: h.fp}
	}
	if h.supp != nil && !h.supp.Expired {
		just := h.supp.Reason
		if n := h.supp.ExpiryNote(); n != "" {
			just += " (" + n + ")"
		}
		res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: just}}
	}
	var props sarifResultProps
	if h.rare != nil {
		props = h.rare.props
		res.BaselineState = h.rare.baseline
		res.Fixes = h.rare.fixes
	}
	props.Resource, props.RunbookID, props.ToolSeverity = h.resource, h.runbookID, h.toolSev
	if props != (sarifResultProps{}) {
		res.Properties = &props
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
	if uriSafe(p) {
		return p // shared, not copied: one is held per SARIF result
	}
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

// uriSafe reports whether pathURI leaves p as it is.
func uriSafe(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/!$&'()*+,;=@", c) >= 0) {
			return false
		}
	}
	return true
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
