// Package schematest checks YAML documents against a generated JSON Schema
// and makes the mutants that the schema and the strict loader must both
// reject. It is used by tests only.
package schematest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// Compile compiles a schema document.
func Compile(schema []byte) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("schema.json")
}

// Validate checks one YAML document (as an editor's YAML language server
// sees it: its JSON data model) against the schema.
func Validate(s *jsonschema.Schema, doc []byte) error {
	var v any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		return fmt.Errorf("yaml: %w", err)
	}
	b, err := json.Marshal(normalize(v))
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return s.Validate(inst)
}

// normalize makes yaml.v3's values JSON-encodable (map[any]any keys).
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = normalize(e)
		}
		return v
	case map[any]any:
		m := map[string]any{}
		for k, e := range v {
			m[fmt.Sprint(k)] = normalize(e)
		}
		return m
	case []any:
		for i, e := range v {
			v[i] = normalize(e)
		}
		return v
	}
	return v
}

// Mutant is a changed document and what was changed.
type Mutant struct {
	What string
	Doc  []byte
}

// Mutants returns, for a valid document, one mutant per mapping with an
// unknown key added, one per key removed, and one per scalar or list value
// replaced by a value of another kind (a mapping where a scalar or list is,
// a list where a mapping is). The schema and the loader must agree on each:
// both reject it (a wrong kind, an unknown key, a required key removed) or
// both take it (an optional key removed, a key added to a free-form map).
func Mutants(doc []byte) ([]Mutant, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, err
	}
	var paths []nodePath
	collect(&root, "", &paths)
	var out []Mutant
	for i, p := range paths {
		if p.node.Kind == yaml.MappingNode {
			out = append(out, mutate(doc, i, "unknown key in "+p.path, func(n *yaml.Node) {
				n.Content = append(n.Content,
					&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "zz_not_a_key"},
					&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "x"})
			}))
		}
		if p.node.Kind == yaml.MappingNode {
			for k := 0; k+1 < len(p.node.Content); k += 2 {
				k := k
				out = append(out, mutate(doc, i, "no "+p.node.Content[k].Value+" in "+p.path, func(n *yaml.Node) {
					n.Content = append(n.Content[:k:k], n.Content[k+2:]...)
				}))
			}
		}
		if p.path == "" {
			continue
		}
		switch p.node.Kind {
		case yaml.ScalarNode, yaml.SequenceNode:
			out = append(out, mutate(doc, i, "mapping at "+p.path, func(n *yaml.Node) {
				*n = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
					{Kind: yaml.ScalarNode, Tag: "!!str", Value: "a"}, {Kind: yaml.ScalarNode, Tag: "!!str", Value: "b"}}}
			}))
		case yaml.MappingNode:
			out = append(out, mutate(doc, i, "list at "+p.path, func(n *yaml.Node) {
				*n = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "a"}}}
			}))
		}
	}
	return out, nil
}

type nodePath struct {
	path string
	node *yaml.Node
}

func collect(n *yaml.Node, path string, out *[]nodePath) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			collect(c, path, out)
		}
		return
	}
	*out = append(*out, nodePath{path, n})
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			collect(n.Content[i+1], strings.TrimPrefix(path+"."+n.Content[i].Value, "."), out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			collect(c, fmt.Sprintf("%s[%d]", path, i), out)
		}
	}
}

// mutate re-parses doc, changes its i-th node (in collect order) and
// returns the result.
func mutate(doc []byte, i int, what string, change func(*yaml.Node)) Mutant {
	var root yaml.Node
	_ = yaml.Unmarshal(doc, &root)
	var paths []nodePath
	collect(&root, "", &paths)
	change(paths[i].node)
	b, err := yaml.Marshal(&root)
	if err != nil {
		b = []byte("!!error " + err.Error())
	}
	return Mutant{What: what, Doc: b}
}
