package fix

import (
	"sort"
	"strconv"
	"strings"

	"github.com/runbook-translator/runbook-translator/messages"
)

// text is a file cut into lines, for edits by line and column. Lines keep
// no line break; nl is the file's break ("\n" or "\r\n"), used for the
// lines a fix inserts.
type text struct {
	src   string
	start []int // byte offset of each line (0-based index = line-1)
	nl    string
}

func newText(src string) *text {
	t := &text{src: src, nl: "\n", start: []int{0}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			t.start = append(t.start, i+1)
		}
	}
	if i := strings.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		t.nl = "\r\n"
	}
	return t
}

// lines is the number of lines (a final line break ends the last line:
// "a\n" has one line).
func (t *text) lines() int {
	n := len(t.start)
	if n > 1 && t.start[n-1] == len(t.src) {
		return n - 1
	}
	return n
}

// line returns line n (1-based) without its break; "" out of range.
func (t *text) line(n int) string {
	if n < 1 || n > len(t.start) {
		return ""
	}
	end := len(t.src)
	if n < len(t.start) {
		end = t.start[n] - 1
	}
	s := t.src[t.start[n-1]:end]
	return strings.TrimSuffix(s, "\r")
}

// offset is the byte offset of (line, col), 1-based, col in bytes.
func (t *text) offset(line, col int) int {
	if line > len(t.start) {
		return len(t.src)
	}
	return t.start[line-1] + col - 1
}

// lineEnd is the offset just after line n's break (or the end of file).
func (t *text) lineEnd(n int) int {
	if n < len(t.start) {
		return t.start[n]
	}
	return len(t.src)
}

// indent is the number of leading spaces of a line.
func indent(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// neutral reports a blank or comment-only line.
func neutral(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || strings.HasPrefix(s, "#")
}

// splice replaces src[start:end] with text.
type splice struct {
	start, end int
	text       string
}

// apply applies splices that do not overlap, in any order.
func applySplices(src string, sp []splice) (string, error) {
	sort.Slice(sp, func(i, j int) bool { return sp[i].start < sp[j].start })
	var b strings.Builder
	at := 0
	for _, s := range sp {
		if s.start < at || s.end < s.start || s.end > len(src) {
			return "", messages.Errorf("fixapply.overlap")
		}
		b.WriteString(src[at:s.start])
		b.WriteString(s.text)
		at = s.end
	}
	b.WriteString(src[at:])
	return b.String(), nil
}

// insertAfter returns the splice that inserts whole lines after line n
// (0: at the top of the file).
func (t *text) insertAfter(n int, lines []string) splice {
	body := strings.Join(lines, t.nl)
	if n >= t.lines() && !strings.HasSuffix(t.src, "\n") && t.src != "" {
		// the last line has no break: add one before the new lines.
		return splice{start: len(t.src), end: len(t.src), text: t.nl + body}
	}
	at := t.lineEnd(n)
	if n == 0 {
		at = 0
	}
	return splice{start: at, end: at, text: body + t.nl}
}

// helmMarker is what a masked template action becomes (helmMask): four or
// more tildes, a plain YAML string; a fix whose new lines hold it would
// write what an action makes.
const helmMarker = "~~~~"

// tmplText is a Helm template with its actions masked so that yaml.v3 can
// read the literal YAML around them, line for line: masked has the lines
// of src, in the same places, and a line without an action is the same in
// both.
type tmplText struct {
	src, masked string
	// action and keyed say, by line (1-based), that the line holds a
	// template action, and that it holds one where a key or item would
	// be: a line that begins with one ("{{- include ... | nindent 4 }}",
	// "{{- if ... }}", "- {{ . }}"), a key written with one, or a line of
	// an action that spans lines.
	action, keyed []bool
	// span numbers, by line, the action that spans lines there (0: none).
	span []int
}

// helmMask masks the actions of a template: an action after a literal key
// ("key: {{ .Values.x }}", or inside a quoted string) becomes helmMarker
// tildes of its own length, so the key's value is a plain string; a line
// with an action in a key's or item's place becomes a key of its own,
// "~~~~<line>: ~" at the line's indentation (after its dashes), so that
// the lines it stands for keep their place in the block around it (a fix
// that adds a key after a "{{- toYaml ... | nindent 12 }}" line adds it
// after, not between that line and its key).
func helmMask(src string) *tmplText {
	t := newText(src)
	n := t.lines()
	m := &tmplText{src: src, action: make([]bool, n+2), keyed: make([]bool, n+2), span: make([]int, n+2)}
	b := []byte(src)
	lineOf := func(off int) int {
		i := sort.Search(len(t.start), func(i int) bool { return t.start[i] > off })
		return i // 1-based: the number of line starts at or before off
	}
	for at := 0; ; {
		i := strings.Index(src[at:], "{{")
		if i < 0 {
			break
		}
		start := at + i
		end := len(src)
		if j := strings.Index(src[start+2:], "}}"); j >= 0 {
			end = start + 2 + j + 2
		}
		l1, l2 := lineOf(start), lineOf(max(end-1, start))
		for l := l1; l <= l2 && l <= n; l++ {
			m.action[l] = true
			if l2 > l1 {
				m.keyed[l] = true
				m.span[l] = l1
			}
		}
		for k := start; k < end; k++ {
			if b[k] != '\n' && b[k] != '\r' {
				b[k] = '~'
			}
		}
		at = end
	}
	for l := 1; l <= n; l++ {
		if !m.action[l] {
			continue
		}
		ln := t.line(l)
		body := ln[keyColumn(ln):]
		key, _, hasColon := strings.Cut(body, ": ")
		if !hasColon {
			key = strings.TrimSuffix(body, ":")
		}
		if strings.HasPrefix(body, "{{") || strings.Contains(key, "{{") {
			m.keyed[l] = true
		}
	}
	var out strings.Builder
	mt := newText(string(b))
	for l := 1; l <= mt.lines(); l++ {
		ln := mt.line(l)
		if m.keyed[l] && inSequence(t, m, l) {
			ln = t.line(l)[:indent(t.line(l))] + "# " + helmMarker + strconv.Itoa(l)
		} else if n := indentAction(t.line(l)); m.keyed[l] && n > 0 {
			// "{{ toYaml .Values.x | indent 12 }}" at column 0 writes its
			// keys at column 12: masked there, it is a key of the
			// mapping it fills, which a fix must not add to
			ln = strings.Repeat(" ", n) + helmMarker + strconv.Itoa(l) + ": ~"
		} else if m.keyed[l] {
			ln = t.line(l)[:keyColumn(t.line(l))] + helmMarker + strconv.Itoa(l) + ": ~"
		}
		out.WriteString(ln)
		if l < mt.lines() || strings.HasSuffix(src, "\n") {
			out.WriteString(mt.nl)
		}
	}
	m.masked = out.String()
	return m
}

// indentAction is N for a line that is one action at column 0 ending in
// "| indent N" ("{{ toYaml .Values.resources | indent 12 }}"), which
// renders its lines at column N; 0 otherwise.
func indentAction(ln string) int {
	body := strings.TrimRight(ln, " \t\r")
	if !strings.HasPrefix(body, "{{") || !strings.HasSuffix(body, "}}") || strings.Count(body, "{{") != 1 {
		return 0
	}
	body = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(body, "}}"), "-"))
	i := strings.LastIndex(body, "|")
	if i < 0 {
		return 0
	}
	f := strings.Fields(body[i+1:])
	if len(f) != 2 || f[0] != "indent" {
		return 0
	}
	n, err := strconv.Atoi(f[1])
	if err != nil || n <= 0 || n > 64 {
		return 0
	}
	return n
}

// inSequence reports whether the action that stands in a key's place on
// line l ("{{- range .Values.tls }}", "{{- end }}") is among the items of
// a list: the nearest line before or after it at its column, or less,
// that is neither blank, a comment, nor another such action, is an item
// of a list at that column. A key there would end the list (YAML has no
// key among a sequence's items), and the document could not be read:
// there the mask is a comment of the line instead, and the lines around
// are read as they stand.
func inSequence(t *text, m *tmplText, l int) bool {
	ln := t.line(l)
	if strings.HasPrefix(ln[indent(ln):], "-") {
		return false // an item written with an action: "- {{ . }}"
	}
	c := keyColumn(ln)
	decides := func(n int) (seq, stop bool) {
		x := t.line(n)
		if neutral(x) && !m.action[n] {
			return false, false
		}
		item := strings.HasPrefix(x[indent(x):], "- ") || strings.TrimSpace(x) == "-"
		if m.keyed[n] && !item {
			return false, false
		}
		if indent(x) > c {
			return false, false
		}
		return indent(x) == c && item, true
	}
	for n := l + 1; n <= t.lines(); n++ {
		if seq, stop := decides(n); stop {
			if seq {
				return true
			}
			break
		}
	}
	for n := l - 1; n >= 1; n-- {
		if seq, stop := decides(n); stop {
			return seq
		}
	}
	return false
}

// keyColumn is the 0-based column where a line's key or item value begins:
// after its indentation and any list dashes ("  - - a: 1" gives 6).
func keyColumn(ln string) int {
	c := indent(ln)
	for strings.HasPrefix(ln[c:], "- ") || ln[c:] == "-" {
		c += 2
		c = min(c, len(ln))
		for c < len(ln) && ln[c] == ' ' {
			c++
		}
	}
	return c
}
