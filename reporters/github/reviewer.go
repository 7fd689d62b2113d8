// Package github reports findings on GitHub pull requests. The
// github-pr-review reporter (Reviewer) posts one inline review comment per
// finding on the lines the pull request changes, keeps one sticky summary
// comment for everything that cannot go inline, and keeps both true across
// re-runs: identical comments are left alone, changed ones edited, fixed
// ones resolved, and a re-run on unchanged input writes nothing.
package github

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/reporters"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
)

// Name is the reporter name cmd registers.
const Name = "github-pr-review"

// DefaultMaxCommentsPerReview bounds the comments of one review. GitHub
// answers very large reviews with 502 (the request times out while every
// comment is checked against the diff; each body may be up to 65,536
// characters), and a failed review is all-or-nothing. Thirty keeps a
// review's payload and processing small, costs one request per 30 findings
// (well under the ~80 content-creating requests a minute of the secondary
// rate limit), and a 502 that still happens is handled by re-listing and
// halving the batch.
const DefaultMaxCommentsPerReview = 30

// DefaultRequestTimeout bounds one API request when nothing else is set.
// GitHub itself gives up on a request after 10 seconds (and answers 502);
// 30 seconds leaves room for slow networks and GitHub Enterprise servers
// while a hung connection still fails well within a CI job.
const DefaultRequestTimeout = 30 * time.Second

// Options configure a Reviewer.
type Options struct {
	// MaxCommentsPerReview bounds each review; 0 means
	// DefaultMaxCommentsPerReview.
	MaxCommentsPerReview int
	// DryRun, when set, receives every write the reviewer would make
	// (method, path, JSON body) instead of sending it. Reads still happen.
	DryRun io.Writer
	// Mentions lets runbook owners (@org/team) be pinged.
	Mentions bool
	// FilterMode decides which findings go inline; the zero value is
	// diff.ModeAdded. A finding must also be on a line the pull request's
	// diff shows, or GitHub refuses the comment.
	FilterMode diff.Mode
	// Clock is used for retry waits; nil means the wall clock.
	Clock Clock
	// MaxRetries is how often one request is retried; 0 means 4.
	MaxRetries int
	// MaxWait caps one wait between retries; a rate limit that lasts longer
	// fails at once. 0 means 2 minutes.
	MaxWait time.Duration
	// RequestTimeout bounds each request, the answer's body included; 0
	// means DefaultRequestTimeout. A request that times out is treated as
	// a connection reset: a read is retried; a write may have been
	// applied, so the comments are listed again before anything is posted
	// again.
	RequestTimeout time.Duration
	// Log receives progress lines; nil discards.
	Log io.Writer
}

// Reviewer is the github-pr-review reporter.
type Reviewer struct {
	owner, repo string
	number      int
	head        string
	opts        Options
	api         *api
}

var _ reporters.Reporter = (*Reviewer)(nil)

// NewReviewer returns the reporter for pull request number of owner/repo at
// head commit headSHA. client carries the base URL and the token.
func NewReviewer(client *gh.Client, owner, repo string, number int, headSHA string, opts Options) *Reviewer {
	if opts.MaxCommentsPerReview <= 0 {
		opts.MaxCommentsPerReview = DefaultMaxCommentsPerReview
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	if opts.MaxRetries <= 0 {
		opts.MaxRetries = 4
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = 2 * time.Minute
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	return &Reviewer{owner: owner, repo: repo, number: number, head: headSHA, opts: opts,
		api: &api{c: client, clock: opts.Clock, maxRetries: opts.MaxRetries, maxWait: opts.MaxWait,
			timeout: opts.RequestTimeout, dry: opts.DryRun}}
}

// NotPostedError lists the findings that could not be posted when retries
// ran out. The summary lists them too (when it could be written).
type NotPostedError struct {
	Entries []comment.Entry
	Err     error
}

func (e *NotPostedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "post review: %d findings not posted", len(e.Entries))
	for i, en := range e.Entries {
		if i == 10 {
			fmt.Fprintf(&b, "; and %d more", len(e.Entries)-10)
			break
		}
		fmt.Fprintf(&b, "; %s:%d %s %s", en.Finding.Path, en.Finding.Line, en.Finding.Tool, en.Finding.Code)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *NotPostedError) Unwrap() error { return e.Err }

// existing is one of our inline comments found on the pull request.
type existing struct {
	id     int64
	body   string
	marker comment.Marker
	path   string
	line   int
}

// wanted is a finding that goes inline.
type wanted struct {
	f      *translator.Finding
	line   int
	body   string
	marker comment.Marker
}

func (r *Reviewer) logf(format string, args ...any) {
	if r.opts.Log != nil {
		fmt.Fprintf(r.opts.Log, "github-pr-review: "+format+"\n", args...)
	}
}

func (r *Reviewer) path(format string, args ...any) string {
	return fmt.Sprintf("repos/%s/%s/", r.owner, r.repo) + fmt.Sprintf(format, args...)
}

// Report implements reporters.Reporter.
func (r *Reviewer) Report(ctx context.Context, run *translator.Run) error {
	model, err := r.diff(ctx) // files.go; a stale head stops it (head.go)
	if err != nil {
		return err
	}
	ours, replied, pages, err := r.existingComments(ctx)
	if err != nil {
		return err
	}
	summaryID, summaryMarker, err := r.existingSummary(ctx)
	if err != nil {
		return err
	}
	prevRejected := map[string]string{}
	if summaryMarker.SHA == r.head {
		prevRejected = summaryMarker.Rejected
	}

	// Decide where each active finding goes.
	active := append(translator.Findings(nil), run.Findings.Active()...)
	active.Sort()
	anchorMode := diff.ModeDiffContext
	if r.opts.FilterMode == diff.ModeAdded {
		anchorMode = diff.ModeAdded
	}
	copts := comment.Options{Mentions: r.opts.Mentions}
	var want []*wanted
	var notInline []comment.Entry
	rejected := map[string]string{}
	activeFP := map[string]bool{}
	for _, f := range active {
		dup := activeFP[f.Fingerprint]
		activeFP[f.Fingerprint] = true
		line := 0
		if r.opts.FilterMode == diff.ModeNoFilter || model.Qualifies(r.opts.FilterMode, f.Path, f.Line, f.EndLine) {
			line = model.Anchor(anchorMode, f.Path, f.Line, f.EndLine)
		}
		switch {
		case f.Line <= 0 || f.Path == "":
			notInline = append(notInline, comment.Entry{Finding: f, Reason: comment.ReasonNoLine})
		case line == 0:
			notInline = append(notInline, comment.Entry{Finding: f, Reason: notInlineReason(model, f.Path)})
		case prevRejected[f.Fingerprint] != "":
			rejected[f.Fingerprint] = prevRejected[f.Fingerprint]
			notInline = append(notInline, comment.Entry{Finding: f, Reason: "rejected by GitHub: " + prevRejected[f.Fingerprint]})
		case dup:
			notInline = append(notInline, comment.Entry{Finding: f, Reason: "same fingerprint as another finding"})
		default:
			body, m := comment.Inline(f, copts)
			want = append(want, &wanted{f: f, line: line, body: body, marker: m})
		}
	}

	if err := r.relistIfShifted(ctx, pages, want, ours, replied); err != nil {
		return err
	}

	// Plan: leave identical comments, edit changed ones, post new ones.
	inline := 0
	var fresh []*wanted
	for _, w := range want {
		ex, ok := ours[w.f.Fingerprint]
		if !ok {
			fresh = append(fresh, w)
			continue
		}
		inline++
		if ex.marker.Hash == w.marker.Hash {
			continue
		}
		r.logf("edit comment %d (%s)", ex.id, w.f.Fingerprint)
		if err := r.editComment(ctx, ex.id, w.body); err != nil {
			return err
		}
	}

	// Findings that went away: resolve their threads, unless a human
	// replied there.
	var gone []*existing
	var notes []string
	for _, ex := range sortedExisting(ours) {
		if activeFP[ex.marker.FP] || ex.marker.State == comment.StateFixed {
			continue
		}
		if replied[ex.id] {
			notes = append(notes, fmt.Sprintf("%s:%d: the finding is no longer reported, but the thread stays open because someone replied to it.", ex.path, ex.line))
			continue
		}
		gone = append(gone, ex)
	}
	if err := r.resolve(ctx, gone); err != nil {
		return err
	}

	posted, failed, postErr := r.postAll(ctx, fresh, rejected, &notInline)
	if errors.Is(postErr, ErrNoWriteAccess) {
		return postErr
	}
	inline += posted

	// Rejections happen while posting: order the list as the findings are,
	// so that a re-run renders the same summary.
	sort.SliceStable(notInline, func(i, j int) bool { return less(notInline[i].Finding, notInline[j].Finding) })
	notes = append(notes, run.Notes...)
	s := comment.Summary{Findings: run.Findings, Inline: inline, NotInline: notInline, Failed: failed,
		Notes: notes, SHA: r.head, Rejected: rejected}
	if err := r.writeSummary(ctx, summaryID, summaryMarker, s, copts); err != nil {
		if postErr == nil {
			return err
		}
		postErr = fmt.Errorf("%w; write summary: %v", postErr, err)
	}
	if postErr != nil {
		return postErr
	}
	return nil
}

// relistIfShifted guards against a listing that shifted under us: when
// the review comments took more than one page and a finding about to be
// posted has no comment in it, the comments are listed once more and
// what that listing finds is added. A comment of ours is then missed, and
// posted again, only if deletions by someone else skipped it in both
// listings. One-page listings, and runs with nothing new to post, cost
// nothing extra.
func (r *Reviewer) relistIfShifted(ctx context.Context, pages int, want []*wanted, ours map[string]*existing, replied map[int64]bool) error {
	if pages < 2 {
		return nil
	}
	missing := false
	for _, w := range want {
		if _, ok := ours[w.f.Fingerprint]; !ok {
			missing = true
			break
		}
	}
	if !missing {
		return nil
	}
	more, moreReplied, _, err := r.existingComments(ctx)
	if err != nil {
		return err
	}
	for fp, ex := range more {
		if _, ok := ours[fp]; !ok {
			ours[fp] = ex
		}
	}
	for id := range moreReplied {
		replied[id] = true
	}
	return nil
}

// existingComments lists the review comments and returns ours by
// fingerprint, the ids of our comments someone replied to, and how many
// pages the listing took.
func (r *Reviewer) existingComments(ctx context.Context) (map[string]*existing, map[int64]bool, int, error) {
	cs, pages, err := listPages[gh.PullRequestComment](ctx, r.api, r.path("pulls/%d/comments?per_page=100", r.number))
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list review comments: %w", err)
	}
	ours := map[string]*existing{}
	byID := map[int64]bool{}
	replied := map[int64]bool{}
	for _, c := range cs {
		if c.GetInReplyTo() != 0 {
			continue
		}
		m, ok := comment.Parse(c.GetBody())
		if !ok || m.IsSummary() || m.FP == "" {
			continue
		}
		byID[c.GetID()] = true
		if prev, dup := ours[m.FP]; dup && prev.id < c.GetID() {
			continue // keep the oldest; a duplicate is left alone
		}
		line := c.GetLine()
		if line == 0 {
			line = c.GetOriginalLine()
		}
		ours[m.FP] = &existing{id: c.GetID(), body: c.GetBody(), marker: m, path: c.GetPath(), line: line}
	}
	for _, c := range cs {
		if to := c.GetInReplyTo(); to != 0 && byID[to] {
			if _, ok := comment.Parse(c.GetBody()); !ok {
				replied[to] = true
			}
		}
	}
	return ours, replied, pages, nil
}

// less orders findings as translator.Findings.Sort does, then by fingerprint.
func less(a, b *translator.Finding) bool {
	if translator.Less(a, b) || translator.Less(b, a) {
		return translator.Less(a, b)
	}
	return a.Fingerprint < b.Fingerprint
}

func sortedExisting(m map[string]*existing) []*existing {
	out := make([]*existing, 0, len(m))
	for _, e := range m {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// existingSummary finds our newest summary comment. When none is found in
// a listing of several pages, it lists once more (see relistIfShifted):
// a summary skipped by a shifting listing would otherwise be posted twice.
func (r *Reviewer) existingSummary(ctx context.Context) (int64, comment.Marker, error) {
	var id int64
	var marker comment.Marker
	for try := 0; try < 2 && id == 0; try++ {
		cs, pages, err := listPages[gh.IssueComment](ctx, r.api, r.path("issues/%d/comments?per_page=100", r.number))
		if err != nil {
			return 0, comment.Marker{}, fmt.Errorf("list issue comments: %w", err)
		}
		for _, c := range cs {
			if m, ok := comment.Parse(c.GetBody()); ok && m.IsSummary() && c.GetID() > id {
				id, marker = c.GetID(), m
			}
		}
		if pages < 2 {
			break
		}
	}
	return id, marker, nil
}

type bodyPatch struct {
	Body string `json:"body"`
}

func (r *Reviewer) editComment(ctx context.Context, id int64, body string) error {
	_, err := r.api.do(ctx, http.MethodPatch, r.path("pulls/comments/%d", id), bodyPatch{body}, nil, true)
	if err != nil {
		return fmt.Errorf("edit review comment %d: %w", id, err)
	}
	return nil
}

func (r *Reviewer) writeSummary(ctx context.Context, id int64, old comment.Marker, s comment.Summary, opts comment.Options) error {
	body, m := comment.SummaryBody(s, opts)
	switch {
	case id != 0 && old.Hash == m.Hash:
		return nil
	case id != 0:
		r.logf("edit summary %d", id)
		_, err := r.api.do(ctx, http.MethodPatch, r.path("issues/comments/%d", id), bodyPatch{body}, nil, true)
		if err != nil {
			return fmt.Errorf("edit summary comment: %w", err)
		}
	case len(s.Findings) > 0 || len(s.Notes) > 0:
		r.logf("post summary")
		// Posting twice after an ambiguous failure would leave two
		// summaries; the next run edits the newest and the other is stale,
		// which is better than losing the summary, so one retry is allowed
		// after checking.
		_, err := r.api.do(ctx, http.MethodPost, r.path("issues/%d/comments", r.number), bodyPatch{body}, nil, false)
		var amb *ambiguousError
		if errors.As(err, &amb) {
			if nid, nm, lerr := r.existingSummary(ctx); lerr == nil && nid != 0 && nm.Hash == m.Hash {
				return nil
			}
			_, err = r.api.do(ctx, http.MethodPost, r.path("issues/%d/comments", r.number), bodyPatch{body}, nil, false)
		}
		if err != nil {
			return fmt.Errorf("post summary comment: %w", err)
		}
	}
	return nil
}
