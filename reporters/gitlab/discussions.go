// Package gitlab reports findings on GitLab merge requests. The
// gitlab-mr-discussion reporter (Discussions) opens one resolvable diff
// thread per finding on the lines the merge request changes, keeps one
// sticky summary note for everything that cannot go inline, and keeps both
// true across re-runs: identical threads are left alone, changed ones
// edited, fixed ones resolved, and a re-run on unchanged input writes
// nothing. The lifecycle itself is package reporters/forge/lifecycle;
// this package keeps GitLab's endpoints and payloads.
//
// What the token needs: the api scope (read_api cannot comment); the
// Reporter role may open threads and edit its notes, resolving and
// reopening needs Developer or higher (refused: the note still says
// Fixed and the summary says the thread stays open). GET /user tells which
// notes are ours: a project or group access token answers its bot user.
package gitlab

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/reporters"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
	"github.com/runbook-translator/runbook-translator/reporters/forge/lifecycle"
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
	// BotLogin, when set, is the username whose notes are ours (the
	// --bot-login flag), instead of asking GitLab (GET /user) who the
	// token is.
	BotLogin string
	// FileComments gives a finding in a changed file, on a line the diff
	// does not show, a thread on the whole file (position_type file,
	// GitLab 16.4 and later) instead of a line in the summary.
	FileComments bool
	// ReadFile reads a repository-relative file of the checkout, for the
	// lines a finding's fix replaces (suggestions); without it fixes are
	// named, not suggested.
	ReadFile func(path string) ([]byte, error)
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
type NotPostedError = lifecycle.NotPostedError

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

// notesCreateLimit is GitLab's default throttle on note creation: "300
// requests per minute" per user (notes_create_limit,
// docs.gitlab.com/administration/settings/rate_limit_on_notes_creation/).
var notesCreateLimit = []lifecycle.Limit{{N: 300, Per: time.Minute}}

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
	in := lifecycle.Input{Run: run, Diff: dm, FilterMode: r.opts.FilterMode, Mentions: r.opts.Mentions,
		Fix: r.suggestion(dm, run.Lang)}
	if r.opts.HeadSHA != "" && r.opts.HeadSHA != ver.HeadCommitSHA {
		in.Stale = messages.T(run.Lang, "life.stale_mr")
	}
	cfg := lifecycle.Config{
		Forge: "GitLab", What: "post merge request discussions", Head: ver.HeadCommitSHA, BotLogin: r.opts.BotLogin,
		MaxBatch: 1, Concurrency: r.opts.MaxConcurrency, Limits: notesCreateLimit,
		Clock: r.opts.Retry.Clock, MaxRounds: r.opts.Retry.MaxAttempts, Backoff: r.api.backoff, MaxWait: r.opts.Retry.MaxWait,
		Log: r.logf, Redact: r.api.redact, FileComments: r.opts.FileComments,
		Permissions: messages.T(run.Lang, "gitlab.permissions"),
	}
	if r.opts.DryRun != nil {
		cfg.Concurrency = 1 // a dry run prints its calls in plan order
		cfg.Limits = nil
	}
	return lifecycle.Report(ctx, &forge{r: r, ver: ver, dm: dm, info: info}, cfg, in)
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
