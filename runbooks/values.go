package runbooks

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

// An organisation's catalog may set named fix values (values:) that the
// fix: edits of any layer's entries take with catalog_value: a CPU request
// from the platform's LimitRange default, a standard priority class, a
// /healthz probe. The built-in catalog sets none: its entries offer the
// alternative, and only a catalog that knows the organisation's defaults
// turns it on.
//
//	values:
//	  cpu_request: 100m
//	  priority_class: standard
//	  liveness_probe:
//	    httpGet: {path: /healthz, port: http}

// maxValues bounds the values: of one catalog file: a platform team's
// defaults are a handful, not hundreds.
const maxValues = 64

// valueName is the syntax of a value's name: lower case, digits and
// underscores (cpu_request), nothing a Markdown or shell reader could take
// for markup.
var valueName = lazyre.New(`^[a-z][a-z0-9_]{0,62}$`)

// ValidValueName reports whether name is a valid values: name.
func ValidValueName(name string) bool { return valueName().MatchString(name) }

// Value is one named fix value.
type Value struct {
	// V is a scalar (a string, number or boolean) or a mapping or list of
	// them (map[string]any, []any), as the YAML decoder gives it. It is
	// a literal: no $name placeholder is resolved in it.
	V any
	// Source is the "file:line" that sets it.
	Source string
}

// Values are the fix values of a catalog by name; nil sets none. A
// merged catalog's are those of its layers, later layers overriding
// earlier ones name by name. They must not be modified.
type Values map[string]Value

// Get returns the value of name, and whether a catalog sets it.
func (v Values) Get(name string) (any, bool) {
	x, ok := v[name]
	return x.V, ok
}

// Names returns the names set, sorted.
func (v Values) Names() []string {
	out := make([]string, 0, len(v))
	for k := range v {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Values returns the values the layer sets.
func (l *Layer) Values() Values { return l.values }

// Values returns the fix values of the catalog: its layers' values:,
// later layers overriding earlier ones.
func (c *Catalog) Values() Values { return c.values }

// addValues checks the values: mapping of one catalog file (node, nil
// when the file has none) and adds its values to the layer; a name set
// twice in one layer is an error, as a duplicate entry id is.
func (l *Layer) addValues(file string, node *yaml.Node, fail func(line int, format string, args ...any)) {
	if node == nil {
		return
	}
	if node.Kind != yaml.MappingNode {
		return // the decoder reported the type
	}
	if n := len(node.Content) / 2; n > maxValues {
		fail(node.Line, "values: %d names, at most %d", n, maxValues)
		return
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, v := node.Content[i], node.Content[i+1]
		name := k.Value
		if k.Kind != yaml.ScalarNode || !ValidValueName(name) {
			fail(k.Line, "values: %q is not a value name (lower case letters, digits and _, starting with a letter, at most 63)", name)
			continue
		}
		val, msg := checkValue(name, v)
		if msg != "" {
			fail(k.Line, "%s", msg)
			continue
		}
		if prev, dup := l.values[name]; dup {
			fail(k.Line, "values: %s is set twice in this layer (also at %s)", name, prev.Source)
			continue
		}
		if l.values == nil {
			l.values = Values{}
		}
		l.values[name] = Value{V: val, Source: file + ":" + strconv.Itoa(k.Line)}
	}
}

// checkValue checks one value as a fix value literal is checked (one line
// of at most maxFixValue bytes, or a mapping or list of at most
// maxFixNodes nodes and maxFixDepth levels), and refuses strings that
// start with "$": a value is a literal, and "$container" in it would read
// as a finding placeholder it is not. It returns the decoded value, or
// what is wrong.
func checkValue(name string, n *yaml.Node) (any, string) {
	what := "values: " + name
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, what + ": empty; give the value or leave the name out"
	}
	if msg := dollarString(n); msg != "" {
		return nil, fmt.Sprintf("%s: %s", what, msg)
	}
	if n.Kind == yaml.ScalarNode {
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Sprintf("%s: %v", what, err)
		}
		if msg := checkScalarValue(what, v, false); msg != "" {
			return nil, msg
		}
		return v, ""
	}
	if isTable(n) {
		if msg := checkTable(what, n); msg != "" {
			return nil, msg
		}
	} else if msg := checkStructured(what, n); msg != "" {
		return nil, msg
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, fmt.Sprintf("%s: %v", what, err)
	}
	return v, ""
}

// maxTableEntries bounds a table (a mapping of strings to strings, taken by
// catalog_map:): a mirror list of a platform's images is longer than the
// 64 nodes of another value, but still a list someone maintains.
const maxTableEntries = 1024

// isTable reports whether n is a mapping whose every value is a string
// scalar: a table for catalog_map:.
func isTable(n *yaml.Node) bool {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		return false
	}
	for i := 1; i < len(n.Content); i += 2 {
		if v := n.Content[i]; v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
			return false
		}
	}
	return true
}

// checkTable checks a table as literal values are checked, entry by
// entry: one-line keys and values of at most maxFixValue bytes, at most
// maxTableEntries of them.
func checkTable(what string, n *yaml.Node) string {
	if len(n.Content)/2 > maxTableEntries {
		return fmt.Sprintf("%s: a table of %d entries, at most %d", what, len(n.Content)/2, maxTableEntries)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value == "" || strings.ContainsAny(k.Value, "\n\r") || len(k.Value) > maxFixValue {
			return fmt.Sprintf("%s: the key at line %d is not a one-line string of at most %d bytes", what, k.Line, maxFixValue)
		}
		if msg := checkScalarValue(what, v.Value, true); msg != "" {
			return fmt.Sprintf("%s (line %d)", msg, v.Line)
		}
	}
	return ""
}

// dollarString returns what is wrong when a string scalar in n starts with
// "$".
func dollarString(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!str" && strings.HasPrefix(n.Value, "$") {
			return fmt.Sprintf("%q at line %d: a value is a literal, and a string starting with $ would read as a finding placeholder", n.Value, n.Line)
		}
	case yaml.MappingNode, yaml.SequenceNode:
		for _, c := range n.Content {
			if msg := dollarString(c); msg != "" {
				return msg
			}
		}
	}
	return ""
}

// ExampleValues returns the values: of an example (the organisation
// values its fix sees; the loader checked them).
func ExampleValues(x Example) Values {
	if len(x.Values) == 0 {
		return nil
	}
	out := make(Values, len(x.Values))
	for k, v := range x.Values {
		out[k] = Value{V: v, Source: "example"}
	}
	return out
}

// checkExampleValues checks the values: of each example of an entry.
func checkExampleValues(name string, e *Entry, node *yaml.Node, fail func(line int, format string, args ...any)) {
	xs := mapValue(node, "examples")
	if xs == nil || xs.Kind != yaml.SequenceNode {
		return
	}
	for i, xn := range xs.Content {
		vn := mapValue(xn, "values")
		if vn == nil {
			continue
		}
		l := &Layer{}
		l.addValues("", vn, func(line int, format string, args ...any) {
			fail(line, "entry %q: example %d: %s", name, i+1, fmt.Sprintf(format, args...))
		})
	}
}
