package gitlab

import (
	"context"
	"errors"
	"fmt"
	"io"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/reporters"
)

// CodeQualityFallbackFile is where the fallback writes the Code Quality
// report when no gitlab-codequality reporter was asked for; declare it as
// artifacts:reports:codequality in the job.
const CodeQualityFallbackFile = "gl-code-quality-report.json"

// gitlab-mr-discussion registers itself; when the token cannot write it
// falls back to the local report on stdout and the Code Quality report,
// which the merge request widget shows.
func init() {
	reporters.RegisterForge(reporters.Forge{
		Name:          Name,
		Description:   "merge request discussions on the changed lines, resolved when fixed, plus one sticky summary note (needs GITLAB_TOKEN with api scope)",
		New:           newFromOptions,
		Fallback:      func(o reporters.ForgeOptions) (reporters.Reporter, error) { return &fallback{o: o}, nil },
		FallbackName:  "the local report and " + CodeQualityFallbackFile,
		NoWriteAccess: func(err error) bool { return errors.Is(err, ErrNoWriteAccess) },
	})
}

// newFromOptions builds gitlab-mr-discussion from GitLab CI's (or
// Atlantis's) environment and the flags.
func newFromOptions(o reporters.ForgeOptions) (reporters.Reporter, error) {
	over := Config{BaseURL: o.APIURL, Project: o.Repo, MergeRequestIID: int64(o.Number), HeadSHA: o.SHA}
	cfg, err := ConfigFromEnv(o.Getenv, over)
	if err != nil {
		return nil, err
	}
	rep, err := New(cfg, Options{
		DryRun:     o.DryRun,
		Mentions:   o.Mentions,
		BotLogin:   o.BotLogin,
		FilterMode: o.FilterMode,
		HeadSHA:    cfg.HeadSHA,
		Secrets:    []string{cfg.Token},
		Log:        o.Log,

		FileComments: o.FileComments,
		ReadFile:     o.ReadFile,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	if o.RequestChanges && o.Log != nil {
		// GitHub only: a GitLab reviewer's "request changes" is not part
		// of the discussions API this reporter uses.
		fmt.Fprintf(o.Log, "%s: warning: --request-changes has no effect on GitLab merge requests\n", Name)
	}
	if n := mergedResultsNote(cfg, o.CheckoutHead); n != "" {
		if o.Log != nil {
			fmt.Fprintf(o.Log, "%s: warning: %s\n", Name, n)
		}
		return reporters.WithNotes(rep, n), nil
	}
	return rep, nil
}

// mergedResultsNote checks, in a merged-results or merge-train pipeline,
// which tree the job scanned. The threads go on the merge request's source
// commit (CI_MERGE_REQUEST_SOURCE_BRANCH_SHA); GitLab's checkout is the
// merge commit (CI_COMMIT_SHA), whose line numbers differ wherever the
// target branch changed a file since the source branched off. When the
// checkout is still that merge commit, it returns the note to show; ""
// when the job checked out the source commit (or the checkout is not
// known).
func mergedResultsNote(cfg Config, checkout string) string {
	if cfg.PipelineSHA == "" || checkout != cfg.PipelineSHA {
		return ""
	}
	return fmt.Sprintf("this merged-results pipeline scanned the merge commit %s, but threads go on the merge request's head %s: "+
		"line numbers can be off in files the target branch changed. Check out $CI_MERGE_REQUEST_SOURCE_BRANCH_SHA before scanning (docs/forges.md)",
		short(cfg.PipelineSHA), short(cfg.HeadSHA))
}

// fallback delivers the findings when the token cannot write: the local
// report on stdout (unless one is already asked for) and the Code Quality
// report (unless gitlab-codequality is asked for).
type fallback struct{ o reporters.ForgeOptions }

func (g *fallback) Report(ctx context.Context, run *translator.Run) error {
	if !requested(g.o.Requested, "local") {
		local, err := reporters.New("local", reporters.Options{Out: g.o.Out})
		if err != nil {
			return err
		}
		if err := local.Report(ctx, run); err != nil {
			return err
		}
		if g.o.LocalPrinted != nil {
			g.o.LocalPrinted()
		}
	}
	if requested(g.o.Requested, "gitlab-codequality") {
		return nil
	}
	if g.o.Create == nil {
		return fmt.Errorf("write %s: no way to create files", CodeQualityFallbackFile)
	}
	f, err := g.o.Create(CodeQualityFallbackFile)
	if err != nil {
		return fmt.Errorf("write %s: %w", CodeQualityFallbackFile, err)
	}
	err = writeCodeQuality(ctx, f, run)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func writeCodeQuality(ctx context.Context, w io.Writer, run *translator.Run) error {
	cq, err := reporters.New("gitlab-codequality", reporters.Options{Out: w})
	if err != nil {
		return err
	}
	return cq.Report(ctx, run)
}

func requested(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}
