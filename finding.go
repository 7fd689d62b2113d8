package translator

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/runbook-translator/runbook-translator/messages"
)

// Location is where a finding is: a repository-relative slash path and a
// 1-based range. Zero means unknown.
type Location struct {
	Path      string `json:"path"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
}

// MaxLine is the largest line or column number a finding may carry; the
// largest file anyone lints is far below it. A larger number (2^63-1 from a
// hostile input once made the diff filter loop forever) means "unknown".
const MaxLine = 1 << 24

// Clamp bounds the location once, where findings enter the run: negative,
// zero and out-of-range numbers become 0 (unknown), an end before its start
// is dropped, and an end past MaxLine is cut to it, so every later stage
// (diff filter, forges, reports) can rely on 0 <= n <= MaxLine.
func (l *Location) Clamp() {
	for _, p := range []*int{&l.Line, &l.Column} {
		if *p < 0 || *p > MaxLine {
			*p = 0
		}
	}
	for _, p := range []*int{&l.EndLine, &l.EndColumn} {
		switch {
		case *p < 0:
			*p = 0
		case *p > MaxLine:
			*p = MaxLine
		}
	}
	if l.Line == 0 || (l.EndLine != 0 && l.EndLine < l.Line) {
		l.EndLine, l.EndColumn = 0, 0
	}
	if l.Column == 0 {
		l.EndColumn = 0
	}
}

// Runbook is the rendered runbook entry attached to a finding.
type Runbook struct {
	// ID is the catalog entry id, or FallbackID when no specific entry matched.
	ID    string `json:"id"`
	Title string `json:"title"`
	// Body is the rendered Markdown; empty when the stage set it in its
	// JSON form only (SetBodyJSON).
	Body string `json:"body"`
	// Links are the entry's reference links (primary sources).
	Links []string `json:"links,omitempty"`
	// Owner is the team or person responsible for the policy, when known.
	Owner string `json:"owner,omitempty"`
	// Source is the catalog file the entry came from ("builtin:..." for the
	// embedded catalog).
	Source string `json:"source,omitempty"`
	// Error names a template that failed at render time; Body then holds the
	// raw message so the finding is not lost.
	Error string `json:"error,omitempty"`
	// Generic is true when only a per-tool default entry or the fallback
	// matched: the platform team has written nothing for this code yet.
	Generic bool `json:"generic,omitempty"`

	// render, when set, renders Body and Error on demand (SetRender): a
	// reporter that shows few bodies (the Markdown report shows one per
	// entry) renders only those.
	render func() (body, errText string)
	// bodyJSON, when set (SetBodyJSON), is the body as a JSON string, and
	// Body is empty: the runbook stage of a run whose every reporter writes
	// bodies only as JSON renders each body straight into that form.
	bodyJSON string
	// pooled is the buffer the JSON body lies in when it came from
	// BodyBuffer; with references (BodyBuf.Refs) bodyJSON is empty until
	// BodyJSON joins the parts.
	pooled *BodyBuf
}

// BodyBuf holds a JSON body (BodyBuffer, SetBodyJSONBuffer): the bytes of
// Enc with the strings of Refs inserted where they say. The runbook stage
// writes the long literal texts of an entry's body (escaped once, when the
// entry was compiled) as references instead of copying them: the reporter
// copies them from there, where every body of the entry finds them, into
// its output, and a body's own buffer holds only what depends on the
// finding. That was a kilobyte per finding copied once more, in another
// goroutine (often on another core) than the one that wrote it.
type BodyBuf struct {
	Enc  []byte
	Refs []BodyRef
}

// BodyRef is a string that comes after Enc[:At] in a body (BodyBuf); the
// Ats of a body's Refs do not decrease.
type BodyRef struct {
	At int
	S  string
}

// Parts calls fn with the pieces of the body in order: their concatenation
// is the body.
func (b *BodyBuf) Parts(fn func(string)) {
	enc := unsafe.String(unsafe.SliceData(b.Enc), len(b.Enc))
	prev := 0
	for _, r := range b.Refs {
		if r.At > prev {
			fn(enc[prev:r.At])
		}
		fn(r.S)
		prev = r.At
	}
	if prev < len(enc) {
		fn(enc[prev:])
	}
}

// Len is the length of the body.
func (b *BodyBuf) Len() int {
	n := len(b.Enc)
	for _, r := range b.Refs {
		n += len(r.S)
	}
	return n
}

// bodyPool holds the buffers of bodies written with BodyBuffer: on a
// streamed JSON-only run the body was nine tenths of the bytes allocated
// per finding, and so most of the garbage collector's work.
var bodyPool = sync.Pool{New: func() any { return &BodyBuf{Enc: make([]byte, 0, 2048)} }}

// maxPooledBody bounds the buffers kept in bodyPool.
const maxPooledBody = 64 << 10

// BodyBuffer returns an empty buffer for SetBodyJSONBuffer.
func BodyBuffer() *BodyBuf {
	b := bodyPool.Get().(*BodyBuf)
	b.Enc, b.Refs = b.Enc[:0], b.Refs[:0]
	return b
}

// SetBodyJSONBuffer is SetBodyJSON for a JSON body written into buf
// (from BodyBuffer). The runbook owns buf until ReleaseBody; nothing may
// keep BodyJSON's string or the parts past that.
func (r *Runbook) SetBodyJSONBuffer(buf *BodyBuf) {
	r.pooled = buf
	r.bodyJSON = ""
	if len(buf.Refs) == 0 {
		r.bodyJSON = unsafe.String(unsafe.SliceData(buf.Enc), len(buf.Enc))
	}
	r.Body = ""
}

// ReleaseBody gives the buffer of a body set by SetBodyJSONBuffer back to
// the pool; the body is empty afterwards. The pipeline calls it once every
// reporter has written the finding, on a streamed run whose reporters all
// copy the body as they write (reporters.JSONBodies). Otherwise it does
// nothing.
func (r *Runbook) ReleaseBody() {
	if r == nil || r.pooled == nil {
		return
	}
	buf := r.pooled
	r.bodyJSON, r.pooled = "", nil
	if cap(buf.Enc) <= maxPooledBody && cap(buf.Refs) <= 256 {
		bodyPool.Put(buf)
	}
}

// SetBodyJSON sets the body in its JSON form only: enc is the body as
// encoding/json writes a string (quotes included, HTML escaping on), and
// Body is left empty. Resolve and Rendered decode it for a reader that
// needs the text.
func (r *Runbook) SetBodyJSON(enc string) { r.bodyJSON, r.Body, r.pooled = enc, "", nil }

// HasBodyJSON reports whether the body was set in its JSON form (and not
// released): BodyJSON without joining its parts.
func (r *Runbook) HasBodyJSON() bool { return r != nil && (r.bodyJSON != "" || r.pooled != nil) }

// BodyJSON returns the JSON form of the body set by SetBodyJSON, or "".
// A body in parts (BodyBuf.Refs) is joined into its buffer on the first
// call; a writer that copies the body anyway reads BodyJSONParts.
func (r *Runbook) BodyJSON() string {
	if r == nil {
		return ""
	}
	if b := r.pooled; b != nil && len(b.Refs) > 0 {
		enc := make([]byte, 0, b.Len())
		b.Parts(func(s string) { enc = append(enc, s...) })
		b.Enc, b.Refs = enc, b.Refs[:0]
		r.bodyJSON = unsafe.String(unsafe.SliceData(enc), len(enc))
	}
	return r.bodyJSON
}

// BodyJSONParts calls fn with the pieces of BodyJSON in order, without
// joining them.
func (r *Runbook) BodyJSONParts(fn func(string)) {
	if enc, refs := r.BodyJSONRefs(); len(refs) > 0 {
		(&BodyBuf{Enc: enc, Refs: refs}).Parts(fn)
	} else if len(enc) > 0 {
		fn(unsafe.String(unsafe.SliceData(enc), len(enc)))
	}
}

// BodyJSONRefs returns the JSON body as BodyBuf's parts, without joining
// them: the bytes of enc with the strings of refs inserted (refs is empty
// for a body in one piece). Both are the runbook's until ReleaseBody.
func (r *Runbook) BodyJSONRefs() (enc []byte, refs []BodyRef) {
	if r == nil {
		return nil, nil
	}
	if b := r.pooled; b != nil && len(b.Refs) > 0 {
		return b.Enc, b.Refs
	}
	return unsafe.Slice(unsafe.StringData(r.bodyJSON), len(r.bodyJSON)), nil
}

// decodeBody returns the text of bodyJSON.
func (r *Runbook) decodeBody() string {
	var body string
	if json.Unmarshal([]byte(r.BodyJSON()), &body) != nil {
		return ""
	}
	return body
}

// SetRender makes Body and Error wait for Resolve: fn renders them.
func (r *Runbook) SetRender(fn func() (body, errText string)) { r.render = fn }

// Resolve renders a body left for later (SetRender) into Body and Error;
// afterwards, and for a runbook rendered up front, it does nothing.
func (r *Runbook) Resolve() {
	if r.HasBodyJSON() && r.Body == "" {
		r.Body = r.decodeBody()
	}
	if r == nil || r.render == nil {
		return
	}
	r.Body, r.Error = r.render()
	r.render = nil
}

// Rendered returns Body and Error, rendering them if they were left for
// later without keeping the result: for a reporter that compares bodies
// but shows one.
func (r *Runbook) Rendered() (body, errText string) {
	if r == nil {
		return "", ""
	}
	if r.render != nil {
		return r.render()
	}
	if r.HasBodyJSON() && r.Body == "" {
		return r.decodeBody(), r.Error
	}
	return r.Body, r.Error
}

// FallbackID is the runbook id of the generic fallback entry.
const FallbackID = "fallback"

// IsFallback reports whether only the generic fallback matched.
func (r *Runbook) IsFallback() bool { return r == nil || r.ID == FallbackID }

// Suppression records why a finding is ignored (or was, until its ignore expired).
type Suppression struct {
	Reason  string `json:"reason"`
	Expires string `json:"expires,omitempty"` // YYYY-MM-DD
	Link    string `json:"link,omitempty"`
	// Source says where the ignore came from: "config" or the tool's own
	// suppression (e.g. SARIF suppressions, conftest exceptions).
	Source string `json:"source,omitempty"`
	// Expired is true when the ignore no longer suppresses: the finding is
	// reported again, with a note that its exception expired.
	Expired bool `json:"expired,omitempty"`
	// ExpiresInDays is set while the ignore still suppresses but expires
	// within the warning window (ignore_policy.warn_within in the config):
	// the days it has left after today, 0 when today is its last day.
	// Computed once by the ignore stage; reporters print ExpiryNote.
	ExpiresInDays *int `json:"expires_in_days,omitempty"`
}

// ExpiresSoon returns the days left of an exception that still
// suppresses and expires within the warning window (0: today is its last
// day); ok is false otherwise, and for nil.
func (s *Suppression) ExpiresSoon() (days int, ok bool) {
	if s == nil || s.ExpiresInDays == nil || s.Expired {
		return 0, false
	}
	return max(*s.ExpiresInDays, 0), true
}

// ExpiryNote is the reminder reporters show for an exception that expires
// soon, "exception expires in 5 days" ("in 1 day", "today"), or "" when
// it is not within the warning window. Reports in a language other than
// English use messages.Expiry.
func (s *Suppression) ExpiryNote() string {
	n, ok := s.ExpiresSoon()
	if !ok {
		return ""
	}
	switch {
	case n <= 0:
		return "exception expires today"
	case n == 1:
		return "exception expires in 1 day"
	default:
		return fmt.Sprintf("exception expires in %d days", n)
	}
}

// Finding is one problem reported by a tool, normalised.
type Finding struct {
	Tool         string   `json:"tool"`
	Code         string   `json:"code"`
	Severity     Severity `json:"severity"`
	ToolSeverity string   `json:"tool_severity"`
	Message      string   `json:"message"`
	Location
	// Resource is the object the finding is about, e.g. "Deployment/web"
	// (Kubernetes; "Deployment/ns/web" when namespaced) or
	// "aws_s3_bucket.logs" (Terraform).
	Resource string `json:"resource,omitempty"`
	// URL is the tool's own documentation link for the rule.
	URL string `json:"url,omitempty"`
	// Fingerprint identifies the finding across runs; it does not depend on
	// the line number. See Findings.AssignFingerprints.
	Fingerprint string `json:"fingerprint"`
	// Runbook is the rendered runbook entry; nil until the runbook stage ran.
	Runbook *Runbook `json:"runbook,omitempty"`

	// Title is the tool's short rule description, when it has one.
	Title string `json:"title,omitempty"`
	// Remediation is the tool's own fix text, shown by the fallback runbook.
	Remediation string `json:"remediation,omitempty"`
	// Aliases are other spellings of Code the tool gives for the same rule
	// (Trivy AVDID, tfsec long IDs); catalog matching tries them too.
	Aliases []string `json:"aliases,omitempty"`
	// Extra holds tool-specific facts: package, installed_version,
	// fixed_version, namespace, policy_query, enforcement_action, ...
	// Templates read them as .Extra.name.
	Extra map[string]string `json:"extra,omitempty"`

	// Suppressed is set when the finding is ignored (or was, if Expired).
	Suppressed *Suppression `json:"suppressed,omitempty"`
	// Located says how a finding without a line got one ("resource found at
	// k8s/web.yaml:12"); empty when the tool gave the line.
	Located string `json:"located,omitempty"`
	// LocatedText is Located as a message of the table, for reports
	// in the run's language (Located is its English text).
	LocatedText messages.Msg `json:"-"`
	// OutsideDiff is set by the diff filter: the finding counts, but cannot
	// be shown inline and belongs in the summary.
	OutsideDiff bool `json:"outside_diff,omitempty"`
	// Baseline is BaselineNew or BaselineExisting when the run compared
	// against a baseline (--baseline); empty otherwise.
	Baseline string `json:"baseline,omitempty"`

	// Fixes are changes that resolve the finding, best first: the first is
	// the one reporters suggest. They come from the tool (rdjson
	// suggestions, SARIF fixes, shellcheck json1 fix) or from the runbook
	// entry's fix: block.
	Fixes []Fix `json:"fixes,omitempty"`
	// FixNote says why a runbook entry with a fix: block produced no
	// suggestion for this finding ("the located line is a Helm template
	// expression, not literal YAML"); empty otherwise.
	FixNote string `json:"fix_note,omitempty"`
	// FixNoteText is FixNote as a message of the table, for reports
	// in the run's language (FixNote is its English text); zero when the
	// note has no message key (notes of tool parsers).
	FixNoteText messages.Msg `json:"-"`
}

// Fix is one way to resolve a finding: edits to files in the base dir.
type Fix struct {
	// Description says what the fix does, in one line.
	Description string `json:"description,omitempty"`
	// Source is "runbook:<entry id>" for a fix from the catalog, or the
	// tool's name for a fix the tool computed.
	Source string `json:"source"`
	// Edits never overlap one another; they may touch several files.
	Edits []Edit `json:"edits"`
}

// Edit replaces a range of one file with Text. Lines and columns are
// 1-based, columns count bytes, and the range ends before (EndLine,
// EndColumn): an insertion has Start == End, and a whole-line edit of lines
// a..b runs from (a, 1) to (b+1, 1).
type Edit struct {
	Path        string `json:"path"`
	StartLine   int    `json:"start_line"`
	StartColumn int    `json:"start_column"`
	EndLine     int    `json:"end_line"`
	EndColumn   int    `json:"end_column"`
	Text        string `json:"text"`
}

// Values of Finding.Baseline.
const (
	BaselineNew      = "new"
	BaselineExisting = "existing"
)

// Ignored reports whether the finding is suppressed by an active ignore.
func (f *Finding) Ignored() bool { return f.Suppressed != nil && !f.Suppressed.Expired }

// SetExtra sets an Extra key, allocating the map on first use.
func (f *Finding) SetExtra(k, v string) {
	if v == "" {
		return
	}
	if f.Extra == nil {
		f.Extra = map[string]string{}
	}
	f.Extra[k] = v
}

// Codes returns Code followed by its aliases, without empty strings.
func (f *Finding) Codes() []string {
	out := make([]string, 0, 1+len(f.Aliases))
	if f.Code != "" {
		out = append(out, f.Code)
	}
	for _, a := range f.Aliases {
		if a != "" {
			out = append(out, a)
		}
	}
	return out
}

// BaseFingerprint returns the fingerprint of f without the "-N" suffix
// that tells identical findings apart: the first 16 hex digits of the
// SHA-256 of what identifies a finding independent of its line (tool,
// normalised code, path, resource and message, each followed by a NUL).
// It allocates only the result (a streamed run computes it per finding).
func (f *Finding) BaseFingerprint() string {
	var buf [512]byte
	return fingerprintOf(f.appendFingerprintInput(buf[:0]))
}

// appendFingerprintInput appends what BaseFingerprint hashes.
func (f *Finding) appendFingerprintInput(b []byte) []byte {
	b = append(append(b, f.Tool...), 0)
	b = append(appendNormalCode(b, f.Code), 0)
	for _, s := range [...]string{f.Path, f.Resource, f.Message} {
		b = append(append(b, s...), 0)
	}
	return b
}

// fingerprintOf is the base fingerprint of the hashed input b.
func fingerprintOf(b []byte) string {
	sum := sha256.Sum256(b)
	var h [16]byte
	hex.Encode(h[:], sum[:8])
	return string(h[:])
}

// FingerprintMemo computes base fingerprints (BaseFingerprint) and
// remembers them by what they hash. Real lint output repeats a finding's
// identity, which leaves out the line: shellcheck's SC2086 message on many
// lines of one script, the same hadolint rule in every stage of a
// Dockerfile. A hit costs a map lookup instead of a SHA-256 and the result
// string; the hash was a quarter of the instructions of a streamed
// `review -r json` on shellcheck- and hadolint-shaped input (without SHA-NI,
// a tenth of the CPU with it). The memo judges itself per window of
// lookups and turns itself off for the rest of the run after a window with
// too few hits (input where every message is distinct): then a miss, a key
// stored and never read, costs more than it saves. It holds at most
// fingerprintMemoBytes of keys and empties itself when full. The zero
// value is ready; it is not safe for concurrent use (a streamed run's sink
// is one goroutine).
type FingerprintMemo struct {
	m             map[string]string
	bytes         int
	lookups, hits int
	judged, off   bool
}

const (
	// fingerprintMemoWindow is how many lookups a judgement covers. The
	// first window must hit one lookup in 8, every later one one in 4:
	// the hit rate of repetitive input climbs as it is read (every identity
	// is new once), 0.28 over the first 1,024 shellcheck-shaped findings of
	// scripts/benchgen, 0.18 over as many hadolint ones, and 0.96 and 0.99
	// over 200,000; on a line of its own, a miss costs a third of a hash.
	fingerprintMemoWindow = 1024
	// fingerprintMemoBytes bounds the keys held (about 130 bytes each on
	// the benchmark inputs: 8,000 identities in 1 MiB).
	fingerprintMemoBytes = 2 << 20
)

// Base returns f.BaseFingerprint().
func (p *FingerprintMemo) Base(f *Finding) string {
	if p.off {
		return f.BaseFingerprint()
	}
	// The key is the identity's fields with the code as spelled, each
	// after its length (a field may hold a NUL): it determines the
	// fingerprint, and a hit needs no normal form of the code.
	var buf [512]byte
	k := buf[:0]
	for _, s := range [...]string{f.Tool, f.Code, f.Path, f.Resource, f.Message} {
		k = append(binary.AppendUvarint(k, uint64(len(s))), s...)
	}
	if fp, ok := p.m[string(k)]; ok {
		p.hits++
		p.count()
		return fp
	}
	fp := f.BaseFingerprint()
	if p.m == nil || p.bytes+len(k) > fingerprintMemoBytes {
		p.m, p.bytes = make(map[string]string, 256), 0
	}
	p.m[string(k)] = fp
	p.bytes += len(k)
	p.count()
	return fp
}

// count ends a lookup and judges the memo at the end of a window.
func (p *FingerprintMemo) count() {
	p.lookups++
	if p.lookups < fingerprintMemoWindow {
		return
	}
	need := 4
	if !p.judged {
		need = 8
	}
	if p.hits*need < p.lookups {
		p.off, p.m = true, nil
	}
	p.lookups, p.hits, p.judged = 0, 0, true
}

// NumberedFingerprint is the fingerprint of the n-th (n >= 2) finding with
// base fingerprint base: "base-n".
func NumberedFingerprint(base string, n int) string {
	var buf [40]byte
	b := append(append(buf[:0], base...), '-')
	return string(strconv.AppendInt(b, int64(n), 10))
}

// Findings is the collection a run works on; it owns the verdict.
type Findings []*Finding

// Less is the order of every report: path, line, column, tool, code,
// message. Sort uses it; streaming and forge reporters order by it too.
func Less(a, b *Finding) bool {
	switch {
	case a.Path != b.Path:
		return a.Path < b.Path
	case a.Line != b.Line:
		return a.Line < b.Line
	case a.Column != b.Column:
		return a.Column < b.Column
	case a.Tool != b.Tool:
		return a.Tool < b.Tool
	case a.Code != b.Code:
		return a.Code < b.Code
	}
	return a.Message < b.Message
}

// Sort orders findings by Less, so that every output is deterministic.
func (fs Findings) Sort() {
	sort.SliceStable(fs, func(i, j int) bool { return Less(fs[i], fs[j]) })
}

// AssignFingerprints sets Fingerprint on every finding that has none. Two
// findings with the same line-independent identity (the same message twice
// in one file) are told apart by their order of appearance, so a re-run
// matches them one to one. Call after Sort.
func (fs Findings) AssignFingerprints() {
	seen := map[string]int{}
	var memo FingerprintMemo
	for _, f := range fs {
		if f.Fingerprint != "" {
			continue
		}
		base := memo.Base(f)
		n := seen[base]
		seen[base] = n + 1
		if n == 0 {
			f.Fingerprint = base
		} else {
			f.Fingerprint = NumberedFingerprint(base, n+1)
		}
	}
}

// Exceeds reports whether any finding that is not ignored is at or above level.
func (fs Findings) Exceeds(level Severity) bool {
	for _, f := range fs {
		if !f.Ignored() && f.Severity >= level {
			return true
		}
	}
	return false
}

// Counts tallies active findings per severity, plus ignored ones.
// Critical findings are errors too: Error counts them, and Critical is the
// part of Error that is critical, so every summary that says "N errors"
// stays right and one that wants the split can show it.
type Counts struct {
	Error, Warning, Info, Ignored, Total int
	Critical                             int
}

// Count returns the tallies of the collection.
func (fs Findings) Count() Counts {
	var c Counts
	for _, f := range fs {
		c.Add(f)
	}
	return c
}

// Add counts one more finding: what a streaming reporter tallies as the
// findings go by.
func (c *Counts) Add(f *Finding) {
	c.Total++
	if f.Ignored() {
		c.Ignored++
		return
	}
	switch {
	case f.Severity >= SeverityError:
		c.Error++
		if f.Severity == SeverityCritical {
			c.Critical++
		}
	case f.Severity == SeverityWarning:
		c.Warning++
	default:
		c.Info++
	}
}

// Active returns the findings that are not ignored.
func (fs Findings) Active() Findings {
	out := make(Findings, 0, len(fs))
	for _, f := range fs {
		if !f.Ignored() {
			out = append(out, f)
		}
	}
	return out
}

// IgnoredOnes returns the findings suppressed by an active ignore.
func (fs Findings) IgnoredOnes() Findings {
	var out Findings
	for _, f := range fs {
		if f.Ignored() {
			out = append(out, f)
		}
	}
	return out
}

// Run is what reporters receive: the findings with runbooks attached, and
// the facts about the run they need for summaries and verdicts.
type Run struct {
	Findings Findings
	// FailLevel is the --fail-level; SeverityNone never fails.
	FailLevel Severity
	// RequireRunbook makes fallback-only findings count as failures.
	RequireRunbook bool
	// Tools lists the tools whose output was read, in input order.
	Tools []string
	// Notes are run-level remarks for summaries (unused ignores, expired
	// exceptions, findings that could not be located).
	Notes []string
	// Now is the time of the run (for expiry and reports).
	Now time.Time
	// Version is the runbook-translator version.
	Version string
	// InputFailed says an input could not be read (the run exits 2): what
	// was read is reported, but no report may call the run a pass.
	InputFailed bool
	// BaselineFile names the --baseline the findings were compared with;
	// "" when there was none (reports then show no new/existing/fixed).
	BaselineFile string
	// Fixed lists the baseline's findings this run no longer has.
	Fixed Findings
	// FailOnNew (--fail-on new) makes only new findings fail the run.
	FailOnNew bool
	// BaselineNew and BaselineExisting count the active findings of a
	// streamed run (whose Findings is empty: they went to the reporters one
	// by one) that are new and existing; with Findings set, BaselineCounts
	// counts those instead.
	BaselineNew, BaselineExisting int
	// Deliveries say how each PR/MR reporter did, for the reporters that
	// run after them (the machine-readable summary).
	Deliveries []Delivery
	// Lang is the language of the reports' own words (messages.Langs);
	// "" means English. Machine-readable output does not change with it.
	Lang string
}

// Delivery is the outcome of one PR/MR reporter.
type Delivery struct {
	Reporter  string `json:"reporter"`
	Delivered bool   `json:"delivered"`
	// NotPosted counts the findings it could not post (also listed in its
	// summary comment when that was written).
	NotPosted int    `json:"not_posted"`
	Error     string `json:"error,omitempty"`
}

// BaselineCounts tallies the active findings that are new and existing,
// and the fixed ones; ok is false when the run had no baseline.
func (r *Run) BaselineCounts() (newN, existing, fixed int, ok bool) {
	if r.BaselineFile == "" {
		return 0, 0, 0, false
	}
	if r.Findings == nil {
		return r.BaselineNew, r.BaselineExisting, len(r.Fixed), true
	}
	for _, f := range r.Findings {
		switch {
		case f.Ignored():
		case f.Baseline == BaselineExisting:
			existing++
		default:
			newN++
		}
	}
	return newN, existing, len(r.Fixed), true
}

// Failing reports whether f counts toward a non-zero exit code.
func (r *Run) Failing(f *Finding) bool {
	if f.Ignored() || (r.FailOnNew && f.Baseline != BaselineNew) {
		return false
	}
	if f.Severity >= r.FailLevel {
		return true
	}
	return r.RequireRunbook && (f.Runbook.IsFallback() || f.Runbook.Generic) && r.FailLevel != SeverityNone
}

// Failed reports whether any finding makes the run fail.
func (r *Run) Failed() bool {
	for _, f := range r.Findings {
		if r.Failing(f) {
			return true
		}
	}
	return false
}

// TitleOrCode returns the best short label of a finding for headings.
func (f *Finding) TitleOrCode() string {
	if f.Runbook != nil && f.Runbook.Title != "" && !f.Runbook.IsFallback() {
		return f.Runbook.Title
	}
	if f.Title != "" {
		return f.Title
	}
	return strings.TrimSpace(f.Tool + " " + f.Code)
}
