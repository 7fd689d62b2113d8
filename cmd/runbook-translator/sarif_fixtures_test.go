package main

import (
	"bytes"
	"encoding/json"
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

// On real output: gator's GK-103 is matched by two runbook entries and gets
// a rule per entry, each with its own help; Trivy's image scan (no file)
// lands on the image, Kyverno's report on the object, hadolint from stdin
// on "-".
func TestSARIFRealFixtureLocationsAndRules(t *testing.T) {
	type doc struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID               string
						ShortDescription struct{ Text string }
					}
				}
			}
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
					}
				}
			}
		}
	}
	get := func(format, file string) doc {
		code, out, errOut := run(t, "", "review", "--fail-level", "none", "-r", "sarif", "-f", format, td+file)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", file, code, errOut)
		}
		var d doc
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	g := get("gator", "gator/k8s-shop.json")
	titles := map[string]string{}
	for _, r := range g.Runs[0].Tool.Driver.Rules {
		titles[r.ID] = r.ShortDescription.Text
	}
	if titles["GK-103/pss-host-namespaces"] == "" || titles["GK-103/pss-privileged"] == "" || titles["GK-103/pss-host-namespaces"] == titles["GK-103/pss-privileged"] {
		t.Errorf("GK-103 rules: %v", titles)
	}
	uris := func(d doc) map[string]bool {
		m := map[string]bool{}
		for _, r := range d.Runs {
			for _, res := range r.Results {
				for _, l := range res.Locations {
					m[l.PhysicalLocation.ArtifactLocation.URI] = true
				}
			}
		}
		return m
	}
	for _, c := range []struct{ format, file, uri string }{
		{"trivy", "trivy/upstream-alpine-39-high-critical.json", "testdata/fixtures/images/alpine-39.tar.gz"},
		{"kyverno", "kyverno/context-file.clusterreport.yaml", "Pod/bad-pod"},
		{"hadolint", "hadolint/hamzamaan-stdin.json", "-"},
	} {
		if got := uris(get(c.format, c.file)); !got[c.uri] {
			t.Errorf("%s: artifacts %v, want %q", c.file, got, c.uri)
		}
	}
}
