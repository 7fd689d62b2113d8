package runbooks

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"gopkg.in/yaml.v3"
)

// builtinFS is the built-in catalog, embedded in the binary.
//
//go:embed builtin/*.yaml
var builtinFS embed.FS

// builtinSnapshot is the built-in catalog decoded once, at development time,
// into gzipped gob with the line of every entry and matcher: decoding it
// takes a few milliseconds where parsing 2 MB of YAML took most of a
// second at every start-up. TestBuiltinSnapshotIsCurrent keeps it equal to
// the YAML (go test ./runbooks -run BuiltinSnapshot -update-builtin).
//
//go:embed builtin.snapshot.json.gz
var builtinSnapshot []byte

// Builtin loads the embedded catalog (runbooks/builtin/*.yaml, in name
// order) as the layer "builtin". Entry sources read
// "builtin:<file>:<line>". It fails only if the embedded files are invalid,
// which TestBuiltin prevents.
//
// It reads the snapshot when the snapshot was made from the embedded YAML
// (same digest), and the YAML itself otherwise, so a stale snapshot costs
// time, never correctness.
func Builtin() (*Layer, error) {
	if l, err := loadSnapshot(builtinSnapshot); err == nil {
		return l, nil
	}
	return builtinFromYAML()
}

func builtinFromYAML() (*Layer, error) {
	return loadFS(builtinFS, "builtin", "builtin", "builtin:")
}

// snapshot is the built-in catalog as decoded from its YAML files.
type snapshot struct {
	// Digest is builtinDigest() of the YAML it was made from.
	Digest string
	Files  []snapshotFile
}

type snapshotFile struct {
	Name    string
	Entries []snapshotEntry
	Disable []string `json:",omitempty"`
}

type snapshotEntry struct {
	Entry      Entry
	Line       int
	MatchLines []int `json:",omitempty"`
}

// builtinFiles returns the names of the embedded catalog files, sorted.
func builtinFiles() ([]string, error) { return catalogFiles(builtinFS, "builtin") }

// builtinDigest is the SHA-256 of the embedded YAML files, names included.
func builtinDigest() (string, error) {
	names, err := builtinFiles()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(builtinFS, "builtin/"+n)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// makeSnapshot decodes the embedded YAML into the snapshot format; the
// catalog must load without errors.
func makeSnapshot() ([]byte, error) {
	if _, err := builtinFromYAML(); err != nil {
		return nil, err
	}
	names, err := builtinFiles()
	if err != nil {
		return nil, err
	}
	digest, err := builtinDigest()
	if err != nil {
		return nil, err
	}
	snap := snapshot{Digest: digest}
	for _, n := range names {
		data, err := fs.ReadFile(builtinFS, "builtin/"+n)
		if err != nil {
			return nil, err
		}
		var f File
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		sf := snapshotFile{Name: n, Disable: f.Disable}
		nodes := entryNodes(data, len(f.Entries))
		for i, e := range f.Entries {
			se := snapshotEntry{Entry: e}
			if nodes[i] != nil {
				se.Line, se.MatchLines = nodes[i].Line, matchLines(nodes[i])
			}
			sf.Entries = append(sf.Entries, se)
		}
		snap.Files = append(snap.Files, sf)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	enc := gob.NewEncoder(zw)
	if err := enc.Encode(snap); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// errStaleSnapshot: the snapshot was made from other YAML than is embedded.
var errStaleSnapshot = errors.New("built-in snapshot is stale")

// loadSnapshot builds the "builtin" layer from a snapshot made from the
// embedded YAML.
func loadSnapshot(b []byte) (*Layer, error) {
	// Hashing the YAML and decoding the snapshot are each a few
	// milliseconds of every start-up: they run side by side.
	type result struct {
		digest string
		err    error
	}
	digestc := make(chan result, 1)
	go func() {
		d, err := builtinDigest()
		digestc <- result{d, err}
	}()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		<-digestc
		return nil, err
	}
	var snap snapshot
	if err := gob.NewDecoder(zr).Decode(&snap); err != nil {
		<-digestc
		return nil, err
	}
	r := <-digestc
	digest, err := r.digest, r.err
	if err != nil {
		return nil, err
	}
	if snap.Digest != digest {
		return nil, errStaleSnapshot
	}
	l := &Layer{Name: "builtin"}
	var errs []error
	for _, sf := range snap.Files {
		file := "builtin:" + sf.Name
		l.Files = append(l.Files, file)
		f := File{Entries: make([]Entry, len(sf.Entries)), Disable: sf.Disable}
		pos := make([]entryPos, len(sf.Entries))
		for i, se := range sf.Entries {
			f.Entries[i] = se.Entry
			pos[i] = entryPos{line: se.Line, matchLines: se.MatchLines}
		}
		// Duplicate matchers were checked, and bodies parsed, when the
		// snapshot was made.
		errs = append(errs, l.compile(file, &f, pos, true)...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return l, nil
}
