package locate

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// builtinHint returns the Hint function the review command builds: the
// `locate:` field of the built-in catalog entry a finding matches.
func builtinHint(t testing.TB) func(*translator.Finding) string {
	t.Helper()
	l, err := runbooks.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	cat := runbooks.Merge(l)
	return func(f *translator.Finding) string {
		if e, _ := cat.Match(f); e != nil {
			return e.Locate
		}
		return ""
	}
}

// fieldLevel reports whether a located finding points at a field (or the
// nearest existing parent of a missing one) rather than at the object or the
// container the tool named.
func fieldLevel(f *translator.Finding) bool {
	if f.Line == 0 {
		return false
	}
	loc := strings.TrimPrefix(f.Located, "approximate: ")
	switch {
	case strings.HasPrefix(loc, "attribute "):
		// Terraform: the attribute, or its nearest parent attribute; not
		// the resource block.
		return !strings.Contains(loc, "pointing at the resource block")
	case strings.HasPrefix(loc, "field "):
		return true
	}
	return strings.Contains(loc, "is not set; pointing at")
}

// linelessCases lists every line-less fixture the locate goldens cover, with
// the conftest JSON cases of testdata/conftest.
func linelessCases(t *testing.T) []struct {
	tool string
	c    fixtureCase
} {
	t.Helper()
	var out []struct {
		tool string
		c    fixtureCase
	}
	for _, lc := range lineless {
		c, ok := fixtureCases(t, lc.tool)[lc.input]
		if !ok {
			t.Fatalf("no case %s in testdata/%s/cases*.yaml", lc.input, lc.tool)
		}
		out = append(out, struct {
			tool string
			c    fixtureCase
		}{lc.tool, c})
	}
	cc := fixtureCases(t, "conftest")
	names := make([]string, 0, len(cc))
	for n, c := range cc {
		if c.Format == "conftest" && c.Error == "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		out = append(out, struct {
			tool string
			c    fixtureCase
		}{"conftest", cc[n]})
	}
	return out
}

// TestLocateFieldShare runs the real built-in catalog's `locate:` hints over
// the line-less real fixtures and prints, per tool, how many findings point
// at a field before (no hints) and after (built-in hints):
//
//	go test ./locate -run TestLocateFieldShare -v
func TestLocateFieldShare(t *testing.T) {
	hint := builtinHint(t)
	type tally struct{ n, located, before, after int }
	per := map[string]*tally{}
	var order []string
	for _, lc := range linelessCases(t) {
		if per[lc.tool] == nil {
			per[lc.tool] = &tally{}
			order = append(order, lc.tool)
		}
		tl := per[lc.tool]
		for _, h := range []func(*translator.Finding) string{nil, hint} {
			fs := parseFixture(t, lc.tool, lc.c)
			s := newTestStage(t, Options{Hint: h})
			if _, err := (&translator.Pipeline{Stages: []translator.Stage{s}}).Run(context.Background(), fs); err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, f := range fs {
				if fieldLevel(f) {
					n++
				}
			}
			if h == nil {
				tl.n += len(fs)
				tl.before += n
				continue
			}
			tl.located += counts(fs)
			tl.after += n
		}
	}
	pct := func(x, n int) string {
		if n == 0 {
			return "-"
		}
		return fmt.Sprintf("%d (%.0f%%)", x, 100*float64(x)/float64(n))
	}
	t.Logf("%-12s %9s %10s %16s %16s", "tool", "findings", "located", "field, no hints", "field, built-in")
	for _, tool := range order {
		tl := per[tool]
		t.Logf("%-12s %9d %10d %16s %16s", tool, tl.n, tl.located, pct(tl.before, tl.n), pct(tl.after, tl.n))
	}
	for _, tool := range order {
		if tl := per[tool]; tl.after < tl.before {
			t.Errorf("%s: built-in hints lower the field-level findings from %d to %d", tool, tl.before, tl.after)
		}
	}
	// Measured: 137 of 139 conftest findings point at a field; the two
	// others are TF-001 on a bucket without any tags block (the resource
	// block is the nearest parent).
	if tl := per["conftest"]; tl == nil || 100*tl.after < minConftestFieldPct*tl.n {
		t.Errorf("conftest: %d of %d findings point at a field with the built-in hints, want at least %d%%", tl.after, tl.n, minConftestFieldPct)
	}
}

// minConftestFieldPct is the least share of conftest findings that must
// point at a field with the built-in hints.
const minConftestFieldPct = 95

// TestBuiltinHintsValid checks every `locate:` of the built-in catalog with
// CheckHint (the authoring lint does too; this keeps the locate package's
// own tests honest about the syntax they accept).
func TestBuiltinHintsValid(t *testing.T) {
	l, err := runbooks.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range runbooks.Merge(l).Entries() {
		if e.Locate == "" {
			continue
		}
		n++
		if err := CheckHint(e.Locate); err != nil {
			t.Errorf("entry %s: %v", e.ID, err)
		}
	}
	if n == 0 {
		t.Fatal("no built-in entry has a locate: hint")
	}
}
