package runbooks

import "sync/atomic"

// baseView is a catalog's lowest layer when it is the built-in snapshot's
// (Layer.lookup): its keys are looked up in the snapshot's tables, and an
// entry is decoded the first time one is found, so a run reads the few
// entries its findings match instead of all of them (snaplookup.go).
type baseView struct {
	lk *snapLookup
	// nums remembers the lookups' entry numbers (shared by the language
	// views: a number does not depend on the language).
	nums *baseNums
	// gone[i] is set for an entry a later layer replaced or disabled (nil
	// when none was).
	gone []bool
	// slots hold the entries decoded so far, by entry number. Workers
	// decode concurrently; the first to store an entry's wins, so every
	// caller sees one centry per entry (its memo, pools, parse once).
	slots []atomic.Pointer[centry]
	// lang is the language of a view WithLang made, orig the view it
	// translates ("" and nil for the built-in entries as written).
	lang string
	orig *baseView
}

func newBaseView(lk *snapLookup) *baseView {
	return &baseView{lk: lk, nums: &baseNums{}, slots: make([]atomic.Pointer[centry], lk.n)}
}

// baseNums remembers what each key looked up in the snapshot's tables
// found: a run asks the same few keys for every finding (a finding's entry
// by id, twice: review and fix; its tool's default when it has no code;
// its tool+code when it has aliases), and each lookup is a binary search
// over the snapshot (10 % of a shellcheck run, 6 % of an --efm one,
// uncached).
type baseNums struct {
	ids                        readCache[int]
	toolCodes, codes, defaults readCache[baseHit]
}

// baseHit is an entry number found for one tool (-1: none).
type baseHit struct {
	tool string
	i    int
}

// cachedFind is t.find(tool, key), remembered per key for the first tool
// that asks.
func cachedFind(c *readCache[baseHit], t snapTable, tool, key string) int {
	if h, ok := c.get(key); ok && h.tool == tool {
		return h.i
	}
	i := t.find(tool, key)
	c.add(key, baseHit{tool: tool, i: i})
	return i
}

// withLang is the view whose entries show lang where they have it.
func (b *baseView) withLang(lang string) *baseView {
	return &baseView{lk: b.lk, nums: b.nums, gone: b.gone, slots: make([]atomic.Pointer[centry], b.lk.n), lang: lang, orig: b}
}

// remove marks entry i as replaced or disabled by a later layer.
func (b *baseView) remove(i int) {
	if b.gone == nil {
		b.gone = make([]bool, b.lk.n)
	}
	b.gone[i] = true
}

// entry returns entry i, decoding it the first time; nil when it is gone,
// out of range or does not decode, and for a catalog without a base
// layer (b nil: its lookups find nothing).
func (b *baseView) entry(i int) *centry {
	if b == nil || i < 0 || i >= len(b.slots) || b.gone != nil && b.gone[i] {
		return nil
	}
	if ce := b.slots[i].Load(); ce != nil {
		return ce
	}
	var ce *centry
	if b.orig != nil {
		ce = b.orig.entry(i)
		if ce == nil {
			return nil
		}
		if _, ok := ce.hasLang(b.lang); ok {
			ce = ce.translated(b.lang)
		}
	} else if ce = b.lk.entry(i); ce == nil {
		return nil
	}
	if !b.slots[i].CompareAndSwap(nil, ce) {
		ce = b.slots[i].Load()
	}
	return ce
}

// decoded returns the entries decoded so far, in entry order.
func (b *baseView) decoded() []*centry {
	var out []*centry
	for i := range b.slots {
		if ce := b.slots[i].Load(); ce != nil {
			out = append(out, ce)
		}
	}
	return out
}

// all returns every entry that is not gone, in file order.
func (b *baseView) all() []*centry {
	out := make([]*centry, 0, b.lk.n)
	for i := 0; i < b.lk.n; i++ {
		if ce := b.entry(i); ce != nil {
			out = append(out, ce)
		}
	}
	return out
}

// ids returns the ids of every entry, gone or not, in file order.
func (b *baseView) ids() []string {
	out := make([]string, 0, b.lk.n)
	for i := 0; i < b.lk.n; i++ {
		if id, ok := b.lk.id(i); ok {
			out = append(out, id)
		}
	}
	return out
}

// num is the number of the entry with the id, or -1.
func (b *baseView) num(id string) int {
	if b == nil {
		return -1
	}
	i, ok := b.nums.ids.get(id)
	if !ok {
		i = b.lk.byID(id)
		b.nums.ids.add(id, i)
	}
	return i
}

func (b *baseView) byID(id string) *centry { return b.entry(b.num(id)) }

func (b *baseView) toolCode(tool, n string) *centry {
	if b == nil {
		return nil
	}
	return b.entry(cachedFind(&b.nums.toolCodes, b.lk.toolCode, tool, n))
}

func (b *baseView) code(n string) *centry {
	if b == nil {
		return nil
	}
	return b.entry(cachedFind(&b.nums.codes, b.lk.code, "", n))
}

func (b *baseView) def(tool string) *centry {
	if b == nil {
		return nil
	}
	return b.entry(cachedFind(&b.nums.defaults, b.lk.defaults, tool, ""))
}
