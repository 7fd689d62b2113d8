package reporters

import (
	"fmt"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// TestTextFastPaths: each fast path returns what the general function does.
func TestTextFastPaths(t *testing.T) {
	inputs := []string{"", " ", "plain text", "two  spaces", " lead", "trail ", "tab\there", "nl\nx", "\r", "\v\f",
		"é", "\u00a0nbsp", "x\u0085y", "\x1b[31mred\x1b[0m", "\x7f", "\x00", "\xff", "\u202eevil", hostile, "a b c"}
	for _, f := range goldenFindings(t) {
		inputs = append(inputs, f.Message, f.Path, f.Resource, f.Tool+" "+f.Code)
		if f.Runbook != nil {
			inputs = append(inputs, f.Runbook.Title)
		}
	}
	for _, s := range inputs {
		if got, want := terminalFast(s), terminal(s); got != want {
			t.Errorf("terminalFast(%q) = %q, want %q", s, got, want)
		}
		if got, want := oneLineFast(s), oneLine(s); got != want {
			t.Errorf("oneLineFast(%q) = %q, want %q", s, got, want)
		}
		for _, lc := range [][2]int{{0, 0}, {-1, 3}, {7, 0}, {7, -2}, {12, 9}} {
			f := &translator.Finding{Location: translator.Location{Path: s, Line: lc[0], Column: lc[1]}}
			for _, l := range []string{"", "ja"} {
				if got, want := string(appendLocation(nil, l, s, lc[0], lc[1])), location(l, f); got != want {
					t.Errorf("appendLocation(%q, %q, %v) = %q, want %q", l, s, lc, got, want)
				}
			}
		}
	}
	for _, sev := range []string{"error", "warning", "info", "Severity(12)", ""} {
		if got, want := padSeverity(sev), fmt.Sprintf("%-8s", sev); got != want {
			t.Errorf("padSeverity(%q) = %q, want %q", sev, got, want)
		}
	}
}

// TestPlainASCII checks the word-at-a-time scan against the byte loop for
// every byte at every position of a word, and at the tail.
func TestPlainASCII(t *testing.T) {
	slow := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if c := s[i]; (c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f {
				return false
			}
		}
		return true
	}
	for c := 0; c < 256; c++ {
		for n := 1; n <= 19; n++ {
			for at := 0; at < n; at++ {
				b := []byte("abcdefghijklmnopqrs"[:n])
				b[at] = byte(c)
				if got, want := plainASCII(string(b)), slow(string(b)); got != want {
					t.Fatalf("plainASCII(%q) = %v, want %v", b, got, want)
				}
			}
		}
	}
}
