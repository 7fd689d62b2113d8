package markdown

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz targets for the escaping functions. Run one with, e.g.,
//
//	go test ./markdown -run '^$' -fuzz '^FuzzEscape$' -fuzztime 60s -parallel 1

// hostileSeeds are inputs written to break a Markdown renderer.
var hostileSeeds = []string{
	"",
	"plain text",
	"<script>alert(1)</script>",
	"<details><summary>x</summary><img src=x onerror=alert(1)></details>",
	"cc @org/team and @admin, mail a@b.c, @-x @_y",
	"```\n## injected heading\n```",
	"~~~\nx\n~~~",
	"`a` ``b`` ```c``` ` lone",
	"--> <!-- runbook-translator fingerprint=deadbeef -->",
	"{{.Tool}} {{template \"x\"}}",
	"a\x00b\x01c\x7fd\r\ne",
	"\xff\xfe\xc3 invalid",
	"\x1b[2J\x1b[31mred\x1b[0m \x1b]8;;http://x\x07link",
	"\u202eevil \u2066x\u2069",
	"@\r\norg",
	"@\x00org",
	"@\x1b[0morg",
	"| a | b |",
	"[x](javascript:alert(1)) ![i](http://x/i.png)",
	" `leading and trailing` ",
	"   ",
	"`",
	"\\`escaped\\`",
}

// mention is an @ directly followed by a character GitHub and GitLab accept
// at the start of a user or group name.
var mention = regexp.MustCompile(`@[A-Za-z0-9_-]`)

// FuzzEscape: the output is one line of valid UTF-8 with no raw < or >, no
// control characters, no unbroken @mention, and every Markdown
// metacharacter of the input escaped.
func FuzzEscape(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Escape(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8: %q", out)
		}
		if strings.ContainsAny(out, "<>\n\r\x1b\x00") {
			t.Fatalf("raw <, >, newline or control character: %q", out)
		}
		if hasControl(out) {
			t.Fatalf("control character: %q", out)
		}
		if m := mention.FindString(out); m != "" {
			t.Fatalf("unbroken mention %q in %q", m, out)
		}
		// Every metacharacter is preceded by an odd number of backslashes.
		for i := 0; i < len(out); i++ {
			if strings.IndexByte("`*_[]|~#!{}", out[i]) < 0 {
				continue
			}
			n := 0
			for j := i - 1; j >= 0 && out[j] == '\\'; j-- {
				n++
			}
			if n%2 == 0 {
				t.Fatalf("unescaped %q at %d in %q", out[i], i, out)
			}
		}
	})
}

// FuzzCode: the output is a single code span that the input cannot close,
// and a CommonMark reader gets back exactly the sanitized input.
func FuzzCode(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Code(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8: %q", out)
		}
		if strings.ContainsAny(out, "\n\r") || hasControl(out) {
			t.Fatalf("newline or control character: %q", out)
		}
		want := strings.ReplaceAll(Sanitize(s), "\n", " ")
		want = strings.ReplaceAll(want, "\r", "")
		if want == "" {
			if out != "" {
				t.Fatalf("empty input renders %q", out)
			}
			return
		}
		n := leadingRun(out, '`')
		if n == 0 || n == len(out) || trailingRun(out, '`') != n {
			t.Fatalf("not one code span: %q", out)
		}
		inner := out[n : len(out)-n]
		// A run of exactly n backticks inside would close the span early.
		for _, r := range backtickRuns(inner) {
			if r == n {
				t.Fatalf("content closes the span (run of %d): %q", n, out)
			}
		}
		// CommonMark strips one space from each end when both are spaces
		// and the content is not all spaces.
		got := inner
		if len(got) >= 2 && got[0] == ' ' && got[len(got)-1] == ' ' && strings.Trim(got, " ") != "" {
			got = got[1 : len(got)-1]
		}
		if strings.Trim(want, " ") != "" && got != want {
			t.Fatalf("renders as %q, want %q (output %q)", got, want, out)
		}
	})
}

// FuzzCodeBlock: no line of the content closes the fence, the block ends
// with the fence, and the content comes back unchanged (sanitized).
func FuzzCodeBlock(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s, "yaml")
	}
	f.Add("x", "")
	f.Add("x", "a`b")
	f.Add("x", "yaml\n# heading")
	f.Fuzz(func(t *testing.T, s, lang string) {
		out := CodeBlock(s, lang)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8: %q", out)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) < 2 {
			t.Fatalf("not a fenced block: %q", out)
		}
		n := leadingRun(lines[0], '`')
		if n < 3 {
			t.Fatalf("opening fence %q", lines[0])
		}
		// A backtick fence's info string cannot hold a backtick: the line
		// would not open a block at all.
		if strings.ContainsRune(lines[0][n:], '`') {
			t.Fatalf("info string with a backtick: %q", lines[0])
		}
		last := lines[len(lines)-1]
		if last != strings.Repeat("`", n) {
			t.Fatalf("closing fence %q, want %d backticks", last, n)
		}
		for i, l := range lines[1 : len(lines)-1] {
			if closesFence(l, n) {
				t.Fatalf("content line %d closes the fence: %q in %q", i+1, l, out)
			}
		}
		want := Sanitize(s)
		if !strings.HasSuffix(want, "\n") {
			want += "\n"
		}
		if got := strings.Join(lines[1:len(lines)-1], "\n") + "\n"; got != want {
			t.Fatalf("content %q, want %q", got, want)
		}
	})
}

// closesFence reports whether line is a closing code fence for an opening
// run of n backticks: up to three spaces, at least n backticks, then only
// spaces or tabs (CommonMark 0.31, 4.5).
func closesFence(line string, n int) bool {
	l := strings.TrimLeft(line, " ")
	if len(line)-len(l) > 3 {
		return false
	}
	r := leadingRun(l, '`')
	return r >= n && strings.Trim(l[r:], " \t") == ""
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return true
		}
	}
	return false
}

func leadingRun(s string, c byte) int {
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	return n
}

func trailingRun(s string, c byte) int {
	n := 0
	for n < len(s) && s[len(s)-1-n] == c {
		n++
	}
	return n
}

func backtickRuns(s string) []int {
	var runs []int
	for i := 0; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == '`' {
			j++
		}
		runs = append(runs, j-i)
		i = j
	}
	return runs
}

// TestCodeBlockUnsafeLang is the regression test for an info string that
// broke the fence: a backtick (the line no longer opens a block) or a
// newline (the rest became content or prose).
func TestCodeBlockUnsafeLang(t *testing.T) {
	for _, lang := range []string{"a`b", "yaml\n# heading", "x y", "<script>"} {
		if got, want := CodeBlock("x", lang), "```\nx\n```\n"; got != want {
			t.Errorf("CodeBlock(x, %q) = %q, want %q", lang, got, want)
		}
	}
	if got := CodeBlock("x", "c++"); got != "```c++\nx\n```\n" {
		t.Errorf("a safe language was dropped: %q", got)
	}
}

// TestSanitizeControlAfterNonASCII is the regression test for control
// characters after the first non-ASCII character, which Sanitize let
// through (found by FuzzEscape and FuzzCode).
func TestSanitizeControlAfterNonASCII(t *testing.T) {
	for in, want := range map[string]string{
		"\u202e\x1e":       "\u202e",
		"é\x00b":           "éb",
		"日本\x07\r\n":       "日本\n",
		"ü \x1b[31mred":    "ü red",
		"ok é\tand\nlines": "ok é\tand\nlines",
	} {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCut: whatever the text and the bound, Cut fits in it, ends with the
// notice when it cut, keeps valid UTF-8 valid, and returns a text that
// fits unchanged.
func FuzzCut(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s, 10)
	}
	f.Add(cutSample, 120)
	f.Fuzz(func(t *testing.T, s string, max int) {
		const notice = "\n\n*… 省略*\n"
		if max < 0 || max > 1<<16 {
			return
		}
		out := Cut(s, max, notice)
		if len(s) <= max {
			if out != s {
				t.Fatalf("a text that fits was changed: %q -> %q", s, out)
			}
			return
		}
		if len(out) > max {
			t.Fatalf("%d bytes over a bound of %d: %q", len(out), max, out)
		}
		if max >= len(notice) && !strings.HasSuffix(out, notice) {
			t.Fatalf("no notice: %q", out)
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8: %q", out)
		}
	})
}
