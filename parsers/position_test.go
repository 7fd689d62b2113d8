package parsers

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestNegativePositionsClamped is the regression test for negative line and
// column numbers, which actionlint, rdjson, rdjsonl, sarif and shellcheck
// passed through to findings (found by TestHostileNumbers).
func TestNegativePositionsClamped(t *testing.T) {
	cases := []struct{ format, file, from, to string }{
		{"actionlint", "actionlint/nightly-scan.json", `"line":`, `"line":-7,"x":`},
		{"shellcheck", "shellcheck/release.sh.json1", `"line":`, `"line":-7,"x":`},
		{"sarif", "biome/cart.sarif", `"startLine": `, `"startLine":-7,"x": `},
		{"rdjson", "biome/cart.rdjson", `"line": `, `"line":-7,"x": `},
		{"rdjsonl", "biome/cart.rdjsonl", `"column":`, `"column":-7,"x":`},
	}
	for _, c := range cases {
		data, err := os.ReadFile(filepath.Join("../testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(c.from)) {
			t.Fatalf("%s has no %s", c.file, c.from)
		}
		in := bytes.ReplaceAll(data, []byte(c.from), []byte(c.to))
		fs, err := parseChecked(t, c.format, Options{}, in)
		if err != nil {
			t.Fatalf("%s: %v", c.format, err)
		}
		if len(fs) == 0 {
			t.Fatalf("%s: no findings", c.format)
		}
	}
}
