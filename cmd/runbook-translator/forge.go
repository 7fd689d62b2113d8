package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	translator "github.com/runbook-translator/runbook-translator"
)

// forgeFlags override what PR/MR reporters read from the CI environment.
type forgeFlags struct {
	APIURL   string
	Repo     string
	Number   int
	SHA      string
	Mentions bool
}

func addForgeFlags(fl *pflag.FlagSet, f *forgeFlags) {
	fl.StringVar(&f.APIURL, "api-url", "", "GitHub or GitLab API `URL` (GitHub Enterprise, self-managed GitLab); default from the CI environment")
	fl.StringVar(&f.Repo, "repo", "", "GitHub `owner/name` or GitLab project ID or path; default from the CI environment")
	fl.IntVar(&f.Number, "pr", 0, "pull request or merge request `number`; default from the CI environment")
	fl.StringVar(&f.SHA, "sha", "", "head commit `SHA`; default from the CI environment")
	fl.BoolVar(&f.Mentions, "mentions", false, "let runbook owners' @handles ping in comments (escaped otherwise)")
}

// runForge runs a PR/MR reporter.
func (o *ReviewOptions) runForge(ctx context.Context, spec reporterSpec, run *translator.Run) error {
	return fmt.Errorf("reporter %s is not available in this build", spec.Name)
}

