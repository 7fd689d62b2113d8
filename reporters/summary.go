package reporters

import (
	"context"
	"encoding/json"
	"sort"

	translator "github.com/runbook-translator/runbook-translator"
)

func init() {
	Register("summary", "one JSON object for scripts and dashboards: verdict, counts by severity and by tool, run notes",
		func(o Options) (Reporter, error) {
			if err := writerOrErr(o.Out, "summary"); err != nil {
				return nil, err
			}
			return &Summary{out: o}, nil
		})
}

// Summary writes the machine-readable summary of a run: the verdict, counts
// by severity and by tool, and the run's notes. Its keys are stable
// (docs in README "Reporters"); new keys may be added, none renamed.
type Summary struct {
	out Options
	doc SummaryDoc // tallies of a streamed run
	run *translator.Run
}

var (
	_ Reporter = (*Summary)(nil)
	_ Streamer = (*Summary)(nil)
)

// SummaryCounts are the tallies of one group of findings.
type SummaryCounts struct {
	Total   int `json:"total"`
	Failing int `json:"failing"`
	Ignored int `json:"ignored"`
	// Severities of active (not ignored) findings.
	Critical int `json:"critical"`
	Error    int `json:"error"`
	Warning  int `json:"warning"`
	Info     int `json:"info"`
	// OutsideDiff: active findings outside the change (listed in the
	// PR/MR summary, not inline).
	OutsideDiff int `json:"outside_diff"`
	// Fallback: active findings with only the generic runbook.
	Fallback int `json:"fallback"`
}

// SummaryDoc is the document the summary reporter writes.
type SummaryDoc struct {
	Schema    string                    `json:"schema"`
	Version   string                    `json:"version"`
	Verdict   string                    `json:"verdict"`
	FailLevel string                    `json:"fail_level"`
	Counts    SummaryCounts             `json:"counts"`
	ByTool    map[string]*SummaryCounts `json:"by_tool"`
	Tools     []string                  `json:"tools"`
	Notes     []string                  `json:"notes"`
	// Reporters say how each PR/MR reporter did: delivered or not, and
	// how many findings it could not post (they are in this run's
	// counts and in the job log).
	Reporters []translator.Delivery `json:"reporters"`
	NotPosted int                   `json:"not_posted"`
	// Baseline is set when the run was compared with a --baseline.
	Baseline *SummaryBaseline `json:"baseline,omitempty"`
}

// SummaryBaseline counts the active findings that are new and existing
// against the baseline, and the baseline's findings that are gone.
type SummaryBaseline struct {
	File     string `json:"file"`
	New      int    `json:"new"`
	Existing int    `json:"existing"`
	Fixed    int    `json:"fixed"`
	FailOn   string `json:"fail_on"`
}

// SummarySchema names the version of the summary document.
const SummarySchema = "runbook-translator/summary/v1"

func (c *SummaryCounts) add(run *translator.Run, f *translator.Finding) {
	c.Total++
	if f.Ignored() {
		c.Ignored++
		return
	}
	if run.Failing(f) {
		c.Failing++
	}
	switch {
	case f.Severity > translator.SeverityError:
		c.Critical++
	case f.Severity == translator.SeverityError:
		c.Error++
	case f.Severity == translator.SeverityWarning:
		c.Warning++
	default:
		c.Info++
	}
	if f.OutsideDiff {
		c.OutsideDiff++
	}
	if f.Runbook == nil || f.Runbook.IsFallback() || f.Runbook.Generic {
		c.Fallback++
	}
}

func newSummaryDoc(run *translator.Run) SummaryDoc {
	return SummaryDoc{Schema: SummarySchema, ByTool: map[string]*SummaryCounts{}}
}

func (d *SummaryDoc) add(run *translator.Run, f *translator.Finding) {
	d.Counts.add(run, f)
	t := d.ByTool[f.Tool]
	if t == nil {
		t = &SummaryCounts{}
		d.ByTool[f.Tool] = t
	}
	t.add(run, f)
}

// finish fills what is known only at the end of the run.
func (d *SummaryDoc) finish(run *translator.Run) {
	d.Version, d.FailLevel = run.Version, run.FailLevel.String()
	d.Tools = append([]string{}, run.Tools...)
	d.Notes = append([]string{}, run.Notes...)
	d.Reporters = append([]translator.Delivery{}, run.Deliveries...)
	for _, r := range run.Deliveries {
		d.NotPosted += r.NotPosted
	}
	sort.Strings(d.Tools)
	if n, e, fx, ok := run.BaselineCounts(); ok {
		d.Baseline = &SummaryBaseline{File: run.BaselineFile, New: n, Existing: e, Fixed: fx, FailOn: map[bool]string{true: "new", false: "all"}[run.FailOnNew]}
	}
	d.Verdict = "pass"
	switch {
	case run.InputFailed:
		d.Verdict = "error"
	case d.Counts.Failing > 0:
		d.Verdict = "fail"
	}
}

// NewSummaryDoc tallies a run.
func NewSummaryDoc(run *translator.Run) SummaryDoc {
	d := newSummaryDoc(run)
	for _, f := range run.Findings {
		d.add(run, f)
	}
	d.finish(run)
	return d
}

// Begin implements Streamer.
func (s *Summary) Begin(run *translator.Run) error {
	s.doc, s.run = newSummaryDoc(run), run
	return nil
}

// Write implements Streamer: only tallies are kept.
func (s *Summary) Write(f *translator.Finding) error {
	s.doc.add(s.run, f)
	return nil
}

// End implements Streamer.
func (s *Summary) End(run *translator.Run) error {
	s.doc.finish(run)
	return s.encode(s.doc)
}

func (s *Summary) encode(d SummaryDoc) error {
	enc := json.NewEncoder(s.out.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}

// Report implements Reporter.
func (s *Summary) Report(_ context.Context, run *translator.Run) error {
	return s.encode(NewSummaryDoc(run))
}
