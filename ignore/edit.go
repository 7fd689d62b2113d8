package ignore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

// EditError is a config that AddRule refuses to edit, with the line of the
// construct it cannot preserve (0 when it is about the whole file).
type EditError struct {
	File string
	Line int
	Msg  string
}

// Error is "file:line: message", or "file: message" without a line.
func (e *EditError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// AddRule returns src, the text of a .runbook-translator.yaml, with r
// appended to its ignore: list. Every byte of src is kept: the rule is
// inserted after the last line of the list (or a new ignore: key at the end
// of the file), indented like the list's existing items or, for a new list,
// like the file's other lists, with the file's line endings. The only bytes
// removed are an empty value on the key line (`ignore: []`, `ignore: ~`),
// which 'runbook-translator init' writes.
//
// Values are written plain only when they are a conservative set of
// characters that YAML reads back as the same string; anything else (a
// reason from a pull-request comment with ": ", "#", line breaks, a
// leading "*" or "&", control characters) is double-quoted with escapes, so
// the loader reads back exactly r.
//
// AddRule refuses, with an *EditError naming filename and the line, what it
// cannot edit without changing the meaning or layout of the file: a
// document that does not parse, several documents, a root that is not a
// block mapping, a flow-style list (`ignore: [{...}]`), anchors, aliases or
// merge keys on or inside the list, tabs in the list's indentation, and a
// rule that does not validate or is not valid UTF-8. As a last check it
// decodes the result and refuses unless the file's values are unchanged and
// the new last rule reads back equal to r.
func AddRule(src []byte, filename string, r Rule) ([]byte, error) {
	fail := func(line int, format string, args ...any) error {
		return &EditError{File: filename, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	for _, f := range r.fields() {
		if !utf8.ValidString(f[1]) {
			return nil, fail(0, "rule %s is not valid UTF-8", f[0])
		}
	}
	if err := r.Validate(); err != nil {
		return nil, fail(0, "rule: %s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	// The parser counts a byte-order mark as a column of line 1; edit the
	// text after it and put it back.
	if bom := "\ufeff"; bytes.HasPrefix(src, []byte(bom)) {
		out, err := AddRule(src[len(bom):], filename, r)
		if err != nil {
			return nil, err
		}
		return append([]byte(bom), out...), nil
	}
	root, err := parseDoc(src)
	var second secondDoc
	switch {
	case errors.As(err, &second):
		return nil, fail(int(second), "a second document (---): the config is one document, not edited")
	case err != nil:
		return nil, fail(yamlErrLine(err), "does not parse, not edited: %s", yamlErrMsg(err))
	}
	lines := splitLines(src)
	eol := "\n"
	if bytes.Contains(src, []byte("\r\n")) {
		eol = "\r\n"
	}
	var out []byte
	if root == nil { // empty, or only comments
		out = appendKey(src, eol, 0, 2, 2, r)
	} else {
		if root.Kind != yaml.MappingNode {
			return nil, fail(root.Line, "the document is not a mapping of keys, not edited")
		}
		if root.Style&yaml.FlowStyle != 0 {
			return nil, fail(root.Line, "the document is a flow mapping ({...}), which cannot be edited keeping its layout; write it as one key per line")
		}
		key, val := lookup(root, "ignore")
		if key == nil {
			for _, l := range lines {
				if t := bytes.TrimRight(l.text, " \r\n"); string(t) == "..." {
					return nil, fail(l.no, "the document ends with \"...\": add the ignore: key by hand")
				}
			}
			rel, gap := indentStyle(root)
			out = appendKey(src, eol, root.Content[0].Column-1, rel, gap, r)
		} else {
			out, err = insertItem(src, lines, eol, fail, root, key, val, r)
			if err != nil {
				return nil, err
			}
		}
	}
	if err := checkEdit(src, out, r); err != nil {
		return nil, fail(0, "editing would change the file's meaning (%v), not edited: add the rule by hand", err)
	}
	return out, nil
}

// fields are the rule's values by YAML key, in the order AddRule writes
// them.
func (r Rule) fields() [][2]string {
	return [][2]string{
		{"code", r.Code}, {"tool", r.Tool}, {"path", r.Path}, {"resource", r.Resource},
		{"reason", r.Reason}, {"expires", r.Expires}, {"link", r.Link},
		{"approved_by", r.ApprovedBy}, {"requested_by", r.RequestedBy},
	}
}

// parseDoc parses the single document of src; nil when it has no content.
func parseDoc(src []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	// The loader decodes into a struct, which reports duplicate keys that a
	// yaml.Node does not.
	var generic any
	if err := doc.Decode(&generic); err != nil {
		return nil, err
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, secondDoc(next.Line)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

// secondDoc is the line of a second document in the config.
type secondDoc int

func (s secondDoc) Error() string { return fmt.Sprintf("line %d: a second document", int(s)) }

var yamlLine = lazyre.New(`line (\d+)`)

func yamlErrLine(err error) int {
	if m := yamlLine().FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// yamlErrMsg is the parser's message without the "yaml: line N:" prefix
// the EditError already gives.
func yamlErrMsg(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	s = strings.TrimPrefix(s, "unmarshal errors:\n  ")
	return yamlPrefix().ReplaceAllString(s, "")
}

var yamlPrefix = lazyre.New(`^line \d+: `)

func lookup(m *yaml.Node, name string) (key, val *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == name {
			return k, m.Content[i+1]
		}
	}
	return nil, nil
}

// indentStyle is how the file indents its block lists: the dash's offset
// from the parent key (0 for "indentless" lists) and the gap from the dash
// to the item's keys. Without a list, the nested mappings' indentation;
// else 2 and 2.
func indentStyle(root *yaml.Node) (rel, gap int) {
	rel, gap = -1, 2
	unit := -1
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch {
		case v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && rel < 0:
			rel = v.Column - k.Column
			if it := v.Content[0]; it.Kind == yaml.MappingNode && it.Style&yaml.FlowStyle == 0 && it.Line == v.Line {
				gap = it.Column - v.Column
			}
		case v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && v.Line > k.Line && unit < 0:
			unit = v.Column - k.Column
		}
	}
	switch {
	case rel >= 0:
	case unit > 0:
		rel = unit
	default:
		rel = 2
	}
	return rel, gap
}

type line struct {
	no    int // 1-based
	start int // offset of the first byte
	text  []byte
}

// splitLines splits src after each "\n", keeping line endings.
func splitLines(src []byte) []line {
	var out []line
	for off, no := 0, 1; off < len(src); no++ {
		end := bytes.IndexByte(src[off:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += off + 1
		}
		out = append(out, line{no: no, start: off, text: src[off:end]})
		off = end
	}
	return out
}

// appendKey adds "ignore:" with the rule at the end of src, the key at
// column col (0-based), the dash rel further in.
func appendKey(src []byte, eol string, col, rel, gap int, r Rule) []byte {
	var b bytes.Buffer
	b.Write(src)
	if len(src) > 0 && src[len(src)-1] != '\n' {
		b.WriteString(eol)
	}
	b.WriteString(strings.Repeat(" ", col) + "ignore:" + eol)
	b.WriteString(renderItem(r, col+rel, gap, eol))
	return b.Bytes()
}

// renderItem is the rule as a block-sequence item: the dash at column dash
// (0-based), keys gap columns further in.
func renderItem(r Rule, dash, gap int, eol string) string {
	var b strings.Builder
	first := true
	for _, f := range r.fields() {
		if f[1] == "" {
			continue
		}
		if first {
			b.WriteString(strings.Repeat(" ", dash) + "-" + strings.Repeat(" ", gap-1))
			first = false
		} else {
			b.WriteString(strings.Repeat(" ", dash+gap))
		}
		b.WriteString(f[0] + ": " + Quote(f[1]) + eol)
	}
	return b.String()
}

func insertItem(src []byte, lines []line, eol string, fail func(int, string, ...any) error, root, key, val *yaml.Node, r Rule) ([]byte, error) {
	if key.Anchor != "" || val.Anchor != "" {
		return nil, fail(key.Line, "ignore: has an anchor (&%s); a rule added to an anchored list would change every alias of it: edit it by hand", key.Anchor+val.Anchor)
	}
	if val.Kind == yaml.AliasNode {
		return nil, fail(val.Line, "ignore: is an alias (*%s); adding a rule would have to edit the anchored list: edit it by hand", val.Value)
	}
	if n := findAnchor(val); n != nil {
		what := "an anchor (&" + n.Anchor + ")"
		if n.Kind == yaml.AliasNode {
			what = "an alias (*" + n.Value + ")"
		}
		return nil, fail(n.Line, "the ignore: list has %s; edit it by hand", what)
	}
	keyLine := lines[key.Line-1]
	keyCol := key.Column - 1
	if bytes.IndexByte(keyLine.text, '\t') >= 0 {
		return nil, fail(key.Line, "tab on the ignore: line; indent with spaces")
	}
	text := append([]byte(nil), src...)
	var removed int // bytes removed from the key line
	dash, gap := -1, 2
	switch {
	case val.Kind == yaml.SequenceNode && val.Style&yaml.FlowStyle != 0 && len(val.Content) == 0 && val.Line == key.Line:
		// ignore: [] -> ignore:
		start := keyLine.start + val.Column - 1
		if !bytes.HasPrefix(src[start:], []byte("[]")) {
			return nil, fail(val.Line, "ignore: is a flow list spread over several lines; write it as one item per line (- code: ...)")
		}
		text, removed = removeValue(src, keyLine, start, 2)
	case val.Kind == yaml.SequenceNode && val.Style&yaml.FlowStyle != 0:
		return nil, fail(val.Line, "ignore: is a flow list ([...]), which cannot be edited keeping its layout; write it as one item per line (- code: ...)")
	case val.Kind == yaml.ScalarNode && val.Tag == "!!null" && val.Value == "":
		// ignore: with nothing after it.
	case val.Kind == yaml.ScalarNode && val.Tag == "!!null" && val.Line == key.Line && val.Style == 0:
		start := keyLine.start + val.Column - 1
		text, removed = removeValue(src, keyLine, start, len(val.Value))
	case val.Kind == yaml.SequenceNode:
		if val.Tag != "!!seq" || val.Style&yaml.TaggedStyle != 0 {
			return nil, fail(val.Line, "ignore: has a tag (%s); edit it by hand", val.Tag)
		}
		dash = val.Column - 1
		if it := val.Content[0]; it.Kind == yaml.MappingNode && it.Style&yaml.FlowStyle == 0 && it.Line == val.Line {
			gap = it.Column - val.Column
		}
	default:
		return nil, fail(val.Line, "ignore: is not a list (found %s); edit it by hand", kindName(val))
	}
	if dash < 0 {
		rel, g := indentStyle(root)
		dash, gap = keyCol+rel, g
	}
	// The list runs until the first content line indented no deeper than
	// the key (for an indentless list: that is not an item), a document
	// marker, or the end. Comments indented deeper than the key belong to
	// it; comments at the key's column belong to what follows.
	last := key.Line
	indentless := dash == keyCol
	for _, l := range lines[key.Line:] {
		t := bytes.TrimRight(l.text, "\r\n")
		if bytes.HasPrefix(t, []byte("---")) || bytes.HasPrefix(t, []byte("...")) {
			break
		}
		trimmed := bytes.TrimLeft(t, " \t")
		if len(trimmed) == 0 {
			continue
		}
		ws := t[:len(t)-len(trimmed)]
		if bytes.IndexByte(ws, '\t') >= 0 {
			return nil, fail(l.no, "tab in the indentation of the ignore: list; indent with spaces")
		}
		ind := len(ws)
		if trimmed[0] == '#' {
			if ind > keyCol {
				last = l.no
			}
			continue
		}
		item := indentless && ind == keyCol && trimmed[0] == '-' && (len(trimmed) == 1 || trimmed[1] == ' ' || trimmed[1] == '\t')
		if ind < keyCol || (ind == keyCol && !item) {
			break
		}
		if item || ind > keyCol {
			// After a dash, a tab would make the item's indentation
			// unknowable.
			if i := bytes.IndexFunc(trimmed, func(r rune) bool { return r != '-' && r != ' ' }); i > 0 && trimmed[i] == '\t' {
				return nil, fail(l.no, "tab in the indentation of the ignore: list; indent with spaces")
			}
		}
		last = l.no
	}
	if val.Kind == yaml.SequenceNode && len(val.Content) > 0 {
		if lastItem := val.Content[len(val.Content)-1]; lastItem.Line > last {
			return nil, fail(lastItem.Line, "cannot tell where the ignore: list ends; edit it by hand")
		}
	}
	off := lines[last-1].start + len(lines[last-1].text) - removed
	var b bytes.Buffer
	b.Write(text[:off])
	if off > 0 && text[off-1] != '\n' {
		b.WriteString(eol)
	}
	b.WriteString(renderItem(r, dash, gap, eol))
	b.Write(text[off:])
	return b.Bytes(), nil
}

// removeValue removes n bytes at start on the key line l, and the spaces
// before them when nothing but the line end follows.
func removeValue(src []byte, l line, start, n int) ([]byte, int) {
	from, to := start, start+n
	rest := bytes.TrimRight(src[to:l.start+len(l.text)], "\r\n")
	if len(bytes.TrimSpace(rest)) == 0 {
		for from > l.start && src[from-1] == ' ' {
			from--
		}
		to += len(rest)
	}
	out := append(append([]byte(nil), src[:from]...), src[to:]...)
	return out, to - from
}

func findAnchor(n *yaml.Node) *yaml.Node {
	if n.Anchor != "" || n.Kind == yaml.AliasNode {
		return n
	}
	for _, c := range n.Content {
		if a := findAnchor(c); a != nil {
			return a
		}
	}
	return nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "another kind of value"
}

// plain is what Quote writes without quotes: no spaces or indicators, and
// not starting with one.
var plain = lazyre.New(`^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$`)

// Quote returns s as a YAML scalar that reads back as exactly s: plain when
// it is a conservative set of characters YAML resolves to a string (or a
// date, which the loader reads as its text), else double-quoted with every
// character that is not printable escaped. s must be valid UTF-8.
func Quote(s string) string {
	if plain().MatchString(s) {
		var n yaml.Node
		if yaml.Unmarshal([]byte("k: "+s), &n) == nil && len(n.Content) == 1 && len(n.Content[0].Content) == 2 {
			if v := n.Content[0].Content[1]; v.Value == s && (v.Tag == "!!str" || v.Tag == "!!timestamp") {
				return s
			}
		}
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range s {
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\r':
			b.WriteString(`\r`)
		case c >= 0x20 && c < 0x7f:
			b.WriteRune(c)
		// Above ASCII only letters, marks, numbers, punctuation and
		// symbols go raw: YAML reads U+0085, U+2028 and U+2029 as line
		// breaks and rejects most controls, and other spaces or format
		// characters would be invisible to the reviewer of the change.
		case c >= 0xa0 && unicode.IsPrint(c) && c != 0xfeff:
			b.WriteRune(c)
		case c <= 0xffff:
			fmt.Fprintf(&b, `\u%04X`, c)
		default:
			fmt.Fprintf(&b, `\U%08X`, c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// checkEdit decodes both versions and checks that out is src with one
// more ignore rule, equal to r, at the end.
func checkEdit(src, out []byte, r Rule) error {
	var before, after map[string]any
	if err := yaml.Unmarshal(src, &before); err != nil {
		return err
	}
	if err := yaml.Unmarshal(out, &after); err != nil {
		return err
	}
	var rules struct {
		Ignore []Rule `yaml:"ignore"`
	}
	if err := yaml.Unmarshal(out, &rules); err != nil {
		return err
	}
	if len(rules.Ignore) == 0 || !reflect.DeepEqual(rules.Ignore[len(rules.Ignore)-1], r) {
		return errors.New("the new rule does not read back as written")
	}
	oldList, _ := before["ignore"].([]any)
	newList, ok := after["ignore"].([]any)
	if !ok || len(newList) != len(oldList)+1 || !reflect.DeepEqual(newList[:len(oldList)], oldList) && len(oldList) > 0 {
		return errors.New("the other rules change")
	}
	delete(before, "ignore")
	delete(after, "ignore")
	if len(before) == 0 && len(after) == 0 {
		return nil
	}
	if !reflect.DeepEqual(before, after) {
		return errors.New("other keys change")
	}
	return nil
}
