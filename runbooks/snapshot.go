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
//	magic    "rbsnap4\n"
//	header   uvarint length, then the header: the SHA-256 of the YAML it
//	         was made from, and each YAML file's name and size
//	index    uvarint length, then the records' dictionary, the index's
//	         totals (entries, matchers, codes, matcher lines, languages:
//	         start-up allocates them in one block each and reads the index
//	         once), then per file: name, disable list, entries;
//	         per entry what Merge and matching need (id, source, severity,
//	         matchers with their codes already normalised, matcher lines,
//	         translation languages) and where its record is
//	records  per entry, every other field of the Entry (title, body, links,
//	         fixes, examples, translations ...), each deflated on its own
//	         with a shared dictionary, or stored as is when that is not
//	         smaller
//
// The index is not compressed: the snapshot is embedded as a string, and
// every string of the index is a substring of it (no copy, no allocation).
// A record is decoded the first time its entry matches a finding
// (centry.full), or when a caller asks for all entries (runbooks list).
const snapMagic = "rbsnap4\n"

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
	var out snapWriter
	out.b = append(out.b, snapMagic...)
	out.header(h)
	out.str(string(idx.b))
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
	ents := make([]Entry, n.entries)
	cents := make([]centry, n.entries)
	matchers := make([]Matcher, n.matchers)
	normSets := make([][]string, n.matchers)
	codes := make([]string, n.codes)
	norms := make([]string, n.codes)
	lines := make([]int, n.lines)
	langs := make([]string, n.langs)
	l.entries = make([]*centry, 0, n.entries)
	var c snapCounts
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
			if c.entries == n.entries {
				r.fail()
				break
			}
			e, ce := &ents[c.entries], &cents[c.entries]
			ce.Entry = e
			c.entries++
			e.ID, e.Source, e.Severity = r.str(), r.str(), r.str()
			nm := r.count()
			m0 := c.matchers
			for j := 0; j < nm && r.err == nil; j++ {
				if c.matchers == n.matchers {
					r.fail()
					break
				}
				m := &matchers[c.matchers]
				m.Tool, m.Message, m.Default = r.str(), r.str(), r.uint() != 0
				nc := r.count()
				c0 := c.codes
				for k := 0; k+1 < nc && r.err == nil; k++ {
					if c.codes == n.codes {
						r.fail()
						break
					}
					codes[c.codes], norms[c.codes] = r.str(), r.str()
					c.codes++
				}
				if nc > 0 {
					m.Codes = codes[c0:c.codes:c.codes]
					normSets[c.matchers] = norms[c0:c.codes:c.codes]
				}
				c.matchers++
			}
			nl := r.count()
			l0 := c.lines
			for j := 0; j < nl && r.err == nil; j++ {
				if c.lines == n.lines {
					r.fail()
					break
				}
				lines[c.lines] = int(r.int())
				c.lines++
			}
			ng := r.count()
			g0 := c.langs
			for j := 0; j < ng && r.err == nil; j++ {
				if c.langs == n.langs {
					r.fail()
					break
				}
				langs[c.langs] = r.str()
				c.langs++
			}
			off, size, deflated := r.uint(), r.uint(), r.uint() != 0
			if off > uint64(len(recs)) || size > uint64(len(recs))-off {
				r.fail()
			}
			if r.err != nil {
				break
			}
			if nm > 0 {
				e.Match = matchers[m0:c.matchers:c.matchers]
				ce.norm = normSets[m0:c.matchers:c.matchers]
			}
			ce.matchLines = lines[l0:c.lines:c.lines]
			if ng > 0 {
				ce.langs = langs[g0:c.langs:c.langs]
			}
			ce.lazy = true
			ce.rec = snapRecord{data: recs[off : off+size], flate: deflated}
			ce.dict = dict
			if err := ce.compileIndexed(); err != nil {
				return &LoadError{File: file, Msg: fmt.Sprintf("entry %q: %v", e.ID, err)}
			}
			l.entries = append(l.entries, ce)
		}
	}
	if r.err == nil && (r.off != len(r.s) || c != n) {
		r.fail()
	}
	return r.err
}
