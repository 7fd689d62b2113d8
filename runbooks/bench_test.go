package runbooks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// benchFindings loads the normalised findings of every parser golden file
// (real tool output), so the benchmark renders the built-in catalog's real
// mix of specific entries, per-tool defaults and the fallback.
func benchFindings(b *testing.B) []translator.Finding {
	b.Helper()
	paths, err := filepath.Glob("../testdata/*/*.golden.json")
	if err != nil {
		b.Fatal(err)
	}
	var out []translator.Finding
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		var fs []translator.Finding
		if err := json.Unmarshal(data, &fs); err != nil {
			continue // not a findings golden
		}
		out = append(out, fs...)
	}
	if len(out) < 100 {
		b.Fatalf("only %d findings in the goldens", len(out))
	}
	return out
}

func benchCatalog(b *testing.B) *Catalog {
	b.Helper()
	l, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	return Merge(l)
}

// BenchmarkApply renders the built-in catalog over the goldens' findings;
// bytes/s counts the rendered bodies.
func BenchmarkApply(b *testing.B) {
	fs, c := benchFindings(b), benchCatalog(b)
	run(b, c, fs)
}

// BenchmarkApplyFallback renders only the fallback entry (tool "lint", no
// code): what scripts/bench measures with --efm.
func BenchmarkApplyFallback(b *testing.B) {
	fs, c := benchFindings(b), benchCatalog(b)
	for i := range fs {
		fs[i].Tool, fs[i].Code, fs[i].Aliases = "lint", "", nil
	}
	run(b, c, fs)
}

func run(b *testing.B, c *Catalog, fs []translator.Finding) {
	var bytes int64
	for i := range fs {
		f := fs[i]
		c.Apply(&f)
		bytes += int64(len(f.Runbook.Body))
	}
	b.SetBytes(bytes / int64(len(fs)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := fs[i%len(fs)]
		c.Apply(&f)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "findings/s")
}

// BenchmarkApplyUnique gives every finding its own message, so no body is
// ever memoised: the cost of template execution itself.
func BenchmarkApplyUnique(b *testing.B) {
	fs, c := benchFindings(b), benchCatalog(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := fs[i%len(fs)]
		f.Message += " #" + strconv.Itoa(i)
		c.Apply(&f)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "findings/s")
}

// BenchmarkApplyNoMemo is BenchmarkApply with the memo off (the cost before
// it existed, minus the markdown.Code fix).
func BenchmarkApplyNoMemo(b *testing.B) {
	memoEnabled = false
	defer func() { memoEnabled = true }()
	BenchmarkApply(b)
}

// BenchmarkBuiltinLoad is the catalog's share of start-up: loading and
// merging the embedded catalog.
func BenchmarkBuiltinLoad(b *testing.B) {
	for i := 0; i < b.N; i++ {
		l, err := Builtin()
		if err != nil {
			b.Fatal(err)
		}
		Merge(l)
	}
}

// BenchmarkApplyJSONUnique is BenchmarkApplyUnique for a -r json run: each
// body rendered straight into its JSON form (JSONStage), its buffer given
// back once written, as the streamed sink does. Half the findings are
// read as with --efm (tool "lint", no code: the fallback, whose message is
// written through writeField), the others keep their real entries (the
// ignore example's JSON form).
func BenchmarkApplyJSONUnique(b *testing.B) {
	fs, c := benchFindings(b), benchCatalog(b)
	for i := 0; i < len(fs); i += 2 {
		fs[i].Tool, fs[i].Code, fs[i].Aliases = "lint", "", nil
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := fs[i%len(fs)]
		f.Message += " [#" + strconv.Itoa(i) + "]"
		c.apply(&f, true)
		f.Runbook.ReleaseBody()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "findings/s")
}
