package runbooks

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/internal/fieldpath"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

// maxFixes and maxFixEdits bound a fix: block; catalogs are written by
// people, and a hundred alternatives or edits is a mistake, not a fix.
const (
	maxFixes    = 8
	maxFixEdits = 32
	// maxFixValue bounds a literal value (one line of YAML or HCL).
	maxFixValue = 256
	// maxFixNodes and maxFixDepth bound a mapping or list value (an
	// affinity term, a PodDisruptionBudget): a few dozen lines of YAML.
	maxFixNodes = 64
	maxFixDepth = 8
)

// MappingPlaceholders are the "$name" values that stand for a mapping of
// the finding's object, copied from the manifest (fix/ resolves them).
var MappingPlaceholders = map[string]string{
	"selector_labels": "spec.selector.matchLabels",
	"pod_labels":      "pod template labels (its metadata.labels)",
	"object_labels":   "metadata.labels",
}

// FindingBlock, as the first key of a Terraform fix's path, is the nested
// block of the finding's resource whose lines hold the finding's line (an
// ingress or egress rule of an aws_security_group): "$block.description".
const FindingBlock = "$block"

// placeholder is a whole-value reference to the finding: $name or ${name}.
var placeholder = lazyre.New(`^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$`)

// Placeholder returns the Extra key a fix value "$name" or "${name}" names,
// or "" when the value is a literal.
func Placeholder(v string) string {
	m := placeholder().FindStringSubmatch(v)
	if m == nil {
		return ""
	}
	return m[1] + m[2]
}

// fixMessages caches the compiled message: expressions of fix
// alternatives (the loader has checked that each compiles; catalogs hold
// a few, and the fix stage tries them once per finding).
var fixMessages sync.Map // string -> *regexp.Regexp

// ForMessage reports whether fx is for a finding with message msg: it
// has no message: expression, or msg matches it. An alternative for
// other messages is skipped, not a reason.
func (fx Fix) ForMessage(msg string) bool {
	if fx.Message == "" {
		return true
	}
	re, ok := fixMessages.Load(fx.Message)
	if !ok {
		c, err := regexp.Compile(fx.Message)
		if err != nil {
			return false // refused by the loader; never matches
		}
		re, _ = fixMessages.LoadOrStore(fx.Message, c)
	}
	return re.(*regexp.Regexp).MatchString(msg)
}

// Op returns the edit's operation ("set", "fill", "replace", "delete",
// "add", "rename" or "document") and path ("" for a document).
func (e FixEdit) Op() (op, path string) {
	switch {
	case e.Set != "":
		return "set", e.Set
	case e.Fill != "":
		return "fill", e.Fill
	case e.Replace != "":
		return "replace", e.Replace
	case e.Delete != "":
		return "delete", e.Delete
	case e.Add != "":
		return "add", e.Add
	case e.Rename != "":
		return "rename", e.Rename
	case e.Document != nil:
		return "document", ""
	}
	return "", ""
}

// CatalogNames returns the names of the catalog values the edit takes:
// its catalog_value, or the values of its document's catalog_values in
// the order of their field paths.
func (e FixEdit) CatalogNames() []string {
	if e.CatalogValue != "" {
		return []string{e.CatalogValue}
	}
	if e.CatalogMap != "" {
		return []string{e.CatalogMap}
	}
	paths := make([]string, 0, len(e.CatalogValues))
	for p := range e.CatalogValues {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var out []string
	for _, p := range paths {
		out = append(out, e.CatalogValues[p])
	}
	return out
}

// WithPath returns e with its operation's path replaced by path (Op's
// path; a document edit has none and is returned as it is).
func (e FixEdit) WithPath(path string) FixEdit {
	switch op, _ := e.Op(); op {
	case "set":
		e.Set = path
	case "fill":
		e.Fill = path
	case "replace":
		e.Replace = path
	case "delete":
		e.Delete = path
	case "add":
		e.Add = path
	case "rename":
		e.Rename = path
	}
	return e
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
		for _, k := range fx.Tools {
			if strings.TrimSpace(k) == "" || strings.ContainsAny(k, " \t/") {
				fail(line, "fix[%d]: tools: %q is not a tool name", i, k)
			}
		}
		if fx.Message != "" {
			if len(fx.Message) > maxFixValue {
				fail(line, "fix[%d]: message: %d bytes, at most %d", i, len(fx.Message), maxFixValue)
			} else if _, err := regexp.Compile(fx.Message); err != nil {
				fail(line, "fix[%d]: message: %q is not a regular expression (RE2): %v", i, fx.Message, err)
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
		tf := terraformFix(fx)
		for j, ed := range fx.Edits {
			el := line
			var en *yaml.Node
			if j < len(editNodes) {
				en, el = editNodes[j], editNodes[j].Line
			}
			msg := checkFixEdit(ed, en)
			if msg == "" && tf {
				msg = checkTerraformEdit(ed, en)
			}
			if _, p := ed.Op(); msg == "" && !tf && (p == FindingBlock || strings.HasPrefix(p, FindingBlock+".")) {
				msg = fmt.Sprintf("%q: %s is for Terraform fixes, whose kinds are all resource types", p, FindingBlock)
			}
			if msg != "" {
				fail(el, "fix[%d].edits[%d]: %s", i, j, msg)
			}
		}
	}
}

// terraformFix reports a fix for Terraform resources only: its kinds are
// all resource types (aws_s3_bucket: lower case, with a provider prefix),
// none a Kubernetes kind.
func terraformFix(fx Fix) bool {
	if len(fx.Kinds) == 0 {
		return false
	}
	for _, k := range fx.Kinds {
		if !terraformType(k) {
			return false
		}
	}
	return true
}

func terraformType(k string) bool {
	if !strings.Contains(k, "_") || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// checkTerraformEdit returns what an edit of a Terraform fix (one that
// checkFixEdit passed) asks that HCL edits do not make (fix/hcl.go): an
// attribute or nested block is set, filled, added to or deleted with a
// string, number or boolean, its own or the catalog's (catalog_value:,
// written as it is: no from: to copy).
func checkTerraformEdit(ed FixEdit, node *yaml.Node) string {
	op, path := ed.Op()
	switch {
	case op == "rename" || op == "document":
		return fmt.Sprintf("%s is for Kubernetes manifests, and the fix's kinds are Terraform resource types", op)
	case ed.IfValue != nil:
		return fmt.Sprintf("%s: if_value is for Kubernetes manifests, and the fix's kinds are Terraform resource types", op)
	case ed.From != "" && ed.CatalogValue != "":
		return fmt.Sprintf("%s: from: is for Kubernetes manifests; a Terraform edit writes the catalog value %s as it is", op, ed.CatalogValue)
	case ed.From != "":
		return fmt.Sprintf("%s: from: is for Kubernetes manifests; give the Terraform attribute a value or catalog_value", op)
	case ed.CatalogMap != "":
		return fmt.Sprintf("%s: catalog_map is for Kubernetes manifests, and the fix's kinds are Terraform resource types", op)
	case strings.Contains(path, "["):
		return fmt.Sprintf("%s: %q: list selectors are for Kubernetes paths; a Terraform path names attributes and blocks", op, path)
	}
	if steps, err := fieldpath.Parse(path); err == nil {
		for i, st := range steps {
			switch {
			case st.Key == FindingBlock && i == 0 && len(steps) == 1:
				return fmt.Sprintf("%s: %q: %s is a block; name an attribute inside it (%s.description)", op, path, FindingBlock, FindingBlock)
			case st.Key == FindingBlock && i > 0:
				return fmt.Sprintf("%s: %q: %s is the first key of a path (the nested block that holds the finding's line)", op, path, FindingBlock)
			case st.Key != FindingBlock && strings.HasPrefix(st.Key, "$"):
				return fmt.Sprintf("%s: %q: a Terraform path names attributes and blocks, and %s the finding's nested block; %q is neither", op, path, FindingBlock, st.Key)
			}
		}
	}
	if vn := mapValue(node, "value"); vn != nil && vn.Kind != yaml.ScalarNode {
		return fmt.Sprintf("%s: a Terraform attribute takes a string, number or boolean, not a %s", op, nodeKind(vn))
	}
	return ""
}

// checkFixEdit returns what is wrong with one edit, or "".
func checkFixEdit(ed FixEdit, node *yaml.Node) string {
	n := 0
	for _, p := range []string{ed.Set, ed.Fill, ed.Replace, ed.Delete, ed.Add, ed.Rename} {
		if p != "" {
			n++
		}
	}
	if ed.Document != nil || mapValue(node, "document") != nil {
		n++
	}
	switch {
	case n == 0:
		return "needs one of set, fill, replace, delete, add or rename (a field path), or document"
	case n > 1:
		return "give only one of set, fill, replace, delete, add, rename and document"
	}
	op, path := ed.Op()
	if ed.MapBy != "" && ed.CatalogMap == "" {
		return op + ": map_by is for catalog_map (the field looked up in the table)"
	}
	if ed.CatalogMap != "" && op != "replace" {
		return checkCatalogMap(op, ed, node)
	}
	if ed.To != "" && op != "rename" {
		return fmt.Sprintf("%s: to: is for rename", op)
	}
	if ed.IfValue != nil || mapValue(node, "if_value") != nil {
		if op != "replace" {
			return fmt.Sprintf("%s: if_value is for replace", op)
		}
		if iv := mapValue(node, "if_value"); iv != nil && iv.Kind != yaml.ScalarNode {
			return fmt.Sprintf("replace: if_value must be a string, number or boolean, not a %s", nodeKind(iv))
		}
		if ed.IfValue == nil {
			return "replace: if_value must be a string, number or boolean, not null"
		}
		if msg := checkScalarValue("replace: if_value", ed.IfValue, false); msg != "" {
			return msg
		}
		if s, ok := ed.IfValue.(string); ok && Placeholder(s) != "" {
			return fmt.Sprintf("replace: if_value %q is a literal, not a $name", s)
		}
	}
	if (ed.CatalogValues != nil || mapValue(node, "catalog_values") != nil) && op != "document" {
		return fmt.Sprintf("%s: catalog_values is for document (fields of the new object); give catalog_value", op)
	}
	if op == "rename" {
		return checkRename(ed, node)
	}
	if op == "document" {
		if ed.Value != nil || mapValue(node, "value") != nil || ed.From != "" || ed.CatalogValue != "" {
			return "document takes no value, from or catalog_value: the document is the value (catalog_values: names its fields that take catalog values)"
		}
		dn := mapValue(node, "document")
		if dn == nil || dn.Kind != yaml.MappingNode {
			return "document must be a mapping (a Kubernetes object)"
		}
		for _, k := range []string{"apiVersion", "kind"} {
			if v := mapValue(dn, k); v == nil || v.Kind != yaml.ScalarNode || v.Value == "" {
				return fmt.Sprintf("document needs %s", k)
			}
		}
		if md := mapValue(dn, "metadata"); md == nil || mapValue(md, "name") == nil {
			return "document needs metadata.name"
		}
		if msg := checkStructured(op, dn); msg != "" {
			return msg
		}
		return checkDocumentValues(dn, mapValue(node, "catalog_values"))
	}
	if strings.Contains(path, "|") {
		return fmt.Sprintf("%s: %q: a fix edits one field; alternatives (|) are for locate:", op, path)
	}
	if msg := checkEditPath(op, path); msg != "" {
		return msg
	}
	valueNode := mapValue(node, "value")
	if op == "delete" {
		if ed.Value != nil || valueNode != nil || ed.From != "" || ed.CatalogValue != "" {
			return "delete takes no value"
		}
		return ""
	}
	if ed.CatalogMap != "" {
		return checkCatalogMap(op, ed, node)
	}
	if op == "replace" && ed.From != "" {
		// from: copies a field into one that may be missing; replace
		// writes only over a value that is there, and takes it literally.
		return "replace takes value or catalog_value, not from (from is for set, fill and add)"
	}
	if ed.CatalogValue != "" {
		if !ValidValueName(ed.CatalogValue) {
			return fmt.Sprintf("%s: catalog_value %q is not a value name (lower case letters, digits and _, starting with a letter)", op, ed.CatalogValue)
		}
		if ed.Value != nil || valueNode != nil {
			return fmt.Sprintf("%s: give value or catalog_value, not both", op)
		}
		if ed.From != "" {
			return checkEditPath("from", ed.From)
		}
		return ""
	}
	if ed.From != "" {
		if ed.Value != nil || valueNode != nil {
			return fmt.Sprintf("%s: give value or from, not both", op)
		}
		if msg := checkEditPath("from", ed.From); msg != "" {
			return msg
		}
		return ""
	}
	if valueNode != nil && valueNode.Kind != yaml.ScalarNode {
		if op == "add" || op == "replace" || valueNode.Kind == yaml.AliasNode {
			return fmt.Sprintf("%s: value must be a string, number or boolean, not a %s", op, nodeKind(valueNode))
		}
		return checkStructured(op, valueNode)
	}
	if op == "replace" && ed.Value == nil {
		return "replace needs a value (a string, number or boolean) or catalog_value"
	}
	return checkScalarValue(op, ed.Value, false)
}

// checkCatalogMap checks an edit that takes its value from a table of
// the catalogs' values (catalog_map:): a replace, and nothing else that
// gives it a value.
func checkCatalogMap(op string, ed FixEdit, node *yaml.Node) string {
	_, path := ed.Op()
	switch {
	case op == "fill" && ed.MapBy == "":
		return "fill: catalog_map needs map_by (the field whose value is looked up in the table)"
	case op != "replace" && op != "fill":
		return fmt.Sprintf("%s: catalog_map is for replace (the present value is looked up in the table), or fill with map_by", op)
	case op == "replace" && ed.MapBy != "":
		return "replace: map_by is for fill (replace looks up the field's own value)"
	case !ValidValueName(ed.CatalogMap):
		return fmt.Sprintf("%s: catalog_map %q is not a value name (lower case letters, digits and _, starting with a letter)", op, ed.CatalogMap)
	case ed.Value != nil || mapValue(node, "value") != nil || ed.CatalogValue != "" || ed.From != "":
		return op + ": give catalog_map alone: the table gives the value"
	case ed.IfValue != nil || mapValue(node, "if_value") != nil:
		return op + ": catalog_map and if_value: the table's keys are the values replaced"
	case strings.Contains(path, "[*]") || strings.Contains(ed.MapBy, "[*]"):
		return fmt.Sprintf("%s: %q: catalog_map edits one field, or one per name of a $name selector, not every item ([*])", op, path)
	case ed.MapBy != "":
		return checkEditPath("map_by", ed.MapBy)
	}
	return ""
}

// maxDocumentValues bounds the catalog_values of a document: a few
// fields of one object (a NetworkPolicy's ingress and egress rules).
const maxDocumentValues = 8

// checkDocumentValues checks the catalog_values: of a document edit (cv,
// nil when it has none): a mapping of field paths inside the document dn
// to value names. A path is plain keys (no list selector, no $name),
// outside apiVersion, kind and metadata (the object's identity, namespace
// and labels are the fix's), not written by the document itself nor under
// a field the document writes as a scalar, a list or a placeholder, and
// not inside another path of the mapping: every field comes from one
// place.
func checkDocumentValues(dn, cv *yaml.Node) string {
	if cv == nil {
		return ""
	}
	if cv.Kind != yaml.MappingNode || len(cv.Content) == 0 {
		return "document: catalog_values must be a mapping of field paths in the document to value names (spec.ingress: network_policy_ingress)"
	}
	if n := len(cv.Content) / 2; n > maxDocumentValues {
		return fmt.Sprintf("document: catalog_values: %d fields, at most %d", n, maxDocumentValues)
	}
	var paths []string
	for i := 0; i+1 < len(cv.Content); i += 2 {
		k, v := cv.Content[i], cv.Content[i+1]
		p := k.Value
		if v.Kind != yaml.ScalarNode || v.Tag != "!!str" || !ValidValueName(v.Value) {
			return fmt.Sprintf("document: catalog_values: %s: %q is not a value name (lower case letters, digits and _, starting with a letter)", p, v.Value)
		}
		steps, err := fieldpath.Parse(p)
		if err != nil {
			return fmt.Sprintf("document: catalog_values: %v", err)
		}
		for _, st := range steps {
			if st.Sel != nil || st.Key == "" || strings.HasPrefix(st.Key, "$") {
				return fmt.Sprintf("document: catalog_values: %q must be plain keys (spec.ingress): no list selector or $name", p)
			}
		}
		switch steps[0].Key {
		case "apiVersion", "kind", "metadata":
			return fmt.Sprintf("document: catalog_values: %q: the document's apiVersion, kind and metadata are the fix's (its name, namespace and labels come from the finding's object)", p)
		}
		cur := dn
		for j, st := range steps {
			next := mapValue(cur, st.Key)
			if next == nil {
				break
			}
			at := strings.Join(keysOf(steps[:j+1]), ".")
			if j == len(steps)-1 {
				return fmt.Sprintf("document: catalog_values: the document writes %s itself; a field comes from the document or from the catalog, not both", at)
			}
			if next.Kind != yaml.MappingNode {
				return fmt.Sprintf("document: catalog_values: %q: the document writes %s as a %s, not a mapping", p, at, nodeKind(next))
			}
			cur = next
		}
		for _, q := range paths {
			if strings.HasPrefix(p+".", q+".") || strings.HasPrefix(q+".", p+".") {
				return fmt.Sprintf("document: catalog_values: %s and %s overlap; a field comes from one value", q, p)
			}
		}
		paths = append(paths, p)
	}
	return ""
}

func keysOf(steps []fieldpath.Step) []string {
	out := make([]string, len(steps))
	for i, st := range steps {
		out[i] = st.Key
	}
	return out
}

// checkRename checks a rename: edit: a field path or "$name" (JSON
// pointers the finding carries), no value or from, and to:, when given,
// a plain one-line key.
func checkRename(ed FixEdit, node *yaml.Node) string {
	if ed.Value != nil || mapValue(node, "value") != nil || ed.From != "" {
		return "rename takes no value or from: the value stays as written (to: is the new name)"
	}
	if strings.HasPrefix(ed.Rename, "$") {
		if name := Placeholder(ed.Rename); name == "" {
			return fmt.Sprintf("rename: %q is not $name or ${name}", ed.Rename)
		} else if _, isMap := MappingPlaceholders[name]; isMap {
			return fmt.Sprintf("rename: $%s is a mapping, not the finding's JSON pointers", name)
		}
	} else if msg := checkEditPath("rename", ed.Rename); msg != "" {
		return msg
	}
	if tn := mapValue(node, "to"); tn != nil && (tn.Kind != yaml.ScalarNode || tn.Tag != "!!str") {
		return "rename: to: must be a key name (a string)"
	}
	if ed.To != "" && !plainKey(ed.To) {
		return fmt.Sprintf("rename: to: %q must be a plain key of letters, digits, '-', '_', '.' and '/', at most %d bytes", ed.To, maxFixValue)
	}
	return ""
}

// plainKey reports a key that YAML writes without quotes the same in
// every place (a Kubernetes field or label name).
func plainKey(s string) bool {
	if s == "" || len(s) > maxFixValue {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./", r)) {
			return false
		}
	}
	return s[0] != '-' && s[0] != '.'
}

// checkEditPath checks a field path of an edit (or of its from:).
func checkEditPath(op, path string) string {
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
	return ""
}

// emptySelectors are the keys whose value may be an empty mapping: a
// Kubernetes label selector, where {} selects every pod or namespace (a
// NetworkPolicy peer "podSelector: {}" is every pod of its namespace).
// Anywhere else an empty mapping is a value left out.
var emptySelectors = map[string]bool{"podSelector": true, "namespaceSelector": true}

// checkStructured checks a mapping or list value: bounded in size and
// depth, string keys, and scalars that checkScalarValue takes (a mapping
// placeholder too); no empty mapping but a label selector's, no empty
// list.
func checkStructured(op string, root *yaml.Node) string {
	count := 0
	var walk func(n *yaml.Node, depth int, key string) string
	walk = func(n *yaml.Node, depth int, key string) string {
		count++
		if count > maxFixNodes || depth > maxFixDepth {
			return fmt.Sprintf("%s: value is larger than %d nodes or deeper than %d levels", op, maxFixNodes, maxFixDepth)
		}
		switch n.Kind {
		case yaml.MappingNode:
			if len(n.Content) == 0 && !emptySelectors[key] {
				return fmt.Sprintf("%s: value has an empty mapping at line %d", op, n.Line)
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if k.Kind != yaml.ScalarNode || k.Value == "" || strings.ContainsAny(k.Value, "\n\r") {
					return fmt.Sprintf("%s: value has a key at line %d that is not a one-line string", op, k.Line)
				}
				if msg := walk(n.Content[i+1], depth+1, k.Value); msg != "" {
					return msg
				}
			}
		case yaml.SequenceNode:
			if len(n.Content) == 0 {
				return fmt.Sprintf("%s: value has an empty list at line %d", op, n.Line)
			}
			for _, c := range n.Content {
				if msg := walk(c, depth+1, ""); msg != "" {
					return msg
				}
			}
		case yaml.ScalarNode:
			var v any
			if err := n.Decode(&v); err != nil {
				return fmt.Sprintf("%s: value at line %d: %v", op, n.Line, err)
			}
			return checkScalarValue(op, v, true)
		default:
			return fmt.Sprintf("%s: value at line %d is an alias; write it out", op, n.Line)
		}
		return ""
	}
	return walk(root, 0, "")
}

// checkScalarValue checks one scalar of a value; inStructure allows the
// mapping placeholders.
func checkScalarValue(op string, val any, inStructure bool) string {
	switch v := val.(type) {
	case nil:
		if inStructure {
			return fmt.Sprintf("%s: value has an empty (null) scalar", op)
		}
		return fmt.Sprintf("%s needs a value (a string, number or boolean) or from", op)
	case string:
		if v == "" || len(v) > maxFixValue || strings.ContainsAny(v, "\n\r\x00") {
			return fmt.Sprintf("%s: value must be a non-empty string of one line, at most %d bytes", op, maxFixValue)
		}
		if strings.HasPrefix(v, "$") && Placeholder(v) == "" {
			return fmt.Sprintf("%s: value %q is not $name or ${name} (quote a literal dollar as a longer string)", op, v)
		}
		if name := Placeholder(v); name != "" && !inStructure {
			if _, isMap := MappingPlaceholders[name]; isMap {
				return fmt.Sprintf("%s: $%s is a mapping: use it inside a mapping value (matchLabels: $%s)", op, name, name)
			}
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
