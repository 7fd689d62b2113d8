package authoring

import (
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/messages"
)

// TestCatalogLabelsAreTheTable: the section labels of the built-in
// entries ("What is wrong", "Need an exception?" …) are the message
// table's words in both languages, so a report reads the same in the
// tool's own words and in the runbooks: every translated entry whose
// English body has a label has the table's Japanese label.
func TestCatalogLabelsAreTheTable(t *testing.T) {
	c, err := Load(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	labels := []messages.Key{messages.WhatIsWrong, messages.WhyItMatters, messages.HowToFix, messages.NeedException}
	seen := map[messages.Key]int{}
	for _, e := range c.TargetEntries() {
		tr, ok := e.Translations["ja"]
		if !ok {
			continue
		}
		for _, k := range labels {
			if !strings.Contains(e.Body, "**"+messages.Get("en", k)) {
				continue
			}
			seen[k]++
			if want := "**" + messages.Get("ja", k) + "**"; !strings.Contains(tr.Body, want) {
				t.Errorf("%s: the English body has %q, the Japanese one lacks %q", e.ID, messages.Get("en", k), want)
			}
		}
	}
	for _, k := range labels {
		if seen[k] == 0 {
			t.Errorf("no translated entry uses the label %q: the table and the catalog have drifted apart", messages.Get("en", k))
		}
	}
}
