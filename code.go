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
