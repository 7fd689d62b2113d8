// Package reporters writes the findings of a run in local formats: the
// terminal (local), json, markdown, sarif and gitlab-codequality.
// Reporters never import parsers or runbooks: they receive findings with the
// runbook already rendered. The forge reporters live in reporters/github and
// reporters/gitlab.
package reporters

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/suggest"
)

// Reporter writes one report of a run.
type Reporter interface {
	Report(ctx context.Context, run *translator.Run) error
}

// BodyShower is implemented by a reporter that may leave runbook bodies
// out: when every reporter of a run says false, the run renders none
// (cmd uses runbooks.Catalog.MatchStage). A reporter that does not
// implement it shows them.
type BodyShower interface {
	ShowsRunbookBodies() bool
}

// LazyBodies is implemented by a reporter that calls Runbook.Resolve (or
// Rendered) before it reads a runbook's Body or Error: when every reporter
// of a run does, bodies are rendered only when shown
// (runbooks.Catalog.LazyStage).
type LazyBodies interface {
	LazyBodies() bool
}

// JSONBodies is implemented by a reporter that writes runbook bodies only
// as JSON strings and reads Runbook.BodyJSON when it is set: when every
// reporter of a run does, each body is rendered straight into its JSON form
// (runbooks.Catalog.JSONStage) and Runbook.Body stays empty.
type JSONBodies interface {
	JSONBodies() bool
}

// Options are what local reporters need.
type Options struct {
	// Out is where the report goes.
	Out io.Writer
	// Color enables ANSI colour (local only); cmd decides from TTY and NO_COLOR.
	Color bool
	// Verbose includes rendered runbook bodies in the local report.
	Verbose bool
	// Warn, when set, receives warnings meant for the person running the
	// command (stderr), e.g. what the SARIF report left out.
	Warn io.Writer
	// OnlyInDiff makes the local report show only findings inside the
	// change (not OutsideDiff), saying how many it left out; they still
	// count. cmd sets it for a local --diff with a filter mode.
	OnlyInDiff bool
	// ReadFile reads a repository-relative file of the checkout (cmd
	// passes its bounded reader): the SARIF report converts fix columns
	// with it, the local report shows fixes as diffs (-v).
	ReadFile func(path string) ([]byte, error)
}

// Factory builds a local reporter.
type Factory func(opts Options) (Reporter, error)

type entry struct {
	desc string
	new  Factory
}

var registry = map[string]entry{}

// Register adds a local reporter under name.
func Register(name, description string, f Factory) {
	if _, dup := registry[name]; dup {
		panic("reporters: duplicate reporter " + name)
	}
	registry[name] = entry{description, f}
}

// Names returns the local reporter names, sorted.
func Names() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Description returns the one-line description of a reporter.
func Description(name string) string { return registry[name].desc }

// New builds a local reporter; an unknown name is an error listing the valid ones.
func New(name string, opts Options) (Reporter, error) {
	e, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("unknown reporter %q%s; valid local reporters: %s", name, suggest.DidYouMean(name, Names()), strings.Join(Names(), ", "))
	}
	return e.new(opts)
}
