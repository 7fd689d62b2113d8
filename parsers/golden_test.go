package parsers

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
)

var update = flag.Bool("update", false, "rewrite the .golden.json files under testdata/")

// goldenCases is the schema of testdata/<tool>/cases.yaml: every fixture,
// the tool and version that produced it, the exact command, and how many
// findings the tool itself reported.
type goldenCases struct {
	Tool    string       `yaml:"tool"`
	Version string       `yaml:"version"`
	Cases   []goldenCase `yaml:"cases"`
}

type goldenCase struct {
	Input   string `yaml:"input"`
	Format  string `yaml:"format"`
	Command string `yaml:"command"`
	Cwd     string `yaml:"cwd"`
	Source  string `yaml:"source"`
	// Findings is the number of findings the tool itself reported.
	Findings int      `yaml:"findings"`
	BaseDir  string   `yaml:"base_dir"`
	Tool     string   `yaml:"tool"`
	EFM      []string `yaml:"efm"`
	// Error, when set, is a substring the parse error must contain.
	Error string `yaml:"error"`
	// Files, when set, is the folder (relative to cases.yaml) holding the
	// scanned files: the parser reads them to convert fix columns
	// (Options.ReadFile), as the review command reads the checkout.
	Files string `yaml:"files"`
	Note  string `yaml:"note"`
}

// TestGolden walks testdata/*/cases.yaml: each case is parsed, its finding
// count compared with what the tool reported, and its normalised findings
// compared with <input>.golden.json (go test ./parsers -update rewrites them).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("../testdata/*/cases*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no fixtures yet")
	}
	for _, cf := range files {
		dir := filepath.Dir(cf)
		raw, err := os.ReadFile(cf)
		if err != nil {
			t.Fatal(err)
		}
		var gc goldenCases
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		if err := dec.Decode(&gc); err != nil {
			t.Fatalf("%s: %v", cf, err)
		}
		for _, c := range gc.Cases {
			c := c
			t.Run(filepath.Base(dir)+"/"+c.Input, func(t *testing.T) {
				if c.Command == "" && c.Source == "" {
					t.Errorf("%s: case %s records neither the command nor the source", cf, c.Input)
				}
				if c.Files != "" {
					c.Files = filepath.Join(dir, c.Files)
				}
				fs, err := parseFile(filepath.Join(dir, c.Input), c)
				if c.Error != "" {
					if err == nil || !strings.Contains(err.Error(), c.Error) {
						t.Fatalf("want error containing %q, got %v", c.Error, err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(fs) != c.Findings {
					t.Errorf("got %d findings, the tool reported %d", len(fs), c.Findings)
				}
				for i, f := range fs {
					if f.Tool == "" || f.Severity == translator.SeverityUnknown || f.Message == "" {
						t.Errorf("finding %d lacks tool, severity or message: %+v", i, f)
					}
					if strings.HasPrefix(f.Path, "/") && c.BaseDir != "" {
						t.Errorf("finding %d keeps an absolute path under base_dir: %s", i, f.Path)
					}
				}
				got, err := json.MarshalIndent(fs, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, '\n')
				golden := filepath.Join(dir, c.Input+".golden.json")
				if *update {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./parsers -update)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("findings differ from %s (run go test ./parsers -update and review the diff)", golden)
				}
			})
		}
	}
}

// parseFile parses one fixture the way the review command does: sorted and
// fingerprinted.
func parseFile(name string, c goldenCase) (translator.Findings, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	opts := Options{Tool: c.Tool, EFM: c.EFM, BaseDir: c.BaseDir, File: filepath.Base(name)}
	if c.Files != "" {
		opts.ReadFile = func(p string) ([]byte, error) {
			if !filepath.IsLocal(filepath.FromSlash(p)) {
				return nil, fmt.Errorf("%s: outside the scanned folder", p)
			}
			return os.ReadFile(filepath.Join(c.Files, filepath.FromSlash(p)))
		}
	}
	p, err := New(c.Format, opts)
	if err != nil {
		return nil, err
	}
	var fs translator.Findings
	err = p.Parse(f, func(x *translator.Finding) error {
		fs = append(fs, x)
		return nil
	})
	if err != nil {
		return fs, err
	}
	fs.Sort()
	fs.AssignFingerprints()
	return fs, nil
}
