package runbooks

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// A catalog whose built-in layer is looked up in place (baseView) is the
// catalog Merge builds of the built-in layer read whole, with later layers
// that replace, disable and shadow built-in entries: the same matches for
// every built-in key, entries, layers, shadows and translations.
func TestBaseViewMergesLikeWholeLayer(t *testing.T) {
	whole, err := decodeSnapshot(builtinSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	lazy, err := loadSnapshot(builtinSnapshot)
	if err != nil || lazy.lookup == nil {
		t.Fatalf("no lookup section: %v", err)
	}
	// Built-in entries with tool+code matchers, to replace, disable and
	// shadow.
	var coded []*centry
	for _, e := range whole.entries {
		if len(e.Match) > 0 && e.Match[0].Tool != "" && len(e.Match[0].Codes) > 0 {
			coded = append(coded, e)
		}
	}
	replaced, disabled, shadowed := coded[0], coded[1], coded[2]
	user := fmt.Sprintf(`disable: [%s, no-such-entry]
entries:
  - id: %s
    title: Replaced
    match: [{tool: %s, codes: [%s]}]
    body: replaced
  - id: org-shadow
    title: Shadow
    match: [{tool: %s, codes: [%s]}]
    body: shadow
  - id: org-default
    title: Default
    match: [{tool: conftest, default: true}]
    body: default
  - id: org-message
    title: Message
    match: [{tool: conftest, message: 'deny'}]
    body: message
`, disabled.ID, replaced.ID, replaced.Match[0].Tool, replaced.Match[0].Codes[0],
		shadowed.Match[0].Tool, shadowed.Match[0].Codes[0])
	org, err := loadString(t, user)
	if err != nil {
		t.Fatal(err)
	}
	cw, cl := Merge(whole, org), Merge(lazy, org)
	if cl.base == nil || cw.base != nil {
		t.Fatal("the lazy layer was not looked up in place, or the whole one was")
	}

	var findings []*translator.Finding
	for _, e := range whole.entries {
		for _, m := range e.Match {
			for _, c := range m.Codes {
				findings = append(findings, &translator.Finding{Tool: m.Tool, Code: c}, &translator.Finding{Code: c},
					&translator.Finding{Tool: strings.ToUpper(m.Tool), Code: strings.ToLower(c)})
			}
			if m.Default {
				findings = append(findings, &translator.Finding{Tool: m.Tool, Code: "NOPE-1"})
			}
		}
	}
	findings = append(findings, &translator.Finding{Tool: "conftest", Message: "deny this"},
		&translator.Finding{Tool: "kube-linter", Code: "no-such-check"})
	matchID := func(c *Catalog, f *translator.Finding) string {
		e, caps, lvl := c.MatchLevel(f)
		if e == nil {
			return "none " + lvl.String()
		}
		return fmt.Sprint(e.ID, " ", lvl, " ", caps)
	}
	for _, f := range findings {
		if w, l := matchID(cw, f), matchID(cl, f); w != l {
			t.Fatalf("%s/%s: %s read whole, %s in place", f.Tool, f.Code, w, l)
		}
	}
	if got := matchID(cl, &translator.Finding{Tool: disabled.Match[0].Tool, Code: disabled.Match[0].Codes[0]}); strings.HasPrefix(got, disabled.ID+" ") {
		t.Errorf("the disabled entry still matches: %s", got)
	}
	if got := matchID(cl, &translator.Finding{Tool: shadowed.Match[0].Tool, Code: shadowed.Match[0].Codes[0]}); !strings.HasPrefix(got, "org-shadow ") {
		t.Errorf("the shadowing entry does not match: %s", got)
	}

	ids := func(es []*Entry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.ID+" "+e.Title+" "+e.Source)
		}
		return out
	}
	if w, l := ids(cw.Entries()), ids(cl.Entries()); !reflect.DeepEqual(w, l) {
		t.Errorf("entries differ: %d / %d", len(w), len(l))
	}
	if !reflect.DeepEqual(cw.Layers(), cl.Layers()) {
		t.Errorf("layers differ:\n%+v\n%+v", cw.Layers(), cl.Layers())
	}
	if !reflect.DeepEqual(cw.Shadows(), cl.Shadows()) || len(cl.Shadows()) != 2 {
		t.Errorf("shadows differ:\n%+v\n%+v", cw.Shadows(), cl.Shadows())
	}
	for _, id := range []string{replaced.ID, disabled.ID, shadowed.ID, "org-default", "nope"} {
		if w, l := cw.LayerOf(id), cl.LayerOf(id); w != l {
			t.Errorf("LayerOf(%s) = %q / %q", id, w, l)
		}
		if w, l := cw.Entry(id), cl.Entry(id); (w == nil) != (l == nil) || w != nil && !reflect.DeepEqual(*w, *l) {
			t.Errorf("Entry(%s) differs", id)
		}
	}
	if w, l := cw.MissingTranslations("ja"), cl.MissingTranslations("ja"); !reflect.DeepEqual(w, l) {
		t.Errorf("missing translations: %d / %d", len(w), len(l))
	}
	jw, jl := cw.WithLang("ja"), cl.WithLang("ja")
	for _, f := range findings[:min(len(findings), 300)] {
		rw, rl := jw.Render(f), jl.Render(f)
		if rw.Title != rl.Title || rw.Body != rl.Body {
			t.Fatalf("%s/%s in ja: %q / %q", f.Tool, f.Code, rw.Title, rl.Title)
		}
	}
	// One centry per entry, however many lookups find it.
	f := &translator.Finding{Tool: coded[3].Match[0].Tool, Code: coded[3].Match[0].Codes[0]}
	a, _, _ := cl.match(f, true)
	b := cl.base.byID(coded[3].ID)
	if a == nil || a != b {
		t.Errorf("two centries for %s", coded[3].ID)
	}
}

// Workers that find the same entries at once get one centry each (go test
// -race checks the decoding).
func TestBaseViewConcurrentLookups(t *testing.T) {
	l, err := loadSnapshot(builtinSnapshot)
	if err != nil || l.lookup == nil {
		t.Fatalf("no lookup section: %v", err)
	}
	c := Merge(l)
	var fs []*translator.Finding
	for i := 0; i < l.lookup.n; i += 7 {
		e := c.base.lk.entry(i)
		if len(e.Match) > 0 && len(e.Match[0].Codes) > 0 {
			fs = append(fs, &translator.Finding{Tool: e.Match[0].Tool, Code: e.Match[0].Codes[0]})
		}
	}
	got := make([][]*centry, 4)
	var wg sync.WaitGroup
	for w := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, f := range fs {
				e, _, _ := c.match(f, true)
				got[w] = append(got[w], e)
				c.Render(f)
			}
		}()
	}
	wg.Wait()
	for i := range fs {
		for w := 1; w < len(got); w++ {
			if got[w][i] != got[0][i] || got[0][i] == nil {
				t.Fatalf("%s/%s: workers got different entries", fs[i].Tool, fs[i].Code)
			}
		}
	}
}
