package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/runbook-translator/runbook-translator/authoring"
	"github.com/runbook-translator/runbook-translator/messages"
)

// listSome joins the first n ids, saying how many more there are.
func listSome(ids []string, n int) string {
	if len(ids) <= n {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids[:n], ", ") + fmt.Sprintf(" and %d more", len(ids)-n)
}

// RunbooksLintOptions holds the flags and streams of `runbooks lint`.
type RunbooksLintOptions struct {
	IO        *IOStreams
	Paths     []string
	NoBuiltin bool
	Strict    bool
}

// NewCmdRunbooksLint builds `runbooks lint`; runF replaces the run in tests.
func NewCmdRunbooksLint(f *Factory, runF func(*RunbooksLintOptions) error) *cobra.Command {
	o := &RunbooksLintOptions{IO: f.IO}
	c := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Check catalog files: schema, templates, matchers, tool names, fixes and links",
		Long: `Lint catalog files or directories (each PATH is one layer, merged over the
built-in catalog in order); with no PATH, lint the built-in catalog.

Errors: schema violations (unknown keys, missing fields, duplicate ids or
matchers in a layer), templates that do not parse or fail to render for a
sample finding or an example, message patterns that cannot compile or never
match. Warnings: matchers that take over an earlier layer's entry, disables
of unknown ids, entries without a fenced code block (no fix) or without
links, tool names no parser reports, patterns matching every message,
examples that check nothing, organisation values (values:) no entry takes and
catalog_value: names no layer sets. The locate: hint is not checked yet.

Output: one "file:line: severity: message" line per problem, sorted.
Exit 0 without errors (warnings allowed), 1 with warnings under --strict,
2 with errors.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Paths = args
			if runF != nil {
				return runF(o)
			}
			return runbooksLintRun(o)
		},
	}
	silence(c)
	c.Flags().BoolVar(&o.NoBuiltin, "no-builtin", false, "do not merge the PATHs over the built-in catalog (shadowing is then not checked against it)")
	c.Flags().BoolVar(&o.Strict, "strict", false, "fail (exit 1) on warnings too")
	return c
}

func runbooksLintRun(o *RunbooksLintOptions) error {
	res := authoring.Lint(o.Paths, o.NoBuiltin)
	if err := res.Write(o.IO.Out); err != nil {
		return err
	}
	for _, l := range messages.Langs() {
		if ids := res.Untranslated[l]; len(ids) > 0 {
			fmt.Fprintf(o.IO.ErrOut, "runbook-translator: note: %d of %d entries have no %s translation (a %s run shows them in English): %s\n",
				len(ids), res.Entries, l, l, listSome(ids, 10))
		}
	}
	nerr, nwarn := res.Errors(), res.Warnings()
	summary := fmt.Errorf("lint runbooks: %d entries, %d errors, %d warnings", res.Entries, nerr, nwarn)
	switch {
	case nerr > 0:
		return &ExitError{Code: ExitUsage, Err: summary}
	case nwarn > 0 && o.Strict:
		return &ExitError{Code: ExitFindings, Err: summary}
	}
	fmt.Fprintf(o.IO.ErrOut, "runbook-translator: %v\n", summary)
	return nil
}
