package parsers

import (
	"strings"
	"unicode/utf8"
)

// yamlFallbackLine returns the 1-based line of body that a yaml.v3 error
// without "line N" in its text is about. yaml.v3 leaves the line out in two
// cases: reader errors (invalid UTF-8, control characters), which carry no
// line at all, and errors whose mark is on the first line (it tests the
// 0-based line for != 0). For the first it finds the offending byte itself;
// otherwise the error is on line 1.
func yamlFallbackLine(body []byte, msg string) int {
	switch {
	case strings.Contains(msg, "UTF-8 octet"):
		for i := 0; i < len(body); {
			r, n := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && n <= 1 {
				return LineAt(body, int64(i))
			}
			i += n
		}
	case strings.Contains(msg, "control characters are not allowed"):
		for i := 0; i < len(body); {
			r, n := utf8.DecodeRune(body[i:])
			if !yamlPrintable(r) {
				return LineAt(body, int64(i))
			}
			i += n
		}
	}
	return 1
}

// yamlPrintable mirrors yaml.v3's is_printable (the YAML 1.2 c-printable
// set, plus BOM handling the reader does before).
func yamlPrintable(r rune) bool {
	switch {
	case r == 0x09, r == 0x0a, r == 0x0d, r >= 0x20 && r <= 0x7e, r == 0x85:
		return true
	case r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd && r != 0xfeff, r >= 0x10000 && r <= 0x10ffff:
		return true
	}
	return false
}
