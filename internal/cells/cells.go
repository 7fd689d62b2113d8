// Package cells measures text in terminal display cells: an East Asian
// wide or full-width character (漢字, かな, full-width forms) takes two
// cells, a combining mark or a zero-width character none, others one. Byte
// or rune counts misalign columns as soon as a Japanese word is in them.
package cells

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Width returns the display width of s in cells. Characters of ambiguous
// width (UAX #11 "A": ①, ○ …) count as one, as terminals outside a CJK
// locale draw them.
func Width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != 0x7f {
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n += RuneWidth(r)
	}
	return n
}

// RuneWidth is the display width of one rune: 0, 1 or 2.
func RuneWidth(r rune) int {
	switch {
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return 0
	case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff':
		return 0
	case unicode.In(r, unicode.Mn, unicode.Me):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// PadRight pads s with spaces to n cells, as fmt's "%-*s" does for ASCII.
func PadRight(s string, n int) string {
	w := Width(s)
	if w >= n {
		return s
	}
	return s + strings.Repeat(" ", n-w)
}
