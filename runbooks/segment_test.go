package runbooks

import (
	"fmt"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/jsonstr"
)

// segments returns the segment steps of ce's compiled body.
func segments(t *testing.T, ce *centry) []*segment {
	t.Helper()
	ce.prepare()
	if ce.fast == nil {
		t.Fatalf("entry %s: no fast path", ce.ID)
	}
	var out []*segment
	for _, s := range ce.fast.steps {
		if s.op == opSegment {
			out = append(out, s.seg)
		}
	}
	return out
}

func segCount(s *segment) int {
	if m := s.m.Load(); m != nil {
		return len(*m)
	}
	return 0
}

// The fallback's text after the message reads only the tool and code (and
// title, remediation, URL): one segment, rendered once per code, and the
// bodies stay text/template's for findings whose messages all differ.
func TestSegmentMemo(t *testing.T) {
	ce := newFallback()
	segs := segments(t, ce)
	if len(segs) == 0 {
		t.Fatal("the fallback body has no segment step")
	}
	codes := []string{"R1", "", "SC2086"}
	for i := 0; i < 30; i++ {
		f := translator.Finding{Tool: "lint", Code: codes[i%3], Message: fmt.Sprintf("message *%d* with `x%d`", i, i),
			Location: translator.Location{Path: fmt.Sprintf("a/b%d.sh", i), Line: i}}
		if i%5 == 0 {
			f.Title, f.URL, f.Remediation = "A title", "https://example.com/x?a=<b>", "do `this`"
		}
		slow, fast := renderBoth(ce, &f, nil)
		if slow.Body != fast.Body || slow.Error != fast.Error {
			t.Fatalf("finding %d: fast %q, text/template %q", i, fast.Body, slow.Body)
		}
		// JSON mode writes the cached text's JSON form: the same body.
		j := renderAs(ce, &f, nil, true)
		if got := j.BodyJSON(); got != mustJSON(t, slow.Body) {
			t.Fatalf("finding %d: JSON body %s, want %s", i, got, mustJSON(t, slow.Body))
		}
		j.ReleaseBody()
	}
	n := 0
	for _, s := range segs {
		n += segCount(s)
	}
	// three codes, two sets of title/URL/remediation: at most 6 values per
	// segment, and some were cached
	if n == 0 {
		t.Fatal("no segment text was cached")
	}
	for _, s := range segs {
		if c := segCount(s); c > 6 {
			t.Errorf("segment over %v holds %d texts, want at most 6", s.fields, c)
		}
	}
}

// Past maxSegmentValues distinct rule values a segment stops caching and
// runs its steps; the bodies stay the same.
func TestSegmentFull(t *testing.T) {
	ce := newFallback()
	segs := segments(t, ce)
	for i := 0; i < maxSegmentValues+20; i++ {
		f := translator.Finding{Tool: "lint", Code: fmt.Sprintf("C%d", i), Message: "m"}
		slow, fast := renderBoth(ce, &f, nil)
		if slow.Body != fast.Body {
			t.Fatalf("code %d: fast %q, text/template %q", i, fast.Body, slow.Body)
		}
	}
	coded := 0
	for _, s := range segs {
		if segCount(s) > maxSegmentValues {
			t.Errorf("segment over %v holds %d texts", s.fields, segCount(s))
		}
		for _, id := range s.fields {
			if id == fCode {
				coded++
				if !s.full.Load() {
					t.Errorf("segment over %v (the code among them) is not full after %d codes", s.fields, maxSegmentValues+20)
				}
			}
		}
	}
	if coded == 0 {
		t.Error("no segment of the fallback reads the code")
	}
}

// Which steps form segments: only runs that read rule fields and do more
// than write text.
func TestSegmentize(t *testing.T) {
	for _, c := range []struct {
		body string
		segs int
	}{
		{"{{code .Raw.Code}} from {{.Tool}}", 1},
		{"{{.Message}} {{code .Raw.Code}}", 1},
		{"{{code .Raw.Code}} {{.Message}} {{.Title}}", 2},
		{"{{with .Title}}**{{.}}**{{end}}", 1},
		{"plain text only", 0},
		{"{{.Message}}", 0},
		{"{{with .Path}}{{code .}}{{end}}", 0},
		{"{{ignoreexample .}}", 0},
		{"{{printf \"%s:%d\" .Raw.Code .Line}}", 0},
		{"{{range .Aliases}}{{.}}{{end}}", 0},
		{"{{if .Raw.Code}}{{.Extra.container}}{{end}}", 0},
		{"{{if .Raw.Code}}{{.}}{{end}}", 0},
		{"{{with .Raw.Code}}{{code .}}{{end}}", 1},
	} {
		ce := testEntry(t, c.body)
		if ce == nil {
			t.Fatalf("%q does not load", c.body)
		}
		if got := len(segments(t, ce)); got != c.segs {
			t.Errorf("%q: %d segments, want %d", c.body, got, c.segs)
		}
	}
}

func mustJSON(t *testing.T, s string) string {
	t.Helper()
	return string(jsonstr.Append(nil, s))
}
