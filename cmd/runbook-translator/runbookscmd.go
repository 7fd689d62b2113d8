package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/markdown"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// catalogFlags are shared by the runbooks subcommands.
type catalogFlags struct {
	Runbooks   []string
	NoBuiltin  bool
	ConfigPath string
}

func (c *catalogFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&c.Runbooks, "runbooks", nil, "catalog file or directory (repeatable), merged over the built-in catalog in order")
	cmd.Flags().BoolVar(&c.NoBuiltin, "no-builtin", false, "do not load the built-in catalog")
	cmd.Flags().StringVarP(&c.ConfigPath, "config", "c", "", "config `file` (default .runbook-translator.yaml, if present)")
}

func (c *catalogFlags) load() (*runbooks.Catalog, error) {
	// The catalog tools run on an author's own checkout: it is trusted.
	tr, err := newTrust(".", true, "")
	if err != nil {
		return nil, err
	}
	defer tr.close()
	cfg, err := loadConfig(context.Background(), c.ConfigPath, ".", tr)
	if err != nil {
		return nil, err
	}
	paths := append(append([]string{}, cfg.Runbooks...), c.Runbooks...)
	cat, err := loadCatalog(paths, c.NoBuiltin || cfg.NoBuiltin, tr)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	return cat, nil
}

// NewCmdRunbooks groups the catalog commands.
func NewCmdRunbooks(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "runbooks",
		Short: "Inspect, check and preview runbook catalogs",
		Long: `Tools for runbook catalog authors.

Catalogs merge in layers, lowest precedence first: the built-in catalog, then
organisation catalogs, then repository catalogs (--runbooks, or runbooks: in
.runbook-translator.yaml, in order). A later layer replaces an entry by id, or
removes it with disable: [id].

  show      render the entry a code would get
  list      every entry, its layer and what later layers replaced or disabled
  lint      check catalog files (schema, templates, matchers, tools, fixes, links)
  test      run the entries' examples
  coverage  which codes of real tool output have no specific entry
  preview   every entry as the pull request comment the bot posts, as HTML`,
	}
	silence(c)
	c.AddCommand(newCmdRunbooksShow(f), NewCmdRunbooksList(f, nil), NewCmdRunbooksLint(f, nil),
		NewCmdRunbooksTest(f, nil), NewCmdRunbooksCoverage(f, nil), NewCmdRunbooksPreview(f, nil))
	return c
}

func newCmdRunbooksShow(f *Factory) *cobra.Command {
	var cf catalogFlags
	var tool, lang string
	c := &cobra.Command{
		Use:   "show CODE",
		Short: "Render the runbook entry a finding with CODE would get",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if lang != "" && !messages.Known(lang) {
				return usageError("--lang: unknown language %q: valid languages are %s", lang, strings.Join(messages.Langs(), ", "))
			}
			cat, err := cf.load()
			if err != nil {
				return err
			}
			var untranslated []string
			if lang != "" {
				cat, untranslated = cat.WithLang(lang), cat.MissingTranslations(lang)
			}
			tool := tool
			if tool == "" {
				// Without --tool only code-only entries match; most entries
				// are tool+code ones (KSV017 is Trivy's): find their tools.
				if tools := toolsFor(cat, args[0]); len(tools) > 0 {
					if _, lvl := cat.Find("", args[0]); lvl != runbooks.LevelCode {
						tool = tools[0]
						if len(tools) > 1 {
							fmt.Fprintf(f.IO.ErrOut, "runbook-translator: %s has entries for tools %s; showing %s's (pass --tool for another)\n", args[0], strings.Join(tools, ", "), tool)
						}
					}
				}
			}
			fd := &translator.Finding{
				Tool:     tool,
				Code:     args[0],
				Severity: translator.SeverityWarning,
				Message:  messages.T(lang, "runbooks.show_example", args[0]),
				Location: translator.Location{Path: "path/to/file", Line: 1},
				Resource: "Kind/name",
			}
			rb := cat.Render(fd)
			w := f.IO.Out
			fmt.Fprintf(w, "# %s\n", rb.Title)
			src := rb.Source
			if src == "" {
				src = "generic fallback"
			}
			fmt.Fprintf(w, "entry: %s (%s)\n", rb.ID, src)
			if rb.Owner != "" {
				fmt.Fprintf(w, "owner: %s\n", rb.Owner)
			}
			fmt.Fprintln(w)
			fmt.Fprintln(w, markdown.Sanitize(rb.Body))
			for _, l := range rb.Links {
				fmt.Fprintf(w, "- %s\n", l)
			}
			if rb.IsFallback() {
				fmt.Fprintf(f.IO.ErrOut, "runbook-translator: no entry matches %s%s; this is the generic fallback\n", args[0], withTool(tool))
			} else if slices.Contains(untranslated, rb.ID) {
				fmt.Fprintf(f.IO.ErrOut, "runbook-translator: note: entry %s has no %s translation; shown in English, as a %s run shows it\n", rb.ID, lang, lang)
			}
			return nil
		},
	}
	silence(c)
	c.Flags().StringVar(&tool, "tool", "", "the tool that reports CODE (exact tool+code entries win over code-only ones)")
	c.Flags().StringVar(&lang, "lang", "", "show the entry's translation into `LANG` ("+strings.Join(messages.Langs(), ", ")+"), as a run with --lang shows it")
	cf.add(c)
	return c
}

func withTool(t string) string {
	if t == "" {
		return ""
	}
	return " (tool " + t + ")"
}

// toolsFor returns, sorted, the tools whose tool+code entries match code.
func toolsFor(cat *runbooks.Catalog, code string) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range cat.Entries() {
		for _, m := range e.Match {
			t := strings.ToLower(m.Tool)
			if t == "" || seen[t] || len(m.Codes) == 0 {
				continue
			}
			seen[t] = true
			if _, lvl := cat.Find(t, code); lvl == runbooks.LevelToolCode {
				out = append(out, t)
			}
		}
	}
	sort.Strings(out)
	return out
}
