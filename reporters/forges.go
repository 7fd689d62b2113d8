package reporters

import (
	"context"
	"fmt"
	"io"
	"sort"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
)

// Forge reporters (PR/MR comments, check runs, workflow commands) register
// here as local reporters register with Register: each with its name, its
// constructor from ForgeOptions, and the reporter that delivers the
// findings when the forge refuses writes. cmd turns flags into
// ForgeOptions and asks NewForge; it does not assemble reporters.

// ForgeOptions is what a forge reporter is built from: the CI environment,
// read through Getenv (cmd passes os.Getenv: only cmd reads the process
// environment), the flags that override it, and the streams.
type ForgeOptions struct {
	// Getenv reads the CI environment.
	Getenv func(string) string
	// APIURL, Repo, Number and SHA override the environment (--api-url,
	// --repo, --pr, --sha); zero values leave it.
	APIURL string
	Repo   string
	Number int
	SHA    string
	// Mentions lets runbook owners' @handles ping.
	Mentions bool
	// BotLogin overrides the identity whose comments are the bot's own
	// (--bot-login); empty: asked of the forge for the token.
	BotLogin string
	// RequestChanges (--request-changes): the review requests changes
	// while failing findings remain, and is dismissed once none remain
	// (GitHub; other forges ignore it).
	RequestChanges bool
	// FileComments (--file-comments): findings in changed files, outside
	// the diff's lines, get a file-level comment.
	FileComments bool
	// FilterMode decides what goes inline.
	FilterMode diff.Mode
	// DryRun, when set, receives the writes instead of the API.
	DryRun io.Writer
	// Out is standard output (workflow commands, a fallback's local
	// report); Log receives progress lines (stderr).
	Out, Log io.Writer
	// Create creates a report file for a fallback (cmd passes one that
	// goes through the checkout's trust root).
	Create func(name string) (io.WriteCloser, error)
	// Requested are the names of every reporter of the run, so that a
	// fallback does not repeat one that already runs.
	Requested []string
	// CheckoutHead is the commit the checkout the findings come from is
	// at (git rev-parse HEAD of the base dir); "" when not known.
	CheckoutHead string
	// LocalPrinted is called when a fallback printed the local report to
	// Out; nil is allowed.
	LocalPrinted func()
	// ReadFile reads a repository-relative file of the checkout (cmd
	// passes its bounded reader of the base dir): suggested fixes are
	// checked against the lines they replace. Nil: fixes are named with
	// the reason, not suggested.
	ReadFile func(path string) ([]byte, error)
}

// Forge describes one forge reporter.
type Forge struct {
	// Name is the -r name.
	Name string
	// Description is the line `runbook-translator formats` shows.
	Description string
	// New builds the reporter; an error means the environment or flags
	// are not enough (a usage error).
	New func(ForgeOptions) (Reporter, error)
	// Fallback, when not nil, builds the reporter that delivers the
	// findings when the forge refuses to write (NoWriteAccess), named
	// FallbackName in the log line.
	Fallback     func(ForgeOptions) (Reporter, error)
	FallbackName string
	// NoWriteAccess reports whether an error of the reporter is the
	// forge refusing writes (a fork's read-only token).
	NoWriteAccess func(error) bool
}

var forges = map[string]Forge{}

// RegisterForge adds a forge reporter. Names are shared with local
// reporters: a clash panics, as a duplicate local reporter does.
func RegisterForge(f Forge) {
	if _, dup := forges[f.Name]; dup {
		panic("reporters: duplicate forge reporter " + f.Name)
	}
	if _, dup := registry[f.Name]; dup {
		panic("reporters: forge reporter " + f.Name + " has the name of a local reporter")
	}
	forges[f.Name] = f
}

// ForgeNames returns the forge reporter names, sorted.
func ForgeNames() []string {
	out := make([]string, 0, len(forges))
	for n := range forges {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// IsForge reports whether name is a registered forge reporter.
func IsForge(name string) bool {
	_, ok := forges[name]
	return ok
}

// ForgeDescription returns the description of a forge reporter.
func ForgeDescription(name string) string { return forges[name].Description }

// NewForge builds a forge reporter with its fallback. The fallback is
// built up front too, so that a problem with it shows before any input
// is read.
func NewForge(name string, o ForgeOptions) (Reporter, error) {
	f, ok := forges[name]
	if !ok {
		return nil, fmt.Errorf("unknown forge reporter %q", name)
	}
	primary, err := f.New(o)
	if err != nil {
		return nil, err
	}
	if f.Fallback == nil {
		return primary, nil
	}
	fb, err := f.Fallback(o)
	if err != nil {
		return nil, fmt.Errorf("%s: fallback %s: %w", name, f.FallbackName, err)
	}
	return &fallback{name: name, primary: primary, fallback: fb, what: f.FallbackName, noWrite: f.NoWriteAccess, log: o.Log}, nil
}

// fallback runs primary; when the forge refuses writes (a fork's read-only
// token, missing permissions) it says so once and delivers the findings
// through the fallback instead, so nothing is silently dropped.
type fallback struct {
	name     string
	primary  Reporter
	fallback Reporter
	what     string
	noWrite  func(error) bool
	log      io.Writer
}

func (f *fallback) Report(ctx context.Context, run *translator.Run) error {
	err := f.primary.Report(ctx, run)
	if err == nil || f.noWrite == nil || !f.noWrite(err) {
		return err
	}
	if f.log != nil {
		fmt.Fprintf(f.log, "%s: no write access (%v); reporting through %s instead\n", f.name, err, f.what)
	}
	if ferr := f.fallback.Report(ctx, run); ferr != nil {
		return fmt.Errorf("%w; fallback %s: %v", err, f.what, ferr)
	}
	return nil
}

// WithNotes returns a reporter that adds run-level notes (shown in
// summaries) before reporting through r.
func WithNotes(r Reporter, notes ...string) Reporter {
	if len(notes) == 0 {
		return r
	}
	return &noted{Reporter: r, notes: notes}
}

type noted struct {
	Reporter
	notes []string
}

func (n *noted) Report(ctx context.Context, run *translator.Run) error {
	r := *run
	r.Notes = append(append([]string(nil), run.Notes...), n.notes...)
	return n.Reporter.Report(ctx, &r)
}
