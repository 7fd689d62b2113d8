package fix

import (
	"path"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/fieldpath"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// A fix that cannot be made in a Helm template because what it edits is
// written from the chart's values is made in the chart's values.yaml
// instead, where the template line is exactly one of:
//
//	{{- toYaml .Values.a.b | nindent N }}   (N the column of the mapping's keys)
//	{{ toYaml .Values.a.b | indent N }}     (on its own line, at column 0)
//	key: {{ .Values.a.b }}                  (or {{ .Values.a.b | quote }})
//
// standing for the whole mapping the fix edits (the first two), or for the
// scalar a set: or replace: writes (the last). The edit is then the same
// edit of a.b.<the rest of the path> in <chart>/values.yaml, the chart
// being the nearest parent of templates/ with a Chart.yaml. It is refused,
// with a note, when values.yaml is missing, the value there is not a
// mapping, the action is any other (a default, a pipeline), an action
// stands beside the keys on the way (an if, with or range around it), or
// the container is named by an action and the template has more than one.
// A value applies to every object rendered from it: the note of the docs
// says so (docs/authoring.md).

// toYamlValues matches a line that renders a value's mapping: the dotted
// path, the indent function and N.
var toYamlValues = lazyre.New(`^(\s*)\{\{(-?)\s*toYaml\s+\.Values\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\|\s*(nindent|indent)\s+(\d+)\s*\}\}\s*$`)

// scalarValues matches "key: {{ .Values.a.b }}" (with | quote).
var scalarValues = lazyre.New(`^\s*(?:- )?"?([^\s:"{}]+)"?:\s+\{\{-?\s*\.Values\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)(\s*\|\s*quote)?\s*\}\}\s*$`)

// valuesTarget is where one path of a fix lands in values.yaml.
type valuesTarget struct {
	path   []string // keys in values.yaml
	line   int      // the template line that reads them
	scalar bool     // a scalar "key: {{ .Values.x }}"
}

// errNoValues: the path does not lead to a value's action (the reason of
// the template stays the finding's note).
type errNoValues struct{}

func (errNoValues) Error() string { return "no values action on the path" }

// valuesPathOf follows steps (for the masked document d) to the action
// that renders the mapping or scalar they lead into.
func valuesPathOf(t *text, d *locate.Document, steps []fieldpath.Step) (valuesTarget, error) {
	cur := deref(d.Root)
	guard := 0 // the line of an action beside keys on the way
	for i, st := range steps {
		if cur == nil {
			return valuesTarget{}, errNoValues{}
		}
		if cur.Kind == yaml.MappingNode && hasMarker(cur) && (len(cur.Content) != 2 || i == 0) {
			// an action beside literal keys (an if, with or range around
			// some of them): values reached further down are refused
			if g := guardOf(t, cur); guard == 0 {
				guard = g
			}
		} else if cur.Kind == yaml.MappingNode && hasMarker(cur) {
			if guard > 0 {
				return valuesTarget{}, helm("fixnote.helm_values_guarded", guard)
			}
			n := markerKey(cur.Content[0])
			if !strings.Contains(t.line(n), ".Values") {
				return valuesTarget{}, errNoValues{} // a helper's lines, not values
			}
			sm := toYamlValues().FindStringSubmatch(strings.TrimRight(t.line(n), "\r"))
			if sm == nil {
				return valuesTarget{}, helm("fixnote.helm_values_action", n)
			}
			ind, _ := strconv.Atoi(sm[5])
			// nindent N at column N; indent N at column 0 (helmMask
			// reads it at column N, among the keys it writes)
			if sm[4] == "nindent" && ind != len(sm[1]) || sm[4] == "indent" && (sm[1] != "" || sm[2] != "") {
				return valuesTarget{}, helm("fixnote.helm_values_action", n)
			}
			return restOf(strings.Split(sm[3], "."), steps[i:], n)
		}
		if cur.Kind == yaml.ScalarNode && cur.Value == "" && cur.Tag == "!!null" && i > 0 {
			// "key:" followed by "{{ toYaml .Values.x | indent N }}" at
			// column 0 on the next line
			n := cur.Line + 1
			if k := keyOnLine(t, cur.Line); k >= 0 {
				if sm := toYamlValues().FindStringSubmatch(strings.TrimRight(t.line(n), "\r")); sm != nil && sm[4] == "indent" && sm[1] == "" && sm[2] == "" {
					if ind, _ := strconv.Atoi(sm[5]); ind > k {
						if guard > 0 {
							return valuesTarget{}, helm("fixnote.helm_values_guarded", guard)
						}
						return restOf(strings.Split(sm[3], "."), steps[i:], n)
					}
				}
			}
			return valuesTarget{}, errNoValues{}
		}
		if cur.Kind != yaml.MappingNode {
			return valuesTarget{}, errNoValues{}
		}
		_, next := entry(cur, st.Key)
		next = deref(next)
		if next == nil {
			return valuesTarget{}, errNoValues{}
		}
		if st.Sel != nil {
			if next.Kind != yaml.SequenceNode {
				return valuesTarget{}, errNoValues{}
			}
			var pick *yaml.Node
			for _, it := range next.Content {
				it = deref(it)
				if st.Sel.Kind == fieldpath.Match && scalar(it, st.Sel.Field) == st.Sel.Value {
					pick = it
				}
			}
			if pick == nil && len(next.Content) == 1 && strings.Contains(scalar(deref(next.Content[0]), "name"), helmMarker) {
				pick = deref(next.Content[0]) // the template's one container, named by an action
			}
			if pick == nil {
				for _, it := range next.Content {
					if strings.Contains(scalar(deref(it), "name"), helmMarker) {
						return valuesTarget{}, helm("fixnote.helm_values_container", it.Line)
					}
				}
				return valuesTarget{}, errNoValues{}
			}
			next = pick
		}
		if i == len(steps)-1 && next.Kind == yaml.ScalarNode && strings.Contains(next.Value, helmMarker) {
			if !strings.Contains(t.line(next.Line), ".Values") {
				return valuesTarget{}, errNoValues{}
			}
			sm := scalarValues().FindStringSubmatch(strings.TrimRight(t.line(next.Line), "\r"))
			if sm == nil || sm[1] != st.Key {
				return valuesTarget{}, helm("fixnote.helm_values_action", next.Line)
			}
			if guard > 0 {
				return valuesTarget{}, helm("fixnote.helm_values_guarded", guard)
			}
			return valuesTarget{path: strings.Split(sm[2], "."), line: next.Line, scalar: true}, nil
		}
		cur = next
	}
	return valuesTarget{}, errNoValues{}
}

// guardOf is the line of the first action in a key's place of m other
// than an indent-form toYaml at column 0 (which the masked text reads as
// a key of the document's root: it is the value of the key before it);
// 0 when none.
func guardOf(t *text, m *yaml.Node) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		n := markerKey(m.Content[i])
		if n == 0 {
			continue
		}
		if sm := toYamlValues().FindStringSubmatch(strings.TrimRight(t.line(n), "\r")); sm != nil && sm[4] == "indent" && sm[1] == "" {
			continue
		}
		return n
	}
	return 0
}

// keyOnLine is the key column of line n, -1 when it holds no key.
func keyOnLine(t *text, n int) int {
	ln := t.line(n)
	if !strings.Contains(ln, ":") {
		return -1
	}
	return keyColumn(ln)
}

// restOf is the values path base plus the keys of rest (no selector).
func restOf(base []string, rest []fieldpath.Step, line int) (valuesTarget, error) {
	out := append([]string(nil), base...)
	for _, st := range rest {
		if st.Sel != nil || strings.ContainsAny(st.Key, ".[]") {
			return valuesTarget{}, helm("fixnote.helm_values_action", line)
		}
		out = append(out, st.Key)
	}
	return valuesTarget{path: out, line: line}, nil
}

// chartValues returns the path of values.yaml of the chart whose template
// file is p: the nearest parent of a templates/ directory above p for
// which has(Chart.yaml) holds; "" when none.
func chartValues(p string, has func(string) bool) string {
	dir := path.Dir(p)
	for dir != "." && dir != "/" && dir != "" {
		if path.Base(dir) == "templates" {
			root := path.Dir(dir)
			if has(path.Join(root, "Chart.yaml")) {
				return path.Join(root, "values.yaml")
			}
		}
		dir = path.Dir(dir)
	}
	return ""
}

// valuesEdits rewrites fx's edits of the template src (for f) as edits of
// the chart's values: the fix to make in values.yaml, or errNoValues when
// an edit's path does not lead to a value's action, or a note.
func valuesEdits(src string, f *translator.Finding, fx runbooks.Fix) (runbooks.Fix, error) {
	m := helmMask(src)
	loc := templateLocator(f, m)
	d, _, err := loc(m.masked)
	if err != nil {
		return fx, errNoValues{}
	}
	if err := forKind(fx, d.Kind); err != nil {
		return fx, err
	}
	t := newText(src)
	v := vars(m.masked, f, &d)
	if c := v["container"]; strings.Contains(c, helmMarker) {
		delete(v, "container") // named by an action: the one container, if one
	}
	out := fx
	out.Kinds = nil
	out.Edits = nil
	rewrite := func(raw string, op string) (string, error) {
		fp, err := locate.ParseFieldPath(raw)
		if err != nil {
			return "", err
		}
		ps := []locate.FieldPath{fp}
		if strings.Contains(raw, "$") {
			if ps, err = expandPaths(fp, v); err != nil || len(ps) != 1 {
				if strings.Contains(raw, "$container") && v["container"] == "" {
					ps = []locate.FieldPath{withAnyName(fp)}
				} else {
					return "", errNoValues{}
				}
			}
		}
		tg, err := valuesPathOf(t, &d, ps[0].ForKind(d.Kind).Steps())
		if err != nil {
			return "", err
		}
		if tg.scalar && op != "set" && op != "replace" && op != "from" {
			return "", helm("fixnote.helm_values_scalar", tg.line)
		}
		return strings.Join(tg.path, "."), nil
	}
	for _, ed := range fx.Edits {
		op, p := ed.Op()
		switch op {
		case "set", "fill", "delete", "replace":
		default:
			return fx, errNoValues{}
		}
		np, err := rewrite(p, op)
		if err != nil {
			return fx, err
		}
		ne := ed.WithPath(np)
		if ed.From != "" {
			if ne.From, err = rewrite(ed.From, "from"); err != nil {
				return fx, err
			}
		}
		out.Edits = append(out.Edits, ne)
	}
	if len(out.Edits) == 0 {
		return fx, errNoValues{}
	}
	return out, nil
}

// withAnyName is fp with a [name=$container] selector matching the
// masked name of the template's one container (valuesPathOf picks it).
func withAnyName(fp locate.FieldPath) locate.FieldPath {
	q, err := locate.ParseFieldPath(strings.ReplaceAll(fp.String(), "$container", helmMarker))
	if err != nil {
		return fp
	}
	return q
}

// valuesLocator finds the one document of a values file.
func valuesLocator(p string) docLocator {
	return func(src string) (locate.Document, int, error) {
		docs := locate.Documents([]byte(src))
		if len(docs) != 1 || docs[0].Root == nil || deref(docs[0].Root).Kind != yaml.MappingNode {
			return locate.Document{}, 0, helm("fixnote.helm_values_file", p)
		}
		return docs[0], newText(src).lines(), nil
	}
}

// computeValues makes the values fix vfx (from valuesEdits) in the values
// file vp (its text vsrc): each edited path's parent value must be a
// mapping there (as the template's toYaml expects).
func computeValues(vsrc, vp string, f *translator.Finding, vfx runbooks.Fix) (string, error) {
	loc := valuesLocator(vp)
	d, _, err := loc(vsrc)
	if err != nil {
		return "", err
	}
	for _, ed := range vfx.Edits {
		_, p := ed.Op()
		keys := strings.Split(p, ".")
		cur := deref(d.Root)
		for i, k := range keys[:len(keys)-1] {
			_, nx := entry(cur, k)
			nx = deref(nx)
			if nx == nil || nx.Kind != yaml.MappingNode {
				if nx == nil && i > 0 {
					break // a key the edit adds under a mapping that is there
				}
				return "", helm("fixnote.helm_values_mapping", strings.Join(keys[:i+1], "."), vp)
			}
			cur = nx
		}
	}
	g := *f
	g.Extra = map[string]string{}
	for k, x := range f.Extra {
		if k != "container" {
			g.Extra[k] = x
		}
	}
	return computeYAMLAt(vsrc, "", &g, vfx, loc)
}

// valuesGiven is a finding whose fix (the one at Fixes[i]) is made in a
// values file, with the values edits it makes there.
type valuesGiven struct {
	f     *translator.Finding
	ops   []runbooks.FixEdit
	own   []translator.Edit
	path  string
	group int
}

// valuesFix makes fx (for f in the template src) in the chart's values
// file; ok false when no edit of fx leads to a value's action (the
// template's reason stays the note).
func (s *Stage) valuesFix(f *translator.Finding, fx runbooks.Fix, src, source string) (translator.Fix, bool, error) {
	out := translator.Fix{Description: fx.Description, Source: source}
	fx, err := withValues(fx, s.opts.Values, false)
	if err != nil {
		return out, false, err
	}
	repo, tag, image := imageValuesFix(src, f, fx)
	var vfx runbooks.Fix
	if !image {
		vfx, err = valuesEdits(src, f, fx)
		if _, no := err.(errNoValues); no {
			return out, false, nil
		}
		if err != nil {
			return out, true, err
		}
	}
	vp := chartValues(f.Path, func(p string) bool { _, err := s.read(p); return err == nil })
	if vp == "" {
		return out, true, helm("fixnote.helm_values_file", path.Join(path.Dir(path.Dir(f.Path)), "values.yaml"))
	}
	vsrc, err := s.read(vp)
	if err != nil {
		return out, true, helm("fixnote.helm_values_file", vp)
	}
	if image {
		if vfx, err = imageValuesEdits(vsrc, vp, repo, tag, fx.Edits[0]); err != nil || len(vfx.Edits) == 0 {
			return out, true, err
		}
	}
	final, err := computeValues(vsrc, vp, f, vfx)
	if err != nil {
		return out, true, err
	}
	out.Edits = LineEdits(vp, vsrc, final)
	// the reviewer reads that the change is the chart's default
	out.Description = messages.M("fixnote.helm_values_fix", fx.Description, vp).In(descLang(fx))
	if len(out.Edits) > 0 {
		s.pending = append(s.pending, &valuesGiven{f: f, ops: vfx.Edits, own: out.Edits, path: vp})
	}
	return out, true, nil
}

// shareValues, after f got its fixes, joins its values fix to those of
// the run's earlier findings whose values edits overlap it: each of them
// is given the edits of all of theirs together (computed on the values
// file as it is), so that the fix command, which applies a change two
// findings ask for once and leaves out one that overlaps another, makes
// them all. One values edit may so serve several findings.
func (s *Stage) shareValues(f *translator.Finding) {
	pending := s.pending
	s.pending = nil
	var g *valuesGiven
	for _, p := range pending {
		if p.f == f && len(f.Fixes) > 0 && sameEditList(f.Fixes[0].Edits, p.own) {
			g = p // the fix the fix command applies: the first
		}
	}
	if g == nil {
		return
	}
	vp := g.path
	if s.values == nil {
		s.values = map[string][]*valuesGiven{}
	}
	list := s.values[vp]
	g.group = len(list) + 1
	join := map[int]bool{}
	for _, o := range list {
		for _, a := range o.own {
			for _, b := range g.own {
				if Overlap(a, b) {
					join[o.group] = true
				}
			}
		}
	}
	list = append(list, g)
	s.values[vp] = list
	if len(join) == 0 {
		return
	}
	var members []*valuesGiven
	var ops []runbooks.FixEdit
	for _, o := range list {
		if o == g || join[o.group] {
			members = append(members, o)
			for _, op := range o.ops {
				if !containsOp(ops, op) {
					ops = append(ops, op)
				}
			}
		}
	}
	vsrc, err := s.read(vp)
	if err != nil {
		return
	}
	final, err := computeValues(vsrc, vp, f, runbooks.Fix{Edits: ops})
	if err != nil {
		return // each keeps its own edits
	}
	all := LineEdits(vp, vsrc, final)
	for _, o := range members {
		o.group = g.group
		if len(o.f.Fixes) > 0 && sameEditList(o.f.Fixes[0].Edits, o.own) {
			o.f.Fixes[0].Edits = all
		}
		o.own = all
	}
}

func sameEditList(a, b []translator.Edit) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func containsOp(ops []runbooks.FixEdit, op runbooks.FixEdit) bool {
	for _, o := range ops {
		if reflect.DeepEqual(o, op) {
			return true
		}
	}
	return false
}
