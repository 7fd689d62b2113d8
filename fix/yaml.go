package fix

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/internal/fieldpath"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/messages"
)

// The YAML editor changes the text, never re-serialises it: yaml.v3 gives
// the line and column of every key and value, and each edit is a splice of
// whole lines (a key added, a key removed) or of one scalar's text (a value
// set). Everything else in the file (comments, indentation, key order,
// quoting, other documents) stays byte for byte as written. After each edit
// the file is parsed again, so the next edit sees the text as it is now,
// and the result is checked: the field holds the value, or is gone.

// yamlOp is one edit of a Kubernetes document.
type yamlOp struct {
	op    string // set, fill, replace, delete, add
	path  locate.FieldPath
	value any // all but delete
	// ifValue, for replace, is the value the field must hold to be
	// replaced (FixEdit.IfValue); nil: any.
	ifValue any
}

// errNotHere is an edit that cannot be made in this file; the message
// says why, for Finding.FixNote.
// p, when set, is the message as a phrase (msg is its English text).
type errNotHere struct {
	msg string
	p   messages.Msg
	// values are the catalog values the fix needs that no catalog sets
	// (values.go).
	values []string
}

func (e *errNotHere) Error() string { return e.msg }

func notHere(format string, args ...any) error {
	return &errNotHere{msg: fmt.Sprintf(format, args...)}
}

// noteOf is err as a reason an edit cannot be made: a message of the
// table (messages.Errorf) keeps its phrase, for the note in the run's
// language.
func noteOf(err error) error {
	var m *messages.Error
	if errors.As(err, &m) {
		return &errNotHere{msg: m.Error(), p: m.Msg}
	}
	return notHere("%v", err)
}

// notHereP is notHere with a message of the message table.
func notHereP(key messages.Key, args ...any) error {
	p := messages.M(key, args...)
	return &errNotHere{msg: p.In(messages.Default), p: p}
}

// notePhrase is err for a FixNote phrase: its phrase when it has one, else
// its English text (an argument shown as is in every language).
func notePhrase(err error) any {
	var e *errNotHere
	if errors.As(err, &e) && !e.p.IsZero() {
		return e.p
	}
	return messages.Of(err)
}

// ytarget is where one edit lands in a document.
type ytarget struct {
	// parent is the mapping that holds (or will hold) the field; parentKey
	// is the key whose value it is (nil for the document root or an item).
	parent, parentKey *yaml.Node
	// key and val are the field's nodes when the whole path exists.
	key, val *yaml.Node
	// missing are the keys to create under parent, outermost first.
	missing []string
	// up are the mappings and keys walked through to parent, outermost
	// first; a nil mapping marks a list item (a delete that empties a
	// mapping removes its key too, up to the nearest list item).
	up []anc
}

// anc is a mapping and the key in it that the path followed.
type anc struct{ m, k *yaml.Node }

// resolveEdit finds where an edit of steps lands; [*] and a selector that
// matches several items give one target each.
func resolveEdit(root *yaml.Node, steps []fieldpath.Step) ([]ytarget, error) {
	var out []ytarget
	var up []anc
	var walk func(cur, curKey *yaml.Node, i int) error
	walk = func(cur, curKey *yaml.Node, i int) error {
		st := steps[i]
		last := i == len(steps)-1
		if st.Key != "" {
			cur = deref(cur)
			if isNull(cur) && curKey != nil {
				// "securityContext:" with nothing: an empty mapping.
				return missingFrom(&out, nil, curKey, steps[i:])
			}
			if cur == nil || cur.Kind != yaml.MappingNode {
				return notHereP("fixnote.path_not_mapping", describe(steps[:i]))
			}
			k, v := entry(cur, st.Key)
			if k == nil {
				return missingFrom(&out, cur, curKey, steps[i:])
			}
			if last && st.Sel == nil {
				out = append(out, ytarget{parent: cur, parentKey: curKey, key: k, val: v, up: append([]anc(nil), up...)})
				return nil
			}
			up = append(up, anc{cur, k})
			cur, curKey = v, k
		}
		if st.Sel == nil {
			return walk(cur, curKey, i+1)
		}
		seq := deref(cur)
		if seq == nil || seq.Kind != yaml.SequenceNode {
			return notHereP("fixnote.path_not_list", describe(steps[:i+1]))
		}
		var items []*yaml.Node
		switch sel := st.Sel; sel.Kind {
		case fieldpath.Any:
			items = seq.Content
		case fieldpath.Index:
			if sel.Index < len(seq.Content) {
				items = seq.Content[sel.Index : sel.Index+1]
			}
		default:
			for _, it := range seq.Content {
				if scalar(deref(it), sel.Field) == sel.Value {
					items = append(items, it)
				}
			}
		}
		if len(items) == 0 {
			return notHereP("fixnote.path_no_item", describe(steps[:i+1]))
		}
		n := len(up)
		for _, it := range items {
			if last {
				return notHereP("fixnote.path_end")
			}
			up = append(up[:n], anc{})
			if err := walk(deref(it), nil, i+1); err != nil {
				return err
			}
		}
		up = up[:n]
		return nil
	}
	if err := walk(root, nil, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// missingFrom records a target whose keys from steps on do not exist yet;
// they can be created only when they are plain keys.
func missingFrom(out *[]ytarget, parent, parentKey *yaml.Node, steps []fieldpath.Step) error {
	var keys []string
	for _, st := range steps {
		if st.Sel != nil || st.Key == "" {
			return notHereP("fixnote.path_missing_item", describe(steps))
		}
		keys = append(keys, st.Key)
	}
	*out = append(*out, ytarget{parent: parent, parentKey: parentKey, missing: keys})
	return nil
}

func describe(steps []fieldpath.Step) string {
	var b strings.Builder
	for i, st := range steps {
		if st.Key != "" {
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(st.Key)
		}
		if sel := st.Sel; sel != nil {
			switch sel.Kind {
			case fieldpath.Any:
				b.WriteString("[*]")
			case fieldpath.Match:
				b.WriteString("[" + sel.Field + "=" + sel.Value + "]")
			default:
				fmt.Fprintf(&b, "[%d]", sel.Index)
			}
		}
	}
	if b.Len() == 0 {
		return "the document"
	}
	return b.String()
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 8; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func entry(m *yaml.Node, key string) (k, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

func scalar(m *yaml.Node, key string) string {
	if m == nil || m.Kind != yaml.MappingNode {
		return ""
	}
	_, v := entry(m, key)
	if v = deref(v); v == nil || v.Kind != yaml.ScalarNode {
		return ""
	}
	return v.Value
}

// yamlStyle is the indentation a document uses: the step between a key and
// its children, and how far a list's dashes sit right of their key.
type yamlStyle struct{ step, dash int }

func styleOf(t *text, root *yaml.Node) yamlStyle {
	s := yamlStyle{step: -1, dash: -1}
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 50 || (s.step >= 0 && s.dash >= 0) {
			return
		}
		if n.Kind != yaml.MappingNode {
			for _, c := range n.Content {
				walk(c, depth+1)
			}
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Line > k.Line && v.Style&yaml.FlowStyle == 0 {
				switch v.Kind {
				case yaml.MappingNode:
					if s.step < 0 && v.Column > k.Column {
						s.step = v.Column - k.Column
					}
				case yaml.SequenceNode:
					if d := dashColumn(t, v); s.dash < 0 && d > 0 {
						s.dash = d - k.Column
					}
				}
			}
			walk(v, depth+1)
		}
	}
	walk(root, 0)
	if s.step <= 0 {
		s.step = 2
	}
	if s.dash < 0 {
		s.dash = s.step
	}
	return s
}

// dashColumn is the column of the "-" of a block sequence's first item.
func dashColumn(t *text, seq *yaml.Node) int {
	if len(seq.Content) == 0 {
		return 0
	}
	it := seq.Content[0]
	ln := t.line(it.Line)
	for c := it.Column - 2; c >= 0 && c < len(ln); c-- {
		if ln[c] == '-' {
			return c + 1
		}
		if ln[c] != ' ' {
			break
		}
	}
	return 0
}

// blockEnd is the last line of the block that starts at line first (at
// most docEnd): the first later line that is not inside (by its
// indentation) ends it, and blank and comment lines at its end are not part
// of it (they belong to what follows).
func blockEnd(t *text, first, docEnd int, inside func(ln string) bool) int {
	end := first
	for n := first + 1; n <= docEnd; n++ {
		ln := t.line(n)
		if neutral(ln) {
			continue
		}
		if isMarker(ln) || !inside(ln) {
			break
		}
		end = n
	}
	return end
}

func isMarker(ln string) bool {
	return ln == "---" || strings.HasPrefix(ln, "--- ") || strings.TrimRight(ln, " \t") == "..."
}

// renderScalar is the YAML text of a fix value; like is the node it
// replaces (its quoting is kept for strings), or nil.
func renderScalar(v any, like *yaml.Node) (string, error) {
	n := &yaml.Node{Kind: yaml.ScalarNode}
	switch x := v.(type) {
	case string:
		n.Tag, n.Value = "!!str", x
		if like != nil && like.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			n.Style = like.Style
		}
	default:
		s := fmt.Sprint(x)
		if f, ok := x.(float64); ok {
			s = formatFloat(f)
		}
		n.Value = s
	}
	b, err := yaml.Marshal(n)
	if err != nil {
		return "", err
	}
	out := strings.TrimSuffix(string(b), "\n")
	if strings.Contains(out, "\n") {
		return "", messages.Errorf("fixapply.one_line")
	}
	return out, nil
}

// editYAML applies one op to the document of resource in src.
func editYAML(src string, doc docLocator, op yamlOp, vars map[string]string) (string, error) {
	t := newText(src)
	d, docEnd, err := doc(src)
	if err != nil {
		return "", err
	}
	paths, err := expandPaths(op.path, vars)
	if err != nil {
		return "", err
	}
	var targets []ytarget
	var firstErr error
	for _, p := range paths {
		// a named container may be an init or ephemeral container
		ts, err := resolveNamed(d.Root, p.ForKind(d.Kind))
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		targets = append(targets, ts...)
	}
	if len(targets) == 0 {
		if op.op == "replace" {
			// the path does not lead to the field (no such container,
			// say): there is nothing to replace
			return src, nil
		}
		if firstErr == nil {
			firstErr = notHereP("fixnote.nothing_to_edit", op.path)
		}
		return "", firstErr
	}
	style := styleOf(t, d.Root)
	var sps []splice
	for _, tg := range targets {
		sp, err := yamlSplice(t, docEnd, style, tg, op)
		if err != nil {
			return "", err
		}
		if sp != nil {
			sps = append(sps, *sp)
		}
	}
	return applySplices(src, sps)
}

// yamlSplice computes the change for one target; nil when the field
// already is as the fix wants it.
func yamlSplice(t *text, docEnd int, style yamlStyle, tg ytarget, op yamlOp) (*splice, error) {
	node, isNode := op.value.(*yaml.Node)
	switch {
	case op.op == "delete" && tg.key == nil:
		return nil, nil // not there: nothing to remove
	case op.op == "delete":
		return deleteEntry(t, docEnd, tg)
	case tg.key != nil && op.op == "fill":
		return nil, nil // there already: kept as written
	case tg.key == nil && op.op == "replace":
		return nil, nil // not there: replace adds nothing
	case op.op == "replace" && isNode:
		return nil, notHereP("fixnote.replace_scalar")
	case tg.key != nil && isNode:
		if nodeEqual(tg.val, node) {
			return nil, nil
		}
		if op.op == "set" {
			return replaceBlock(t, docEnd, style, tg, node)
		}
		return nil, notHereP("fixnote.has_value", tg.key.Value, tg.key.Line)
	case isNode && op.op == "add":
		return nil, notHereP("fixnote.add_scalar")
	case tg.key != nil && (op.op == "set" || op.op == "replace"):
		v := deref(tg.val)
		if op.op == "replace" && op.ifValue != nil && !holdsValue(v, op.ifValue) {
			return nil, nil // another value than the one to replace: kept
		}
		if v.Kind != yaml.ScalarNode {
			return nil, notHereP("fixnote.holds_not_value", tg.key.Value, kindPhrase(v))
		}
		return setScalar(t, v, op.value)
	case tg.key != nil: // add to an existing list
		return addItem(t, docEnd, style, tg, op.value)
	}
	// create the missing keys under parent
	if isNode {
		return insertKeys(t, docEnd, style, tg, false, "", node)
	}
	val, err := renderScalar(op.value, nil)
	if err != nil {
		return nil, err
	}
	return insertKeys(t, docEnd, style, tg, op.op == "add", val, nil)
}

// kindPhrase names what n is (mapping, list or value) for a FixNote.
func kindPhrase(n *yaml.Node) messages.Msg {
	switch n.Kind {
	case yaml.MappingNode:
		return messages.M("fixnote.kind_mapping")
	case yaml.SequenceNode:
		return messages.M("fixnote.kind_list")
	}
	return messages.M("fixnote.kind_value")
}

// setScalar replaces the text of a one-line scalar.
func setScalar(t *text, v *yaml.Node, value any) (*splice, error) {
	if same(v, value) {
		return nil, nil
	}
	start, end, err := scalarSpan(t, v)
	if err != nil {
		return nil, err
	}
	s, err := renderScalar(value, v)
	if err != nil {
		return nil, err
	}
	return &splice{start: start, end: end, text: s}, nil
}

// same reports whether the scalar node already holds value.
func same(v *yaml.Node, value any) bool {
	want := fmt.Sprint(value)
	if f, ok := value.(float64); ok {
		want = formatFloat(f)
	}
	if v.Value != want {
		return false
	}
	_, isStr := value.(string)
	return isStr == (v.ShortTag() == "!!str")
}

// scalarSpan is the byte range of a scalar's text on its line.
func scalarSpan(t *text, v *yaml.Node) (int, int, error) {
	ln := t.line(v.Line)
	c := v.Column - 1
	if c < 0 || c > len(ln) {
		return 0, 0, notHereP("fixnote.value_moved", v.Line)
	}
	rest := ln[c:]
	var n int
	switch {
	case v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return 0, 0, notHereP("fixnote.block_scalar", v.Line)
	case v.Style&yaml.DoubleQuotedStyle != 0:
		n = closingQuote(rest, '"')
	case v.Style&yaml.SingleQuotedStyle != 0:
		n = closingQuote(rest, '\'')
	default:
		n = len(rest)
		if i := strings.Index(rest, " #"); i >= 0 {
			n = i
		}
		n = len(strings.TrimRight(rest[:n], " \t"))
		if n == 0 {
			// an empty value ("key:" with nothing): insert after the colon.
			return 0, 0, notHereP("fixnote.value_empty", v.Line)
		}
	}
	if n <= 0 {
		return 0, 0, notHereP("fixnote.value_lines", v.Line)
	}
	// a plain scalar that goes on below (a multi-line plain value)
	if v.Style == 0 && strings.Contains(v.Value, " ") && !strings.Contains(rest[:n], v.Value) {
		return 0, 0, notHereP("fixnote.value_lines", v.Line)
	}
	off := t.offset(v.Line, v.Column)
	return off, off + n, nil
}

// closingQuote returns the length of the quoted scalar at the start of s,
// or 0 when it does not close on this line.
func closingQuote(s string, q byte) int {
	for i := 1; i < len(s); i++ {
		switch {
		case q == '"' && s[i] == '\\':
			i++
		case s[i] == q && q == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
		case s[i] == q:
			return i + 1
		}
	}
	return 0
}

// deleteEntry removes a key and its value, whole lines.
func deleteEntry(t *text, docEnd int, tg ytarget) (*splice, error) {
	k := tg.key
	ln := t.line(k.Line)
	if strings.TrimSpace(ln[:min(k.Column-1, len(ln))]) != "" {
		return nil, notHereP("fixnote.shared_line", k.Value, k.Line)
	}
	ind := k.Column - 1
	v := deref(tg.val)
	compact := v != nil && v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 && dashColumn(t, v) == k.Column
	end := blockEnd(t, k.Line, docEnd, func(l string) bool {
		i := indent(l)
		return i > ind || (compact && i == ind && strings.HasPrefix(l[i:], "-"))
	})
	if len(tg.parent.Content) == 2 && tg.parentKey != nil {
		// the only key: the parent would be left null, so it goes too
		// (windowsOptions: {hostProcess: true} goes as a whole), up to
		// the nearest list item or the document.
		if n := len(tg.up); n > 0 && tg.up[n-1].m != nil {
			a := tg.up[n-1]
			var pk *yaml.Node
			if n > 1 && tg.up[n-2].m != nil {
				pk = tg.up[n-2].k
			}
			return deleteEntry(t, docEnd, ytarget{parent: a.m, parentKey: pk, key: a.k, val: tg.parent, up: tg.up[:n-1]})
		}
		return nil, notHereP("fixnote.only_key", k.Value, tg.parentKey.Value, tg.parentKey.Value)
	}
	return &splice{start: t.offset(k.Line, 1), end: t.lineEnd(end), text: ""}, nil
}

// addItem appends a scalar to an existing list unless it holds it.
func addItem(t *text, docEnd int, style yamlStyle, tg ytarget, value any) (*splice, error) {
	s := deref(tg.val)
	item, err := renderScalar(value, nil)
	if err != nil {
		return nil, err
	}
	if isNull(s) {
		// "drop:" with nothing: the list starts on the next line.
		k := tg.key
		if s.Line != k.Line || strings.TrimSpace(t.line(k.Line)[k.Column-1+len(k.Value):]) != ":" {
			return nil, notHereP("fixnote.value_not_list", k.Value, k.Line)
		}
		sp := t.insertAfter(k.Line, []string{strings.Repeat(" ", k.Column-1+style.dash) + "- " + item})
		return &sp, nil
	}
	if s.Kind != yaml.SequenceNode {
		return nil, notHereP("fixnote.holds_not_list", tg.key.Value, kindPhrase(s))
	}
	for _, it := range s.Content {
		if it = deref(it); it.Kind == yaml.ScalarNode && same(it, value) {
			return nil, nil
		}
	}
	if s.Style&yaml.FlowStyle != 0 {
		ln := t.line(s.Line)
		c := s.Column - 1
		if c >= len(ln) || ln[c] != '[' {
			return nil, notHereP("fixnote.list_moved", s.Line)
		}
		closeAt := flowClose(ln, c)
		if closeAt < 0 {
			return nil, notHereP("fixnote.list_lines", s.Line)
		}
		inner := ln[c+1 : closeAt]
		off := t.offset(s.Line, 1)
		if strings.TrimSpace(inner) == "" {
			return &splice{start: off + c + 1, end: off + closeAt, text: item}, nil
		}
		trimmed := strings.TrimRight(inner, " ")
		at := off + c + 1 + len(trimmed)
		return &splice{start: at, end: at, text: ", " + item}, nil
	}
	dash := dashColumn(t, s)
	if dash == 0 {
		return nil, notHereP("fixnote.list_dash", s.Line)
	}
	lastItem := s.Content[len(s.Content)-1]
	first := lastItem.Line
	end := blockEnd(t, first, docEnd, func(l string) bool { return indent(l) > dash-1 })
	sp := t.insertAfter(end, []string{strings.Repeat(" ", dash-1) + "- " + item})
	return &sp, nil
}

// replaceBlock gives the key of tg, whose value is a mapping or list
// written in block style below it ("livenessProbe:" and its indented
// lines), the mapping or list node in its place: the key's line is kept
// (a comment on it too), the lines of the old value are replaced. A value
// written on the key's line (a flow mapping, a scalar), or a list whose
// dashes stand at the key's column, is not replaced.
func replaceBlock(t *text, docEnd int, style yamlStyle, tg ytarget, node *yaml.Node) (*splice, error) {
	k, v := tg.key, deref(tg.val)
	ln := t.line(k.Line)
	rest := strings.TrimSpace(stripComment(ln[min(k.Column-1+len(k.Value), len(ln)):]))
	if rest != ":" || (v.Kind != yaml.MappingNode && v.Kind != yaml.SequenceNode) || v.Style&yaml.FlowStyle != 0 || v.Line <= k.Line || v.Column <= k.Column {
		return nil, notHereP("fixnote.has_value", k.Value, k.Line)
	}
	in := k.Column - 1 + style.step
	if node.Kind == yaml.SequenceNode {
		in = k.Column - 1 + style.dash
	}
	lines, err := blockLines(node, in, style)
	if err != nil {
		return nil, err
	}
	end := blockEnd(t, k.Line, docEnd, func(l string) bool { return indent(l) > k.Column-1 })
	start, stop := t.offset(k.Line+1, 1), t.lineEnd(end)
	body := strings.Join(lines, t.nl)
	if stop > start && t.src[stop-1] == '\n' {
		body += t.nl
	}
	return &splice{start: start, end: stop, text: body}, nil
}

// flowClose finds the "]" that closes the "[" at c, on the same line.
func flowClose(ln string, c int) int {
	depth := 0
	var q byte
	for i := c; i < len(ln); i++ {
		ch := ln[i]
		switch {
		case q != 0:
			if ch == '\\' && q == '"' {
				i++
			} else if ch == q {
				q = 0
			}
		case ch == '"' || ch == '\'':
			q = ch
		case ch == '[':
			depth++
		case ch == ']':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// insertKeys adds the missing keys (and the value, or a list holding it)
// at the end of the parent mapping, in the document's indentation.
func insertKeys(t *text, docEnd int, style yamlStyle, tg ytarget, list bool, val string, node *yaml.Node) (*splice, error) {
	if node != nil {
		// the value renders the same at every indentation: an error is one
		if _, err := blockLines(node, 0, style); err != nil {
			return nil, err
		}
	}
	build := func(ind int) []string {
		var out []string
		for i, k := range tg.missing {
			pad := strings.Repeat(" ", ind+i*style.step)
			key, _ := renderScalar(k, nil)
			if i < len(tg.missing)-1 {
				out = append(out, pad+key+":")
				continue
			}
			if node != nil {
				in := ind + i*style.step + style.step
				if node.Kind == yaml.SequenceNode {
					in = ind + i*style.step + style.dash
				}
				sub, _ := blockLines(node, in, style)
				out = append(out, pad+key+":")
				out = append(out, sub...)
				continue
			}
			if list {
				out = append(out, pad+key+":", pad+strings.Repeat(" ", style.dash)+"- "+val)
			} else {
				out = append(out, pad+key+": "+val)
			}
		}
		return out
	}
	m := tg.parent
	switch {
	case m == nil || (m.Kind == yaml.MappingNode && len(m.Content) == 0 && m.Style&yaml.FlowStyle == 0):
		// "key:" with nothing below: the mapping starts on the next line.
		k := tg.parentKey
		if k == nil {
			return nil, notHereP("fixnote.doc_empty")
		}
		ln := t.line(k.Line)
		after := strings.TrimSpace(stripComment(ln[min(k.Column-1+len(k.Value), len(ln)):]))
		ind := k.Column - 1 + style.step
		switch after {
		case ":":
			sp := t.insertAfter(k.Line, build(ind))
			return &sp, nil
		case ": ~", ": null", ": Null", ": NULL":
			return replaceInline(t, k, ln, build(ind))
		}
		return nil, notHereP("fixnote.cannot_extend", k.Value, k.Line)
	case m.Kind == yaml.MappingNode && m.Style&yaml.FlowStyle != 0:
		if len(m.Content) > 0 {
			return nil, notHereP("fixnote.mapping_inline_kept", m.Line)
		}
		k := tg.parentKey
		if k == nil {
			return nil, notHereP("fixnote.mapping_inline", m.Line)
		}
		ln := t.line(m.Line)
		c := m.Column - 1
		if m.Line > k.Line {
			// "key:" with "{}" alone on a line below (how Helm renders
			// `{{- toYaml .Values.securityContext | nindent 12 }}` of an
			// empty value): that line becomes the keys.
			return replaceEmptyFlowLine(t, k, m, build(k.Column-1+style.step))
		}
		if m.Line != k.Line || c >= len(ln) || ln[c] != '{' {
			return nil, notHereP("fixnote.mapping_moved", m.Line)
		}
		rest := strings.TrimLeft(ln[c+1:], " ")
		if !strings.HasPrefix(rest, "}") {
			return nil, notHereP("fixnote.mapping_lines", m.Line)
		}
		return replaceInline(t, k, ln, build(k.Column-1+style.step))
	}
	k1 := m.Content[0]
	ind := k1.Column - 1
	if at := beforeSpec(t, m, tg.missing); at > 0 {
		sp := t.insertAfter(at-1, build(ind))
		return &sp, nil
	}
	end := blockEnd(t, k1.Line, docEnd, func(l string) bool { return indent(l) >= ind })
	sp := t.insertAfter(end, build(ind))
	return &sp, nil
}

// beforeSpec is the line a new "metadata" key of mapping m goes on when
// m has a "spec" key written in block style: above spec (and the comment
// lines right above it), where Kubernetes objects and pod templates have
// their metadata; 0 for any other key, and for a spec after a list
// item's dash ("- spec:"). Other keys go at the end.
func beforeSpec(t *text, m *yaml.Node, missing []string) int {
	if len(missing) == 0 || missing[0] != "metadata" {
		return 0
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if ln := t.line(k.Line); k.Value != "spec" || strings.TrimSpace(ln[:min(k.Column-1, len(ln))]) != "" {
			continue
		}
		at := k.Line
		for at > 1 {
			prev := t.line(at - 1)
			if !strings.HasPrefix(strings.TrimSpace(prev), "#") || indent(prev) != k.Column-1 {
				break
			}
			at--
		}
		return at
	}
	return 0
}

// replaceEmptyFlowLine replaces the line that holds only the empty mapping
// m ("{}", below its key k, with nothing but blank or comment lines
// between) with lines.
func replaceEmptyFlowLine(t *text, k, m *yaml.Node, lines []string) (*splice, error) {
	kl := t.line(k.Line)
	if strings.TrimSpace(stripComment(kl[min(k.Column-1+len(k.Value), len(kl)):])) != ":" {
		return nil, notHereP("fixnote.cannot_extend", k.Value, k.Line)
	}
	for n := k.Line + 1; n < m.Line; n++ {
		if !neutral(t.line(n)) {
			return nil, notHereP("fixnote.mapping_moved", m.Line)
		}
	}
	if strings.TrimSpace(t.line(m.Line)) != "{}" {
		return nil, notHereP("fixnote.mapping_inline_kept", m.Line)
	}
	start, end := t.offset(m.Line, 1), t.lineEnd(m.Line)
	body := strings.Join(lines, t.nl)
	if end > start && t.src[end-1] == '\n' {
		body += t.nl
	}
	return &splice{start: start, end: end, text: body}, nil
}

// replaceInline turns "key: {}" (or "key: ~") into "key:" followed by
// lines, keeping a comment at the end of the line.
func replaceInline(t *text, k *yaml.Node, ln string, lines []string) (*splice, error) {
	colon := strings.IndexByte(ln[k.Column-1+len(k.Value):], ':')
	if colon < 0 {
		return nil, notHereP("fixnote.no_colon", k.Value, k.Line)
	}
	from := k.Column - 1 + len(k.Value) + colon + 1
	rest := ln[from:]
	comment := ""
	if i := strings.Index(rest, " #"); i >= 0 {
		comment = rest[i:]
	}
	off := t.offset(k.Line, 1)
	return &splice{start: off + from, end: off + len(ln), text: comment + t.nl + strings.Join(lines, t.nl)}, nil
}

func stripComment(s string) string {
	if i := strings.Index(s, " #"); i >= 0 {
		return s[:i]
	}
	return s
}
