package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/internal/sarifcheck"
)

// fixtureCase is the part of testdata/<tool>/cases.yaml (see
// parsers/golden_test.go) that says how to read a fixture.
type fixtureCase struct {
	Input   string   `yaml:"input"`
	Format  string   `yaml:"format"`
	Tool    string   `yaml:"tool"`
	EFM     []string `yaml:"efm"`
	BaseDir string   `yaml:"base_dir"`
	Error   string   `yaml:"error"`
}

// TestSARIFOfEveryFixture runs `review -r sarif` on every real fixture in
// testdata/ and checks the log against the OASIS SARIF 2.1.0 schema and
// GitHub code scanning's documented ingestion rules (internal/sarifcheck).
func TestSARIFOfEveryFixture(t *testing.T) {
	sch := compileSchema(t, filepath.Join(td, "schemas", "sarif-2.1.0.json"))
	files, err := filepath.Glob(filepath.Join(td, "*", "cases.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases.yaml under %s: %v", td, err)
	}
	n := 0
	for _, cf := range files {
		b, err := os.ReadFile(cf)
		if err != nil {
			t.Fatal(err)
		}
		var gc struct {
			Cases []fixtureCase `yaml:"cases"`
		}
		if err := yaml.Unmarshal(b, &gc); err != nil {
			t.Fatalf("%s: %v", cf, err)
		}
		dir := filepath.Dir(cf)
		for i, c := range gc.Cases {
			if c.Error != "" {
				continue // a fixture the parser must refuse
			}
			n++
			name := fmt.Sprintf("%s/%d-%s", filepath.Base(dir), i, c.Input)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				args := []string{"review", "--fail-level", "none", "--no-color", "-r", "sarif"}
				if len(c.EFM) > 0 {
					for _, e := range c.EFM {
						args = append(args, "--efm", e)
					}
				} else if c.Format != "" {
					args = append(args, "-f", c.Format)
				}
				if c.Tool != "" {
					args = append(args, "--tool", c.Tool)
				}
				// Some fixtures name the folder they were produced in; where
				// it does not exist here, paths stay absolute (as when a
				// user forgets --base-dir), which the log must handle too.
				if st, err := os.Stat(c.BaseDir); c.BaseDir != "" && err == nil && st.IsDir() {
					args = append(args, "--base-dir", c.BaseDir)
				}
				args = append(args, filepath.Join(dir, c.Input))
				code, out, errOut := run(t, "", args...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
				if err != nil {
					t.Fatalf("not JSON: %v", err)
				}
				if err := sch.Validate(v); err != nil {
					t.Errorf("not valid SARIF 2.1.0: %v", err)
				}
				ps, err := sarifcheck.Check(strings.NewReader(out))
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range ps {
					t.Errorf("GitHub would refuse it: %s (%s)", p, p.Rule.Source)
				}
			})
		}
	}
	if n < 150 {
		t.Errorf("only %d fixtures found", n)
	}
}

func compileSchema(t *testing.T, file string) *jsonschema.Schema {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const loc = "file:///sarif-2.1.0.json"
	if err := c.AddResource(loc, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(loc)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}
