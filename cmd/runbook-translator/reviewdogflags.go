package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// reviewdogFlags maps reviewdog's single-dash flags (reviewdog v0.21
// cmd/reviewdog/main.go, `reviewdog -h`) to what this tool takes instead.
// pflag reads "-reporter=local" as the shorthand -r with the value
// "eporter=local", which gave the baffling `unknown reporter "eporter"`; a
// reviewdog user gets the right flag named instead.
var reviewdogFlags = map[string]string{
	"reporter":      "--reporter (or -r), e.g. -r local, -r github-pr-review",
	"efm":           "--efm",
	"diff":          "--diff (a command; --diff-file for a file)",
	"filter-mode":   "--filter-mode",
	"fail-level":    "--fail-level (none|info|warning|error|critical; reviewdog's \"any\" is info)",
	"fail-on-error": "--fail-level error (the default here)",
	"name":          "--tool",
	"level":         "no flag: the severity comes from the tool output or the catalog entry",
	"conf":          "--config (.runbook-translator.yaml)",
	"runners":       "no flag: run each tool in its own CI step and pipe its output in",
	"tee":           "no flag: the local report shows every finding",
	"guess":         "no flag: the format is detected when -f is omitted",
	"list":          "the `formats` command",
	"version":       "--version or the `version` command",
	"log-level":     "--debug",
	"f.diff.strip":  "no flag: unified diffs are read with their a/ b/ prefixes",
}

// reviewdogHint returns a usage error when args hold a reviewdog-style
// single-dash long flag, naming the flag to use instead. Arguments after
// "--" are file names and are left alone.
func reviewdogHint(args []string) error {
	for _, a := range args {
		if a == "--" {
			return nil
		}
		if len(a) < 3 || a[0] != '-' || a[1] == '-' {
			continue
		}
		name, _, _ := strings.Cut(a[1:], "=")
		if instead, ok := reviewdogFlags[name]; ok {
			return usageError("%q is reviewdog's flag; runbook-translator takes %s (long flags have two dashes)", a, instead)
		}
	}
	return nil
}

// helpReviewdog lists reviewdog's flags for `help reviewdog`.
func helpReviewdog() string {
	var b strings.Builder
	b.WriteString("reviewdog flag          runbook-translator\n")
	for _, k := range slices.Sorted(maps.Keys(reviewdogFlags)) {
		fmt.Fprintf(&b, "  -%-20s %s\n", k, reviewdogFlags[k])
	}
	return b.String()
}
