package reporters

import (
	"context"
	"fmt"
	"io"

	translator "github.com/runbook-translator/runbook-translator"
)

func init() {
	Register("json", "JSON Lines: one finding per line, ignored ones marked \"suppressed\"",
		func(opts Options) (Reporter, error) {
			if err := writerOrErr(opts.Out, "json"); err != nil {
				return nil, err
			}
			return NewJSON(opts.Out), nil
		})
}

// JSON is the "json" reporter: JSON Lines, one object per finding, sorted,
// ignored findings included with "suppressed". Nothing but findings is
// written, so `jq` and line-oriented tools can consume it directly; run
// notes and the verdict belong to the exit code and the other reporters.
//
// HTML escaping stays on (encoding/json's default): messages come from the
// pull request, and \u003cscript\u003e decodes to the same string for every
// JSON consumer while staying inert if someone serves or embeds the file as
// HTML. The price is that `grep '<script'` on the raw file finds nothing.
type JSON struct {
	out io.Writer
	df  *delayedFlusher
	buf []byte // one record, reused (appendJSONFinding)
	rbc recordCache
}

var (
	_ Reporter   = (*JSON)(nil)
	_ Streamer   = (*JSON)(nil)
	_ JSONBodies = (*JSON)(nil)
)

// JSONBodies implements JSONBodies: a body set in its JSON form is copied
// as it is (appendJSONFinding).
func (j *JSON) JSONBodies() bool { return true }

// NewJSON returns the JSON Lines reporter writing to out.
func NewJSON(out io.Writer) *JSON { return &JSON{out: out} }

// jsonFinding fixes the JSON Lines schema (what encoding/json would write
// for it is what appendJSONFinding writes): the required keys are always
// present (empty string, 0 = unknown, null runbook), the extras are omitted
// when empty. It mirrors translator.Finding's json tags.
type jsonFinding struct {
	Tool         string              `json:"tool"`
	Code         string              `json:"code"`
	Severity     string              `json:"severity"`
	ToolSeverity string              `json:"tool_severity"`
	Message      string              `json:"message"`
	Path         string              `json:"path"`
	Line         int                 `json:"line"`
	Column       int                 `json:"column"`
	EndLine      int                 `json:"end_line"`
	EndColumn    int                 `json:"end_column"`
	Resource     string              `json:"resource"`
	URL          string              `json:"url"`
	Fingerprint  string              `json:"fingerprint"`
	Runbook      *translator.Runbook `json:"runbook"`

	Title       string                  `json:"title,omitempty"`
	Remediation string                  `json:"remediation,omitempty"`
	Aliases     []string                `json:"aliases,omitempty"`
	Extra       map[string]string       `json:"extra,omitempty"`
	Suppressed  *translator.Suppression `json:"suppressed,omitempty"`
	Located     string                  `json:"located,omitempty"`
	OutsideDiff bool                    `json:"outside_diff,omitempty"`
	Baseline    string                  `json:"baseline,omitempty"`
	Fixes       []translator.Fix        `json:"fixes,omitempty"`
	FixNote     string                  `json:"fix_note,omitempty"`
}

// jsonSeverity keeps the documented enum (critical|error|warning|info): an
// unknown severity is counted as info everywhere (Findings.Count), so it
// says so. "critical" is its own value (a consumer that only knows error
// should treat it as one: Findings.Count and the summaries count it among
// the errors); anything above critical (the "none" fail level) is clamped.
func jsonSeverity(s translator.Severity) string {
	if s < translator.SeverityInfo {
		return translator.SeverityInfo.String()
	}
	if s > translator.SeverityCritical {
		return translator.SeverityCritical.String()
	}
	return s.String()
}

// toJSONFinding is the reference for appendJSONFinding: encoding/json
// encoding it gives the same bytes (TestAppendJSONFindingMatchesEncoder).
func toJSONFinding(f *translator.Finding) jsonFinding {
	return jsonFinding{
		Tool: f.Tool, Code: f.Code, Severity: jsonSeverity(f.Severity), ToolSeverity: f.ToolSeverity,
		Message: f.Message, Path: f.Path, Line: f.Line, Column: f.Column, EndLine: f.EndLine, EndColumn: f.EndColumn,
		Resource: f.Resource, URL: f.URL, Fingerprint: f.Fingerprint, Runbook: f.Runbook,
		Title: f.Title, Remediation: f.Remediation, Aliases: f.Aliases, Extra: f.Extra,
		Suppressed: f.Suppressed, Located: f.Located, OutsideDiff: f.OutsideDiff,
		Baseline: f.Baseline, Fixes: f.Fixes, FixNote: f.FixNote,
	}
}

// Report implements Reporter.
func (j *JSON) Report(_ context.Context, run *translator.Run) error {
	if err := j.Begin(run); err != nil {
		return err
	}
	for _, f := range sortedFindings(run) {
		if err := j.Write(f); err != nil {
			return err
		}
	}
	return j.End(run)
}

// Begin implements Streamer.
func (j *JSON) Begin(*translator.Run) error {
	if j.out == nil {
		return fmt.Errorf("write json report: no output")
	}
	j.df = newDelayedFlusher(j.out)
	return nil
}

// Write implements Streamer: one line per finding, reaching the output
// within flushDelay.
func (j *JSON) Write(f *translator.Finding) error {
	if j.df == nil {
		return fmt.Errorf("write json report: Write before Begin")
	}
	buf, at, body := j.rbc.appendSplit(j.buf[:0], f)
	j.buf = buf
	var err error
	if at < 0 {
		_, err = j.df.Write(buf)
	} else {
		err = j.df.write3(buf[:at], body, buf[at:])
	}
	if err != nil {
		return fmt.Errorf("write json finding %s: %w", f.Fingerprint, err)
	}
	return nil
}

// End implements Streamer: it flushes.
func (j *JSON) End(*translator.Run) error {
	if j.df == nil {
		return fmt.Errorf("write json report: End before Begin")
	}
	if err := j.df.Flush(); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}
