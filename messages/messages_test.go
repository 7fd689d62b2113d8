package messages

import "testing"

func TestGetFallsBack(t *testing.T) {
	if got := Get("ja", NeedException); got != "例外が必要な場合" {
		t.Errorf("ja = %q", got)
	}
	if got := Get("fr", NeedException); got != "Need an exception?" {
		t.Errorf("unknown language = %q, want English", got)
	}
	if got := Get("ja", Key("nope")); got != "nope" {
		t.Errorf("unknown key = %q", got)
	}
}

func TestEveryKeyTranslated(t *testing.T) {
	for k := range table[Default] {
		for _, l := range Langs() {
			if _, ok := table[l][k]; !ok {
				t.Errorf("%s: no %q", l, k)
			}
		}
	}
}

func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{[]string{"", "", "ja_JP.UTF-8"}, "ja"},
		{[]string{"en", "", "ja_JP.UTF-8"}, "en"},
		{[]string{"", "C", "POSIX"}, "en"},
		{[]string{"JA-jp"}, "ja"},
		{nil, "en"},
	} {
		if got := Choose(tc.in...); got != tc.want {
			t.Errorf("Choose(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
