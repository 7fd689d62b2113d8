package authoring

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/markdown"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/parsers"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// Input is one tool output file to measure coverage on.
type Input struct {
	Path string
	// Format is a parser format name; "" detects it from the content.
	Format string
}

// ReadFindings parses one tool output file (format detected with
// parsers.Detect unless in.Format names one) and returns its findings and
// the format used. A parse error names the format, file and position.
func ReadFindings(in Input, opts parsers.Options) (translator.Findings, string, error) {
	fh, err := os.Open(in.Path)
	if err != nil {
		return nil, "", fmt.Errorf("read input: %w", err)
	}
	defer fh.Close()
	br := bufio.NewReaderSize(fh, parsers.DetectSize)
	var ft parsers.Format
	if in.Format == "" {
		head, _ := br.Peek(parsers.DetectSize)
		ft, err = parsers.Detect(head)
		if err != nil {
			return nil, "", fmt.Errorf("detect format of %s: %w", in.Path, err)
		}
	} else if ft, err = parsers.Lookup(in.Format); err != nil {
		return nil, "", err
	}
	opts.File = in.Path
	p, err := ft.New(opts)
	if err != nil {
		return nil, ft.Name, fmt.Errorf("create %s parser: %w", ft.Name, err)
	}
	var fs translator.Findings
	err = p.Parse(br, func(f *translator.Finding) error {
		fs = append(fs, f)
		return nil
	})
	return fs, ft.Name, err
}

// Gap is a code whose findings only get a generic entry: the catalog
// author's to-do list.
type Gap struct {
	Tool string `json:"tool"`
	Code string `json:"code"`
	// Count is how many findings had this tool and code.
	Count int `json:"count"`
	// FallsTo is the id of the per-tool default entry that caught them, or
	// "fallback".
	FallsTo string `json:"falls_to"`
	// Example is the first message seen, bounded.
	Example string `json:"example"`
	// Files are the inputs the code appeared in.
	Files []string `json:"files"`
}

// ToolCoverage is the share of a tool's findings that got a specific entry.
type ToolCoverage struct {
	Tool     string `json:"tool"`
	Findings int    `json:"findings"`
	Covered  int    `json:"covered"`
	// Share is Covered/Findings in percent, one decimal.
	Share float64 `json:"share"`
	// Codes and UncoveredCodes count distinct codes.
	Codes          int `json:"codes"`
	UncoveredCodes int `json:"uncovered_codes"`
}

// CoverageReport is the outcome of Coverage.
type CoverageReport struct {
	Inputs   []string       `json:"inputs"`
	Findings int            `json:"findings"`
	Covered  int            `json:"covered"`
	Gaps     []Gap          `json:"gaps"`
	Tools    []ToolCoverage `json:"tools"`
	// Lang, Untranslated and UntranslatedEntries are set by CoverageIn
	// with a language: how many findings get an entry (specific or a
	// per-tool default) that has no translation into Lang, shown in
	// English in a run in Lang, and those entries' ids.
	Lang                string   `json:"lang,omitempty"`
	Untranslated        int      `json:"untranslated,omitempty"`
	UntranslatedEntries []string `json:"untranslated_entries,omitempty"`
}

// maxExample bounds the example message of a gap.
const maxExample = 160

// FileFindings are the findings read from one input.
type FileFindings struct {
	File     string
	Findings translator.Findings
}

// Coverage matches every finding against the catalog and reports the codes
// that fell to a per-tool default or the generic fallback (Runbook.Generic),
// most frequent first, and per tool the share of findings with a specific
// entry. Ignores play no part: coverage is about the catalog.
func Coverage(c *runbooks.Catalog, inputs []FileFindings) *CoverageReport {
	return CoverageIn(c, inputs, "")
}

// CoverageIn is Coverage that also counts, when lang is not "", the
// findings whose entry has no translation into lang (the generic fallback
// is translated with the tool's own words).
func CoverageIn(c *runbooks.Catalog, inputs []FileFindings, lang string) *CoverageReport {
	rep := &CoverageReport{Inputs: []string{}, Gaps: []Gap{}, Tools: []ToolCoverage{}, Lang: lang}
	untranslated := map[string]bool{}
	type key struct{ tool, code string }
	gaps := map[key]*Gap{}
	tools := map[string]*ToolCoverage{}
	codes := map[key]bool{}
	uncovered := map[key]bool{}
	for _, in := range inputs {
		rep.Inputs = append(rep.Inputs, in.File)
		for _, f := range in.Findings {
			rep.Findings++
			t := tools[f.Tool]
			if t == nil {
				t = &ToolCoverage{Tool: f.Tool}
				tools[f.Tool] = t
			}
			t.Findings++
			k := key{f.Tool, f.Code}
			codes[k] = true
			e, _, lvl := c.MatchLevel(f)
			if lang != "" && lang != messages.Default && e != nil && lvl != runbooks.LevelFallback {
				if _, ok := e.Translations[lang]; !ok {
					rep.Untranslated++
					untranslated[e.ID] = true
				}
			}
			if lvl != runbooks.LevelDefault && lvl != runbooks.LevelFallback {
				rep.Covered++
				t.Covered++
				continue
			}
			uncovered[k] = true
			g := gaps[k]
			if g == nil {
				to := translator.FallbackID
				if e != nil {
					to = e.ID
				}
				g = &Gap{Tool: f.Tool, Code: f.Code, FallsTo: to, Example: markdown.Truncate(strings.Join(strings.Fields(f.Message), " "), maxExample, "…")}
				gaps[k] = g
			}
			g.Count++
			if len(g.Files) == 0 || g.Files[len(g.Files)-1] != in.File {
				g.Files = append(g.Files, in.File)
			}
		}
	}
	for k := range codes {
		tools[k.tool].Codes++
		if uncovered[k] {
			tools[k.tool].UncoveredCodes++
		}
	}
	for _, g := range gaps {
		rep.Gaps = append(rep.Gaps, *g)
	}
	sort.Slice(rep.Gaps, func(i, j int) bool {
		a, b := rep.Gaps[i], rep.Gaps[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Tool != b.Tool {
			return a.Tool < b.Tool
		}
		return a.Code < b.Code
	})
	for _, t := range tools {
		t.Share = share(t.Covered, t.Findings)
		rep.Tools = append(rep.Tools, *t)
	}
	sort.Slice(rep.Tools, func(i, j int) bool { return rep.Tools[i].Tool < rep.Tools[j].Tool })
	for id := range untranslated {
		rep.UntranslatedEntries = append(rep.UntranslatedEntries, id)
	}
	sort.Strings(rep.UntranslatedEntries)
	return rep
}

func share(n, total int) float64 {
	if total == 0 {
		return 100
	}
	return float64(int(float64(n)*1000/float64(total)+0.5)) / 10
}

// WriteJSON writes the report as indented JSON.
func (r *CoverageReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the to-do list and the per-tool shares as two
// aligned tables.
func (r *CoverageReport) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if len(r.Gaps) == 0 {
		fmt.Fprintln(tw, "Every code has a specific runbook entry.")
	} else {
		fmt.Fprintln(tw, "COUNT\tTOOL\tCODE\tFALLS TO\tEXAMPLE MESSAGE")
		for _, g := range r.Gaps {
			code := g.Code
			if code == "" {
				code = "(no code)"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", g.Count, oneLine(g.Tool), oneLine(code), g.FallsTo, oneLine(markdown.Truncate(g.Example, 60, "…")))
		}
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "TOOL\tFINDINGS\tCOVERED\tSHARE\tCODES\tUNCOVERED CODES")
	for _, t := range r.Tools {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f%%\t%d\t%d\n", oneLine(t.Tool), t.Findings, t.Covered, t.Share, t.Codes, t.UncoveredCodes)
	}
	fmt.Fprintf(tw, "total\t%d\t%d\t%.1f%%\t\t\n", r.Findings, r.Covered, share(r.Covered, r.Findings))
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Lang != "" && r.Untranslated > 0 {
		_, err := fmt.Fprintf(w, "\n%d findings get an entry with no %s translation (shown in English in a %s run): %s\n",
			r.Untranslated, oneLine(r.Lang), oneLine(r.Lang), strings.Join(r.UntranslatedEntries, ", "))
		return err
	}
	return nil
}

// oneLine keeps tool output from breaking the table: control characters
// and tabs become spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
