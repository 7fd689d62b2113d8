package runbooks

import (
	"flag"
	translator "github.com/runbook-translator/runbook-translator"
	"os"
	"reflect"
	"strings"
	"testing"
)

var updateBuiltin = flag.Bool("update-builtin", false, "rewrite runbooks/builtin.snapshot.bin from runbooks/builtin/*.yaml")

// The embedded snapshot is made from the embedded YAML (the digest in its
// header included: start-up checks only names and sizes); after editing
// runbooks/builtin/*.yaml run: go test ./runbooks -run BuiltinSnapshot -update-builtin
func TestBuiltinSnapshotIsCurrent(t *testing.T) {
	want, err := makeSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	if *updateBuiltin {
		if err := os.WriteFile(builtinSnapshotFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
		builtinSnapshot = string(want)
	}
	if builtinSnapshot != string(want) {
		t.Fatal("runbooks/" + builtinSnapshotFile + " is stale: go test ./runbooks -run BuiltinSnapshot -update-builtin")
	}
}

// The layer from the snapshot is the layer from the YAML: same files, same
// entries (sources included), same disables, same matcher lines and
// normalised codes; and a snapshot of YAML files of other sizes is not used.
func TestBuiltinSnapshotLoadsLikeYAML(t *testing.T) {
	fromYAML, err := builtinFromYAML()
	if err != nil {
		t.Fatal(err)
	}
	fromSnap, err := loadSnapshot(builtinSnapshot)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	if !reflect.DeepEqual(fromYAML.Files, fromSnap.Files) || !reflect.DeepEqual(fromYAML.Disabled(), fromSnap.Disabled()) {
		t.Fatalf("files %v / %v, disabled %v / %v", fromYAML.Files, fromSnap.Files, fromYAML.Disabled(), fromSnap.Disabled())
	}
	a, b := fromYAML.Entries(), fromSnap.Entries()
	if len(a) != len(b) || len(a) < 100 {
		t.Fatalf("%d entries from YAML, %d from the snapshot", len(a), len(b))
	}
	for i := range a {
		if !reflect.DeepEqual(*a[i], *b[i]) {
			t.Fatalf("entry %d differs:\nyaml %+v\nsnap %+v", i, *a[i], *b[i])
		}
		y, s := fromYAML.entries[i], fromSnap.entries[i]
		if !reflect.DeepEqual(y.matchLines, s.matchLines) {
			t.Fatalf("entry %s: matcher lines %v / %v", a[i].ID, y.matchLines, s.matchLines)
		}
		if y.sev != s.sev {
			t.Fatalf("entry %s: severity %v / %v", a[i].ID, y.sev, s.sev)
		}
		for j, m := range a[i].Match {
			if (m.Message != "") != (s.regexps() != nil && s.regexps()[j] != nil) ||
				m.Message != "" && y.regexps()[j].String() != s.regexps()[j].String() {
				t.Fatalf("entry %s: matcher %d: pattern %q not compiled alike", a[i].ID, j, m.Message)
			}
		}
		for _, lang := range sortedLangs(a[i].Translations) {
			if _, ok := s.hasLang(lang); !ok {
				t.Fatalf("entry %s: translation %s not in the index", a[i].ID, lang)
			}
		}
	}
	// The merged catalogs match alike: the snapshot's lookup tables hold
	// the keys Merge makes of the YAML, each for the same entry, and the
	// message patterns in the same order.
	lazy, err := loadSnapshot(builtinSnapshot)
	if err != nil || lazy.lookup == nil {
		t.Fatalf("the snapshot has no lookup section: %v", err)
	}
	cy, cs := Merge(fromYAML), Merge(lazy)
	if cs.base == nil || len(cs.toolCode)+len(cs.code)+len(cs.defaults)+len(cs.live) != 0 {
		t.Fatal("the built-in layer was not looked up in place")
	}
	lk := cs.base.lk
	if len(cy.toolCode) != lk.toolCode.n || len(cy.code) != lk.code.n || len(cy.defaults) != lk.defaults.n || len(cy.live) != lk.n {
		t.Fatalf("keys: tool+code %d / %d, code %d / %d, defaults %d / %d, entries %d / %d", len(cy.toolCode), lk.toolCode.n,
			len(cy.code), lk.code.n, len(cy.defaults), lk.defaults.n, len(cy.live), lk.n)
	}
	for k, e := range cy.toolCode {
		if s := cs.base.toolCode(k.tool, k.code); s == nil || s.ID != e.ID {
			t.Fatalf("tool+code %v: %s from YAML, %v from the snapshot", k, e.ID, s)
		}
	}
	for k, e := range cy.code {
		if s := cs.base.code(k); s == nil || s.ID != e.ID {
			t.Fatalf("code %v: %s from YAML, %v from the snapshot", k, e.ID, s)
		}
	}
	for k, e := range cy.defaults {
		if s := cs.base.def(k); s == nil || s.ID != e.ID {
			t.Fatalf("default %q: %s from YAML, %v from the snapshot", k, e.ID, s)
		}
	}
	if len(cy.messages) != len(cs.messages) {
		t.Fatalf("message patterns: %d / %d", len(cy.messages), len(cs.messages))
	}
	for i, m := range cy.messages {
		if s := cs.messages[i]; s.c.ID != m.c.ID || s.m != m.m || s.tool != m.tool {
			t.Fatalf("message pattern %d: %s/%d from YAML, %s/%d from the snapshot", i, m.c.ID, m.m, s.c.ID, s.m)
		}
	}
	// An entry decoded alone is the entry read with the whole index, and
	// its id finds it.
	for i, y := range fromYAML.entries {
		s := cs.base.entry(i)
		if s == nil || !reflect.DeepEqual(*s.full().Entry, *y.Entry) || !reflect.DeepEqual(s.matchLines, y.matchLines) ||
			s.sev != y.sev || !reflect.DeepEqual(s.langs, fromSnap.entries[i].langs) {
			t.Fatalf("entry %d (%s) decoded alone differs", i, y.ID)
		}
		if cs.base.byID(y.ID) != s {
			t.Fatalf("entry %s not found by its id", y.ID)
		}
	}
	if !reflect.DeepEqual(cs.Layers(), cy.Layers()) {
		t.Fatalf("layers differ:\n%+v\n%+v", cs.Layers(), cy.Layers())
	}

	h, _, err := readHeader(builtinSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	h.files[0].size++
	var w snapWriter
	w.b = append(w.b, snapMagic...)
	w.header(h)
	_, r, _ := readHeader(builtinSnapshot)
	stale := string(w.b) + builtinSnapshot[r.off:]
	if _, err := loadSnapshot(stale); err != errStaleSnapshot {
		t.Fatalf("a snapshot of other YAML was used: err %v", err)
	}
}

// A snapshot that does not read is an error, never a panic, whatever its
// bytes; Builtin then reads the YAML.
func TestBuiltinSnapshotCorrupt(t *testing.T) {
	s := builtinSnapshot
	for _, bad := range []string{"", "rbsnap", s[:len(snapMagic)+3], s[:len(s)/3], s[:len(s)-1],
		strings.Replace(s, snapMagic, "rbsnap0\n", 1)} {
		if _, err := loadSnapshot(bad); err == nil {
			t.Fatalf("a snapshot of %d bytes loaded", len(bad))
		}
	}
	// Flipped bytes in the index: errors or entries, no panic.
	for i := len(snapMagic); i < len(s) && i < 4096; i += 7 {
		b := []byte(s)
		b[i] ^= 0x5a
		if l, err := decodeSnapshot(string(b)); err == nil {
			for _, ce := range l.entries {
				ce.full()
				ce.regexps()
			}
		}
	}
	// Flipped bytes in the lookup section and the index's first and last
	// entries, read in place: errors, no match or entries, no panic.
	_, r, err := readHeader(s)
	if err != nil {
		t.Fatal(err)
	}
	idxStart := r.off
	idx := r.str()
	lookStart := r.off
	look := r.str()
	var spots []int
	for i := lookStart; i < r.off; i += 1 + len(look)/400 {
		spots = append(spots, i)
	}
	for i := idxStart; i < idxStart+len(idx); i += 1 + len(idx)/400 {
		spots = append(spots, i)
	}
	findings := []*translator.Finding{{Tool: "trivy", Code: "KSV017"}, {Tool: "hadolint", Code: "DL3008"},
		{Tool: "shellcheck", Code: "SC2086"}, {Tool: "conftest", Message: "P1000: no"}, {Tool: "kube-linter", Code: "x"}}
	for _, i := range spots {
		b := []byte(s)
		b[i] ^= 0x5a
		l, err := openSnapshot(string(b))
		if err != nil {
			continue
		}
		c := Merge(l)
		for _, f := range findings {
			c.Render(f)
		}
		c.entries()
		c.Layers()
		c.WithLang("ja").Render(findings[0])
	}
}

// The index's totals size the blocks its entries are read into: an index
// that holds more items than its totals say, or fewer, is refused (no
// panic, no half-filled entries).
func TestBuiltinSnapshotTotals(t *testing.T) {
	s := builtinSnapshot
	_, r, err := readHeader(s)
	if err != nil {
		t.Fatal(err)
	}
	head := s[:r.off]
	idx := r.str()
	recs := s[r.off:]
	ir := &snapReader{s: idx}
	ir.str() // the dictionary
	start := ir.off
	var totals [5]uint64
	for i := range totals {
		totals[i] = ir.uint()
	}
	rest := idx[ir.off:]
	if ir.err != nil || totals[0] == 0 {
		t.Fatalf("totals %v: %v", totals, ir.err)
	}
	build := func(tt [5]uint64) string {
		var w snapWriter
		w.b = append(w.b, idx[:start]...)
		for _, v := range tt {
			w.uint(v)
		}
		w.b = append(w.b, rest...)
		var out snapWriter
		out.b = append(out.b, head...)
		out.str(string(w.b))
		return string(out.b) + recs
	}
	if l, err := decodeSnapshot(build(totals)); err != nil || uint64(len(l.entries)) != totals[0] {
		t.Fatalf("the unchanged snapshot: %v", err)
	}
	for i := range totals {
		for _, d := range []int64{-1, 1} {
			tt := totals
			tt[i] = uint64(int64(tt[i]) + d)
			if _, err := decodeSnapshot(build(tt)); err == nil {
				t.Errorf("total %d changed by %d: the snapshot loaded", i, d)
			}
		}
	}
}
