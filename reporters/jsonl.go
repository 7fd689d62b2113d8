package reporters

import (
	"sort"
	"strconv"
	"unicode/utf8"

	translator "github.com/runbook-translator/runbook-translator"
)

// A JSON Lines encoder for one finding, byte for byte what
// json.NewEncoder(w).Encode(toJSONFinding(f)) writes (HTML escaping on), with
// no reflection and one reused buffer. On a million findings encoding/json's
// reflection was about a quarter of the CPU of a whole review run
// (docs/performance.md). TestAppendJSONFindingMatchesEncoder (every parser
// golden, the reporter fixtures, hostile strings) and the fuzz targets
// FuzzAppendJSONString and FuzzAppendJSONFinding require identical bytes;
// a field added to jsonFinding must be added here too (the test then fails
// until it is).

const jsonHex = "0123456789abcdef"

// jsonSafe[b] is true for the ASCII bytes encoding/json copies unchanged
// with HTML escaping on (its htmlSafeSet): printable, not `"`, `\`, `<`,
// `>` or `&`.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		switch b {
		case '"', '\\', '<', '>', '&':
		default:
			t[b] = true
		}
	}
	return t
}()

// appendJSONString appends s as a JSON string the way encoding/json does
// with HTML escaping: `\"` `\\` `\b` `\f` `\n` `\r` `\t`, other control
// bytes and <, >, & as \u00XX (lower-case hex), each invalid UTF-8 byte as
// \ufffd, U+2028 and U+2029 as \u2028 and \u2029, everything else as is.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	// next is where the word scan may start again: the bytes of a word it
	// stopped at go through the byte loop.
	next := 0
	for i := 0; i < len(s); {
		// Runbook bodies are KiBs of mostly plain text: skip it eight
		// bytes at a time.
		for i >= next && i+8 <= len(s) {
			// jsonUnsafe8, inlined (the compiler does not).
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
			if (t|x)&swarHi != 0 {
				next = i + 8
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		b := s[i]
		if b < utf8.RuneSelf {
			if jsonSafe[b] {
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
				dst = append(dst, '\\', 'u', '0', '0', jsonHex[b>>4], jsonHex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', jsonHex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
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

// jsonUnsafe8 reports whether any byte of x is one jsonSafe does not
// mark: a control byte (< 0x20), a non-ASCII byte, `"`, `\`, `<`, `>` or
// `&`. The tests are the exact "has a byte less than n" and "has a zero
// byte" word tricks, so a word without such a byte is never sent to the
// byte loop and one with it always is.
func jsonUnsafe8(x uint64) bool {
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
	return (t|x)&swarHi != 0
}

// appendJSONKey appends `,"key":` (without the comma for the first key).
func appendJSONKey(dst []byte, key string, first bool) []byte {
	if !first {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, key...) // keys are fixed ASCII names: nothing to escape
	return append(dst, '"', ':')
}

func appendJSONStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, s)
	}
	return append(dst, ']')
}

// appendJSONFinding appends the JSON Lines record of f (toJSONFinding's
// schema, in jsonFinding's field order) and a newline.
func appendJSONFinding(dst []byte, f *translator.Finding) []byte {
	dst = append(dst, `{"tool":`...)
	dst = appendJSONString(dst, f.Tool)
	dst = append(dst, `,"code":`...)
	dst = appendJSONString(dst, f.Code)
	dst = append(dst, `,"severity":`...)
	dst = appendJSONString(dst, jsonSeverity(f.Severity))
	dst = append(dst, `,"tool_severity":`...)
	dst = appendJSONString(dst, f.ToolSeverity)
	dst = append(dst, `,"message":`...)
	dst = appendJSONString(dst, f.Message)
	dst = append(dst, `,"path":`...)
	dst = appendJSONString(dst, f.Path)
	dst = append(dst, `,"line":`...)
	dst = strconv.AppendInt(dst, int64(f.Line), 10)
	dst = append(dst, `,"column":`...)
	dst = strconv.AppendInt(dst, int64(f.Column), 10)
	dst = append(dst, `,"end_line":`...)
	dst = strconv.AppendInt(dst, int64(f.EndLine), 10)
	dst = append(dst, `,"end_column":`...)
	dst = strconv.AppendInt(dst, int64(f.EndColumn), 10)
	dst = append(dst, `,"resource":`...)
	dst = appendJSONString(dst, f.Resource)
	dst = append(dst, `,"url":`...)
	dst = appendJSONString(dst, f.URL)
	dst = append(dst, `,"fingerprint":`...)
	dst = appendJSONString(dst, f.Fingerprint)
	dst = append(dst, `,"runbook":`...)
	if rb := f.Runbook; rb == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, `{"id":`...)
		dst = appendJSONString(dst, rb.ID)
		dst = append(dst, `,"title":`...)
		dst = appendJSONString(dst, rb.Title)
		dst = append(dst, `,"body":`...)
		dst = appendJSONString(dst, rb.Body)
		if len(rb.Links) > 0 {
			dst = appendJSONKey(dst, "links", false)
			dst = appendJSONStrings(dst, rb.Links)
		}
		if rb.Owner != "" {
			dst = appendJSONKey(dst, "owner", false)
			dst = appendJSONString(dst, rb.Owner)
		}
		if rb.Source != "" {
			dst = appendJSONKey(dst, "source", false)
			dst = appendJSONString(dst, rb.Source)
		}
		if rb.Error != "" {
			dst = appendJSONKey(dst, "error", false)
			dst = appendJSONString(dst, rb.Error)
		}
		if rb.Generic {
			dst = append(dst, `,"generic":true`...)
		}
		dst = append(dst, '}')
	}
	if f.Title != "" {
		dst = appendJSONKey(dst, "title", false)
		dst = appendJSONString(dst, f.Title)
	}
	if f.Remediation != "" {
		dst = appendJSONKey(dst, "remediation", false)
		dst = appendJSONString(dst, f.Remediation)
	}
	if len(f.Aliases) > 0 {
		dst = appendJSONKey(dst, "aliases", false)
		dst = appendJSONStrings(dst, f.Aliases)
	}
	if len(f.Extra) > 0 {
		dst = appendJSONKey(dst, "extra", false)
		dst = appendJSONMap(dst, f.Extra)
	}
	if s := f.Suppressed; s != nil {
		dst = append(dst, `,"suppressed":{"reason":`...)
		dst = appendJSONString(dst, s.Reason)
		if s.Expires != "" {
			dst = appendJSONKey(dst, "expires", false)
			dst = appendJSONString(dst, s.Expires)
		}
		if s.Link != "" {
			dst = appendJSONKey(dst, "link", false)
			dst = appendJSONString(dst, s.Link)
		}
		if s.Source != "" {
			dst = appendJSONKey(dst, "source", false)
			dst = appendJSONString(dst, s.Source)
		}
		if s.Expired {
			dst = append(dst, `,"expired":true`...)
		}
		if s.ExpiresInDays != nil {
			dst = appendJSONKey(dst, "expires_in_days", false)
			dst = strconv.AppendInt(dst, int64(*s.ExpiresInDays), 10)
		}
		dst = append(dst, '}')
	}
	if f.Located != "" {
		dst = appendJSONKey(dst, "located", false)
		dst = appendJSONString(dst, f.Located)
	}
	if f.OutsideDiff {
		dst = append(dst, `,"outside_diff":true`...)
	}
	if f.Baseline != "" {
		dst = appendJSONKey(dst, "baseline", false)
		dst = appendJSONString(dst, f.Baseline)
	}
	if len(f.Fixes) > 0 {
		dst = appendJSONKey(dst, "fixes", false)
		dst = appendJSONFixes(dst, f.Fixes)
	}
	if f.FixNote != "" {
		dst = appendJSONKey(dst, "fix_note", false)
		dst = appendJSONString(dst, f.FixNote)
	}
	return append(dst, '}', '\n')
}

// appendJSONFixes appends the fixes as encoding/json writes
// translator.Fix (description omitted when empty; edits null when nil).
func appendJSONFixes(dst []byte, fs []translator.Fix) []byte {
	dst = append(dst, '[')
	for i, fx := range fs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		if fx.Description != "" {
			dst = append(dst, `"description":`...)
			dst = appendJSONString(dst, fx.Description)
			dst = append(dst, ',')
		}
		dst = append(dst, `"source":`...)
		dst = appendJSONString(dst, fx.Source)
		dst = append(dst, `,"edits":`...)
		if fx.Edits == nil {
			dst = append(dst, "null"...)
		} else {
			dst = append(dst, '[')
			for j, e := range fx.Edits {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = append(dst, `{"path":`...)
				dst = appendJSONString(dst, e.Path)
				dst = append(dst, `,"start_line":`...)
				dst = strconv.AppendInt(dst, int64(e.StartLine), 10)
				dst = append(dst, `,"start_column":`...)
				dst = strconv.AppendInt(dst, int64(e.StartColumn), 10)
				dst = append(dst, `,"end_line":`...)
				dst = strconv.AppendInt(dst, int64(e.EndLine), 10)
				dst = append(dst, `,"end_column":`...)
				dst = strconv.AppendInt(dst, int64(e.EndColumn), 10)
				dst = append(dst, `,"text":`...)
				dst = appendJSONString(dst, e.Text)
				dst = append(dst, '}')
			}
			dst = append(dst, ']')
		}
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// appendJSONMap appends m with its keys sorted, as encoding/json does.
func appendJSONMap(dst []byte, m map[string]string) []byte {
	var small [8]string
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		dst = appendJSONString(dst, m[k])
	}
	return append(dst, '}')
}
