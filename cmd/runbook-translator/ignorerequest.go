package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/reporters"
	"github.com/runbook-translator/runbook-translator/reporters/forge/exception"
)

// IgnoreRequestOptions holds the flags and streams of `ignore request`.
type IgnoreRequestOptions struct {
	IO     *IOStreams
	Getenv env
	Now    func() time.Time
	// Event is the webhook payload file that carried the comment.
	Event string
	// ForgeName is github or gitlab; empty: from the CI environment.
	ForgeName string
	// Config is the repository-relative config file to edit.
	Config string
	Forge  forgeFlags
	DryRun bool
	// Lang is --lang: the language of the replies, the pull (merge)
	// request and the commit message.
	Lang string
}

// maxEvent bounds the event file: GitHub caps webhook payloads at 25 MB,
// and a note event is far smaller.
const maxEvent = 32 << 20

// NewCmdIgnoreRequest builds `ignore request`; runF replaces the run in tests.
func NewCmdIgnoreRequest(f *Factory, runF func(*IgnoreRequestOptions) error) *cobra.Command {
	o := &IgnoreRequestOptions{IO: f.IO, Getenv: f.Getenv, Now: f.Now}
	c := &cobra.Command{
		Use:   "request --event FILE",
		Short: "Handle a '/runbook-translator ignore 30d <reason>' reply to one of the bot's finding comments",
		Long: `Handle a reply to one of the review bot's finding comments:

  /runbook-translator ignore 30d <reason>

The comment named by the event (GitHub: a pull_request_review_comment payload, $GITHUB_EVENT_PATH;
GitLab: a note event payload) is read again from the API with its author and its thread. When the
author has write access, the command parses, and the comment it replies to is the bot's own about
one finding, a branch is created from the base branch with the rule added to the config file as the
base has it (its comments and layout kept), a pull (merge) request is opened against the base, review
is requested from the CODEOWNERS of the config file, and the reply links to it. A second identical
request links to the open one. Refusals are replied to, saying why; nothing is written then.

The job needs no checkout: everything is read from the API (docs/exceptions.md).

Exit 0 when handled (a refusal included); 2 for a usage error or an event that is not a comment;
3 when the forge failed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Event == "" {
				return usageError("ignore request: --event FILE is required (GitHub: $GITHUB_EVENT_PATH; GitLab: the note event payload)")
			}
			if err := checkConfigPath(o.Config); err != nil {
				return err
			}
			if _, err := messages.Resolve(o.Lang, "", nil); err != nil {
				return usageError("ignore request: %v", err)
			}
			if runF != nil {
				return runF(o)
			}
			return ignoreRequestRun(o)
		},
	}
	silence(c)
	fl := c.Flags()
	fl.StringVar(&o.Event, "event", "", "the webhook event `file` that carried the comment")
	fl.StringVar(&o.ForgeName, "forge", "", "github or gitlab (default: from the CI environment)")
	fl.StringVar(&o.Config, "config", ".runbook-translator.yaml", "the repository-relative config `path` to add the rule to, as the base branch has it")
	fl.BoolVar(&o.DryRun, "dry-run", false, "print the writes instead of sending them (reads still happen)")
	fl.StringVar(&o.Lang, "lang", "", "language of the replies, the request and its commit (en, ja); default: the lang of the config on the base branch, then LC_ALL, LANG")
	addForgeFlags(fl, &o.Forge)
	return c
}

// logLang is the language of the job log before the run knows the
// replies': --lang, then the locale (the base's config is read later).
func (o *IgnoreRequestOptions) logLang() string {
	l, err := messages.Resolve(o.Lang, "", o.Getenv)
	if err != nil {
		return messages.Default
	}
	return l
}

// checkConfigPath refuses a config path outside the repository: it names a
// file of the base branch through the API.
func checkConfigPath(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../") {
		return usageError("ignore request: --config %q is not a clean repository-relative path", p)
	}
	return nil
}

// forgeName is the forge of the run: --forge, else GitLab CI or GitHub
// Actions from their variables.
func (o *IgnoreRequestOptions) forgeName() (string, error) {
	switch {
	case o.ForgeName != "":
		return o.ForgeName, nil
	case o.Getenv("GITLAB_CI") == "true":
		return "gitlab", nil
	case o.Getenv("GITHUB_ACTIONS") == "true":
		return "github", nil
	}
	return "", usageError("ignore request: not in GitHub Actions or GitLab CI: pass --forge github or --forge gitlab")
}

func ignoreRequestRun(o *IgnoreRequestOptions) error {
	name, err := o.forgeName()
	if err != nil {
		return err
	}
	event, err := readEvent(o.Event)
	if err != nil {
		return usageError("ignore request: %v", err)
	}
	var dry io.Writer
	if o.DryRun {
		dry = o.IO.Out
	}
	fo := reporters.ForgeOptions{
		Getenv: o.Getenv, APIURL: o.Forge.APIURL, Repo: o.Forge.Repo, Number: o.Forge.Number, SHA: o.Forge.SHA,
		BotLogin: o.Forge.BotLogin, DryRun: dry, Out: o.IO.Out, Log: logWriter{o.IO.ErrOut},
	}
	f, err := exception.For(name, fo, event)
	if errors.Is(err, exception.ErrNotCommand) {
		fmt.Fprintln(o.IO.ErrOut, "runbook-translator: "+messages.T(o.logLang(), "excerr.no_comment"))
		return nil
	}
	if err != nil {
		return usageError("ignore request: %v", err)
	}
	res, err := exception.Run(context.Background(), f, exception.Options{
		Config: o.Config, Now: o.Now, BotLogin: o.Forge.BotLogin, Log: logWriter{o.IO.ErrOut},
		Lang: o.Lang, Getenv: o.Getenv,
	})
	if err != nil {
		lang := res.Lang
		if lang == "" {
			lang = o.logLang()
		}
		return &ExitError{Code: ExitReporter, Err: messages.Wrap(err, "excerr.prefix"), Lang: lang}
	}
	switch res.Outcome {
	case exception.Opened:
		fmt.Fprintln(o.IO.Out, "opened "+res.URL)
	case exception.Existing:
		fmt.Fprintln(o.IO.Out, "already requested "+res.URL)
	case exception.Refused:
		fmt.Fprintln(o.IO.Out, "refused")
	}
	return nil
}

// readEvent reads the event file, bounded.
func readEvent(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("read event: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxEvent+1))
	if err != nil {
		return nil, fmt.Errorf("read event %s: %w", name, err)
	}
	if len(b) > maxEvent {
		return nil, fmt.Errorf("read event %s: larger than %d bytes", name, maxEvent)
	}
	return b, nil
}
