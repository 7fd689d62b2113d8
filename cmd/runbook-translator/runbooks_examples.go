package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/runbook-translator/runbook-translator/authoring"
	"github.com/runbook-translator/runbook-translator/messages"
)

// RunbooksTestOptions holds the flags and streams of `runbooks test`.
type RunbooksTestOptions struct {
	IO        *IOStreams
	Paths     []string
	NoBuiltin bool
	// Lang runs the examples on the entries' translations (--lang).
	Lang string
}

// NewCmdRunbooksTest builds `runbooks test`; runF replaces the run in tests.
func NewCmdRunbooksTest(f *Factory, runF func(*RunbooksTestOptions) error) *cobra.Command {
	o := &RunbooksTestOptions{IO: f.IO}
	c := &cobra.Command{
		Use:   "test [PATH...]",
		Short: "Run the examples of catalog entries (PASS/FAIL per example)",
		Long: `Render every example of the entries in PATHs (the built-in catalog when no
PATH is given, each PATH a layer merged over it) and check it, as
conftest verify checks policy tests: the example's finding must reach its
own entry (a more specific entry taking it fails, naming that entry), the
body must render, contain every "contains" line and equal "want" when set.

With --lang, the examples run on the entries' translations into that
language: the translated body must render and contain every "contains"
line that is code (a command, field or YAML line) in the default body;
prose lines and "want" are checked by the run without --lang. Entries
without a translation fall back to the default language, as in a review
run, and are counted on stderr.

Prints PASS or FAIL per example, a diff excerpt for failures, and a last
line "N passed, N failed". Exit 1 when an example fails, 2 when a catalog
does not load or the language is unknown.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Paths = args
			if runF != nil {
				return runF(o)
			}
			return runbooksTestRun(o)
		},
	}
	silence(c)
	c.Flags().BoolVar(&o.NoBuiltin, "no-builtin", false, "do not merge the PATHs over the built-in catalog")
	c.Flags().StringVar(&o.Lang, "lang", "", "run the examples on the translations into this language ("+strings.Join(messages.Langs(), ", ")+")")
	return c
}

func runbooksTestRun(o *RunbooksTestOptions) error {
	if o.Lang != "" && !slices.Contains(messages.Langs(), o.Lang) {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("unknown language %q: valid languages are %s", o.Lang, strings.Join(messages.Langs(), ", "))}
	}
	cat, err := authoring.Load(o.Paths, o.NoBuiltin)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	res := authoring.RunExamplesIn(cat, o.Lang)
	if err := res.Write(o.IO.Out); err != nil {
		return err
	}
	if res.NoExamples > 0 {
		fmt.Fprintf(o.IO.ErrOut, "runbook-translator: %d entries have no examples\n", res.NoExamples)
	}
	if res.Untranslated > 0 {
		fmt.Fprintf(o.IO.ErrOut, "runbook-translator: %d entries with examples have no %s translation (tested in the default language)\n", res.Untranslated, o.Lang)
	}
	if _, failed := res.Counts(); failed > 0 {
		return &ExitError{Code: ExitFindings}
	}
	return nil
}
