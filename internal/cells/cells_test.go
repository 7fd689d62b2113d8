package cells

import "testing"

func TestWidth(t *testing.T) {
	for s, want := range map[string]int{
		"":               0,
		"error":          5,
		"エラー":            6,
		"警告":             4,
		"ＡＢ":             4, // full-width Latin
		"ｱｲ":             2, // half-width katakana
		"e\u0301":        1, // combining acute
		"a\u200bb":       2, // zero-width space
		"Deployment/web": 14,
		"指摘 3 件":         9,
		"🔴":              2,
	} {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestPadRight(t *testing.T) {
	if got := PadRight("警告", 8); got != "警告    " {
		t.Errorf("PadRight = %q", got)
	}
	if got := PadRight("warning", 8); got != "warning " {
		t.Errorf("PadRight = %q", got)
	}
	if got := PadRight("critical!", 8); got != "critical!" {
		t.Errorf("PadRight = %q", got)
	}
}
