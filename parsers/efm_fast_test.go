package parsers

import (
	"bufio"
	"bytes"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/reviewdog/errorformat"
	"github.com/reviewdog/errorformat/fmts"
)

// commonEFM are the shapes fastEFM exists for, as people write them.
var commonEFM = []string{
	`%f:%l:%c: %m`,
	`%f:%l: %m`,
	`%f:%l:%c: %t%*[^:]: %m`,
	`%f:%l:%c:%m`,
	`%f:%l:%c %m`,
	`%E%f:%l:%c: %m`,
	`%W%f:%l: %m`,
	`%-G%f:%l: skipped`,
	`%f(%l,%c): %m`,
	`%f|%l col %c| %m`,
	`%f:%l:%c: %trror: %m`,
	`%f - %*[^ ] %*[^ ] is invalid: %m`,
	`%f:%l:%c-%k: %m`,
	`%f:%l %n %m`,
	`%f:%l:%c: [%t%*[^]]] %r`,
	`%f`,
	`%f:%l`,
	`%f%l:%m`,
	`%f 100%% %m`,
	`%f %m`,
	`%f: %m`,
	`%f:%l %*[A-Z]%n %m`,
	`%f: %*[a-z]: %m`,
	`%f:%l:%c: %*[a-zA-Z0-9]: %m`,
	`%f %*[0-9]x%m`,
}

// efmPatternsUnderTest are every pattern our formats and errorformat's
// built-in formats use, plus commonEFM.
func efmPatternsUnderTest() []string {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, p := range commonEFM {
		add(p)
	}
	for _, o := range ownTextFormats {
		for _, p := range o.tf.patterns {
			add(p)
		}
	}
	defs := fmts.DefinedFmts()
	names := make([]string, 0, len(defs))
	for n := range defs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, p := range defs[n].Errorformat {
			add(p)
		}
	}
	return out
}

// fixtureLines returns every distinct line of every file under testdata/
// (real tool output: text fixtures, and JSON/YAML ones as hostile text).
func fixtureLines(t testing.TB) []string {
	t.Helper()
	seen := map[string]bool{}
	var lines []string
	err := filepath.WalkDir(filepath.Join("..", "testdata"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		lr := newLineReader(f)
		for {
			line, err := lr.readLine()
			if err != nil {
				break
			}
			if !seen[line] {
				seen[line] = true
				lines = append(lines, line)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return lines
}

// edgeLines are generated lines around what the matcher must decide: colons
// in paths, drive letters, escaped spaces, missing or non-numeric numbers,
// trailing spaces, empty messages, invalid UTF-8, newlines.
func edgeLines() []string {
	paths := []string{"a.go", "dir/sub/file.sh", `C:\src\main.go`, "c:/src/main.go", "C:", "C", "a:b:c.go",
		`dir\ with\ space/f.go`, "dir with space/f.go", " lead.go", `back\`, `\ x`, "é/ü.go", "\xff\xfe.go", "1:2", "", "Z:1"}
	nums := []string{"12", "0", "007", "x", "", "1a", "99999999999999999999999", "-3", " 4"}
	msgs := []string{"msg", "", " ", "  two leading", "trailing  ", "error: bad thing", "warning: a: b",
		"note: x [SC2086]", "has\nnewline", "tab\there", "\xff", "é", ":", ": ", "1:2: m"}
	var out []string
	for _, p := range paths {
		for _, l := range nums {
			for _, m := range msgs {
				out = append(out, p+":"+l+": "+m, p+":"+l+":"+l+": "+m, p+":"+l+":3: "+m, p+":"+l+":3:"+m)
			}
		}
	}
	// hadolint's tty shape (%f:%l %*[A-Z]%n %m) around its code.
	for _, p := range paths {
		for _, l := range nums[:5] {
			for _, code := range []string{"DL3008", "SC2086", "dl3008", "DL", "3008", "DLx1", "ÉL1", "D L1", "DL3008x", "A1"} {
				for _, m := range msgs[:7] {
					out = append(out, p+":"+l+" "+code+" "+m)
				}
			}
		}
	}
	// Random concatenations of the tokens the patterns care about.
	toks := []string{"a", "C", "c", ":", ": ", " ", `\`, `\ `, "1", "23", "0", "x", "error", "warning", "note",
		"Error", "\t", "\n", "\xff", "é", "-", " - ", "[", "]", "(", ")", "|", ",", "%", "/", ".", "DL3008"}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := 1 + r.Intn(14); n > 0; n-- {
			b.WriteString(toks[r.Intn(len(toks))])
		}
		out = append(out, b.String())
	}
	return out
}

func checkFastEFM(t testing.TB, pattern string, fe *fastEFM, efm *errorformat.Efm, line string) {
	t.Helper()
	want := efm.Match(line)
	var got errorformat.Match
	ok := fe.match(line, &got)
	if (want != nil) != ok {
		t.Fatalf("pattern %q, line %q: errorformat matched=%v, fast matched=%v (%+v)", pattern, line, want != nil, ok, got)
	}
	if ok && !reflect.DeepEqual(*want, got) {
		t.Fatalf("pattern %q, line %q:\nerrorformat %+v\nfast        %+v", pattern, line, *want, got)
	}
	if strings.IndexByte(line, '\n') < 0 {
		// What the parsers call, for a line from readLine.
		var gotLine errorformat.Match
		if okLine := fe.matchLine(line, &gotLine); okLine != ok || gotLine != got {
			t.Fatalf("pattern %q, line %q: matchLine %v %+v, match %v %+v", pattern, line, okLine, gotLine, ok, got)
		}
	}
}

// TestFastEFMMatchesErrorformat runs the fast matcher and errorformat's
// regexp over every real line in testdata/ and the generated edge cases,
// for every pattern it accepts, and requires the same Match.
func TestFastEFMMatchesErrorformat(t *testing.T) {
	lines := append(fixtureLines(t), edgeLines()...)
	fast := 0
	for _, p := range efmPatternsUnderTest() {
		fe := newFastEFM(p)
		if fe == nil {
			continue
		}
		fast++
		efm, err := errorformat.NewEfm(p)
		if err != nil {
			t.Fatalf("fast matcher accepted %q, errorformat rejects it: %v", p, err)
		}
		matched := 0
		for _, line := range lines {
			checkFastEFM(t, p, fe, efm, line)
			if efm.Match(line) != nil {
				matched++
			}
		}
		t.Logf("%-40q %d of %d lines match", p, matched, len(lines))
	}
	t.Logf("%d lines, %d patterns on the fast path", len(lines), fast)
	for _, p := range commonEFM[:11] {
		if newFastEFM(p) == nil {
			t.Errorf("common pattern %q is not on the fast path", p)
		}
	}
}

// TestFastEFMRejects lists shapes that must stay with errorformat: their
// regexp is not determined by a left-to-right scan, or errorformat copies
// something into it with a regexp meaning.
func TestFastEFMRejects(t *testing.T) {
	for _, p := range []string{
		`%m`, `%l:%f: %m`, `%f:%m:%l`, `%f:%l%c: %m`, `%f:%l%m`, `%f:%l:%c:%p^`, `%f %s`,
		`%f:%l:%c: %*[^:]%m`, `%f:%l:%c: %*\d: %m`, `%f:%l: %.%#`, `%f\:%l: %m`, `%f:%l? %m`,
		`%f:%l:%c: %m %r`, `%f:%l:%l: %m`, `%f:é %m`, `%f:%l: %m%`,
		// a class run followed by what may start with one of its bytes,
		// or a set with other than letters, digits and their ranges
		`%f: %*[a-z]%m`, `%f: %*[a-z]x %m`, `%f: %*[A-Z]%t %m`, `%f: %*[0-9]%l %m`, `%f: %*[a-\]]: %m`,
		`%f: %*[z-a]: %m`, `%f: %*[a-Z]: %m`, `%f: %*[A-Z-]: %m`, `%f: %*[]: %m`, `%f: %*[.]: %m`, `%f: %*[A-Z`,
	} {
		if newFastEFM(p) != nil {
			t.Errorf("newFastEFM(%q) accepted a shape it cannot match exactly", p)
		}
	}
}

// FuzzFastEFM compares the fast matcher with errorformat for any pattern it
// accepts and any line:
//
//	go test ./parsers -run '^$' -fuzz '^FuzzFastEFM$' -fuzztime 60s -parallel 1
func FuzzFastEFM(f *testing.F) {
	f.Add(`%f:%l:%c: %m`, `C:\a b\c.go:1:2: msg`)
	f.Add(`%f:%l: %m`, "a:b:1:2: m")
	f.Add(`%f:%l:%c: %t%*[^:]: %m`, "x.sh:3:4: warning: y: z")
	f.Add(`%f:%l %*[A-Z]%n %m`, "Dockerfile:3 DL3008 warning: Pin versions")
	f.Add(`%f: %*[a-c0-3]: %m`, "f: ab12: m")
	for _, p := range commonEFM {
		for _, l := range []string{"a.go:1:2: m", `C:\x.go:10:3: error: e`, `d\ e:1: \xff`, "C::1:2: ", "f - Pod x is invalid: y"} {
			f.Add(p, l)
		}
	}
	if sc, err := os.Open(filepath.Join("..", "testdata", "shellcheck-gcc", "all-scripts.gcc")); err == nil {
		s := bufio.NewScanner(sc)
		for i := 0; s.Scan() && i < 20; i++ {
			f.Add(`%f:%l:%c: %m`, s.Text())
		}
		sc.Close()
	}
	f.Fuzz(func(t *testing.T, pattern, line string) {
		fe := newFastEFM(pattern)
		if fe == nil {
			return
		}
		efm, err := errorformat.NewEfm(pattern)
		if err != nil {
			t.Fatalf("fast matcher accepted %q, errorformat rejects it: %v", pattern, err)
		}
		checkFastEFM(t, pattern, fe, efm, line)
	})
}

// TestFastEFMLongLines: lines of a MiB on which a naive left-to-right
// search over every file-name end is quadratic (digit runs, class runs, a
// newline at the end, "\ " pairs); they must give errorformat's answer (and,
// being linear, finish at once).
func TestFastEFMLongLines(t *testing.T) {
	const n = 1 << 20
	for _, c := range [][2]string{
		{"%f%r", strings.Repeat("a", n) + "\n"},
		{"%f%*[^:]", strings.Repeat("a", n) + " "},
		{"%f%l", strings.Repeat("1", n) + "x"},
		{"%f%l", strings.Repeat("1", n)},
		{"%f:%l:%c: %m", strings.Repeat("a:1:1:", n/6)},
		{"%f %m", strings.Repeat(`\ `, n/2) + "\n"},
	} {
		fe := newFastEFM(c[0])
		efm, err := errorformat.NewEfm(c[0])
		if fe == nil || err != nil {
			t.Fatalf("%q: fast %v, errorformat %v", c[0], fe, err)
		}
		checkFastEFM(t, c[0], fe, efm, c[1])
	}
}

// TestCRReader: lone CRs become LFs, CRLF stays, whatever the read sizes.
func TestCRReader(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for i := 0; i < 2000; i++ {
		b := make([]byte, r.Intn(40))
		for j := range b {
			b[j] = "\r\na"[r.Intn(3)]
		}
		want := []byte(strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\x00"), "\r", "\n"), "\x00", "\r\n"))
		for _, wrap := range []func(io.Reader) io.Reader{iotest.OneByteReader, iotest.HalfReader, func(r io.Reader) io.Reader { return r }} {
			got, err := io.ReadAll(&crReader{r: wrap(bytes.NewReader(b))})
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("crReader(%q) = %q, %v; want %q", b, got, err, want)
			}
		}
	}
}

// need is the longest literal of the pattern (of three bytes or more), and
// a line without it does not match.
func TestFastEFMNeed(t *testing.T) {
	for pattern, want := range map[string]string{
		`%f:%l:%c: %trror: %m`:   "rror: ",
		`%f:%l:%c: %tarning: %m`: "arning: ",
		`%f:%l:%c: %m`:           "",
		`%f:%l %*[A-Z]%n %m`:     "",
	} {
		fe := newFastEFM(pattern)
		if fe == nil {
			t.Fatalf("%s: not a fast pattern", pattern)
		}
		if fe.need != want {
			t.Errorf("%s: need %q, want %q", pattern, fe.need, want)
		}
	}
	var m errorformat.Match
	fe := newFastEFM(`%f:%l:%c: %trror: %m`)
	if fe.match("a.sh:1:2: warning: x", &m) || !fe.match("a.sh:1:2: error: x", &m) || m.M != "x" || m.T != 'e' {
		t.Fatalf("match with need: %+v", m)
	}
}
