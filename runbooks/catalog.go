package runbooks

import (
	"sort"
	"strings"
	"sync"

	translator "github.com/runbook-translator/runbook-translator"
)

// Catalog is the merged set of runbook entries a run matches findings
// against. It is immutable after Merge and safe for concurrent use.
type Catalog struct {
	layers []LayerInfo
	// live holds the surviving entries in merge order: layer by layer, file
	// order within a layer.
	live []*centry
	byID map[string]*centry

	toolCode map[toolCode]*centry
	code     map[string]*centry
	defaults map[string]*centry
	// messages are tried in order: later layers first, file order within a
	// layer.
	messages []msgMatcher
	shadows  []Shadow
	// fb is this catalog's fallback entry (newFallback).
	fb *centry
	// values are the layers' values:, later layers winning (values.go).
	values Values
	// base is the lowest layer when it is the built-in snapshot's, looked
	// up in place (baseView; then live, byID and the key maps hold only
	// the other layers', which take precedence); baseIDs reads its
	// LayerInfo.IDs when asked for.
	base    *baseView
	baseIDs func() []string

	// norm caches NormalizeCode per spelling (readCache).
	norm readCache[string]
	// hits caches what a finding's code, as spelled, matches for the tool
	// that first sent it (codeHit): most findings have no aliases, and
	// their match was a normalisation, a lowercasing and a map lookup by
	// tool and code each (9 % of a shellcheck-shaped run).
	hits readCache[codeHit]
}

// codeHit is the code-level match of one code spelling for one tool: the
// tool+code or code entry and its level, or e nil when no code entry
// matches (the message patterns and the tool default decide).
type codeHit struct {
	tool string
	e    *centry
	lvl  Level
}

// codeMatch returns the cached code-level match of code for tool.
func (c *Catalog) codeMatch(tool, code string) (codeHit, bool) {
	if h, ok := c.hits.get(code); ok && h.tool == tool {
		return h, true
	}
	return codeHit{}, false
}

// rememberMatch caches h for code. A code already cached (for another
// tool) is kept.
func (c *Catalog) rememberMatch(code string, h codeHit) { c.hits.add(code, h) }

func (c *Catalog) normalize(code string) string {
	if n, ok := c.norm.get(code); ok {
		return n
	}
	n := translator.NormalizeCode(code)
	c.norm.add(code, n)
	return n
}

type toolCode struct{ tool, code string }

type msgMatcher struct {
	tool string // lowercase; "" for any tool
	m    int    // index into c.Match
	c    *centry
	// base is the entry's number in the base layer plus one; 0 for an
	// entry of another layer.
	base int
}

// LayerInfo describes what one layer contributed to a merged catalog, for
// `runbooks list`.
type LayerInfo struct {
	// Name is "builtin" or the path the layer was loaded from.
	Name  string
	Files []string
	// IDs are the entries the layer defines, in file order (some may have
	// been replaced or disabled by a later layer).
	IDs []string
	// Replaced lists entries of earlier layers this layer redefined.
	Replaced []Change
	// Disabled lists entries of earlier layers this layer removed.
	Disabled []Change
	// UnknownDisables are ids in the layer's disable list that no earlier
	// layer defines (a stale disable; `runbooks lint` should warn).
	UnknownDisables []string
	// Values are the names of the fix values the layer sets (values:),
	// sorted; a later layer's value of the same name wins.
	Values []string
}

// Change is an entry replaced or removed by a later layer.
type Change struct {
	ID string
	// Old is the source (file:line) of the earlier entry.
	Old string
	// New is the source of the replacing entry, or the file whose disable
	// list removed it.
	New string
}

// Shadow is a matcher of a later layer that takes over a matcher of an
// earlier layer's entry with a different id: allowed, but worth a line in
// `runbooks lint`.
type Shadow struct {
	// Key describes the matcher: `tool "trivy" code "ksv-17"`, `code "p-1000"`,
	// or `default for tool "trivy"`.
	Key string
	// Entry is the id of the entry that wins, Source its file:line.
	Entry, Source string
	// Shadowed is the id of the entry that no longer matches through this
	// matcher, ShadowedSource its file:line.
	Shadowed, ShadowedSource string
}

// Merge combines catalog layers into one catalog. The order of layers is
// the precedence, lowest first:
//
//  1. the built-in catalog (Builtin),
//  2. organisation catalogs,
//  3. repository catalogs.
//
// The caller passes the layers in that order. A later layer's entry with
// the id of an earlier entry replaces it; a layer's `disable: [id]` removes
// an earlier layer's entry; a later layer's matcher that claims the same
// tool+code (or code, or tool default) as an earlier layer's entry shadows
// it, which is allowed and recorded (see Shadows). Message patterns of later
// layers are tried before those of earlier layers. Nil layers are skipped.
func Merge(layers ...*Layer) *Catalog {
	var ls []*Layer
	for _, l := range layers {
		if l != nil {
			ls = append(ls, l)
		}
	}
	var base *baseView
	if len(ls) > 0 && ls[0].lookup != nil {
		base = newBaseView(ls[0].lookup)
	}
	// Every start-up merges the built-in entries when they do not come
	// through a baseView: size the maps once rather than let them grow
	// (growing was a third of Merge).
	var nEntries, nCodes int
	for i, l := range ls {
		if i == 0 && base != nil {
			continue
		}
		ents := l.centries()
		nEntries += len(ents)
		for _, e := range ents {
			for _, m := range e.Match {
				nCodes += len(m.Codes)
			}
		}
	}
	c := &Catalog{
		byID:     make(map[string]*centry, nEntries),
		toolCode: make(map[toolCode]*centry, nCodes),
		code:     map[string]*centry{},
		defaults: map[string]*centry{},
		fb:       newFallback(),
		live:     make([]*centry, 0, nEntries),
		base:     base,
	}
	// layerOf[i] is the layer of c.live[i].
	layerOf := make([]int, 0, nEntries)
	remove := func(e *centry, bi int) {
		if bi >= 0 {
			base.remove(bi)
			return
		}
		delete(c.byID, e.ID)
		for i, x := range c.live {
			if x == e {
				c.live = append(c.live[:i], c.live[i+1:]...)
				layerOf = append(layerOf[:i], layerOf[i+1:]...)
				return
			}
		}
	}
	for li, l := range ls {
		info := LayerInfo{Name: l.Name, Files: append([]string(nil), l.Files...)}
		if li == 0 && base != nil {
			// Its IDs are read when asked for (Layers).
			c.layers = append(c.layers, info)
			continue
		}
		ents := l.centries()
		info.IDs = make([]string, 0, len(ents))
		if len(l.values) > 0 {
			info.Values = l.values.Names()
		}
		for _, d := range l.disable {
			old, bi := c.find(d.id)
			if old == nil {
				info.UnknownDisables = append(info.UnknownDisables, d.id)
				continue
			}
			info.Disabled = append(info.Disabled, Change{ID: d.id, Old: old.Source, New: d.source})
			remove(old, bi)
		}
		for name, v := range l.values {
			if c.values == nil {
				c.values = Values{}
			}
			c.values[name] = v
		}
		for _, e := range ents {
			info.IDs = append(info.IDs, e.ID)
			if old, bi := c.find(e.ID); old != nil {
				info.Replaced = append(info.Replaced, Change{ID: e.ID, Old: old.Source, New: e.Source})
				remove(old, bi)
			}
			c.byID[e.ID] = e
			c.live = append(c.live, e)
			layerOf = append(layerOf, li)
		}
		c.layers = append(c.layers, info)
	}
	if base != nil {
		c.baseIDs = sync.OnceValue(base.ids)
	}

	shadow := func(key string, winner, loser *centry) {
		if loser == nil || loser == winner || loser.ID == winner.ID {
			return
		}
		c.shadows = append(c.shadows, Shadow{Key: key, Entry: winner.ID, Source: winner.Source,
			Shadowed: loser.ID, ShadowedSource: loser.Source})
	}
	var byLayer [][]msgMatcher
	for i, e := range c.live {
		li := layerOf[i]
		for len(byLayer) <= li {
			byLayer = append(byLayer, nil)
		}
		for j, m := range e.Match {
			tool := strings.ToLower(strings.TrimSpace(m.Tool))
			switch {
			case m.Default:
				old := c.defaults[tool]
				if old == nil {
					old = base.def(tool)
				}
				shadow(describeKey(tool+"\x00default"), e, old)
				c.defaults[tool] = e
			case m.Message != "":
				byLayer[li] = append(byLayer[li], msgMatcher{tool: tool, m: j, c: e})
			default:
				for k, code := range m.Codes {
					var n string
					if e.norm != nil {
						n = e.norm[j][k] // normalised when the snapshot was made
					} else {
						n = translator.NormalizeCode(code)
					}
					if tool == "" {
						old := c.code[n]
						if old == nil {
							old = base.code(n)
						}
						shadow(describeKey("\x00"+n), e, old)
						c.code[n] = e
						continue
					}
					k := toolCode{tool, n}
					old := c.toolCode[k]
					if old == nil {
						old = base.toolCode(tool, n)
					}
					shadow(describeKey(tool+"\x00"+n), e, old)
					c.toolCode[k] = e
				}
			}
		}
	}
	for li := len(byLayer) - 1; li >= 0; li-- {
		c.messages = append(c.messages, byLayer[li]...)
	}
	if base != nil {
		for _, ref := range base.lk.messages {
			if e := base.entry(ref.entry); e != nil && ref.m < len(e.Match) {
				c.messages = append(c.messages, msgMatcher{tool: strings.ToLower(strings.TrimSpace(e.Match[ref.m].Tool)),
					m: ref.m, c: e, base: ref.entry + 1})
			}
		}
	}
	return c
}

// find returns the entry with the id and, when it is the base layer's,
// its number there (else -1); nil when there is none.
func (c *Catalog) find(id string) (*centry, int) {
	if len(c.byID) > 0 {
		if e := c.byID[id]; e != nil {
			return e, -1
		}
	}
	i := c.base.num(id)
	if e := c.base.entry(i); e != nil {
		return e, i
	}
	return nil, -1
}

// entries returns the surviving entries in merge order: the base layer's
// (read whole), then the others'.
func (c *Catalog) entries() []*centry {
	if c.base == nil {
		return c.live
	}
	return append(c.base.all(), c.live...)
}

// Level says how a finding matched its entry, in order of precedence.
type Level int

// Match levels, highest precedence first; LevelFallback means no entry
// matched.
const (
	LevelToolCode Level = iota + 1
	LevelCode
	LevelMessage
	LevelDefault
	LevelFallback
)

// String names the level for `runbooks show` and tests.
func (l Level) String() string {
	switch l {
	case LevelToolCode:
		return "tool+code"
	case LevelCode:
		return "code"
	case LevelMessage:
		return "message"
	case LevelDefault:
		return "tool default"
	}
	return "fallback"
}

// Match returns the entry for f, and the named groups of its message
// pattern when it matched by message. Precedence: tool+code (the finding's
// Code, then its Aliases, all compared as translator.NormalizeCode keys and
// tool names case-insensitively), then code alone, then message patterns in
// order, then the tool's default entry. It returns nil when only the
// fallback applies. The entry must not be modified.
func (c *Catalog) Match(f *translator.Finding) (*Entry, map[string]string) {
	e, caps, _ := c.MatchLevel(f)
	return e, caps
}

// MatchLevel is Match that also says how the entry matched.
func (c *Catalog) MatchLevel(f *translator.Finding) (*Entry, map[string]string, Level) {
	ce, caps, lvl := c.match(f, true)
	if ce == nil {
		return nil, nil, lvl
	}
	return ce.Entry, caps, lvl
}

// Find returns the entry `runbooks show CODE --tool T` displays: the
// tool+code, code or tool-default entry (message patterns need a message,
// so they are not consulted). tool may be empty.
func (c *Catalog) Find(tool, code string) (*Entry, Level) {
	ce, _, lvl := c.match(&translator.Finding{Tool: tool, Code: code}, false)
	if ce == nil {
		return nil, lvl
	}
	return ce.Entry, lvl
}

func (c *Catalog) match(f *translator.Finding, messages bool) (*centry, map[string]string, Level) {
	cacheable := f.Code != "" && len(f.Aliases) == 0
	if cacheable {
		if h, ok := c.codeMatch(f.Tool, f.Code); ok {
			if h.e != nil {
				return h.e.full(), nil, h.lvl
			}
			return c.matchRest(f, strings.ToLower(f.Tool), messages)
		}
	}
	tool := strings.ToLower(f.Tool)
	e, lvl := c.matchCode(f, tool)
	if cacheable {
		c.rememberMatch(f.Code, codeHit{tool: f.Tool, e: e, lvl: lvl})
	}
	if e != nil {
		return e.full(), nil, lvl
	}
	return c.matchRest(f, tool, messages)
}

// matchCode is the tool+code or code entry of f's code and aliases, with
// its level; nil when none.
func (c *Catalog) matchCode(f *translator.Finding, tool string) (*centry, Level) {
	// Normalise each spelling once; most findings have one or two.
	var buf [4]string
	keys := buf[:0]
	if f.Code != "" {
		keys = append(keys, c.normalize(f.Code))
	}
	for _, a := range f.Aliases {
		if a != "" {
			keys = append(keys, c.normalize(a))
		}
	}
	if len(c.toolCode) > 0 || c.base != nil {
		for _, k := range keys {
			if e := c.toolCode[toolCode{tool, k}]; e != nil {
				return e, LevelToolCode
			}
			if e := c.base.toolCode(tool, k); e != nil {
				return e, LevelToolCode
			}
		}
	}
	for _, k := range keys {
		if e := c.code[k]; e != nil {
			return e, LevelCode
		}
		if e := c.base.code(k); e != nil {
			return e, LevelCode
		}
	}
	return nil, LevelFallback
}

// matchRest is the match of a finding no code entry takes: a message
// pattern (when messages), the tool's default entry, or none.
func (c *Catalog) matchRest(f *translator.Finding, tool string, messages bool) (*centry, map[string]string, Level) {
	if messages {
		for _, mm := range c.messages {
			if mm.tool != "" && mm.tool != tool {
				continue
			}
			re := mm.c.regexps()[mm.m]
			if re == nil {
				continue
			}
			sub := re.FindStringSubmatch(f.Message)
			if sub == nil {
				continue
			}
			var caps map[string]string
			for i, name := range re.SubexpNames() {
				if name == "" || i >= len(sub) {
					continue
				}
				if caps == nil {
					caps = map[string]string{}
				}
				caps[name] = sub[i]
			}
			return mm.c.full(), caps, LevelMessage
		}
	}
	e := c.defaults[tool]
	if e == nil {
		e = c.base.def(tool)
	}
	if e != nil {
		return e.full(), nil, LevelDefault
	}
	return nil, nil, LevelFallback
}

// Entries returns the surviving entries sorted by id. Each entry's Source
// is "file:line" ("builtin:file:line" for the embedded catalog). They must
// not be modified.
func (c *Catalog) Entries() []*Entry {
	all := c.entries()
	out := make([]*Entry, 0, len(all))
	for _, e := range all {
		out = append(out, e.full().Entry)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Entry returns the entry with the given id, or nil.
func (c *Catalog) Entry(id string) *Entry {
	if e, _ := c.find(id); e != nil {
		return e.full().Entry
	}
	return nil
}

// Layers describes each merged layer, in merge order.
func (c *Catalog) Layers() []LayerInfo {
	if c.base == nil {
		return c.layers
	}
	out := append([]LayerInfo(nil), c.layers...)
	out[0].IDs = c.baseIDs()
	return out
}

// Shadows lists the matchers of later layers that took over an earlier
// layer's entry, in merge order.
func (c *Catalog) Shadows() []Shadow { return c.shadows }

// LayerOf returns the name of the layer the entry with the given id came
// from, or "".
func (c *Catalog) LayerOf(id string) string {
	e, bi := c.find(id)
	if e == nil {
		return ""
	}
	if bi >= 0 {
		return c.layers[0].Name
	}
	for i := len(c.layers) - 1; i >= 0; i-- {
		for _, x := range c.layers[i].IDs {
			if x == id {
				return c.layers[i].Name
			}
		}
	}
	return ""
}

// WithLang returns the catalog with each entry's title and body in lang
// where the entry has a translation for it; the others keep the default
// language (MissingTranslations lists them: `runbooks lint` and `coverage`
// note them). lang "" or "en" returns c itself. Matching is unchanged: only
// what is shown differs. Entries of the built-in snapshot are translated
// as they are found.
func (c *Catalog) WithLang(lang string) *Catalog {
	if lang == "" || lang == "en" {
		return c
	}
	repl := map[*centry]*centry{}
	for _, e := range c.live {
		if _, ok := e.hasLang(lang); ok {
			repl[e] = e.translated(lang)
		} else {
			repl[e] = e
		}
	}
	n := &Catalog{
		layers:   c.layers,
		shadows:  c.shadows,
		byID:     make(map[string]*centry, len(c.byID)),
		toolCode: make(map[toolCode]*centry, len(c.toolCode)),
		code:     make(map[string]*centry, len(c.code)),
		defaults: make(map[string]*centry, len(c.defaults)),
		fb:       c.fb,
		values:   c.values,
		baseIDs:  c.baseIDs,
	}
	if c.base != nil {
		n.base = c.base.withLang(lang)
	}
	if fb := fallbackIn(lang); fb != nil {
		n.fb = fb
	}
	for _, e := range c.live {
		n.live = append(n.live, repl[e])
	}
	for k, e := range c.byID {
		n.byID[k] = repl[e]
	}
	for k, e := range c.toolCode {
		n.toolCode[k] = repl[e]
	}
	for k, e := range c.code {
		n.code[k] = repl[e]
	}
	for k, e := range c.defaults {
		n.defaults[k] = repl[e]
	}
	for _, m := range c.messages {
		e := repl[m.c]
		if m.base > 0 {
			e = n.base.entry(m.base - 1)
		}
		n.messages = append(n.messages, msgMatcher{tool: m.tool, m: m.m, c: e, base: m.base})
	}
	return n
}

// translated is a copy of ce with its title, body and fixes in lang, which
// it has (hasLang).
func (ce *centry) translated(lang string) *centry {
	t, _ := ce.hasLang(lang)
	if ce.rec.data != "" || ce.base != nil {
		// A snapshot entry not decoded yet stays so: the copy takes the
		// rest of its fields, and its translation, on first use.
		ent := &Entry{ID: ce.ID, Source: ce.Source, Severity: ce.Severity, Match: ce.Match}
		return &centry{Entry: ent, lazy: true, sev: ce.sev, res: ce.res, matchLines: ce.matchLines,
			trans: ce.trans, langs: ce.langs, norm: ce.norm, base: ce, baseLang: lang}
	}
	tr := ce.Translations[lang]
	ent := *ce.Entry
	ent.Title, ent.Body, ent.Fix = tr.Title, tr.Body, tr.fixes(lang, ent.Fix)
	// A snapshot entry's translation (t nil) parses from ent.Body on first
	// use, as its default body does.
	return &centry{Entry: &ent, tmpl: t, lazy: t == nil, sev: ce.sev, res: ce.res, matchLines: ce.matchLines, trans: ce.trans}
}

// MissingTranslations returns the ids of entries without a translation for
// lang, sorted (none for "" and "en").
func (c *Catalog) MissingTranslations(lang string) []string {
	if lang == "" || lang == "en" {
		return nil
	}
	var out []string
	for _, e := range c.entries() {
		if _, ok := e.hasLang(lang); !ok {
			out = append(out, e.ID)
		}
	}
	sort.Strings(out)
	return out
}
