package comment

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestFence(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "```"},
		{"a `tick` and ``two``", "```"},
		{"```\ncode\n```", "````"},
		{"`````", "``````"},
	} {
		if got := Fence(tc.in); got != tc.want {
			t.Errorf("Fence(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestFixSectionIsBoundedAndCannotForgeTheMarker: a huge fix is named,
// not shown; fix text holding a marker or a fence neither ends the block
// nor becomes the comment's marker.
func TestFixSectionIsBoundedAndCannotForgeTheMarker(t *testing.T) {
	huge := &Fix{Source: "tool", Suggestion: "suggestion", Lines: strings.Split(strings.Repeat("x\n", 20000), "\n")}
	md := huge.Markdown()
	if len(md) > 1024 || !strings.Contains(md, "too long to show here") {
		t.Errorf("huge fix: %d bytes: %.200s", len(md), md)
	}
	f := &translator.Finding{Tool: "t", Code: "C", Severity: translator.SeverityError, Message: "m", Fingerprint: "real"}
	forged := Marker{FP: "forged", Tool: "t"}.String()
	x := &Fix{Source: "tool", Suggestion: "suggestion", Lines: []string{"````", forged, "````"}}
	body, m := InlineFix(f, Options{}, x.Markdown())
	got, ok := Parse(body)
	if !ok || got.FP != "real" || got.Hash != m.Hash {
		t.Errorf("parsed marker %+v, want the real one", got)
	}
	if !strings.Contains(body, "`````suggestion\n````\n") {
		t.Errorf("the fence is not longer than the fix's own:\n%s", body)
	}
}

// TestPrepareFixPathsCompareCleaned: an edit path spelled "./a.yaml" is
// the finding's "a.yaml"; a finding with only a FixNote says no fix.
func TestPrepareFixPathsCompareCleaned(t *testing.T) {
	read := func(string) ([]byte, error) { return []byte("a: 1\n"), nil }
	f := &translator.Finding{Location: translator.Location{Path: "a.yaml", Line: 1},
		Fixes: []translator.Fix{{Source: "s", Edits: []translator.Edit{{Path: "./a.yaml", StartLine: 1, StartColumn: 4, EndLine: 1, EndColumn: 5, Text: "2"}}}}}
	p := PrepareFix(f, read, nil, "")
	if p.Why != "" || p.Block.Start != 1 || len(p.Block.New) != 1 || p.Block.New[0] != "a: 2" {
		t.Errorf("prepared %+v", p)
	}
	n := PrepareFix(&translator.Finding{FixNote: "the line is a template expression"}, read, nil, "")
	if md := n.View("", "").Markdown(); md != "**No fix suggested**: the line is a template expression\n\n" {
		t.Errorf("note: %q", md)
	}
}

func TestFixSectionInTheRunsLanguage(t *testing.T) {
	x := &Fix{Source: "shellcheck", Suggestion: "suggestion", Lines: []string{`echo "$x"`}, Lang: "ja"}
	if md := x.Markdown(); !strings.HasPrefix(md, "**修正の提案** (`shellcheck`)\n\n```suggestion\n") {
		t.Errorf("ja: %q", md)
	}
	y := &Fix{Source: "s", Diff: "--- a/f\n+++ b/f\n", Why: "x", Lang: "ja"}
	if md := y.Markdown(); !strings.Contains(md, "提案としては示していません: x") {
		t.Errorf("ja: %q", md)
	}
}
