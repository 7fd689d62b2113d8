package reporters

import (
	"bytes"
	"strconv"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/cells"
)

// Allocation-free fast paths for the local reporter's per-finding work. On
// a million findings the local report spent more time building strings
// (fmt, strings.Split, terminal() copies) than parsing; each function here
// returns exactly what the general one would, and takes the fast path only
// when that is evident from the bytes (TestTextFastPaths).

// plainASCII reports whether s has only printable ASCII, '\n' and '\t':
// markdown.Sanitize and terminal() return such a string unchanged.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f {
			return false
		}
	}
	return true
}

// terminalFast is terminal(s) without the scan-and-copy when s is plain.
func terminalFast(s string) string {
	if plainASCII(s) {
		return s
	}
	return terminal(s)
}

// oneLineFast is oneLine(s), returning s itself when it is ASCII with no
// whitespace other than single inner spaces (strings.Fields would rebuild the
// same string).
func oneLineFast(s string) string {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return oneLine(s)
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x80, c == '\t', c == '\n', c == '\v', c == '\f', c == '\r':
			return oneLine(s)
		case c == ' ' && s[i+1] == ' ':
			return oneLine(s)
		}
	}
	return s
}

// appendLocation appends location(f)'s text for path, line and col.
func appendLocation(dst []byte, path string, line, col int) []byte {
	switch {
	case path == "":
		return append(dst, "(no file)"...)
	case line <= 0:
		dst = append(dst, path...)
		return append(dst, " (no line)"...)
	}
	dst = append(dst, path...)
	dst = append(dst, ':')
	dst = strconv.AppendInt(dst, int64(line), 10)
	if col > 0 {
		dst = append(dst, ':')
		dst = strconv.AppendInt(dst, int64(col), 10)
	}
	return dst
}

// writeTerminal writes terminal(string(b)), copying only when b is not plain.
func (t *Text) writeTerminal(b []byte) {
	for _, c := range b {
		if (c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f {
			t.w.WriteString(terminal(string(b)))
			return
		}
	}
	t.w.Write(b)
}

// padSeverity pads a severity name to 8 display cells, as fmt's "%-8s"
// does for the English (ASCII) names; a translated name ("警告") is
// measured in cells, so the columns after it still line up.
func padSeverity(sev string) string {
	const spaces = "        "
	if !plainASCII(sev) {
		return cells.PadRight(sev, 8)
	}
	if len(sev) >= 8 {
		return sev
	}
	return sev + spaces[:8-len(sev)]
}

// writeHead writes a finding's first line: "  <severity> <location>  <tool code>".
func (t *Text) writeHead(sev string, f *translator.Finding) {
	w := t.w
	w.WriteString("  ")
	w.WriteString(t.paint(sevColor(f.Severity), padSeverity(sev)))
	w.WriteByte(' ')
	t.scratch = appendLocation(t.scratch[:0], f.Path, f.Line, f.Column)
	t.writeTerminal(t.scratch)
	w.WriteString("  ")
	tc := t.scratch[:0]
	tc = append(tc, f.Tool...)
	tc = append(tc, ' ')
	tc = append(tc, f.Code...)
	t.scratch = tc
	t.writeTerminal(bytes.TrimSpace(tc))
	w.WriteByte('\n')
}
