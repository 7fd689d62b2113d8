package translator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
)

// Stage is one step of the pipeline (locate, ignore, runbooks, owners, diff
// filter), written once, for one finding at a time: the same code serves a
// run of three findings and a stream of a million. A stage marks findings
// rather than dropping them when a later reporter must still account for
// them.
//
// A new stage is added in one place: the stage list of `review`
// (stages in cmd/runbook-translator/stream.go), in the order it must run.
type Stage interface {
	Name() string
	Map(ctx context.Context, f *Finding) error
}

// Mapper is a Stage that also offers Process, the stage applied to a whole
// slice: a convenience for tests and tools that hold findings. The pipeline
// calls only Map.
type Mapper interface {
	Stage
	Process(ctx context.Context, fs Findings) (Findings, error)
}

// Pipeline runs stages in order on every finding. Findings go in with Send
// (from one goroutine, the parser's) and come out, in the order they were
// sent, to the write function given to Start, from one goroutine; with
// Workers > 1 the stages of different findings run in parallel.
type Pipeline struct {
	Stages []Stage
	// Ordered stages run after Stages, one finding at a time in send
	// order, in the goroutine that writes: for a stage whose result
	// depends on the findings before it (the fix stage reads the fixes it
	// gave earlier findings of the same object), which parallel workers
	// would make depend on their timing.
	Ordered []Stage
	// Workers run the stages; 0 or 1 runs them inline in Send.
	Workers int
	// Log receives one line per stage when the pipeline closes; nil
	// discards.
	Log io.Writer
}

// Run applies every stage to every finding of fs, in order: the pipeline
// for a caller that holds the findings already (tests, tools).
func (p *Pipeline) Run(ctx context.Context, fs Findings) (Findings, error) {
	s := p.Start(ctx, func(*Finding) {})
	for _, f := range fs {
		if err := s.Send(f); err != nil {
			break
		}
	}
	return fs, s.Close()
}

// ErrStopped is what Send returns once a stage has failed: the caller
// stops sending (the parser stops reading) and Close returns the stage's
// error.
var ErrStopped = errors.New("pipeline stopped: a stage failed")

// BatchSize is how many findings travel together between the sender, the
// workers and the writer: large enough that channel handoffs cost little
// per finding, small enough that the window in flight stays a few MiB.
const BatchSize = 256

// Stream is a pipeline in progress (Pipeline.Start).
type Stream struct {
	p       *Pipeline
	ctx     context.Context
	write   func(*Finding)
	workers int
	// N counts the findings sent.
	N int

	cur    []*Finding
	jobs   chan *streamJob
	order  chan *streamJob
	done   chan struct{}
	err    error // first stage error, read after done (or inline)
	failed atomic.Bool
}

type streamJob struct {
	fs  []*Finding
	err error
	ok  chan struct{}
}

// Start opens the pipeline: every finding sent goes through the stages and
// then to write, in send order. Memory is bounded: at most a few batches
// per worker are in flight; Send blocks when the window is full.
func (p *Pipeline) Start(ctx context.Context, write func(*Finding)) *Stream {
	s := &Stream{p: p, ctx: ctx, write: write, workers: p.Workers}
	if s.workers <= 1 {
		s.workers = 1
		return s
	}
	s.jobs = make(chan *streamJob, s.workers*2)
	s.order = make(chan *streamJob, s.workers*4)
	s.done = make(chan struct{})
	// The goroutines use locals, not s's fields: Send writes s.N and s.cur
	// for every finding, and a read of s.write or s.p per finding shared
	// that cache line with it (false sharing).
	stages, ordered := p.Stages, p.Ordered
	for i := 0; i < s.workers; i++ {
		go func() {
			for j := range s.jobs {
				for _, f := range j.fs {
					if err := process(ctx, stages, f); err != nil {
						j.err = err
						break
					}
				}
				close(j.ok)
			}
		}()
	}
	go func() {
		defer close(s.done)
		var err error
		for j := range s.order {
			<-j.ok
			if err != nil {
				continue // drain
			}
			if j.err != nil {
				err = j.err
				s.err = err
				s.failed.Store(true)
				continue
			}
			for _, f := range j.fs {
				if len(ordered) > 0 {
					if err = process(ctx, ordered, f); err != nil {
						s.err = err
						s.failed.Store(true)
						break
					}
				}
				write(f)
			}
		}
	}()
	return s
}

// Workers is the number of goroutines that run the stages.
func (s *Stream) Workers() int { return s.workers }

func (s *Stream) process(f *Finding) error {
	if err := process(s.ctx, s.p.Stages, f); err != nil {
		return err
	}
	return process(s.ctx, s.p.Ordered, f)
}

func process(ctx context.Context, stages []Stage, f *Finding) error {
	if err := ctx.Err(); err != nil {
		return err // cancelled: the run stops as after a stage error
	}
	for _, st := range stages {
		if err := st.Map(ctx, f); err != nil {
			return fmt.Errorf("stage %s: %w", st.Name(), err)
		}
	}
	return nil
}

// Send is the parser's emit callback. After a stage failed it returns
// ErrStopped.
func (s *Stream) Send(f *Finding) error {
	s.N++
	if s.workers == 1 {
		if s.err != nil {
			return ErrStopped
		}
		if err := s.process(f); err != nil {
			s.err = err
			return ErrStopped
		}
		s.write(f)
		return nil
	}
	if s.failed.Load() {
		return ErrStopped
	}
	if s.cur == nil {
		s.cur = make([]*Finding, 0, BatchSize)
	}
	s.cur = append(s.cur, f)
	if len(s.cur) == BatchSize {
		s.flush()
	}
	return nil
}

func (s *Stream) flush() {
	if len(s.cur) == 0 {
		return
	}
	j := &streamJob{fs: s.cur, ok: make(chan struct{})}
	s.cur = nil
	s.order <- j // blocks when the window is full: bounded memory
	s.jobs <- j
}

// Close waits until every finding sent has been written, logs the stages
// and returns the first stage error.
func (s *Stream) Close() error {
	if s.workers > 1 {
		s.flush()
		close(s.order)
		close(s.jobs)
		<-s.done
	}
	if s.p.Log != nil && s.err == nil {
		// Stages mark, never drop: what goes in comes out.
		for _, st := range append(append([]Stage(nil), s.p.Stages...), s.p.Ordered...) {
			fmt.Fprintf(s.p.Log, "stage %s: %d findings in, %d out\n", st.Name(), s.N, s.N)
		}
	}
	return s.err
}

// MapStage adapts a per-finding function into a Stage.
type MapStage struct {
	StageName string
	Fn        func(ctx context.Context, f *Finding) error
}

// Name implements Stage.
func (m MapStage) Name() string { return m.StageName }

// Map implements Stage.
func (m MapStage) Map(ctx context.Context, f *Finding) error { return m.Fn(ctx, f) }

// Process implements Mapper.
func (m MapStage) Process(ctx context.Context, fs Findings) (Findings, error) {
	return (&Pipeline{Stages: []Stage{m}}).Run(ctx, fs)
}

var _ Mapper = MapStage{}
