package parsers

import (
	"errors"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// TestYAMLErrorsNameALine is the regression test for YAML errors that
// yaml.v3 reports without "line N" (on the first line, and reader errors):
// they used to become a ParseError with neither a line nor an offset.
func TestYAMLErrorsNameALine(t *testing.T) {
	cases := []struct {
		name, in string
		line     int
	}{
		{"unterminated quote on line 1", `"abc`, 1},
		{"truncated flow sequence on line 1", `[`, 1},
		{"invalid UTF-8 on line 3", "- a: 1\n- b: 2\n- c: \xff\n", 3},
		{"control character on line 2", "- a: 1\n- b: \x01\n", 2},
	}
	for _, format := range []string{"gator-yaml", "kyverno"} {
		for _, c := range cases {
			t.Run(format+"/"+c.name, func(t *testing.T) {
				p, err := New(format, Options{})
				if err != nil {
					t.Fatal(err)
				}
				err = p.Parse(strings.NewReader(c.in), func(*translator.Finding) error { return nil })
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("want a *ParseError, got %v", err)
				}
				if pe.Line != c.line {
					t.Errorf("line %d, want %d: %v", pe.Line, c.line, err)
				}
			})
		}
	}
}

// TestKyvernoLoneBOM is the regression test for a lone byte-order mark,
// which made the kyverno parser index an empty slice.
func TestKyvernoLoneBOM(t *testing.T) {
	for _, in := range []string{"\ufeff", "\ufeff \n", "\ufeff\r\n\t"} {
		p, err := New("kyverno", Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = p.Parse(strings.NewReader(in), func(*translator.Finding) error { return nil })
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: want a *ParseError, got %v", in, err)
		}
	}
}
