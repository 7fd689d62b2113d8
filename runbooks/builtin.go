package runbooks

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// builtinFS is the built-in catalog, embedded in the binary.
//
//go:embed builtin/*.yaml
var builtinFS embed.FS

// builtinSnapshot is the built-in catalog decoded once, at development
// time, into the lazily read format of snapshot.go: start-up reads an
// index of ids and matchers, and an entry's title, body, fixes and examples
// are decoded when a finding first matches it. Parsing 2 MB of YAML took
// most of a second at every start-up; decoding all of a gzipped gob
// snapshot still took ~15 ms. TestBuiltinSnapshotIsCurrent keeps it equal
// to the YAML (go test ./runbooks -run BuiltinSnapshot -update-builtin).
//
//go:embed builtin.snapshot.bin
var builtinSnapshot string

// builtinSnapshotFile is the snapshot's name in the source tree.
const builtinSnapshotFile = "builtin.snapshot.bin"

// Builtin loads the embedded catalog (runbooks/builtin/*.yaml, in name
// order) as the layer "builtin". Entry sources read
// "builtin:<file>:<line>". It fails only if the embedded files are invalid,
// which TestBuiltin prevents.
//
// It reads the snapshot, and the YAML itself when the snapshot does not
// read or was made from YAML files of other names or sizes. Hashing the
// YAML at every start-up (a few ms) is left to TestBuiltinSnapshotIsCurrent,
// which fails on any difference: the sizes catch an edited catalog whose
// snapshot was not regenerated in a development build, at no cost.
func Builtin() (*Layer, error) {
	if l, err := loadSnapshot(builtinSnapshot); err == nil {
		return l, nil
	}
	return builtinFromYAML()
}

func builtinFromYAML() (*Layer, error) {
	l, err := loadFS(builtinFS, "builtin", "builtin", "builtin:")
	if err == nil && len(l.values) > 0 {
		// The snapshot holds no values, and the defaults are the
		// organisation's to set (values.go).
		return nil, fmt.Errorf("load runbooks: the built-in catalog sets values: %s", strings.Join(l.values.Names(), ", "))
	}
	return l, err
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
	var files []snapInput
	var all []string
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
		in := snapInput{name: n, size: int64(len(data)), entries: f.Entries, disable: f.Disable,
			pos: make([]entryPos, len(f.Entries))}
		nodes := entryNodes(data, len(f.Entries))
		for i := range f.Entries {
			e := &f.Entries[i]
			p := &in.pos[i]
			if nodes[i] != nil {
				p.line, p.matchLines = nodes[i].Line, matchLines(nodes[i])
			}
			// As the YAML loader does: a matcher without a line of its
			// own has the entry's.
			for len(p.matchLines) < len(e.Match) {
				p.matchLines = append(p.matchLines, p.line)
			}
			e.Source = "builtin:" + n + ":" + strconv.Itoa(p.line)
			all = append(all, e.Body)
		}
		files = append(files, in)
	}
	return encodeSnapshot(digest, files, snapDictionary(all))
}

// snapDictionary picks the records' preset dictionary: the lines that
// recur most across bodies (the exception how-to, the ignore example),
// most frequent last, where flate finds the nearest matches cheapest.
func snapDictionary(bodies []string) []byte {
	count := map[string]int{}
	for _, b := range bodies {
		for _, line := range strings.SplitAfter(b, "\n") {
			if len(line) >= 16 {
				count[line]++
			}
		}
	}
	type lc struct {
		line string
		n    int
	}
	var lines []lc
	for l, n := range count {
		if n >= 3 {
			lines = append(lines, lc{l, n})
		}
	}
	// By bytes saved, then text: deterministic.
	sort.Slice(lines, func(i, j int) bool {
		si, sj := lines[i].n*len(lines[i].line), lines[j].n*len(lines[j].line)
		if si != sj {
			return si > sj
		}
		return lines[i].line < lines[j].line
	})
	var picked []string
	size := 0
	for _, l := range lines {
		if size+len(l.line) > snapDictSize {
			continue
		}
		picked = append(picked, l.line)
		size += len(l.line)
	}
	var out []byte
	for i := len(picked) - 1; i >= 0; i-- {
		out = append(out, picked[i]...)
	}
	return out
}

// loadSnapshot builds the "builtin" layer from a snapshot made from the
// embedded YAML: one whose files have the embedded files' names and sizes.
func loadSnapshot(s string) (*Layer, error) {
	h, _, err := readHeader(s)
	if err != nil {
		return nil, err
	}
	ents, err := fs.ReadDir(builtinFS, "builtin")
	if err != nil {
		return nil, err
	}
	i := 0
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !(strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml")) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, err
		}
		if i >= len(h.files) || h.files[i].name != n || h.files[i].size != info.Size() {
			return nil, errStaleSnapshot
		}
		i++
	}
	if i != len(h.files) {
		return nil, errStaleSnapshot
	}
	return openSnapshot(s)
}

// errStaleSnapshot: the snapshot was made from other YAML than is embedded.
var errStaleSnapshot = errors.New("built-in snapshot is stale")
