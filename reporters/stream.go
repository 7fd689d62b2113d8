package reporters

import (
	"context"

	translator "github.com/runbook-translator/runbook-translator"
)

// Streamer is how the pipeline writes every report (reviewdog's Post per
// finding, then Flush): Begin once, Write once per finding (active and
// ignored alike), End once after the last. A reporter that cannot write
// finding by finding is adapted with Stream.
//
// The pipeline decides whether a run is collected or streamed (the sink
// batches, not the reporter):
//
//   - collected (a small run, or a reporter that needs the whole run, see
//     WholeRun): the run given to Begin has Findings set, every finding,
//     sorted and with its final fingerprint, and Write follows that order;
//   - streamed: Findings is nil, Write comes in input order (deterministic,
//     not sorted) and a streamer keeps its own tallies.
//
// The run passed to End carries Notes, Tools, InputFailed, Fixed and the
// baseline counts, known only then. Report, every reporter's whole-run form
// (tests, and the adapter), is Begin, Write of the sorted findings, End.
//
// A new reporter is added in one place: its file registers a Factory
// (Register) whose reporter is a Streamer, or a Reporter that Stream adapts.
type Streamer interface {
	Begin(run *translator.Run) error
	Write(f *translator.Finding) error
	End(run *translator.Run) error
}

// WholeRun is implemented by a streamer that needs the whole run at End
// (sorted, global fingerprints): when any reporter of a run says true, the
// pipeline collects the run instead of streaming it.
type WholeRun interface {
	NeedsWholeRun() bool
}

// FingerprintFree is implemented by a streamer that never reads
// Finding.Fingerprint (the local and Markdown reports print none): when
// every reporter of a streamed run says true and no baseline is compared,
// the pipeline does not compute fingerprints (on a -r local run they were a
// fifth of the CPU: a SHA-256 and its hex string per finding).
type FingerprintFree interface {
	IgnoresFingerprints() bool
}

// ReadsFingerprints reports whether s may read Finding.Fingerprint: true
// unless it says otherwise (FingerprintFree).
func ReadsFingerprints(s Streamer) bool {
	ff, ok := s.(FingerprintFree)
	return !ok || !ff.IgnoresFingerprints()
}

// Stream returns r as the pipeline writes to it: r itself when it is a
// Streamer, otherwise an adapter that reports the collected run at End
// (and says so with WholeRun): the PR/MR reporters and Code Quality, which
// number and group over every finding.
func Stream(ctx context.Context, r Reporter) Streamer {
	if s, ok := r.(Streamer); ok {
		return s
	}
	return &whole{ctx: ctx, r: r}
}

// NeedsWholeRun reports whether s needs the pipeline to collect the run.
func NeedsWholeRun(s Streamer) bool {
	w, ok := s.(WholeRun)
	return ok && w.NeedsWholeRun()
}

// whole adapts a whole-run Reporter. It holds nothing itself: the run it
// gets at End is the collected one.
type whole struct {
	ctx context.Context
	r   Reporter
}

func (w *whole) Begin(*translator.Run) error     { return nil }
func (w *whole) Write(*translator.Finding) error { return nil }
func (w *whole) End(run *translator.Run) error   { return w.r.Report(w.ctx, run) }
func (w *whole) NeedsWholeRun() bool             { return true }

// report is Report for a streamer: Begin with the run's findings sorted,
// Write of each, End.
func report(s Streamer, run *translator.Run) error {
	sorted := *run
	sorted.Findings = sortedFindings(run)
	if err := s.Begin(&sorted); err != nil {
		return err
	}
	for _, f := range sorted.Findings {
		if err := s.Write(f); err != nil {
			return err
		}
	}
	return s.End(&sorted)
}
