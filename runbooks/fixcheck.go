package runbooks

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/internal/fieldpath"
)

// maxFixes and maxFixEdits bound a fix: block; catalogs are written by
// people, and a hundred alternatives or edits is a mistake, not a fix.
const (
	maxFixes    = 8
	maxFixEdits = 32
	// maxFixValue bounds a literal value (one line of YAML or HCL).
	maxFixValue = 256
)

// placeholder is a whole-value reference to the finding: $name or ${name}.
var placeholder = regexp.MustCompile(`^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$`)

// Placeholder returns the Extra key a fix value "$name" or "${name}" names,
// or "" when the value is a literal.
func Placeholder(v string) string {
	m := placeholder.FindStringSubmatch(v)
	if m == nil {
		return ""
	}
	return m[1] + m[2]
}

// Op returns the edit's operation ("set", "delete" or "add") and path.
func (e FixEdit) Op() (op, path string) {
	switch {
	case e.Set != "":
		return "set", e.Set
	case e.Delete != "":
		return "delete", e.Delete
	case e.Add != "":
		return "add", e.Add
	}
	return "", ""
}

// checkFixes validates the fix: block of an entry strictly, each problem
// at the line of the fix or edit it is about.
func checkFixes(name string, e *Entry, node *yaml.Node, def int, report func(line int, format string, args ...any)) {
	fail := func(line int, format string, args ...any) {
		report(line, "entry %q: %s", name, fmt.Sprintf(format, args...))
	}
	fixLine := keyLine(node, "fix", def)
	if len(e.Fix) > maxFixes {
		fail(fixLine, "fix: %d alternatives, at most %d", len(e.Fix), maxFixes)
	}
	var fixNodes []*yaml.Node
	if v := mapValue(node, "fix"); v != nil && v.Kind == yaml.SequenceNode {
		fixNodes = v.Content
	}
	for i, fx := range e.Fix {
		line := fixLine
		var fn *yaml.Node
		if i < len(fixNodes) {
			fn, line = fixNodes[i], fixNodes[i].Line
		}
		if strings.TrimSpace(fx.Description) == "" || strings.ContainsAny(fx.Description, "\n\r") {
			fail(line, "fix[%d]: needs a one-line description", i)
		}
		for _, k := range fx.Kinds {
			if strings.TrimSpace(k) == "" || strings.ContainsAny(k, " /.") {
				fail(line, "fix[%d]: kinds: %q is not a Kubernetes kind or a Terraform resource type", i, k)
			}
		}
		if len(fx.Edits) == 0 {
			fail(line, "fix[%d]: needs at least one edit", i)
		}
		if len(fx.Edits) > maxFixEdits {
			fail(line, "fix[%d]: %d edits, at most %d", i, len(fx.Edits), maxFixEdits)
		}
		var editNodes []*yaml.Node
		if v := mapValue(fn, "edits"); v != nil && v.Kind == yaml.SequenceNode {
			editNodes = v.Content
		}
		for j, ed := range fx.Edits {
			el := line
			var en *yaml.Node
			if j < len(editNodes) {
				en, el = editNodes[j], editNodes[j].Line
			}
			if msg := checkFixEdit(ed, en); msg != "" {
				fail(el, "fix[%d].edits[%d]: %s", i, j, msg)
			}
		}
	}
}

// checkFixEdit returns what is wrong with one edit, or "".
func checkFixEdit(ed FixEdit, node *yaml.Node) string {
	n := 0
	for _, p := range []string{ed.Set, ed.Delete, ed.Add} {
		if p != "" {
			n++
		}
	}
	switch {
	case n == 0:
		return "needs one of set, delete or add (a field path)"
	case n > 1:
		return "give only one of set, delete and add"
	}
	op, path := ed.Op()
	if strings.Contains(path, "|") {
		return fmt.Sprintf("%s: %q: a fix edits one field; alternatives (|) are for locate:", op, path)
	}
	steps, err := fieldpath.Parse(path)
	if err != nil {
		return fmt.Sprintf("%s: %v", op, err)
	}
	if last := steps[len(steps)-1]; last.Sel != nil || last.Key == "" {
		return fmt.Sprintf("%s: %q must end in a key, not a list selector", op, path)
	}
	for _, st := range steps {
		if st.Sel != nil && st.Sel.Kind == fieldpath.Match && strings.HasPrefix(st.Sel.Value, "$") && Placeholder(st.Sel.Value) == "" {
			return fmt.Sprintf("%s: selector value %q is not $name or ${name}", op, st.Sel.Value)
		}
	}
	valueNode := mapValue(node, "value")
	if op == "delete" {
		if ed.Value != nil || valueNode != nil {
			return "delete takes no value"
		}
		return ""
	}
	if valueNode != nil && valueNode.Kind != yaml.ScalarNode {
		return fmt.Sprintf("%s: value must be a string, number or boolean, not a %s", op, nodeKind(valueNode))
	}
	switch v := ed.Value.(type) {
	case nil:
		return fmt.Sprintf("%s needs a value (a string, number or boolean)", op)
	case string:
		if v == "" || len(v) > maxFixValue || strings.ContainsAny(v, "\n\r\x00") {
			return fmt.Sprintf("%s: value must be a non-empty string of one line, at most %d bytes", op, maxFixValue)
		}
		if strings.HasPrefix(v, "$") && Placeholder(v) == "" {
			return fmt.Sprintf("%s: value %q is not $name or ${name} (quote a literal dollar as a longer string)", op, v)
		}
	case bool, int, int64, uint64:
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return fmt.Sprintf("%s: value must be a finite number", op)
		}
	default:
		return fmt.Sprintf("%s: value must be a string, number or boolean, not %T", op, v)
	}
	return ""
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.AliasNode:
		return "alias"
	}
	return "scalar"
}
