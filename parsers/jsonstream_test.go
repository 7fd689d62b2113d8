package parsers

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
)

// jsonFormats are the formats this file's tests cover, with one fixture
// each that has findings (used to build truncated and wrong-shape inputs).
var jsonFormats = map[string]string{
	"trivy":    "../testdata/trivy/fs-secret.json",
	"tflint":   "../testdata/tflint/edge-network.json",
	"tfsec":    "../testdata/tfsec/edge-network.json",
	"gitleaks": "../testdata/gitleaks/secrets.redacted.json",
	"checkov":  "../testdata/checkov/k8s-secrets-list.json",
	"hadolint": "../testdata/hadolint/quangh0409-pretty.json",
}

func parseBytes(t *testing.T, format string, data []byte, opts Options) (translator.Findings, error) {
	t.Helper()
	p, err := New(format, opts)
	if err != nil {
		t.Fatal(err)
	}
	var fs translator.Findings
	err = p.Parse(bytes.NewReader(data), func(f *translator.Finding) error {
		fs = append(fs, f)
		return nil
	})
	return fs, err
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestJSONFormatsRejectEmptyInput(t *testing.T) {
	for format := range jsonFormats {
		for _, in := range []string{"", "  \n\t\n"} {
			_, err := parseBytes(t, format, []byte(in), Options{File: "in.json"})
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, ErrEmptyInput) {
				t.Errorf("%s %q: want a ParseError wrapping ErrEmptyInput, got %v", format, in, err)
			}
		}
	}
}

// TestJSONFormatsRejectTruncatedInput cuts a real fixture at many points:
// every cut must give a *ParseError with a position, never a panic and never
// a silent success.
func TestJSONFormatsRejectTruncatedInput(t *testing.T) {
	for format, fixture := range jsonFormats {
		data := readFile(t, fixture)
		trimmed := bytes.TrimRight(data, " \n")
		for _, frac := range []float64{0.1, 0.33, 0.5, 0.77, 0.99} {
			cut := int(float64(len(trimmed)) * frac)
			_, err := parseBytes(t, format, trimmed[:cut], Options{File: "cut.json"})
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("%s cut at %d of %d: want *ParseError, got %v", format, cut, len(trimmed), err)
				continue
			}
			if pe.Format != format || pe.File != "cut.json" || pe.Line < 1 || pe.Offset < 0 {
				t.Errorf("%s cut at %d: error lacks format, file or position: %+v", format, cut, pe)
			}
			if !strings.Contains(err.Error(), "cut.json") {
				t.Errorf("%s: error %q does not name the file", format, err)
			}
		}
	}
}

// TestJSONFormatsRejectOtherShapes feeds every format the fixtures of the
// others: valid JSON of the wrong shape must be an error, not zero findings.
func TestJSONFormatsRejectOtherShapes(t *testing.T) {
	inputs := map[string]string{"conftest": "../testdata/trivy/not-trivy-conftest.json"}
	for f, p := range jsonFormats {
		inputs[f] = p
	}
	for format := range jsonFormats {
		for from, fixture := range inputs {
			if from == format {
				continue
			}
			data := readFile(t, fixture)
			fs, err := parseBytes(t, format, data, Options{File: filepath.Base(fixture)})
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("%s fed %s output: want *ParseError, got %d findings and %v", format, from, len(fs), err)
			}
		}
	}
}

func TestTruncatedErrorNamesLine(t *testing.T) {
	data := readFile(t, "../testdata/trivy/config-docker.json")
	cut := bytes.Index(data, []byte(`"DS-0002"`))
	if cut < 0 {
		t.Fatal("fixture changed: no DS-0002")
	}
	_, err := parseBytes(t, "trivy", data[:cut], Options{File: "docker.json"})
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("want *ParseError, got %v", err)
	}
	wantLine := bytes.Count(data[:cut], []byte{'\n'}) + 1
	if pe.Line != wantLine || pe.Offset != int64(cut) {
		t.Errorf("got line %d byte %d, want line %d byte %d (%v)", pe.Line, pe.Offset, wantLine, cut, err)
	}
}

func TestSyntaxErrorNamesLine(t *testing.T) {
	for _, format := range []string{"tflint", "gitleaks", "trivy", "hadolint"} {
		data := readFile(t, jsonFormats[format])
		// Break the JSON in its second half: one colon becomes a semicolon.
		i := len(data)/2 + bytes.Index(data[len(data)/2:], []byte(`":`)) + 1
		bad := append(append(append([]byte{}, data[:i]...), ';'), data[i+1:]...)
		_, err := parseBytes(t, format, bad, Options{File: "bad.json"})
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("%s: want *ParseError, got %v", format, err)
		}
		if want := bytes.Count(bad[:i], []byte{'\n'}) + 1; pe.Line != want {
			t.Errorf("%s: got line %d, want %d (%v)", format, pe.Line, want, err)
		}
	}
}

// caseFile is a fixture listed in a cases.yaml, with the format it is in.
type caseFile struct {
	path, format string
}

// allCases lists every fixture of every tool under testdata (other helpers'
// formats included once merged) that is expected to parse.
func allCases(t *testing.T) []caseFile {
	t.Helper()
	files, err := filepath.Glob("../testdata/*/cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var out []caseFile
	for _, cf := range files {
		var gc goldenCases
		if err := yaml.Unmarshal(readFile(t, cf), &gc); err != nil {
			t.Fatalf("%s: %v", cf, err)
		}
		for _, c := range gc.Cases {
			if c.Error != "" {
				continue
			}
			out = append(out, caseFile{filepath.Join(filepath.Dir(cf), c.Input), c.Format})
		}
	}
	return out
}

func head(t *testing.T, name string) []byte {
	b := readFile(t, name)
	if len(b) > DetectSize {
		b = b[:DetectSize]
	}
	return b
}

// testDetect checks that Detect picks format for each of its fixtures (an
// empty "[]", printed by several tools, is not expected to be detected) and
// that its sniffer claims no fixture of another format.
func testDetect(t *testing.T, format string) {
	t.Helper()
	f, err := Lookup(format)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range allCases(t) {
		h := head(t, c.path)
		lf, _ := Lookup(c.format)
		if lf.Name == format {
			if string(bytes.TrimSpace(h)) == "[]" {
				continue
			}
			n++
			got, err := Detect(h)
			if err != nil || got.Name != format {
				t.Errorf("Detect(%s) = %q, %v; want %s", c.path, got.Name, err, format)
			}
			continue
		}
		if s := f.Detect(h); s > 0 {
			t.Errorf("%s sniffer scores %d on %s (a %s fixture)", format, s, c.path, c.format)
		}
	}
	if n == 0 {
		t.Fatalf("no %s fixtures found", format)
	}
}
