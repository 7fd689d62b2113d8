package fix

import (
	_ "embed"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The Kubernetes field names a rename: edit picks its target from: for
// each apiVersion and kind, the names of the fields an object may have at
// each position, as the Kubernetes JSON schemas list them. kubefields.txt
// is generated from the v1.27.0 strict schemas kubeconform validated the
// corpus with (testdata/inputs/kubeconform-schemas; regenerate with
// `go test ./fix -run TestKubeFieldsTable -update-fields`). A kind the
// table does not hold gets no rename target: the target is never guessed.
//
// The format, one line each:
//
//	root <apiVersion> <kind> <node>
//	<node> <field> <field>=<wrappers><node> ...
//
// A field with =... has object fields of its own: <wrappers> is one "*"
// per list level and one "~" per map level between the field and that
// node (containers=*7: a list of node 7). A field without one is a scalar,
// or a list or map of scalars.

//go:embed kubefields.txt
var kubeFieldsText string

// kubeNode is the fields at one position.
type kubeNode struct {
	names []string // sorted
	child map[string]kubeChild
}

type kubeChild struct {
	wrap string // "*" list item, "~" map value, outermost first
	node int
}

type kubeTable struct {
	nodes []kubeNode
	roots map[string]int // "apiVersion kind"
}

var kubeFields = sync.OnceValue(func() *kubeTable { return parseKubeFields(kubeFieldsText) })

// parseKubeFields reads the table; a malformed line is skipped (the table
// is generated, and TestKubeFieldsTable checks it parses whole).
func parseKubeFields(s string) *kubeTable {
	t := &kubeTable{roots: map[string]int{}}
	for _, ln := range strings.Split(s, "\n") {
		f := strings.Fields(ln)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if f[0] == "root" {
			if len(f) == 4 {
				if id, err := strconv.Atoi(f[3]); err == nil {
					t.roots[f[1]+" "+f[2]] = id
				}
			}
			continue
		}
		id, err := strconv.Atoi(f[0])
		if err != nil || id != len(t.nodes) {
			continue
		}
		n := kubeNode{child: map[string]kubeChild{}}
		for _, x := range f[1:] {
			name, ref, hasRef := strings.Cut(x, "=")
			n.names = append(n.names, name)
			if !hasRef {
				continue
			}
			w := strings.TrimRight(ref, "0123456789")
			if c, err := strconv.Atoi(ref[len(w):]); err == nil && strings.Trim(w, "*~") == "" {
				n.child[name] = kubeChild{wrap: w, node: c}
			}
		}
		sort.Strings(n.names)
		t.nodes = append(t.nodes, n)
	}
	return t
}

// fieldsAt returns the field names of an object of apiVersion and kind at
// the mapping that the JSON pointer tokens lead to; false when the table
// does not know the kind or the position is not an object of known fields
// (a map of labels takes any key).
func (t *kubeTable) fieldsAt(apiVersion, kind string, tokens []string) ([]string, bool) {
	id, ok := t.roots[apiVersion+" "+kind]
	if !ok {
		return nil, false
	}
	wrap := ""
	for _, tok := range tokens {
		if wrap != "" {
			if wrap[0] == '*' {
				if _, err := strconv.Atoi(tok); err != nil {
					return nil, false
				}
			}
			wrap = wrap[1:]
			continue
		}
		if id < 0 || id >= len(t.nodes) {
			return nil, false
		}
		c, ok := t.nodes[id].child[tok]
		if !ok {
			return nil, false
		}
		id, wrap = c.node, c.wrap
	}
	if wrap != "" || id < 0 || id >= len(t.nodes) {
		return nil, false
	}
	return t.nodes[id].names, true
}
