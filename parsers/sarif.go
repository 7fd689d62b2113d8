package parsers

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
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
		// The tokenizer refuses duplicate keys (sarifTokenOptions).
		ChecksDuplicateKeys: true,
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

// The subset of SARIF 2.1.0 that findings need. The log is read run by run
// and result by result with the token API (issue 10: a 184 MB log decoded
// whole took 3.1x its size): a run's tool, rules, base URIs and artifacts
// are held, each result is decoded, turned into a finding and dropped.

type sarifTool struct {
	Driver     sarifComponent   `json:"driver"`
	Extensions []sarifComponent `json:"extensions"`
}

// sarifComponent is a toolComponent (§3.19): the driver or an extension
// (a plugin, a rule pack) with its own rules and message strings.
type sarifComponent struct {
	Name                 string                  `json:"name"`
	GUID                 string                  `json:"guid"`
	Rules                []sarifRule             `json:"rules"`
	GlobalMessageStrings map[string]sarifMessage `json:"globalMessageStrings"`
	byID                 map[string]*sarifRule
}

type sarifRule struct {
	ID                   string                  `json:"id"`
	Name                 string                  `json:"name"`
	ShortDescription     *sarifMessage           `json:"shortDescription"`
	FullDescription      *sarifMessage           `json:"fullDescription"`
	Help                 *sarifMessage           `json:"help"`
	HelpURI              string                  `json:"helpUri"`
	MessageStrings       map[string]sarifMessage `json:"messageStrings"`
	DefaultConfiguration *struct {
		Level string `json:"level"`
	} `json:"defaultConfiguration"`
	Properties map[string]any `json:"properties"`
}

// sarifMessage is a message (§3.11) or a multiformatMessageString (§3.12).
type sarifMessage struct {
	Text      string   `json:"text"`
	Markdown  string   `json:"markdown"`
	ID        string   `json:"id"`
	Arguments []string `json:"arguments"`
}

type sarifResult struct {
	RuleID        string             `json:"ruleId"`
	RuleIndex     *int               `json:"ruleIndex"`
	Rule          *sarifRuleRef      `json:"rule"`
	Kind          string             `json:"kind"`
	Level         string             `json:"level"`
	BaselineState string             `json:"baselineState"`
	Message       sarifMessage       `json:"message"`
	Locations     []sarifLocation    `json:"locations"`
	Suppressions  []sarifSuppression `json:"suppressions"`
	Fixes         []sarifFix         `json:"fixes"`
}

// sarifRuleRef is a reportingDescriptorReference (§3.52).
type sarifRuleRef struct {
	ID            string                 `json:"id"`
	Index         *int                   `json:"index"`
	ToolComponent *sarifToolComponentRef `json:"toolComponent"`
}

// sarifToolComponentRef is a toolComponentReference (§3.54).
type sarifToolComponentRef struct {
	Name  string `json:"name"`
	GUID  string `json:"guid"`
	Index *int   `json:"index"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region"`
	ContextRegion    *sarifRegion          `json:"contextRegion"`
}

type sarifLogicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
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

type sarifInvocation struct {
	ExecutionSuccessful        *bool `json:"executionSuccessful"`
	ToolExecutionNotifications []struct {
		Level   string       `json:"level"`
		Message sarifMessage `json:"message"`
	} `json:"toolExecutionNotifications"`
	ToolConfigurationNotifications []struct {
		Level   string       `json:"level"`
		Message sarifMessage `json:"message"`
	} `json:"toolConfigurationNotifications"`
}

// sarifRun is what a run holds while its results are read.
type sarifRun struct {
	Tool               *sarifTool
	OriginalURIBaseIDs map[string]sarifArtifactLocation
	Artifacts          []struct {
		Location sarifArtifactLocation `json:"location"`
	}
	haveArtifacts bool
	haveBases     bool
	// ColumnKind is the run's columnKind, read once haveColumnKind: fixes
	// wait for it (sarifReader.ready).
	ColumnKind     string
	haveColumnKind bool
	Invocations    []sarifInvocation
	resultsNull    bool
	// paths memoises sarifPath for the artifact locations of results
	// (trivy names a few files thousands of times); reset when the base
	// URIs are read, as they change what a location resolves to.
	paths map[sarifArtifactLocation]string
	// pending holds results read before what they need (the tool, the
	// base URIs, the artifacts, the log's version) was seen; they are
	// turned into findings at the end of the run, in order.
	pending sarifPending
	// toolName is sarifToolName of toolNameOf, the driver's name, made
	// once per run rather than once per result.
	toolName, toolNameOf string
	haveToolName         bool
}

// sarifPending holds a run's waiting results as the bytes the log gives
// them in, each decoded once when it is turned into a finding: the first
// maxPendingInMemory bytes in memory, the rest spilled to a temporary file,
// so that a log whose results come before their base URIs (trivy writes
// originalUriBaseIds last) is still read in bounded memory.
type sarifPending struct {
	mem      []pendingResult
	memBytes int
	file     *os.File
	w        *bufio.Writer
	count    int
}

// pendingResult is a held result: its JSON and where it starts in the
// input, for the offset of an error in it.
type pendingResult struct {
	off int64
	b   []byte
}

// maxPendingInMemory is how many bytes of waiting results are kept in
// memory before the rest go to a temporary file.
const maxPendingInMemory = 4 << 20

func (p *sarifPending) len() int { return p.count }

// add holds the JSON b of a result that starts at offset off; b is copied.
func (p *sarifPending) add(b []byte, off int64) error {
	p.count++
	if p.memBytes+len(b) <= maxPendingInMemory && p.file == nil {
		p.mem = append(p.mem, pendingResult{off: off, b: append([]byte(nil), b...)})
		p.memBytes += len(b)
		return nil
	}
	if p.file == nil {
		f, err := os.CreateTemp("", "runbook-translator-sarif-*.bin")
		if err != nil {
			return fmt.Errorf("hold SARIF results until their run is read: %w", err)
		}
		p.file, p.w = f, bufio.NewWriterSize(f, 256<<10)
	}
	var hdr [2 * binary.MaxVarintLen64]byte
	n := binary.PutUvarint(hdr[:], uint64(off))
	n += binary.PutUvarint(hdr[n:], uint64(len(b)))
	if _, err := p.w.Write(hdr[:n]); err != nil {
		return fmt.Errorf("hold SARIF results until their run is read: %w", err)
	}
	if _, err := p.w.Write(b); err != nil {
		return fmt.Errorf("hold SARIF results until their run is read: %w", err)
	}
	return nil
}

// each calls fn for every held result in order, then releases them. The
// bytes given to fn are valid until it returns.
func (p *sarifPending) each(fn func(b []byte, off int64) error) (err error) {
	defer p.close()
	for i, r := range p.mem {
		if err := fn(r.b, r.off); err != nil {
			return err
		}
		p.mem[i].b = nil
	}
	p.mem = nil
	if p.file == nil {
		return nil
	}
	if err := p.w.Flush(); err != nil {
		return err
	}
	if _, err := p.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	br := bufio.NewReaderSize(p.file, 256<<10)
	var buf []byte
	for {
		off, err := binary.ReadUvarint(br)
		if err == io.EOF {
			return nil
		}
		var n uint64
		if err == nil {
			n, err = binary.ReadUvarint(br)
		}
		if err == nil && n > maxInputValue {
			err = fmt.Errorf("a held result of %d bytes", n)
		}
		if err == nil {
			if uint64(cap(buf)) < n {
				buf = make([]byte, n)
			}
			buf = buf[:n]
			_, err = io.ReadFull(br, buf)
		}
		if err != nil {
			return fmt.Errorf("read back held SARIF results: %w", err)
		}
		if err := fn(buf, int64(off)); err != nil {
			return err
		}
	}
}

// maxInputValue bounds what is read back from the spill file: more than
// any result a log holds, less than a corrupted length could ask for.
const maxInputValue = 1 << 32

func (p *sarifPending) close() {
	if p.file != nil {
		name := p.file.Name()
		p.file.Close()
		os.Remove(name)
		p.file, p.w = nil, nil
	}
	p.mem, p.memBytes, p.count = nil, 0, 0
}

// sarifDrivers maps a SARIF driver name (tool.driver.name) to our tool
// name, so that SARIF findings match the same catalog entries (`tool:`) as
// the tool's own format. Driver names are not CLI names; each is taken from
// the tool's source:
//
//	"GitHub Actions lint": rhysd/actionlint v1.7.12, testdata/format/sarif_template.txt
//	                       (actionlint has no SARIF writer; docs/usage.md points to this -format template)
//	"Trivy":               aquasecurity/trivy dc3c56eed5, pkg/report/sarif.go (NewRunWithInformationURI("Trivy", ...))
//	"Checkov":             bridgecrewio/checkov 03d5fdad8d, checkov/common/util/banner.py (default_tool = "Checkov",
//	                       passed to Sarif(tool=...) in checkov/common/runners/runner_registry.py)
//	"Bridgecrew":          the same, checkov/common/output/sarif.py (the name when no tool is passed)
//	"tflint", "tflint-errors": terraform-linters/tflint c09cef5f, formatter/sarif.go (two runs)
//	"kube-linter":         stackrox/kube-linter 35de568, internal/consts/consts.go (ProgramName),
//	                       used by pkg/command/lint/sarif_format.go
//	"kube-score":          zegl/kube-score 06dedc9, renderer/sarif/sarif.go
//	"gitleaks":            gitleaks/gitleaks b58d3f10, report/constants.go (const driver = "gitleaks")
//	"conftest":            open-policy-agent/conftest v0.71.1, output/sarif.go (toolName = "conftest")
//	"defsec":              aquasecurity/defsec v0.84.1, pkg/formatters/sarif.go, the formatter tfsec
//	                       (aquasecurity/tfsec 1ade1215f, go.mod) uses
//	"tfsec":               tfsec v1.26.0's own output, testdata/tfsec-sarif (recorded with the tool)
//	"Hadolint":            hadolint/hadolint 8f936c5, src/Hadolint/Formatter/Sarif.hs
//	"golangci-lint":       golangci/golangci-lint 6fb5dee38, pkg/printers/sarif.go
//
// Keys are compared case-insensitively. A driver not in the table becomes
// --tool, or its name lowercased with dashes for spaces.
var sarifDrivers = map[string]string{
	"github actions lint": "actionlint",
	"trivy":               "trivy",
	"checkov":             "checkov",
	"bridgecrew":          "checkov",
	"tflint":              "tflint",
	"tflint-errors":       "tflint", // tflint's second run: config and parse errors
	"kube-linter":         "kube-linter",
	"kube-score":          "kube-score",
	"gitleaks":            "gitleaks",
	"conftest":            "conftest",
	"tfsec":               "tfsec",
	"defsec":              "tfsec",
	"hadolint":            "hadolint",
	"golangci-lint":       "golangci-lint",
}

// sarifTool resolves a driver name to our tool name.
func sarifToolName(opts Options, driver string) string {
	if t, ok := sarifDrivers[strings.ToLower(strings.TrimSpace(driver))]; ok {
		return t
	}
	switch {
	case opts.Tool != "":
		return opts.Tool
	case driver != "":
		return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(driver)), " ", "-")
	}
	return "sarif"
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

// sarifVersionOK reports whether a log's version is one this reader
// understands. Only 2.1.0 is (§3.13.2); the OASIS drafts and the 1.0.0
// format put locations and rules elsewhere (resultFile, files, rules as a
// map), so reading them as 2.1.0 would silently lose every location.
func sarifVersionOK(v string) bool { return v == "2.1.0" }

// sarifSchemaVersion finds the version a $schema URI names
// ("sarif-schema-2.1.0.json", "sarif-2.0.0-csd.2.beta.2019-01-24.json",
// "sarif-1.0.0.json"); "" when it names none.
var sarifSchemaVersionRE = lazyre.New(`sarif(?:-schema)?-(\d+\.\d+\.\d+[-.A-Za-z0-9]*?)(?:\.json)?$`)

func sarifSchemaVersion(schema string) string {
	m := sarifSchemaVersionRE().FindStringSubmatch(strings.TrimSpace(schema))
	if m == nil {
		return ""
	}
	v := m[1]
	// The 2.1.0 schema's release candidates ("2.1.0-rtm.5") are 2.1.0.
	if strings.HasPrefix(v, "2.1.0-rtm.") {
		return "2.1.0"
	}
	return v
}

// sarifReader holds the state of one log.
type sarifReader struct {
	opts    Options
	s       *sarifStream
	emit    func(*translator.Finding) error
	version string     // "" until the version (or a $schema naming it) is read
	files   *fileCache // the files fixes are in (sarif_fix.go)
}

func parseSARIF(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	sr := &sarifReader{opts: opts, s: newSARIFStream("sarif", opts.File, r), emit: emit}
	return sr.read()
}

func (sr *sarifReader) unsupported(v string) error {
	return sr.s.errAt(sr.s.dec.InputOffset(), fmt.Errorf("unsupported SARIF version %q: only SARIF 2.1.0 is read (convert older logs with the SARIF SDK's `sarif transform`)", v))
}

// setVersion records the log's version; a version other than 2.1.0 is an
// error before any finding of the log is emitted.
func (sr *sarifReader) setVersion(v string) error {
	if !sarifVersionOK(v) {
		return sr.unsupported(v)
	}
	sr.version = v
	return nil
}

func (sr *sarifReader) read() (err error) {
	s := sr.s
	var runs []*sarifRun // runs whose results wait for the version
	defer func() {
		for _, run := range runs {
			run.pending.close()
		}
	}()
	t, err := s.token()
	if err != nil {
		return err
	}
	if t.Kind() != '{' {
		return s.shapeErr("want a SARIF log object, got " + describeKind(t.Kind()))
	}
	sawRuns := false
	var schema, version string
	for s.more() {
		k, err := s.key()
		if err != nil {
			return err
		}
		switch k {
		case "version":
			if err := s.decode(&version); err != nil {
				return err
			}
			if err := sr.setVersion(version); err != nil {
				return err
			}
		case "$schema":
			if err := s.decode(&schema); err != nil {
				return err
			}
			if v := sarifSchemaVersion(schema); v != "" && version == "" {
				if err := sr.setVersion(v); err != nil {
					return err
				}
			}
		case "runs":
			sawRuns = true
			t, err := s.token()
			if err != nil {
				return err
			}
			if t.Kind() == 'n' {
				// §3.13.4: null when the tool failed before it could
				// start a run. Not an error of the log.
				continue
			}
			if t.Kind() != '[' {
				return s.errAt(s.dec.InputOffset(), fmt.Errorf(`"runs" must be an array or null, got %s`, describeKind(t.Kind())))
			}
			for s.more() {
				run, err := sr.readRun()
				if err != nil {
					return err
				}
				if run.pending.len() > 0 {
					runs = append(runs, run)
				}
			}
			if _, err := s.token(); err != nil { // ']'
				return err
			}
		default:
			if err := s.skip(); err != nil {
				return err
			}
		}
	}
	if _, err := s.token(); err != nil { // '}'
		return err
	}
	if err := s.end(); err != nil {
		return err
	}
	if !sawRuns {
		// Valid JSON that is not SARIF (e.g. tflint's own JSON) would
		// otherwise read as "no findings".
		return &ParseError{Format: "sarif", File: sr.opts.File, Line: 1, Offset: 0,
			Err: fmt.Errorf("not a SARIF log: no \"runs\" array (version %q)", version)}
	}
	// Results held because the version came after the runs (kube-score
	// writes it last): the version is known now.
	for _, run := range runs {
		if err := sr.flush(run); err != nil {
			return err
		}
	}
	return nil
}

// readRun reads one run object, emitting its results as they come when
// everything they depend on has been read, and holding them otherwise.
func (sr *sarifReader) readRun() (_ *sarifRun, err error) {
	s := sr.s
	if err := s.expectDelim('{', "a run object"); err != nil {
		return nil, err
	}
	run := &sarifRun{}
	defer func() {
		if err != nil {
			run.pending.close() // the temporary file, if any
		}
	}()
	sawResults := false
	for s.more() {
		k, err := s.key()
		if err != nil {
			return nil, err
		}
		switch k {
		case "tool":
			var tool sarifTool
			if err := s.decode(&tool); err != nil {
				return nil, err
			}
			run.Tool = &tool
		case "originalUriBaseIds":
			if err := s.decode(&run.OriginalURIBaseIDs); err != nil {
				return nil, err
			}
			run.haveBases = true
			run.paths = nil // paths resolved before the bases were known
		case "artifacts":
			if err := s.decode(&run.Artifacts); err != nil {
				return nil, err
			}
			run.haveArtifacts = true
		case "invocations":
			if err := s.decode(&run.Invocations); err != nil {
				return nil, err
			}
		case "columnKind":
			if err := s.decode(&run.ColumnKind); err != nil {
				return nil, err
			}
			run.haveColumnKind = true
		case "results":
			sawResults = true
			t, err := s.token()
			if err != nil {
				return nil, err
			}
			if t.Kind() == 'n' {
				run.resultsNull = true
				continue
			}
			if t.Kind() != '[' {
				return nil, s.errAt(s.dec.InputOffset(), fmt.Errorf(`"results" must be an array or null, got %s`, describeKind(t.Kind())))
			}
			for s.more() {
				b, off, err := s.value()
				if err != nil {
					return nil, err
				}
				// A result that must wait is held as its bytes and
				// decoded once, at the end of the run; mayBeReady
				// avoids decoding it twice.
				if run.pending.len() == 0 && sr.mayBeReady(run, b) {
					res, err := s.decodeResult(b, off)
					if err != nil {
						return nil, err
					}
					if sr.ready(run, res) {
						if err := sr.result(run, res); err != nil {
							return nil, err
						}
						continue
					}
				}
				if err := run.pending.add(b, off); err != nil {
					run.pending.close()
					return nil, s.errAt(s.dec.InputOffset(), err)
				}
			}
			if _, err := s.token(); err != nil { // ']'
				return nil, err
			}
		default:
			if err := s.skip(); err != nil {
				return nil, err
			}
		}
	}
	if _, err := s.token(); err != nil { // '}'
		return nil, err
	}
	if sr.version != "" {
		if err := sr.flush(run); err != nil {
			return nil, err
		}
	}
	if (!sawResults || run.resultsNull) && run.pending.len() == 0 {
		// §3.14.23: results is null (or absent) when the tool did not
		// run; say so rather than report a clean scan.
		if msg := run.failure(); msg != "" {
			return nil, s.errAt(s.dec.InputOffset(), fmt.Errorf("the SARIF run of %q reports that the tool failed: %s", run.driverName(), msg))
		}
	}
	return run, nil
}

func (run *sarifRun) driverName() string {
	if run.Tool == nil {
		return ""
	}
	return run.Tool.Driver.Name
}

// failure returns the error-level notifications of an unsuccessful
// invocation, "" when there are none.
func (run *sarifRun) failure() string {
	var msgs []string
	for _, inv := range run.Invocations {
		if inv.ExecutionSuccessful == nil || *inv.ExecutionSuccessful {
			continue
		}
		for _, n := range inv.ToolExecutionNotifications {
			if n.Level == "error" || n.Level == "" {
				msgs = append(msgs, n.Message.Text)
			}
		}
		for _, n := range inv.ToolConfigurationNotifications {
			if n.Level == "error" || n.Level == "" {
				msgs = append(msgs, n.Message.Text)
			}
		}
	}
	return bounded(strings.Join(msgs, "; "), maxExtra)
}

// ready reports whether res can be turned into a finding now: the version
// and the tool are known, and the base URIs or artifacts its location
// needs have been read (tools write them after the results: trivy puts
// originalUriBaseIds last).
func (sr *sarifReader) ready(run *sarifRun, res *sarifResult) bool {
	if sr.version == "" || run.Tool == nil {
		return false
	}
	if len(res.Fixes) > 0 && !run.haveColumnKind {
		// A fix's columns are in the run's columnKind, which may come
		// after the results: the result waits for the end of the run.
		return false
	}
	for i := range res.Locations {
		pl := res.Locations[i].PhysicalLocation
		if pl == nil {
			continue
		}
		al := pl.ArtifactLocation
		if al.URIBaseID != "" && sr.opts.BaseDir != "" && !run.haveBases {
			return false
		}
		if al.URI == "" && al.Index != nil && !run.haveArtifacts {
			return false
		}
		break // only the first location is used
	}
	return true
}

// mayBeReady reports whether the result whose JSON is b may be ready (see
// ready) without decoding it: false when what it waits for is missing and
// b names the property that would need it. A property spelt otherwise
// (encoding/json matches names case-insensitively, a name may hold an
// escape) only costs a decoding: ready decides.
func (sr *sarifReader) mayBeReady(run *sarifRun, b []byte) bool {
	if sr.version == "" || run.Tool == nil {
		return false
	}
	if !run.haveColumnKind && bytes.Contains(b, []byte(`"fixes"`)) {
		return false
	}
	if sr.opts.BaseDir != "" && !run.haveBases && bytes.Contains(b, []byte(`"uriBaseId"`)) {
		return false
	}
	if !run.haveArtifacts && bytes.Contains(b, []byte(`"index"`)) {
		return false
	}
	return true
}

// flush turns the held results of a run into findings.
func (sr *sarifReader) flush(run *sarifRun) error {
	if run.Tool == nil {
		run.Tool = &sarifTool{}
	}
	return run.pending.each(func(b []byte, off int64) error {
		res, err := sr.s.decodeResult(b, off)
		if err != nil {
			return err
		}
		return sr.result(run, res)
	})
}

// component returns the toolComponent a result's rule belongs to (§3.52.7:
// rule.toolComponent names an extension by index, guid or name; otherwise
// the driver).
func (run *sarifRun) component(res *sarifResult) *sarifComponent {
	tool := run.Tool
	if res.Rule == nil || res.Rule.ToolComponent == nil {
		return &tool.Driver
	}
	tc := res.Rule.ToolComponent
	if tc.Index != nil {
		if *tc.Index >= 0 && *tc.Index < len(tool.Extensions) {
			return &tool.Extensions[*tc.Index]
		}
		return nil
	}
	for i := range tool.Extensions {
		e := &tool.Extensions[i]
		if tc.GUID != "" && strings.EqualFold(e.GUID, tc.GUID) || tc.GUID == "" && tc.Name != "" && e.Name == tc.Name {
			return e
		}
	}
	if tc.Name == tool.Driver.Name || tc.GUID != "" && strings.EqualFold(tc.GUID, tool.Driver.GUID) {
		return &tool.Driver
	}
	return nil
}

func (c *sarifComponent) rule(id string) *sarifRule {
	if c.byID == nil {
		c.byID = make(map[string]*sarifRule, len(c.Rules))
		for i := range c.Rules {
			if _, dup := c.byID[c.Rules[i].ID]; !dup {
				c.byID[c.Rules[i].ID] = &c.Rules[i]
			}
		}
	}
	return c.byID[id]
}

// lookupSARIFRule finds the result's rule (§3.27.5-7, §3.52): by index in
// its component (checked against the id when both are given), else by id
// in its component, else by id in the driver or any extension, else by the
// id's hierarchical prefix ("CA2101/sub" names rule "CA2101").
func lookupSARIFRule(run *sarifRun, res *sarifResult) (*sarifRule, *sarifComponent) {
	id, idx := res.RuleID, res.RuleIndex
	if res.Rule != nil {
		if id == "" {
			id = res.Rule.ID
		}
		if idx == nil {
			idx = res.Rule.Index
		}
	}
	comp := run.component(res)
	if comp != nil && idx != nil && *idx >= 0 && *idx < len(comp.Rules) && (id == "" || comp.Rules[*idx].ID == id) {
		return &comp.Rules[*idx], comp
	}
	if id == "" {
		return nil, comp
	}
	if comp != nil {
		if r := comp.rule(id); r != nil {
			return r, comp
		}
	}
	tool := run.Tool
	for _, c := range append([]*sarifComponent{&tool.Driver}, extPtrs(tool)...) {
		if r := c.rule(id); r != nil {
			return r, c
		}
	}
	if i := strings.LastIndexByte(id, '/'); i > 0 {
		for _, c := range append([]*sarifComponent{&tool.Driver}, extPtrs(tool)...) {
			if r := c.rule(id[:i]); r != nil {
				return r, c
			}
		}
	}
	return nil, comp
}

func extPtrs(t *sarifTool) []*sarifComponent {
	out := make([]*sarifComponent, len(t.Extensions))
	for i := range t.Extensions {
		out[i] = &t.Extensions[i]
	}
	return out
}

// sarifMessageText resolves a result message (§3.11): its text, else the
// message string its id names in the rule's messageStrings or the
// component's (then the driver's) globalMessageStrings; placeholders {n}
// are replaced by arguments[n] (§3.11.5).
func sarifMessageText(m *sarifMessage, rule *sarifRule, comp, driver *sarifComponent) string {
	text, md := m.Text, m.Markdown
	if text == "" && md == "" && m.ID != "" {
		var ms sarifMessage
		var ok bool
		if rule != nil {
			ms, ok = rule.MessageStrings[m.ID]
		}
		if !ok && comp != nil {
			ms, ok = comp.GlobalMessageStrings[m.ID]
		}
		if !ok && driver != nil {
			ms, ok = driver.GlobalMessageStrings[m.ID]
		}
		if ok {
			text, md = ms.Text, ms.Markdown
		}
	}
	if text == "" {
		text = md
	}
	return formatSARIFMessage(text, m.Arguments)
}

// formatSARIFMessage replaces {n} with args[n] and undoes the {{ and }}
// escapes (§3.11.5); a placeholder without an argument stays as written.
func formatSARIFMessage(s string, args []string) string {
	if strings.IndexByte(s, '{') < 0 && strings.IndexByte(s, '}') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '{' && i+1 < len(s) && s[i+1] == '{':
			b.WriteByte('{')
			i++
		case c == '}' && i+1 < len(s) && s[i+1] == '}':
			b.WriteByte('}')
			i++
		case c == '{':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' && j-i < 6 {
				j++
			}
			if j > i+1 && j < len(s) && s[j] == '}' {
				n, _ := strconv.Atoi(s[i+1 : j])
				if n < len(args) {
					b.WriteString(args[n])
					i = j
					continue
				}
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// result turns one result into a finding and emits it.
func (sr *sarifReader) result(run *sarifRun, res *sarifResult) error {
	opts := sr.opts
	driver := run.Tool.Driver.Name
	if !run.haveToolName || run.toolNameOf != driver {
		run.toolName, run.toolNameOf, run.haveToolName = sarifToolName(opts, driver), driver, true
	}
	tool := run.toolName
	rule, comp := lookupSARIFRule(run, res)
	level := sarifLevel(res, rule)
	if level == "none" || res.Kind == "pass" || res.Kind == "notApplicable" {
		// "none" is SARIF for "not a problem": conftest successes
		// and skips, informational results.
		return nil
	}
	if res.BaselineState == "absent" {
		// §3.27.24: present in the baseline, gone from this run.
		return nil
	}
	f := &translator.Finding{
		Tool:         tool,
		Code:         res.RuleID,
		Severity:     sarifSeverity(level),
		ToolSeverity: level,
		Message:      sarifMessageText(&res.Message, rule, comp, &run.Tool.Driver),
	}
	if f.Code == "" && res.Rule != nil {
		f.Code = res.Rule.ID
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
		f.Message = f.Title
	}
	if f.Message == "" {
		f.Message = f.Code
	}
	if f.Message == "" {
		f.Message = "result without a message"
	}
	if len(res.Locations) > 0 {
		setSARIFLocation(opts, run, f, &res.Locations[0])
	}
	if driver == "tflint-errors" {
		f.SetExtra("sarif_run", driver)
	}
	if res.BaselineState != "" {
		f.SetExtra("baseline_state", res.BaselineState)
	}
	if s := sarifSuppressed(res.Suppressions); s != nil {
		f.Suppressed = s
	}
	if len(res.Fixes) > 0 {
		sr.fixes(run, f, res.Fixes) // sarif_fix.go
	}
	if tweak := sarifTweaks[tool]; tweak != nil && !tweak(opts, f, res, rule) {
		return nil
	}
	return sr.emit(f)
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
	f.Path = run.path(opts, al)
	reg := pl.Region
	if reg == nil || reg.StartLine == 0 {
		// kube-score gives only a contextRegion: the line where the YAML
		// document starts. It is the best line there is for the object.
		reg = pl.ContextRegion
	}
	if reg != nil {
		f.Line, f.Column, f.EndLine, f.EndColumn = reg.StartLine, reg.StartColumn, reg.EndLine, reg.EndColumn
	}
}

// maxMemoPaths bounds run.paths: a log of distinct files gains nothing
// from it, and it must not grow with the log.
const maxMemoPaths = 4096

// path is sarifPath, memoised for locations that give a URI.
func (run *sarifRun) path(opts Options, al sarifArtifactLocation) string {
	if al.URI == "" {
		return sarifPath(opts, run, al)
	}
	al.Index = nil // unused when the URI is given
	if p, ok := run.paths[al]; ok {
		return p
	}
	p := sarifPath(opts, run, al)
	if run.paths == nil || len(run.paths) >= maxMemoPaths {
		run.paths = make(map[sarifArtifactLocation]string)
	}
	run.paths[al] = p
	return p
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
	if al.URIBaseID != "" {
		if prefix, ok := relativeURIBase(run, al.URIBaseID, 0); ok {
			rel = path.Join(prefix, rel)
		}
	}
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

// relativeURIBase follows a chain of relative originalUriBaseIds to one
// that gives no URI at all, which §3.14.14 (NOTE 1) lets a producer do for
// the root it does not know, conventionally the repository ("REPOROOT"):
// SRCROOT = "src/" under REPOROOT makes SRCROOT's files "src/...". It
// returns false when the chain ends in an absolute URI or an undefined id.
func relativeURIBase(run *sarifRun, id string, depth int) (string, bool) {
	b, ok := run.OriginalURIBaseIDs[id]
	if !ok || depth > 8 {
		return "", false
	}
	if b.URI == "" && b.URIBaseID == "" {
		return "", true
	}
	if _, abs := fileURIPath(b.URI); abs || hasURIScheme(b.URI) || strings.HasPrefix(b.URI, "/") {
		return "", false
	}
	if b.URIBaseID == "" {
		return "", false
	}
	parent, ok := relativeURIBase(run, b.URIBaseID, depth+1)
	if !ok {
		return "", false
	}
	return path.Join(parent, unescapeURIPath(b.URI)), true
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

var uriScheme = lazyre.New(`^[A-Za-z][A-Za-z0-9+.-]+:`)
var windowsDrive = lazyre.New(`^/[A-Za-z]:/`)

func hasURIScheme(s string) bool {
	return uriScheme().MatchString(s) && !windowsDrive().MatchString("/"+s)
}

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
	if windowsDrive().MatchString(p) {
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
	f.SetExtra("policy_namespace", ns)
	return true
}

// kubeLinterObject matches the "object: <ns>/<name> <group>/<version>,
// Kind=<Kind>" line kube-linter appends to every message.
var kubeLinterObject = lazyre.New(`(?m)^object: (<no namespace>|\S*?)/(\S+) \S*, Kind=(\S+)\s*$`)

// kubeLinterSARIFTweak moves the object line of the message into Resource.
// kube-linter's region.startLine is always 1, whatever the object's line,
// so the line is dropped (0 = unknown) for the locate stage to fill in.
func kubeLinterSARIFTweak(_ Options, f *translator.Finding, _ *sarifResult, _ *sarifRule) bool {
	f.Line, f.Column, f.EndLine, f.EndColumn = 0, 0, 0, 0
	if m := kubeLinterObject().FindStringSubmatch(f.Message); m != nil {
		ns, name, kind := m[1], m[2], m[3]
		if ns == "<no namespace>" {
			ns = ""
		}
		f.Resource = kubeResource(kind, ns, name)
		f.SetExtra("namespace", ns)
	}
	if i := strings.IndexByte(f.Message, '\n'); i >= 0 {
		f.Message = strings.TrimSpace(f.Message[:i])
	}
	return true
}

var trivySeverities = map[string]bool{"CRITICAL": true, "HIGH": true, "MEDIUM": true, "LOW": true, "UNKNOWN": true}

// trivyFields are the "Key: value" lines of a trivy message the tweak
// reads.
type trivyFields [6]string

var trivyFieldKeys = [...]string{"Message", "Package", "Installed Version", "Fixed Version", "Severity", "Type"}

// trivyMessageFields reads the first value of each of trivyFieldKeys from
// the lines of msg (one pass, no map: it runs once per result).
func trivyMessageFields(msg string) trivyFields {
	var out trivyFields
	var seen [len(trivyFieldKeys)]bool
	for rest := msg; rest != ""; {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			continue
		}
		i := trivyFieldIndex(k)
		if i >= 0 && !seen[i] {
			out[i], seen[i] = strings.TrimSpace(v), true
		}
	}
	return out
}

// trivyFieldIndex is the index of k in trivyFieldKeys, -1 when it is none.
func trivyFieldIndex(k string) int {
	switch k {
	case "Message":
		return 0
	case "Package":
		return 1
	case "Installed Version":
		return 2
	case "Fixed Version":
		return 3
	case "Severity":
		return 4
	case "Type":
		return 5
	}
	return -1
}

// get returns the value of key k, "" when the message has none.
func (t *trivyFields) get(k string) string {
	if i := trivyFieldIndex(k); i >= 0 {
		return t[i]
	}
	return ""
}

// trivySeverityName returns the trivySeverities spelling of sev, a
// constant, not the substring of a message that sev may be.
func trivySeverityName(sev string) string {
	switch sev {
	case "CRITICAL":
		return "CRITICAL"
	case "HIGH":
		return "HIGH"
	case "MEDIUM":
		return "MEDIUM"
	case "LOW":
		return "LOW"
	}
	return "UNKNOWN"
}

// trivySARIFTweak: trivy's message.text is a block of "Key: value" lines
// (Artifact, Type, Severity, Message, Link); the finding gets the Message
// line, as in trivy's JSON, or the rule title for secrets (whose block has
// a masked Match line instead). The tool's own severity (CRITICAL...) is in
// the block and in the rule's tags.
func trivySARIFTweak(_ Options, f *translator.Finding, _ *sarifResult, rule *sarifRule) bool {
	// The fields are substrings of the message block: what the finding
	// keeps is copied (or is one of trivySeverities' keys), so that a
	// finding (up to 50,000 are held before a run streams, and the SARIF
	// writer keeps 25,000) does not keep the whole block alive.
	fields := trivyMessageFields(f.Message)
	for _, i := range [...]int{0, 1, 2, 3, 5} { // all but Severity
		fields[i] = strings.Clone(fields[i])
	}
	switch {
	case fields.get("Message") != "":
		f.Message = fields.get("Message")
	case fields.get("Package") != "" || fields.get("Installed Version") != "":
		// A vulnerability (trivy pkg/report/sarif.go: "Package: %v\n
		// Installed Version: %v\nVulnerability %v\nSeverity: %v\nFixed
		// Version: %v\nLink: ..."): the same message as trivy's JSON
		// gives (trivy.go vuln), package and versions included.
		what := f.Title
		if what == "" {
			what = f.Code
		}
		msg := strings.TrimSpace(fields.get("Package") + " " + fields.get("Installed Version"))
		if msg != "" {
			msg += ": "
		}
		msg += what
		if fv := fields.get("Fixed Version"); fv != "" {
			msg += " (fixed in " + fv + ")"
		}
		f.Message = msg
		f.SetExtra("package", fields.get("Package"))
		f.SetExtra("installed_version", fields.get("Installed Version"))
		f.SetExtra("fixed_version", fields.get("Fixed Version"))
	case f.Title != "":
		f.Message = f.Title
	}
	if sev := fields.get("Severity"); trivySeverities[sev] {
		f.ToolSeverity = trivySeverityName(sev)
	} else if rule != nil {
		if tags, ok := rule.Properties["tags"].([]any); ok {
			for _, t := range tags {
				if s, _ := t.(string); trivySeverities[s] {
					f.ToolSeverity = s
				}
			}
		}
	}
	f.SetExtra("artifact_type", fields.get("Type"))
	// trivy's columns are always 1: it reports line ranges only.
	f.Column, f.EndColumn = 0, 0
	if rule != nil && rule.Name == "Secret" {
		// A secret rule's fullDescription is the masked match, not advice.
		f.Remediation = ""
	}
	return true
}
