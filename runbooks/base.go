package runbooks

import "sync/atomic"

// baseView is a catalog's lowest layer when it is the built-in snapshot's
// (Layer.lookup): its keys are looked up in the snapshot's tables, and an
// entry is decoded the first time one is found, so a run reads the few
// entries its findings match instead of all of them (snaplookup.go).
type baseView struct {
	lk *snapLookup
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
	return &baseView{lk: lk, slots: make([]atomic.Pointer[centry], lk.n)}
}

// withLang is the view whose entries show lang where they have it.
func (b *baseView) withLang(lang string) *baseView {
	return &baseView{lk: b.lk, gone: b.gone, slots: make([]atomic.Pointer[centry], b.lk.n), lang: lang, orig: b}
}

// remove marks entry i as replaced or disabled by a later layer.
func (b *baseView) remove(i int) {
	if b.gone == nil {
		b.gone = make([]bool, b.lk.n)
	}
	b.gone[i] = true
}

// entry returns entry i, decoding it the first time; nil when it is gone,
// out of range or does not decode.
func (b *baseView) entry(i int) *centry {
	if i < 0 || i >= len(b.slots) || b.gone != nil && b.gone[i] {
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

func (b *baseView) byID(id string) *centry          { return b.entry(b.lk.byID(id)) }
func (b *baseView) toolCode(tool, n string) *centry { return b.entry(b.lk.toolCode.find(tool, n)) }
func (b *baseView) code(n string) *centry           { return b.entry(b.lk.code.find("", n)) }
func (b *baseView) def(tool string) *centry         { return b.entry(b.lk.defaults.find(tool, "")) }
