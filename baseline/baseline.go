// Package baseline compares a run with an earlier one ("hold the line"):
// it reads the earlier run's `-r json` (JSON Lines) or `-r sarif` output and
// classifies each finding of the current run as new or existing, and each
// finding of the earlier run that is gone as fixed.
//
// Findings are matched by the line-independent fingerprint
// (translator.Finding.Fingerprint: tool, code, path, resource, message), so
// a finding that moved a few lines is still existing. Identical findings in
// one file carry a "-N" suffix numbered by order of appearance; the suffix
// is not an identity (removing the first of two renumbers the second), so
// matching compares base fingerprints with counts: of two identical
// findings, one fixed leaves one existing.
package baseline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
)

// MaxSize bounds a baseline file: a `-r json` of a million findings with
// runbooks is far below it, and a wrong file (a log, a tarball) is refused
// instead of read into memory.
const MaxSize = 1 << 30

// sarifFingerprintKey is the partialFingerprints key the sarif reporter
// writes (reporters/sarif.go); its version suffix changes when
// Finding.Fingerprint changes meaning, and an unknown one is refused.
const sarifFingerprintKey = "runbookTranslator/v1"

// sarifOmittedKey is the run property the sarif reporter sets when GitHub's
// limits made it leave results out: such a baseline is incomplete.
const sarifOmittedKey = "runbookTranslator/omitted"

// Entry is one finding of the baseline: enough to match it and to name it
// when it is fixed.
type Entry struct {
	Fingerprint string
	Tool        string
	Code        string
	Severity    string
	Message     string
	Path        string
	Line        int
	Resource    string
}

// Baseline is a parsed baseline file.
type Baseline struct {
	// File is the name errors and reports use.
	File string
	// Format is "json" or "sarif".
	Format  string
	Entries []Entry
}

// Error is a baseline that cannot be used: the file, where (Line for JSON
// Lines, Offset for SARIF, 0 = not known) and why.
type Error struct {
	File   string
	Line   int
	Offset int64
	Msg    string
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.Offset > 0:
		return fmt.Sprintf("baseline %s:%d (byte %d): %s", e.File, e.Line, e.Offset, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("baseline %s:%d: %s", e.File, e.Line, e.Msg)
	case e.Offset > 0:
		return fmt.Sprintf("baseline %s: byte %d: %s", e.File, e.Offset, e.Msg)
	}
	return fmt.Sprintf("baseline %s: %s", e.File, e.Msg)
}

// Read parses a baseline: JSON Lines as `-r json` writes them, or a SARIF
// log as `-r sarif` writes it. Anything else is an *Error; a baseline is
// never half read, so no finding is reported as new because its record was
// skipped. An empty file is a clean earlier run (`-r json` writes nothing
// when there are no findings).
func Read(name string, r io.Reader) (*Baseline, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, &Error{File: name, Msg: fmt.Sprintf("read: %v", err)}
	}
	if len(data) > MaxSize {
		return nil, &Error{File: name, Msg: fmt.Sprintf("larger than %d bytes: not a runbook-translator report", MaxSize)}
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return &Baseline{File: name, Format: "json"}, nil
	}
	if trimmed[0] != '{' {
		off := int64(len(data) - len(bytes.TrimLeft(data, " \t\r\n")))
		return nil, &Error{File: name, Line: lineAt(data, off), Msg: "not a baseline: expected the JSON Lines of -r json or the SARIF of -r sarif"}
	}
	if isSARIF(data) {
		return readSARIF(name, data)
	}
	return readJSONLines(name, data)
}

// isSARIF reports whether the first key of the first JSON object is a
// SARIF top-level key ("$schema", "version", "runs"): a `-r json` record
// starts with "tool". The key decides even when the rest is broken, so a
// truncated SARIF log is reported as one, with its offset.
func isSARIF(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	k, err := dec.Token()
	if err != nil {
		return false
	}
	switch k {
	case "$schema", "version", "runs":
		return true
	}
	return false
}

// record is what a `-r json` line must carry (reporters/json.go's
// jsonFinding); the other keys are not needed to match.
type record struct {
	Tool        *string `json:"tool"`
	Code        *string `json:"code"`
	Severity    string  `json:"severity"`
	Message     string  `json:"message"`
	Path        *string `json:"path"`
	Line        int     `json:"line"`
	Resource    string  `json:"resource"`
	Fingerprint *string `json:"fingerprint"`
}

func readJSONLines(name string, data []byte) (*Baseline, error) {
	b := &Baseline{File: name, Format: "json"}
	for n, line := range bytes.Split(data, []byte("\n")) {
		lineNo := n + 1
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var rec record
		dec := json.NewDecoder(bytes.NewReader(line))
		if err := dec.Decode(&rec); err != nil {
			var te *json.UnmarshalTypeError
			if len(b.Entries) == 0 && !errors.As(err, &te) && json.Valid(data) {
				// One JSON document over several lines: a tool's own
				// report (trivy, conftest), not runbook-translator's.
				return nil, &Error{File: name, Line: lineNo, Msg: "not a baseline: one JSON document that is neither -r json (JSON Lines with \"fingerprint\") nor SARIF (\"version\", \"runs\"); pass runbook-translator's own -r json output"}
			}
			return nil, &Error{File: name, Line: lineNo, Msg: "not a -r json record: " + jsonMsg(err)}
		}
		if dec.More() {
			return nil, &Error{File: name, Line: lineNo, Msg: "not a -r json record: more than one JSON value on the line"}
		}
		var missing []string
		for _, k := range []struct {
			key string
			v   *string
		}{{"tool", rec.Tool}, {"code", rec.Code}, {"path", rec.Path}, {"fingerprint", rec.Fingerprint}} {
			if k.v == nil {
				missing = append(missing, k.key)
			}
		}
		if len(missing) > 0 {
			return nil, &Error{File: name, Line: lineNo, Msg: fmt.Sprintf("not a -r json record: no %q", strings.Join(missing, `", "`))}
		}
		if !validFingerprint(*rec.Fingerprint) {
			return nil, &Error{File: name, Line: lineNo, Msg: fmt.Sprintf("fingerprint %q is not of a known version (16 hex digits, optionally -N): written by another tool or version", *rec.Fingerprint)}
		}
		b.Entries = append(b.Entries, Entry{Fingerprint: *rec.Fingerprint, Tool: *rec.Tool, Code: *rec.Code,
			Severity: rec.Severity, Message: rec.Message, Path: *rec.Path, Line: rec.Line, Resource: rec.Resource})
	}
	return b, nil
}

// sarifLog is the part of a SARIF 2.1.0 log a baseline needs.
type sarifLog struct {
	Version *string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name string `json:"name"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID  string `json:"ruleId"`
			Level   string `json:"level"`
			Message struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					FullyQualifiedName string `json:"fullyQualifiedName"`
				} `json:"logicalLocations"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
		} `json:"results"`
		Properties map[string]json.RawMessage `json:"properties"`
	} `json:"runs"`
}

func readSARIF(name string, data []byte) (*Baseline, error) {
	var log sarifLog
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&log); err != nil {
		e := &Error{File: name, Msg: "not a SARIF log: " + jsonMsg(err)}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			e.Offset = se.Offset
		case errors.As(err, &te):
			e.Offset = te.Offset
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			e.Offset = int64(len(data))
		}
		if e.Offset > 0 {
			e.Line = lineAt(data, e.Offset)
		}
		return nil, e
	}
	if log.Version == nil {
		return nil, &Error{File: name, Msg: `not a SARIF log: no "version"`}
	}
	if *log.Version != "2.1.0" {
		return nil, &Error{File: name, Msg: fmt.Sprintf("SARIF version %q is not supported (runbook-translator writes 2.1.0)", *log.Version)}
	}
	b := &Baseline{File: name, Format: "sarif"}
	for i, run := range log.Runs {
		if raw, ok := run.Properties[sarifOmittedKey]; ok {
			var om struct{ Findings, Of int }
			_ = json.Unmarshal(raw, &om)
			return nil, &Error{File: name, Msg: fmt.Sprintf("runs[%d] (%s) left out %d of %d findings (GitHub code scanning limits): an incomplete baseline would report them as new; use -r json for the baseline", i, run.Tool.Driver.Name, om.Findings, om.Of)}
		}
		for j, res := range run.Results {
			fp, ok := res.PartialFingerprints[sarifFingerprintKey]
			if !ok {
				keys := make([]string, 0, len(res.PartialFingerprints))
				for k := range res.PartialFingerprints {
					keys = append(keys, k)
				}
				msg := fmt.Sprintf("runs[%d].results[%d] has no partialFingerprints %q: not written by runbook-translator -r sarif", i, j, sarifFingerprintKey)
				for _, k := range keys {
					if strings.HasPrefix(k, "runbookTranslator/") {
						msg = fmt.Sprintf("runs[%d].results[%d]: fingerprint version %q is not supported (this version reads %q)", i, j, k, sarifFingerprintKey)
					}
				}
				return nil, &Error{File: name, Msg: msg}
			}
			if !validFingerprint(fp) {
				return nil, &Error{File: name, Msg: fmt.Sprintf("runs[%d].results[%d]: fingerprint %q is not of a known version", i, j, fp)}
			}
			e := Entry{Fingerprint: fp, Tool: run.Tool.Driver.Name, Code: res.RuleID, Severity: res.Level, Message: res.Message.Text}
			if len(res.Locations) > 0 {
				l := res.Locations[0]
				if l.PhysicalLocation != nil {
					e.Path = l.PhysicalLocation.ArtifactLocation.URI
					if l.PhysicalLocation.Region != nil {
						e.Line = l.PhysicalLocation.Region.StartLine
					}
				}
				if len(l.LogicalLocations) > 0 {
					e.Resource = l.LogicalLocations[0].FullyQualifiedName
				}
			}
			b.Entries = append(b.Entries, e)
		}
	}
	return b, nil
}

// validFingerprint accepts what AssignFingerprints writes: 16 lower-case
// hex digits, optionally "-N" with N >= 2.
func validFingerprint(fp string) bool {
	base, n, hasN := strings.Cut(fp, "-")
	if len(base) != 16 {
		return false
	}
	for _, c := range base {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	if !hasN {
		return true
	}
	if n == "" || n[0] == '0' {
		return false
	}
	for _, c := range n {
		if c < '0' || c > '9' {
			return false
		}
	}
	return n != "1"
}

// Base returns the fingerprint without its "-N" duplicate number.
func Base(fp string) string {
	base, _, _ := strings.Cut(fp, "-")
	return base
}

// Classify sets Baseline on every finding of fs (new or existing) and
// returns the baseline's findings that fs no longer has, as findings.
//
// Within one base fingerprint (the same tool, code, path, resource and
// message), a current finding first takes the baseline entry on its own
// line, then the remaining ones in order; the entries left over are fixed.
// Ignored findings are matched too: a finding that is now ignored is not
// fixed.
func (b *Baseline) Classify(fs translator.Findings) translator.Findings {
	m := b.Matcher()
	var pending []*translator.Finding
	for _, f := range fs {
		if !m.sameLine(f) && len(m.groups[Base(f.Fingerprint)]) > 0 {
			pending = append(pending, f)
		}
	}
	for _, f := range pending {
		m.anyLine(f)
	}
	return m.Fixed()
}

// Matcher classifies findings one at a time, as a streamed run produces
// them: it holds the baseline's entries and which of them were matched,
// never the findings. A finding takes a free entry on its own line, else
// the first free one; unlike Classify it cannot wait for a later finding
// on that line, so with several identical findings in one file which of
// them is "new" may differ (the counts do not).
type Matcher struct {
	b      *Baseline
	groups map[string][]*Entry
	used   map[*Entry]bool
}

// Matcher returns a Matcher over the baseline's entries.
func (b *Baseline) Matcher() *Matcher {
	m := &Matcher{b: b, groups: map[string][]*Entry{}, used: map[*Entry]bool{}}
	for i := range b.Entries {
		e := &b.Entries[i]
		k := Base(e.Fingerprint)
		m.groups[k] = append(m.groups[k], e)
	}
	return m
}

// Classify sets f.Baseline (after its fingerprint is assigned).
func (m *Matcher) Classify(f *translator.Finding) {
	if !m.sameLine(f) {
		m.anyLine(f)
	}
}

// sameLine marks f new, or existing when a free entry is on its line.
func (m *Matcher) sameLine(f *translator.Finding) bool {
	f.Baseline = translator.BaselineNew
	for _, e := range m.groups[Base(f.Fingerprint)] {
		if !m.used[e] && e.Line == f.Line {
			m.used[e] = true
			f.Baseline = translator.BaselineExisting
			return true
		}
	}
	return false
}

// anyLine makes f existing when its group has a free entry left.
func (m *Matcher) anyLine(f *translator.Finding) {
	for _, e := range m.groups[Base(f.Fingerprint)] {
		if !m.used[e] {
			m.used[e] = true
			f.Baseline = translator.BaselineExisting
			return
		}
	}
}

// Fixed returns the entries no finding matched, as findings, sorted.
func (m *Matcher) Fixed() translator.Findings {
	var fixed translator.Findings
	for i := range m.b.Entries {
		e := &m.b.Entries[i]
		if m.used[e] {
			continue
		}
		sev, err := translator.ParseSeverity(e.Severity)
		if err != nil {
			sev = sarifSeverity(e.Severity)
		}
		fixed = append(fixed, &translator.Finding{Tool: e.Tool, Code: e.Code, Severity: sev, ToolSeverity: e.Severity,
			Message: e.Message, Location: translator.Location{Path: e.Path, Line: e.Line}, Resource: e.Resource,
			Fingerprint: e.Fingerprint})
	}
	fixed.Sort()
	return fixed
}

// sarifSeverity maps a SARIF level back (reporters/sarif.go writes
// note/warning/error); anything else is info, as everywhere.
func sarifSeverity(level string) translator.Severity {
	switch level {
	case "error":
		return translator.SeverityError
	case "warning":
		return translator.SeverityWarning
	}
	return translator.SeverityInfo
}

// jsonMsg shortens encoding/json's errors ("json: cannot unmarshal ...").
func jsonMsg(err error) string {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "truncated JSON"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// lineAt returns the 1-based line of byte offset off.
func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}
