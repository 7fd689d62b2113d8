package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/runbook-translator/runbook-translator/authoring"
	"github.com/runbook-translator/runbook-translator/parsers"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// RunbooksCoverageOptions holds the flags and streams of `runbooks coverage`.
type RunbooksCoverageOptions struct {
	IO      *IOStreams
	Files   []string
	Format  string
	Tool    string
	JSON    bool
	Catalog catalogFlags
	// load builds the catalog; tests replace it.
	load func() (*runbooks.Catalog, error)
}

// NewCmdRunbooksCoverage builds `runbooks coverage`; runF replaces the run
// in tests.
func NewCmdRunbooksCoverage(f *Factory, runF func(*RunbooksCoverageOptions) error) *cobra.Command {
	o := &RunbooksCoverageOptions{IO: f.IO}
	o.load = o.Catalog.load
	c := &cobra.Command{
		Use:   "coverage FILE...",
		Short: "Show which codes in real tool output only get a generic runbook, most frequent first",
		Long: `Read tool outputs (format detected from the content, or -f NAME for all of
them), match every finding against the catalog (built-in, then the config's
and --runbooks layers) and list the codes that fall to a per-tool default
entry or the generic fallback, by frequency: the catalog author's to-do
list. Then, per tool, the share of findings with a specific entry.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Files = args
			if o.Format != "" {
				if _, err := parsers.Lookup(o.Format); err != nil {
					return usageError("%v", err)
				}
			}
			if runF != nil {
				return runF(o)
			}
			return runbooksCoverageRun(o)
		},
	}
	silence(c)
	c.Flags().StringVarP(&o.Format, "format", "f", "", "input format of every FILE (default: detect; see `runbook-translator formats`)")
	c.Flags().StringVar(&o.Tool, "tool", "", "tool name for generic formats (SARIF without a driver, errorformat)")
	c.Flags().BoolVar(&o.JSON, "json", false, "write JSON")
	o.Catalog.add(c)
	return c
}

func runbooksCoverageRun(o *RunbooksCoverageOptions) error {
	cat, err := o.load()
	if err != nil {
		return err
	}
	var inputs []authoring.FileFindings
	for _, p := range o.Files {
		fs, _, err := authoring.ReadFindings(authoring.Input{Path: p, Format: o.Format}, parsers.Options{Tool: o.Tool})
		if err != nil {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("coverage: %w", err)}
		}
		inputs = append(inputs, authoring.FileFindings{File: p, Findings: fs})
	}
	rep := authoring.Coverage(cat, inputs)
	if o.JSON {
		return rep.WriteJSON(o.IO.Out)
	}
	return rep.WriteTable(o.IO.Out)
}
