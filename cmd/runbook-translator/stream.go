package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/ignore"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/parsers"
	"github.com/runbook-translator/runbook-translator/reporters"
)

// Streaming mode.
//
// The batch path of reviewRun holds every finding: it sorts them, assigns
// fingerprints, runs the stages over the whole set and then reports. That is
// what PR/MR reporters and the diff filter need (they group, count and
// compare against the change), but a terminal or JSON Lines report over a
// million findings does not: when every reporter is a reporters.Streamer and
// no PR/MR reporter or diff filter is in play, reviewRun holds findings up
// to streamThreshold and then hands them, and every later one, to a
// streamer, which runs
//
//	parse -> locate -> ignore -> runbooks -> owners -> fingerprint -> Streamer.Write
//
// as the findings arrive, holding only a bounded window of them (plus the
// ignored ones the local report lists at the end).
//
// Differences from the batch path, all documented in docs/performance.md:
//
//   - Output is in input order, not sorted. It is still deterministic: the
//     parallel stage below keeps input order.
//   - Fingerprints: the base fingerprint (tool, code, path, resource,
//     message; no line) as in batch mode, but the "-N" suffix that tells
//     identical findings apart is counted only among ADJACENT identical
//     findings. Global disambiguation needs every finding (batch mode
//     numbers them after sorting by path and line); two identical findings
//     separated by another finding both get the base fingerprint here.
//
// The exit code, the notes and the local report's final summary are the
// same as in batch mode (TestStreamMatchesBatch).

// streamEnv disables streaming when set to "0" (batch mode, sorted output
// and global fingerprints, whatever the reporters) and forces it from the
// first finding when set to "1".
const streamEnv = "RUNBOOK_TRANSLATOR_STREAM"

// streamThreshold is how many findings a streamable run holds before it
// starts streaming. Below it the run is a batch run (sorted, grouped by
// file, global fingerprints), so everyday output is the same whatever the
// reporters; above it memory stays flat: the held findings are streamed
// first, then every later one as it arrives.
const streamThreshold = 50000

// threshold returns the spill threshold: streamThreshold, or 0 (stream from
// the first finding) when RUNBOOK_TRANSLATOR_STREAM=1.
func (o *ReviewOptions) threshold() int {
	if o.Getenv != nil && o.Getenv(streamEnv) == "1" {
		return 0
	}
	return streamThreshold
}

// streamBatch is how many findings travel together between the parser, the
// workers and the writer: large enough that channel handoffs cost little
// per finding, small enough that the window in flight stays a few MiB.
const streamBatch = 256

// streamInput is what reviewRun has prepared when it hands over to
// streamRun.
type streamInput struct {
	inputs  []inputSpec
	codeRE  *regexp.Regexp
	baseDir string
	reps    reporterSet
	loc     *locate.Stage
	ign     *ignore.Stage
	// stages run per finding, in order: locate, ignore, runbooks, owners.
	stages    []translator.Mapper
	failLevel translator.Severity
	// notes are the run's notes known before the first finding.
	notes []string
}

// canStream reports whether the run can take the streaming path: every
// reporter streams, none is a PR/MR reporter, and no diff filter applies.
func (o *ReviewOptions) canStream(reps reporterSet) bool {
	if o.Getenv != nil && o.Getenv(streamEnv) == "0" {
		return false
	}
	if o.Diff != "" || o.DiffFile != "" || (o.FilterMode != "" && o.FilterMode != "nofilter") {
		return false
	}
	if len(reps) == 0 {
		return false
	}
	for _, r := range reps {
		if r.forge || r.rep == nil {
			return false
		}
		if _, ok := r.rep.(reporters.Streamer); !ok {
			return false
		}
	}
	return true
}

// streamWorkers is the number of goroutines that run the stages (runbook
// rendering dominates: tens of µs per finding). With one CPU the stages run
// inline in the parser's callback.
func streamWorkers() int { return runtime.GOMAXPROCS(0) }

// streamState is what the writer keeps: constant size, whatever the input.
type streamState struct {
	run    *translator.Run
	reps   reporterSet
	errs   []error // per reporter: the first Write error
	failed bool

	prevBase string
	prevN    int

	// expired maps each "exception expired" note to the sort key of the
	// first finding that produced it, so the notes come out in the order
	// the batch path (which walks sorted findings) gives them.
	expired map[string]*translator.Finding
}

// streamer is a streaming run in progress: reporters begun, pipe open.
type streamer struct {
	in   streamInput
	run  *translator.Run
	st   *streamState
	pipe *streamPipe
}

// startStream begins the streaming reporters and opens the pipe that runs
// the per-finding stages (see the comment at the top of this file).
func (o *ReviewOptions) startStream(ctx context.Context, in streamInput) *streamer {
	run := &translator.Run{
		FailLevel:      in.failLevel,
		RequireRunbook: o.RequireRunbook,
		Now:            o.Now(),
		Version:        version(),
		Lang:           o.lang,
	}
	st := &streamState{run: run, reps: in.reps, errs: make([]error, len(in.reps)), expired: map[string]*translator.Finding{}}
	for i, r := range in.reps {
		if err := r.rep.(reporters.Streamer).Begin(run); err != nil {
			st.errs[i] = err
		}
	}
	process := func(f *translator.Finding) error {
		for _, s := range in.stages {
			if err := s.Map(ctx, f); err != nil {
				return fmt.Errorf("stage %s: %w", s.Name(), err)
			}
		}
		// After locate, which may move a finding to its template file.
		if f.Fingerprint == "" {
			translator.Findings{f}.AssignFingerprints()
			f.Fingerprint = "\x00" + f.Fingerprint // mark: ours, may get a -N suffix
		}
		return nil
	}
	return &streamer{in: in, run: run, st: st, pipe: newStreamPipe(streamWorkers(), process, st.write)}
}

// streamRun streams every input (used by tests and when the threshold is 0).
func (o *ReviewOptions) streamRun(ctx context.Context, in streamInput) error {
	s := o.startStream(ctx, in)
	var tools []string
	var inputErr error
	for _, spec := range in.inputs {
		popts := parsers.Options{Tool: spec.Tool, EFM: spec.EFM, CodePattern: in.codeRE, BaseDir: in.baseDir}
		tool, err := o.readInput(spec, popts, s.pipe.send)
		if tool != "" && !contains(tools, tool) {
			tools = append(tools, tool)
		}
		if errors.Is(err, errStreamStage) {
			break
		}
		if err != nil {
			inputErr = errors.Join(inputErr, err)
		}
	}
	return o.finishStream(s, tools, inputErr)
}

// finishStream drains the pipe, ends the reporters and decides the exit code
// exactly as the batch path does.
func (o *ReviewOptions) finishStream(s *streamer, tools []string, inputErr error) error {
	in, run, st, p := s.in, s.run, s.st, s.pipe
	if stageErr := p.close(); stageErr != nil {
		in.reps.close()
		return &ExitError{Code: ExitUsage, Err: stageErr}
	}
	if o.Debug {
		fmt.Fprintf(o.IO.ErrOut, "runbook-translator: streamed %d findings through stages locate, ignore, runbooks, owners (%d workers)\n", p.n, p.workers)
	}

	run.Tools = tools
	run.Notes = append(run.Notes, in.notes...)
	for _, r := range in.ign.Unused() {
		run.Notes = append(run.Notes, messages.T(run.Lang, "note.unused_ignore", describeRule(r)))
		fmt.Fprintf(o.IO.ErrOut, "runbook-translator: warning: %s\n", messages.T(messages.Default, "note.unused_ignore", describeRule(r)))
	}
	run.Notes = append(run.Notes, st.expiredNotes()...)
	run.Notes = append(run.Notes, locateNotes(run.Lang, in.loc, in.baseDir)...)
	run.Notes = dedupe(run.Notes)
	run.InputFailed = inputErr != nil

	var errs []error
	for i, r := range in.reps {
		err := st.errs[i]
		if err == nil {
			err = r.rep.(reporters.Streamer).End(run)
		}
		flushGuard(r.guard)
		if err != nil {
			errs = append(errs, fmt.Errorf("reporter %s: %w", r.spec.Name, err))
		}
		if r.out != nil {
			if cerr := r.out.Close(); cerr != nil {
				errs = append(errs, fmt.Errorf("reporter %s: %w", r.spec.Name, cerr))
			}
			r.out = nil
		}
	}
	o.flushStdout(st.failed)
	repErr := errors.Join(errs...)

	return o.verdict(inputErr, st.failed, repErr)
}

// write runs in one goroutine, in input order: adjacent fingerprint
// disambiguation, verdict, notes, and every streamer's Write.
func (st *streamState) write(f *translator.Finding) {
	if base, ok := strings.CutPrefix(f.Fingerprint, "\x00"); ok {
		if base == st.prevBase {
			st.prevN++
			f.Fingerprint = fmt.Sprintf("%s-%d", base, st.prevN)
		} else {
			st.prevBase, st.prevN = base, 1
			f.Fingerprint = base
		}
	} else {
		st.prevBase, st.prevN = "", 0
	}
	if !st.failed && st.run.Failing(f) {
		st.failed = true
	}
	if s := f.Suppressed; s != nil && s.Expired {
		note := messages.T(st.run.Lang, "note.expired", f.Tool, f.Code, s.Expires)
		if prev, ok := st.expired[note]; !ok || translator.Less(f, prev) {
			// Keep only the sort key, not the finding (its runbook body).
			st.expired[note] = &translator.Finding{Tool: f.Tool, Code: f.Code, Message: f.Message, Location: f.Location}
		}
	}
	for i, r := range st.reps {
		if st.errs[i] != nil {
			continue // a failed reporter gets nothing more; the others go on
		}
		st.errs[i] = r.rep.(reporters.Streamer).Write(f)
	}
}

// expiredNotes returns the expired-exception notes in the order of the
// findings that produced them, sorted as Findings.Sort sorts.
func (st *streamState) expiredNotes() []string {
	notes := make([]string, 0, len(st.expired))
	for n := range st.expired {
		notes = append(notes, n)
	}
	sort.Slice(notes, func(i, j int) bool {
		a, b := st.expired[notes[i]], st.expired[notes[j]]
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

// errStreamStage stops the parser when a stage failed.
var errStreamStage = errors.New("streaming stage failed")

// streamPipe runs process on findings in parallel and hands them to write
// in the order they were sent. The parser goroutine sends; batches of
// streamBatch findings go to the workers, and a queue of per-batch result
// channels (bounded) keeps the writer in input order and the window of
// findings in flight bounded.
type streamPipe struct {
	process func(*translator.Finding) error
	write   func(*translator.Finding)
	workers int
	n       int

	cur    []*translator.Finding
	jobs   chan *streamJob
	order  chan *streamJob
	done   chan struct{}
	err    error // first stage error, read after done
	failed atomic.Bool
}

type streamJob struct {
	fs  []*translator.Finding
	err error
	ok  chan struct{}
}

func newStreamPipe(workers int, process func(*translator.Finding) error, write func(*translator.Finding)) *streamPipe {
	p := &streamPipe{process: process, write: write, workers: workers}
	if workers <= 1 {
		p.workers = 1
		return p
	}
	p.jobs = make(chan *streamJob, workers*2)
	p.order = make(chan *streamJob, workers*4)
	p.done = make(chan struct{})
	for i := 0; i < workers; i++ {
		go func() {
			for j := range p.jobs {
				for _, f := range j.fs {
					if err := p.process(f); err != nil {
						j.err = err
						break
					}
				}
				close(j.ok)
			}
		}()
	}
	go func() {
		defer close(p.done)
		for j := range p.order {
			<-j.ok
			if p.err != nil {
				continue // drain
			}
			if j.err != nil {
				p.err = j.err
				p.failed.Store(true)
				continue
			}
			for _, f := range j.fs {
				p.write(f)
			}
		}
	}()
	return p
}

// send is the parser's emit callback.
func (p *streamPipe) send(f *translator.Finding) error {
	p.n++
	if p.workers == 1 {
		if err := p.process(f); err != nil {
			p.err = err
			return errStreamStage
		}
		p.write(f)
		return nil
	}
	if p.failed.Load() {
		return errStreamStage
	}
	if p.cur == nil {
		p.cur = make([]*translator.Finding, 0, streamBatch)
	}
	p.cur = append(p.cur, f)
	if len(p.cur) == streamBatch {
		p.flush()
	}
	return nil
}

func (p *streamPipe) flush() {
	if len(p.cur) == 0 {
		return
	}
	j := &streamJob{fs: p.cur, ok: make(chan struct{})}
	p.cur = nil
	p.order <- j // blocks when the window is full: bounded memory
	p.jobs <- j
}

// close waits for every finding to be written and returns the first stage
// error.
func (p *streamPipe) close() error {
	if p.workers == 1 {
		return p.err
	}
	p.flush()
	close(p.order)
	close(p.jobs)
	<-p.done
	return p.err
}
