package translator

import (
	"strings"
	"unicode"
)

// NormalizeCode returns the comparison key of a rule code, so that one
// catalog entry matches every spelling a tool has used across versions:
//
//	KSV-0017, KSV017, AVD-KSV-0017, ksv17  -> "ksv-17"
//	KSV-01010, KSV01010                    -> "ksv-1010"
//	CKV_K8S_16                             -> "ckv-k8s-16"
//	DL3008                                 -> "dl-3008"
//	privileged-container                   -> "privileged-container"
//
// The key is lowercase; tokens are split on anything that is not a letter
// or digit and where a run of letters ends in a run of digits; numeric
// tokens lose their leading zeros; a leading "avd" token (Aqua's
// vulnerability database prefix) is dropped.
func NormalizeCode(code string) string {
	var buf [64]byte
	out, ok := appendNormalCodeASCII(buf[:0], code)
	if !ok {
		return normalizeCodeUnicode(code)
	}
	if string(out) == code {
		return code // already normal: no copy
	}
	return string(out)
}

// appendNormalCode appends NormalizeCode(code) to dst, without allocating
// for an ASCII code (the fingerprint of every finding hashes it).
func appendNormalCode(dst []byte, code string) []byte {
	if out, ok := appendNormalCodeASCII(dst, code); ok {
		return out
	}
	return append(dst, normalizeCodeUnicode(code)...)
}

// appendNormalCodeASCII is NormalizeCode for an ASCII code, appended to
// dst; ok is false (and dst unchanged) when code has a non-ASCII byte.
// For ASCII, unicode.IsLetter and IsDigit are [A-Za-z] and [0-9] and
// strings.ToLower is the byte mapping, so this is the same algorithm
// without the slices (TestNormalizeCodeASCIIMatchesUnicode,
// FuzzNormalizeCode).
func appendNormalCodeASCII(dst []byte, code string) ([]byte, bool) {
	for i := 0; i < len(code); i++ {
		if code[i] >= 0x80 {
			return dst, false
		}
	}
	start := len(dst)
	tokens := 0
	firstAVD := false
	put := func(tok string, lower bool) {
		if tokens > 0 {
			dst = append(dst, '-')
		}
		if lower {
			for j := 0; j < len(tok); j++ {
				c := tok[j]
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				dst = append(dst, c)
			}
		} else {
			dst = append(dst, tok...)
		}
		if tokens == 0 {
			firstAVD = len(tok) == 3 && (tok[0]|0x20) == 'a' && (tok[1]|0x20) == 'v' && (tok[2]|0x20) == 'd'
		}
		tokens++
	}
	for i := 0; i < len(code); {
		if !asciiAlnum(code[i]) {
			i++
			continue
		}
		j := i
		for j < len(code) && asciiAlnum(code[j]) {
			j++
		}
		f := code[i:j]
		i = j
		// Split "ksv017" into "ksv", "017"; leave "k8s" alone.
		k := len(f)
		for k > 0 && f[k-1] >= '0' && f[k-1] <= '9' {
			k--
		}
		switch {
		case k > 0 && k < len(f) && asciiLetters(f[:k]):
			put(f[:k], true)
			put(trimZeros(f[k:]), false)
		case k == 0:
			put(trimZeros(f), false)
		default:
			put(f, true)
		}
	}
	if tokens > 1 && firstAVD {
		dst = append(dst[:start], dst[start+4:]...) // "avd-"
	}
	return dst, true
}

func asciiAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func asciiLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// normalizeCodeUnicode is NormalizeCode for any code.
func normalizeCodeUnicode(code string) string {
	fields := strings.FieldsFunc(strings.ToLower(code), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	out := make([]string, 0, len(fields)+2)
	for _, f := range fields {
		// Split "ksv017" into "ksv", "017"; leave "k8s" alone.
		i := len(f)
		for i > 0 && f[i-1] >= '0' && f[i-1] <= '9' {
			i--
		}
		if i > 0 && i < len(f) && isLetters(f[:i]) {
			out = append(out, f[:i], trimZeros(f[i:]))
			continue
		}
		if i == 0 {
			f = trimZeros(f)
		}
		out = append(out, f)
	}
	if len(out) > 1 && out[0] == "avd" {
		out = out[1:]
	}
	return strings.Join(out, "-")
}

func isLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

func trimZeros(s string) string {
	t := strings.TrimLeft(s, "0")
	if t == "" {
		return "0"
	}
	return t
}
