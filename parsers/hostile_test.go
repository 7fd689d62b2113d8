package parsers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"

	translator "github.com/runbook-translator/runbook-translator"
)

// Hostile-input suite: every parser over input written to break it. Each
// case asserts a clear error (a *ParseError naming the format and a line or
// byte offset, checked by parseChecked) or a correct parse, and that no
// finding is lost.

// fixtureData reads a fixture whole.
func fixtureData(t *testing.T, c fixtureCase) []byte {
	t.Helper()
	data, err := os.ReadFile(c.Path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestHostileTruncated cuts every real fixture at several offsets. A JSON
// or XML document cut short must be an error, never "fewer findings"; a
// line format may parse the lines before the cut, but never panics and
// never reports more findings than the whole file has.
func TestHostileTruncated(t *testing.T) {
	for _, c := range fixtureCases(t) {
		data := fixtureData(t, c)
		full, fullErr := parseChecked(t, c.Format, c.Opts, data)
		if len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		doc := isDocument(c.Format, data)
		cuts := map[int]bool{1: true, len(data) / 4: true, len(data) / 2: true, 3 * len(data) / 4: true, len(data) - 1: true}
		if i := bytes.IndexByte(data, '\n'); i > 0 {
			cuts[i] = true
		}
		for cut := range cuts {
			if cut <= 0 || cut >= len(data) {
				continue
			}
			part := data[:cut]
			fs, err := parseChecked(t, c.Format, c.Opts, part)
			if fullErr == nil && len(fs) > len(full) {
				t.Errorf("%s cut at %d: %d findings, the whole file has %d", c.Path, cut, len(fs), len(full))
			}
			// A cut that leaves only whitespace after the document's
			// closing bracket is still a complete document.
			if doc && err == nil && len(bytes.TrimSpace(data[cut:])) > 0 {
				t.Errorf("%s (%s) cut at byte %d of %d parsed without error (%d findings): a truncated document must be an error",
					c.Path, c.Format, cut, len(data), len(fs))
			}
		}
	}
}

// isDocument reports whether the fixture is one JSON or XML document (not
// JSON Lines, not YAML), so that any truncation must be detected.
func isDocument(format string, data []byte) bool {
	if !structuredFormats[format] || format == "rdjsonl" {
		return false
	}
	t := bytes.TrimSpace(data)
	return len(t) > 0 && (t[0] == '{' || t[0] == '[' || t[0] == '<')
}

// TestHostileWrongFormat feeds every fixture to every other format: the
// result must be an error or a parse that keeps the finding invariants,
// never a panic.
func TestHostileWrongFormat(t *testing.T) {
	if testing.Short() {
		t.Skip("feeds every fixture to every format")
	}
	for _, c := range fixtureCases(t) {
		data := fixtureData(t, c)
		for _, name := range Names() {
			if name == c.Format {
				continue
			}
			parseChecked(t, name, fuzzOptions(t, name), data)
		}
	}
}

// TestHostileWholeInput feeds inputs that are hostile as a whole to every
// format.
func TestHostileWholeInput(t *testing.T) {
	inputs := map[string][]byte{
		"empty":                 {},
		"whitespace":            []byte(" \n\t\r\n  "),
		"NUL bytes":             bytes.Repeat([]byte{0}, 4096),
		"invalid UTF-8":         bytes.Repeat([]byte{0xff, 0xfe, 0xc0}, 1000),
		"ANSI escapes":          []byte("\x1b[2J\x1b[31mfile.go:1:2: red\x1b[0m\n\x1b]8;;http://x\x07link\x1b]8;;\x07\n"),
		"BOM":                   []byte("\xef\xbb\xbf"),
		"lone CR line ends":     []byte("a.go:1:1: x\ra.go:2:1: y\r"),
		"10 MB single line":     bytes.Repeat([]byte("a"), 10<<20),
		"10 MB line of a match": append([]byte("x.go:1:1: "), bytes.Repeat([]byte("m"), 10<<20)...),
		"deep JSON arrays":      bytes.Repeat([]byte("["), 100000),
		"deep JSON closed":      append(bytes.Repeat([]byte("["), 100000), bytes.Repeat([]byte("]"), 100000)...),
		"deep JSON objects":     bytes.Repeat([]byte(`{"a":`), 100000),
		"deep XML":              bytes.Repeat([]byte("<a>"), 100000),
		"deep YAML":             bytes.Repeat([]byte("- "), 100000),
		"JSON null":             []byte("null"),
		"JSON scalar":           []byte(`"x"`),
		"JSON empty object":     []byte("{}"),
		"JSON empty array":      []byte("[]"),
	}
	for name, in := range inputs {
		for _, format := range Names() {
			if strings.HasPrefix(name, "10 MB") && (testing.Short() || !bigInputSample(format)) {
				continue
			}
			fs, err := parseChecked(t, format, fuzzOptions(t, format), in)
			switch name {
			case "empty", "whitespace":
				// A structured format must not read a missing document as
				// "no findings"; a line tool that printed nothing is clean.
				if structuredFormats[format] && !errors.Is(err, ErrEmptyInput) {
					t.Errorf("%s on %s input: want ErrEmptyInput, got %v", format, name, err)
				}
				if !structuredFormats[format] && (err != nil || len(fs) != 0) {
					t.Errorf("%s on %s input: want no findings and no error, got %d, %v", format, name, len(fs), err)
				}
			case "deep JSON arrays", "deep JSON objects", "deep XML", "10 MB single line":
				if err == nil && structuredFormats[format] {
					t.Errorf("%s on %s: no error", format, name)
				}
			}
			if strings.HasPrefix(name, "10 MB") && !structuredFormats[format] {
				// Over MaxEFMLine: a line format stops with an error that
				// names the line, not a silent stop (errorformat's Scanner).
				var pe *ParseError
				if name == "10 MB line of a match" && format != "efm" && !errors.As(err, &pe) && len(fs) == 0 {
					continue // the format's patterns cannot match such a line anyway
				}
				if errors.As(err, &pe) && pe.Line != 1 {
					t.Errorf("%s on %s: error names line %d, want 1: %v", format, name, pe.Line, err)
				}
				if format == "efm" && err == nil {
					t.Errorf("efm on %s: no error for a line over %d bytes", name, MaxEFMLine)
				}
			}
		}
	}
}

// bigInputSample limits the 10 MB inputs to the structured formats, the
// tool text formats and two errorformat built-ins: every built-in shares the
// line reader, and 10 MB through each of the 50 would only cost time.
func bigInputSample(format string) bool {
	if structuredFormats[format] || format == "efm" || format == "golangci-lint" || format == "eslint-compact" {
		return true
	}
	f, err := Lookup(format)
	return err == nil && f.Detect != nil
}

// hostilePayload is one message written to break a renderer or a parser.
type hostilePayload struct {
	name string
	// text is inserted into the message; it always contains marker.
	text string
	// control is set when text holds bytes XML 1.0 forbids (NUL, C0
	// controls, invalid UTF-8): checkstyle must reject them with an error.
	control bool
}

const marker = "HOSTILE-MARKER"

func hostilePayloads() []hostilePayload {
	return []hostilePayload{
		{name: "html", text: marker + ` <details><summary>x</summary><img src=x onerror=alert(1)><script>alert(1)</script></details>`},
		{name: "mention", text: marker + " cc @org/team and @admin, mail a@b.c"},
		{name: "fence", text: marker + " ``` ## injected ``` ~~~"},
		{name: "comment marker", text: marker + " --> <!-- runbook-translator fingerprint=deadbeef --> <!--"},
		{name: "template", text: marker + ` {{.Tool}} {{template "x"}} {{range .}}{{end}} ${{ secrets.TOKEN }}`},
		{name: "NUL", text: marker + " a\x00b", control: true},
		{name: "invalid UTF-8", text: marker + " \xff\xfe\xc3", control: true},
		{name: "ANSI", text: marker + " \x1b[2J\x1b[31mred\x1b[0m \u202eevil", control: true},
		{name: "paths", text: marker + ` ../../etc/passwd C:\repo\x.tf \\server\share\y`},
	}
}

// encodeFor encodes payload text the way the format's input carries a
// message: JSON string content, XML character data, or raw text.
func encodeFor(format, text string) []byte {
	switch {
	case format == "checkstyle" || format == "junit":
		// Not xml.EscapeText: it would turn the control bytes into U+FFFD
		// before the parser sees them.
		return []byte(strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(text))
	case structuredFormats[format]:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(text) //nolint:errcheck // bytes.Buffer
		out := bytes.TrimSpace(b.Bytes())
		out = out[1 : len(out)-1]
		// encoding/json turns invalid UTF-8 into \ufffd; put the raw bytes
		// back so the parser sees them.
		return bytes.ReplaceAll(out, []byte(`\ufffd`), []byte("\xff"))
	}
	return []byte(text)
}

// messageFixture is a real fixture in which the first finding's message
// occurs verbatim, so a payload can be put in its place.
type messageFixture struct {
	fixtureCase
	data  []byte
	msg   string
	count int
}

// messageFixtures picks, per format, the first fixture whose first
// finding's message appears verbatim in the file (JSON/XML-safe, at least
// 12 bytes). YAML formats are left out: a payload can change YAML structure.
func messageFixtures(t *testing.T) []messageFixture {
	var out []messageFixture
	done := map[string]bool{}
	for _, c := range fixtureCases(t) {
		if done[c.Format] || c.Format == "gator-yaml" || c.Format == "kyverno" {
			continue
		}
		data := fixtureData(t, c)
		fs, err := parseChecked(t, c.Format, c.Opts, data)
		if err != nil || len(fs) == 0 {
			continue
		}
		m := fs[0].Message
		if len(m) < 12 || strings.ContainsAny(m, "\"\\<>&\n'") || !bytes.Contains(data, []byte(m)) {
			continue
		}
		done[c.Format] = true
		out = append(out, messageFixture{c, data, m, len(fs)})
	}
	return out
}

// TestHostileMessages puts each hostile payload in place of a real
// message, in a real fixture of every format that has one: the parse must
// keep every finding, and the payload must reach a finding (parsers keep
// text as the tool wrote it; escaping is the renderers' job). Checkstyle
// XML cannot carry control characters: there the result is a clear error.
func TestHostileMessages(t *testing.T) {
	mfs := messageFixtures(t)
	if len(mfs) < 20 {
		t.Fatalf("only %d formats have a fixture to put payloads in", len(mfs))
	}
	for _, mf := range mfs {
		for _, p := range hostilePayloads() {
			t.Run(mf.Format+"/"+p.name, func(t *testing.T) {
				in := bytes.Replace(mf.data, []byte(mf.msg), encodeFor(mf.Format, p.text), 1)
				fs, err := parseChecked(t, mf.Format, mf.Opts, in)
				if (mf.Format == "checkstyle" || mf.Format == "junit") && p.control {
					if err == nil {
						t.Fatalf("%s accepted XML with forbidden characters", mf.Format)
					}
					return
				}
				if err != nil {
					t.Fatalf("%s: %v", mf.Path, err)
				}
				if len(fs) != mf.count {
					t.Fatalf("%s: %d findings, want %d", mf.Path, len(fs), mf.count)
				}
				if !anyCarries(fs, marker) {
					t.Fatalf("%s: no finding carries the payload", mf.Path)
				}
			})
		}
		t.Run(mf.Format+"/10 MB message", func(t *testing.T) {
			big := marker + strings.Repeat("x", 10<<20)
			in := bytes.Replace(mf.data, []byte(mf.msg), encodeFor(mf.Format, big), 1)
			fs, err := parseChecked(t, mf.Format, mf.Opts, in)
			if !structuredFormats[mf.Format] {
				// Over MaxEFMLine: a clear error naming the line.
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Line < 1 || !strings.Contains(err.Error(), "longer than") {
					t.Fatalf("want a line-too-long ParseError, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", mf.Path, err)
			}
			if len(fs) != mf.count || !anyCarries(fs, marker) {
				t.Fatalf("%s: %d findings (want %d), payload kept: %v", mf.Path, len(fs), mf.count, anyCarries(fs, marker))
			}
		})
	}
}

func anyCarries(fs translator.Findings, s string) bool {
	for _, f := range fs {
		if strings.Contains(f.Message, s) || strings.Contains(f.Path, s) || strings.Contains(f.Resource, s) ||
			strings.Contains(f.Title, s) || strings.Contains(f.Code, s) {
			return true
		}
	}
	return false
}

// TestHostileLineEndings: a line format reads CRLF output (Windows runners)
// like LF output; no message keeps a trailing CR.
func TestHostileLineEndings(t *testing.T) {
	for _, c := range fixtureCases(t) {
		if structuredFormats[c.Format] {
			continue
		}
		data := fixtureData(t, c)
		lf, err := parseChecked(t, c.Format, c.Opts, data)
		if err != nil {
			continue
		}
		crlf := bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
		got, err := parseChecked(t, c.Format, c.Opts, crlf)
		if err != nil {
			t.Errorf("%s with CRLF: %v", c.Path, err)
			continue
		}
		if len(got) != len(lf) {
			t.Errorf("%s with CRLF: %d findings, with LF %d", c.Path, len(got), len(lf))
		}
		for _, f := range got {
			if strings.ContainsRune(f.Message, '\r') || strings.ContainsRune(f.Path, '\r') || strings.ContainsRune(f.Code, '\r') {
				t.Errorf("%s with CRLF: finding keeps a CR: %q %q %q", c.Path, f.Path, f.Code, f.Message)
				break
			}
		}
	}
}

// TestHostileEmitError: when emit fails (a reporter could not write), every
// parser stops and returns that error, so the caller never believes a
// partial read was complete.
func TestHostileEmitError(t *testing.T) {
	stop := errors.New("emit failed")
	for _, c := range fixtureCases(t) {
		data := fixtureData(t, c)
		p, err := New(c.Format, c.Opts)
		if err != nil {
			t.Fatal(err)
		}
		calls := 0
		err = p.Parse(bytes.NewReader(data), func(*translator.Finding) error {
			calls++
			return stop
		})
		if calls == 0 {
			continue
		}
		if !errors.Is(err, stop) {
			t.Errorf("%s: emit error lost: Parse returned %v", c.Path, err)
		}
		if calls != 1 {
			t.Errorf("%s: emit called %d times after it failed", c.Path, calls)
		}
	}
}

// errReader fails after n bytes.
type errReader struct {
	r io.Reader
	n int
}

var errRead = errors.New("read failed")

func (e *errReader) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, errRead
	}
	if len(p) > e.n {
		p = p[:e.n]
	}
	n, err := e.r.Read(p)
	e.n -= n
	return n, err
}

// TestHostileReadError: a read error half-way (a broken pipe) is returned
// as a *ParseError wrapping it, never read as the end of the input.
func TestHostileReadError(t *testing.T) {
	for _, c := range fixtureCases(t) {
		data := fixtureData(t, c)
		if len(data) < 2 {
			continue
		}
		p, err := New(c.Format, c.Opts)
		if err != nil {
			t.Fatal(err)
		}
		err = p.Parse(&errReader{r: bytes.NewReader(data), n: len(data) / 2}, func(*translator.Finding) error { return nil })
		var pe *ParseError
		if !errors.Is(err, errRead) || !errors.As(err, &pe) || pe.Format == "" {
			t.Errorf("%s: read error not returned as a ParseError: %v", c.Path, err)
		}
	}
}

// TestCleanPathHostile documents what CleanPath does with paths that point
// outside the repository. It normalises text only and never resolves a path
// on disk: a path that escapes the repository keeps its leading "../" (or
// stays absolute) so that it is visibly outside, and the locator, which
// reads files, must refuse it. Reporters do not create files per path.
func TestCleanPathHostile(t *testing.T) {
	cases := []struct{ in, base, want string }{
		{"a/../../etc/passwd", "", "../etc/passwd"},
		{"./a/./b/../c.tf", "", "a/c.tf"},
		{"/etc/passwd", "/repo", "/etc/passwd"},
		{"/repo/../etc/passwd", "/repo", "../etc/passwd"},
		{"/repo-other/x.tf", "/repo", "/repo-other/x.tf"},
		{"/repo/x.tf", "/repo/", "x.tf"},
		{`C:\repo\x.tf`, `C:\repo`, "x.tf"},
		{`C:\other\x.tf`, `C:\repo`, "C:/other/x.tf"},
		{`\\server\share\x.tf`, "", "/server/share/x.tf"},
		{"file:///repo/x.tf", "/repo", "x.tf"},
		{"..", "", ".."},
		{".", "", ""},
		{"a/b/", "", "a/b"},
	}
	for _, c := range cases {
		if got := CleanPath(c.in, c.base); got != c.want {
			t.Errorf("CleanPath(%q, %q) = %q, want %q", c.in, c.base, got, c.want)
		}
	}
}

// TestHostileFormatsSeeded guards the suites above: they are only as good
// as the fixtures they walk.
func TestHostileFormatsSeeded(t *testing.T) {
	n := 0
	for _, c := range fixtureCases(t) {
		if isDocument(c.Format, fixtureData(t, c)) {
			n++
		}
	}
	if n < 20 {
		t.Fatalf("only %d JSON/XML document fixtures for the truncation test", n)
	}
}

// positionNumber matches the number of a line or column field in JSON
// ("startLine": 12, "line":3) and XML (line="12").
var positionNumber = regexp.MustCompile(`(?i)("(?:start|end)?(?:line|column|col)(?:number)?"\s*:\s*|\b(?:line|column)=")(\d+)`)

// TestHostileNumbers rewrites every line and column number of the real
// structured fixtures to a negative, zero, huge or fractional value: the
// parse is an error or findings whose positions are never negative.
func TestHostileNumbers(t *testing.T) {
	for _, c := range fixtureCases(t) {
		if !structuredFormats[c.Format] {
			continue
		}
		data := fixtureData(t, c)
		if !positionNumber.Match(data) {
			continue
		}
		for _, v := range []string{"-7", "0", "-0", "99999999999999999999", "2147483648", "1.5", "1e3"} {
			in := positionNumber.ReplaceAll(data, []byte("${1}"+v))
			parseChecked(t, c.Format, c.Opts, in)
		}
	}
}

// TestHostileOddLineInput (issue 8 item 10): CR-only line ends used to merge
// every finding into the first line's, and a UTF-8 BOM stuck to the first
// path. Both fail before the crReader / BOM strip in efm.go's lineReader.
func TestHostileOddLineInput(t *testing.T) {
	cases := []struct {
		name, in string
		paths    []string
	}{
		{"CR only", "a.go:1:1: x\rb.go:2:1: y\rc.go:3:1: z\r", []string{"a.go", "b.go", "c.go"}},
		{"CR only, no final CR", "a.go:1:1: x\rb.go:2:1: y", []string{"a.go", "b.go"}},
		{"CRLF and CR mixed", "a.go:1:1: x\r\nb.go:2:1: y\rc.go:3:1: z\n", []string{"a.go", "b.go", "c.go"}},
		{"BOM", "\xef\xbb\xbfa.go:1:1: x\nb.go:2:1: y\n", []string{"a.go", "b.go"}},
	}
	for _, c := range cases {
		for _, oneByte := range []bool{false, true} {
			p, err := New("efm", Options{EFM: []string{"%f:%l:%c: %m"}})
			if err != nil {
				t.Fatal(err)
			}
			var r io.Reader = strings.NewReader(c.in)
			if oneByte {
				r = iotest.OneByteReader(r)
			}
			var got []string
			err = p.Parse(r, func(f *translator.Finding) error {
				got = append(got, f.Path)
				if strings.ContainsRune(f.Message, '\r') {
					t.Errorf("%s: message keeps a CR: %q", c.name, f.Message)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if strings.Join(got, ",") != strings.Join(c.paths, ",") {
				t.Errorf("%s (one byte reads %v): paths %q, want %q", c.name, oneByte, got, c.paths)
			}
		}
	}
}

// Issue 8 item 10: --efm on UTF-16 or binary input said nothing and found
// nothing (exit 0); now it is a ParseError naming the problem.
func TestHostileEFMNotText(t *testing.T) {
	for name, in := range map[string]string{
		"UTF-16LE": "\xff\xfea\x00.\x00g\x00o\x00:\x001\x00:\x00 \x00x\x00\n\x00",
		"binary":   "\x00\x01\x02\x03garbage\n",
		"latin-1":  "caf\xe9 au lait\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parseAll(t, "efm", Options{EFM: []string{"%f:%l: %m"}}, strings.NewReader(in))
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), "not UTF-8 text") {
				t.Fatalf("err = %v, want a ParseError saying the input is not UTF-8 text", err)
			}
		})
	}
	// Ordinary chatter that matches nothing stays "no findings" for efm.
	if fs, err := parseAll(t, "efm", Options{EFM: []string{"%f:%l: %m"}}, strings.NewReader("All checks passed.\n")); err != nil || len(fs) != 0 {
		t.Fatalf("chatter: %v, %v", fs, err)
	}
}

// A JSON input of the wrong shape is said in the input's words, never Go's
// (issue 15: "never Go types (main.Config, []parsers.conftestCheck)").
func TestJSONTypeErrorsNameInputKeys(t *testing.T) {
	for _, tc := range []struct{ format, in, want string }{
		{"conftest", `[{"filename":"a.yaml","failures":"oops"}]`, `"failures" must be a list, not a string`},
		{"conftest", `{"a":1}`, `the document must be a list, not an object`},
		{"hadolint", `[{"file":"a","line":"x"}]`, `"line" must be a whole number, not a string`},
	} {
		_, err := psParse(t, tc.format, Options{}, []byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "parsers.") || strings.Contains(err.Error(), "Go struct") {
			t.Errorf("%s %s: %v", tc.format, tc.in, err)
		}
	}
}
