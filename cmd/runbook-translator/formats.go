package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/runbook-translator/runbook-translator/internal/cells/tabwriter"
	"github.com/runbook-translator/runbook-translator/parsers"
	"github.com/runbook-translator/runbook-translator/reporters"
)

// NewCmdFormats lists every input format with an example command.
func NewCmdFormats(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "formats",
		Short: "List input formats, with an example command producing each, and reporters",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			w := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "FORMAT\tTOOL\tDESCRIPTION")
			for _, p := range parsers.Formats() {
				tool := p.Tool
				if tool == "" {
					tool = "-"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\n", p.Name, tool, p.Description)
				if len(p.Aliases) > 0 {
					fmt.Fprintf(w, "\t\t  also: %s\n", strings.Join(p.Aliases, ", "))
				}
				if p.Example != "" {
					fmt.Fprintf(w, "\t\t  e.g. %s\n", p.Example)
				}
			}
			fmt.Fprintln(w)
			fmt.Fprintln(w, "REPORTER\t\tDESCRIPTION")
			for _, r := range reporterNames() {
				fmt.Fprintf(w, "%s\t\t%s\n", r, reporterDescription(r))
			}
			return w.Flush()
		},
	}
	silence(c)
	return c
}

// reporterNames lists local and forge reporters, sorted.
func reporterNames() []string {
	names := append(reporters.Names(), reporters.ForgeNames()...)
	sort.Strings(names)
	return names
}

func reporterDescription(n string) string {
	if reporters.IsForge(n) {
		return reporters.ForgeDescription(n)
	}
	return reporters.Description(n)
}
