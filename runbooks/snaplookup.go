package runbooks

import (
	"fmt"
	"sort"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
)

// The snapshot's lookup section lets a run find the built-in entries of
// its findings without reading the index whole: reading it was most of a
// one-finding run's allocations (a megabyte: every entry, matcher and code,
// and the maps Merge built of them), and at this machine's 4-8 µs a page
// fault that was a fifth of its start-up. It follows the index:
//
//	entries  uvarint n, then n 4-byte offsets (little-endian) into the
//	         index of each entry's fields, in file order
//	ids      n 4-byte entry numbers in the order of their ids
//	tables   tool+code, code, tool default: each a uvarint count k, k
//	         4-byte offsets into its records, then the records sorted by
//	         key: tool, normalised code (either may be ""), entry number
//	messages uvarint count, then entry number and matcher number of each
//	         message pattern, in file order
//	records  uvarint length of the records that follow the section (a
//	         truncated snapshot is refused when it is opened)
//
// The tables hold what Merge builds of the layer alone, so a catalog whose
// lowest layer is the snapshot's (Builtin) looks its keys up there and
// decodes an entry the first time one is found (baseView). The loader
// refuses two entries of one layer claiming one key, so each key has one
// entry. A snapshot whose files have a disable list has an empty lookup
// section and is read whole.

// snapLookup is a decoded lookup section: substrings of the snapshot.
type snapLookup struct {
	idx, recs string
	dict      *snapDict
	n         int
	offs, ids string
	toolCode  snapTable
	code      snapTable
	defaults  snapTable
	messages  []msgRef
	// files are the layer's files ("builtin:name"), from the header.
	files []string
}

// msgRef is a message pattern of the layer: the entry's number and the
// matcher's.
type msgRef struct{ entry, m int }

// u32 reads the i-th 4-byte little-endian number of s; ok is false past
// its end.
func u32(s string, i int) (int, bool) {
	o := 4 * i
	if i < 0 || o+4 > len(s) {
		return 0, false
	}
	return int(uint32(s[o]) | uint32(s[o+1])<<8 | uint32(s[o+2])<<16 | uint32(s[o+3])<<24), true
}

func appendU32(b []byte, n int) []byte {
	return append(b, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
}

// snapTable is one sorted table of the lookup section.
type snapTable struct {
	n          int
	offs, data string
}

// record reads the i-th record: its key and entry number.
func (t snapTable) record(i int) (tool, code string, entry int, ok bool) {
	o, ok := u32(t.offs, i)
	if !ok || o > len(t.data) {
		return "", "", 0, false
	}
	r := &snapReader{s: t.data, off: o}
	tool, code, entry = r.str(), r.str(), int(r.uint())
	return tool, code, entry, r.err == nil
}

// find returns the entry number of the key (tool, code), or -1.
func (t snapTable) find(tool, code string) int {
	bad := false
	i := sort.Search(t.n, func(i int) bool {
		tl, c, _, ok := t.record(i)
		if !ok {
			bad = true
			return true
		}
		if tl != tool {
			return tl > tool
		}
		return c >= code
	})
	if bad || i == t.n {
		return -1
	}
	tl, c, e, ok := t.record(i)
	if !ok || tl != tool || c != code {
		return -1
	}
	return e
}

// lookupKey is one key of a table and the entry that claims it.
type lookupKey struct {
	tool, code string
	entry      int
}

func writeTable(w *snapWriter, keys []lookupKey) {
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].tool != keys[j].tool {
			return keys[i].tool < keys[j].tool
		}
		return keys[i].code < keys[j].code
	})
	var data snapWriter
	var offs []byte
	for _, k := range keys {
		offs = appendU32(offs, len(data.b))
		data.str(k.tool)
		data.str(k.code)
		data.uint(uint64(k.entry))
	}
	w.uint(uint64(len(keys)))
	w.b = append(w.b, offs...)
	w.str(string(data.b))
}

func readTable(r *snapReader) snapTable {
	n := r.count()
	if n > (len(r.s)-r.off)/4 {
		r.fail()
		return snapTable{}
	}
	offs := r.s[r.off : r.off+4*n]
	r.off += 4 * n
	return snapTable{n: n, offs: offs, data: r.str()}
}

// encodeLookup writes the lookup section of the files' entries, whose
// fields start at offsets in the index; nothing when a file has a disable
// list (the layer is then read whole).
func encodeLookup(files []snapInput, offsets []int, recsLen int) ([]byte, error) {
	for _, f := range files {
		if len(f.disable) > 0 {
			return nil, nil
		}
	}
	var w snapWriter
	w.uint(uint64(len(offsets)))
	for _, o := range offsets {
		w.b = appendU32(w.b, o)
	}
	type idEntry struct {
		id string
		n  int
	}
	var ids []idEntry
	seen := map[string]int{}
	claim := map[[3]string]int{}
	var toolCode, code, defaults []lookupKey
	var msgs []msgRef
	n := 0
	for _, f := range files {
		for i := range f.entries {
			e := &f.entries[i]
			if prev, dup := seen[e.ID]; dup {
				return nil, fmt.Errorf("entry %q twice (entries %d and %d)", e.ID, prev, n)
			}
			seen[e.ID] = n
			ids = append(ids, idEntry{e.ID, n})
			for j, m := range e.Match {
				// The keys Merge makes of a matcher.
				tool := strings.ToLower(strings.TrimSpace(m.Tool))
				var keys [][3]string
				switch {
				case m.Default:
					keys = append(keys, [3]string{"default", tool, ""})
				case m.Message != "":
					msgs = append(msgs, msgRef{entry: n, m: j})
				default:
					for _, c := range m.Codes {
						keys = append(keys, [3]string{"code", tool, translator.NormalizeCode(c)})
					}
				}
				for _, k := range keys {
					if prev, dup := claim[k]; dup && prev != n {
						return nil, fmt.Errorf("entries %d and %d both claim %q", prev, n, k)
					}
					claim[k] = n
				}
			}
			n++
		}
	}
	for k, e := range claim {
		switch {
		case k[0] == "default":
			defaults = append(defaults, lookupKey{tool: k[1], entry: e})
		case k[1] == "":
			code = append(code, lookupKey{code: k[2], entry: e})
		default:
			toolCode = append(toolCode, lookupKey{tool: k[1], code: k[2], entry: e})
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].id < ids[j].id })
	for _, x := range ids {
		w.b = appendU32(w.b, x.n)
	}
	writeTable(&w, toolCode)
	writeTable(&w, code)
	writeTable(&w, defaults)
	w.uint(uint64(len(msgs)))
	for _, m := range msgs {
		w.uint(uint64(m.entry))
		w.uint(uint64(m.m))
	}
	w.uint(uint64(recsLen))
	return w.b, nil
}

// readLookup reads a lookup section; nil when it is empty.
func readLookup(s, idx, recs string, h snapHeader) (*snapLookup, error) {
	if s == "" {
		return nil, nil
	}
	r := &snapReader{s: s}
	n := r.count()
	if n > (len(s)-r.off)/8 {
		return nil, errBadSnapshot
	}
	lk := &snapLookup{idx: idx, recs: recs, n: n}
	lk.offs = s[r.off : r.off+4*n]
	r.off += 4 * n
	lk.ids = s[r.off : r.off+4*n]
	r.off += 4 * n
	lk.toolCode, lk.code, lk.defaults = readTable(r), readTable(r), readTable(r)
	nm := r.count()
	for i := 0; i < nm && r.err == nil; i++ {
		lk.messages = append(lk.messages, msgRef{entry: int(r.uint()), m: int(r.uint())})
	}
	if recsLen := r.uint(); recsLen != uint64(len(recs)) {
		r.fail()
	}
	if r.err != nil || r.off != len(s) {
		return nil, errBadSnapshot
	}
	ir := &snapReader{s: idx}
	lk.dict = &snapDict{s: ir.str()}
	if ir.err != nil {
		return nil, errBadSnapshot
	}
	for _, f := range h.files {
		lk.files = append(lk.files, "builtin:"+f.name)
	}
	return lk, nil
}

// entry decodes the index fields of entry i; nil when the index does not
// read there.
func (lk *snapLookup) entry(i int) *centry {
	o, ok := u32(lk.offs, i)
	if !ok || o > len(lk.idx) {
		return nil
	}
	r := &snapReader{s: lk.idx, off: o}
	ce, err := readEntry(r, lk.recs, lk.dict, &snapAlloc{}, "builtin")
	if err != nil || r.err != nil {
		return nil
	}
	return ce
}

// id is the id of entry i, read from the index without decoding it.
func (lk *snapLookup) id(i int) (string, bool) {
	o, ok := u32(lk.offs, i)
	if !ok || o > len(lk.idx) {
		return "", false
	}
	r := &snapReader{s: lk.idx, off: o}
	id := r.str()
	return id, r.err == nil
}

// byID returns the number of the entry with the id, or -1.
func (lk *snapLookup) byID(id string) int {
	bad := false
	at := func(k int) (int, string) {
		i, ok := u32(lk.ids, k)
		s, ok2 := lk.id(i)
		if !ok || !ok2 {
			bad = true
		}
		return i, s
	}
	k := sort.Search(lk.n, func(k int) bool {
		_, s := at(k)
		return bad || s >= id
	})
	if bad || k == lk.n {
		return -1
	}
	i, s := at(k)
	if bad || s != id {
		return -1
	}
	return i
}
