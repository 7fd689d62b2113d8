package reporters

import (
	"bytes"
	"strconv"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/cells"
	"github.com/runbook-translator/runbook-translator/messages"
)

// Allocation-free fast paths for the local reporter's per-finding work. On
// a million findings the local report spent more time building strings
// (fmt, strings.Split, terminal() copies) than parsing; each function here
// returns exactly what the general one would, and takes the fast path only
// when that is evident from the bytes (TestTextFastPaths).

// plainASCII reports whether s has only printable ASCII, '\n' and '\t':
// markdown.Sanitize and terminal() return such a string unchanged.
func plainASCII(s string) bool {
	// Eight bytes at a time: a word with no byte >= 0x7f and none below
	// 0x20 is plain; any other word is looked at byte by byte ('\n' and
	// '\t' are below 0x20 and plain).
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		// Every byte is below 0x80 when x&hi == 0; then x+lo sets a high
		// bit only for a 0x7f byte (no carry between bytes), and
		// (x-0x20*lo) &^ x a high bit in the first byte below 0x20.
		if x&hi == 0 && (x+lo)&hi == 0 && (x-0x20*lo)&^x&hi == 0 {
			continue
		}
		for _, c := range []byte(s[i : i+8]) {
			if (c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f {
				return false
			}
		}
	}
	for ; i < len(s); i++ {
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
func appendLocation(dst []byte, lang, path string, line, col int) []byte {
	switch {
	case path == "":
		return append(dst, messages.T(lang, "text.no_file")...)
	case line <= 0:
		dst = append(dst, path...)
		return append(dst, messages.T(lang, "md.no_line")...)
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

// writeHead writes a finding's first line: "  <severity> <location>  <tool code>";
// head is the severity column, painted and padded.
func (t *Text) writeHead(head string, f *translator.Finding) {
	w := t.w
	w.WriteString("  ")
	w.WriteString(head)
	w.WriteByte(' ')
	t.scratch = appendLocation(t.scratch[:0], t.lang(), f.Path, f.Line, f.Column)
	if f.Path != "" && f.Line > 0 && plainASCII(f.Path) {
		w.Write(t.scratch) // path:line[:col], plain as its path is
	} else {
		t.writeTerminal(t.scratch)
	}
	w.WriteString("  ")
	tc := t.scratch[:0]
	tc = append(tc, f.Tool...)
	tc = append(tc, ' ')
	tc = append(tc, f.Code...)
	t.scratch = tc
	if plainASCII(f.Tool) && plainASCII(f.Code) {
		w.Write(bytes.TrimSpace(tc))
	} else {
		t.writeTerminal(bytes.TrimSpace(tc))
	}
	w.WriteByte('\n')
}

// textLabels are the per-run strings of the local report's finding blocks,
// looked up once instead of per finding (messages.T is a map lookup, and
// "indent + label" a new string each time).
type textLabels struct {
	ok                         bool
	runbook, resource, located string
	// sev holds the painted, padded severity of each Severity below
	// len(sev) (writeHead's first column).
	sev [translator.SeverityCritical + 1]string
	// titles memoises a runbook title as printed (terminal, one line, the
	// fallback suffix): a run has few distinct titles.
	titles map[titleKey]string
}

type titleKey struct {
	title    string
	fallback bool
}

// maxTitleMemo bounds textLabels.titles (a fallback title is "tool code",
// one per distinct code).
const maxTitleMemo = 4096

// label returns the run's labels, filling them in on first use.
func (t *Text) label() *textLabels {
	lb := &t.labels
	if lb.ok {
		return lb
	}
	l := t.lang()
	lb.runbook = indent + messages.T(l, "text.runbook")
	lb.resource = indent + messages.T(l, "text.resource")
	lb.located = indent + messages.T(l, "text.located")
	for s := range lb.sev {
		lb.sev[s] = t.paint(sevColor(translator.Severity(s)), padSeverity(severityName(l, translator.Severity(s))))
	}
	lb.ok = true
	return lb
}

// severityName is the first column's word for s: below info, info.
func severityName(lang string, s translator.Severity) string {
	name := s.String()
	if s < translator.SeverityInfo {
		name = "info"
	}
	return messages.Severity(lang, name)
}

// severity returns the painted, padded first column for s.
func (lb *textLabels) severity(t *Text, s translator.Severity) string {
	if s >= 0 && int(s) < len(lb.sev) {
		return lb.sev[s]
	}
	return t.paint(sevColor(s), padSeverity(severityName(t.lang(), s)))
}

// title returns a runbook title as the report prints it.
func (lb *textLabels) title(lang, title string, fallback bool) string {
	k := titleKey{title, fallback}
	if s, ok := lb.titles[k]; ok {
		return s
	}
	s := terminalFast(oneLineFast(title))
	if fallback {
		s += messages.T(lang, "text.fallback")
	}
	if lb.titles == nil {
		lb.titles = map[titleKey]string{}
	}
	if len(lb.titles) < maxTitleMemo {
		lb.titles[k] = s
	}
	return s
}
