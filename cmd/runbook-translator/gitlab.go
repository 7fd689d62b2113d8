package main

import (
	"context"
	"errors"
	"fmt"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/reporters"
	glrep "github.com/runbook-translator/runbook-translator/reporters/gitlab"
)

// CodeQualityFallbackFile is where the GitLab fallback writes the Code
// Quality report when no gitlab-codequality reporter was asked for; declare
// it as artifacts:reports:codequality in the job.
const CodeQualityFallbackFile = "gl-code-quality-report.json"

func init() {
	forgeReporters["gitlab-mr-discussion"] = "merge request discussions on the changed lines, resolved when fixed, plus one sticky summary note (needs GITLAB_TOKEN with api scope)"
}

func isGitLabNoWriteAccess(err error) bool { return errors.Is(err, glrep.ErrNoWriteAccess) }

// newGitLabReporter builds gitlab-mr-discussion from GitLab CI's (or
// Atlantis's) environment and the flags.
func (o *ReviewOptions) newGitLabReporter() (reporters.Reporter, error) {
	over := glrep.Config{BaseURL: o.Forge.APIURL, Project: o.Forge.Repo, MergeRequestIID: int64(o.Forge.Number), HeadSHA: o.Forge.SHA}
	cfg, err := glrep.ConfigFromEnv(o.Getenv, over)
	if err != nil {
		return nil, usageError("%v", err)
	}
	mode, err := o.filterMode(true)
	if err != nil {
		return nil, err
	}
	rep, err := glrep.New(cfg, glrep.Options{
		DryRun:     o.dryRunWriter(),
		Mentions:   o.Forge.Mentions,
		FilterMode: mode,
		HeadSHA:    cfg.HeadSHA,
		Secrets:    []string{cfg.Token},
		Log:        logWriter{o.IO.ErrOut},
		BotLogin:   o.Forge.BotLogin,
	})
	if err != nil {
		return nil, usageError("%s: %v", glrep.Name, err)
	}
	return &fallbackReporter{
		name:     glrep.Name,
		primary:  rep,
		fallback: &gitlabFallback{o: o},
		what:     "the local report and " + CodeQualityFallbackFile,
		log:      o.IO.ErrOut,
	}, nil
}

// gitlabFallback delivers the findings when the token cannot write: the
// local report on stdout (unless one is already there) and the Code Quality
// report, which the merge request widget shows.
type gitlabFallback struct{ o *ReviewOptions }

func (g *gitlabFallback) Report(ctx context.Context, run *translator.Run) error {
	var names []string
	for _, r := range g.o.Reporters {
		names = append(names, parseReporterSpec(r).Name)
	}
	if !contains(names, "local") {
		local, err := reporters.New("local", reporters.Options{Out: g.o.IO.Out})
		if err != nil {
			return err
		}
		if err := local.Report(ctx, run); err != nil {
			return err
		}
	}
	if contains(names, "gitlab-codequality") {
		return nil
	}
	// Through the trust root: the MR could commit a symlink of this name.
	f, err := g.o.createReport(CodeQualityFallbackFile)
	if err != nil {
		return fmt.Errorf("write %s: %w", CodeQualityFallbackFile, err)
	}
	cq, err := reporters.New("gitlab-codequality", reporters.Options{Out: f})
	if err == nil {
		err = cq.Report(ctx, run)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
