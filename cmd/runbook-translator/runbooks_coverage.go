package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/runbook-translator/runbook-translator/authoring"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/parsers"
	"github.com/runbook-translator/runbook-translator/runbooks"
	"github.com/runbook-translator/runbook-translator/runbooks/rules"
)

// RunbooksCoverageOptions holds the flags and streams of `runbooks coverage`.
type RunbooksCoverageOptions struct {
	IO     *IOStreams
	Files  []string
	Format string
	Tool   string
	JSON   bool
	// Rules reports coverage against the kept rule lists
	// (runbooks/rules/*.yaml, built in), RuleFiles against more lists.
	Rules     bool
	RuleFiles []string
	// AllRules measures every listed rule, not only the default ones.
	AllRules bool
	// Lang counts covered rules whose entry lacks a translation into it.
	Lang    string
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
		Use:   "coverage [FILE...]",
		Short: "Show which codes in real tool output only get a generic runbook, most frequent first",
		Long: `Read tool outputs (format detected from the content, or -f NAME for all of
them), match every finding against the catalog (built-in, then the config's
and --runbooks layers) and list the codes that fall to a per-tool default
entry or the generic fallback, by frequency: the catalog author's to-do
list. Then, per tool, the share of findings with a specific entry.

With --rules (or --rule-list FILE), measure the catalog against the rule
lists kept in the repository (runbooks/rules/*.yaml, extracted from each
tool's source): per tool, the default rules with a specific entry, and the
rules that only get a generic one.`,
		Example: `  runbook-translator runbooks coverage --rules
  runbook-translator runbooks coverage --rules --lang ja --json
  runbook-translator runbooks coverage testdata/kube-linter/*.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Files = args
			if len(args) == 0 && !o.Rules && len(o.RuleFiles) == 0 {
				return usageError("coverage: give tool output FILEs, --rules or --rule-list FILE")
			}
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
	c.Flags().BoolVar(&o.Rules, "rules", false, "measure against the built-in rule lists of each tool (runbooks/rules)")
	c.Flags().StringArrayVar(&o.RuleFiles, "rule-list", nil, "measure against this rule list `FILE` too (repeatable; the runbooks/rules format)")
	c.Flags().BoolVar(&o.AllRules, "all-rules", false, "with --rules: count rules the tool does not enable by default too")
	c.Flags().StringVar(&o.Lang, "lang", "", "count covered rules (--rules) and findings (FILEs) whose entry has no translation into `LANG` (e.g. ja): a run in LANG shows them in English")
	o.Catalog.add(c)
	return c
}

func runbooksCoverageRun(o *RunbooksCoverageOptions) error {
	if o.Lang != "" && !messages.Known(o.Lang) {
		return usageError("coverage: --lang: unknown language %q: valid languages are %s", o.Lang, strings.Join(messages.Langs(), ", "))
	}
	cat, err := o.load()
	if err != nil {
		return err
	}
	if o.Rules || len(o.RuleFiles) > 0 {
		var lists []*rules.List
		if o.Rules {
			if lists, err = rules.Builtin(); err != nil {
				return fmt.Errorf("coverage: built-in rule lists: %w", err)
			}
		}
		more, err := authoring.ReadRuleLists(o.RuleFiles)
		if err != nil {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("coverage: %w", err)}
		}
		rep := authoring.RuleCoverage(cat, append(lists, more...), authoring.RuleCoverageOptions{All: o.AllRules, Lang: o.Lang})
		if o.JSON && len(o.Files) == 0 {
			return rep.WriteJSON(o.IO.Out)
		}
		if !o.JSON {
			if err := rep.WriteTable(o.IO.Out); err != nil {
				return err
			}
			if len(o.Files) == 0 {
				return nil
			}
			fmt.Fprintln(o.IO.Out)
		} else {
			// Both: one JSON document with the two reports.
			frep, err := findingsCoverage(o, cat)
			if err != nil {
				return err
			}
			return writeJSON(o.IO.Out, map[string]any{"rules": rep, "findings": frep})
		}
	}
	rep, err := findingsCoverage(o, cat)
	if err != nil {
		return err
	}
	if o.JSON {
		return rep.WriteJSON(o.IO.Out)
	}
	return rep.WriteTable(o.IO.Out)
}

func findingsCoverage(o *RunbooksCoverageOptions, cat *runbooks.Catalog) (*authoring.CoverageReport, error) {
	var inputs []authoring.FileFindings
	for _, p := range o.Files {
		fs, _, err := authoring.ReadFindings(authoring.Input{Path: p, Format: o.Format}, parsers.Options{Tool: o.Tool})
		if err != nil {
			return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("coverage: %w", err)}
		}
		inputs = append(inputs, authoring.FileFindings{File: p, Findings: fs})
	}
	return authoring.CoverageIn(cat, inputs, o.Lang), nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
