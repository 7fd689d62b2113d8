package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/runbook-translator/runbook-translator/internal/yamlschema"
	"github.com/runbook-translator/runbook-translator/internal/yamlschema/schematest"
)

var updateSchema = flag.Bool("update-schema", false, "rewrite schemas/config.schema.json")

const configSchemaPath = "../../schemas/config.schema.json"

// configSchemaRules say what the Go types cannot (config.go, ignore.Rule.Validate).
var configSchemaRules = yamlschema.Rules{
	"Config.fail_level":   {"enum": []string{"none", "info", "warning", "error", "critical"}},
	"Config.filter_mode":  {"enum": []string{"added", "diff_context", "file", "nofilter"}},
	"Config.lang":         {"enum": []string{"en", "ja"}},
	"InputConfig.path":    {"required": true, "minLength": 1},
	"Rule.reason":         {"required": true, "minLength": 1, "description": "why the finding is accepted"},
	"Rule.expires":        {"pattern": `^\d{4}-\d{2}-\d{2}`, "description": "last day (YYYY-MM-DD, UTC) the rule suppresses"},
	"ReporterConfig.name": {"description": "reporter name (runbook-translator formats)"},
	"Rule.approved_by":    {"description": "who accepted the risk"},
	"Rule.requested_by":   {"description": "who asked for the exception"},
	// ignore.ParseDays and ignore.Policy.Validate.
	"Policy.max_expiry":  {"pattern": `^[0-9]{1,6}[dw]$`, "description": "longest allowed expiry from today (30d, 12w); rules without expires are refused"},
	"Policy.warn_within": {"pattern": `^[0-9]{1,6}[dw]$`, "description": "findings whose exception expires within this say so (default 14d)"},
	"Policy.require": {"description": "fields every rule must set; alternatives joined by | (link|approved_by)",
		"items": map[string]any{"type": "string", "pattern": `^(` + ruleKeyAlt + `)(\|(` + ruleKeyAlt + `))*$`}},
	// A rule must narrow: code, tool, path or resource (ignore.Rule.Validate).
	"Rule": {"anyOf": []any{
		map[string]any{"required": []string{"code"}},
		map[string]any{"required": []string{"tool"}},
		map[string]any{"required": []string{"path"}},
		map[string]any{"required": []string{"resource"}},
	}},
}

// ruleKeyAlt matches one field name of ignore.Rule.
const ruleKeyAlt = "code|tool|path|resource|reason|expires|link|approved_by|requested_by"

func configSchema(t *testing.T) []byte {
	t.Helper()
	b, err := yamlschema.Generate(reflect.TypeOf(Config{}),
		"https://raw.githubusercontent.com/runbook-translator/runbook-translator/main/schemas/config.schema.json",
		"runbook-translator config (.runbook-translator.yaml)", configSchemaRules)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConfigSchemaIsCurrent(t *testing.T) {
	want := configSchema(t)
	if *updateSchema {
		if err := os.WriteFile(configSchemaPath, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(configSchemaPath)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s is stale (err %v): run go test ./cmd/runbook-translator -run ConfigSchema -update-schema", configSchemaPath, err)
	}
}

// fullConfig sets every key.
const fullConfig = `# yaml-language-server: $schema=https://raw.githubusercontent.com/runbook-translator/runbook-translator/main/schemas/config.schema.json
fail_level: warning
require_runbook: true
runbooks: [.runbooks]
no_builtin: false
lang: ja
code_pattern: '(?P<code>P\d+)'
base_dir: .
inputs:
  - path: trivy.json
    format: trivy
    prefix: k8s
  - path: lint.txt
    efm: ['%f:%l:%c: %m']
    tool: lint
reporters:
  - name: sarif
    path: out.sarif
filter_mode: added
ignore:
  - code: KSV-0017
    tool: trivy
    path: "charts/**"
    resource: "DaemonSet/*"
    reason: accepted
    expires: 2027-03-31
    link: https://tracker.example.com/SEC-1
    approved_by: platform-security
    requested_by: octocat
ignore_policy:
  max_expiry: 90d
  require: [link|approved_by, requested_by]
  warn_within: 2w
mentions: false
`

// The config schema and loadConfig agree on the README's example, a config
// that sets every key, and every mutant of them.
func TestConfigSchemaAgreesWithLoader(t *testing.T) {
	sch, err := schematest.Compile(configSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tr, err := newTrust(dir, true, "")
	if err != nil {
		t.Fatal(err)
	}
	defer tr.close()
	loads := func(doc []byte) error {
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := loadConfig(t.Context(), p, dir, tr)
		return err
	}
	docs := map[string][]byte{
		"README": []byte(fencedAfter(t, string(readme), "## Ignoring, with accountability", "yaml")),
		"full":   []byte(fullConfig),
	}
	rejected := 0
	for name, doc := range docs {
		if err := loads(doc); err != nil {
			t.Fatalf("%s config does not load: %v", name, err)
		}
		if err := schematest.Validate(sch, doc); err != nil {
			t.Fatalf("%s config: the loader takes it, the schema refuses it: %v", name, err)
		}
		ms, err := schematest.Mutants(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			lerr, serr := loads(m.Doc), schematest.Validate(sch, m.Doc)
			if (lerr == nil) != (serr == nil) {
				t.Errorf("%s, %s: loader error %v, schema error %v", name, m.What, lerr, serr)
			}
			if lerr != nil {
				rejected++
			}
		}
	}
	if rejected < 40 {
		t.Fatalf("only %d mutants were rejected", rejected)
	}
}
