// Package github reports findings on GitHub pull requests. The
// github-pr-review reporter (Reviewer) posts one inline review comment per
// finding on the lines the pull request changes, keeps one sticky summary
// comment for everything that cannot go inline, and keeps both true across
// re-runs: identical comments are left alone, changed ones edited, fixed
// ones resolved, and a re-run on unchanged input writes nothing. The
// lifecycle itself is package reporters/forge/lifecycle; this package
// keeps GitHub's endpoints and payloads.
//
// Permissions of the Actions GITHUB_TOKEN each feature needs:
//   - inline comments, the summary, edits: pull-requests: write;
//   - resolving and reopening threads (GraphQL resolveReviewThread,
//     unresolveReviewThread): contents: write as well; without it GitHub
//     answers FORBIDDEN, the comment still says Fixed and the summary
//     says the thread stays open;
//   - knowing which comments are ours: nothing more (GraphQL viewer, or
//     the token's bot user github-actions[bot]); --bot-login names it.
package github

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/reporters"
	"github.com/runbook-translator/runbook-translator/reporters/forge/lifecycle"
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
	// FileComments gives a finding in a changed file, on a line the diff
	// does not show, a file-level review comment (subject_type file)
	// instead of a line in the summary.
	FileComments bool
	// RequestChanges: while findings at or above the run's fail level
	// remain, the bot's review requests changes (event REQUEST_CHANGES);
	// once none remain, the bot's own reviews requesting changes are
	// dismissed. A refused request is a note in the summary.
	RequestChanges bool
	// BotLogin, when set, is the login whose comments are ours (the
	// --bot-login flag), instead of asking GitHub who the token is. Set it
	// for a GitHub App token when GraphQL's viewer is not available:
	// "<app-slug>[bot]".
	BotLogin string
	// ReadFile reads a repository-relative file of the checkout, for the
	// lines a finding's fix replaces (suggestions); without it a fix is
	// named with the reason, not suggested.
	ReadFile func(path string) ([]byte, error)
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
type NotPostedError = lifecycle.NotPostedError

func (r *Reviewer) logf(format string, args ...any) {
	if r.opts.Log != nil {
		fmt.Fprintf(r.opts.Log, "github-pr-review: "+format+"\n", args...)
	}
}

func (r *Reviewer) path(format string, args ...any) string {
	return fmt.Sprintf("repos/%s/%s/", r.owner, r.repo) + fmt.Sprintf(format, args...)
}

// Secondary rate limits: "No more than 80 content-generating requests per
// minute and no more than 500 content-generating requests per hour"
// (docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits).
// The best-practices page also asks to "wait at least one second between
// each request" when making a large number of writes; with 30 comments a
// review the 80-a-minute pace is reached only by large runs, and a second
// per write would make every small run slower for no documented limit.
var secondaryLimits = []lifecycle.Limit{{N: 80, Per: time.Minute}, {N: 500, Per: time.Hour}}

// What a refused --request-changes needs. GitHub answers
// the Actions GITHUB_TOKEN 422 "GitHub Actions is not permitted to approve
// pull requests." unless the repository (or organization) setting "Allow
// GitHub Actions to create and approve pull requests" is on
// (cpp-linter/cpp-linter#51, fastify/github-action-merge-dependabot#359),
// and any token 422 "Can not request changes on your own pull request"
// on a pull request its user opened (MorrisonCole/pr-lint-action#265).
// The text is the message "github.verdict_help" (messages/).

// Report implements reporters.Reporter.
func (r *Reviewer) Report(ctx context.Context, run *translator.Run) error {
	model, err := r.diff(ctx) // files.go; a stale head stops it (head.go)
	if err != nil {
		return readErr(err)
	}
	cfg := lifecycle.Config{
		Forge: "GitHub", What: "post review", Head: r.head, BotLogin: r.opts.BotLogin,
		MaxBatch: r.opts.MaxCommentsPerReview, Concurrency: 1, Limits: secondaryLimits,
		Clock: r.opts.Clock, MaxRounds: r.opts.MaxRetries + 1, Backoff: func(n int) time.Duration { return backoff(n - 1) },
		MaxWait: r.opts.MaxWait, Log: r.logf, FileComments: r.opts.FileComments,
		RequestChanges: r.opts.RequestChanges, VerdictHelp: messages.T(run.Lang, "github.verdict_help"),
		Permissions: messages.T(run.Lang, "github.permissions"),
	}
	if r.opts.DryRun != nil {
		cfg.Limits = nil // nothing is sent
	}
	err = lifecycle.Report(ctx, &forge{r}, cfg, lifecycle.Input{Run: run, Diff: model, FilterMode: r.opts.FilterMode, Mentions: r.opts.Mentions,
		Fix: r.suggestion(model, run.Lang)})
	return readErr(err)
}

// readErr turns a refused read (403, 404: a token without access to the
// pull request, or to the GraphQL review threads) into ErrNoWriteAccess,
// so that the caller's fallback reporter still delivers the findings
// instead of failing the job with nothing reported. A rate limit (also a
// 403 on GitHub) is not a refusal.
func readErr(err error) error {
	var ae *APIError
	if err != nil && !errors.Is(err, ErrNoWriteAccess) && errors.As(err, &ae) &&
		(ae.Status == http.StatusForbidden || ae.Status == http.StatusNotFound) &&
		!strings.Contains(strings.ToLower(ae.Message), "rate limit") {
		return fmt.Errorf("%w: %w", ErrNoWriteAccess, err)
	}
	return err
}
