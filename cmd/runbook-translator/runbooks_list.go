package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/runbook-translator/runbook-translator/authoring"
	"github.com/runbook-translator/runbook-translator/internal/cells/tabwriter"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// RunbooksListOptions holds the flags and streams of `runbooks list`.
type RunbooksListOptions struct {
	IO      *IOStreams
	Catalog catalogFlags
	JSON    bool
	// load builds the catalog; tests replace it.
	load func() (*runbooks.Catalog, error)
}

// NewCmdRunbooksList builds `runbooks list`; runF replaces the run in tests.
func NewCmdRunbooksList(f *Factory, runF func(*RunbooksListOptions) error) *cobra.Command {
	o := &RunbooksListOptions{IO: f.IO}
	o.load = o.Catalog.load
	c := &cobra.Command{
		Use:   "list",
		Short: "List every entry, its layer and source, and what each layer replaced or disabled",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(o)
			}
			return runbooksListRun(o)
		},
	}
	silence(c)
	c.Flags().BoolVar(&o.JSON, "json", false, "write JSON")
	o.Catalog.add(c)
	return c
}

// listJSON is the --json document of `runbooks list`.
type listJSON struct {
	Layers  []listLayer `json:"layers"`
	Entries []listEntry `json:"entries"`
}

type listLayer struct {
	Name            string       `json:"name"`
	Files           []string     `json:"files"`
	Entries         int          `json:"entries"`
	Replaced        []listChange `json:"replaced"`
	Disabled        []listChange `json:"disabled"`
	UnknownDisables []string     `json:"unknown_disables"`
	Values          []string     `json:"values"`
}

type listEntry struct {
	ID                  string        `json:"id"`
	Title               string        `json:"title"`
	Layer               string        `json:"layer"`
	Source              string        `json:"source"`
	Match               []listMatcher `json:"match"`
	Owner               string        `json:"owner,omitempty"`
	OwnerFromCodeowners bool          `json:"owner_from_codeowners,omitempty"`
	Severity            string        `json:"severity,omitempty"`
	Links               []string      `json:"links"`
	Examples            int           `json:"examples"`
}

type listChange struct {
	ID  string `json:"id"`
	Old string `json:"old"`
	New string `json:"new"`
}

type listMatcher struct {
	Tool    string   `json:"tool,omitempty"`
	Codes   []string `json:"codes,omitempty"`
	Message string   `json:"message,omitempty"`
	Default bool     `json:"default,omitempty"`
}

func runbooksListRun(o *RunbooksListOptions) error {
	cat, err := o.load()
	if err != nil {
		return err
	}
	if o.JSON {
		doc := listJSON{Layers: []listLayer{}, Entries: []listEntry{}}
		for _, l := range cat.Layers() {
			doc.Layers = append(doc.Layers, listLayer{
				Name: l.Name, Files: nonNil(l.Files), Entries: len(l.IDs),
				Replaced: nonNilC(l.Replaced), Disabled: nonNilC(l.Disabled), UnknownDisables: nonNil(l.UnknownDisables), Values: nonNil(l.Values),
			})
		}
		for _, e := range cat.Entries() {
			doc.Entries = append(doc.Entries, listEntry{
				ID: e.ID, Title: e.Title, Layer: cat.LayerOf(e.ID), Source: e.Source, Match: matchersJSON(e.Match),
				Owner: e.Owner, OwnerFromCodeowners: e.OwnerFromCodeowners, Severity: e.Severity,
				Links: nonNil(e.Links), Examples: len(e.Examples),
			})
		}
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	w := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tLAYER\tSOURCE\tMATCHES")
	for _, e := range cat.Entries() {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", e.ID, cat.LayerOf(e.ID), e.Source, authoring.DescribeMatchers(e.Match))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(o.IO.Out)
	fmt.Fprintln(o.IO.Out, "Layers, lowest precedence first:")
	for i, l := range cat.Layers() {
		fmt.Fprintf(o.IO.Out, "%d. %s: %d entries from %d files\n", i+1, l.Name, len(l.IDs), len(l.Files))
		for _, ch := range l.Replaced {
			fmt.Fprintf(o.IO.Out, "   replaces %s (%s) with %s\n", ch.ID, ch.Old, ch.New)
		}
		for _, ch := range l.Disabled {
			fmt.Fprintf(o.IO.Out, "   disables %s (%s) in %s\n", ch.ID, ch.Old, ch.New)
		}
		for _, id := range l.UnknownDisables {
			fmt.Fprintf(o.IO.Out, "   disables %s, which no earlier layer defines\n", id)
		}
		if len(l.Values) > 0 {
			fmt.Fprintf(o.IO.Out, "   sets values: %s\n", strings.Join(l.Values, ", "))
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilC(s []runbooks.Change) []listChange {
	out := []listChange{}
	for _, c := range s {
		out = append(out, listChange(c))
	}
	return out
}

func matchersJSON(ms []runbooks.Matcher) []listMatcher {
	out := []listMatcher{}
	for _, m := range ms {
		out = append(out, listMatcher(m))
	}
	return out
}
