package lifecycle

import (
	"context"
	"fmt"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
)

type jobKind int

const (
	// jobEdit replaces a live comment's body (the finding changed).
	jobEdit jobKind = iota
	// jobReopen edits a fixed comment back and reopens its thread (the
	// finding came back at the same place).
	jobReopen
	// jobFix edits a comment to say its finding went (or moved), then
	// resolves its thread.
	jobFix
	// jobResolve resolves the thread of a comment already marked fixed
	// (an earlier run's resolve was refused; the head moved since).
	jobResolve
)

type job struct {
	kind jobKind
	n    *Note
	body string
}

type plan struct {
	jobs  []job
	fresh []*Draft
	notes []string
}

// plan matches the wanted comments with ours. A comment is the live
// comment of a finding when it has the finding's fingerprint, is not
// outdated, and is where the finding is now: two findings with one
// fingerprint are two comments, each at its place, and a comment left
// behind by code that changed is closed while the finding is posted anew.
//
// A comment already marked fixed is left alone, unless an earlier run
// could not resolve its thread: then it is tried again once the head
// moved (retry), and counted as still open on the same head (memory).
func (s *state) plan(want []*Draft, ours []*Note, active []*translator.Finding, memory, retry bool, copts comment.Options) *plan {
	p := &plan{}
	live := map[string][]*Note{}
	for _, n := range ours {
		if !n.Outdated {
			k := locKey(n.marker.FP, n.Path, n.Line)
			live[k] = append(live[k], n)
		}
	}
	elsewhere := map[string]*translator.Finding{}
	for _, f := range active {
		if _, ok := elsewhere[baseFP(f.Fingerprint)]; !ok {
			elsewhere[baseFP(f.Fingerprint)] = f
		}
	}
	claimed := map[*Note]bool{}
	nowAt := map[string]*Draft{}
	for _, d := range want {
		if _, ok := nowAt[baseFP(d.Marker.FP)]; !ok {
			nowAt[baseFP(d.Marker.FP)] = d
		}
		var match *Note
		for _, n := range live[locKey(d.Marker.FP, d.Path, d.Line)] {
			if !claimed[n] {
				match = n
				break
			}
		}
		if match == nil {
			p.fresh = append(p.fresh, d)
			continue
		}
		claimed[match] = true
		s.inline++
		switch {
		case match.marker.State == comment.StateFixed:
			p.jobs = append(p.jobs, job{kind: jobReopen, n: match, body: d.Body})
		case match.marker.Hash != d.Marker.Hash && !sameAs(d, match.marker, copts):
			p.jobs = append(p.jobs, job{kind: jobEdit, n: match, body: d.Body})
		}
	}
	for _, n := range ours {
		if claimed[n] {
			continue
		}
		if n.marker.State == comment.StateFixed {
			if memory {
				// Refused at this commit already: asking again would be
				// refused again. Count what is still open.
				switch {
				case !n.ResolvedKnown:
					s.carried = true
				case !n.Resolved:
					s.unsettled++
				}
				continue
			}
			if retry && (!n.ResolvedKnown || !n.Resolved) {
				p.jobs = append(p.jobs, job{kind: jobResolve, n: n})
			}
			continue
		}
		where := n.Path
		if n.Line > 0 {
			where = fmt.Sprintf("%s:%d", n.Path, n.Line)
		}
		if s.replied(n) {
			if !n.ResolvedKnown || !n.Resolved {
				p.notes = append(p.notes, messages.T(s.lang, "life.replied", where))
			}
			continue
		}
		note := messages.T(s.lang, "life.gone", short(s.cfg.Head))
		if d := nowAt[baseFP(n.marker.FP)]; d != nil {
			note = messages.T(s.lang, "life.moved", diff.CleanPath(d.Path), d.Line, short(s.cfg.Head))
		} else if f := elsewhere[baseFP(n.marker.FP)]; f != nil {
			note = messages.T(s.lang, "life.moved_elsewhere", diff.CleanPath(f.Path), f.Line, short(s.cfg.Head))
		}
		body, _ := comment.Fixed(n.marker, comment.Title(n.Body), note, copts)
		p.jobs = append(p.jobs, job{kind: jobFix, n: n, body: body})
	}
	return p
}

// sameAs reports whether d's comment, rendered with the fingerprint of the
// comment it matched (the same base, another occurrence number), is
// what that comment says: then there is nothing to edit.
func sameAs(d *Draft, old comment.Marker, copts comment.Options) bool {
	if old.FP == d.Marker.FP || baseFP(old.FP) != baseFP(d.Marker.FP) {
		return false
	}
	f := *d.Finding
	f.Fingerprint = old.FP
	_, m := comment.InlineFix(&f, copts, d.Fix)
	return m.Hash == old.Hash
}

// replied reports whether someone else wrote in the thread.
func (s *state) replied(n *Note) bool {
	for _, a := range n.Replies {
		if !s.self.Is(a) {
			return true
		}
	}
	return false
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// settleThreads asks the forge for the thread state of the comments
// whose threads are about to be resolved or reopened. A refused read
// (GitHub's GraphQL FORBIDDEN, a 403) degrades: comments are still
// edited, threads are left as they are, and the summary says so.
func (s *state) settleThreads(ctx context.Context, p *plan) error {
	var ns []*Note
	for _, j := range p.jobs {
		if j.kind != jobEdit && !j.n.ResolvedKnown {
			ns = append(ns, j.n)
		}
	}
	if len(ns) == 0 {
		return nil
	}
	err := s.f.Threads(ctx, ns)
	if err == nil {
		return nil
	}
	kind, msg := s.f.Classify(err)
	if kind != Refused {
		return err
	}
	s.logm("lifelog.threads_refused", msg)
	for _, n := range ns {
		n.threadErr = msg
	}
	return nil
}
