package parsers

import (
	"bytes"
	"os"
	"sort"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// BenchmarkFormats parses, per input format, the largest real tool output
// among the fixtures (go test ./parsers -run '^$' -bench Formats -benchmem).
// MB/s is over the fixture's bytes; findings/s is reported too.
func BenchmarkFormats(b *testing.B) {
	largest := map[string]fixtureCase{}
	sizes := map[string]int64{}
	for _, c := range fixtureCases(b) {
		st, err := os.Stat(c.Path)
		if err != nil {
			b.Fatal(err)
		}
		if st.Size() > sizes[c.Format] {
			largest[c.Format], sizes[c.Format] = c, st.Size()
		}
	}
	names := make([]string, 0, len(largest))
	for n := range largest {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		c := largest[name]
		data, err := os.ReadFile(c.Path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			n := 0
			for i := 0; i < b.N; i++ {
				p, err := New(c.Format, c.Opts)
				if err != nil {
					b.Fatal(err)
				}
				if err := p.Parse(bytes.NewReader(data), func(*translator.Finding) error { n++; return nil }); err != nil {
					b.Fatalf("%s: %v", c.Path, err)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "findings/s")
		})
	}
}
