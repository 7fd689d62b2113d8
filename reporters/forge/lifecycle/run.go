package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
)

// Input is one run's findings and where they may go.
type Input struct {
	Run *translator.Run
	// Diff is the request's diff; a finding goes inline only on a line it
	// shows (FilterMode decides which lines qualify).
	Diff       *diff.Diff
	FilterMode diff.Mode
	// Stale, when not empty, is why nothing goes inline this run (the
	// request has moved on to a newer commit).
	Stale    string
	Mentions bool
	// Fix, when set, decides how a finding's first fix shows in the
	// comment d about to be drafted for it (Path, Line, StartLine and File
	// set): it may move d onto the lines the fix replaces (a GitHub
	// suggestion replaces exactly the commented lines) and returns the
	// Markdown section for the body (comment.Fix.Markdown) in lang, ""
	// for none.
	Fix func(f *translator.Finding, d *Draft, lang string) string
}

// draft finishes a comment: the forge's fix section, then the body.
func (in Input) draft(d *Draft, copts comment.Options) *Draft {
	if in.Fix != nil && (len(d.Finding.Fixes) > 0 || d.Finding.FixNote != "") {
		d.Fix = in.Fix(d.Finding, d, copts.Lang)
	}
	d.Body, d.Marker = comment.InlineFix(d.Finding, copts, d.Fix)
	return d
}

// state is one run of the lifecycle.
type state struct {
	f    Forge
	cfg  Config
	self Identity
	pace *pacer

	mu         sync.Mutex
	inline     int
	notInline  []comment.Entry
	failed     []comment.Entry
	rejected   map[string]string
	notes      []string
	errs       []error
	noAccess   error
	why        string // why resolving or reopening was refused
	unsettled  int    // fixed comments whose thread stays open
	unreopened int    // comments of findings back whose thread stays resolved
	carried    bool   // unsettled threads of an earlier run, state unknown
	known      map[string]bool
	// lang is the language of the notes and bodies (the run's).
	lang string
}

// copts are the comment options of a run: mentions and its language.
func (s *state) copts(in Input) comment.Options {
	return comment.Options{Mentions: in.Mentions, Lang: s.lang}
}

func (s *state) logf(format string, args ...any) {
	if s.cfg.Log != nil {
		s.cfg.Log(format, args...)
	}
}

func (s *state) redact(msg string) string {
	if s.cfg.Redact != nil {
		return s.cfg.Redact(msg)
	}
	return msg
}

func (c *Config) defaults() {
	if c.MaxBatch <= 0 {
		c.MaxBatch = 1
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 1
	}
	if c.MaxRounds <= 0 {
		c.MaxRounds = 4
	}
	if c.Backoff == nil {
		c.Backoff = func(n int) time.Duration { return time.Second << min(n-1, 10) }
	}
	if c.MaxWait <= 0 {
		c.MaxWait = 2 * time.Minute
	}
	if c.Forge == "" {
		c.Forge = "the forge"
	}
}

// Report runs the lifecycle once: it places the active findings of in,
// brings the forge's comments in line with them and upserts the summary.
func Report(ctx context.Context, f Forge, cfg Config, in Input) error {
	cfg.defaults()
	s := &state{f: f, cfg: cfg, pace: newPacer(cfg.Clock, cfg.Limits), rejected: map[string]string{}, known: map[string]bool{}}
	if in.Run != nil {
		s.lang = in.Run.Lang
	}
	if err := s.identify(ctx); err != nil {
		return err
	}
	lst, err := f.List(ctx)
	if err != nil {
		return err
	}
	ours, summary := s.ours(lst)
	var prev comment.Marker
	if summary != nil {
		prev = summary.marker
	}
	prevRejected := map[string]string{}
	sameHead := summary != nil && prev.SHA == cfg.Head
	if sameHead {
		prevRejected = prev.Rejected
	}

	want := s.place(in, prevRejected)
	if lst.Pages >= 2 && (summary == nil || anyUnmatched(want, ours)) {
		// Offset pagination skips an item at a page boundary when
		// someone deletes one while we list: list once more and add what
		// that finds, so that a comment of ours is posted twice only if
		// both listings skipped it. One-page listings cost nothing extra.
		more, err := f.List(ctx)
		if err != nil {
			return err
		}
		moreOurs, moreSummary := s.ours(more)
		seen := map[string]bool{}
		for _, n := range ours {
			seen[n.ID] = true
		}
		for _, n := range moreOurs {
			if !seen[n.ID] {
				ours = append(ours, n)
			}
		}
		if summary == nil && moreSummary != nil {
			// The summary was skipped: its memory decides placement.
			summary, prev = moreSummary, moreSummary.marker
			if sameHead = prev.SHA == cfg.Head; sameHead {
				s.notInline, s.rejected = nil, map[string]string{}
				want = s.place(in, prev.Rejected)
			}
		}
	}
	for _, n := range ours {
		s.known[n.ID] = true
	}

	memory := sameHead && prev.Unsettled > 0
	p := &plan{}
	if in.Stale == "" {
		// On a stale head nothing is placed, so nothing is closed either.
		p = s.plan(want, ours, in.Run.Findings.Active(), memory, !sameHead && prev.Unsettled > 0, s.copts(in))
	}
	if memory {
		s.why = prev.UnsettledWhy
	}
	if err := s.settleThreads(ctx, p); err != nil {
		return err
	}
	s.runJobs(ctx, p.jobs)
	if s.noAccess == nil {
		// File-level comments go one by one: a review's comments are on
		// lines.
		var lines, files []*Draft
		for _, d := range p.fresh {
			if d.File {
				files = append(files, d)
			} else {
				lines = append(lines, d)
			}
		}
		s.createAll(ctx, lines, cfg.MaxBatch)
		if s.noAccess == nil {
			s.createAll(ctx, files, 1)
		}
	}
	if s.noAccess != nil {
		if len(s.failed) == 0 {
			s.fail(p.fresh, "no write access")
		}
		entries := append([]comment.Entry(nil), s.failed...)
		sortEntries(entries)
		return &NotPostedError{What: cfg.What, Entries: entries, Err: s.noAccess}
	}

	if v, ok := f.(Verdicts); ok && cfg.RequestChanges && in.Stale == "" {
		// After the comments, so that the review points at them; before
		// the summary, which says when the verdict could not be given.
		// On a stale head the findings are not this head's: no verdict.
		failing := 0
		for _, fd := range in.Run.Findings {
			if in.Run.Failing(fd) {
				failing++
			}
		}
		s.verdict(ctx, v, failing)
	}
	sortEntries(s.notInline)
	sortEntries(s.failed)
	if s.carried {
		s.unsettled = max(s.unsettled, prev.Unsettled)
	}
	notes := append(p.notes, s.notes...)
	if s.unsettled > 0 {
		notes = append(notes, messages.N(s.lang, "life.unsettled", s.unsettled, cfg.Forge, s.why, cfg.Permissions))
	}
	if s.unreopened > 0 {
		notes = append(notes, messages.N(s.lang, "life.unreopened", s.unreopened, cfg.Forge, s.why))
	}
	notes = append(notes, in.Run.Notes...)
	sum := comment.Summary{Findings: in.Run.Findings, Inline: s.inline, NotInline: s.notInline, Failed: s.failed,
		Notes: notes, SHA: cfg.Head, Rejected: s.rejected, Unsettled: s.unsettled, UnsettledWhy: s.why,
		Baseline: in.Run.BaselineFile != "", Fixed: in.Run.Fixed}
	var postErr error
	if len(s.failed) > 0 || len(s.errs) > 0 {
		postErr = &NotPostedError{What: cfg.What, Entries: s.failed, Err: errors.Join(s.errs...)}
	}
	if err := s.writeSummary(ctx, summary, sum, s.copts(in)); err != nil {
		if postErr == nil {
			return err
		}
		return fmt.Errorf("%w; write summary: %v", postErr, err)
	}
	return postErr
}

// identify finds out who we are: the override, or the forge's answer.
func (s *state) identify(ctx context.Context) error {
	if s.cfg.BotLogin != "" {
		s.self = Identity{Login: s.cfg.BotLogin}
		return nil
	}
	id, err := s.f.Self(ctx)
	if err != nil {
		return err
	}
	if id.Login == "" && id.ID == 0 {
		return ErrNoIdentity
	}
	s.self = id
	s.logm("lifelog.ours", id)
	return nil
}

// ours keeps the notes we wrote that carry our marker: inline comments
// with a fingerprint, and our newest summary. Anyone can paste a marker;
// only the author makes it ours.
func (s *state) ours(l *Listing) ([]*Note, *Note) {
	var out []*Note
	for _, n := range l.Inline {
		if !s.self.Is(n.Author) {
			continue
		}
		m, ok := comment.Parse(n.Body)
		if !ok || m.IsSummary() || m.FP == "" {
			continue
		}
		n.marker = m
		out = append(out, n)
	}
	var summary *Note
	for _, n := range l.Summaries {
		if !s.self.Is(n.Author) {
			continue
		}
		if m, ok := comment.Parse(n.Body); ok && m.IsSummary() {
			n.marker = m
			summary = n // listings are oldest first: keep the newest
		}
	}
	return out, summary
}

// place decides where each active finding goes.
func (s *state) place(in Input, prevRejected map[string]string) []*Draft {
	active := append(translator.Findings(nil), in.Run.Findings.Active()...)
	active.Sort()
	anchorMode := diff.ModeDiffContext
	if in.FilterMode == diff.ModeAdded {
		anchorMode = diff.ModeAdded
	}
	copts := s.copts(in)
	var want []*Draft
	for _, f := range active {
		line := 0
		if in.Stale == "" && (in.FilterMode == diff.ModeNoFilter || in.Diff.Qualifies(in.FilterMode, f.Path, f.Line, f.EndLine)) {
			line = in.Diff.Anchor(anchorMode, f.Path, f.Line, f.EndLine)
		}
		switch {
		case f.Path != "" && in.Stale == "" && line == 0 && s.cfg.FileComments && changed(in.Diff, f.Path):
			if k := rejectKey(f.Fingerprint, f.Path, 0); prevRejected[k] != "" {
				s.rejected[k] = prevRejected[k]
				s.notInline = append(s.notInline, comment.Entry{Finding: f, Reason: messages.T(s.lang, "summary.rejected_by", s.cfg.Forge, prevRejected[k])})
				continue
			}
			want = append(want, in.draft(&Draft{Finding: f, Path: f.Path, File: true}, copts))
		case f.Line <= 0 || f.Path == "":
			s.notInline = append(s.notInline, comment.Entry{Finding: f, Reason: comment.Reason(s.lang, comment.ReasonNoLine)})
		case in.Stale != "":
			s.notInline = append(s.notInline, comment.Entry{Finding: f, Reason: in.Stale})
		case line == 0:
			// The file's lines may not be known (a bad or missing patch, a
			// cut listing): say so rather than "outside the diff".
			reason := comment.Reason(s.lang, comment.ReasonOutsideDiff)
			if why := in.Diff.UnknownIn(s.lang, f.Path); why != "" {
				reason = why
			}
			s.notInline = append(s.notInline, comment.Entry{Finding: f, Reason: reason})
		default:
			if end := spanEnd(in.Diff, f); end > 0 {
				line = end
			}
			d := &Draft{Finding: f, Path: f.Path, Line: line}
			if line != f.Line && spanEnd(in.Diff, f) == line {
				d.StartLine = f.Line
			}
			in.draft(d, copts)
			if k := rejectKey(f.Fingerprint, f.Path, d.Line); prevRejected[k] != "" {
				// Refused on this very commit already: asking again would
				// be refused again.
				s.rejected[k] = prevRejected[k]
				s.notInline = append(s.notInline, comment.Entry{Finding: f, Reason: messages.T(s.lang, "summary.rejected_by", s.cfg.Forge, prevRejected[k])})
				continue
			}
			want = append(want, d)
		}
	}
	return want
}

// changed reports whether the request changes path (and it still exists).
func changed(d *diff.Diff, path string) bool {
	f, ok := d.File(path)
	return ok && !f.Deleted
}

// MaxSpan bounds a multi-line comment: a longer range is commented on
// its anchor line alone (a range of 2^31 lines must not cost a loop).
const MaxSpan = 200

// spanEnd returns the last line of f's range when the range can carry one
// multi-line comment: several lines, all shown in one hunk of the diff
// (GitHub: "start_line ... must be part of the same hunk"); 0 otherwise.
func spanEnd(d *diff.Diff, f *translator.Finding) int {
	if f.EndLine <= f.Line || f.EndLine-f.Line > MaxSpan {
		return 0
	}
	for n := f.Line; n <= f.EndLine; n++ {
		if d.Line(f.Path, n) == diff.NotInDiff {
			return 0
		}
	}
	return f.EndLine
}

// rejectKey is the memory key of a refused comment: the fingerprint and
// where it was placed, so that one of two identical findings can be
// refused without the other.
func rejectKey(fp, path string, line int) string {
	return fmt.Sprintf("%s@%s:%d", baseFP(fp), diff.CleanPath(path), line)
}

func anyUnmatched(want []*Draft, ours []*Note) bool {
	have := map[string]bool{}
	for _, n := range ours {
		if !n.Outdated {
			have[locKey(n.marker.FP, n.Path, n.Line)] = true
		}
	}
	for _, d := range want {
		if !have[locKey(d.Marker.FP, d.Path, d.Line)] {
			return true
		}
	}
	return false
}

// locKey is where a finding's comment is: its base fingerprint and its
// place. translator.Findings.AssignFingerprints numbers the second and
// later findings of one base fingerprint in order ("<fp>-2"), so the
// number changes when an earlier one goes; the place does not.
func locKey(fp, path string, line int) string {
	return fmt.Sprintf("%s\x00%s\x00%d", baseFP(fp), diff.CleanPath(path), line)
}

// baseFP drops the occurrence number of a fingerprint.
func baseFP(fp string) string {
	base, _, _ := strings.Cut(fp, "-")
	return base
}

func sortEntries(es []comment.Entry) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i].Finding, es[j].Finding
		if translator.Less(a, b) || translator.Less(b, a) {
			return translator.Less(a, b)
		}
		return a.Fingerprint < b.Fingerprint
	})
}
