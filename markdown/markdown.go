// Package markdown renders untrusted text (lint messages, file paths,
// resource names, all of which come from the pull request) into
// GitHub-flavoured Markdown safely: no HTML, no @mention pings, no breaking
// out of code spans or fences, and bounded in size.
package markdown

import (
	"strings"
	"unicode/utf8"
)

// zwsp breaks @mentions and #references without changing what a reader sees.
const zwsp = "\u200b"

// Escape makes untrusted text safe to embed in Markdown prose (a table cell,
// a list item, a heading). Newlines become spaces; Markdown and HTML
// metacharacters are backslash-escaped or turned into entities; @mentions
// are broken with a zero-width space so nobody is pinged.
func Escape(s string) string {
	s = Sanitize(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, r := range s {
		switch r {
		case '\r':
			continue
		case '\n', '\t':
			b.WriteByte(' ')
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\\', '`', '*', '_', '[', ']', '|', '~', '#', '!', '{', '}':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '@':
			b.WriteRune(r)
			if i+1 < len(s) && isMentionChar(s[i+1]) {
				b.WriteString(zwsp)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isMentionChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// Sanitize drops what must never reach a renderer: invalid UTF-8 (replaced
// by U+FFFD), NUL and other C0 control characters except tab and newline,
// and ANSI escape sequences.
func Sanitize(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == 0x1b: // ESC: skip a CSI sequence "ESC [ ... final"
			j := i + 1
			if j < len(s) && s[j] == '[' {
				j++
				for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
					j++
				}
				if j < len(s) {
					j++
				}
			}
			i = j
			continue
		case r < 0x20 && r != '\n' && r != '\t', r == 0x7f:
			// dropped
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isClean reports whether Sanitize would return s unchanged. It scans every
// byte: stopping at the first non-ASCII byte let control characters after
// it (NUL, BEL, CR) through.
func isClean(s string) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			ascii = false
			continue
		}
		if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return ascii || utf8.ValidString(s)
}

// Code renders untrusted text as an inline code span that it cannot close:
// the fence is one backtick longer than the longest run inside it.
// Newlines become spaces; an empty string renders as nothing.
func Code(s string) string {
	s = Sanitize(s)
	if strings.ContainsAny(s, "\r\n") {
		s = codeNewlines.Replace(s)
	}
	if s == "" {
		return ""
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

// codeNewlines is built once: a Replacer builds its lookup table on first
// use, which cost more than the rest of Code when done per call.
var codeNewlines = strings.NewReplacer("\r", "", "\n", " ")

// CodeBlock renders untrusted text as a fenced code block that it cannot
// close: the fence is longer than any backtick or tilde run inside.
func CodeBlock(s, lang string) string {
	s = Sanitize(s)
	n := longestRun(s, '`') + 1
	if n < 3 {
		n = 3
	}
	fence := strings.Repeat("`", n)
	if !safeLang(lang) {
		// A backtick in the info string stops the line opening a block and
		// a newline ends it early: either would let the content out.
		lang = ""
	}
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return fence + lang + "\n" + s + fence + "\n"
}

// safeLang accepts info strings made of letters, digits and "+-_.#".
func safeLang(lang string) bool {
	for i := 0; i < len(lang); i++ {
		c := lang[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("+-_.#", c) >= 0) {
			return false
		}
	}
	return true
}

func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			if cur > best {
				best = cur
			}
		} else {
			cur = 0
		}
	}
	return best
}

// Truncate bounds s to at most max bytes, cutting at a rune boundary and
// appending notice (which counts toward max). It returns s unchanged when it
// fits.
func Truncate(s string, max int, notice string) string {
	if len(s) <= max {
		return s
	}
	cut := max - len(notice)
	if cut < 0 {
		cut = 0
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + notice
}
