package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/reporters"
	ghrep "github.com/runbook-translator/runbook-translator/reporters/github"
)

// forgeFlags override what PR/MR reporters read from the CI environment.
type forgeFlags struct {
	APIURL   string
	Repo     string
	Number   int
	SHA      string
	Mentions bool
	BotLogin string
}

func addForgeFlags(fl *pflag.FlagSet, f *forgeFlags) {
	fl.StringVar(&f.APIURL, "api-url", "", "GitHub or GitLab API `URL` (GitHub Enterprise, self-managed GitLab); default from the CI environment")
	fl.StringVar(&f.Repo, "repo", "", "GitHub `owner/name` or GitLab project ID or path; default from the CI environment")
	fl.IntVar(&f.Number, "pr", 0, "pull request or merge request `number`; default from the CI environment")
	fl.StringVar(&f.SHA, "sha", "", "head commit `SHA`; default from the CI environment")
	fl.StringVar(&f.BotLogin, "bot-login", "", "the `login` whose comments are the bot's own (default: asked of the forge for the token); only its comments are ever edited or resolved")
	fl.BoolVar(&f.Mentions, "mentions", false, "let runbook owners' @handles ping in comments (escaped otherwise)")
}

func init() {
	forgeReporters["github-pr-review"] = "inline review comments on the pull request's changed lines, plus one sticky summary comment (needs pull-requests: write)"
	forgeReporters["github-check"] = "a check run with every finding as an annotation, conclusion from --fail-level (needs checks: write)"
	forgeReporters["github-annotations"] = "GitHub Actions workflow commands and the job summary; needs no token (the fallback for forks)"
}

// newForgeReporter resolves the CI context of a PR/MR reporter up front, so
// a missing variable or token is a usage error before any input is read.
func (o *ReviewOptions) newForgeReporter(name string) (reporters.Reporter, error) {
	switch name {
	case "gitlab-mr-discussion":
		return o.newGitLabReporter()
	case "github-annotations":
		gctx, err := ghrep.ContextFromEnv(o.Getenv, o.githubOverrides())
		if err != nil {
			gctx = ghrep.Context{StepSummary: o.Getenv("GITHUB_STEP_SUMMARY")}
		}
		return o.githubAnnotations(gctx), nil
	case "github-pr-review", "github-check":
		gctx, err := ghrep.ContextFromEnv(o.Getenv, o.githubOverrides())
		if err != nil {
			return nil, usageError("%s: %v", name, err)
		}
		if gctx.SHA == "" {
			return nil, usageError("%s: no head commit: set --sha or GITHUB_SHA", name)
		}
		client, err := ghrep.NewClient(gctx)
		if err != nil {
			return nil, usageError("%s: %v", name, err)
		}
		var primary reporters.Reporter
		if name == "github-check" {
			c := ghrep.NewCheckRun(client, gctx.Owner, gctx.Repo, gctx.SHA)
			c.Summary = markdownSummary
			c.DryRun = o.dryRunWriter()
			primary = c
		} else {
			if gctx.PR == 0 {
				return nil, usageError("%s: not a pull request: run on a pull_request event or pass --pr", name)
			}
			mode, err := o.filterMode(true)
			if err != nil {
				return nil, err
			}
			primary = ghrep.NewReviewer(client, gctx.Owner, gctx.Repo, gctx.PR, gctx.SHA, ghrep.Options{
				DryRun:         o.dryRunWriter(),
				Mentions:       o.Forge.Mentions,
				FilterMode:     mode,
				Log:            logWriter{o.IO.ErrOut},
				RequestTimeout: gctx.RequestTimeout,
				MaxWait:        gctx.MaxWait,
				BotLogin:       o.Forge.BotLogin,
			})
		}
		return &fallbackReporter{
			name:     name,
			primary:  primary,
			fallback: o.githubAnnotations(gctx),
			what:     "github-annotations",
			log:      o.IO.ErrOut,
		}, nil
	}
	return nil, usageError("unknown reporter %q", name)
}

func (o *ReviewOptions) githubOverrides() ghrep.Overrides {
	return ghrep.Overrides{APIURL: o.Forge.APIURL, Repo: o.Forge.Repo, PR: o.Forge.Number, SHA: o.Forge.SHA}
}

func (o *ReviewOptions) githubAnnotations(gctx ghrep.Context) reporters.Reporter {
	return &ghrep.Annotations{Out: o.IO.Out, JobSummaryPath: gctx.StepSummary, Summary: markdownSummary}
}

func (o *ReviewOptions) dryRunWriter() io.Writer {
	if o.DryRun {
		return o.IO.Out
	}
	return nil
}

// markdownSummary renders check-run and job summaries with the markdown reporter.
var markdownSummary = ghrep.ReporterSummary(func(w io.Writer, max int) reporters.Reporter {
	return &reporters.Markdown{Out: w, MaxBytes: max}
})

// fallbackReporter runs primary; when the forge refuses writes (a fork's
// read-only token, missing permissions) it says so once and delivers the
// findings through fallback instead, so nothing is silently dropped.
type fallbackReporter struct {
	name     string
	primary  reporters.Reporter
	fallback reporters.Reporter
	what     string
	log      io.Writer
}

func (f *fallbackReporter) Report(ctx context.Context, run *translator.Run) error {
	err := f.primary.Report(ctx, run)
	if err == nil || !isNoWriteAccess(err) || f.fallback == nil {
		return err
	}
	fmt.Fprintf(f.log, "runbook-translator: %s: no write access (%v); reporting through %s instead\n", f.name, err, f.what)
	if ferr := f.fallback.Report(ctx, run); ferr != nil {
		return fmt.Errorf("%w; fallback %s: %v", err, f.what, ferr)
	}
	return nil
}

func isNoWriteAccess(err error) bool {
	return errors.Is(err, ghrep.ErrNoWriteAccess) || isGitLabNoWriteAccess(err)
}

// logWriter prefixes a reporter's progress lines for stderr (the reporter
// names itself in each line).
type logWriter struct {
	w io.Writer
}

func (l logWriter) Write(b []byte) (int, error) {
	_, err := fmt.Fprintf(l.w, "runbook-translator: %s", b)
	return len(b), err
}
