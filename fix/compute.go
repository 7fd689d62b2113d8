// Package fix turns the fix: blocks of runbook entries into edits of the
// files a finding is about, and applies edits.
//
// A fix edits the object of the finding: the Kubernetes document of
// Finding.Resource in Finding.Path (multi-document files included; pod
// paths are written once for every workload kind, as for locate:), or the
// Terraform block of Finding.Resource (the resource block of a .tf file).
// Edits are made on the text, never by re-serialising the file: comments,
// indentation, key order, quoting and the rest of the file stay as written,
// and the resulting Edits touch only the lines that change (see yaml.go and
// hcl.go).
//
// Values "$name" come from the finding's Extra; $container, when the tool
// named none, is the container whose block holds the finding's line.
// A selector [name=$container] with several names (kube-score lists them
// comma-separated) edits each of them, and [*] edits every item.
// An edit's catalog_value: is a value of the catalogs' values: (the
// organisation's defaults, runbooks.Values), given to ComputeWith and
// Options.Values; a fix that needs one no catalog sets does not apply, and
// its FixNote names it.
//
// A Helm template is edited only where every line the fix reads and
// writes is literal YAML: the located line changed by itself, or a fix of
// several edits, or one that adds keys, when no line it changes holds a
// template action and no key beside what it adds is one (computeTemplate);
// otherwise there is no fix and Finding.FixNote says why.
package fix

import (
	"errors"
	"path"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/fieldpath"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// Compute returns the edits that apply fx to the file src (the finding's
// file, at its path) for finding f, or an error that says why it cannot.
// An empty Edits with no error means the file already is as the fix wants.
// An edit that takes a catalog value (catalog_value:) does not apply:
// ComputeWith gives the catalogs' values.
func Compute(src []byte, f *translator.Finding, fx runbooks.Fix, source string) (translator.Fix, error) {
	return ComputeWith(src, f, fx, source, nil)
}

func compute(src []byte, f *translator.Finding, fx runbooks.Fix, source string) (translator.Fix, error) {
	return computeView(src, "", f, fx, source)
}

// computeWithView is ComputeWith with the run's view of the object
// (computeView).
func computeWithView(src []byte, view string, f *translator.Finding, fx runbooks.Fix, source string, vals runbooks.Values) (translator.Fix, error) {
	fx, err := withValues(fx, vals, isTerraform(f.Path))
	if err != nil {
		return translator.Fix{Description: fx.Description, Source: source}, err
	}
	return computeView(src, view, f, fx, source)
}

// computeView makes fx's edits of src. view, when not "", is src with the
// fixes the run gave other findings on the same object applied (see
// Stage.view): the mappings a fix copies ($object_labels and the other
// mapping placeholders) and the fields it copies with from: are read from
// the object as those fixes leave it, so that a document or key this fix
// adds carries the labels another fix adds (the ServiceAccount of
// k8s-default-service-account gets the team label of
// k8s-required-labels). The edits are made on src either way.
func computeView(src []byte, view string, f *translator.Finding, fx runbooks.Fix, source string) (translator.Fix, error) {
	out := translator.Fix{Description: fx.Description, Source: source}
	if len(src) > 0 && !utf8Text(src) {
		return out, notHereP("fixnote.not_utf8")
	}
	if !ForTool(fx, f.Tool) {
		return out, notHereP("fixnote.for_tools", strings.Join(fx.Tools, ", "), f.Tool)
	}
	if !fx.ForMessage(f.Message) {
		return out, notHereP("fixnote.for_message", fx.Message)
	}
	var final string
	var err error
	switch {
	case isTerraform(f.Path) && takesTable(fx):
		return out, notHereP("fixnote.map_terraform", f.Path)
	case isTerraform(f.Path):
		final, err = computeHCL(string(src), f, fx)
	case strings.Contains(string(src), "{{"):
		final, err = computeTemplate(string(src), f, fx)
	default:
		final, err = computeYAML(string(src), view, f, fx)
	}
	if err != nil {
		return out, err
	}
	out.Edits = LineEdits(f.Path, string(src), final)
	return out, nil
}

// takesTable reports whether an edit of fx takes a catalog_map: table.
func takesTable(fx runbooks.Fix) bool {
	for _, ed := range fx.Edits {
		if ed.CatalogMap != "" {
			return true
		}
	}
	return false
}

// ForTool reports whether fx is for findings of tool (fx.Tools is empty,
// or names it); an alternative for another tool is skipped, not a reason.
func ForTool(fx runbooks.Fix, tool string) bool {
	return len(fx.Tools) == 0 || contains(fx.Tools, tool)
}

// ForFinding reports whether fx is for finding f: its tool (ForTool) and
// its message (fx.Message); an alternative for other findings is skipped,
// not a reason.
func ForFinding(fx runbooks.Fix, f *translator.Finding) bool {
	return ForTool(fx, f.Tool) && fx.ForMessage(f.Message)
}

func isTerraform(p string) bool { return path.Ext(p) == ".tf" }

func utf8Text(b []byte) bool {
	return !strings.ContainsRune(string(b), 0) && strings.ToValidUTF8(string(b), "\uFFFD") == string(b)
}

// vars are the finding's values for $name: its Extra, and, when the tool
// named no container, the one that holds the finding's line or the pod's
// only one; $object_name is the metadata.name of the finding's document
// (for checks that want a field equal to it, such as Polaris's
// app.kubernetes.io/instance label).
func vars(src string, f *translator.Finding, doc *locate.Document) map[string]string {
	v := map[string]string{}
	for k, x := range f.Extra {
		v[k] = x
	}
	if doc == nil {
		return v
	}
	if v["container"] == "" {
		if c := containerAt(doc, f.Line); c != "" {
			v["container"] = c
		}
	}
	if v["object_name"] == "" && doc.Name != "" {
		v["object_name"] = doc.Name
	}
	if v["container_port"] == "" && v["container"] != "" && !strings.Contains(v["container"], ",") {
		containerPort(doc, v)
	}
	return v
}

// portWhy is the vars key under which containerPort says why
// $container_port has no value: "none" or the number of TCP ports.
const portWhy = "container_port\x00why"

// containerPort sets $container_port: the TCP port the container
// v["container"] declares (by its name when it has one, else its number),
// when it declares exactly one; otherwise v[portWhy] says why not. A TCP
// probe on a container's one port is what the organisation's
// tcp_readiness_probe convention asks for (k8s-readiness-probe).
func containerPort(doc *locate.Document, v map[string]string) {
	n, port := 0, ""
	eachContainer(doc.Root, func(name string, c *yaml.Node) {
		if name != v["container"] || n < 0 {
			return
		}
		ports := mapValue(c, "ports")
		if ports == nil || ports.Kind != yaml.SequenceNode {
			n = -1
			return
		}
		cnt := 0
		for _, p := range ports.Content {
			p = deref(p)
			if proto := scalar(p, "protocol"); proto != "" && proto != "TCP" {
				continue // UDP and SCTP take no TCP probe
			}
			num := scalar(p, "containerPort")
			if _, err := strconv.Atoi(num); err != nil {
				continue
			}
			cnt++
			port = num
			if name := scalar(p, "name"); name != "" {
				port = name
			}
		}
		n = cnt
		if n == 0 {
			n = -1
		}
	})
	switch {
	case n == 1:
		v["container_port"] = port
	case n > 1:
		v[portWhy] = strconv.Itoa(n)
	default:
		v[portWhy] = "none"
	}
}

// PinContainer returns the finding's Extra with "container" set to the
// container that holds its line in orig, when the tool named none: before
// a fix is computed again on a changed file, whose lines have moved. In a
// Terraform file it pins the nested block a $block path means instead.
func PinContainer(orig []byte, f *translator.Finding) map[string]string {
	out := map[string]string{}
	for k, v := range f.Extra {
		out[k] = v
	}
	if isTerraform(f.Path) {
		return PinBlock(orig, f, out) // a $block path's block (hcl.go)
	}
	if out["container"] != "" {
		return out
	}
	if d, _, err := kubeLocator(f)(string(orig)); err == nil {
		if c := containerAt(&d, f.Line); c != "" {
			out["container"] = c
		}
	}
	return out
}

// containerAt names the container (init and ephemeral ones too) whose list
// item spans line, or the only container of the pod; "" when neither.
func containerAt(doc *locate.Document, line int) string {
	p, err := locate.ParseFieldPath("spec.containers")
	if err != nil {
		return ""
	}
	steps := p.ForKind(doc.Kind).Steps()
	cur := doc.Root
	for _, st := range steps[:len(steps)-1] {
		_, cur = entry(derefMap(cur), st.Key)
		if cur == nil {
			return ""
		}
	}
	spec := derefMap(cur)
	for _, list := range []string{"containers", "initContainers", "ephemeralContainers"} {
		k, seq := entry(spec, list)
		seq = deref(seq)
		if seq == nil || seq.Kind != yaml.SequenceNode {
			continue
		}
		// Trivy points some container findings at the list's key; a list
		// of one container says which.
		if k.Line == line && len(seq.Content) == 1 {
			return scalar(deref(seq.Content[0]), "name")
		}
		for i, it := range seq.Content {
			end := 1 << 30
			if i+1 < len(seq.Content) {
				end = seq.Content[i+1].Line - 1
			} else if e := lastLine(it); e > 0 {
				end = e
			}
			if line >= it.Line && line <= end {
				return scalar(deref(it), "name")
			}
		}
	}
	// A pod of one container: a container finding is about it.
	var all []*yaml.Node
	for _, list := range []string{"containers", "initContainers", "ephemeralContainers"} {
		if _, seq := entry(spec, list); deref(seq) != nil && deref(seq).Kind == yaml.SequenceNode {
			all = append(all, deref(seq).Content...)
		}
	}
	if len(all) == 1 {
		return scalar(deref(all[0]), "name")
	}
	return ""
}

func derefMap(n *yaml.Node) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return &yaml.Node{Kind: yaml.MappingNode}
	}
	return n
}

func lastLine(n *yaml.Node) int {
	end := n.Line
	for _, c := range n.Content {
		if e := lastLine(c); e > end {
			end = e
		}
	}
	return end
}

// docLocator finds the finding's document in the current text, with the
// last line of the document.
type docLocator func(src string) (locate.Document, int, error)

func kubeLocator(f *translator.Finding) docLocator {
	return func(src string) (locate.Document, int, error) {
		docs := locate.Documents([]byte(src))
		var d locate.Document
		var ok bool
		switch {
		case f.Resource != "":
			d, ok = locate.FindDocument(docs, f.Resource, f.Extra["namespace"])
		case len(docs) == 1:
			d, ok = docs[0], true
		}
		if !ok {
			if f.Resource == "" {
				return d, 0, notHereP("fixnote.no_object_unnamed", f.Path)
			}
			return d, 0, notHereP("fixnote.no_object", f.Resource, f.Path)
		}
		return d, docEnd(newText(src), d.Root.Line), nil
	}
}

// docEnd is the last line of the document that holds line.
func docEnd(t *text, line int) int {
	for n := line + 1; n <= t.lines(); n++ {
		if isMarker(t.line(n)) {
			return n - 1
		}
	}
	return t.lines()
}

// forKind reports whether fx applies to an object of kind.
func forKind(fx runbooks.Fix, kind string) error {
	if len(fx.Kinds) == 0 || contains(fx.Kinds, kind) {
		return nil
	}
	return notHereP("fixnote.for_kinds", strings.Join(fx.Kinds, ", "), kind)
}

// kindsErr reports whether err is forKind's: the fix is for other kinds.
func kindsErr(err error) bool {
	var e *errNotHere
	return errors.As(err, &e) && e.p.Key == "fixnote.for_kinds"
}

func computeYAML(src, view string, f *translator.Finding, fx runbooks.Fix) (string, error) {
	return computeYAMLAt(src, view, f, fx, kubeLocator(f))
}

// computeYAMLAt is computeYAML with the finding's document found by loc.
func computeYAMLAt(src, view string, f *translator.Finding, fx runbooks.Fix, loc docLocator) (string, error) {
	d, _, err := loc(src)
	if err != nil {
		return "", err
	}
	if err := forKind(fx, d.Kind); err != nil {
		return "", err
	}
	v := vars(src, f, &d)
	maps := objectMaps(&d)
	// seen is the object as the run's other fixes leave it, when they
	// change it: what the mapping placeholders and from: read.
	var seen *locate.Document
	if view != "" && view != src {
		if dv, _, err := loc(view); err == nil && dv.Kind == d.Kind {
			seen = &dv
			maps = objectMaps(seen)
		}
	}
	ndocs := len(locate.Documents([]byte(src)))
	cur := src
	// unset collects the catalog values that edits copying a field the
	// object lacks would write, and no catalog sets: all are named.
	var unset []string
	for _, ed := range fx.Edits {
		op, p := ed.Op()
		if op == "rename" {
			next, err := renameYAML(cur, loc, ed, v)
			if err != nil {
				return "", err
			}
			if len(locate.Documents([]byte(next))) != ndocs {
				return "", messages.Errorf("fixerr.no_parse", op, p)
			}
			cur = next
			continue
		}
		if op == "document" {
			next, err := appendDocument(cur, loc, ed.Document, v, maps)
			if err != nil {
				return "", err
			}
			if len(locate.Documents([]byte(next))) != ndocs+1 {
				return "", messages.Errorf("fixerr.no_parse_doc")
			}
			ndocs++
			cur = next
			continue
		}
		fp, err := locate.ParseFieldPath(p)
		if err != nil {
			return "", err
		}
		steps, err := editSteps(cur, loc, &d, seen, fp, ed, v, maps)
		if names := ValuesUnset(err); names != nil {
			for _, n := range names {
				if !contains(unset, n) {
					unset = append(unset, n)
				}
			}
			continue
		}
		if err != nil {
			return "", err
		}
		for _, st := range steps {
			next, err := editYAML(cur, loc, yamlOp{op: op, path: st.path, value: st.value, ifValue: ed.IfValue}, st.vars)
			if err != nil {
				return "", err
			}
			if len(locate.Documents([]byte(next))) != ndocs {
				return "", messages.Errorf("fixerr.no_parse", op, p)
			}
			cur = next
		}
	}
	if len(unset) > 0 {
		return "", valuesUnset(unset)
	}
	if err := verifyYAML(cur, loc, fx, v, maps); err != nil {
		return "", err
	}
	if after, _, err := loc(cur); err == nil {
		if err := checkProbePorts(&d, &after); err != nil {
			return "", err
		}
	}
	return cur, nil
}

// editStep is one edit with its value resolved: an edit with from: is
// made once for each container (or other $name selector value) it names,
// each copying its own field.
type editStep struct {
	path  locate.FieldPath
	value any
	vars  map[string]string
}

// editSteps resolves the value of ed on the text as it is now. An edit
// with from: and a catalog value writes the value where orig, the object
// as the finding found it, has no field to copy: deciding on orig, not on
// the text an earlier edit of the fix changed, a limit filled from the
// catalog is not then copied into the request the catalog also sets.
// seen, when not nil, is the object as the run's other fixes leave it: a
// field neither orig nor the text now has is copied from there when
// another fix adds it (before a catalog value is taken).
func editSteps(cur string, loc docLocator, orig, seen *locate.Document, fp locate.FieldPath, ed runbooks.FixEdit, v map[string]string, maps map[string]*yaml.Node) ([]editStep, error) {
	op, _ := ed.Op()
	if ed.MapBy != "" {
		return mapBySteps(orig, fp, ed, v, maps)
	}
	if ed.CatalogMap != "" {
		return mapSteps(orig, fp, ed, v)
	}
	if ed.From == "" {
		if op == "delete" {
			return []editStep{{path: fp, vars: v}}, nil
		}
		val, err := resolveValue(ed.Value, v, maps)
		if err != nil {
			return nil, err
		}
		return []editStep{{path: fp, value: val, vars: v}}, nil
	}
	from, err := locate.ParseFieldPath(ed.From)
	if err != nil {
		return nil, err
	}
	d, _, err := loc(cur)
	if err != nil {
		return nil, err
	}
	var out []editStep
	for _, c := range combos([]locate.FieldPath{fp, from}, v) {
		cv := withVars(v, c)
		to, err := fp.Expand(c)
		if err != nil {
			return nil, noteOf(err)
		}
		if op == "fill" && present(d.Root, d.Kind, to) {
			continue // kept as it is: nothing to copy
		}
		src, err := from.Expand(c)
		if err != nil {
			return nil, noteOf(err)
		}
		root, kind := d.Root, d.Kind
		if seen != nil && !present(orig.Root, orig.Kind, src) && !present(d.Root, d.Kind, src) && present(seen.Root, seen.Kind, src) {
			// another fix of the run adds the field: copied as it
			// leaves it
			root, kind = seen.Root, seen.Kind
		} else if ed.CatalogValue != "" && !present(orig.Root, orig.Kind, src) {
			if ed.Value == nil {
				return nil, valuesUnset([]string{ed.CatalogValue})
			}
			val, err := resolveValue(ed.Value, cv, maps)
			if err != nil {
				return nil, err
			}
			out = append(out, editStep{path: to, value: val, vars: cv})
			continue
		}
		val, err := fromValue(root, kind, src)
		if err != nil {
			return nil, err
		}
		out = append(out, editStep{path: to, value: val, vars: cv})
	}
	return out, nil
}

// mapSteps are the steps of a replace with catalog_map: each field the path
// names (one per container of a $container selector) that orig, the object
// as the finding found it, has gets the value the table (ed.Value, set by
// withValues) gives for its present value. A field the object lacks is
// left so, as replace leaves it; a present value the table has no entry
// for, or one a template action writes, makes no suggestion.
func mapSteps(orig *locate.Document, fp locate.FieldPath, ed runbooks.FixEdit, v map[string]string) ([]editStep, error) {
	table, ok := ed.Value.(map[string]string)
	if !ok {
		return nil, valuesUnset([]string{ed.CatalogMap})
	}
	var out []editStep
	found := false
	for _, c := range combos([]locate.FieldPath{fp}, v) {
		cv := withVars(v, c)
		to, err := fp.Expand(c)
		if err != nil {
			return nil, noteOf(err)
		}
		n := presentScalar(orig.Root, orig.Kind, to)
		if n == nil {
			continue
		}
		found = true
		if isTableValue(table, n.Value) {
			continue // already the copy the table gives
		}
		if strings.Contains(n.Value, helmMarker) {
			return nil, helm("fixnote.helm_scalar", n.Line)
		}
		steps := to.Steps()
		nv, ok := lookupTable(table, steps[len(steps)-1].Key, n.Value, false)
		if !ok {
			return nil, notHereP("fixnote.map_no_entry", ed.CatalogMap, n.Value)
		}
		out = append(out, editStep{path: to, value: nv, vars: cv})
	}
	if !found {
		// nothing to look up: not "already as the fix wants"
		return nil, notHereP("fixnote.map_absent", fp.String(), ed.CatalogMap)
	}
	return out, nil
}

// mapBySteps resolves a fill whose value is the entry of a table of the
// catalogs' values (catalog_map:) for the present value of another field
// of the object (map_by:, read from orig, the object as the finding found
// it): a liveness probe for the container's image. With a $name selector,
// each combination looks up its own field (each container its image).
func mapBySteps(orig *locate.Document, fp locate.FieldPath, ed runbooks.FixEdit, v map[string]string, maps map[string]*yaml.Node) ([]editStep, error) {
	table, ok := ed.Value.(map[string]any)
	if !ok {
		return nil, valuesUnset([]string{ed.CatalogMap})
	}
	by, err := locate.ParseFieldPath(ed.MapBy)
	if err != nil {
		return nil, err
	}
	var out []editStep
	for _, c := range combos([]locate.FieldPath{fp, by}, v) {
		cv := withVars(v, c)
		to, err := fp.Expand(c)
		if err != nil {
			return nil, noteOf(err)
		}
		from, err := by.Expand(c)
		if err != nil {
			return nil, noteOf(err)
		}
		n := presentScalar(orig.Root, orig.Kind, from)
		if n == nil {
			return nil, notHereP("fixnote.map_absent", from.String(), ed.CatalogMap)
		}
		if strings.Contains(n.Value, helmMarker) {
			return nil, helm("fixnote.helm_scalar", n.Line)
		}
		steps := from.Steps()
		x, ok := lookupTable(table, steps[len(steps)-1].Key, n.Value, true)
		if !ok {
			return nil, notHereP("fixnote.map_no_entry", ed.CatalogMap, n.Value)
		}
		val, err := resolveValue(x, cv, maps)
		if err != nil {
			return nil, err
		}
		out = append(out, editStep{path: to, value: val, vars: cv})
	}
	return out, nil
}

// presentScalar is the scalar node at p in the object (root, of kind), or
// nil when the field is absent or not one scalar.
func presentScalar(root *yaml.Node, kind string, p locate.FieldPath) *yaml.Node {
	return presentOf(root, kind, p, yaml.ScalarNode)
}

// presentOf is the node of that kind at p in the object, or nil when the
// field is absent, several, null or of another kind.
func presentOf(root *yaml.Node, kind string, p locate.FieldPath, nodeKind yaml.Kind) *yaml.Node {
	ts, err := resolveNamed(root, p.ForKind(kind))
	if err != nil || len(ts) != 1 || ts[0].key == nil {
		return nil
	}
	if n := deref(ts[0].val); n != nil && n.Kind == nodeKind && !isNull(n) {
		return n
	}
	return nil
}

// withVars is v with the selector values of one combination (combos)
// over it, a map of its own.
func withVars(v, c map[string]string) map[string]string {
	out := make(map[string]string, len(v)+len(c))
	for k, x := range v {
		out[k] = x
	}
	for k, x := range c {
		out[k] = x
	}
	return out
}

// combos are the values of the $name selectors of paths, one map for each
// combination (kube-score names several containers comma-separated); one
// empty map when there are none. A name without a value gives none: the
// path then fails to expand with the reason.
func combos(paths []locate.FieldPath, vars map[string]string) []map[string]string {
	var names []string
	for _, p := range paths {
		for _, st := range p.Steps() {
			if st.Sel == nil {
				continue
			}
			if n := runbooks.Placeholder(st.Sel.Value); n != "" && !contains(names, n) {
				names = append(names, n)
			}
		}
	}
	out := []map[string]string{{}}
	for _, n := range names {
		var next []map[string]string
		for _, part := range strings.Split(vars[n], ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			for _, c := range out {
				m := map[string]string{n: part}
				for k, x := range c {
					m[k] = x
				}
				next = append(next, m)
			}
		}
		if len(next) == 0 {
			return out // Expand says which name has no value
		}
		out = next
	}
	return out
}

// present reports whether the field at p (for the object's kind, a named
// container possibly an init container) exists.
func present(root *yaml.Node, kind string, p locate.FieldPath) bool {
	ts, _ := resolveNamed(root, p.ForKind(kind))
	for _, tg := range ts {
		if tg.key != nil {
			return true
		}
	}
	return false
}

// resolveNamed resolves q (a path already for the object's kind) in root,
// or, when a container it names is not among the containers, the same path
// in the init or ephemeral containers; the error is the plain path's.
func resolveNamed(root *yaml.Node, q locate.FieldPath) ([]ytarget, error) {
	ts, err := resolveEdit(root, q.Steps())
	if err == nil {
		return ts, nil
	}
	for _, alt := range q.ContainerVariants() {
		if ts, err2 := resolveEdit(root, alt.Steps()); err2 == nil {
			return ts, nil
		}
	}
	return nil, err
}

func isStructured(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// resolveValue is a fix value with its placeholders resolved: a scalar, or
// a *yaml.Node for a mapping or list.
func resolveValue(raw any, vars map[string]string, maps map[string]*yaml.Node) (any, error) {
	n, ok, err := structured(raw, vars, maps)
	if err != nil {
		return nil, err
	}
	if ok {
		return n, nil
	}
	return value(raw, vars)
}

// verifyYAML checks, on the edited text parsed again, that every edit
// holds: set fields have the value, filled ones exist, replaced ones have
// the value where they are, deleted ones are gone, added items are in
// their lists, appended documents are there.
func verifyYAML(src string, loc docLocator, fx runbooks.Fix, v map[string]string, maps map[string]*yaml.Node) error {
	d, _, err := loc(src)
	if err != nil {
		return messages.Errorf("fixapply.after", messages.Of(err))
	}
	for _, ed := range fx.Edits {
		op, p := ed.Op()
		if op == "rename" {
			continue // checked by renameYAML, on the text it made
		}
		if op == "document" {
			if !documentHolds(src, ed.Document, v, maps, d.Namespace) {
				return messages.Errorf("fixerr.no_document")
			}
			continue
		}
		fp, _ := locate.ParseFieldPath(p)
		var val any
		if ed.From == "" && op != "delete" && ed.CatalogMap == "" {
			val, _ = resolveValue(ed.Value, v, maps)
		}
		paths, err := expandPaths(fp, v)
		if err != nil {
			return err
		}
		for _, q := range paths {
			q = q.ForKind(d.Kind)
			ts, err := resolveNamed(d.Root, q)
			if err != nil {
				continue // this name was an init container, say: checked there
			}
			for _, tg := range ts {
				switch {
				case op == "delete" && tg.key != nil:
					return messages.Errorf("fixerr.still_there", q.String())
				case op == "delete":
				case tg.key == nil && (op == "fill" || ed.From != ""):
					return messages.Errorf("fixerr.not_there", q.String())
				case op == "fill" || ed.From != "":
					// kept, filled or copied: the value is the manifest's own
				case op == "replace" && tg.key == nil:
					// absent, and left so
				case op == "replace" && ed.CatalogMap != "":
					if !holdsTableValue(deref(tg.val), ed.Value) {
						return messages.Errorf("fixerr.not_held", q.String(), ed.CatalogMap)
					}
				case op == "replace" && ed.IfValue != nil && !holdsValue(deref(tg.val), ed.IfValue):
					// another value than if_value: left so (or replaced)
				case op == "replace" && !holdsValue(deref(tg.val), val):
					return messages.Errorf("fixerr.not_held", q.String(), val)
				case op == "set" && (tg.key == nil || !holdsValue(deref(tg.val), val)):
					return messages.Errorf("fixerr.not_held", q.String(), val)
				case op == "add" && (tg.key == nil || !holds(deref(tg.val), val)):
					return messages.Errorf("fixerr.not_listed", q.String(), val)
				}
			}
		}
	}
	return nil
}

// isTableValue reports whether v is a value the table gives.
func isTableValue(table map[string]string, v string) bool {
	for _, x := range table {
		if x == v {
			return true
		}
	}
	return false
}

// holdsTableValue reports whether the node is a scalar that a catalog_map
// table (map[string]string) gives for some value.
func holdsTableValue(n *yaml.Node, table any) bool {
	m, _ := table.(map[string]string)
	return n != nil && n.Kind == yaml.ScalarNode && isTableValue(m, n.Value)
}

// holdsValue reports whether the node holds a resolved value (scalar or
// mapping/list).
func holdsValue(n *yaml.Node, val any) bool {
	if m, ok := val.(*yaml.Node); ok {
		return nodeEqual(n, m)
	}
	return n != nil && n.Kind == yaml.ScalarNode && same(n, val)
}

func holds(seq *yaml.Node, val any) bool {
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return false
	}
	for _, it := range seq.Content {
		if it = deref(it); it.Kind == yaml.ScalarNode && same(it, val) {
			return true
		}
	}
	return false
}

// value resolves a fix value: "$name" is the finding's value.
func value(v any, vars map[string]string) (any, error) {
	s, ok := v.(string)
	if !ok {
		return v, nil
	}
	if name := runbooks.Placeholder(s); name != "" {
		x := vars[name]
		if x == "" && name == "container_port" && vars[portWhy] != "" {
			if k, err := strconv.Atoi(vars[portWhy]); err == nil {
				return nil, notHereP("fixnote.port_several", vars["container"], k)
			}
			return nil, notHereP("fixnote.port_none", vars["container"])
		}
		if x == "" {
			return nil, notHereP("fixnote.no_placeholder", name, name)
		}
		if k, err := strconv.Atoi(x); err == nil && name == "container_port" {
			return k, nil // a port without a name is its number, not a string
		}
		return x, nil
	}
	return s, nil
}

// expandPaths replaces $name selector values; a name with several
// comma-separated values gives one path each.
func expandPaths(p locate.FieldPath, vars map[string]string) ([]locate.FieldPath, error) {
	var names []string
	for _, st := range p.Steps() {
		if st.Sel == nil {
			continue
		}
		if n := runbooks.Placeholder(st.Sel.Value); n != "" && !contains(names, n) {
			names = append(names, n)
		}
	}
	combos := []map[string]string{{}}
	for _, n := range names {
		raw := vars[n]
		if raw == "" {
			return nil, notHereP("fixnote.no_selector", n, n, p)
		}
		var next []map[string]string
		for _, part := range strings.Split(raw, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			for _, c := range combos {
				m := map[string]string{n: part}
				for k, x := range c {
					m[k] = x
				}
				next = append(next, m)
			}
		}
		combos = next
	}
	var out []locate.FieldPath
	for _, c := range combos {
		q, err := p.Expand(c)
		if err != nil {
			return nil, noteOf(err)
		}
		out = append(out, q)
	}
	return out, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// helm says why a Helm template gets no fix.
func helm(key messages.Key, args ...any) error {
	return notHereP("fixnote.helm", messages.M(key, args...))
}

// computeTemplate edits a Helm template where every line the fix reads
// and writes is literal YAML: first as before, one edit on the located
// line (a literal "key: value" it sets or deletes); else, any fix but
// documents, renames and list items added (computeTemplateBlock), on the
// template with its actions masked, when the checks there hold. Anything
// else in a template may come from a helper or a value, and changing the
// rendered text there would be a guess.
func computeTemplate(src string, f *translator.Finding, fx runbooks.Fix) (string, error) {
	if strings.HasPrefix(f.Located, "approximate:") || f.Line == 0 {
		return "", helm("fixnote.helm_literal")
	}
	out, err := computeTemplateLine(src, f, fx)
	if err == nil || !NotHere(err) {
		return out, err
	}
	out, err2 := computeTemplateBlock(src, f, fx)
	if err2 == nil {
		return out, nil
	}
	if errors.Is(err2, errTemplateShape) {
		return "", err // list items: the first reason
	}
	return "", err2
}

// namedOnce is the number of containers (init containers too) of doc
// named name.
func namedOnce(doc *locate.Document, name string) int {
	n := 0
	eachContainer(doc.Root, func(c string, _ *yaml.Node) {
		if c == name {
			n++
		}
	})
	return n
}

// errTemplateShape marks an edit computeTemplateBlock does not make at all
// and computeTemplateLine has the reason for (a list item added).
var errTemplateShape = errors.New("not made in templates")

// computeTemplateBlock makes fx on the template with its actions masked
// (helmMask) and keeps the change only when:
//   - no line it changes or removes holds an action, and the lines around
//     what it inserts do not trim it away ("{{-" on the next line, "-}}"
//     on the one before);
//   - every key beside what it inserts (the other keys of the mapping it
//     adds to, and the key above) is written literally: a mapping with an
//     action where a key would be ("{{- include ... | nindent 4 }}",
//     "{{- toYaml ... }}", "{{- if }}") may already render the key;
//   - nothing it writes comes from an action (a value copied, the
//     object's templated name), and the container it picks is not named
//     by one.
//
// The finding's document is the one that holds its line, of its kind:
// names in templates are usually actions.
func computeTemplateBlock(src string, f *translator.Finding, fx runbooks.Fix) (string, error) {
	for _, ed := range fx.Edits {
		switch op, _ := ed.Op(); op {
		case "add":
			return "", errTemplateShape // the first reason: items are not added
		case "document":
			return "", helm("fixnote.helm_document")
		case "rename":
			return "", helm("fixnote.helm_rename")
		}
	}
	m := helmMask(src)
	loc := templateLocator(f, m)
	d, _, err := loc(m.masked)
	if err != nil {
		return "", notHereP("fixnote.helm", notePhrase(err))
	}
	absent := absentPaths(f)
	fx = onlyNamedFills(&d, fx, absent)
	v := vars(m.masked, f, &d)
	if c := v["container"]; strings.Contains(c, helmMarker) && usesContainer(fx) && namedOnce(&d, c) != 1 {
		// a name masked like another container's: which one the
		// selector means is not in the text (the pod's one container,
		// named by an action, is)
		return "", helm("fixnote.helm_container")
	}
	final, err := computeYAMLAt(m.masked, "", f, fx, loc)
	if err != nil {
		if !NotHere(err) {
			return "", err
		}
		if why := actionInTheWay(&d, fx, v); why != nil {
			return "", why
		}
		return "", notHereP("fixnote.helm", notePhrase(err))
	}
	edits := LineEdits(f.Path, m.masked, final)
	t := newText(src)
	for _, e := range edits {
		for n := e.StartLine; n < e.EndLine; n++ {
			if m.action[n] {
				if k, rest, ok := strings.Cut(strings.TrimSpace(t.line(n)), ": "); ok && !strings.Contains(k, "{{") && strings.HasPrefix(strings.TrimSpace(rest), "{{") {
					return "", helm("fixnote.helm_scalar", n)
				}
				return "", helm("fixnote.helm_changed_line", n)
			}
		}
		if strings.Contains(e.Text, helmMarker) {
			return "", helm("fixnote.helm_action_value")
		}
		if e.Text == "" {
			continue
		}
		if e.StartLine == e.EndLine {
			if p := e.StartLine - 1; p >= 1 && m.span[p] != 0 && m.span[p] == m.span[e.StartLine] {
				return "", helm("fixnote.helm_inside_action", m.span[p])
			}
			if m.action[e.StartLine] && strings.HasPrefix(strings.TrimSpace(t.line(e.StartLine)), "{{-") {
				return "", helm("fixnote.helm_trim_before", e.StartLine)
			}
			if p := e.StartLine - 1; p >= 1 && m.action[p] && strings.Contains(t.line(p), "-}}") {
				return "", helm("fixnote.helm_trim_after", p)
			}
		}
		if strings.Count(e.Text, "\n") == e.EndLine-e.StartLine {
			continue // lines changed in place: no key added
		}
		col := -1 // the outermost key it inserts
		for _, ln := range strings.Split(strings.TrimRight(e.Text, "\r\n"), "\n") {
			if ln = strings.TrimRight(ln, "\r"); !neutral(ln) && (col < 0 || keyColumn(ln) < col) {
				col = keyColumn(ln)
			}
		}
		if col < 0 {
			continue
		}
		keys := insertedKeys(e.Text, col)
		beside := func(n int) error { return besideHelper(t, &d, absent, n, col, keys) }
		if err := literalSiblings(t, m, e.StartLine, e.EndLine, col, beside); err != nil {
			return "", err
		}
	}
	return Apply(src, edits)
}

// usesContainer reports whether an edit of fx names $container.
func usesContainer(fx runbooks.Fix) bool {
	for _, ed := range fx.Edits {
		_, p := ed.Op()
		if strings.Contains(p, "$container") || strings.Contains(ed.From, "$container") {
			return true
		}
	}
	return false
}

// actionInTheWay says why an edit of fx that could not be made in a masked
// template may be one a template action decides: on the way to a field it
// reads or writes, a list of items named by actions (the selector matches
// none), or, where the field would be, a mapping with an action in a key's
// place (which may write it). nil when neither.
func actionInTheWay(d *locate.Document, fx runbooks.Fix, v map[string]string) error {
	for _, ed := range fx.Edits {
		_, p := ed.Op()
		for _, raw := range []string{p, ed.From} {
			fp, err := locate.ParseFieldPath(raw)
			if raw == "" || err != nil {
				continue
			}
			paths, err := expandPaths(fp, v)
			if err != nil {
				continue
			}
			for _, q := range paths {
				if why := actionOnPath(d.Root, q.ForKind(d.Kind).Steps(), raw); why != nil {
					return why
				}
			}
		}
	}
	return nil
}

// actionOnPath walks steps from root as far as they lead (see
// actionInTheWay).
func actionOnPath(root *yaml.Node, steps []fieldpath.Step, raw string) error {
	cur := deref(root)
	for _, st := range steps {
		if cur == nil || cur.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(cur.Content); i += 2 {
			if k := cur.Content[i]; strings.HasPrefix(k.Value, helmMarker) {
				if _, v := entry(cur, st.Key); v == nil {
					return helm("fixnote.helm_may_write", raw, k.Line)
				}
			}
		}
		_, cur = entry(cur, st.Key)
		cur = deref(cur)
		if st.Sel == nil {
			continue
		}
		if cur == nil || cur.Kind != yaml.SequenceNode {
			return nil
		}
		var next *yaml.Node
		for _, it := range cur.Content {
			it = deref(it)
			if st.Sel.Kind == fieldpath.Match && scalar(it, st.Sel.Field) == st.Sel.Value {
				next = it
			}
		}
		if next == nil {
			for _, it := range cur.Content {
				if strings.Contains(scalar(deref(it), "name"), helmMarker) {
					return helm("fixnote.helm_item_name", raw, it.Line)
				}
			}
			return nil
		}
		cur = next
	}
	return nil
}

// literalSiblings checks the mapping that lines inserted before line
// start (replacing the lines up to end) at key column col join: each of
// its keys, and the key or item above it, is written without an action;
// a key's place written by an action may be one beside(n) allows (a
// helper's lines besides which the finding names the key inserted:
// besideHelper), and the key above never.
func literalSiblings(t *text, m *tmplText, start, end, col int, beside func(n int) error) error {
	check := func(n int) error {
		if !m.keyed[n] {
			return nil
		}
		if keyColumn(t.line(n)) < col || indent(t.line(n)) < col {
			return helm("fixnote.helm_keyed", n) // the key above
		}
		return beside(n)
	}
	for n := start - 1; n >= 1; n-- {
		ln := t.line(n)
		if neutral(ln) && !m.action[n] {
			continue
		}
		kc := keyColumn(ln)
		if kc > col {
			continue // inside a key above
		}
		if err := check(n); err != nil {
			return err
		}
		if kc < col || indent(ln) < col {
			break // the key or list item the mapping belongs to
		}
	}
	for n := end; n <= t.lines(); n++ {
		ln := t.line(n)
		if neutral(ln) && !m.action[n] {
			continue
		}
		if isMarker(ln) || indent(ln) < col {
			break // the next item, the next key above, the next document
		}
		if keyColumn(ln) > col {
			continue
		}
		if err := check(n); err != nil {
			return err
		}
	}
	return nil
}

// templateLocator finds the finding's document in a masked template: the
// last one that starts at or before the finding's line, when it is of the
// finding's kind (and has its name, where the name is literal).
func templateLocator(f *translator.Finding, m *tmplText) docLocator {
	kind, name, _ := strings.Cut(f.Resource, "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:] // kind/namespace/name
	}
	return func(src string) (locate.Document, int, error) {
		var d locate.Document
		found := false
		for _, doc := range locate.Documents([]byte(src)) {
			if doc.Root != nil && doc.Root.Line <= f.Line {
				d, found = doc, true
			}
		}
		if !found || (kind != "" && d.Kind != kind) || (name != "" && d.Name != "" && !strings.Contains(d.Name, helmMarker) && d.Name != name) {
			return d, 0, notHereP("fixnote.helm_no_document", f.Line, f.Resource)
		}
		return d, docEnd(newText(src), d.Root.Line), nil
	}
}

// computeTemplateLine edits a Helm template only on the located line, and
// only when that line is a literal "key: value" the single edit of the fix
// sets or deletes.
func computeTemplateLine(src string, f *translator.Finding, fx runbooks.Fix) (string, error) {
	if len(fx.Edits) != 1 {
		return "", helm("fixnote.helm_one", len(fx.Edits))
	}
	ed := fx.Edits[0]
	op, p := ed.Op()
	if op == "add" {
		return "", helm("fixnote.helm_add")
	}
	if op == "document" || op == "fill" || op == "rename" || ed.From != "" || isStructured(ed.Value) {
		return "", helm("fixnote.helm_structure")
	}
	fp, err := locate.ParseFieldPath(p)
	if err != nil {
		return "", err
	}
	steps := fp.Steps()
	key := steps[len(steps)-1].Key
	t := newText(src)
	ln := t.line(f.Line)
	body := strings.TrimLeft(ln, " ")
	if strings.HasPrefix(body, "- ") {
		return "", helm("fixnote.helm_item", f.Line)
	}
	k, rest, ok := strings.Cut(body, ":")
	if !ok || strings.Trim(k, `"'`) != key {
		return "", helm("fixnote.helm_key", f.Line, key)
	}
	rest = strings.TrimSpace(stripComment(rest))
	if rest == "" || strings.Contains(rest, "{{") || strings.ContainsAny(rest[:1], "|>{[&*!") {
		return "", helm("fixnote.helm_scalar", f.Line)
	}
	switch op {
	case "delete":
		return src[:t.offset(f.Line, 1)] + src[t.lineEnd(f.Line):], nil
	}
	if op == "replace" && ed.IfValue != nil {
		iv, err := renderScalar(ed.IfValue, nil)
		if err != nil {
			return "", err
		}
		if strings.Trim(rest, `"'`) != strings.Trim(iv, `"'`) {
			return src, nil // another value than if_value: kept
		}
	}
	var v any
	if ed.CatalogMap != "" {
		table, _ := ed.Value.(map[string]string)
		present := rest // the scalar as YAML reads it (quotes, escapes)
		if yaml.Unmarshal([]byte(rest), &present) != nil {
			present = rest
		}
		if isTableValue(table, present) {
			return src, nil // already the copy the table gives
		}
		x, ok := lookupTable(table, key, present, false)
		if !ok {
			return "", notHereP("fixnote.map_no_entry", ed.CatalogMap, present)
		}
		v = x
	} else if v, err = value(ed.Value, vars(src, f, nil)); err != nil {
		return "", err
	}
	txt, err := renderScalar(v, nil)
	if err != nil {
		return "", err
	}
	at := strings.Index(ln, rest) // the first occurrence after the colon
	colon := strings.IndexByte(ln, ':')
	if at <= colon {
		at = colon + 1 + strings.Index(ln[colon+1:], rest)
	}
	off := t.offset(f.Line, 1)
	return src[:off+at] + txt + src[off+at+len(rest):], nil
}

// NotHere reports whether err says the fix does not fit this file (the
// message is for Finding.FixNote), rather than an internal failure.
func NotHere(err error) bool {
	var e *errNotHere
	return errors.As(err, &e)
}

// sortEdits orders edits by path and position.
func sortEdits(es []translator.Edit) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		return a.StartColumn < b.StartColumn
	})
}
