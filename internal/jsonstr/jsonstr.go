// Package jsonstr writes JSON strings byte for byte as encoding/json does
// with HTML escaping on, without reflection: the json reporter encodes
// every field with it, and the runbook stage of a JSON-only run writes each
// body straight into its escaped form with it.
// TestAppendMatchesEncoding and FuzzAppend hold it to encoding/json.
package jsonstr

import (
	"math/bits"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// Safe[b] is true for the ASCII bytes encoding/json copies unchanged
// with HTML escaping on (its htmlSafeSet): printable, not `"`, `\`, `<`,
// `>` or `&`.
var Safe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		switch b {
		case '"', '\\', '<', '>', '&':
		default:
			t[b] = true
		}
	}
	return t
}()

// Append appends s as a JSON string the way encoding/json does with HTML
// escaping: `\"` `\\` `\b` `\f` `\n` `\r` `\t`, other control bytes and
// <, >, & as \u00XX (lower-case hex), each invalid UTF-8 byte as \ufffd,
// U+2028 and U+2029 as \u2028 and \u2029, everything else as is.
func Append(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, '"', '"') // most records have several empty fields
	}
	dst = append(dst, '"')
	dst, _ = appendEscaped(dst, s, false)
	return append(dst, '"')
}

// AppendValid appends the escaped contents of Append(s), without the
// quotes, when s is valid UTF-8; otherwise it returns dst unchanged and
// false. For valid UTF-8 (and only then) escaping is compositional: the
// escapes of two strings, concatenated, are the escape of their
// concatenation, so a body written piece by piece escapes piece by piece.
func AppendValid(dst []byte, s string) ([]byte, bool) {
	return appendEscaped(dst, s, true)
}

// appendEscaped is Append without the quotes; strict refuses invalid
// UTF-8 (ok false, dst as it was).
func appendEscaped(dst []byte, s string, strict bool) (_ []byte, ok bool) {
	orig := len(dst)
	start := 0
	// next is where the word scan may start again: the byte it stopped at
	// goes through the byte loop.
	next := 0
	for i := 0; i < len(s); {
		// Runbook bodies are KiBs of mostly plain text: skip it eight
		// bytes at a time.
		for i >= next && i+8 <= len(s) {
			// Does the word hold a byte Safe does not mark: a control
			// byte (< 0x20), a non-ASCII byte, `"`, `\`, `<`, `>` or `&`?
			// The exact "has a byte less than n" and "has a zero byte"
			// word tricks, written out here (a function of this size is
			// not inlined); TestWordScan feeds every byte value at every
			// position to Append.
			x := load8(s, i)
			t := (x - swarLo*0x20) & ^x
			v := x ^ (swarLo * '"')
			t |= (v - swarLo) & ^v
			v = x ^ (swarLo * '\\')
			t |= (v - swarLo) & ^v
			v = x ^ (swarLo * '<')
			t |= (v - swarLo) & ^v
			v = x ^ (swarLo * '>')
			t |= (v - swarLo) & ^v
			v = x ^ (swarLo * '&')
			t |= (v - swarLo) & ^v
			if m := (t | x) & swarHi; m != 0 {
				// The lowest flagged byte is exact (a borrow can flag
				// only bytes above a true one): the bytes before it
				// are plain, it goes through the byte loop, and the
				// scan resumes after it.
				i += bits.TrailingZeros64(m) >> 3
				next = i + 1
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		b := s[i]
		if b < utf8.RuneSelf {
			if Safe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			if strict {
				return dst[:orig], false
			}
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...), true
}

// load8 reads s[i:i+8] as a little-endian word (the compiler merges the
// loads).
func load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

const (
	swarLo = 0x0101010101010101
	swarHi = 0x8080808080808080
)
