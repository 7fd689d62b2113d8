package runbooks

import (
	"bytes"
	"compress/gzip"
	"encoding/gob"
	"flag"
	"os"
	"reflect"
	"testing"
)

var updateBuiltin = flag.Bool("update-builtin", false, "rewrite runbooks/builtin.snapshot.json.gz from runbooks/builtin/*.yaml")

// The embedded snapshot is made from the embedded YAML; after editing
// runbooks/builtin/*.yaml run: go test ./runbooks -run BuiltinSnapshot -update-builtin
func TestBuiltinSnapshotIsCurrent(t *testing.T) {
	want, err := makeSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	if *updateBuiltin {
		if err := os.WriteFile("builtin.snapshot.json.gz", want, 0o644); err != nil {
			t.Fatal(err)
		}
		builtinSnapshot = want
	}
	if !bytes.Equal(builtinSnapshot, want) {
		t.Fatal("runbooks/builtin.snapshot.json.gz is stale: go test ./runbooks -run BuiltinSnapshot -update-builtin")
	}
}

// The layer from the snapshot is the layer from the YAML: same files, same
// entries (sources included), same disables; and a stale snapshot is not
// used.
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
		if !reflect.DeepEqual(fromYAML.entries[i].matchLines, fromSnap.entries[i].matchLines) {
			t.Fatalf("entry %s: matcher lines %v / %v", a[i].ID, fromYAML.entries[i].matchLines, fromSnap.entries[i].matchLines)
		}
	}
	if _, err := loadSnapshot(withDigest(t, builtinSnapshot, "0000")); err != errStaleSnapshot {
		t.Fatalf("a snapshot of other YAML was used: err %v", err)
	}
}

// withDigest returns the snapshot b claiming to be made from other YAML.
func withDigest(t *testing.T, b []byte, digest string) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var snap snapshot
	if err := gob.NewDecoder(zr).Decode(&snap); err != nil {
		t.Fatal(err)
	}
	snap.Digest = digest
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := gob.NewEncoder(zw).Encode(snap); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return buf.Bytes()
}
