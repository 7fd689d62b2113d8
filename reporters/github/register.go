package github

import (
	"errors"
	"fmt"
	"io"

	gh "github.com/google/go-github/v60/github"

	"github.com/runbook-translator/runbook-translator/reporters"
)

// The GitHub reporters register themselves (reporters.RegisterForge):
// github-pr-review and github-check fall back to github-annotations when
// the token cannot write (a fork's pull request).
func init() {
	reporters.RegisterForge(reporters.Forge{
		Name:          Name,
		Description:   "inline review comments on the pull request's changed lines, plus one sticky summary comment (needs pull-requests: write)",
		New:           newReviewer,
		Fallback:      newAnnotationsFallback,
		FallbackName:  AnnotationsName,
		NoWriteAccess: noWriteAccess,
	})
	reporters.RegisterForge(reporters.Forge{
		Name:          CheckName,
		Description:   "a check run with every finding as an annotation, conclusion from --fail-level (needs checks: write)",
		New:           newCheck,
		Fallback:      newAnnotationsFallback,
		FallbackName:  AnnotationsName,
		NoWriteAccess: noWriteAccess,
	})
	reporters.RegisterForge(reporters.Forge{
		Name:        AnnotationsName,
		Description: "GitHub Actions workflow commands and the job summary; needs no token (the fallback for forks)",
		New:         newAnnotationsFallback,
	})
}

// Reporter names besides Name (github-pr-review).
const (
	CheckName       = "github-check"
	AnnotationsName = "github-annotations"
)

// MarkdownSummary renders check-run and job summaries with the markdown
// reporter.
var MarkdownSummary = ReporterSummary(func(w io.Writer, max int) reporters.Reporter {
	return &reporters.Markdown{Out: w, MaxBytes: max}
})

func noWriteAccess(err error) bool { return errors.Is(err, ErrNoWriteAccess) }

func overrides(o reporters.ForgeOptions) Overrides {
	return Overrides{APIURL: o.APIURL, Repo: o.Repo, PR: o.Number, SHA: o.SHA}
}

// clientContext reads the context of a reporter that writes through the
// API, and builds its client.
func clientContext(name string, o reporters.ForgeOptions) (Context, *gh.Client, error) {
	gctx, err := ContextFromEnv(o.Getenv, overrides(o))
	if err != nil {
		return gctx, nil, fmt.Errorf("%s: %w", name, err)
	}
	if gctx.SHA == "" {
		return gctx, nil, fmt.Errorf("%s: no head commit: set --sha or GITHUB_SHA", name)
	}
	client, err := NewClient(gctx)
	if err != nil {
		return gctx, nil, fmt.Errorf("%s: %w", name, err)
	}
	return gctx, client, nil
}

func newReviewer(o reporters.ForgeOptions) (reporters.Reporter, error) {
	gctx, client, err := clientContext(Name, o)
	if err != nil {
		return nil, err
	}
	if gctx.PR == 0 && gctx.EventName == WorkflowRunEvent {
		return nil, fmt.Errorf("%s: the workflow_run payload names no pull request (GitHub leaves pull_requests empty for forks): pass --pr with the number the first stage saved (docs/forges.md)", Name)
	}
	if gctx.PR == 0 {
		return nil, fmt.Errorf("%s: not a pull request: run on a pull_request event or pass --pr", Name)
	}
	r := NewReviewer(client, gctx.Owner, gctx.Repo, gctx.PR, gctx.SHA, Options{
		DryRun:         o.DryRun,
		Mentions:       o.Mentions,
		BotLogin:       o.BotLogin,
		RequestChanges: o.RequestChanges,
		FileComments:   o.FileComments,
		FilterMode:     o.FilterMode,
		Log:            o.Log,
		RequestTimeout: gctx.RequestTimeout,
		MaxWait:        gctx.MaxWait,
		ReadFile:       o.ReadFile,
	})
	if n := mergeCommitNote(gctx, o); n != "" {
		if o.Log != nil {
			fmt.Fprintf(o.Log, "%s: warning: %s\n", Name, n)
		}
		return reporters.WithNotes(r, n), nil
	}
	return r, nil
}

// mergeCommitNote: on pull_request events GITHUB_SHA is the merge commit
// (refs/pull/N/merge), which actions/checkout checks out by default,
// while comments go on pull_request.head.sha. When the checkout is that
// merge commit, line numbers come from another tree than the comments'
// (issue 9, item 9); it returns the note to show.
func mergeCommitNote(gctx Context, o reporters.ForgeOptions) string {
	merge := o.Getenv("GITHUB_SHA")
	if gctx.EventName != "pull_request" || o.CheckoutHead == "" || merge == "" || o.CheckoutHead != merge || merge == gctx.SHA {
		return ""
	}
	return fmt.Sprintf("the job scanned the merge commit %s (actions/checkout's default on pull_request), but comments go on the head %s: "+
		"line numbers can be off in files the base branch changed. Check out ${{ github.event.pull_request.head.sha }} (docs/forges.md)",
		short(merge), short(gctx.SHA))
}

func newCheck(o reporters.ForgeOptions) (reporters.Reporter, error) {
	gctx, client, err := clientContext(CheckName, o)
	if err != nil {
		return nil, err
	}
	c := NewCheckRun(client, gctx.Owner, gctx.Repo, gctx.SHA)
	c.Summary = MarkdownSummary
	c.DryRun = o.DryRun
	return c, nil
}

// newAnnotationsFallback needs no token: outside a complete context it
// still writes workflow commands, with the job summary when
// GITHUB_STEP_SUMMARY is set.
func newAnnotationsFallback(o reporters.ForgeOptions) (reporters.Reporter, error) {
	summary := o.Getenv("GITHUB_STEP_SUMMARY")
	if gctx, err := ContextFromEnv(o.Getenv, overrides(o)); err == nil {
		summary = gctx.StepSummary
	}
	return &Annotations{Out: o.Out, JobSummaryPath: summary, Summary: MarkdownSummary}, nil
}
