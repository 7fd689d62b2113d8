package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/baseline"
	"github.com/runbook-translator/runbook-translator/fix"
	"github.com/runbook-translator/runbook-translator/ignore"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/parsers"
	"github.com/runbook-translator/runbook-translator/reporters"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// The pipeline of `review`: every run takes it, three findings or a
// million.
//
//	inputs -> hold -> stages -> sink -> reporters
//
//   - inputs: each input is parsed in turn (readInput); parsers emit
//     findings one by one.
//   - hold: up to streamThreshold parsed findings are held before any
//     stage runs, so that a small run is judged whole: the locate stage
//     searches the files under the root for objects only when a held
//     finding names one without a file (hasPathless). Past the threshold
//     the held findings and every later one go on at once.
//   - stages: the list in stages(), per finding, in parallel and in input
//     order (translator.Pipeline).
//   - sink: batching is the sink's property. It collects the run when the
//     run stayed under the threshold or a reporter needs the whole run
//     (reporters.WholeRun: PR/MR reporters, Code Quality), and then sorts,
//     numbers fingerprints over the run, compares with the baseline and
//     writes the sorted run. Otherwise it streams: each finding gets its
//     fingerprint, baseline state and tallies, and goes to every reporter,
//     holding only a bounded window (plus what a reporter keeps: the
//     ignored findings the local report lists at its end).
//
// Differences of a streamed run (docs/performance.md, "Streaming mode"):
//
//   - Output is in input order, not sorted. It is still deterministic:
//     the parallel stages keep input order.
//   - Fingerprints: the base fingerprint (tool, code, path, resource,
//     message; no line) as in a collected run, but the "-N" suffix that
//     tells identical findings apart is counted only among ADJACENT
//     identical findings (numbering over the run needs every finding).
//     When no reporter prints them (-r local, -r markdown) and there is no
//     baseline, they are not computed at all.
//   - With --baseline, a finding takes a baseline entry on its own line or
//     else the first free one, as it arrives (baseline.Matcher): the
//     counts are those of a collected run, but of several identical
//     findings in one file which is "new" may differ.
//
// The exit code, the notes and the reports' final summaries are the same
// in both (TestStreamMatchesBatch).
//
// One place each: a stage goes in stages(), a run note in finish() (or, for
// a note per finding, in account()), a reporter in its reporters/ file.

// streamEnv disables streaming when set to "0" (the run is collected:
// sorted output and fingerprints over the run, whatever the reporters) and
// forces it from the first finding when set to "1".
const streamEnv = "RUNBOOK_TRANSLATOR_STREAM"

// streamThreshold is how many findings a run holds before it streams.
// Below it the run is collected (sorted, grouped by file, fingerprints
// over the run), so everyday output is the same whatever the reporters;
// above it memory stays flat.
const streamThreshold = 50000

// streamWorkers is the number of goroutines that run the stages (runbook
// rendering dominates). With one CPU the stages run inline in the parser's
// callback.
func streamWorkers() int { return runtime.GOMAXPROCS(0) }

// runInput is what reviewRun prepared for the pipeline.
type runInput struct {
	inputs    []inputSpec
	codeRE    *regexp.Regexp
	baseDir   string
	catalog   *runbooks.Catalog
	reps      reporterSet
	ign       *ignore.Stage
	rb        translator.Stage // runbooks: rendered, lazy or match only
	fx        *fix.Stage       // fixes from the catalog's fix: blocks
	own       translator.Stage
	bl        *baselineStage
	failLevel translator.Severity
	// notes are the run's notes known before the first finding.
	notes []string
}

// stages is the stage list, in the order the stages must run:
//   - locate first: it may move a finding to its template or .tf file,
//     which every later stage (ignores by path, owners, the diff) reads;
//   - ignore before runbooks, so that an ignored finding still gets its
//     runbook (the reports list ignored findings with it);
//   - runbooks before owners: the entry says whether CODEOWNERS applies;
//   - the diff filter last, on the final path and line.
//
// The fixes come after them all: a fix that copies an object's labels
// reads the fixes given to the object's other findings before it
// (fix.Stage), which must not depend on which worker got there first, nor
// on the order the scanner wrote them in. A collected run computes them in
// the sink, in fix.Stage.FixOrder (report order, copying fixes last); a
// streamed one in input order, one finding at a time (ordered,
// translator.Pipeline.Ordered). No stage before reads what the fix stage
// writes.
//
// Fingerprints are not a stage: they are numbered in the sink, in order.
func (in *runInput) stages(loc *locate.Stage, diffStage translator.Stage, streaming bool) (parallel, ordered []translator.Stage) {
	parallel = []translator.Stage{loc, in.ign, in.rb, in.own}
	if diffStage != nil {
		parallel = append(parallel, diffStage)
	}
	if streaming {
		ordered = []translator.Stage{in.fx}
	}
	return parallel, ordered
}

// collects reports whether the run must be collected whatever its size:
// RUNBOOK_TRANSLATOR_STREAM=0, or a reporter that needs the whole run.
func (o *ReviewOptions) collects(sts []reporters.Streamer) bool {
	if o.Getenv != nil && o.Getenv(streamEnv) == "0" {
		return true
	}
	for _, s := range sts {
		if reporters.NeedsWholeRun(s) {
			return true
		}
	}
	return false
}

// threshold returns how many findings are held before the run streams:
// streamThreshold, or 0 (stream from the first finding) when
// RUNBOOK_TRANSLATOR_STREAM=1.
func (o *ReviewOptions) threshold() int {
	if o.Getenv != nil && o.Getenv(streamEnv) == "1" {
		return 0
	}
	return streamThreshold
}

// runPipeline reads every input through the stages into the sink and ends
// the reporters: the rest of reviewRun.
func (o *ReviewOptions) runPipeline(ctx context.Context, in *runInput) error {
	sts := make([]reporters.Streamer, len(in.reps))
	for i, r := range in.reps {
		sts[i] = reporters.Stream(ctx, r.rep)
	}
	collect := o.collects(sts)
	limit := o.threshold()

	var held translator.Findings
	var sk *sink
	var stream *translator.Stream
	var loc *locate.Stage
	defer func() {
		if loc != nil {
			loc.Close()
		}
	}()
	// start builds the stages and opens the pipeline into the sink.
	start := func(searchFiles, streaming bool) error {
		var err error
		if loc, err = o.locateStage(in.baseDir, in.catalog, searchFiles); err != nil {
			return err
		}
		ds, err := o.diffStage(ctx, in.reps)
		if err != nil {
			return err
		}
		parallel, ordered := in.stages(loc, ds, streaming)
		p := &translator.Pipeline{Stages: parallel, Ordered: ordered, Workers: streamWorkers()}
		if o.Debug {
			p.Log = prefixWriter{o.IO.ErrOut}
		}
		sk = newSink(o, in, sts, streaming)
		stream = p.Start(ctx, sk.write)
		return nil
	}
	var startErr error
	emit := func(f *translator.Finding) error {
		if stream != nil {
			return stream.Send(f)
		}
		held = append(held, f)
		if collect || len(held) <= limit {
			return nil
		}
		if startErr = start(true, true); startErr != nil {
			return startErr
		}
		// The heap grew with the held findings: keep its goal there while
		// the run streams (startgc.go).
		keepHeapGoal()
		// Each held finding is let go as it is sent: once through the
		// stages it carries its runbook, and the slice must not keep 50,000
		// of those alive (the peak memory of a streamed run).
		for i, h := range held {
			held[i] = nil
			if err := stream.Send(h); err != nil {
				return err
			}
		}
		held = nil
		return nil
	}
	var tools []string
	var inputErr error
	for _, spec := range in.inputs {
		tool, err := o.readInput(spec, parsers.Options{Tool: spec.Tool, EFM: spec.EFM, CodePattern: in.codeRE, BaseDir: in.baseDir, ReadFile: o.readCheckout}, emit)
		if tool != "" && !contains(tools, tool) {
			tools = append(tools, tool)
		}
		if startErr != nil {
			return startErr
		}
		if errors.Is(err, translator.ErrStopped) {
			break
		}
		if err != nil {
			inputErr = errors.Join(inputErr, err)
		}
	}
	if stream == nil {
		if err := start(hasPathless(held), false); err != nil {
			return err
		}
		for _, h := range held {
			if stream.Send(h) != nil {
				break
			}
		}
		held = nil
	}
	if err := stream.Close(); err != nil {
		in.reps.close()
		return &ExitError{Code: ExitUsage, Err: err}
	}
	if o.Debug && sk.streaming {
		fmt.Fprintf(o.IO.ErrOut, "runbook-translator: streamed %d findings through stages locate, ignore, runbooks, owners (%d workers)\n", stream.N, stream.Workers())
	}
	return sk.finish(ctx, tools, inputErr, loc)
}

// sink is the end of the pipeline: it collects the run or streams it (see
// the top of this file). write runs in one goroutine, in input order.
type sink struct {
	o         *ReviewOptions
	in        *runInput
	run       *translator.Run
	sts       []reporters.Streamer
	errs      []error // per reporter: the first error; it gets nothing more
	streaming bool
	fs        translator.Findings // collected

	failed bool
	// fingerprints is false for a streamed run whose reporters print none
	// (reporters.FingerprintFree) and that compares no baseline: the sink
	// leaves Fingerprint empty.
	fingerprints bool
	// release is true for a streamed run whose reporters all copy runbook
	// bodies as they write them (reporters.JSONBodies): once written, a
	// finding's body buffer goes back to its pool.
	release bool
	// prevBase and prevN number adjacent identical findings (streamed).
	prevBase string
	prevN    int
	fps      translator.FingerprintMemo // streamed base fingerprints
	match    *baseline.Matcher          // streamed runs with --baseline
	// expired maps each "exception expired" note to the sort key of the
	// first finding that produced it, so the notes come out in report
	// order however the findings arrived.
	expired map[string]*translator.Finding
}

func newSink(o *ReviewOptions, in *runInput, sts []reporters.Streamer, streaming bool) *sink {
	run := &translator.Run{
		FailLevel:      in.failLevel,
		RequireRunbook: o.RequireRunbook,
		Now:            o.Now(),
		Version:        version(),
		Lang:           o.lang,
	}
	in.bl.begin(run)
	s := &sink{o: o, in: in, run: run, sts: sts, errs: make([]error, len(sts)), streaming: streaming,
		expired: map[string]*translator.Finding{}, fingerprints: !streaming}
	if streaming {
		if in.bl != nil {
			s.match = in.bl.b.Matcher()
			s.fingerprints = true
		}
		for _, st := range sts {
			s.fingerprints = s.fingerprints || reporters.ReadsFingerprints(st)
		}
		s.release = in.reps.jsonBodies()
		s.begin()
	}
	return s
}

func (s *sink) begin() {
	for i, st := range s.sts {
		s.errs[i] = st.Begin(s.run)
	}
}

// write takes one finding out of the stages.
func (s *sink) write(f *translator.Finding) {
	if !s.streaming {
		s.fs = append(s.fs, f)
		return
	}
	if !s.fingerprints {
		// Nothing reads them.
	} else if f.Fingerprint == "" {
		f.Fingerprint = s.fps.Base(f)
		if f.Fingerprint == s.prevBase {
			s.prevN++
			f.Fingerprint = translator.NumberedFingerprint(s.prevBase, s.prevN)
		} else {
			s.prevBase, s.prevN = f.Fingerprint, 1
		}
	} else {
		s.prevBase, s.prevN = "", 0
	}
	if s.match != nil {
		s.match.Classify(f)
	}
	s.account(f)
	s.send(f)
	if s.release {
		f.Runbook.ReleaseBody()
	}
}

func (s *sink) send(f *translator.Finding) {
	for i, st := range s.sts {
		if s.errs[i] == nil {
			s.errs[i] = st.Write(f)
		}
	}
}

// account is what the run learns from each finding, in both modes: the
// verdict, the expired-exception notes and the baseline counts.
func (s *sink) account(f *translator.Finding) {
	if !s.failed && s.run.Failing(f) {
		s.failed = true
	}
	if sp := f.Suppressed; sp != nil && sp.Expired {
		note := messages.T(s.run.Lang, "note.expired", f.Tool, f.Code, sp.Expires)
		if prev, ok := s.expired[note]; !ok || translator.Less(f, prev) {
			// Keep only the sort key, not the finding (its runbook body).
			s.expired[note] = &translator.Finding{Tool: f.Tool, Code: f.Code, Message: f.Message, Location: f.Location}
		}
	}
	if s.run.BaselineFile != "" && !f.Ignored() {
		if f.Baseline == translator.BaselineExisting {
			s.run.BaselineExisting++
		} else {
			s.run.BaselineNew++
		}
	}
}

// expiredNotes returns the expired-exception notes in report order.
func (s *sink) expiredNotes() []string {
	notes := make([]string, 0, len(s.expired))
	for n := range s.expired {
		notes = append(notes, n)
	}
	sort.Slice(notes, func(i, j int) bool {
		a, b := s.expired[notes[i]], s.expired[notes[j]]
		if translator.Less(a, b) {
			return true
		}
		if translator.Less(b, a) {
			return false
		}
		return notes[i] < notes[j]
	})
	return notes
}

// finish completes the run (a collected one is sorted, numbered, compared
// and written now), adds the run notes, ends every reporter and decides
// the exit code.
func (s *sink) finish(ctx context.Context, tools []string, inputErr error, loc *locate.Stage) error {
	o, run := s.o, s.run
	if !s.streaming {
		// The fixes, in their order (stages).
		for _, f := range s.in.fx.FixOrder(s.fs) {
			if err := s.in.fx.Map(ctx, f); err != nil {
				return &ExitError{Code: ExitUsage, Err: fmt.Errorf("stage %s: %w", s.in.fx.Name(), err)}
			}
		}
		// After locate: it may move a finding to its template or .tf file.
		s.fs.Sort()
		s.fs.AssignFingerprints()
		if s.in.bl != nil {
			run.Fixed = s.in.bl.b.Classify(s.fs)
		}
		for _, f := range s.fs {
			s.account(f)
		}
		run.Findings = s.fs
		if run.Findings == nil {
			run.Findings = translator.Findings{}
		}
	} else if s.match != nil {
		run.Fixed = s.match.Fixed()
	}

	run.Tools = tools
	run.Notes = append(run.Notes, s.in.notes...)
	for _, r := range s.in.ign.Unused() {
		run.Notes = append(run.Notes, messages.T(run.Lang, "note.unused_ignore", describeRule(r)))
		fmt.Fprintf(o.IO.ErrOut, "runbook-translator: warning: %s\n", messages.T(run.Lang, "note.unused_ignore", describeRule(r)))
	}
	run.Notes = append(run.Notes, s.expiredNotes()...)
	run.Notes = append(run.Notes, locateNotes(s.run.Lang, loc, s.in.baseDir)...)
	run.Notes = dedupe(run.Notes)
	run.InputFailed = inputErr != nil

	if !s.streaming {
		s.begin()
		for _, f := range s.fs {
			s.send(f)
		}
	}
	repErr := s.in.reps.end(ctx, o, run, s.sts, s.errs, s.failed)
	return o.verdict(inputErr, s.failed, repErr)
}

// describeRule names an ignore rule in a note.
func describeRule(r ignore.Rule) string {
	var parts []string
	for _, kv := range [][2]string{{"tool", r.Tool}, {"code", r.Code}, {"path", r.Path}, {"resource", r.Resource}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	return strings.Join(parts, " ")
}
