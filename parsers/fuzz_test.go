package parsers

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
)

// Fuzz targets for every parser family. Run one with, e.g.,
//
//	go test ./parsers -run '^$' -fuzz '^FuzzParseJSONFormats$' -fuzztime 60s -parallel 1
//
// Without -fuzz, go test runs each target over its seeds (the real fixtures
// of testdata/*/ and the crashers kept in testdata/fuzz/<target>/), so every
// fixed crasher stays a regression test.

// structuredFormats are the formats read with a JSON, YAML or XML decoder;
// FuzzParseJSONFormats fuzzes them. Every other registered format is a line
// format and FuzzParseText fuzzes it, so a format added later is fuzzed by
// one of the two without touching this file (add structured ones here).
var structuredFormats = map[string]bool{
	"actionlint": true, "checkstyle": true, "conftest": true, "dockerfilelint": true,
	"gator": true, "gator-yaml": true, "kube-linter": true, "kube-score": true,
	"kubeconform": true, "kyverno": true, "polaris": true, "rdjson": true,
	"rdjsonl": true, "sarif": true, "shellcheck": true, "shellcheck-json": true,
	// Formats other branches add; harmless while they are not registered.
	"trivy": true, "tflint": true, "tfsec": true, "gitleaks": true, "checkov": true, "hadolint": true,
	"junit": true, "codequality": true,
}

// maxSeedBytes caps one seed: the fuzzer mutates small inputs far faster,
// and a prefix of a real fixture is still a realistic (truncated) input.
const maxSeedBytes = 16 << 10

// fixtureCase is one testdata case with the options it is parsed with.
type fixtureCase struct {
	Path   string // testdata/<folder>/<input>
	Format string // canonical format name
	Opts   Options
}

var (
	fixtureOnce  sync.Once
	fixtureList  []fixtureCase
	fixtureError error
)

// fixtureCases reads every testdata/*/cases*.yaml once.
func fixtureCases(tb testing.TB) []fixtureCase {
	tb.Helper()
	fixtureOnce.Do(func() {
		files, err := filepath.Glob("../testdata/*/cases*.yaml")
		if err != nil {
			fixtureError = err
			return
		}
		for _, cf := range files {
			raw, err := os.ReadFile(cf)
			if err != nil {
				fixtureError = err
				return
			}
			var gc goldenCases
			if err := yaml.Unmarshal(raw, &gc); err != nil {
				fixtureError = fmt.Errorf("%s: %w", cf, err)
				return
			}
			for _, c := range gc.Cases {
				f, err := Lookup(c.Format)
				if err != nil || c.Error != "" {
					continue // an unknown format, or a case that is meant to fail
				}
				fixtureList = append(fixtureList, fixtureCase{
					Path:   filepath.Join(filepath.Dir(cf), c.Input),
					Format: f.Name,
					Opts:   Options{Tool: c.Tool, EFM: c.EFM, BaseDir: c.BaseDir, File: c.Input},
				})
			}
		}
		sort.Slice(fixtureList, func(i, j int) bool { return fixtureList[i].Path < fixtureList[j].Path })
	})
	if fixtureError != nil {
		tb.Fatal(fixtureError)
	}
	if len(fixtureList) == 0 {
		tb.Fatal("no fixtures found under ../testdata")
	}
	return fixtureList
}

// fuzzOptions returns the options a format is fuzzed with: those of its
// first fixture (the efm format needs patterns), without BaseDir and File.
func fuzzOptions(tb testing.TB, format string) Options {
	for _, c := range fixtureCases(tb) {
		if c.Format == format && len(c.Opts.EFM) > 0 {
			return Options{Tool: c.Opts.Tool, EFM: c.Opts.EFM}
		}
	}
	if format == "efm" {
		return Options{EFM: []string{"%f:%l:%c: %m", "%f:%l: %m"}}
	}
	return Options{}
}

// familyFormats returns the canonical names of the structured (json=true)
// or line formats.
func familyFormats(structured bool) []string {
	var out []string
	for _, n := range Names() {
		if structuredFormats[n] == structured {
			out = append(out, n)
		}
	}
	return out
}

// readSeed reads a fixture, capped at maxSeedBytes.
func readSeed(tb testing.TB, path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if len(data) > maxSeedBytes {
		data = data[:maxSeedBytes]
	}
	return data
}

// parseChecked parses data as format and checks the properties every parser
// must keep whatever the input: no panic (the panic is reported with the
// format name); an error is a *ParseError naming the format and a line or
// byte offset; every finding is non-nil with non-negative positions, an end
// not before its start, a tool and a known severity.
func parseChecked(tb testing.TB, format string, opts Options, data []byte) (fs translator.Findings, err error) {
	tb.Helper()
	p, err := New(format, opts)
	if err != nil {
		tb.Fatalf("new %s parser: %v", format, err)
	}
	if fuzzing() {
		// Go's fuzzer has no per-input time limit: a parser stuck in a loop
		// would stall the run without saying which format or input. The
		// watchdog turns a hang into a crash with every goroutine's stack.
		w := time.AfterFunc(hangLimit, func() {
			debug.SetTraceback("all")
			panic(fmt.Sprintf("%s parser still running after %v on %d bytes %q", format, hangLimit, len(data), clipBytes(data, 200)))
		})
		defer w.Stop()
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				tb.Fatalf("%s parser panicked on %d bytes %q: %v", format, len(data), clipBytes(data, 200), r)
			}
		}()
		err = p.Parse(bytes.NewReader(data), func(f *translator.Finding) error {
			fs = append(fs, f)
			return nil
		})
	}()
	if err != nil {
		checkParseError(tb, format, err, int64(len(data)))
	}
	for i, f := range fs {
		checkFinding(tb, format, i, f)
	}
	return fs, err
}

// checkParseError asserts that err is a *ParseError naming the format and a
// place in an input of size n.
func checkParseError(tb testing.TB, format string, err error, n int64) {
	tb.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		tb.Fatalf("%s: error is not a *ParseError: %T %v", format, err, err)
	}
	if pe.Format == "" {
		tb.Fatalf("%s: ParseError without Format: %v", format, err)
	}
	if pe.Line <= 0 && pe.Offset < 0 {
		tb.Fatalf("%s: ParseError names neither a line nor a byte offset: %v", format, err)
	}
	if pe.Line < 0 || pe.Offset > n {
		tb.Fatalf("%s: ParseError position out of range (line %d, offset %d, input %d bytes): %v", format, pe.Line, pe.Offset, n, err)
	}
	if !strings.Contains(err.Error(), pe.Format) {
		tb.Fatalf("%s: error text does not name the format: %v", format, err)
	}
}

// checkFinding asserts the invariants of one emitted finding.
func checkFinding(tb testing.TB, format string, i int, f *translator.Finding) {
	tb.Helper()
	if f == nil {
		tb.Fatalf("%s: finding %d is nil", format, i)
	}
	l := f.Location
	if l.Line < 0 || l.Column < 0 || l.EndLine < 0 || l.EndColumn < 0 {
		tb.Errorf("%s: finding %d has a negative position %+v", format, i, l)
		return
	}
	if f.Tool == "" {
		tb.Fatalf("%s: finding %d has no tool: %+v", format, i, f)
	}
	if f.Severity == translator.SeverityUnknown {
		tb.Fatalf("%s: finding %d has no severity: %+v", format, i, f)
	}
}

// hangLimit is how long one parse may run while fuzzing before the
// watchdog in parseChecked reports a hang; far above any real parse.
const hangLimit = 20 * time.Second

// fuzzing reports whether go test runs with -fuzz (not just over seeds).
func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

func clipBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// addFamilySeeds adds the fixtures of the family's formats as seeds.
func addFamilySeeds(f *testing.F, structured bool) {
	seen := map[string]bool{}
	for _, c := range fixtureCases(f) {
		if structuredFormats[c.Format] != structured || seen[c.Path] {
			continue
		}
		seen[c.Path] = true
		f.Add(readSeed(f, c.Path))
	}
}

// fuzzFamily runs every format of a family over each input.
func fuzzFamily(f *testing.F, structured bool) {
	addFamilySeeds(f, structured)
	names := familyFormats(structured)
	if len(names) == 0 {
		f.Fatal("no formats in family")
	}
	opts := map[string]Options{}
	for _, n := range names {
		opts[n] = fuzzOptions(f, n)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, n := range names {
			parseChecked(t, n, opts[n], data)
		}
	})
}

// FuzzParseJSONFormats feeds fuzzed bytes to every JSON, YAML and XML format.
func FuzzParseJSONFormats(f *testing.F) { fuzzFamily(f, true) }

// FuzzParseText feeds fuzzed bytes to every line (errorformat) format.
func FuzzParseText(f *testing.F) { fuzzFamily(f, false) }

// FuzzDetect checks that Detect never panics, that a detected format parses
// the input it was detected from without panicking, and that its error (if
// any) keeps the ParseError contract.
func FuzzDetect(f *testing.F) {
	seen := map[string]bool{}
	for _, c := range fixtureCases(f) {
		if !seen[c.Path] {
			seen[c.Path] = true
			f.Add(readSeed(f, c.Path))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		head := data
		if len(head) > DetectSize {
			head = head[:DetectSize]
		}
		ff, err := Detect(head)
		if err != nil {
			if ff.Name != "" {
				t.Fatalf("Detect returned format %s with error %v", ff.Name, err)
			}
			return
		}
		if ff.Detect == nil || ff.Detect(head) == 0 {
			t.Fatalf("Detect picked %s, whose sniffer does not accept the input", ff.Name)
		}
		parseChecked(t, ff.Name, fuzzOptions(t, ff.Name), data)
	})
}

// TestFuzzFamiliesCoverEveryFormat makes sure no registered format escapes
// both fuzz targets and that every format has at least one fixture seed.
func TestFuzzFamiliesCoverEveryFormat(t *testing.T) {
	n := len(familyFormats(true)) + len(familyFormats(false))
	if n != len(Names()) {
		t.Fatalf("families hold %d formats, registry %d", n, len(Names()))
	}
	seeded := map[string]bool{}
	for _, c := range fixtureCases(t) {
		seeded[c.Format] = true
	}
	for _, name := range Names() {
		if !seeded[name] {
			t.Errorf("format %s has no fixture to seed its fuzz target", name)
		}
	}
}
