package runbooks

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/internal/yamlschema"
	"github.com/runbook-translator/runbook-translator/internal/yamlschema/schematest"
)

var updateSchema = flag.Bool("update-schema", false, "rewrite schemas/catalog.schema.json")

const catalogSchemaPath = "../schemas/catalog.schema.json"

// valueOrFrom: an edit that writes a value takes it literally, or copies
// it, or takes a catalog value, or copies it falling back to a catalog
// value.
var valueOrFrom = []any{
	map[string]any{"required": []string{"value"}, "not": map[string]any{"anyOf": []any{map[string]any{"required": []string{"from"}}, map[string]any{"required": []string{"catalog_value"}}}}},
	map[string]any{"anyOf": []any{map[string]any{"required": []string{"from"}}, map[string]any{"required": []string{"catalog_value"}}}, "not": map[string]any{"required": []string{"value"}}},
}

// valueOrCatalog: replace takes a literal or a catalog value, never
// from:.
var valueOrCatalog = []any{
	map[string]any{"required": []string{"value"}, "not": map[string]any{"anyOf": []any{map[string]any{"required": []string{"from"}}, map[string]any{"required": []string{"catalog_value"}}}}},
	map[string]any{"required": []string{"catalog_value"}, "not": map[string]any{"anyOf": []any{map[string]any{"required": []string{"from"}}, map[string]any{"required": []string{"value"}}}}},
	map[string]any{"required": []string{"catalog_map"}, "not": map[string]any{"anyOf": []any{map[string]any{"required": []string{"from"}}, map[string]any{"required": []string{"value"}}, map[string]any{"required": []string{"catalog_value"}}, map[string]any{"required": []string{"if_value"}}}}},
}

// noTable: only replace takes a catalog_map: table.
var noTable = map[string]any{"required": []string{"catalog_map"}}

// noMapBy: only fill takes map_by (with catalog_map).
var noMapBy = map[string]any{"required": []string{"map_by"}}

// fillBy: a fill with catalog_map and map_by takes nothing else that
// gives it a value.
var fillBy = map[string]any{"required": []string{"fill", "catalog_map", "map_by"}, "not": map[string]any{"anyOf": []any{map[string]any{"required": []string{"value"}}, map[string]any{"required": []string{"from"}}, map[string]any{"required": []string{"catalog_value"}}, map[string]any{"required": []string{"if_value"}}, noDocValues}}}

// noValue: delete and document take none of value, from, catalog_value,
// catalog_map and map_by.
var noValue = map[string]any{"anyOf": []any{map[string]any{"required": []string{"value"}}, map[string]any{"required": []string{"from"}}, map[string]any{"required": []string{"catalog_value"}}, map[string]any{"required": []string{"catalog_map"}}, noMapBy}}

// noDocValues: catalog_values is for document only.
var noDocValues = map[string]any{"required": []string{"catalog_values"}}

// noValueNorDocValues: delete and rename take none of value, from,
// catalog_value, catalog_map and catalog_values.
var noValueNorDocValues = map[string]any{"anyOf": []any{map[string]any{"required": []string{"value"}}, map[string]any{"required": []string{"from"}}, map[string]any{"required": []string{"catalog_value"}}, noTable, noDocValues, noMapBy}}

// fixValues is a values: mapping (values.go): names to literals.
var fixValues = map[string]any{
	"type":                 "object",
	"maxProperties":        64,
	"propertyNames":        map[string]any{"pattern": "^[a-z][a-z0-9_]{0,62}$"},
	"additionalProperties": map[string]any{"type": []string{"string", "number", "boolean", "object", "array"}},
}

// CatalogSchemaRules say what the Go types cannot: required keys, enums.
var catalogSchemaRules = yamlschema.Rules{
	"Entry.id":               {"required": true, "description": "unique id across the merged catalogs"},
	"Entry.title":            {"required": true},
	"Entry.match":            {"required": true, "minItems": 1},
	"Entry.body":             {"required": true, "description": "Markdown text/template rendered over the finding"},
	"Entry.severity":         {"enum": []string{"info", "warning", "error", "critical"}},
	"Fix.description":        {"required": true, "description": "one line: what the fix does"},
	"Fix.edits":              {"required": true, "minItems": 1},
	"FixEdit.set":            {"description": "field path (locate: syntax) to set to value, created with its parents when missing"},
	"FixEdit.fill":           {"description": "field path to give value only when it is absent (a value already there is kept)"},
	"FixEdit.replace":        {"description": "field path to give value only where it is present (a field the object does not have is not added)"},
	"FixEdit.if_value":       {"type": []string{"string", "number", "boolean"}, "description": "with replace: the value the field must hold to be replaced (another value is kept)"},
	"FixEdit.delete":         {"description": "field path to remove"},
	"FixEdit.add":            {"description": "field path of a list to append value to, created when missing"},
	"FixEdit.document":       {"type": "object", "description": "a Kubernetes object written as a new document right after the finding's object"},
	"FixEdit.value":          {"type": []string{"string", "number", "boolean", "object", "array"}, "description": "a literal, \"$name\" for the finding's Extra[name], or for set and fill a mapping or list (with $selector_labels, $pod_labels, $object_labels)"},
	"FixEdit.from":           {"description": "field path of the object whose value the edit copies, instead of value"},
	"FixEdit.rename":         {"description": "field path of a key to rename, or \"$name\": the finding's JSON pointers to keys its schema does not allow"},
	"FixEdit.to":             {"description": "the new name of a rename (without it, the one Kubernetes field name at that position close to the key)"},
	"Fix.tools":              {"description": "the tools whose findings this alternative is for (all when empty)"},
	"Example.manifest":       {"description": "the file the example finding is in; with fixed, checks the first fix"},
	"Example.fixed":          {"description": "the whole manifest after the entry's first fix"},
	"FixEdit.catalog_map":    {"pattern": "^[a-z][a-z0-9_]{0,62}$", "description": "with replace: the name of a table of the catalogs' values: (strings to strings) that the field's present value is looked up in; with fill and map_by: a table whose entry for map_by's field fills the field"},
	"FixEdit.map_by":         {"description": "with fill and catalog_map: the field path whose present value is looked up in the table (the container's image)"},
	"Fix.message":            {"description": "a regular expression (RE2): the alternative is only for findings whose message matches it"},
	"FixEdit.catalog_value":  {"pattern": "^[a-z][a-z0-9_]{0,62}$", "description": "the name of a value of the catalogs' values: to write (with from: where the object has no field to copy)"},
	"FixEdit.catalog_values": {"minProperties": 1, "maxProperties": 8, "additionalProperties": map[string]any{"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}, "description": "with document: field paths in the new object (spec.ingress) to the names of the catalogs' values: written there"},
	"File.values":            merge(fixValues, map[string]any{"description": "named fix values (an organisation's defaults) that edits take with catalog_value:"}),
	"Example.values":         merge(fixValues, map[string]any{"description": "the organisation values: the example's fix sees"}),
	// An edit is exactly one of set, fill, replace, delete, add, rename
	// and document; set, fill and add take value or from, replace a
	// scalar value or a catalog value (fixcheck.go).
	"FixEdit": {"oneOf": []any{
		map[string]any{"required": []string{"set"}, "oneOf": valueOrFrom, "not": map[string]any{"anyOf": []any{noTable, noDocValues, noMapBy}}},
		map[string]any{"required": []string{"fill"}, "oneOf": valueOrFrom, "not": map[string]any{"anyOf": []any{noTable, noDocValues, noMapBy}}},
		fillBy,
		map[string]any{"required": []string{"replace"}, "oneOf": valueOrCatalog, "not": map[string]any{"anyOf": []any{noDocValues, noMapBy}}, "properties": map[string]any{"value": map[string]any{"type": []string{"string", "number", "boolean"}}}},
		map[string]any{"required": []string{"delete"}, "not": noValueNorDocValues},
		map[string]any{"required": []string{"add"}, "oneOf": valueOrFrom, "not": map[string]any{"anyOf": []any{noTable, noDocValues, noMapBy}}},
		map[string]any{"required": []string{"rename"}, "not": noValueNorDocValues},
		map[string]any{"required": []string{"document"}, "not": noValue},
	}},
	// A matcher needs codes, a message pattern or default: true (load.go).
	"Matcher": {"anyOf": []any{
		map[string]any{"required": []string{"codes"}, "properties": map[string]any{"codes": map[string]any{"minItems": 1}}},
		map[string]any{"required": []string{"message"}},
		map[string]any{"required": []string{"default"}, "properties": map[string]any{"default": map[string]any{"const": true}}},
	}},
}

func catalogSchema(t *testing.T) []byte {
	t.Helper()
	b, err := yamlschema.Generate(reflect.TypeOf(File{}),
		"https://raw.githubusercontent.com/runbook-translator/runbook-translator/main/schemas/catalog.schema.json",
		"runbook-translator catalog", catalogSchemaRules)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The committed schema is the one the Go types give (regenerate with
// go test ./runbooks -run CatalogSchema -update-schema).
func TestCatalogSchemaIsCurrent(t *testing.T) {
	want := catalogSchema(t)
	if *updateSchema {
		if err := os.WriteFile(catalogSchemaPath, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(catalogSchemaPath)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s is stale (err %v): run go test ./runbooks -run CatalogSchema -update-schema", catalogSchemaPath, err)
	}
}

// The schema and the strict loader agree: every catalog the loader takes
// (the built-in catalog, the test catalogs that load) is valid against the
// schema, and every mutant of a valid catalog (an unknown key in any
// mapping, a value of the wrong kind anywhere) is rejected by both.
func TestCatalogSchemaAgreesWithLoader(t *testing.T) {
	sch, err := schematest.Compile(catalogSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	loads := func(name string, doc []byte) error {
		var l Layer
		return l.add(name, doc)
	}
	docs := map[string][]byte{}
	err = fs.WalkDir(builtinFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		b, err := fs.ReadFile(builtinFS, p)
		docs["builtin/"+p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"../testdata/catalogs/org/kubernetes.yaml", "../testdata/catalogs/repo/runbooks.yaml", "../testdata/catalogs/org-values/values.yaml"} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs[p] = b
	}
	if len(docs) < 5 {
		t.Fatalf("only %d catalogs found", len(docs))
	}
	for name, doc := range docs {
		if err := loads(name, doc); err != nil {
			t.Fatalf("%s does not load: %v", name, err)
		}
		if err := schematest.Validate(sch, doc); err != nil {
			t.Errorf("%s: the loader takes it, the schema refuses it: %v", name, err)
		}
	}
	// Mutants of the small catalogs (every node) and of one built-in file.
	checked := 0
	for _, name := range []string{"../testdata/catalogs/org/kubernetes.yaml", "../testdata/catalogs/repo/runbooks.yaml"} {
		ms, err := schematest.Mutants(docs[name])
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			lerr := loads(name, m.Doc)
			serr := schematest.Validate(sch, m.Doc)
			if (lerr == nil) != (serr == nil) {
				t.Errorf("%s, %s: loader error %v, schema error %v", filepath.Base(name), m.What, lerr, serr)
			}
			// Both accept a new key in a free-form map (examples' extra).
			if lerr != nil {
				checked++
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d mutants were rejected", checked)
	}
}

// merge returns a copy of a with b's keys added.
func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
