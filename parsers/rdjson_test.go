package parsers

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/patch"
)

func TestRDJSONFixtureFacts(t *testing.T) {
	for _, format := range []string{"rdjson", "rdjsonl"} {
		input := "biome/cart." + format
		fs, err := psParse(t, format, Options{}, psRead(t, input))
		if err != nil {
			t.Fatal(err)
		}
		// The first diagnostic biome printed: noUnusedVariables at 8:7-8:13.
		f := fs[0]
		if f.Tool != "biome" || f.Code != "lint/correctness/noUnusedVariables" || f.Path != "src/cart.js" ||
			f.Line != 8 || f.Column != 7 || f.EndLine != 8 || f.EndColumn != 13 ||
			f.Severity != translator.SeverityWarning || f.ToolSeverity != "WARNING" ||
			f.URL != "https://biomejs.dev/linter/rules/no-unused-variables" {
			t.Errorf("%s first: %+v", input, f)
		}
	}
}

// TestRDJSONLLongLine: a line far over bufio.Scanner's 64 KiB default must
// be read whole, and the lines after it too.
func TestRDJSONLLongLine(t *testing.T) {
	lines := bytes.SplitAfter(psRead(t, "biome/cart.rdjsonl"), []byte("\n"))
	var d map[string]any
	if err := json.Unmarshal(lines[1], &d); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("a long message ", 10000) // 150 KB
	d["message"] = long
	b, _ := json.Marshal(d)
	lines[1] = append(b, '\n')
	fs, err := psParse(t, "rdjsonl", Options{}, bytes.Join(lines, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 4 || fs[1].Message != long {
		t.Fatalf("got %d findings; long message intact: %v", len(fs), len(fs) > 1 && fs[1].Message == long)
	}
}

func TestRDJSONLBadLine(t *testing.T) {
	data := psRead(t, "biome/cart.rdjsonl")
	lines := bytes.SplitAfter(data, []byte("\n"))
	off := len(lines[0]) + len(lines[1])
	lines[2] = []byte("{\"message\": \"cut\n")
	fs, err := psParse(t, "rdjsonl", Options{File: "x.in"}, bytes.Join(lines, nil))
	pe := psWantParseError(t, err, "rdjsonl")
	if pe.Line != 3 || pe.Offset != int64(off) {
		t.Errorf("line %d offset %d, want 3 and %d: %v", pe.Line, pe.Offset, off, err)
	}
	if len(fs) != 2 {
		t.Errorf("%d findings before the bad line, want 2", len(fs))
	}
	// A JSON line that is no diagnostic.
	_, err = psParse(t, "rdjsonl", Options{File: "x.in"}, []byte("\n{\"issues\": []}\n"))
	if pe = psWantParseError(t, err, "rdjsonl"); pe.Line != 2 {
		t.Errorf("line %d, want 2", pe.Line)
	}
}

// TestRDJSONSeverities: the proto enum may come as a name or a number, per
// diagnostic or for the whole result; unknown reads as a warning. Literals
// follow reviewdog's proto/rdf/reviewdog.proto.
func TestRDJSONSeverities(t *testing.T) {
	in := `{"source": {"name": "Super Lint"}, "severity": "INFO", "diagnostics": [
	  {"message": "a", "location": {"path": "/repo/a.go"}, "severity": 1},
	  {"message": "b", "location": {"path": "b.go"}},
	  {"message": "c", "location": {"path": "c.go"}, "severity": "UNKNOWN_SEVERITY", "source": {"name": "other"}},
	  {"message": "", "code": {"value": "X1"}, "location": {"path": "d.go"}, "severity": "warning"}]}`
	fs, err := psParse(t, "rdjson", Options{BaseDir: "/repo"}, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		sev       translator.Severity
		tool, msg string
	}{
		{translator.SeverityError, "super-lint", "a"},
		{translator.SeverityInfo, "super-lint", "b"},
		{translator.SeverityInfo, "other", "c"}, // falls back to the result's INFO
		{translator.SeverityWarning, "super-lint", "X1"},
	}
	for i, w := range want {
		if fs[i].Severity != w.sev || fs[i].Tool != w.tool || fs[i].Message != w.msg {
			t.Errorf("%d: %+v", i, fs[i])
		}
	}
	if fs[0].Path != "a.go" {
		t.Errorf("BaseDir not applied: %q", fs[0].Path)
	}
	_, err = psParse(t, "rdjson", Options{}, []byte(`{"diagnostics": [{"location": {"path": "a"}}]}`))
	psWantParseErrorNoFile(t, err, "rdjson")
}

func psWantParseErrorNoFile(t *testing.T, err error, format string) {
	t.Helper()
	if pe, ok := err.(*ParseError); !ok || pe.Format != format {
		t.Errorf("want a %s ParseError, got %v", format, err)
	}
}

// TestRDJSONSuggestionsApply applies the first suggestion of each of
// reviewdog's own suggestion tests to the file they are about and checks
// the line each message describes.
func TestRDJSONSuggestionsApply(t *testing.T) {
	dir := "../testdata/rdjson-suggestions"
	fs, err := parseFile(filepath.Join(dir, "suggestions.jsonl"), goldenCase{Format: "rdjsonl", Tool: "suggestion-test"})
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(dir, "suggestions.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"range suggestion test (replace)":           "haya14busa (replace)",
		"range suggestion test (insert)":            "haya14busa (insert)",
		"range suggestion test (remove)":            "hayabusa (remove)",
		"range suggestion test (remove line-break)": "---><--- (remove line-break)",
		"suggestion test":                           "func Suggestions() {",
	}
	seen := 0
	for _, f := range fs {
		if len(f.Fixes) == 0 {
			t.Errorf("%q has no fix", f.Message)
			continue
		}
		out, err := patch.Apply(src, f.Fixes[0].Edits)
		if f.Message == "suggestion test (invalid)" {
			// Line 17 is past the end of the 16-line file.
			if err == nil {
				t.Errorf("the invalid suggestion applied: %q", out)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", f.Message, err)
			continue
		}
		lines := strings.Split(string(out), "\n")
		switch f.Message {
		case "suggestion test (remove line)":
			if strings.Contains(string(out), "remove line\n") {
				t.Errorf("line 13 not removed:\n%s", out)
			}
			seen++
		case "suggestion test (insert line)":
			if lines[15] != "inserted line 1" || lines[16] != "inserted line 2" || lines[17] != "insert line ↑" {
				t.Errorf("insert line: %q", lines[14:])
			}
			seen++
		default:
			w, ok := want[f.Message]
			if !ok {
				continue
			}
			if l := lines[f.Line-1]; l != w {
				t.Errorf("%q: line %d is %q, want %q", f.Message, f.Line, l, w)
			}
			seen++
		}
	}
	if seen != len(want)+2 {
		t.Errorf("checked %d suggestions, want %d", seen, len(want)+2)
	}
}

// TestBiomeSuggestionsFix applies Biome's rdjson suggestions to the file
// it linted and lints again: the fixed diagnostics are gone and no new one
// appeared. It needs biome on PATH (npm install @biomejs/biome@2.6.8, the
// version of the fixture).
func TestBiomeSuggestionsFix(t *testing.T) {
	biome, err := exec.LookPath("biome")
	if err != nil {
		t.Skip("biome not installed")
	}
	dir := "../testdata/biome"
	fs, err := parseFile(filepath.Join(dir, "cart.rdjson"), goldenCase{Format: "rdjson"})
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(dir, "src/cart.js"))
	if err != nil {
		t.Fatal(err)
	}
	var edits []translator.Edit
	fixed := map[string]bool{}
	for _, f := range fs {
		if len(f.Fixes) > 0 {
			edits = append(edits, f.Fixes[0].Edits...)
			fixed[f.Code] = true
		}
	}
	if len(fixed) != 2 {
		t.Fatalf("%d diagnostics with a suggestion, want 2", len(fixed))
	}
	out, err := patch.Apply(src, edits)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	os.MkdirAll(filepath.Join(tmp, "src"), 0o755)
	os.WriteFile(filepath.Join(tmp, "src/cart.js"), out, 0o644)
	cmd := exec.Command(biome, "lint", "--reporter=rdjson", "src")
	cmd.Dir = tmp
	res, _ := cmd.Output() // exit 1: diagnostics remain
	p, _ := New("rdjson", Options{})
	var after translator.Findings
	if err := p.Parse(bytes.NewReader(res), func(f *translator.Finding) error { after = append(after, f); return nil }); err != nil {
		t.Fatalf("%v\n%s", err, res)
	}
	before := map[string]bool{}
	for _, f := range fs {
		before[f.Code] = true
	}
	for _, f := range after {
		if fixed[f.Code] || !before[f.Code] {
			t.Errorf("after the suggestions: %s:%d %s", f.Path, f.Line, f.Code)
		}
	}
	if len(after) != len(fs)-len(fixed) {
		t.Errorf("%d diagnostics after, want %d", len(after), len(fs)-len(fixed))
	}
}
