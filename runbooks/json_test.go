package runbooks

import (
	"strings"
	"testing"
	"unicode/utf8"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/jsonstr"
)

// jsonVariants adds to hostileVariants what only the JSON form can get
// wrong: invalid UTF-8 in raw values (escaping is not compositional
// there), U+2028, JSON and HTML specials, a backslash before a trailing
// newline, and a message long enough to pass the body cap.
func jsonVariants(f translator.Finding) []translator.Finding {
	out := hostileVariants(f)
	for _, mut := range []func(*translator.Finding){
		func(f *translator.Finding) { f.Message = "bad \xe2\x80 utf8 \xff and split \xe2" },
		func(f *translator.Finding) { f.Path = "\x80x/\xe2\x80\xa8.yaml"; f.Code = "\xe2\x80" },
		func(f *translator.Finding) { f.Message = "q\"uo\\te </script> & \u2028\u2029 \x00\x1f" },
		func(f *translator.Finding) { f.Message = "ends in a backslash\\"; f.Resource = "r\\" },
		func(f *translator.Finding) { f.Message = strings.Repeat("long message ", 3000) },
		func(f *translator.Finding) { f.Message = strings.Repeat("é\u2028", 9000) },
		// The ignore example's YAML: words YAML reads as another type (quoted),
		// values that are not plainYAML, a value alone.
		func(f *translator.Finding) { f.Tool, f.Code, f.Path, f.Resource = "n", "On", "yes", "null" },
		func(f *translator.Finding) { f.Code, f.Path, f.Resource = "1abc", "a b/c.yaml", `x"y<z>\` },
		func(f *translator.Finding) { f.Tool, f.Code, f.Resource = "", "", "" },
	} {
		g := f
		mut(&g)
		out = append(out, g)
	}
	return out
}

// checkJSONBody requires the JSON form of ce's body for f to be what
// jsonstr.Append writes for the body render gives.
func checkJSONBody(t *testing.T, name string, ce *centry, f *translator.Finding, caps map[string]string) {
	t.Helper()
	plain := render(ce, f, caps)
	js := renderAs(ce, f, caps, true)
	want := string(jsonstr.Append(nil, plain.Body))
	// The parts the JSON reporter writes (literals by reference), before
	// BodyJSON joins them.
	var parts []byte
	n := 0
	js.BodyJSONParts(func(s string) { parts = append(parts, s...); n++ })
	if n > 1 {
		jsonBodiesInParts++
	}
	if string(parts) != want {
		t.Fatalf("%s (%s %s %s:%d): JSON body in %d parts\n%s\nwant\n%s", name, f.Tool, f.Code, f.Path, f.Line, n, parts, want)
	}
	if js.Body != "" || js.BodyJSON() != want || js.Error != plain.Error {
		t.Fatalf("%s (%s %s %s:%d): JSON body\n%s\nwant\n%s\nerrors %q / %q", name, f.Tool, f.Code, f.Path, f.Line,
			js.BodyJSON(), want, js.Error, plain.Error)
	}
	// Rendered decodes the JSON form: what every JSON reader gets (invalid
	// UTF-8 is U+FFFD there).
	if body, errText := js.Rendered(); utf8.ValidString(plain.Body) && body != plain.Body || errText != plain.Error {
		t.Fatalf("%s: Rendered of the JSON form %q, want %q", name, body, plain.Body)
	}
}

// jsonBodiesInParts counts the bodies checkJSONBody saw in more than one
// part.
var jsonBodiesInParts int

// TestJSONBodiesMatchRender: every built-in entry and the fallback, over
// the real fixtures and hostile variants, fast path and text/template,
// memo off and on (a memo hit must give the JSON form too).
func TestJSONBodiesMatchRender(t *testing.T) {
	entries := builtinEntries(t)
	golden := goldenFindings(t)
	var fs []translator.Finding
	for i := 0; i < len(golden); i += 1 + len(golden)/120 {
		fs = append(fs, jsonVariants(golden[i])...)
	}
	caps := map[string]string{"kind": "Deploy*ment*", "name": "@x\xff"}
	defer func(m bool) { memoEnabled, fastEnabled = m, true }(memoEnabled)
	for _, mode := range []struct {
		name       string
		memo, fast bool
		every      int // text/template is slow: a sample
	}{{"fast", false, true, 1}, {"text/template", false, false, 7}, {"fast+memo", true, true, 1}} {
		memoEnabled, fastEnabled = mode.memo, mode.fast
		for _, ce := range entries {
			for i := 0; i < len(fs); i += mode.every {
				checkJSONBody(t, mode.name+" "+ce.ID, ce, &fs[i], caps)
			}
		}
	}
	t.Logf("%d entries, %d findings each, %d bodies in parts", len(entries), len(fs), jsonBodiesInParts)
	if jsonBodiesInParts == 0 {
		t.Fatal("no body was written with its literals by reference")
	}
}

// jsonBodies are bodies whose JSON form takes every path of the writer:
// trailing blank lines, literal text that is not valid UTF-8, the cap.
var jsonBodies = []string{
	"x\n\n\n", "\n\n", "\n", "", "a\\\n\n", "{{.Message}}\n\n{{if .Line}}\n\n{{end}}", "{{.Raw.Message}}\n\n",
	"{{codeblock .Raw.Message}}\n\n", "lit \xff\xfe {{.Message}}", "{{.Raw.Message}}{{.Raw.Code}}\u2028",
	"{{range .Raw.Aliases}}{{.}}{{end}}\n\n\n", "{{ignoreexample .}}\n\n", strings.Repeat("0123456789abcdef", 2100) + "{{.Message}}",
	strings.Repeat("\"<&>\\", 7000), strings.Repeat("{{.Raw.Message}}", 50), "{{printf \"%s\" .Raw.Message}}\n\n", "{{.}}\n\n",
	// Literals long enough to go by reference (minRefLit): between fields
	// that turn the writer plain (invalid UTF-8 in .Raw.Message), ending
	// in newlines renderAs trims, twice in a row, before text/template's
	// own execution ({{.}}).
	longLit + "{{.Raw.Message}}" + longLit + "\n\n\n", "{{.Message}}" + longLit + "\n\n\n\n", longLit + "{{if .Line}}" + longLit + "{{end}}\n\n",
	longLit + "{{ignoreexample .}}\n\n" + longLit, longLit + "{{.}}" + longLit, "\"<" + longLit + ">\"\n\n",
}

// longLit is a literal of a body written by reference in JSON mode.
var longLit = strings.Repeat("a literal \"long\" <enough> ", 12)

func TestJSONBodies(t *testing.T) {
	golden := goldenFindings(t)
	var fs []translator.Finding
	for i := 0; i < len(golden); i += 1 + len(golden)/10 {
		fs = append(fs, jsonVariants(golden[i])...)
	}
	for _, body := range append(append([]string{}, fastBodies...), jsonBodies...) {
		ce := testEntry(t, body)
		if ce == nil {
			t.Fatalf("%q does not load", body)
		}
		inParts := jsonBodiesInParts
		for i := range fs {
			checkJSONBody(t, body[:min(len(body), 40)], ce, &fs[i], map[string]string{"kind": "K_1\xe2"})
		}
		if strings.HasPrefix(body, longLit) && !strings.Contains(body, "{{.}}") && jsonBodiesInParts == inParts {
			t.Fatalf("%.60q: no body in parts", body)
		}
	}
}

func FuzzJSONBodies(f *testing.F) {
	for _, b := range append(append([]string{}, fastBodies...), jsonBodies...) {
		if len(b) < 2000 {
			f.Add(b, "msg *x* <y>\xe2\x80", "a/b_c.yaml", "CKV_K8S_16", "v@1\\", 3)
		}
	}
	f.Fuzz(func(t *testing.T, body, msg, path, code, extra string, line int) {
		if len(body) > 2000 {
			return
		}
		ce := testEntry(t, body)
		if ce == nil {
			return
		}
		fd := translator.Finding{Tool: "trivy", Code: code, Message: msg,
			Location: translator.Location{Path: path, Line: line}, Resource: extra, Extra: map[string]string{"container": extra, "b": msg},
			Aliases: []string{msg, code}}
		checkJSONBody(t, body, ce, &fd, nil)
	})
}

// TestLimitWriterToPlain: a body written in JSON mode, turned plain half
// way, decodes to exactly what was written.
func TestLimitWriterToPlain(t *testing.T) {
	pieces := []string{"plain", "\"q\"", "\\", "\n\t\r\b\f", "\x00\x01\x1f", "<&>", "é日本", "\u2028\u2029", "\ufffd", "\U0001F600"}
	for cut := range pieces {
		w := &limitWriter{max: MaxBodyBytes + 1, wantJSON: true}
		w.reset()
		var want strings.Builder
		for i, p := range pieces {
			if i == cut {
				w.toPlain()
			}
			if err := w.writeString(p); err != nil {
				t.Fatal(err)
			}
			want.WriteString(p)
		}
		if w.json || w.buf.String() != want.String() {
			t.Fatalf("cut %d: plain %q (json %v), want %q", cut, w.buf.String(), w.json, want.String())
		}
	}
}

// TestLimitWriterTrimEnd: trimming a JSON-mode body's trailing bytes
// (renderAs drops all but one trailing newline) works across the literals
// written by reference as on the joined body: every cut of a body into
// copied and referenced pieces, every length trimmed.
func TestLimitWriterTrimEnd(t *testing.T) {
	const body = `"a\n\nb\n\n\n`
	for mask := 0; mask < 1<<(len(body)-1); mask++ {
		// Bit i set: a piece ends after body[i]; pieces alternate between
		// copied and referenced, starting with either.
		for first := 0; first < 2; first++ {
			for n := 0; n <= len(body); n++ {
				w := &limitWriter{}
				start, ref := 0, first == 1
				for i := 0; i < len(body); i++ {
					if i < len(body)-1 && mask&(1<<i) == 0 {
						continue
					}
					if piece := body[start : i+1]; ref {
						w.refs = append(w.refs, translator.BodyRef{At: len(w.enc), S: piece})
					} else {
						w.enc = append(w.enc, piece...)
					}
					start, ref = i+1, !ref
				}
				w.trimEnd(n)
				var got []byte
				(&translator.BodyBuf{Enc: w.enc, Refs: w.refs}).Parts(func(s string) { got = append(got, s...) })
				if want := body[:len(body)-n]; string(got) != want {
					t.Fatalf("pieces %b (first referenced %v), trim %d: %q, want %q", mask, first == 1, n, got, want)
				}
			}
		}
	}
}
