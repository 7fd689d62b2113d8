// Package gitlab reports findings on GitLab merge requests. The
// gitlab-mr-discussion reporter (Discussions) opens one resolvable diff
// thread per finding on the lines the merge request changes, keeps one
// sticky summary note for everything that cannot go inline, and keeps both
// true across re-runs: identical threads are left alone, changed ones
// edited, fixed ones resolved, and a re-run on unchanged input writes
// nothing.
package gitlab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/reporters"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
)

// Name is the reporter name cmd registers.
const Name = "gitlab-mr-discussion"

// MaxNoteBody is GitLab's note limit: "Limited to 1,000,000 characters";
// longer bodies get 400 `Note {:note=>["is too long (maximum is 1000000
// characters)"]}`. Every body comes from package comment, which bounds it
// to comment.MaxBody bytes; the array below stops compiling if that bound
// ever exceeds GitLab's.
const MaxNoteBody = 1000000

var _ [MaxNoteBody - comment.MaxBody]struct{}

// DefaultMaxConcurrency is how many write requests are in flight at once.
// GitLab.com allows 2,000 authenticated API requests a minute, but notes are
// also throttled per user (notes_create_limit, 300 a minute by default); a
// few workers keep a large run fast without tripping either, and the
// client's rate limiter spreads requests when GitLab announces its limit.
const DefaultMaxConcurrency = 4

// DefaultRequestTimeout bounds one API request when nothing else is set.
// GitLab's own request limit (Puma's worker timeout) is 60 seconds by
// default; 30 seconds covers a slow instance while a hung connection still fails well within a CI job
// (client-go's HTTP client has no timeout of its own).
const DefaultRequestTimeout = 30 * time.Second

// perPage is GitLab's maximum page size.
const perPage = 100

// Options configure a Discussions reporter.
type Options struct {
	// DryRun, when set, receives every write the reporter would make
	// (method, path, JSON body) instead of sending it. Reads still happen.
	DryRun io.Writer
	// Mentions lets runbook owners (@group/team) be pinged.
	Mentions bool
	// FilterMode decides which findings go inline; the zero value is
	// diff.ModeAdded. A finding must also be on a line the merge request's
	// diff shows, or GitLab refuses the thread.
	FilterMode diff.Mode
	// MaxConcurrency bounds the write requests in flight; 0 means
	// DefaultMaxConcurrency.
	MaxConcurrency int
	// Retry bounds retries of failed requests.
	Retry RetryPolicy
	// RequestTimeout bounds each request, the answer's body included; 0
	// means DefaultRequestTimeout. A request that times out is treated as
	// a connection reset: a read is retried; a create may have been
	// applied, so the discussions are listed again before anything is
	// created again.
	RequestTimeout time.Duration
	// HeadSHA is the commit the findings are for (CI_COMMIT_SHA). When the
	// merge request has moved on to a newer commit, nothing goes inline:
	// lines would point at the wrong code.
	HeadSHA string
	// Secrets are redacted from every error, log line and dry-run print
	// (the API token).
	Secrets []string
	// Log receives progress lines; nil discards.
	Log io.Writer
}

// Discussions is the gitlab-mr-discussion reporter.
type Discussions struct {
	client  *gl.Client
	project string
	iid     int64
	opts    Options
	api     *api
	logMu   sync.Mutex
}

var _ reporters.Reporter = (*Discussions)(nil)

// NewDiscussions returns the reporter for merge request mrIID of project
// (a numeric id or a full path such as "group/app"). client carries the
// base URL and the token; see NewClient.
func NewDiscussions(client *gl.Client, project string, mrIID int64, opts Options) *Discussions {
	if opts.MaxConcurrency <= 0 {
		opts.MaxConcurrency = DefaultMaxConcurrency
	}
	opts.Retry = opts.Retry.withDefaults()
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	return &Discussions{client: client, project: project, iid: mrIID, opts: opts,
		api: &api{policy: opts.Retry, timeout: opts.RequestTimeout, dry: opts.DryRun, secrets: opts.Secrets}}
}

// NotPostedError lists the findings that could not be posted. The summary
// lists them too, when it could be written.
type NotPostedError struct {
	Entries []comment.Entry
	Err     error
}

// Error lists up to ten of the findings and the underlying error.
func (e *NotPostedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "post merge request discussions: %d findings not posted", len(e.Entries))
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

// Unwrap returns the underlying error (ErrNoWriteAccess among them).
func (e *NotPostedError) Unwrap() error { return e.Err }

// thread is one of our diff threads found on the merge request.
type thread struct {
	discussionID string
	noteID       int64
	body         string
	marker       comment.Marker
	resolved     bool
	// replied is set when a note in the thread is not ours.
	replied bool
	path    string
	line    int
}

// summaryNote is our sticky summary note.
type summaryNote struct {
	noteID int64
	marker comment.Marker
}

// wanted is a finding that goes inline.
type wanted struct {
	f      *translator.Finding
	body   string
	marker comment.Marker
	pos    *gl.PositionOptions
}

func (r *Discussions) logf(format string, args ...any) {
	if r.opts.Log != nil {
		line := r.api.redact(fmt.Sprintf(Name+": "+format, args...))
		r.logMu.Lock()
		fmt.Fprintln(r.opts.Log, line)
		r.logMu.Unlock()
	}
}

// mrPath is the API path of the merge request, for dry runs and errors.
func (r *Discussions) mrPath(format string, args ...any) string {
	return fmt.Sprintf("projects/%s/merge_requests/%d", gl.PathEscape(r.project), r.iid) + fmt.Sprintf(format, args...)
}

// Report implements reporters.Reporter.
func (r *Discussions) Report(ctx context.Context, run *translator.Run) error {
	ver, err := r.latestVersion(ctx)
	if err != nil {
		return err
	}
	dm, info, err := r.changes(ctx, ver) // files.go
	if err != nil {
		return err
	}
	ours, summary, pages, err := r.existing(ctx)
	if err != nil {
		return err
	}
	prevRejected := map[string]string{}
	if summary != nil && summary.marker.SHA == ver.HeadCommitSHA {
		prevRejected = summary.marker.Rejected
	}
	stale := r.opts.HeadSHA != "" && r.opts.HeadSHA != ver.HeadCommitSHA

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
		if !stale && (r.opts.FilterMode == diff.ModeNoFilter || dm.Qualifies(r.opts.FilterMode, f.Path, f.Line, f.EndLine)) {
			line = dm.Anchor(anchorMode, f.Path, f.Line, f.EndLine)
		}
		switch {
		case f.Line <= 0 || f.Path == "":
			notInline = append(notInline, comment.Entry{Finding: f, Reason: comment.ReasonNoLine})
		case stale:
			notInline = append(notInline, comment.Entry{Finding: f, Reason: "the merge request has commits newer than the analysed one"})
		case line == 0:
			notInline = append(notInline, comment.Entry{Finding: f, Reason: notInlineReason(dm, f.Path)})
		case prevRejected[f.Fingerprint] != "":
			rejected[f.Fingerprint] = prevRejected[f.Fingerprint]
			notInline = append(notInline, comment.Entry{Finding: f, Reason: "rejected by GitLab: " + prevRejected[f.Fingerprint]})
		case dup:
			notInline = append(notInline, comment.Entry{Finding: f, Reason: "same fingerprint as another finding"})
		default:
			body, m := comment.Inline(f, copts)
			want = append(want, &wanted{f: f, body: body, marker: m, pos: r.position(ver, dm, info, f.Path, line)})
		}
	}

	if summary, err = r.relistIfShifted(ctx, pages, want, ours, summary); err != nil {
		return err
	}

	// Plan: leave identical threads, edit changed ones, create new ones,
	// resolve the ones whose finding went away.
	var jobs []job
	var fresh []*wanted
	inline := 0
	for _, w := range want {
		ex, ok := ours[w.f.Fingerprint]
		if !ok {
			fresh = append(fresh, w)
			continue
		}
		inline++
		if ex.marker.Hash != w.marker.Hash {
			jobs = append(jobs, job{kind: jobEdit, w: w, t: ex})
		}
	}
	var notes []string
	for _, ex := range sortedThreads(ours) {
		if activeFP[ex.marker.FP] {
			continue
		}
		where := fmt.Sprintf("%s:%d", ex.path, ex.line)
		switch {
		case ex.replied && !ex.resolved:
			notes = append(notes, where+": the finding is no longer reported, but the thread stays open because someone replied to it.")
		case ex.marker.State == comment.StateFixed && !ex.resolved && !ex.replied:
			jobs = append(jobs, job{kind: jobResolve, t: ex}) // an earlier run could not resolve it
		case ex.marker.State != comment.StateFixed && !ex.replied:
			jobs = append(jobs, job{kind: jobFix, t: ex, head: ver.HeadCommitSHA})
		}
	}
	for _, w := range fresh {
		jobs = append(jobs, job{kind: jobCreate, w: w})
	}

	res := r.run(ctx, jobs)
	if res.noAccess != nil {
		var entries []comment.Entry
		for _, w := range res.pending {
			entries = append(entries, comment.Entry{Finding: w.f, Reason: "not posted: no write access"})
		}
		return &NotPostedError{Entries: entries, Err: res.noAccess}
	}
	// Creates whose outcome is unknown: re-list, keep what GitLab did
	// create, try the rest again. Never a duplicate thread.
	for round := 1; len(res.ambiguous) > 0 && round < r.opts.Retry.MaxAttempts; round++ {
		if err := r.opts.Retry.Clock.Sleep(ctx, min(r.api.backoff(round), r.opts.Retry.MaxWait)); err != nil {
			return err
		}
		now, _, _, err := r.existing(ctx)
		if err != nil {
			res.errs = append(res.errs, err)
			break
		}
		var again []job
		for _, w := range res.ambiguous {
			if _, ok := now[w.f.Fingerprint]; ok {
				res.created++
				continue
			}
			again = append(again, job{kind: jobCreate, w: w})
		}
		r.logf("%d creates had an unknown outcome; %d are not there and are tried again", len(res.ambiguous), len(again))
		next := r.run(ctx, again)
		if next.noAccess != nil {
			return &NotPostedError{Err: next.noAccess}
		}
		res.merge(next)
	}
	for _, w := range res.ambiguous {
		res.failed = append(res.failed, comment.Entry{Finding: w.f, Reason: "not posted: GitLab's answer was lost on every attempt"})
	}
	inline += res.created
	for fp, msg := range res.rejected {
		rejected[fp] = msg
	}
	notInline = append(notInline, res.notInline...)
	sortEntries(notInline)
	sortEntries(res.failed)

	notes = append(notes, run.Notes...)
	s := comment.Summary{Findings: run.Findings, Inline: inline, NotInline: notInline, Failed: res.failed,
		Notes: notes, SHA: ver.HeadCommitSHA, Rejected: rejected}
	var postErr error
	if len(res.failed) > 0 || len(res.errs) > 0 {
		postErr = &NotPostedError{Entries: res.failed, Err: errors.Join(res.errs...)}
	}
	if err := r.writeSummary(ctx, summary, s, copts); err != nil {
		if errors.Is(err, ErrNoWriteAccess) || postErr == nil {
			return err
		}
		return fmt.Errorf("%w; write summary: %v", postErr, err)
	}
	return postErr
}

// position builds the position of a thread on new-side line of path:
// new_line alone on an added line, new_line and old_line on a context
// line, as GitLab requires.
func (r *Discussions) position(v *gl.MergeRequestDiffVersion, dm *diff.Diff, info map[string]fileInfo, path string, line int) *gl.PositionOptions {
	fi := info[diff.CleanPath(path)]
	p := &gl.PositionOptions{
		PositionType: gl.Ptr("text"),
		BaseSHA:      gl.Ptr(v.BaseCommitSHA),
		StartSHA:     gl.Ptr(v.StartCommitSHA),
		HeadSHA:      gl.Ptr(v.HeadCommitSHA),
		NewPath:      gl.Ptr(fi.newPath),
		OldPath:      gl.Ptr(fi.oldPath),
		NewLine:      gl.Ptr(int64(line)),
	}
	if dm.Line(path, line) == diff.Context {
		if old, ok := fi.oldLines[line]; ok {
			p.OldLine = gl.Ptr(int64(old))
		}
	}
	return p
}

func sortEntries(es []comment.Entry) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i].Finding, es[j].Finding
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Fingerprint < b.Fingerprint
	})
}

func sortedThreads(m map[string]*thread) []*thread {
	out := make([]*thread, 0, len(m))
	for _, t := range m {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].noteID < out[j].noteID })
	return out
}

// latestVersion returns the newest diff version, whose SHAs every new
// position must carry.
func (r *Discussions) latestVersion(ctx context.Context) (*gl.MergeRequestDiffVersion, error) {
	var vs []*gl.MergeRequestDiffVersion
	_, err := r.api.call(ctx, request{method: http.MethodGet, path: r.mrPath("/versions"), idempotent: true,
		do: func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
			var resp *gl.Response
			var err error
			vs, resp, err = r.client.MergeRequests.GetMergeRequestDiffVersions(r.project, r.iid,
				&gl.GetMergeRequestDiffVersionsOptions{ListOptions: gl.ListOptions{PerPage: 1}}, opts...)
			return resp, err
		}})
	if err != nil {
		return nil, fmt.Errorf("get merge request diff versions: %w", err)
	}
	if len(vs) == 0 || vs[0].HeadCommitSHA == "" {
		return nil, fmt.Errorf("get merge request diff versions: merge request !%d has no diff version yet", r.iid)
	}
	return vs[0], nil
}

// relistIfShifted guards against a listing that shifted under us: when
// the discussions took more than one page and a finding about to be
// posted has no thread in it, or no summary was found, the discussions are
// listed once more and what that listing finds is added. A thread of ours
// (or the summary) is then missed, and created again, only if deletions by
// someone else skipped it in both listings. One-page listings, and runs
// with nothing new to create, cost nothing extra.
func (r *Discussions) relistIfShifted(ctx context.Context, pages int, want []*wanted, ours map[string]*thread, summary *summaryNote) (*summaryNote, error) {
	if pages < 2 {
		return summary, nil
	}
	missing := summary == nil
	for _, w := range want {
		if _, ok := ours[w.f.Fingerprint]; !ok {
			missing = true
			break
		}
	}
	if !missing {
		return summary, nil
	}
	more, moreSummary, _, err := r.existing(ctx)
	if err != nil {
		return summary, err
	}
	for fp, t := range more {
		if _, ok := ours[fp]; !ok {
			ours[fp] = t
		}
	}
	if summary == nil || (moreSummary != nil && moreSummary.noteID > summary.noteID) {
		summary = moreSummary
	}
	return summary, nil
}

// existing lists the merge request's discussions and returns our threads
// by fingerprint, our newest summary note, and how many pages the listing
// took. Plain MR notes are discussions with individual_note set, so one
// listing finds both.
func (r *Discussions) existing(ctx context.Context) (map[string]*thread, *summaryNote, int, error) {
	ds, pages, err := listPages(ctx, r.api, http.MethodGet, r.mrPath("/discussions"),
		func(page int64, opts ...gl.RequestOptionFunc) ([]*gl.Discussion, *gl.Response, error) {
			return r.client.Discussions.ListMergeRequestDiscussions(r.project, r.iid,
				&gl.ListMergeRequestDiscussionsOptions{ListOptions: gl.ListOptions{Page: page, PerPage: perPage}}, opts...)
		})
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list merge request discussions: %w", err)
	}
	ours := map[string]*thread{}
	var summary *summaryNote
	for _, d := range ds {
		if len(d.Notes) == 0 || d.Notes[0] == nil || d.Notes[0].System {
			continue
		}
		first := d.Notes[0]
		m, ok := comment.Parse(first.Body)
		if !ok {
			continue
		}
		if m.IsSummary() {
			if summary == nil || first.ID > summary.noteID {
				summary = &summaryNote{noteID: first.ID, marker: m}
			}
			continue
		}
		if m.FP == "" {
			continue
		}
		if prev, dup := ours[m.FP]; dup && prev.noteID < first.ID {
			continue // keep the oldest; a duplicate is left alone
		}
		t := &thread{discussionID: d.ID, noteID: first.ID, body: first.Body, marker: m, resolved: first.Resolved}
		if p := first.Position; p != nil {
			t.path, t.line = p.NewPath, int(p.NewLine)
		}
		for _, n := range d.Notes[1:] {
			if n == nil || n.System {
				continue
			}
			if _, mine := comment.Parse(n.Body); !mine || n.Author.ID != first.Author.ID {
				t.replied = true
			}
		}
		ours[m.FP] = t
	}
	return ours, summary, pages, nil
}

// job kinds.
const (
	jobCreate = iota
	jobEdit
	jobFix
	jobResolve
)

// job is one unit of work for the pool: one or two requests.
type job struct {
	kind int
	w    *wanted
	t    *thread
	head string
}

// result collects what the pool did.
type result struct {
	created   int
	rejected  map[string]string
	notInline []comment.Entry
	failed    []comment.Entry
	ambiguous []*wanted
	// pending are creates not attempted because writing was refused.
	pending  []*wanted
	errs     []error
	noAccess error
}

func (a *result) merge(b result) {
	a.created += b.created
	for k, v := range b.rejected {
		a.rejected[k] = v
	}
	a.notInline = append(a.notInline, b.notInline...)
	a.failed = append(a.failed, b.failed...)
	a.ambiguous = b.ambiguous
	a.errs = append(a.errs, b.errs...)
}

// run executes jobs on a pool of MaxConcurrency workers. The first
// ErrNoWriteAccess stops the pool: every further write would fail the
// same way.
func (r *Discussions) run(ctx context.Context, jobs []job) result {
	res := result{rejected: map[string]string{}}
	if len(jobs) == 0 {
		return res
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := r.opts.MaxConcurrency
	if r.opts.DryRun != nil {
		workers = 1 // a dry run prints its calls in plan order
	}
	var mu sync.Mutex
	ok := make([]bool, len(jobs)) // the job succeeded or was answered for good
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				err := r.do(ctx, jobs[i])
				mu.Lock()
				ok[i] = err == nil
				r.record(&res, jobs[i], err)
				if res.noAccess != nil {
					cancel()
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if res.noAccess != nil {
		for i, j := range jobs {
			if j.kind == jobCreate && !ok[i] {
				if _, rej := res.rejected[j.w.f.Fingerprint]; !rej {
					res.pending = append(res.pending, j.w)
				}
			}
		}
	}
	return res
}

// record files the outcome of one job.
func (r *Discussions) record(res *result, j job, err error) {
	if err == nil {
		if j.kind == jobCreate {
			res.created++
		}
		return
	}
	if errors.Is(err, ErrNoWriteAccess) {
		if res.noAccess == nil {
			res.noAccess = err
		}
		return
	}
	if errors.Is(err, context.Canceled) && res.noAccess != nil {
		return
	}
	var amb *ambiguousError
	var ae *APIError
	switch {
	case j.kind == jobCreate && errors.As(err, &amb):
		res.ambiguous = append(res.ambiguous, j.w)
	case j.kind == jobCreate && errors.As(err, &ae) && ae.Status == http.StatusBadRequest:
		// GitLab refused the position (`line_code can't be blank`) or the
		// note: the finding goes to the summary, the others still post.
		res.rejected[j.w.f.Fingerprint] = ae.Message
		res.notInline = append(res.notInline, comment.Entry{Finding: j.w.f, Reason: "rejected by GitLab: " + ae.Message})
		r.logf("%s:%d rejected: %s", j.w.f.Path, j.w.f.Line, ae.Message)
	case j.kind == jobCreate || j.kind == jobEdit:
		res.failed = append(res.failed, comment.Entry{Finding: j.w.f, Reason: "not posted: " + err.Error()})
		res.errs = append(res.errs, err)
	default:
		res.errs = append(res.errs, err)
	}
}

// do performs one job.
func (r *Discussions) do(ctx context.Context, j job) error {
	switch j.kind {
	case jobCreate:
		r.logf("create thread on %s:%d (%s)", j.w.f.Path, j.w.f.Line, j.w.f.Fingerprint)
		opt := &gl.CreateMergeRequestDiscussionOptions{Body: gl.Ptr(j.w.body), Position: j.w.pos}
		_, err := r.api.call(ctx, request{method: http.MethodPost, path: r.mrPath("/discussions"), body: opt,
			do: func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
				_, resp, err := r.client.Discussions.CreateMergeRequestDiscussion(r.project, r.iid, opt, opts...)
				return resp, err
			}})
		if err != nil {
			return fmt.Errorf("create thread on %s:%d: %w", j.w.f.Path, j.w.f.Line, err)
		}
		return nil
	case jobEdit:
		r.logf("edit thread %s (%s)", j.t.discussionID, j.w.f.Fingerprint)
		if err := r.editNote(ctx, j.t, j.w.body); err != nil {
			return err
		}
		if j.t.resolved && j.t.marker.State == comment.StateFixed {
			return r.resolve(ctx, j.t, false) // the finding is back
		}
		return nil
	case jobFix:
		r.logf("resolve thread %s (%s): fixed", j.t.discussionID, j.t.marker.FP)
		body, _ := comment.Fixed(j.t.marker, comment.Title(j.t.body), "No longer reported at commit "+short(j.head)+".")
		if err := r.editNote(ctx, j.t, body); err != nil {
			return err
		}
		if j.t.resolved {
			return nil
		}
		return r.resolve(ctx, j.t, true)
	case jobResolve:
		return r.resolve(ctx, j.t, true)
	}
	return nil
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

func (r *Discussions) editNote(ctx context.Context, t *thread, body string) error {
	opt := &gl.UpdateMergeRequestDiscussionNoteOptions{Body: gl.Ptr(body)}
	_, err := r.api.call(ctx, request{method: http.MethodPut, idempotent: true, body: opt,
		path: r.mrPath("/discussions/%s/notes/%d", t.discussionID, t.noteID),
		do: func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
			_, resp, err := r.client.Discussions.UpdateMergeRequestDiscussionNote(r.project, r.iid, t.discussionID, t.noteID, opt, opts...)
			return resp, err
		}})
	if err != nil {
		return fmt.Errorf("edit thread note %d: %w", t.noteID, err)
	}
	return nil
}

func (r *Discussions) resolve(ctx context.Context, t *thread, resolved bool) error {
	opt := &gl.ResolveMergeRequestDiscussionOptions{Resolved: gl.Ptr(resolved)}
	_, err := r.api.call(ctx, request{method: http.MethodPut, idempotent: true, body: opt,
		path: r.mrPath("/discussions/%s", t.discussionID),
		do: func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
			_, resp, err := r.client.Discussions.ResolveMergeRequestDiscussion(r.project, r.iid, t.discussionID, opt, opts...)
			return resp, err
		}})
	if err != nil {
		return fmt.Errorf("resolve thread %s: %w", t.discussionID, err)
	}
	return nil
}

// writeSummary creates or updates the sticky summary note, only when its
// content changed.
func (r *Discussions) writeSummary(ctx context.Context, old *summaryNote, s comment.Summary, copts comment.Options) error {
	// Reasons can quote GitLab's answers; keep secrets out of the note.
	for i := range s.NotInline {
		s.NotInline[i].Reason = r.api.redact(s.NotInline[i].Reason)
	}
	for i := range s.Failed {
		s.Failed[i].Reason = r.api.redact(s.Failed[i].Reason)
	}
	for k, v := range s.Rejected {
		s.Rejected[k] = r.api.redact(v)
	}
	body, m := comment.SummaryBody(s, copts)
	switch {
	case old != nil && old.marker.Hash == m.Hash:
		return nil
	case old != nil:
		r.logf("edit summary note %d", old.noteID)
		opt := &gl.UpdateMergeRequestNoteOptions{Body: gl.Ptr(body)}
		_, err := r.api.call(ctx, request{method: http.MethodPut, idempotent: true, body: opt,
			path: r.mrPath("/notes/%d", old.noteID),
			do: func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
				_, resp, err := r.client.Notes.UpdateMergeRequestNote(r.project, r.iid, old.noteID, opt, opts...)
				return resp, err
			}})
		if err != nil {
			return fmt.Errorf("edit summary note: %w", err)
		}
	case len(s.Findings) > 0 || len(s.Notes) > 0:
		r.logf("create summary note")
		opt := &gl.CreateMergeRequestNoteOptions{Body: gl.Ptr(body)}
		req := request{method: http.MethodPost, path: r.mrPath("/notes"), body: opt,
			do: func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
				_, resp, err := r.client.Notes.CreateMergeRequestNote(r.project, r.iid, opt, opts...)
				return resp, err
			}}
		_, err := r.api.call(ctx, req)
		for attempt := 1; err != nil && attempt < r.opts.Retry.MaxAttempts; attempt++ {
			var amb *ambiguousError
			if !errors.As(err, &amb) {
				break
			}
			if serr := r.opts.Retry.Clock.Sleep(ctx, min(r.api.backoff(attempt), r.opts.Retry.MaxWait)); serr != nil {
				return serr
			}
			_, now, _, lerr := r.existing(ctx)
			if lerr == nil && now != nil && now.marker.Hash == m.Hash {
				return nil // GitLab did create it
			}
			_, err = r.api.call(ctx, req)
		}
		if err != nil {
			return fmt.Errorf("create summary note: %w", err)
		}
	}
	return nil
}
