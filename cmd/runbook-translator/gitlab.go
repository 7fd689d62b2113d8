package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
	})
	if err != nil {
		return nil, usageError("%s: %v", glrep.Name, err)
	}
	var primary reporters.Reporter = rep
	if n := o.mergedResultsNote(cfg); n != "" {
		fmt.Fprintf(o.IO.ErrOut, "runbook-translator: warning: %s\n", n)
		primary = &notedReporter{Reporter: rep, note: n}
	}
	return &fallbackReporter{
		name:     glrep.Name,
		primary:  primary,
		fallback: &gitlabFallback{o: o},
		what:     "the local report and " + CodeQualityFallbackFile,
		log:      o.IO.ErrOut,
	}, nil
}

// mergedResultsNote checks, in a merged-results or merge-train pipeline,
// which tree the job scanned. The threads go on the merge request's source
// commit (CI_MERGE_REQUEST_SOURCE_BRANCH_SHA); GitLab's checkout is the
// merge commit (CI_COMMIT_SHA), whose line numbers differ wherever the
// target branch changed a file since the source branched off. When the
// checkout is still that merge commit, it returns the note to show; ""
// when the job checked out the source commit (or git cannot tell).
func (o *ReviewOptions) mergedResultsNote(cfg glrep.Config) string {
	if cfg.PipelineSHA == "" {
		return ""
	}
	dir := o.BaseDir
	if dir == "" {
		dir = "."
	}
	out, err := git(context.Background(), dir, 128, "rev-parse", "HEAD")
	if err != nil || strings.TrimSpace(string(out)) != cfg.PipelineSHA {
		return ""
	}
	return fmt.Sprintf("this merged-results pipeline scanned the merge commit %s, but threads go on the merge request's head %s: "+
		"line numbers can be off in files the target branch changed. Check out $CI_MERGE_REQUEST_SOURCE_BRANCH_SHA before scanning (docs/forges.md)",
		short(cfg.PipelineSHA), short(cfg.HeadSHA))
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// notedReporter adds a run-level note (shown in the summary) before
// reporting.
type notedReporter struct {
	reporters.Reporter
	note string
}

func (n *notedReporter) Report(ctx context.Context, run *translator.Run) error {
	r := *run
	r.Notes = append(append([]string(nil), run.Notes...), n.note)
	return n.Reporter.Report(ctx, &r)
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
		g.o.localPrinted = true
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
