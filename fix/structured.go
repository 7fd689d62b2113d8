package fix

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// Values that are more than one scalar: a mapping or list written in the
// fix (an affinity term, a whole PodDisruptionBudget), with "$name"
// scalars resolved, and the mapping placeholders ($selector_labels,
// $pod_labels, $object_labels) replaced by the object's own mappings,
// copied from the manifest. They are rendered by blockLines in the
// document's indentation; nothing else of the file is re-serialised.

// objectMaps are the mappings of the finding's object that the mapping
// placeholders name (see runbooks.MappingPlaceholders); a name is absent
// when the object has no such mapping or it is empty.
func objectMaps(doc *locate.Document) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if doc == nil || doc.Root == nil {
		return out
	}
	get := func(keys ...string) *yaml.Node {
		cur := deref(doc.Root)
		for _, k := range keys {
			if cur == nil || cur.Kind != yaml.MappingNode {
				return nil
			}
			_, cur = entry(cur, k)
			cur = deref(cur)
		}
		if cur == nil || cur.Kind != yaml.MappingNode || len(cur.Content) == 0 {
			return nil
		}
		return cur
	}
	put := func(name string, n *yaml.Node) {
		if n != nil {
			out[name] = n
		}
	}
	put("object_labels", get("metadata", "labels"))
	put("selector_labels", get("spec", "selector", "matchLabels"))
	switch doc.Kind {
	case "Pod":
		put("pod_labels", get("metadata", "labels"))
	case "CronJob":
		put("pod_labels", get("spec", "jobTemplate", "spec", "template", "metadata", "labels"))
	default:
		put("pod_labels", get("spec", "template", "metadata", "labels"))
	}
	return out
}

// keyRank orders the keys of a mapping written in a fix: a catalog value
// comes through the built-in snapshot (JSON) as a Go map, whose order is
// lost, so the keys are written apiVersion, kind, metadata, name,
// namespace, labels first, then in alphabetical order.
var keyRank = map[string]int{"apiVersion": 1, "kind": 2, "metadata": 3, "name": 4, "namespace": 5, "labels": 6}

// structured turns a fix value into a node tree: scalars as nodes,
// placeholders resolved. ok is false for a plain scalar (no tree).
func structured(v any, vars map[string]string, maps map[string]*yaml.Node) (*yaml.Node, bool, error) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			ri, rj := keyRank[keys[i]], keyRank[keys[j]]
			if ri == 0 {
				ri = 100
			}
			if rj == 0 {
				rj = 100
			}
			if ri != rj {
				return ri < rj
			}
			return keys[i] < keys[j]
		})
		m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, k := range keys {
			c, err := structuredItem(x[k], vars, maps)
			if err != nil {
				return nil, true, err
			}
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, c)
		}
		return m, true, nil
	case []any:
		s := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, it := range x {
			c, err := structuredItem(it, vars, maps)
			if err != nil {
				return nil, true, err
			}
			s.Content = append(s.Content, c)
		}
		return s, true, nil
	}
	return nil, false, nil
}

// structuredItem is one value inside a mapping or list.
func structuredItem(v any, vars map[string]string, maps map[string]*yaml.Node) (*yaml.Node, error) {
	if n, ok, err := structured(v, vars, maps); ok || err != nil {
		return n, err
	}
	if s, ok := v.(string); ok {
		if name := runbooks.Placeholder(s); name != "" {
			if _, isMap := runbooks.MappingPlaceholders[name]; isMap {
				m := maps[name]
				if m == nil {
					return nil, notHereP("fixnote.no_mapping", runbooks.MappingPlaceholders[name], name)
				}
				return m, nil
			}
		}
	}
	x, err := value(v, vars)
	if err != nil {
		return nil, err
	}
	return scalarNode(x), nil
}

// scalarNode is the node of a resolved scalar value.
func scalarNode(v any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode}
	switch x := v.(type) {
	case string:
		n.Tag, n.Value = "!!str", x
	case float64:
		n.Value = formatFloat(x)
		n.Tag = "!!float"
		if !strings.ContainsAny(n.Value, ".eE") {
			n.Tag = "!!int"
		}
	case bool:
		n.Tag, n.Value = "!!bool", fmt.Sprint(x)
	default:
		n.Tag, n.Value = "!!int", fmt.Sprint(x)
	}
	return n
}

// scalarText is the YAML text of a scalar node: a string as a string
// (quoted when it would read as something else; its own quoting kept), any
// other scalar as written.
func scalarText(n *yaml.Node) (string, error) {
	if n.ShortTag() == "!!str" {
		return renderScalar(n.Value, n)
	}
	if n.Value == "" {
		return "", notHereP("fixnote.empty_value")
	}
	return n.Value, nil
}

// blockLines renders a mapping or list node as block YAML, its first level
// at column ind+1, in the document's style (the step between a key and its
// children, the offset of a list's dashes).
func blockLines(n *yaml.Node, ind int, style yamlStyle) ([]string, error) {
	n = deref(n)
	pad := strings.Repeat(" ", ind)
	var out []string
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			return []string{pad + "{}"}, nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, err := renderScalar(n.Content[i].Value, nil)
			if err != nil {
				return nil, err
			}
			v := deref(n.Content[i+1])
			switch v.Kind {
			case yaml.ScalarNode:
				s, err := scalarText(v)
				if err != nil {
					return nil, err
				}
				out = append(out, pad+key+": "+s)
			case yaml.MappingNode, yaml.SequenceNode:
				if len(v.Content) == 0 {
					empty := "{}"
					if v.Kind == yaml.SequenceNode {
						empty = "[]"
					}
					out = append(out, pad+key+": "+empty)
					continue
				}
				in := ind + style.step
				if v.Kind == yaml.SequenceNode {
					in = ind + style.dash
				}
				sub, err := blockLines(v, in, style)
				if err != nil {
					return nil, err
				}
				out = append(out, pad+key+":")
				out = append(out, sub...)
			default:
				return nil, notHereP("fixnote.value_kind", v.Kind)
			}
		}
	case yaml.SequenceNode:
		for _, it := range n.Content {
			it = deref(it)
			if it.Kind == yaml.ScalarNode {
				s, err := scalarText(it)
				if err != nil {
					return nil, err
				}
				out = append(out, pad+"- "+s)
				continue
			}
			sub, err := blockLines(it, ind+2, style)
			if err != nil {
				return nil, err
			}
			sub[0] = pad + "- " + strings.TrimLeft(sub[0], " ")
			out = append(out, sub...)
		}
	default:
		s, err := scalarText(n)
		if err != nil {
			return nil, err
		}
		out = append(out, pad+s)
	}
	return out, nil
}

// nodeEqual reports whether two nodes hold the same data (keys in any
// order; scalars by value and by being strings or not).
func nodeEqual(a, b *yaml.Node) bool {
	a, b = deref(a), deref(b)
	if a == nil || b == nil || a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case yaml.ScalarNode:
		return a.Value == b.Value && (a.ShortTag() == "!!str") == (b.ShortTag() == "!!str")
	case yaml.SequenceNode:
		if len(a.Content) != len(b.Content) {
			return false
		}
		for i := range a.Content {
			if !nodeEqual(a.Content[i], b.Content[i]) {
				return false
			}
		}
		return true
	case yaml.MappingNode:
		if len(a.Content) != len(b.Content) {
			return false
		}
		for i := 0; i+1 < len(a.Content); i += 2 {
			_, bv := entry(b, a.Content[i].Value)
			if bv == nil || !nodeEqual(a.Content[i+1], bv) {
				return false
			}
		}
		return true
	}
	return false
}

// fromValue is the scalar at the from: path of the object, as a value the
// editor writes (a string stays a string: cpu: "1" is copied as "1").
func fromValue(root *yaml.Node, kind string, p locate.FieldPath) (any, error) {
	ts, err := resolveNamed(root, p.ForKind(kind))
	if err != nil {
		return nil, notHereP("fixnote.no_copy", p.String())
	}
	if len(ts) != 1 || ts[0].key == nil {
		return nil, notHereP("fixnote.no_copy", p.String())
	}
	v := deref(ts[0].val)
	if v == nil || v.Kind != yaml.ScalarNode || isNull(v) || v.Value == "" {
		return nil, notHereP("fixnote.copy_not_value", p)
	}
	if v.ShortTag() == "!!str" {
		return v.Value, nil
	}
	var x any
	if err := v.Decode(&x); err != nil {
		return nil, notHereP("fixnote.because", p, messages.Of(err))
	}
	switch n := x.(type) {
	case int:
		return n, nil
	case float64, bool:
		return n, nil
	}
	return v.Value, nil
}

// appendDocument adds the fix's document after the finding's object: a
// document of its own, separated by "---", in the object's indentation.
// The new object takes the finding object's namespace when it names none.
func appendDocument(src string, loc docLocator, raw any, vars map[string]string, maps map[string]*yaml.Node) (string, error) {
	d, end, err := loc(src)
	if err != nil {
		return "", err
	}
	n, ok, err := structured(raw, vars, maps)
	if err != nil {
		return "", err
	}
	if !ok || n.Kind != yaml.MappingNode {
		return "", notHereP("fixnote.doc_not_mapping")
	}
	kind, name := scalar(n, "kind"), ""
	_, md := entry(n, "metadata")
	if md = deref(md); md != nil && md.Kind == yaml.MappingNode {
		name = scalar(md, "name")
		if _, ns := entry(md, "namespace"); ns == nil && d.Namespace != "" {
			md.Content = append(md.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "namespace"}, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: d.Namespace})
			sortMapping(md)
		}
	}
	if kind == "" || name == "" {
		return "", notHereP("fixnote.doc_needs_name")
	}
	ns := d.Namespace
	if md != nil {
		ns = scalar(md, "namespace")
	}
	for _, o := range locate.Documents([]byte(src)) {
		if o.Kind == kind && o.Name == name && o.Namespace == ns {
			return "", notHereP("fixnote.doc_exists", kind, name)
		}
	}
	t := newText(src)
	lines, err := blockLines(n, 0, styleOf(t, d.Root))
	if err != nil {
		return "", err
	}
	lines = append([]string{"---"}, lines...)
	sp := t.insertAfter(end, lines)
	return applySplices(src, []splice{sp})
}

// sortMapping puts a mapping's keys in the order of keyRank.
func sortMapping(m *yaml.Node) {
	type kv struct{ k, v *yaml.Node }
	var kvs []kv
	for i := 0; i+1 < len(m.Content); i += 2 {
		kvs = append(kvs, kv{m.Content[i], m.Content[i+1]})
	}
	rank := func(s string) int {
		if r := keyRank[s]; r > 0 {
			return r
		}
		return 100
	}
	sort.SliceStable(kvs, func(i, j int) bool { return rank(kvs[i].k.Value) < rank(kvs[j].k.Value) })
	m.Content = m.Content[:0]
	for _, x := range kvs {
		m.Content = append(m.Content, x.k, x.v)
	}
}

// documentHolds reports whether src has the document the fix appended.
func documentHolds(src string, raw any, vars map[string]string, maps map[string]*yaml.Node, ns string) bool {
	n, ok, err := structured(raw, vars, maps)
	if err != nil || !ok {
		return false
	}
	kind := scalar(n, "kind")
	_, md := entry(n, "metadata")
	name := scalar(deref(md), "name")
	if x := scalar(deref(md), "namespace"); x != "" {
		ns = x
	}
	for _, o := range locate.Documents([]byte(src)) {
		if o.Kind == kind && o.Name == name && o.Namespace == ns {
			return true
		}
	}
	return false
}
