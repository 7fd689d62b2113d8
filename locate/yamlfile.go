package locate

import (
	"bytes"
	"strings"

	"gopkg.in/yaml.v3"
)

// yamlDoc is one document of a manifest file, with stream-absolute lines.
type yamlDoc struct {
	root      *yaml.Node // the top-level mapping
	kind      string
	name      string
	namespace string
	// source is the "# Source: chart/templates/x.yaml" of a helm template
	// stream, "" otherwise.
	source string
	// firstLine is the first line of the document's text (after "---").
	firstLine int
}

// yamlFile is a parsed manifest file.
type yamlFile struct {
	path string
	docs []*yamlDoc
	// rendered is true for `helm template` output (documents carry
	// "# Source:" comments).
	rendered bool
}

// parseYAMLFile splits data into documents and parses each one on its own,
// so that one malformed document does not hide the others (yaml.v3 stops a
// stream at the first error). Documents that fail to parse are skipped:
// nothing in them can be located.
func parseYAMLFile(name string, data []byte) *yamlFile {
	yf := &yamlFile{path: name}
	lines := bytes.SplitAfter(data, []byte("\n"))
	var chunk [][]byte
	start := 1 // line number of chunk[0]
	flush := func(next int) {
		if d := parseDoc(chunk, start); d != nil {
			yf.docs = append(yf.docs, d)
			if d.source != "" {
				yf.rendered = true
			}
		}
		chunk = nil
		start = next
	}
	for i, ln := range lines {
		n := i + 1
		switch {
		case isDocStart(ln):
			flush(n)
			// keep "--- {a: 1}" content, blanking the marker so that
			// columns stay right.
			rest := append([]byte("   "), ln[3:]...)
			chunk = append(chunk, rest)
		case isDocEnd(ln):
			flush(n + 1)
		default:
			chunk = append(chunk, ln)
		}
	}
	flush(len(lines) + 1)
	return yf
}

// otherBreaks reports line breaks other than "\n" and "\r\n".
func otherBreaks(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] == '\r' && (i+1 == len(b) || b[i+1] != '\n') {
			return true
		}
	}
	return bytes.Contains(b, []byte("\u0085")) || bytes.Contains(b, []byte("\u2028")) || bytes.Contains(b, []byte("\u2029"))
}

func isDocStart(ln []byte) bool {
	if !bytes.HasPrefix(ln, []byte("---")) {
		return false
	}
	return len(ln) == 3 || ln[3] == ' ' || ln[3] == '\t' || ln[3] == '\n' || ln[3] == '\r'
}

func isDocEnd(ln []byte) bool {
	return string(bytes.TrimRight(ln, " \t\r\n")) == "..."
}

// parseDoc parses one document whose first line is line start.
func parseDoc(chunk [][]byte, start int) *yamlDoc {
	if len(chunk) == 0 {
		return nil
	}
	src := bytes.Join(chunk, nil)
	if otherBreaks(src) {
		// yaml.v3 counts a lone CR, NEL, LS and PS as line breaks; diffs and
		// editors count "\n". Lines would not match: leave it unlocated.
		return nil
	}
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil || n.Kind != yaml.DocumentNode || len(n.Content) == 0 {
		return nil
	}
	root := n.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil
	}
	shiftLines(root, start-1, map[*yaml.Node]bool{})
	d := &yamlDoc{root: root, firstLine: start}
	d.kind = scalarAt(root, "kind")
	if md := mapValue(root, "metadata"); md != nil {
		d.name = scalarAt(md, "name")
		d.namespace = scalarAt(md, "namespace")
	}
	// "# Source:" comment lines before the first content line.
	for i, ln := range chunk {
		t := strings.TrimSpace(string(ln))
		if start+i >= root.Line {
			break
		}
		if s, ok := strings.CutPrefix(t, "# Source: "); ok {
			d.source = strings.TrimSpace(s)
		}
	}
	return d
}

// shiftLines makes chunk-relative lines stream-absolute. Aliases share
// nodes, hence the seen set.
func shiftLines(n *yaml.Node, off int, seen map[*yaml.Node]bool) {
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	n.Line += off
	for _, c := range n.Content {
		shiftLines(c, off, seen)
	}
}

// deref follows an alias.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 8; i++ {
		n = n.Alias
	}
	return n
}

// mapEntry returns the key and value nodes of key in mapping m.
func mapEntry(m *yaml.Node, key string) (k, v *yaml.Node) {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], deref(m.Content[i+1])
		}
	}
	return nil, nil
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	_, v := mapEntry(m, key)
	return v
}

func scalarAt(m *yaml.Node, key string) string {
	v := mapValue(m, key)
	if v == nil || v.Kind != yaml.ScalarNode {
		return ""
	}
	return v.Value
}

// endLine is the last line a node's text covers (block scalars included).
func endLine(n *yaml.Node) int {
	return endLineSeen(n, 0)
}

func endLineSeen(n *yaml.Node, depth int) int {
	if n == nil || depth > 200 {
		return 0
	}
	end := n.Line
	if n.Kind == yaml.ScalarNode && (n.Style&(yaml.LiteralStyle|yaml.FoldedStyle)) != 0 {
		end = n.Line + strings.Count(strings.TrimRight(n.Value, "\n"), "\n") + 1
	}
	if n.Kind == yaml.AliasNode {
		return end
	}
	for _, c := range n.Content {
		if e := endLineSeen(c, depth+1); e > end {
			end = e
		}
	}
	return end
}
