package runbooks

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strings"
	"sync"

	translator "github.com/runbook-translator/runbook-translator"
)

// The built-in snapshot (builtin.snapshot.bin) is read at every start-up,
// and a run usually renders a handful of its ~1,000 entries. So it is laid
// out to be read lazily:
//
//	magic    "rbsnap5\n"
//	header   uvarint length, then the header: the SHA-256 of the YAML it
//	         was made from, and each YAML file's name and size
//	index    uvarint length, then the records' dictionary, the index's
//	         totals (entries, matchers, codes, matcher lines, languages:
//	         reading the index whole allocates them in one block each),
//	         then per file: name, disable list, entries;
//	         per entry what Merge and matching need (id, source, severity,
//	         matchers with their codes already normalised, matcher lines,
//	         translation languages) and where its record is
//	lookup   uvarint length, then the keys of the layer, sorted, and where
//	         each entry is in the index (snaplookup.go): a run reads the
//	         index fields of the entries its findings match, not the index
//	         whole
//	records  per entry, every other field of the Entry (title, body, links,
//	         fixes, examples, translations ...), each deflated on its own
//	         with a shared dictionary, or stored as is when that is not
//	         smaller
//
// The index is not compressed: the snapshot is embedded as a string, and
// every string of the index is a substring of it (no copy, no allocation).
// An entry's index fields are read the first time a lookup finds it
// (baseView), its record the first time it matches a finding (centry.full);
// both for every entry when a caller asks for all (runbooks list).
const snapMagic = "rbsnap5\n"

// errBadSnapshot: the snapshot is not one this code wrote.
var errBadSnapshot = errors.New("built-in snapshot is not readable")

// snapDictSize bounds the preset dictionary of the records (flate's window).
const snapDictSize = 32 << 10

// snapWriter appends the snapshot's encodings to a buffer.
type snapWriter struct{ b []byte }

func (w *snapWriter) uint(n uint64) { w.b = binary.AppendUvarint(w.b, n) }
func (w *snapWriter) int(n int64)   { w.b = binary.AppendVarint(w.b, n) }
func (w *snapWriter) str(s string)  { w.uint(uint64(len(s))); w.b = append(w.b, s...) }

func (w *snapWriter) strs(ss []string) {
	w.uint(uint64(len(ss)))
	for _, s := range ss {
		w.str(s)
	}
}

// snapReader reads a snapshot (or one record) held in a string; strings
// it returns share the input's memory.
type snapReader struct {
	s   string
	off int
	err error
}

func (r *snapReader) fail() {
	if r.err == nil {
		r.err = errBadSnapshot
	}
	r.off = len(r.s)
}

// uint reads a uvarint. Most of the index's numbers (lengths, counts) are
// below 128: one byte, read inline; start-up reads some 20,000 of them.
func (r *snapReader) uint() uint64 {
	if r.off < len(r.s) {
		if c := r.s[r.off]; c < 0x80 {
			r.off++
			return uint64(c)
		}
	}
	return r.uintSlow()
}

func (r *snapReader) uintSlow() uint64 {
	var n uint64
	var shift uint
	for i := 0; ; i++ {
		if r.off >= len(r.s) || i == binary.MaxVarintLen64 {
			r.fail()
			return 0
		}
		c := r.s[r.off]
		r.off++
		if c < 0x80 {
			return n | uint64(c)<<shift
		}
		n |= uint64(c&0x7f) << shift
		shift += 7
	}
}

func (r *snapReader) int() int64 {
	u := r.uint()
	n := int64(u >> 1)
	if u&1 != 0 {
		n = ^n
	}
	return n
}

// count reads a length and checks it against what is left (each counted
// item takes at least one byte), so a corrupt length cannot allocate much.
func (r *snapReader) count() int {
	n := r.uint()
	if n > uint64(len(r.s)-r.off) {
		r.fail()
		return 0
	}
	return int(n)
}

func (r *snapReader) str() string {
	n := r.count()
	s := r.s[r.off : r.off+n]
	r.off += n
	return s
}

// snapFileSize is a YAML file of the catalog and its size, for the cheap
// freshness check of every start-up (snapshotMatchesFS).
type snapFileSize struct {
	name string
	size int64
}

// snapHeader is what the snapshot says about the YAML it was made from.
type snapHeader struct {
	digest string
	files  []snapFileSize
}

func (w *snapWriter) header(h snapHeader) {
	var hw snapWriter
	hw.str(h.digest)
	hw.uint(uint64(len(h.files)))
	for _, f := range h.files {
		hw.str(f.name)
		hw.int(f.size)
	}
	w.str(string(hw.b))
}

// readHeader reads the magic and the header.
func readHeader(s string) (snapHeader, *snapReader, error) {
	var h snapHeader
	if !strings.HasPrefix(s, snapMagic) {
		return h, nil, errBadSnapshot
	}
	r := &snapReader{s: s, off: len(snapMagic)}
	hr := &snapReader{s: r.str()}
	h.digest = hr.str()
	n := hr.count()
	h.files = make([]snapFileSize, n)
	for i := range h.files {
		h.files[i] = snapFileSize{name: hr.str(), size: hr.int()}
	}
	if r.err != nil || hr.err != nil {
		return h, nil, errBadSnapshot
	}
	return h, r, nil
}

// The index's entry fields, written and read in this order.
//
//	id, source, severity
//	matchers: tool, message, default, codes (each with its normalised key)
//	matcher lines
//	translation languages
//	record: offset (into the records), length, deflated
//
// snapIndexed names the Entry fields the index holds: the record holds
// every other field (restFields).
var snapIndexed = map[string]bool{"ID": true, "Source": true, "Severity": true, "Match": true}

// restFields are the indices of Entry's fields kept in records.
var restFields = sync.OnceValue(func() []int {
	t := reflect.TypeFor[Entry]()
	var out []int
	for i := 0; i < t.NumField(); i++ {
		if !snapIndexed[t.Field(i).Name] {
			out = append(out, i)
		}
	}
	return out
})

// snapRecord is where an entry's record is: a substring of the snapshot,
// deflated or not.
type snapRecord struct {
	data  string
	flate bool
}

// snapDict is the snapshot's preset dictionary for its records.
type snapDict struct {
	once sync.Once
	s    string
	b    []byte
}

func (d *snapDict) bytes() []byte {
	d.once.Do(func() { d.b = []byte(d.s) })
	return d.b
}

// decode reads the record into the fields of e it holds.
func (rec *snapRecord) decode(e *Entry, dict *snapDict) error {
	s := rec.data
	if rec.flate {
		zr := flate.NewReaderDict(strings.NewReader(s), dict.bytes())
		b, err := io.ReadAll(zr)
		if err != nil {
			return err
		}
		s = string(b)
	}
	r := &snapReader{s: s}
	v := reflect.ValueOf(e).Elem()
	for _, i := range restFields() {
		decodeValue(r, v.Field(i))
	}
	if r.err == nil && r.off != len(r.s) {
		r.fail()
	}
	return r.err
}

// encodeRest writes the fields of e a record holds.
func encodeRest(w *snapWriter, e *Entry) error {
	v := reflect.ValueOf(e).Elem()
	for _, i := range restFields() {
		if err := encodeValue(w, v.Field(i)); err != nil {
			return fmt.Errorf("%s: %w", v.Type().Field(i).Name, err)
		}
	}
	return nil
}

// The records' value encoding follows the Go types of Entry (reflection:
// a field added to Entry is in the snapshot without more code). Lengths of
// slices and maps are written plus one, 0 meaning nil, so a value decodes
// to exactly what the YAML decoder produced (TestBuiltinSnapshotLoadsLikeYAML).
// Map keys are sorted: the snapshot is deterministic.
//
// Interface values (FixEdit.Value) carry a kind byte.
const (
	anyNil = iota
	anyString
	anyBool
	anyInt
	anyFloat
	anySlice
	anyMap
	anyInt64
	anyUint64
)

var anyType = reflect.TypeFor[any]()

func encodeValue(w *snapWriter, v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		w.str(v.String())
	case reflect.Bool:
		if v.Bool() {
			w.b = append(w.b, 1)
		} else {
			w.b = append(w.b, 0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.int(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		w.uint(v.Uint())
	case reflect.Float32, reflect.Float64:
		w.uint(math.Float64bits(v.Float()))
	case reflect.Slice:
		if v.IsNil() {
			w.uint(0)
			return nil
		}
		w.uint(uint64(v.Len()) + 1)
		for i := 0; i < v.Len(); i++ {
			if err := encodeValue(w, v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return fmt.Errorf("map key %s", v.Type().Key())
		}
		if v.IsNil() {
			w.uint(0)
			return nil
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		w.uint(uint64(len(keys)) + 1)
		for _, k := range keys {
			w.str(k.String())
			if err := encodeValue(w, v.MapIndex(k)); err != nil {
				return err
			}
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if !v.Type().Field(i).IsExported() {
				return fmt.Errorf("unexported field %s", v.Type().Field(i).Name)
			}
			if err := encodeValue(w, v.Field(i)); err != nil {
				return err
			}
		}
	case reflect.Interface:
		if v.IsNil() {
			w.b = append(w.b, anyNil)
			return nil
		}
		e := v.Elem()
		switch x := e.Interface().(type) {
		case string:
			w.b = append(w.b, anyString)
		case bool:
			w.b = append(w.b, anyBool)
		case int:
			w.b = append(w.b, anyInt)
		case int64:
			w.b = append(w.b, anyInt64)
		case uint64:
			w.b = append(w.b, anyUint64)
		case float64:
			w.b = append(w.b, anyFloat)
		case []any:
			w.b = append(w.b, anySlice)
		case map[string]any:
			w.b = append(w.b, anyMap)
		default:
			return fmt.Errorf("value of type %T", x)
		}
		return encodeValue(w, e)
	default:
		return fmt.Errorf("type %s", v.Type())
	}
	return nil
}

func decodeValue(r *snapReader, v reflect.Value) {
	if r.err != nil {
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(r.str())
	case reflect.Bool:
		v.SetBool(r.uint() != 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(r.int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(r.uint())
	case reflect.Float32, reflect.Float64:
		v.SetFloat(math.Float64frombits(r.uint()))
	case reflect.Slice:
		n := r.count()
		if n == 0 {
			return
		}
		s := reflect.MakeSlice(v.Type(), n-1, n-1)
		for i := 0; i < n-1; i++ {
			decodeValue(r, s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		n := r.count()
		if n == 0 {
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), n-1)
		for i := 0; i < n-1 && r.err == nil; i++ {
			k := reflect.New(v.Type().Key()).Elem()
			k.SetString(r.str())
			x := reflect.New(v.Type().Elem()).Elem()
			decodeValue(r, x)
			m.SetMapIndex(k, x)
		}
		v.Set(m)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			decodeValue(r, v.Field(i))
		}
	case reflect.Interface:
		if r.off >= len(r.s) {
			r.fail()
			return
		}
		kind := r.s[r.off]
		r.off++
		var x reflect.Value
		switch kind {
		case anyNil:
			return
		case anyString:
			x = reflect.New(reflect.TypeFor[string]()).Elem()
		case anyBool:
			x = reflect.New(reflect.TypeFor[bool]()).Elem()
		case anyInt:
			x = reflect.New(reflect.TypeFor[int]()).Elem()
		case anyInt64:
			x = reflect.New(reflect.TypeFor[int64]()).Elem()
		case anyUint64:
			x = reflect.New(reflect.TypeFor[uint64]()).Elem()
		case anyFloat:
			x = reflect.New(reflect.TypeFor[float64]()).Elem()
		case anySlice:
			x = reflect.New(reflect.TypeFor[[]any]()).Elem()
		case anyMap:
			x = reflect.New(reflect.TypeFor[map[string]any]()).Elem()
		default:
			r.fail()
			return
		}
		decodeValue(r, x)
		v.Set(x)
	default:
		r.fail()
	}
}

// snapInput is one decoded YAML file, as makeSnapshot gives it to
// encodeSnapshot.
type snapInput struct {
	name    string
	size    int64
	entries []Entry
	pos     []entryPos
	disable []string
}

// encodeSnapshot writes the snapshot of the files. Each record is deflated
// with dict as preset dictionary when that makes it smaller.
func encodeSnapshot(digest string, files []snapInput, dict []byte) ([]byte, error) {
	h := snapHeader{digest: digest}
	var idx, recs snapWriter
	var offsets []int
	idx.str(string(dict))
	var n snapCounts
	for _, f := range files {
		n.entries += len(f.entries)
		for i := range f.entries {
			e := &f.entries[i]
			n.matchers += len(e.Match)
			for _, m := range e.Match {
				n.codes += len(m.Codes)
			}
			n.lines += len(f.pos[i].matchLines)
			n.langs += len(e.Translations)
		}
	}
	for _, v := range []int{n.entries, n.matchers, n.codes, n.lines, n.langs} {
		idx.uint(uint64(v))
	}
	idx.uint(uint64(len(files)))
	var zbuf bytes.Buffer
	zw, err := flate.NewWriterDict(&zbuf, flate.BestCompression, dict)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		h.files = append(h.files, snapFileSize{name: f.name, size: f.size})
		idx.str(f.name)
		idx.strs(f.disable)
		idx.uint(uint64(len(f.entries)))
		for i := range f.entries {
			e := &f.entries[i]
			offsets = append(offsets, len(idx.b))
			idx.str(e.ID)
			idx.str(e.Source)
			idx.str(e.Severity)
			idx.uint(uint64(len(e.Match)))
			for _, m := range e.Match {
				idx.str(m.Tool)
				idx.str(m.Message)
				if m.Default {
					idx.uint(1)
				} else {
					idx.uint(0)
				}
				if m.Codes == nil {
					idx.uint(0)
				} else {
					idx.uint(uint64(len(m.Codes)) + 1)
				}
				for _, c := range m.Codes {
					idx.str(c)
					idx.str(translator.NormalizeCode(c))
				}
			}
			ml := f.pos[i].matchLines
			idx.uint(uint64(len(ml)))
			for _, l := range ml {
				idx.int(int64(l))
			}
			idx.strs(sortedLangs(e.Translations))

			var rw snapWriter
			if err := encodeRest(&rw, e); err != nil {
				return nil, fmt.Errorf("%s: entry %q: %w", f.name, e.ID, err)
			}
			zbuf.Reset()
			zw.Reset(&zbuf)
			if _, err := zw.Write(rw.b); err != nil {
				return nil, err
			}
			if err := zw.Close(); err != nil {
				return nil, err
			}
			rec, deflated := rw.b, false
			if zbuf.Len() < len(rw.b) {
				rec, deflated = zbuf.Bytes(), true
			}
			idx.uint(uint64(len(recs.b)))
			idx.uint(uint64(len(rec)))
			if deflated {
				idx.uint(1)
			} else {
				idx.uint(0)
			}
			recs.b = append(recs.b, rec...)
		}
	}
	lookup, err := encodeLookup(files, offsets, len(recs.b))
	if err != nil {
		return nil, err
	}
	var out snapWriter
	out.b = append(out.b, snapMagic...)
	out.header(h)
	out.str(string(idx.b))
	out.str(string(lookup))
	out.b = append(out.b, recs.b...)
	return out.b, nil
}

// snapCounts are the totals of an index, to allocate its layer's entries
// in a few blocks.
type snapCounts struct {
	entries, matchers, codes, lines, langs int
}

// decodeSnapshot builds the layer of the snapshot s: entries carry their
// index fields, and the rest of each is decoded on first use.
func decodeSnapshot(s string) (*Layer, error) {
	_, r, err := readHeader(s)
	if err != nil {
		return nil, err
	}
	idxStr := r.str()
	r.str() // the lookup section (snaplookup.go)
	if r.err != nil {
		return nil, r.err
	}
	recs := s[r.off:]
	l := &Layer{Name: "builtin"}
	if err := walkIndex(idxStr, recs, l); err != nil {
		return nil, err
	}
	return l, nil
}

// openSnapshot opens the layer of the snapshot s to be read through its
// lookup section (Layer.lookup), or reads it whole when it has none.
func openSnapshot(s string) (*Layer, error) {
	h, r, err := readHeader(s)
	if err != nil {
		return nil, err
	}
	idxStr, lookStr := r.str(), r.str()
	if r.err != nil {
		return nil, r.err
	}
	lk, err := readLookup(lookStr, idxStr, s[r.off:], h)
	if err != nil {
		return nil, err
	}
	if lk == nil {
		return decodeSnapshot(s)
	}
	return &Layer{Name: "builtin", Files: lk.files, lookup: lk, snap: s}, nil
}

// walkIndex reads the index into l, allocating its entries from blocks of
// the sizes the index starts with. An index that holds more than its
// totals say, or fewer, is a bad snapshot.
func walkIndex(idxStr, recs string, l *Layer) error {
	r := &snapReader{s: idxStr}
	dict := &snapDict{s: r.str()}
	// count bounds each total by the bytes left: every counted item takes
	// at least one byte of the index.
	n := snapCounts{entries: r.count(), matchers: r.count(), codes: r.count(), lines: r.count(), langs: r.count()}
	if r.err != nil {
		return r.err
	}
	a := &snapAlloc{bulk: true,
		ents: make([]Entry, 0, n.entries), cents: make([]centry, 0, n.entries),
		matchers: make([]Matcher, 0, n.matchers), normSets: make([][]string, 0, n.matchers),
		codes: make([]string, 0, n.codes), norms: make([]string, 0, n.codes),
		lines: make([]int, 0, n.lines), langs: make([]string, 0, n.langs)}
	l.entries = make([]*centry, 0, n.entries)
	nfiles := r.count()
	for fi := 0; fi < nfiles && r.err == nil; fi++ {
		name := r.str()
		file := "builtin:" + name
		nd := r.count()
		for i := 0; i < nd; i++ {
			l.disable = append(l.disable, disable{id: r.str(), source: file})
		}
		l.Files = append(l.Files, file)
		ne := r.count()
		for i := 0; i < ne && r.err == nil; i++ {
			ce, err := readEntry(r, recs, dict, a, file)
			if err != nil {
				return err
			}
			if ce != nil {
				l.entries = append(l.entries, ce)
			}
		}
	}
	if r.err == nil && (r.off != len(r.s) || a.counts() != n) {
		r.fail()
	}
	return r.err
}

// snapAlloc is where readEntry puts an entry and its slices. Reading the
// whole index (bulk), they go in blocks of the index's totals, and an
// entry that would not fit is a bad snapshot; reading one entry, they are
// allocated for it.
type snapAlloc struct {
	bulk     bool
	ents     []Entry
	cents    []centry
	matchers []Matcher
	normSets [][]string
	codes    []string
	norms    []string
	lines    []int
	langs    []string
}

func (a *snapAlloc) counts() snapCounts {
	return snapCounts{entries: len(a.cents), matchers: len(a.matchers), codes: len(a.codes), lines: len(a.lines), langs: len(a.langs)}
}

// full reports whether a block of the bulk read has no room for one more.
func full[T any](a *snapAlloc, s []T) bool { return a.bulk && len(s) == cap(s) }

// readEntry reads the entry whose index fields start at r into a. It
// returns nil and sets r.err on a bad index, and an error when an entry's
// own fields are invalid (its severity).
func readEntry(r *snapReader, recs string, dict *snapDict, a *snapAlloc, file string) (*centry, error) {
	if full(a, a.cents) {
		r.fail()
		return nil, nil
	}
	a.ents = append(a.ents, Entry{})
	a.cents = append(a.cents, centry{})
	e, ce := &a.ents[len(a.ents)-1], &a.cents[len(a.cents)-1]
	ce.Entry = e
	e.ID, e.Source, e.Severity = r.str(), r.str(), r.str()
	nm := r.count()
	m0 := len(a.matchers)
	for j := 0; j < nm && r.err == nil; j++ {
		if full(a, a.matchers) {
			r.fail()
			break
		}
		a.matchers = append(a.matchers, Matcher{})
		m := &a.matchers[len(a.matchers)-1]
		m.Tool, m.Message, m.Default = r.str(), r.str(), r.uint() != 0
		nc := r.count()
		c0 := len(a.codes)
		for k := 0; k+1 < nc && r.err == nil; k++ {
			if full(a, a.codes) {
				r.fail()
				break
			}
			a.codes = append(a.codes, r.str())
			a.norms = append(a.norms, r.str())
		}
		var norm []string
		if nc > 0 {
			m.Codes = a.codes[c0:len(a.codes):len(a.codes)]
			norm = a.norms[c0:len(a.norms):len(a.norms)]
		}
		a.normSets = append(a.normSets, norm)
	}
	nl := r.count()
	l0 := len(a.lines)
	for j := 0; j < nl && r.err == nil; j++ {
		if full(a, a.lines) {
			r.fail()
			break
		}
		a.lines = append(a.lines, int(r.int()))
	}
	ng := r.count()
	g0 := len(a.langs)
	for j := 0; j < ng && r.err == nil; j++ {
		if full(a, a.langs) {
			r.fail()
			break
		}
		a.langs = append(a.langs, r.str())
	}
	off, size, deflated := r.uint(), r.uint(), r.uint() != 0
	if off > uint64(len(recs)) || size > uint64(len(recs))-off {
		r.fail()
	}
	if r.err != nil {
		return nil, nil
	}
	if nm > 0 {
		e.Match = a.matchers[m0:len(a.matchers):len(a.matchers)]
		ce.norm = a.normSets[m0:len(a.normSets):len(a.normSets)]
	}
	ce.matchLines = a.lines[l0:len(a.lines):len(a.lines)]
	if ng > 0 {
		ce.langs = a.langs[g0:len(a.langs):len(a.langs)]
	}
	ce.lazy = true
	ce.rec = snapRecord{data: recs[off : off+size], flate: deflated}
	ce.dict = dict
	if err := ce.compileIndexed(); err != nil {
		return nil, &LoadError{File: file, Msg: fmt.Sprintf("entry %q: %v", e.ID, err)}
	}
	return ce, nil
}
