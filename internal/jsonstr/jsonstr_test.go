package jsonstr

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"
)

var seeds = func() []string {
	var all strings.Builder
	for b := 0; b < 256; b++ {
		all.WriteByte(byte(b))
	}
	return []string{"", "plain text, quite a bit longer than eight bytes", all.String(), "é\u2028x\u2029\U0001F600",
		"\xe2\x80", "\xed\xa0\x80", "<script>&amp;</script>", `"\`, "a\nb\tc\r\x00\x1f\x7f", "\ufffd", "日本語のテキスト\n"}
}()

func check(t *testing.T, s string) {
	t.Helper()
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := Append([]byte("x"), s); !bytes.Equal(got, append([]byte("x"), want...)) {
		t.Fatalf("Append(%q) = %s, want %s", s, got[1:], want)
	}
	got, ok := AppendValid([]byte("x"), s)
	if ok != utf8.ValidString(s) {
		t.Fatalf("AppendValid(%q): ok %v, valid UTF-8 %v", s, ok, utf8.ValidString(s))
	}
	if !ok {
		if string(got) != "x" {
			t.Fatalf("AppendValid(%q) refused but appended %q", s, got)
		}
		return
	}
	if !bytes.Equal(got[1:], want[1:len(want)-1]) {
		t.Fatalf("AppendValid(%q) = %s, want %s", s, got[1:], want[1:len(want)-1])
	}
}

// TestAppendMatchesEncoding: every byte value and the special runes, at
// every offset (the 8-byte scan and the byte loop meet everywhere).
func TestAppendMatchesEncoding(t *testing.T) {
	for _, s := range seeds {
		for i := 0; i <= len(s) && i < 16; i++ {
			check(t, strings.Repeat("a", i)+s)
		}
	}
}

// TestAppendValidComposes: the escapes of valid pieces, concatenated, are
// the escape of the whole (what writing a body piece by piece relies on).
func TestAppendValidComposes(t *testing.T) {
	for _, a := range seeds {
		for _, b := range seeds {
			composes(t, a, b)
		}
	}
}

func composes(t *testing.T, a, b string) {
	t.Helper()
	x, okA := AppendValid(nil, a)
	x, okB := AppendValid(x, b)
	if !okA || !okB {
		return
	}
	want := Append(nil, a+b)
	if !bytes.Equal(x, want[1:len(want)-1]) {
		t.Fatalf("pieces %q %q: %s, whole %s", a, b, x, want)
	}
}

// FuzzAppend:
//
//	go test ./internal/jsonstr -run '^$' -fuzz '^FuzzAppend$' -fuzztime 60s -parallel 1
func FuzzAppend(f *testing.F) {
	for _, s := range seeds {
		f.Add(s, "\u2028")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		check(t, a)
		check(t, b)
		composes(t, a, b)
	})
}

// The word scan of Append (eight bytes at a time) must send every word
// holding a byte Safe does not mark to the byte loop: every byte value at
// every position of a word of safe bytes, and random words of bytes near
// the class boundaries, each written as encoding/json writes it.
func TestWordScan(t *testing.T) {
	for _, fill := range []byte{'a', 0x20, 0x21, 0x7f, '=', '?', '[', ']', '%', '\'', '{'} {
		for b := 0; b < 256; b++ {
			for p := 0; p < 8; p++ {
				w := bytes.Repeat([]byte{fill}, 16)
				w[p] = byte(b)
				check(t, string(w))
				check(t, string(w[:8]))
			}
		}
	}
	near := []byte{0, 1, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x25, 0x26, 0x27, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x5b, 0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0x81, 0xfe, 0xff}
	r := rand.New(rand.NewSource(1))
	for n := 0; n < 100000; n++ {
		var w [8]byte
		for i := range w {
			if r.Intn(4) == 0 {
				w[i] = near[r.Intn(len(near))]
			} else {
				w[i] = byte(0x20 + r.Intn(0x60))
			}
		}
		check(t, string(w[:]))
	}
}
