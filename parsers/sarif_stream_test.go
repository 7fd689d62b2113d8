package parsers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// The jsontext reader (sarif_stream.go) against the encoding/json one it
// replaced (sarif_legacy_test.go): the same findings from every SARIF file
// of the repository's testdata, and an error from one exactly when the
// other gives one, on the files, on every cut of them and on fuzzed input.

// sarifDiffOptions are the options each input is read with: no base
// directory, and one that makes results wait for their base URIs.
var sarifDiffOptions = []Options{{File: "x.sarif"}, {File: "x.sarif", BaseDir: "/ci/workspace"}}

// sarifTestFiles lists the SARIF files under the repository's testdata
// folders (the fixtures of every tool, the SARIF SDK and tutorial samples).
func sarifTestFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, root := range []string{"../testdata", "../runbooks/testdata", "../cmd/runbook-translator/testdata"} {
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) {
					return filepath.SkipDir
				}
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(p, ".sarif") || strings.HasSuffix(p, ".sarif.json")) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) < 100 {
		t.Fatalf("only %d SARIF files found", len(files))
	}
	return files
}

// sarifParseWith runs one of the two readers behind the input guard, as
// Register does for the registered parser.
func sarifParseWith(parse func(Options, io.Reader, func(*translator.Finding) error) error, opts Options, data []byte) ([]*translator.Finding, error) {
	var fs []*translator.Finding
	err := parse(opts, newInputGuard(bytes.NewReader(data), "sarif", opts.File), func(f *translator.Finding) error {
		fs = append(fs, f)
		return nil
	})
	return fs, err
}

// sarifDiff compares the two readers on data; "" when they agree.
func sarifDiff(opts Options, data []byte) string {
	newFs, newErr := sarifParseWith(parseSARIF, opts, data)
	oldFs, oldErr := sarifParseWith(legacyParseSARIF, opts, data)
	var pe *ParseError
	switch {
	case newErr != nil && !errors.As(newErr, &pe):
		return fmt.Sprintf("error %T is not a *ParseError: %v", newErr, newErr)
	case newErr != nil && pe.Line <= 0 && pe.Offset < 0:
		return fmt.Sprintf("error names neither line nor offset: %v", newErr)
	case (newErr == nil) != (oldErr == nil):
		return fmt.Sprintf("error %v, encoding/json reader: %v", newErr, oldErr)
	case newErr != nil:
		return "" // the findings before an error may differ: they are held differently
	case len(newFs) != len(oldFs):
		return fmt.Sprintf("%d findings, encoding/json reader %d", len(newFs), len(oldFs))
	}
	for i := range newFs {
		if !reflect.DeepEqual(newFs[i], oldFs[i]) {
			return fmt.Sprintf("finding %d:\n%+v\nencoding/json reader:\n%+v", i, *newFs[i], *oldFs[i])
		}
	}
	return ""
}

func TestSARIFStreamMatchesEncodingJSON(t *testing.T) {
	for _, file := range sarifTestFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, opts := range sarifDiffOptions {
			if d := sarifDiff(opts, data); d != "" {
				t.Errorf("%s (base dir %q): %s", file, opts.BaseDir, d)
			}
			// Cuts: truncated logs, and the bytes around every kind of
			// token end up at the end of the input.
			step := len(data)/40 + 1
			for n := 0; n < len(data); n += step {
				if d := sarifDiff(opts, data[:n]); d != "" {
					t.Errorf("%s cut at %d (base dir %q): %s", file, n, opts.BaseDir, d)
				}
			}
		}
	}
}

// TestSARIFStreamSpill reads a log whose results wait for base URIs given
// after them and are more than maxPendingInMemory bytes, so that part of
// them is held in the temporary file.
func TestSARIFStreamSpill(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Trivy","rules":[{"id":"R1","shortDescription":{"text":"Rule one"}}]}},"results":[`)
	const n = 30000
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"ruleId":"R1","ruleIndex":0,"level":"error","message":{"text":"Artifact: a\nMessage: finding %d with some padding to make the held results larger than the memory they may use %s"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"dir-%d/f.yaml","uriBaseId":"ROOTPATH"},"region":{"startLine":%d}}}]}`,
			i, strings.Repeat("x", 80), i%50, i%1000+1)
	}
	b.WriteString(`],"originalUriBaseIds":{"ROOTPATH":{"uri":"file:///ci/workspace/k8s/"}}}]}`)
	data := []byte(b.String())
	if len(data) < 2*maxPendingInMemory {
		t.Fatalf("log of %d bytes does not spill", len(data))
	}
	opts := Options{File: "x.sarif", BaseDir: "/ci/workspace"}
	fs, err := sarifParseWith(parseSARIF, opts, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != n {
		t.Fatalf("%d findings, want %d", len(fs), n)
	}
	for i, f := range fs {
		if want := fmt.Sprintf("k8s/dir-%d/f.yaml", i%50); f.Path != want || f.Line != i%1000+1 || !strings.Contains(f.Message, fmt.Sprintf("finding %d ", i)) {
			t.Fatalf("finding %d: %s:%d %q, want %s:%d", i, f.Path, f.Line, f.Message, want, i%1000+1)
		}
	}
	if d := sarifDiff(opts, data); d != "" {
		t.Error(d)
	}
	// A type error in a held result names its byte and line.
	bad := bytes.Replace(data, []byte(`"startLine":999}`), []byte(`"startLine":"999"}`), 1)
	i := bytes.Index(bad, []byte(`"startLine":"999"`))
	_, err = sarifParseWith(parseSARIF, opts, bad)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Offset < int64(i) || pe.Offset > int64(i)+20 || !strings.Contains(err.Error(), "startLine") {
		t.Fatalf("want a ParseError at byte %d naming startLine, got %v", i, err)
	}
}

// TestSARIFStreamErrorLines checks the line and byte of errors in a
// pretty-printed log: a syntax error and a type error.
func TestSARIFStreamErrorLines(t *testing.T) {
	log := "{\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\"driver\": {\"name\": \"x\"}},\n      \"results\": [\n        {\"ruleId\": \"a\", \"message\": {\"text\": \"m\"}},\n        {\"ruleId\": \"b\", \"ruleIndex\": \"1\"}\n      ]\n    }\n  ]\n}\n"
	_, err := sarifParseWith(parseSARIF, Options{File: "x.sarif"}, []byte(log))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 8 || !strings.Contains(err.Error(), `"ruleIndex" must be a whole number, not a string`) {
		t.Errorf("type error: %v (line %d)", err, pe.Line)
	}
	syn := strings.Replace(log, `"m"}},`, `"m"}} x`, 1)
	_, err = sarifParseWith(parseSARIF, Options{File: "x.sarif"}, []byte(syn))
	if !errors.As(err, &pe) || pe.Line != 7 || pe.Offset != int64(strings.Index(syn, " x")+1) {
		t.Errorf("syntax error: %v (line %d, byte %d), want line 7 byte %d", err, pe.Line, pe.Offset, strings.Index(syn, " x")+1)
	}
}

// FuzzSARIFStream checks the jsontext reader against the encoding/json
// one on fuzzed logs: no panic, a *ParseError for bad input, and the same
// findings when both read the input.
//
//	go test ./parsers -run '^$' -fuzz '^FuzzSARIFStream$' -fuzztime 60s -parallel 1
func FuzzSARIFStream(f *testing.F) {
	for _, file := range sarifTestFiles(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) > maxSeedBytes {
			continue
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range sarifDiffOptions {
			if d := sarifDiff(opts, data); d != "" {
				t.Fatalf("base dir %q: %s", opts.BaseDir, d)
			}
		}
	})
}
