package parsers

import (
	"bytes"
	"os"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// benchText replicates a real shellcheck -f gcc output (testdata) to about
// n lines.
func benchText(b *testing.B, n int) []byte {
	b.Helper()
	one, err := os.ReadFile("../testdata/shellcheck-gcc/all-scripts.gcc")
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Count(one, []byte{'\n'})
	return bytes.Repeat(one, n/lines+1)
}

func benchParse(b *testing.B, format string, opts Options, input []byte) {
	ft, err := Lookup(format)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	b.ResetTimer()
	total := 0
	for i := 0; i < b.N; i++ {
		p, err := ft.New(opts)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Parse(bytes.NewReader(input), func(*translator.Finding) error { total++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "findings/s")
}

// BenchmarkEFMShellcheck parses 200k lines of real shellcheck output with the
// generic "%f:%l:%c: %m" pattern.
func BenchmarkEFMShellcheck(b *testing.B) {
	benchParse(b, "efm", Options{EFM: []string{"%f:%l:%c: %m"}, Tool: "lint"}, benchText(b, 200000))
}

// BenchmarkShellcheckGCC parses the same lines with the shellcheck-gcc
// format (severity words, code extraction).
func BenchmarkShellcheckGCC(b *testing.B) {
	benchParse(b, "shellcheck-gcc", Options{}, benchText(b, 200000))
}
