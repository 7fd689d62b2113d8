// Package yamlschema generates a JSON Schema (draft 2020-12) from the Go
// types a YAML file is decoded into with yaml.v3 and KnownFields(true), so
// editors complete and check .runbook-translator.yaml and catalogs with the
// same keys the strict loader takes (the tests check the two agree).
package yamlschema

import (
	"encoding/json"
	"reflect"
	"sort"

	"github.com/runbook-translator/runbook-translator/internal/yamlerr"
)

// Rules adds what the Go types cannot say, keyed by "Type.key" (the Go type
// name and the YAML key): "required", or schema keywords to merge into the
// property ({"enum": [...]}); keyed by "Type" alone: keywords for the
// whole object ({"anyOf": [...]}).
type Rules map[string]map[string]any

// Generate returns the schema of t (a struct type) as indented JSON.
func Generate(t reflect.Type, id, title string, rules Rules) ([]byte, error) {
	g := &gen{rules: rules, defs: map[string]any{}}
	root := g.schema(t)
	doc := map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"$id":     id,
		"title":   title,
	}
	for k, v := range root.(map[string]any) {
		doc[k] = v
	}
	if len(g.defs) > 0 {
		doc["$defs"] = g.defs
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

type gen struct {
	rules Rules
	defs  map[string]any
}

func (g *gen) schema(t reflect.Type) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		// yaml.v3 decodes any scalar into a string; the schema is
		// stricter and asks for a string (a number where text is meant is
		// almost always a mistake worth an editor's warning).
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		name := t.Name()
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = true // placeholder against recursion
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/$defs/" + name}
	}
	return map[string]any{}
}

func (g *gen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	g.fields(t, props, &required)
	sort.Strings(required)
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	// Rules keyed by the type name alone apply to the whole object.
	for k, v := range g.rules[t.Name()] {
		o[k] = v
	}
	return o
}

func (g *gen) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, inline, skip := yamlerr.FieldKey(f)
		if skip {
			continue
		}
		if inline {
			g.fields(f.Type, props, required)
			continue
		}
		s := g.schema(f.Type).(map[string]any)
		for k, v := range g.rules[t.Name()+"."+name] {
			if k == "required" {
				*required = append(*required, name)
				continue
			}
			s[k] = v
		}
		props[name] = s
	}
}
