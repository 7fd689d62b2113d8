package parsers

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	translator "github.com/runbook-translator/runbook-translator"
)

// TestBOMEveryFormat: every real fixture with a UTF-8 byte order mark in
// front parses to the same findings as without (issue 11: every JSON parser
// failed on one although detection strips it).
func TestBOMEveryFormat(t *testing.T) {
	for _, c := range fixtureCases(t) {
		data := fixtureData(t, c)
		want, wantErr := parseChecked(t, c.Format, c.Opts, data)
		got, err := parseChecked(t, c.Format, c.Opts, append([]byte("\xef\xbb\xbf"), data...))
		if (err == nil) != (wantErr == nil) {
			t.Errorf("%s (%s) with a BOM: error %v, without %v", c.Path, c.Format, err, wantErr)
			continue
		}
		if len(got) != len(want) {
			t.Errorf("%s (%s) with a BOM: %d findings, without %d", c.Path, c.Format, len(got), len(want))
			continue
		}
		for i := range got {
			if got[i].Path != want[i].Path || got[i].Message != want[i].Message {
				t.Errorf("%s (%s) with a BOM: finding %d is %s %q, without %s %q", c.Path, c.Format, i, got[i].Path, got[i].Message, want[i].Path, want[i].Message)
				break
			}
		}
	}
}

// TestDuplicateKeyEveryJSONFixture: a key written twice in any object of any
// JSON fixture is an error naming the key and the byte offset of its second
// occurrence (issue 8, item 10: encoding/json keeps the last value silently).
func TestDuplicateKeyEveryJSONFixture(t *testing.T) {
	n := 0
	for _, c := range fixtureCases(t) {
		data := fixtureData(t, c)
		i := bytes.IndexByte(data, '{')
		if t := bytes.TrimSpace(data); i < 0 || !structuredFormats[c.Format] || len(t) == 0 || t[0] != '{' && t[0] != '[' {
			continue // not JSON
		}
		ins := `"dupkey":1,"dupkey":[2],`
		in := append(append(append([]byte{}, data[:i+1]...), ins...), data[i+1:]...)
		wantOff := int64(i + 1 + strings.LastIndex(ins, `"dupkey"`))
		_, err := parseChecked(t, c.Format, c.Opts, in)
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), `duplicate JSON key "dupkey"`) || pe.Offset != wantOff {
			t.Errorf("%s (%s): want a duplicate-key error at byte %d, got %v", c.Path, c.Format, wantOff, err)
		}
		n++
	}
	if n < 20 {
		t.Errorf("only %d JSON fixtures were checked", n)
	}
}

func TestDuplicateKeyCases(t *testing.T) {
	cases := []struct {
		name, format, in string
		key              string // "" = no error from the guard
		off              int64
		line             int
	}{
		{"sarif runs twice", "sarif", `{"version":"2.1.0","runs":[],` + "\n" + `"runs":[]}`, "runs", -1, 2},
		{"conftest failures twice", "conftest", `[{"filename":"a.yaml","namespace":"main","successes":0,"failures":[{"msg":"x"}],"failures":[]}]`, "failures", -1, 1},
		{"escaped key", "sarif", `{"runs":[],"\u0072uns":[]}`, "runs", 11, 1},
		{"nested object", "sarif", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"a","name":"b"}}}]}`, "name", -1, 1},
		{"same key in sibling objects is fine", "sarif", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"a"}}},{"tool":{"driver":{"name":"b"}}}]}`, "", 0, 0},
		{"key in a string is not a key", "sarif", `{"version":"2.1.0","runs":[],"x":"\"runs\":1"}`, "", 0, 0},
		{"many keys go to the map", "sarif", `{"a0":0,"a1":1,"a2":2,"a3":3,"a4":4,"a5":5,"a6":6,"a7":7,"a8":8,"a9":9,"b0":0,"b1":1,"b2":2,"b3":3,"b4":4,"b5":5,"b6":6,"b7":7,"a3":3}`, "a3", -1, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// One byte at a time too: the scanner keeps its state across reads.
			for _, oneByte := range []bool{false, true} {
				p, err := New(c.format, Options{File: "in.json"})
				if err != nil {
					t.Fatal(err)
				}
				var rd io.Reader = strings.NewReader(c.in)
				if oneByte {
					rd = iotest.OneByteReader(rd)
				}
				err = p.Parse(rd, func(*translator.Finding) error { return nil })
				if c.key == "" {
					if err != nil && strings.Contains(err.Error(), "duplicate JSON key") {
						t.Fatalf("false duplicate: %v", err)
					}
					continue
				}
				if c.off < 0 {
					c.off = int64(strings.LastIndex(c.in, `"`+c.key+`"`))
				}
				var pe *ParseError
				if !errors.As(err, &pe) || !strings.Contains(err.Error(), `duplicate JSON key "`+c.key+`"`) {
					t.Fatalf("want duplicate %q, got %v", c.key, err)
				}
				if pe.Offset != c.off || pe.Line != c.line || pe.File != "in.json" || pe.Format != c.format {
					t.Errorf("error at %s/%s line %d byte %d, want line %d byte %d: %v", pe.Format, pe.File, pe.Line, pe.Offset, c.line, c.off, err)
				}
			}
		})
	}
}
