package parsers

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/patch"
)

// TestSARIFFixUnits: the same change, given in each unit SARIF allows,
// becomes the same byte edit. "🚀" is 4 bytes, 2 UTF-16 code units and 1
// code point, so a unit mix-up moves the edit: f(a) is bytes 15-18, code
// points 12-15, UTF-16 units 13-16.
func TestSARIFFixUnits(t *testing.T) {
	const src = "x := \"🚀\" + f(a)\nnext\n"
	const want = "x := \"🚀\" + b\nnext\n"
	region := func(r string) string {
		return `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},%s"results":[{"ruleId":"R","message":{"text":"m"},
"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.go"},"region":{"startLine":1}}}],
"fixes":[{"description":{"text":"use b"},"artifactChanges":[{"artifactLocation":{"uri":"a.go"},"replacements":[{"deletedRegion":` + r + `,"insertedContent":{"text":"b"}}]}]}]}]}]}`
	}
	for _, tc := range []struct{ name, kind, region string }{
		{"utf16 by default", "", `{"startLine":1,"startColumn":13,"endColumn":17}`},
		{"code points", `"columnKind":"unicodeCodePoints",`, `{"startLine":1,"startColumn":12,"endColumn":16}`},
		{"charOffset in utf16", `"columnKind":"utf16CodeUnits",`, `{"charOffset":12,"charLength":4}`},
		{"byteOffset", "", `{"byteOffset":14,"byteLength":4}`},
		{"columnKind after the results", "", `{"startLine":1,"startColumn":12,"endColumn":16}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := fmt.Sprintf(region(tc.region), tc.kind)
			if tc.name == "columnKind after the results" {
				log = strings.TrimSuffix(log, `]}]}`) + `],"columnKind":"unicodeCodePoints"}]}`
			}
			opts := Options{ReadFile: func(p string) ([]byte, error) {
				if p != "a.go" {
					return nil, os.ErrNotExist
				}
				return []byte(src), nil
			}}
			fs := parseSARIFString(t, log, opts)
			if len(fs) != 1 || len(fs[0].Fixes) != 1 {
				t.Fatalf("findings %+v", fs)
			}
			got, err := patch.Apply([]byte(src), fs[0].Fixes[0].Edits)
			if err != nil || string(got) != want {
				t.Errorf("applied: %q, %v; want %q (edits %+v)", got, err, want, fs[0].Fixes[0].Edits)
			}
			if fs[0].Fixes[0].Description != "use b" || fs[0].Fixes[0].Source != "t" {
				t.Errorf("fix %+v", fs[0].Fixes[0])
			}
		})
	}
}

func parseSARIFString(t *testing.T, log string, opts Options) translator.Findings {
	t.Helper()
	p, err := New("sarif", opts)
	if err != nil {
		t.Fatal(err)
	}
	var fs translator.Findings
	if err := p.Parse(strings.NewReader(log), func(f *translator.Finding) error { fs = append(fs, f); return nil }); err != nil {
		t.Fatal(err)
	}
	return fs
}

// TestStaticcheckFixesFix applies staticcheck's SARIF fixes to the file it
// scanned and runs staticcheck again: the fixed findings are gone and no
// new one appeared. It needs staticcheck (go install
// honnef.co/go/tools/cmd/staticcheck@latest) and a Go toolchain.
func TestStaticcheckFixesFix(t *testing.T) {
	sc, err := exec.LookPath("staticcheck")
	if err != nil {
		t.Skip("staticcheck not installed")
	}
	dir := "../testdata/sarif-fixes"
	fs, err := parseFile(filepath.Join(dir, "staticcheck.sarif"), goldenCase{Format: "sarif", Files: dir})
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(dir, "fixme/fixme.go"))
	if err != nil {
		t.Fatal(err)
	}
	var edits []translator.Edit
	for _, f := range fs {
		if len(f.Fixes) != 1 || f.FixNote != "" {
			t.Fatalf("%s:%d %s: fixes %+v, note %q", f.Path, f.Line, f.Code, f.Fixes, f.FixNote)
		}
		edits = append(edits, f.Fixes[0].Edits...)
	}
	fixed, err := patch.Apply(src, edits)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	gomod, _ := os.ReadFile(filepath.Join(dir, "go.mod.txt"))
	os.WriteFile(filepath.Join(tmp, "go.mod"), gomod, 0o644)
	os.MkdirAll(filepath.Join(tmp, "fixme"), 0o755)
	os.WriteFile(filepath.Join(tmp, "fixme/fixme.go"), fixed, 0o644)
	cmd := exec.Command(sc, "-checks", "all", "-f", "sarif", "./...")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("staticcheck: %v\n%s", err, stderr.String())
	}
	after := parseSARIFString(t, string(out), Options{})
	for _, f := range after {
		t.Errorf("after the fixes: %s:%d %s %s", f.Path, f.Line, f.Code, f.Message)
	}
	if !bytes.Contains(fixed, []byte(`for i := range names {`)) || !bytes.Contains(fixed, []byte("if loud {\n\t\tb.WriteString(\"🚀 \" + \"fertig\")")) {
		t.Errorf("fixed file:\n%s", fixed)
	}
}
