package fix

import (
	"sort"
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
