package parsers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/reviewdog/errorformat"
	"github.com/reviewdog/errorformat/fmts"

	translator "github.com/runbook-translator/runbook-translator"
)

func parseAll(t *testing.T, format string, opts Options, in io.Reader) (translator.Findings, error) {
	t.Helper()
	p, err := New(format, opts)
	if err != nil {
		t.Fatal(err)
	}
	var fs translator.Findings
	err = p.Parse(in, func(f *translator.Finding) error {
		fs = append(fs, f)
		return nil
	})
	return fs, err
}

// TestEFMMatchesErrorformat runs every errorformat built-in over its own test
// input (testdata/errorformat, copied from errorformat's fmts/testdata) with
// our quickfix loop and with errorformat's Scanner: the valid entries must be
// the same, so porting the loop kept errorformat's semantics.
func TestEFMMatchesErrorformat(t *testing.T) {
	defs := fmts.DefinedFmts()
	if len(defs) == 0 {
		t.Fatal("errorformat defines no formats")
	}
	for name, def := range defs {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("..", "testdata", "errorformat", name+".in"))
			if err != nil {
				t.Fatalf("no test input for built-in %s: %v", name, err)
			}
			efm, err := errorformat.NewErrorformat(def.Errorformat)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			s := efm.NewScanner(bytes.NewReader(raw))
			for s.Scan() {
				if e := s.Entry(); e.Valid {
					want = append(want, e.String())
				}
			}
			pats, err := compileEFM(def.Errorformat)
			if err != nil {
				t.Fatal(err)
			}
			q := &quickfix{pats: pats}
			var got []string
			out := func(e *efmEntry) error {
				if e.Valid {
					got = append(got, e.Entry.String())
				}
				return nil
			}
			lr := newLineReader(bytes.NewReader(raw))
			for {
				line, err := lr.readLine()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if _, err := q.feed(line, lr.line, out); err != nil {
					t.Fatal(err)
				}
			}
			if err := q.flush(out); err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 {
				t.Fatalf("errorformat found nothing in %s.in", name)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("entries differ\n got: %q\nwant: %q", got, want)
			}
		})
	}
}

// TestEFMMultilineNotDropped: errorformat's Scanner loses a multi-line entry
// followed by a line that matches nothing (and returns that line twice).
func TestEFMMultilineNotDropped(t *testing.T) {
	in := "a.go:1:2: first\n  cont1\nnot a finding\nb.go:3:4: second\n  cont2\n"
	pats := []string{"%A%f:%l:%c: %m", "%C  %m"}

	efm, err := errorformat.NewErrorformat(pats)
	if err != nil {
		t.Fatal(err)
	}
	var theirs []string
	s := efm.NewScanner(strings.NewReader(in))
	for s.Scan() {
		if s.Entry().Valid {
			theirs = append(theirs, s.Entry().Text)
		}
	}
	fs, err := parseAll(t, "efm", Options{EFM: pats}, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var ours []string
	for _, f := range fs {
		ours = append(ours, fmt.Sprintf("%s:%d:%d %s", f.Path, f.Line, f.Column, f.Message))
	}
	want := []string{"a.go:1:2 first\ncont1", "b.go:3:4 second\ncont2"}
	if strings.Join(ours, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", ours, want)
	}
	if len(theirs) != 1 {
		t.Logf("errorformat's Scanner now returns %q; the workaround may be obsolete", theirs)
	}
}

// longLineInput builds a real shellcheck gcc output with one finding's
// message inflated to 100 KiB, placed after the first finding.
func longLineInput(t testing.TB) (data []byte, longMsgLen, total int) {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "shellcheck-gcc", "all-scripts.gcc"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(raw), "\n")
	// "release.sh:12:4: note: Double quote to prevent globbing ... [SC2086]"
	second := lines[1]
	i := strings.Index(second, "note: ") + len("note: ")
	pad := strings.Repeat("word ", 100<<10/5)
	long := second[:i] + pad + second[i:]
	var b bytes.Buffer
	b.WriteString(lines[0])
	b.WriteString(long)
	for _, l := range lines[1:] {
		b.WriteString(l)
	}
	return b.Bytes(), len(long) - len(second[:i]) - len(" [SC2086]\n"), 36
}

func TestEFMLongLine(t *testing.T) {
	data, msgLen, total := longLineInput(t)

	// errorformat's own Scanner stops silently at the long line.
	efm, err := errorformat.NewErrorformat([]string{"%f:%l:%c: %m"})
	if err != nil {
		t.Fatal(err)
	}
	s := efm.NewScanner(bytes.NewReader(data))
	n := 0
	for s.Scan() {
		n++
	}
	if n >= total {
		t.Logf("errorformat's Scanner read all %d entries; the 64 KiB limit may be gone", n)
	}

	for _, format := range []string{"shellcheck-gcc", "efm"} {
		fs, err := parseAll(t, format, Options{EFM: []string{"%f:%l:%c: %m"}}, bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if len(fs) != total {
			t.Fatalf("%s: got %d findings, want %d", format, len(fs), total)
		}
		if fs[1].Line != 12 || len(fs[1].Message) < 100<<10 {
			t.Errorf("%s: long finding: line %d, message %d bytes", format, fs[1].Line, len(fs[1].Message))
		}
		if format == "shellcheck-gcc" && (fs[1].Code != "SC2086" || len(fs[1].Message) != msgLen) {
			t.Errorf("long finding: code %q, message %d bytes, want SC2086, %d", fs[1].Code, len(fs[1].Message), msgLen)
		}
		if last := fs[len(fs)-1]; last.Path != "wait-for-db.sh" {
			t.Errorf("%s: last finding %s:%d, want one from wait-for-db.sh", format, last.Path, last.Line)
		}
	}
}

func TestEFMLineOverLimit(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "shellcheck-gcc", "all-scripts.gcc"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(raw), "\n")
	in := first + "\n" + first + "\n" + strings.Repeat("x", MaxEFMLine+1) + "\n" + first + "\n"
	fs, err := parseAll(t, "shellcheck-gcc", Options{File: "big.gcc"}, strings.NewReader(in))
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("want a ParseError, got %v", err)
	}
	if pe.Line != 3 || pe.File != "big.gcc" || pe.Offset != int64(2*(len(first)+1)) || !errors.Is(err, errLineTooLong) {
		t.Errorf("error %v: line %d offset %d", err, pe.Line, pe.Offset)
	}
	if !strings.Contains(err.Error(), "line 3") {
		t.Errorf("error does not name the line: %v", err)
	}
	if len(fs) != 2 {
		t.Errorf("findings before the long line: got %d, want 2", len(fs))
	}
}

// TestEFMStreams checks that a finding is emitted once its line is read,
// before the input ends.
func TestEFMStreams(t *testing.T) {
	pr, pw := io.Pipe()
	p, err := New("shellcheck-gcc", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *translator.Finding, 10)
	done := make(chan error, 1)
	go func() {
		done <- p.Parse(pr, func(f *translator.Finding) error {
			got <- f
			return nil
		})
	}()
	if _, err := io.WriteString(pw, "a.sh:1:1: warning: x is unused [SC2034]\n"); err != nil {
		t.Fatal(err)
	}
	// Blocks until the parser emitted the first finding while the writer
	// is still open; if the parser read everything first, this deadlocks
	// and the test binary's timeout reports it.
	f := <-got
	if f.Code != "SC2034" {
		t.Errorf("got %+v", f)
	}
	io.WriteString(pw, "a.sh:2:1: error: y [SC1000]\n") //nolint:errcheck
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if f := <-got; f.Code != "SC1000" || f.Severity != translator.SeverityError {
		t.Errorf("got %+v", f)
	}
}

func TestEFMSeverity(t *testing.T) {
	in := "a:1:1:e: m\na:2:1:E: m\na:3:1:w: m\na:4:1:W: m\na:5:1:i: m\na:6:1:I: m\na:7:1:n: m\na:8:1:N: m\na:9:1:x: m\n"
	fs, err := parseAll(t, "efm", Options{EFM: []string{"%f:%l:%c:%t: %m"}}, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"error/error", "error/error", "warning/warning", "warning/warning", "info/info", "info/info", "info/note", "info/note", "warning/x"}
	for i, f := range fs {
		if got := f.Severity.String() + "/" + f.ToolSeverity; i >= len(want) || got != want[i] {
			t.Errorf("line %d: got %s", i+1, got)
		}
		if f.Tool != "efm" || f.Code != "" {
			t.Errorf("line %d: tool %q code %q", i+1, f.Tool, f.Code)
		}
	}
	if len(fs) != len(want) {
		t.Fatalf("got %d findings", len(fs))
	}
	// No %t: warning, no tool severity.
	fs, err = parseAll(t, "efm", Options{EFM: []string{"%f:%l: %m"}, Tool: "golint"}, strings.NewReader("a.go:3: exported X\n"))
	if err != nil || len(fs) != 1 {
		t.Fatalf("%v %v", fs, err)
	}
	if fs[0].Severity != translator.SeverityWarning || fs[0].ToolSeverity != "" || fs[0].Tool != "golint" {
		t.Errorf("got %+v", fs[0])
	}
}

func TestEFMOptions(t *testing.T) {
	if _, err := New("efm", Options{}); err == nil || !strings.Contains(err.Error(), "--efm") {
		t.Errorf("efm without patterns: %v", err)
	}
	if _, err := New("efm", Options{EFM: []string{"%f:%l:%Y"}}); err == nil || !strings.Contains(err.Error(), "%f:%l:%Y") {
		t.Errorf("bad pattern: %v", err)
	}
}

func TestEFMUnmatchedLines(t *testing.T) {
	gcc := "a.sh:1:1: warning: x is unused [SC2034]\n"
	cases := []struct {
		name, format, in string
		efm              []string
		findings         int
		err              string
		line             int
	}{
		{"empty named", "shellcheck-gcc", "", nil, 0, "", 0},
		{"blank named", "conftest-stdout", "\n  \n", nil, 0, "", 0},
		{"wrong format", "conftest-stdout", "\n" + gcc, nil, 0, "no line matched the conftest-stdout format (1 non-blank lines); first line: \"a.sh:1:1", 2},
		{"built-in wrong format", "golint", "garbage\n", nil, 0, "no line matched the golint format", 1},
		// "%-G%.%#" swallowing everything is not a match.
		{"catch-all only", "eslint-compact", "garbage\n", nil, 0, "no line matched the eslint-compact format", 1},
		{"strict unknown line", "shellcheck-gcc", gcc + "something new\n" + gcc + "more\n", nil, 2, "line does not match the shellcheck-gcc format: \"something new\" (and 1 more unmatched lines)", 2},
		{"built-in ignores chatter", "golint", "chatter\na.go:1:1: m\n", nil, 1, "", 0},
		{"efm ignores unmatched", "efm", "chatter\n", []string{"%f:%l:%c: %m"}, 0, "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs, err := parseAll(t, c.format, Options{EFM: c.efm, File: "in.txt"}, strings.NewReader(c.in))
			if len(fs) != c.findings {
				t.Errorf("got %d findings, want %d", len(fs), c.findings)
			}
			if c.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("want ParseError containing %q, got %v", c.err, err)
			}
			if pe.Line != c.line || pe.File != "in.txt" || pe.Format != c.format {
				t.Errorf("error %v: line %d", err, pe.Line)
			}
		})
	}
}

func TestHadolintColour(t *testing.T) {
	// hadolint's TTY formatter with colours (TTYSpec.hs "with colors").
	in := "<string>:3 DL2002 \x1b[1m\x1b[93mwarning\x1b[0m: foo\nDockerfile:1 DL3006 Always tag the version of an image explicitly\n"
	fs, err := parseAll(t, "hadolint-text", Options{}, strings.NewReader(in))
	if err != nil || len(fs) != 2 {
		t.Fatalf("%v %v", fs, err)
	}
	if f := fs[0]; f.Code != "DL2002" || f.Message != "foo" || f.Severity != translator.SeverityWarning || f.ToolSeverity != "warning" || f.Line != 3 {
		t.Errorf("got %+v", f)
	}
	// hadolint 1.x printed no level.
	if f := fs[1]; f.Code != "DL3006" || f.Severity != translator.SeverityWarning || f.ToolSeverity != "" {
		t.Errorf("got %+v", f)
	}
}

func TestBuiltinRefiners(t *testing.T) {
	cases := []struct{ format, line, code, sev, msg string }{
		{"flake8", "./num_guess.py:4:1: F401 'sys' imported but unused", "F401", "warning", "'sys' imported but unused"},
		{"flake8", "./num_guess.py:9:80: E501 line too long (82 > 79 characters)", "E501", "error", "line too long (82 > 79 characters)"},
		{"bandit", "/x/test.py:11: B304[bandit]: HIGH: Use of insecure cipher.", "B304", "error", "Use of insecure cipher."},
		{"gosec", "/p/main.go:64:2: [CWE-703] Errors unhandled. (Rule:G104, Severity:LOW, Confidence:HIGH)", "G104", "info", "[CWE-703] Errors unhandled."},
		{"staticcheck", "test.go:9:9: empty branch (SA9003)", "SA9003", "warning", "empty branch"},
		{"eslint-compact", "/p/eslint.js: line 3, col 11, Warning - Strings must use singlequote. (quotes)", "quotes", "warning", "Strings must use singlequote."},
		{"tsc", "tsc.ts(11,1): error TS2304: Cannot find name 'error'.", "TS2304", "error", "Cannot find name 'error'."},
		{"yamllint", "foo/widget.yml:1:1: [warning] missing document start \"---\" (document-start)", "document-start", "warning", "missing document start \"---\""},
		{"yamllint", "a.yml:3:7: [warning] truthy value should be one of [false, true] (truthy)", "truthy", "warning", "truthy value should be one of [false, true]"},
		{"mypy", "/a/file.py:1: error: Incompatible types  [arg-type]", "arg-type", "error", "Incompatible types"},
		{"cargo-check", "src/main.rs:3:5: error[E0425]: cannot find value `x`", "E0425", "error", "cannot find value `x`"},
		{"dotnet", `C:\p\A.cs(229,30): warning CS0618: 'SendQueue' is obsolete [C:\p\A.csproj]`, "CS0618", "warning", "'SendQueue' is obsolete"},
		{"ansible-lint", "main.yml:1: [E201] Trailing whitespace", "E201", "warning", "Trailing whitespace"},
		{"golint", "golint.new.go:3:5: exported var V should have comment or be unexported", "", "warning", "exported var V should have comment or be unexported"},
	}
	for _, c := range cases {
		fs, err := parseAll(t, c.format, Options{}, strings.NewReader(c.line+"\n"))
		if err != nil || len(fs) != 1 {
			t.Errorf("%s: %v %v", c.format, fs, err)
			continue
		}
		f := fs[0]
		if f.Code != c.code || f.Severity.String() != c.sev || f.Message != c.msg || f.Tool != c.format {
			t.Errorf("%s: got code %q severity %s message %q tool %q", c.format, f.Code, f.Severity, f.Message, f.Tool)
		}
	}
}

// reservedNames are the format names other parsers register (tool names).
var reservedNames = []string{"conftest", "trivy", "tflint", "tfsec", "gitleaks", "checkov", "hadolint",
	"kube-linter", "kube-score", "kubeconform", "gator", "gator-yaml", "kyverno", "polaris", "actionlint",
	"dockerfilelint", "shellcheck", "shellcheck-json", "sarif", "checkstyle", "rdjson", "rdjsonl"}

func TestEFMFormatNames(t *testing.T) {
	var want []string
	for n := range fmts.DefinedFmts() {
		want = append(want, n)
	}
	sort.Strings(want)
	if strings.Join(builtinFormatNames, ",") != strings.Join(want, ",") {
		t.Errorf("built-ins registered as %v, errorformat defines %v", builtinFormatNames, want)
	}
	all := append(append([]string{"efm"}, builtinFormatNames...), ownFormatNames...)
	all = append(all, "yamllint-parsable")
	for _, n := range all {
		for _, r := range reservedNames {
			if n == r {
				t.Errorf("format %s clashes with a tool-named format", n)
			}
		}
		f, err := Lookup(n)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if f.Description == "" || f.New == nil {
			t.Errorf("%s: no description or constructor", n)
		}
	}
	if f, _ := Lookup("golint"); f.Tool != "golint" || f.Detect != nil {
		t.Errorf("golint: tool %q, detect set %v", f.Tool, f.Detect != nil)
	}
	if f, _ := Lookup("golangci-lint"); f.Example != "golangci-lint run --out-format=line-number" {
		t.Errorf("golangci-lint example %q", f.Example)
	}
}

// TestDetectTextFormats: every text fixture is detected as its own format,
// with no tie.
func TestDetectTextFormats(t *testing.T) {
	cases := map[string]string{
		"tflint-compact/terraform-recursive.compact": "tflint-compact",
		"shellcheck-gcc/all-scripts.gcc":             "shellcheck-gcc",
		"actionlint-text/all-workflows.default":      "actionlint-text",
		"actionlint-text/all-workflows.oneline":      "actionlint-text",
		"kubeconform-text/k8s-invalid.text":          "kubeconform-text",
		"kubeconform-text/k8s-shop.text":             "kubeconform-text",
		"yamllint-parsable/k8s-shop.parsable":        "yamllint",
		"kube-linter-text/k8s-shop.plain":            "kube-linter-text",
		"kube-linter-text/k8s-checkout-clean.plain":  "kube-linter-text",
		"conftest-stdout/k8s-shop.stdout":            "conftest-stdout",
		"hadolint-text/tty-spec.txt":                 "hadolint-text",
		"errorformat/golint.in":                      "",
		"errorformat/staticcheck.in":                 "",
	}
	for file, want := range cases {
		raw, err := os.ReadFile(filepath.Join("..", "testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) > DetectSize {
			raw = raw[:DetectSize]
		}
		f, err := Detect(raw)
		switch {
		case want == "" && err == nil:
			t.Errorf("%s: detected as %s, want no detection", file, f.Name)
		case want != "" && (err != nil || f.Name != want):
			t.Errorf("%s: got %q, %v; want %s", file, f.Name, err, want)
		}
	}
	// A generic file:line:col shape with a lowercase [kind] is only
	// plausible for actionlint.
	if s := detectActionlintText([]byte("main.go:1:2: something [kind]\n")); s != 1 {
		t.Errorf("generic shape scored %d", s)
	}
}

func TestEFMPrefix(t *testing.T) {
	cases := map[string]string{
		"%f:%l:%c: %m":          "",
		"%A%f:%l:%c: %m":        "A",
		"%-G%.%#":               "G-",
		"%+GOh no%.%#":          "G+",
		"%*[^a-z]%Z%m":          "Z",
		"%C%\\s%+%m":            "C",
		"%E%f %#(%l,%c): %m":    "E",
		"%*[\\ ]%l:%c%*[\\ ]%m": "",
		"\\%A%f":                "", // an escaped %, no prefix
	}
	for p, want := range cases {
		prefix, plus, minus := efmPrefix(p)
		got := ""
		if prefix != 0 {
			got = string(prefix)
		}
		if plus {
			got += "+"
		}
		if minus {
			got += "-"
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", p, got, want)
		}
	}
}

// BenchmarkEFM parses ~200k lines of "path:line:col: message" through one
// pattern.
func BenchmarkEFM(b *testing.B) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	for i := 0; i < 200_000; i++ {
		fmt.Fprintf(w, "pkg/dir%d/file%d.go:%d:%d: exported function F%d should have comment or be unexported\n", i%97, i%13, i%5000+1, i%80+1, i)
	}
	w.Flush()
	data := buf.Bytes()
	p, err := New("efm", Options{EFM: []string{"%f:%l:%c: %m"}})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		if err := p.Parse(bytes.NewReader(data), func(*translator.Finding) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		if n != 200_000 {
			b.Fatalf("got %d findings", n)
		}
	}
}

// TestEFMNumber: %n is the finding's code (issue 11: it was dropped).
func TestEFMNumber(t *testing.T) {
	p, err := New("efm", Options{EFM: []string{`%f:%l: error %n: %m`}})
	if err != nil {
		t.Fatal(err)
	}
	var got []*translator.Finding
	err = p.Parse(strings.NewReader("a.c:3: error 1234: bad thing\n"), func(f *translator.Finding) error { got = append(got, f); return nil })
	if err != nil || len(got) != 1 || got[0].Code != "1234" || got[0].Message != "bad thing" || got[0].Line != 3 {
		t.Fatalf("%v %+v", err, got)
	}
}

// TestDetectGCCStyleIsNotShellcheck: cargo and clippy print the gcc shape
// too (rustc's short message format); without shellcheck's [SCnnnn] codes
// auto-detection must not call it shellcheck (issue 11).
func TestDetectGCCStyleIsNotShellcheck(t *testing.T) {
	// Real `cargo check` / `cargo clippy --message-format short` output
	// (testdata/rust-short/README.md), and the same shape by hand.
	for _, p := range []string{"../testdata/rust-short/cargo-check.short.txt", "../testdata/rust-short/cargo-clippy.short.txt"} {
		in, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if f, err := Detect(in); err == nil && f.Name == "shellcheck-gcc" {
			t.Errorf("%s detected as %s", p, f.Name)
		}
	}
	in := []byte("src/main.rs:3:9: warning: unused variable: `x`\nsrc/main.rs:10:5: error[E0308]: mismatched types\nsrc/lib.rs:7:1: warning: function `f` is never used\n")
	if f, err := Detect(in); err == nil && f.Name == "shellcheck-gcc" {
		t.Errorf("cargo output detected as %s", f.Name)
	}
	sc := []byte("deploy.sh:3:8: warning: Double quote to prevent globbing and word splitting. [SC2086]\n")
	if f, err := Detect(sc); err != nil || f.Name != "shellcheck-gcc" {
		t.Errorf("shellcheck gcc output: %v %v", f.Name, err)
	}
}

// The shellcheck code is read without a regexp; it must read what the
// regexp read.
func TestShellcheckTrailingCode(t *testing.T) {
	for _, s := range []string{
		"Double quote to prevent globbing and word splitting. [SC2086]",
		"msg [SC2086]", "[SC2086]", "msg [SC]", "msg [SC12a]", "msg [SC12] x", "a [SC1] [SC2]",
		"a [SCx] [SC2]", "a\nb [SC2]", "a [SC2]\n", "  [SC7]", "x[SC9]", "a [SC1]] ", "a [SC1]]", "\xff [SC3]", "",
	} {
		c1, r1, ok1 := matchCode(shellcheckCode(), s)
		c2, r2, ok2 := shellcheckTrailingCode(s)
		if c1 != c2 || r1 != r2 || ok1 != ok2 {
			t.Errorf("%q: regexp (%q, %q, %v), code (%q, %q, %v)", s, c1, r1, ok1, c2, r2, ok2)
		}
	}
}

func FuzzShellcheckTrailingCode(f *testing.F) {
	f.Add("Double quote to prevent globbing and word splitting. [SC2086]")
	f.Fuzz(func(t *testing.T, s string) {
		c1, r1, ok1 := matchCode(shellcheckCode(), s)
		c2, r2, ok2 := shellcheckTrailingCode(s)
		if c1 != c2 || r1 != r2 || ok1 != ok2 {
			t.Errorf("%q: regexp (%q, %q, %v), code (%q, %q, %v)", s, c1, r1, ok1, c2, r2, ok2)
		}
	})
}

// hadolintRE is refineHadolint's reference: the hadolintLine regexp.
func hadolintRE(s string) (code, sev, rest string, ok bool) {
	m := hadolintLine().FindStringSubmatch(s)
	if m == nil {
		return "", "", "", false
	}
	return group(hadolintLine(), m, "code"), group(hadolintLine(), m, "sev"), group(hadolintLine(), m, "rest"), true
}

// TestHadolintTTY holds hadolintTTY equal to the hadolintLine regexp on
// every line of the real hadolint text fixtures and on edge cases.
func TestHadolintTTY(t *testing.T) {
	lines := []string{
		"Dockerfile:3 DL3008 warning: Pin versions in apt get install.",
		"Dockerfile:3 DL3008 Pin versions", "Dockerfile:3 SC2086 info: Double quote", "a:b:3 DL1 error: x",
		"Dockerfile:3 DL3008 warning:x", "Dockerfile:3 DL3008 warning: ", "Dockerfile:3 DL3008 ", "Dockerfile:3 DL3008",
		"Dockerfile:3 DL3008  two", "Dockerfile:3 DL warning: x", "Dockerfile:3 DL3008x y", "Dockerfile:3 dl3008 y",
		":3 DL1 y", "D:3x DL1 y", "D: DL1 y", "D:3\tDL1 y", "D:3 DL1 y\n", "D:3 DL1 y\rz", "D\v:3 DL1 y", "\xff:1 SC1 \xfe",
		"D:3 DL1 error: warning: x", "D:3 DL1 ignore: x", "D:3 DL1 Error: x", "D:3 DL1 style:  x", "D:3 DL1 info:", "",
		"D:1:2 DL1 m", "D:1 DL1 m\nD:2 DL2 n",
	}
	lines = append(lines, fixtureLines(t)...)
	matched := 0
	for _, s := range lines {
		c1, s1, r1, ok1 := hadolintRE(s)
		c2, s2, r2, ok2 := hadolintTTY(s)
		if c1 != c2 || s1 != s2 || r1 != r2 || ok1 != ok2 {
			t.Errorf("%q: regexp (%q, %q, %q, %v), code (%q, %q, %q, %v)", s, c1, s1, r1, ok1, c2, s2, r2, ok2)
		}
		if ok1 {
			matched++
		}
	}
	if matched < 15 {
		t.Errorf("only %d lines match hadolintLine: the comparison tests too little", matched)
	}
}

func FuzzHadolintTTY(f *testing.F) {
	f.Add("Dockerfile:3 DL3008 warning: Pin versions in apt get install.")
	f.Add("a:b:3 SC2086 x")
	f.Fuzz(func(t *testing.T, s string) {
		c1, s1, r1, ok1 := hadolintRE(s)
		c2, s2, r2, ok2 := hadolintTTY(s)
		if c1 != c2 || s1 != s2 || r1 != r2 || ok1 != ok2 {
			t.Errorf("%q: regexp (%q, %q, %q, %v), code (%q, %q, %q, %v)", s, c1, s1, r1, ok1, c2, s2, r2, ok2)
		}
	})
}

// Issue 10: --code-pattern gives generic errorformat findings (and named
// text formats that found no code) a code.
func TestEFMCodePattern(t *testing.T) {
	re := regexp.MustCompile(`^\[(?P<code>[A-Z]+\d+)\]\s*`)
	for _, tc := range []struct {
		format string
		efm    []string
		in     string
		code   string
		msg    string
	}{
		{"efm", []string{"%f:%l:%c: %m"}, "a.go:1:2: [ABC123] something is wrong\n", "ABC123", "something is wrong"},
		{"efm", []string{"%f:%l:%c: %m"}, "a.go:1:2: no code here\n", "", "no code here"},
		{"golint", nil, "a.go:1:2: [XY1] exported thing\n", "XY1", "exported thing"},
	} {
		p, err := New(tc.format, Options{EFM: tc.efm, CodePattern: re})
		if err != nil {
			t.Fatal(err)
		}
		var got []*translator.Finding
		if err := p.Parse(strings.NewReader(tc.in), func(f *translator.Finding) error { got = append(got, f); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Code != tc.code || got[0].Message != tc.msg {
			t.Fatalf("%s: findings = %+v, want code %q message %q", tc.format, got, tc.code, tc.msg)
		}
	}
}
