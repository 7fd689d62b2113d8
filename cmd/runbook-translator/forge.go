package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/runbook-translator/runbook-translator/internal/patch"
	"github.com/runbook-translator/runbook-translator/internal/repofs"
	"github.com/runbook-translator/runbook-translator/reporters"
	// The forge reporters register themselves (reporters.RegisterForge).
	ghrep "github.com/runbook-translator/runbook-translator/reporters/github"
	glrep "github.com/runbook-translator/runbook-translator/reporters/gitlab"
)

// CodeQualityFallbackFile is where the GitLab fallback writes the Code
// Quality report when no gitlab-codequality reporter was asked for.
const CodeQualityFallbackFile = glrep.CodeQualityFallbackFile

// forgeFlags override what PR/MR reporters read from the CI environment.
type forgeFlags struct {
	APIURL   string
	Repo     string
	Number   int
	SHA      string
	Mentions bool
	BotLogin string
	// RequestChanges and FileComments are review-bot options of the
	// PR/MR reporters (docs/forges.md).
	RequestChanges bool
	FileComments   bool
}

func addForgeFlags(fl *pflag.FlagSet, f *forgeFlags) {
	fl.StringVar(&f.APIURL, "api-url", "", "GitHub or GitLab API `URL` (GitHub Enterprise, self-managed GitLab); default from the CI environment")
	fl.StringVar(&f.Repo, "repo", "", "GitHub `owner/name` or GitLab project ID or path; default from the CI environment")
	fl.IntVar(&f.Number, "pr", 0, "pull request or merge request `number`; default from the CI environment")
	fl.StringVar(&f.SHA, "sha", "", "head commit `SHA`; default from the CI environment")
	fl.StringVar(&f.BotLogin, "bot-login", "", "the `login` whose comments are the bot's own (default: asked of the forge for the token); only its comments are ever edited or resolved")
	fl.BoolVar(&f.Mentions, "mentions", false, "let runbook owners' @handles ping in comments (escaped otherwise)")
	fl.BoolVar(&f.RequestChanges, "request-changes", false, "github-pr-review: request changes while findings at or above --fail-level remain, and dismiss that review once they are fixed")
	fl.BoolVar(&f.FileComments, "file-comments", false, "github-pr-review, gitlab-mr-discussion: a finding in a changed file but outside the diff's lines gets a file-level comment instead of a summary line")
}

// newForgeReporter builds a PR/MR reporter from the registry. Its CI
// context is resolved up front, so a missing variable or token is a usage
// error before any input is read.
func (o *ReviewOptions) newForgeReporter(name string) (reporters.Reporter, error) {
	fo, err := o.forgeOptions()
	if err != nil {
		return nil, err
	}
	rep, err := reporters.NewForge(name, fo)
	if err != nil {
		return nil, usageError("%v", err)
	}
	return rep, nil
}

// forgeOptions turns the flags, the environment and the streams into what
// forge reporters are built from.
func (o *ReviewOptions) forgeOptions() (reporters.ForgeOptions, error) {
	mode, err := o.filterMode(true)
	if err != nil {
		return reporters.ForgeOptions{}, err
	}
	names := make([]string, 0, len(o.Reporters))
	for _, r := range o.Reporters {
		names = append(names, parseReporterSpec(r).Name)
	}
	return reporters.ForgeOptions{
		Getenv:         o.Getenv,
		APIURL:         o.Forge.APIURL,
		Repo:           o.Forge.Repo,
		Number:         o.Forge.Number,
		SHA:            o.Forge.SHA,
		Mentions:       o.Forge.Mentions,
		BotLogin:       o.Forge.BotLogin,
		RequestChanges: o.Forge.RequestChanges,
		FileComments:   o.Forge.FileComments,
		FilterMode:     mode,
		DryRun:         o.dryRunWriter(),
		Out:            o.IO.Out,
		Log:            logWriter{o.IO.ErrOut},
		Create:         func(name string) (io.WriteCloser, error) { return o.createReport(name) },
		Requested:      names,
		CheckoutHead:   o.checkoutHead(),
		LocalPrinted:   func() { o.localPrinted = true },
		ReadFile:       o.readCheckout,
	}, nil
}

// readCheckout reads a file of the checkout by its path relative to the
// base dir (a finding's path), through the trust root: bounded, and never
// outside the checkout. Parsers convert fix columns with it and reporters
// check suggested fixes; each file is read once per run (patch.Cache).
func (o *ReviewOptions) readCheckout(p string) ([]byte, error) {
	o.checkoutOnce.Do(func() { o.checkoutFiles = patch.NewCache(o.readCheckoutFile, 64) })
	return o.checkoutFiles.ReadFile(p)
}

func (o *ReviewOptions) readCheckoutFile(p string) ([]byte, error) {
	if o.trust == nil {
		return nil, errors.New("the checkout is not open")
	}
	base := o.BaseDir
	if base == "" {
		base = "."
	}
	abs, err := filepath.Abs(filepath.Join(base, filepath.FromSlash(p)))
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(o.trust.root.Dir(), abs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, repofs.ErrOutside)
	}
	return o.trust.root.ReadFile(rel)
}

// checkoutHead is the commit the base dir's checkout is at, "" when git
// cannot tell (no repository, no git): reporters compare it with the
// commit they comment on (a merge commit checked out by default has other
// line numbers).
func (o *ReviewOptions) checkoutHead() string {
	if o.headKnown {
		return o.head
	}
	o.headKnown = true
	dir := o.BaseDir
	if dir == "" {
		dir = "."
	}
	if out, err := git(context.Background(), dir, 128, "rev-parse", "--verify", "-q", "HEAD"); err == nil {
		o.head = strings.TrimSpace(string(out))
	}
	return o.head
}

func (o *ReviewOptions) dryRunWriter() io.Writer {
	if o.DryRun {
		return o.IO.Out
	}
	return nil
}

// isStaleHead reports whether a PR/MR reporter stopped because the pull
// request's head is no longer the analysed commit.
func isStaleHead(err error) bool { return errors.Is(err, ghrep.ErrStaleHead) }

// logWriter prefixes a reporter's progress lines for stderr (the reporter
// names itself in each line).
type logWriter struct {
	w io.Writer
}

func (l logWriter) Write(b []byte) (int, error) {
	_, err := fmt.Fprintf(l.w, "runbook-translator: %s", b)
	return len(b), err
}
