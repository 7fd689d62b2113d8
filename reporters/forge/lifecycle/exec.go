package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
)

// pool runs fn(0..n-1) on Concurrency workers, in order when there is one.
func (s *state) pool(ctx context.Context, n int, fn func(i int)) {
	workers := min(s.cfg.Concurrency, n)
	if workers <= 1 {
		for i := 0; i < n && ctx.Err() == nil; i++ {
			fn(i)
		}
		return
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func (s *state) stopped() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.noAccess
}

// refuse records that the token may not write at all: every later write
// would fail the same way.
func (s *state) refuse(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.noAccess == nil {
		s.noAccess = err
	}
}

// addNote adds a note, already in the run's language, to the summary.
func (s *state) addNote(note string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notes = append(s.notes, note)
}

// runJobs performs the edits, fixes, resolves and reopens. Edits go
// first: a comment says "Fixed" before its thread is resolved, so a
// refused resolve leaves a true comment, and the next run has nothing
// left to do but the resolve.
func (s *state) runJobs(ctx context.Context, jobs []job) {
	s.pool(ctx, len(jobs), func(i int) {
		if s.stopped() != nil {
			return
		}
		s.do(ctx, jobs[i])
	})
}

func (s *state) do(ctx context.Context, j job) {
	if j.kind != jobResolve {
		s.logm("lifelog.edit", j.n.ID, j.n.marker.FP)
		if err := s.write(ctx, func() error { return s.f.Edit(ctx, j.n, j.body) }); err != nil {
			kind, msg := s.f.Classify(err)
			if kind == Refused {
				s.refuse(err)
				return
			}
			s.mu.Lock()
			s.errs = append(s.errs, fmt.Errorf("edit comment %s: %w", j.n.ID, err))
			s.mu.Unlock()
			s.addNote(messages.T(s.lang, "life.update_failed", j.n.Path, j.n.Line, s.redact(msg)))
			return
		}
	}
	switch j.kind {
	case jobFix, jobResolve:
		if j.n.ResolvedKnown && j.n.Resolved {
			return
		}
		s.resolve(ctx, j.n, true)
	case jobReopen:
		if j.n.ResolvedKnown && !j.n.Resolved {
			return
		}
		s.resolve(ctx, j.n, false)
	}
}

// resolve resolves or reopens a thread; a refusal is remembered for the
// summary and never stops the run.
func (s *state) resolve(ctx context.Context, n *Note, resolved bool) {
	why := n.threadErr
	if why == "" {
		verb := messages.Key("lifelog.resolve")
		if !resolved {
			verb = "lifelog.reopen"
		}
		s.logm(verb, n.ID)
		err := s.write(ctx, func() error { return s.f.Resolve(ctx, n, resolved) })
		if err == nil {
			return
		}
		kind, msg := s.f.Classify(err)
		if kind != Refused {
			s.mu.Lock()
			s.errs = append(s.errs, fmt.Errorf("%s thread of comment %s: %w", verb, n.ID, err))
			s.mu.Unlock()
			return
		}
		why = msg
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.why = s.redact(why)
	if resolved {
		s.unsettled++
	} else {
		s.unreopened++
	}
}

// write performs one write within the pacing limits.
func (s *state) write(ctx context.Context, fn func() error) error {
	if err := s.pace.wait(ctx, s.cfg.MaxWait); err != nil {
		return err
	}
	return fn()
}

func (s *state) fail(ds []*Draft, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range ds {
		s.failed = append(s.failed, comment.Entry{Finding: d.Finding, Reason: messages.T(s.lang, "summary.not_posted_why", s.redact(reason))})
	}
}

// createAll posts the new comments in batches of MaxBatch. Drafts whose
// outcome is unknown are looked for in a new listing after a wait, and
// only those missing are posted again, in smaller batches each round (a
// GitHub 502 is often a review too large to finish in time): never a
// duplicate comment.
func (s *state) createAll(ctx context.Context, fresh []*Draft, size int) {
	pending := fresh
	for round := 1; len(pending) > 0; round++ {
		var batches [][]*Draft
		for i := 0; i < len(pending); i += size {
			batches = append(batches, pending[i:min(i+size, len(pending))])
		}
		var amb []*Draft
		var hard error
		var mu sync.Mutex
		s.pool(ctx, len(batches), func(i int) {
			mu.Lock()
			stop := hard
			mu.Unlock()
			if err := s.stopped(); err != nil {
				s.fail(batches[i], "no write access")
				return
			}
			if stop != nil {
				s.fail(batches[i], "not attempted after an earlier failure")
				return
			}
			a, err := s.createBatch(ctx, batches[i])
			mu.Lock()
			amb = append(amb, a...)
			if err != nil && hard == nil {
				hard = err
			}
			mu.Unlock()
		})
		if ctx.Err() != nil {
			s.fail(amb, ctx.Err().Error())
			return
		}
		if len(amb) == 0 || s.stopped() != nil {
			if s.stopped() != nil {
				s.fail(amb, "no write access")
			}
			return
		}
		if round >= s.cfg.MaxRounds {
			s.fail(amb, s.cfg.Forge+"'s answer was lost on every attempt")
			s.errs = append(s.errs, errors.New("outcome unknown on every attempt"))
			return
		}
		if err := s.cfg.Clock.Sleep(ctx, min(s.cfg.Backoff(round), s.cfg.MaxWait)); err != nil {
			s.fail(amb, err.Error())
			return
		}
		lst, err := s.f.List(ctx)
		if err != nil {
			s.fail(amb, "check what was posted: "+err.Error())
			s.errs = append(s.errs, err)
			return
		}
		now, _ := s.ours(lst)
		pending = s.missing(amb, now)
		s.logm("lifelog.ambiguous", len(amb), len(pending))
		// Smaller batches each round: halve what is left.
		size = max(1, min(size, (len(pending)+1)/2))
	}
}

// missing returns the drafts that have no comment of ours at their place
// that was not known before; those found count as posted.
func (s *state) missing(ds []*Draft, now []*Note) []*Draft {
	fresh := map[string][]*Note{}
	for _, n := range now {
		if !s.known[n.ID] && !n.Outdated {
			k := locKey(n.marker.FP, n.Path, n.Line)
			fresh[k] = append(fresh[k], n)
		}
	}
	var rest []*Draft
	for _, d := range ds {
		k := locKey(d.Marker.FP, d.Path, d.Line)
		if ns := fresh[k]; len(ns) > 0 {
			s.known[ns[0].ID] = true
			fresh[k] = ns[1:]
			s.inline++
			continue
		}
		rest = append(rest, d)
	}
	return rest
}

// createBatch posts one batch. A batch the forge refuses as a whole
// (GitHub rejects a review when one comment is not on the diff) is split
// in halves until the refused comments stand alone: they go to the
// summary and are remembered for this commit. It returns the drafts whose
// outcome is unknown, and an error that should stop further creates.
func (s *state) createBatch(ctx context.Context, ds []*Draft) ([]*Draft, error) {
	s.logm("lifelog.post", len(ds))
	err := s.write(ctx, func() error { return s.f.Create(ctx, ds) })
	if err == nil {
		s.mu.Lock()
		s.inline += len(ds)
		s.mu.Unlock()
		return nil, nil
	}
	if ctx.Err() != nil {
		s.fail(ds, ctx.Err().Error())
		return nil, ctx.Err()
	}
	kind, msg := s.f.Classify(err)
	switch kind {
	case Refused:
		s.refuse(err)
		s.fail(ds, "no write access")
		return nil, nil
	case Ambiguous:
		s.logm("lifelog.unknown", len(ds), s.redact(msg))
		return ds, nil
	case Rejected:
		if len(ds) == 1 {
			d := ds[0]
			msg = s.redact(msg)
			s.logm("lifelog.rejected", d.Path, d.Line, msg)
			s.mu.Lock()
			s.rejected[rejectKey(d.Marker.FP, d.Path, d.Line)] = msg
			s.notInline = append(s.notInline, comment.Entry{Finding: d.Finding, Reason: messages.T(s.lang, "summary.rejected_by", s.cfg.Forge, msg)})
			s.mu.Unlock()
			return nil, nil
		}
		s.logm("lifelog.halves", len(ds), msg)
		half := len(ds) / 2
		a, errA := s.createBatch(ctx, ds[:half])
		if errA != nil || s.stopped() != nil {
			s.fail(ds[half:], "not attempted after an earlier failure")
			return a, errA
		}
		b, errB := s.createBatch(ctx, ds[half:])
		return append(a, b...), errB
	default:
		s.mu.Lock()
		s.errs = append(s.errs, err)
		s.mu.Unlock()
		s.fail(ds, err.Error())
		return nil, err
	}
}

// writeSummary creates or updates the sticky summary, only when its
// content (or the commit and rejections it remembers) changed.
func (s *state) writeSummary(ctx context.Context, old *Note, sum comment.Summary, copts comment.Options) error {
	for i := range sum.Notes {
		sum.Notes[i] = s.redact(sum.Notes[i])
	}
	body, m := comment.SummaryBody(sum, copts)
	switch {
	case old != nil && old.marker.Hash == m.Hash:
		return nil
	case old != nil:
		s.logm("lifelog.edit_summary", old.ID)
		if err := s.write(ctx, func() error { return s.f.EditSummary(ctx, old, body) }); err != nil {
			return fmt.Errorf("edit summary: %w", err)
		}
		return nil
	case len(sum.Findings) == 0 && len(sum.Notes) == 0:
		return nil
	}
	s.logm("lifelog.post_summary")
	for round := 1; ; round++ {
		err := s.write(ctx, func() error { return s.f.CreateSummary(ctx, body) })
		if err == nil {
			return nil
		}
		if kind, _ := s.f.Classify(err); kind != Ambiguous || round >= s.cfg.MaxRounds {
			return fmt.Errorf("post summary: %w", err)
		}
		// Posting twice would leave two summaries: look first.
		if serr := s.cfg.Clock.Sleep(ctx, min(s.cfg.Backoff(round), s.cfg.MaxWait)); serr != nil {
			return serr
		}
		if lst, lerr := s.f.List(ctx); lerr == nil {
			if _, now := s.ours(lst); now != nil && now.marker.Hash == m.Hash {
				return nil
			}
		}
	}
}

// pacer spaces writes to the forge's documented limits.
type pacer struct {
	clock  Clock
	limits []Limit
	mu     sync.Mutex
	times  []time.Time
}

func newPacer(c Clock, ls []Limit) *pacer { return &pacer{clock: c, limits: ls} }

// wait blocks until one more write stays within every limit, then counts
// it. Writers queue behind the one that waits.
func (p *pacer) wait(ctx context.Context, maxWait time.Duration) error {
	if p == nil || p.clock == nil || len(p.limits) == 0 {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		now := p.clock.Now()
		var until time.Time
		for _, l := range p.limits {
			in := 0
			for _, t := range p.times {
				if now.Sub(t) < l.Per {
					in++
				}
			}
			if in >= l.N {
				// The window frees up when its oldest write in excess leaves.
				oldest := p.times[len(p.times)-in+(in-l.N)]
				if t := oldest.Add(l.Per); t.After(until) {
					until = t
				}
			}
		}
		if until.IsZero() {
			break
		}
		if err := p.clock.Sleep(ctx, min(until.Sub(now), maxWait)); err != nil {
			return err
		}
	}
	p.times = append(p.times, p.clock.Now())
	var longest time.Duration
	for _, l := range p.limits {
		longest = max(longest, l.Per)
	}
	now := p.clock.Now()
	for len(p.times) > 0 && now.Sub(p.times[0]) >= longest {
		p.times = p.times[1:]
	}
	return nil
}
