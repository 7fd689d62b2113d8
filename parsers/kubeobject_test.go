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

// parseWith parses data with a registered format, as the review command does.
func parseWith(t *testing.T, format string, data []byte, opts Options) (translator.Findings, error) {
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
	fs.Sort()
	fs.AssignFingerprints()
	return fs, err
}

// readFixture reads testdata/<tool>/<name>.
func readFixture(t *testing.T, tool, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", tool, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantParseError checks that err is a *ParseError naming format and a
// position (line or byte offset).
func wantParseError(t *testing.T, what, format string, fs translator.Findings, err error) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("%s: want *ParseError, got %v (%d findings)", what, err, len(fs))
	}
	if pe.Format != format {
		t.Errorf("%s: error names format %q, want %q", what, pe.Format, format)
	}
	if pe.Line <= 0 && pe.Offset < 0 {
		t.Errorf("%s: error has neither line nor offset: %v", what, err)
	}
	if !strings.Contains(err.Error(), "parse "+format+" input") {
		t.Errorf("%s: message %q does not name the format", what, err)
	}
}

// checkBadInput feeds a format a truncated real fixture (cut at cut bytes,
// or in the middle when cut is 0), empty input and a wrong document; each
// must be a *ParseError, never a silent zero findings or a panic.
func checkBadInput(t *testing.T, format, tool, fixture string, cut int, wrongShape ...string) {
	t.Helper()
	data := readFixture(t, tool, fixture)
	if cut == 0 {
		cut = len(data) / 2
	}
	fs, err := parseWith(t, format, data[:cut], Options{File: fixture})
	wantParseError(t, "truncated", format, fs, err)
	for _, empty := range []string{"", " \n\t\n"} {
		fs, err := parseWith(t, format, []byte(empty), Options{File: "empty"})
		wantParseError(t, "empty", format, fs, err)
		if !errors.Is(err, ErrEmptyInput) {
			t.Errorf("empty input: want ErrEmptyInput, got %v", err)
		}
	}
	for _, w := range wrongShape {
		fs, err := parseWith(t, format, []byte(w), Options{File: "wrong"})
		wantParseError(t, "wrong shape "+w, format, fs, err)
	}
}

// checkDetected runs Detect on the head of every fixture of testdata/<tool>
// whose case uses format, except the listed undetectable ones (clean runs
// printing "null" or "[]", which no sniffer can attribute).
func checkDetected(t *testing.T, tool, format string, undetectable ...string) {
	t.Helper()
	raw := readFixture(t, tool, "cases.yaml")
	var gc goldenCases
	if err := yaml.Unmarshal(raw, &gc); err != nil {
		t.Fatal(err)
	}
	skip := map[string]bool{}
	for _, u := range undetectable {
		skip[u] = true
	}
	n := 0
	for _, c := range gc.Cases {
		if c.Format != format || c.Error != "" {
			continue
		}
		data := readFixture(t, tool, c.Input)
		if len(data) > DetectSize {
			data = data[:DetectSize]
		}
		got, err := Detect(data)
		if skip[c.Input] {
			if err == nil && got.Name == format {
				t.Errorf("%s: detected as %s, but is listed as undetectable", c.Input, format)
			}
			continue
		}
		n++
		if err != nil {
			t.Errorf("%s: %v", c.Input, err)
			continue
		}
		if got.Name != format {
			t.Errorf("%s: detected %s, want %s", c.Input, got.Name, format)
		}
	}
	if n == 0 {
		t.Fatalf("no %s fixture in testdata/%s", format, tool)
	}
}

func TestKubeResource(t *testing.T) {
	for _, tc := range []struct{ kind, ns, name, want string }{
		{"Deployment", "shop", "web", "Deployment/web"},
		{"ClusterRole", "", "reader", "ClusterRole/reader"},
		{"", "", "", ""},
	} {
		if got := kubeResource(tc.kind, tc.ns, tc.name); got != tc.want {
			t.Errorf("kubeResource(%q, %q, %q) = %q, want %q", tc.kind, tc.ns, tc.name, got, tc.want)
		}
	}
}
