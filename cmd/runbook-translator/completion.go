package main

import (
	"strings"

	"github.com/runbook-translator/runbook-translator/parsers"
	"github.com/spf13/cobra"
)

// registerCompletions gives shell completion (cobra's `completion` command)
// the values of review's enumerated flags: formats, reporters, levels,
// filter modes and languages.
func registerCompletions(root *cobra.Command) {
	review, _, err := root.Find([]string{"review"})
	if err != nil || review == nil || review.Name() != "review" {
		return
	}
	fixed := func(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
			var out []string
			for _, v := range values {
				if strings.HasPrefix(v, prefix) {
					out = append(out, v)
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		}
	}
	set := func(flag string, fn func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective)) {
		if review.Flags().Lookup(flag) != nil {
			_ = review.RegisterFlagCompletionFunc(flag, fn)
		}
	}
	set("format", fixed(parsers.Names()...))
	set("reporter", func(c *cobra.Command, a []string, prefix string) ([]string, cobra.ShellCompDirective) {
		names, d := fixed(reporterNames()...)(c, a, prefix)
		// NAME=PATH: a path follows, so no space after the name.
		return names, d | cobra.ShellCompDirectiveNoSpace
	})
	set("fail-level", fixed("none", "info", "warning", "error", "critical"))
	set("filter-mode", fixed("added", "diff_context", "file", "nofilter"))
	set("lang", fixed("en", "ja"))
}
