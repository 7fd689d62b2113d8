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

// Tests shared by conftest.go, sarif.go, checkstyle.go and rdjson.go:
// auto-detection of every fixture and bad input.

// psParse runs a format over data and collects what it emits.
func psParse(t *testing.T, format string, opts Options, data []byte) (translator.Findings, error) {
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

func psRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// psFixtureDirs are the testdata folders of these formats.
var psFixtureDirs = []string{
	"conftest", "conftest-sarif", "trivy-sarif", "tflint-sarif", "kube-linter-sarif",
	"kube-score-sarif", "gitleaks-sarif", "tfsec-sarif", "checkov-sarif",
	"tflint-checkstyle", "tfsec-checkstyle", "shellcheck-checkstyle", "biome",
	// The inputs issue 11 added.
	"conftest-github", "yamllint-github", "actionlint-github", "actionlint-sarif",
	"conftest-junit", "kubeconform-junit", "tflint-junit", "gitleaks-junit",
	"conftest-tap", "kubeconform-tap", "golangci-lint-codequality", "tfsec-junit",
}

// TestDetectFixtures checks that every fixture is auto-detected as the
// format its cases.yaml gives, from its first DetectSize bytes.
func TestDetectFixtures(t *testing.T) {
	n := 0
	for _, dir := range psFixtureDirs {
		var gc goldenCases
		if err := yaml.Unmarshal(psRead(t, filepath.Join(dir, "cases.yaml")), &gc); err != nil {
			t.Fatal(err)
		}
		for _, c := range gc.Cases {
			head := psRead(t, filepath.Join(dir, c.Input))
			if len(head) > DetectSize {
				head = head[:DetectSize]
			}
			want, err := Lookup(c.Format)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Detect(head)
			if err != nil {
				t.Errorf("%s/%s: %v", dir, c.Input, err)
				continue
			}
			if got.Name != want.Name {
				t.Errorf("%s/%s: detected %s, want %s", dir, c.Input, got.Name, want.Name)
			}
			n++
		}
	}
	if n < 50 {
		t.Errorf("only %d fixtures detected; cases.yaml files missing?", n)
	}
}

// TestDetectLargeSARIFHead: trivy's k8s SARIF is 190 KB; its first 64 KiB
// end inside "runs", and must still be recognised.
func TestDetectLargeSARIFHead(t *testing.T) {
	data := psRead(t, "trivy-sarif/config-k8s-shop.sarif")
	if len(data) <= DetectSize {
		t.Fatalf("fixture too small (%d bytes) for this test", len(data))
	}
	if s := detectSARIF(data[:DetectSize]); s != 2 {
		t.Errorf("detectSARIF = %d on a cut head, want 2", s)
	}
	for _, d := range []func([]byte) int{detectConftest, detectCheckstyle, detectRDJSON, detectRDJSONL} {
		if s := d(data[:DetectSize]); s != 0 {
			t.Errorf("another detector claims trivy SARIF with score %d", s)
		}
	}
}

// psBadInput names, per format, a real fixture and a real input of another
// format.
var psBadInput = []struct {
	format, fixture, wrong string
}{
	{"conftest", "conftest/k8s-shop.json", "trivy-sarif/fs-secret.sarif"},
	{"sarif", "trivy-sarif/fs-secret.sarif", "conftest/tfplan.json"},
	{"sarif", "tflint-sarif/storefront-assets.sarif", "biome/cart.rdjson"},
	{"checkstyle", "shellcheck-checkstyle/release.sh.checkstyle", "conftest/tfplan.json"},
	{"rdjson", "biome/cart.rdjson", "tflint-sarif/edge-network.sarif"},
	{"rdjsonl", "biome/cart.rdjsonl", "tflint-sarif/edge-network.sarif"},
}

func psWantParseError(t *testing.T, err error, format string) *ParseError {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("want *ParseError, got %T %v", err, err)
	}
	if pe.Format != format || !strings.Contains(err.Error(), "parse "+format+" input") {
		t.Errorf("error does not name format %s: %v", format, err)
	}
	if pe.Line <= 0 && pe.Offset < 0 {
		t.Errorf("error names neither line nor offset: %v", err)
	}
	if !strings.Contains(err.Error(), "x.in") {
		t.Errorf("error does not name the file: %v", err)
	}
	return pe
}

func TestBadInputTruncated(t *testing.T) {
	for _, c := range psBadInput {
		t.Run(c.format+"/"+c.fixture, func(t *testing.T) {
			data := psRead(t, c.fixture)
			_, err := psParse(t, c.format, Options{File: "x.in"}, data[:len(data)/2])
			psWantParseError(t, err, c.format)
		})
	}
}

func TestBadInputEmpty(t *testing.T) {
	for _, c := range psBadInput {
		for _, in := range []string{"", " \n\t\n"} {
			fs, err := psParse(t, c.format, Options{File: "x.in"}, []byte(in))
			psWantParseError(t, err, c.format)
			if !errors.Is(err, ErrEmptyInput) {
				t.Errorf("%s %q: want ErrEmptyInput, got %v", c.format, in, err)
			}
			if len(fs) != 0 {
				t.Errorf("%s: findings from empty input", c.format)
			}
		}
	}
}

func TestBadInputWrongFormat(t *testing.T) {
	for _, c := range psBadInput {
		t.Run(c.format+"/"+c.wrong, func(t *testing.T) {
			fs, err := psParse(t, c.format, Options{File: "x.in"}, psRead(t, c.wrong))
			psWantParseError(t, err, c.format)
			if len(fs) != 0 {
				t.Errorf("%d findings from a %s input", len(fs), c.wrong)
			}
		})
	}
	// tflint's own JSON (its clean output, as in
	// shared/fixtures/outputs/tflint/observability-clean.json) is valid
	// JSON with no "runs": not an empty SARIF log.
	_, err := psParse(t, "sarif", Options{File: "x.in"}, []byte(`{"issues":[],"errors":[]}`))
	psWantParseError(t, err, "sarif")
	_, err = psParse(t, "rdjson", Options{File: "x.in"}, []byte(`{"issues":[],"errors":[]}`))
	psWantParseError(t, err, "rdjson")
}

// TestBadInputEveryCut feeds every prefix (in steps) of small fixtures:
// never a panic, and either a clean parse or a *ParseError.
func TestBadInputEveryCut(t *testing.T) {
	for _, c := range []struct{ format, fixture string }{
		{"conftest", "conftest/tfplan.json"},
		{"sarif", "conftest-sarif/tfplan.sarif"},
		{"sarif", "checkov-sarif/vpc-endpoints.sarif"},
		{"checkstyle", "tfsec-checkstyle/edge-network.checkstyle"},
		{"rdjson", "biome/cart.rdjson"},
		{"rdjsonl", "biome/cart.rdjsonl"},
	} {
		data := psRead(t, c.fixture)
		for n := 0; n < len(data); n += 7 {
			_, err := psParse(t, c.format, Options{}, data[:n])
			var pe *ParseError
			if err != nil && !errors.As(err, &pe) {
				t.Fatalf("%s cut at %d: %T %v", c.fixture, n, err, err)
			}
		}
	}
}
