package authoring

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/cells/tabwriter"
	"github.com/runbook-translator/runbook-translator/markdown"
	"github.com/runbook-translator/runbook-translator/runbooks"
	"github.com/runbook-translator/runbook-translator/runbooks/rules"
)

// RuleGap is a rule of a tool's kept list that only gets a generic entry.
type RuleGap struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// FallsTo is the per-tool default entry's id, or "fallback".
	FallsTo string `json:"falls_to"`
}

// RuleToolCoverage is one tool's coverage against its kept rule list.
type RuleToolCoverage struct {
	Tool string `json:"tool"`
	// List is the rule list file and Source where it was extracted from.
	List   string       `json:"list"`
	Source rules.Source `json:"source"`
	// Rules counts the rules measured (the default ones unless all rules
	// were asked for), Covered those with a specific entry.
	Rules   int     `json:"rules"`
	Covered int     `json:"covered"`
	Share   float64 `json:"share"`
	// Untranslated counts covered rules whose entry has no translation in
	// the report's language (only when a language was asked for).
	Untranslated int       `json:"untranslated,omitempty"`
	Uncovered    []RuleGap `json:"uncovered"`
}

// RuleCoverageReport is the outcome of RuleCoverage.
type RuleCoverageReport struct {
	// AllRules is true when non-default rules were measured too.
	AllRules bool               `json:"all_rules"`
	Lang     string             `json:"lang,omitempty"`
	Tools    []RuleToolCoverage `json:"tools"`
	Rules    int                `json:"rules"`
	Covered  int                `json:"covered"`
}

// RuleCoverageOptions tune RuleCoverage.
type RuleCoverageOptions struct {
	// All measures every listed rule, not only the default ones.
	All bool
	// Lang, when set, counts covered rules whose entry lacks a translation
	// into it.
	Lang string
}

// RuleCoverage matches every rule of each list, as a finding with the
// rule's id as its code and its aliases (no message, so message patterns
// play no part), against the catalog: a rule is covered when an entry other
// than a per-tool default or the fallback answers it.
func RuleCoverage(c *runbooks.Catalog, lists []*rules.List, opts RuleCoverageOptions) *RuleCoverageReport {
	rep := &RuleCoverageReport{AllRules: opts.All, Lang: opts.Lang, Tools: []RuleToolCoverage{}}
	for _, l := range lists {
		t := RuleToolCoverage{Tool: l.Tool, List: l.File, Source: l.Source, Uncovered: []RuleGap{}}
		rs := l.Rules
		if !opts.All {
			rs = l.Defaults()
		}
		for _, r := range rs {
			t.Rules++
			f := &translator.Finding{Tool: l.Tool, Code: r.ID, Aliases: r.Aliases}
			e, _, lvl := c.MatchLevel(f)
			if lvl == runbooks.LevelDefault || lvl == runbooks.LevelFallback || e == nil {
				to := translator.FallbackID
				if e != nil {
					to = e.ID
				}
				t.Uncovered = append(t.Uncovered, RuleGap{ID: r.ID, Title: markdown.Truncate(r.Title, maxExample, "…"), FallsTo: to})
				continue
			}
			t.Covered++
			if opts.Lang != "" {
				if _, ok := e.Translations[opts.Lang]; !ok {
					t.Untranslated++
				}
			}
		}
		sort.Slice(t.Uncovered, func(i, j int) bool { return t.Uncovered[i].ID < t.Uncovered[j].ID })
		t.Share = share(t.Covered, t.Rules)
		rep.Rules += t.Rules
		rep.Covered += t.Covered
		rep.Tools = append(rep.Tools, t)
	}
	sort.Slice(rep.Tools, func(i, j int) bool { return rep.Tools[i].Tool < rep.Tools[j].Tool })
	return rep
}

// ReadRuleLists reads rule list files (the format of runbooks/rules/*.yaml).
func ReadRuleLists(paths []string) ([]*rules.List, error) {
	var out []*rules.List
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read rule list: %w", err)
		}
		l, err := rules.Parse(p, data)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// WriteJSON writes the report as indented JSON.
func (r *RuleCoverageReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the uncovered rules per tool, then one line per tool
// with its share.
func (r *RuleCoverageReport) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	gaps := 0
	for _, t := range r.Tools {
		gaps += len(t.Uncovered)
	}
	if gaps == 0 {
		fmt.Fprintln(tw, "Every listed rule has a specific runbook entry.")
	} else {
		fmt.Fprintln(tw, "TOOL\tRULE\tFALLS TO\tTITLE")
		for _, t := range r.Tools {
			for _, g := range t.Uncovered {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", oneLine(t.Tool), oneLine(g.ID), g.FallsTo, oneLine(markdown.Truncate(g.Title, 60, "…")))
			}
		}
	}
	fmt.Fprintln(tw)
	what := "DEFAULT RULES"
	if r.AllRules {
		what = "RULES"
	}
	head := "TOOL\t" + what + "\tCOVERED\tSHARE\tUNCOVERED"
	if r.Lang != "" {
		head += "\tNO " + oneLine(r.Lang) + " TRANSLATION"
	}
	fmt.Fprintln(tw, head+"\tLIST")
	for _, t := range r.Tools {
		row := fmt.Sprintf("%s\t%d\t%d\t%.1f%%\t%d", oneLine(t.Tool), t.Rules, t.Covered, t.Share, len(t.Uncovered))
		if r.Lang != "" {
			row += fmt.Sprintf("\t%d", t.Untranslated)
		}
		fmt.Fprintf(tw, "%s\t%s@%.12s\n", row, oneLine(t.Source.Repo), t.Source.Commit)
	}
	total := fmt.Sprintf("total\t%d\t%d\t%.1f%%\t%d", r.Rules, r.Covered, share(r.Covered, r.Rules), r.Rules-r.Covered)
	if r.Lang != "" {
		total += "\t"
	}
	fmt.Fprintln(tw, total+"\t")
	return tw.Flush()
}
