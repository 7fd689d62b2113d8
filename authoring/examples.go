package authoring

import (
	"fmt"
	"io"
	"sort"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

// ExampleResult is the outcome of one entry example.
type ExampleResult struct {
	Entry string `json:"entry"`
	// N is the 1-based number of the example within its entry.
	N int `json:"n"`
	// File and Line locate the example.
	File string `json:"file"`
	Line int    `json:"line"`
	// Failures explain what went wrong; empty when the example passed.
	// They may span several lines (a diff excerpt).
	Failures []string `json:"failures,omitempty"`
}

// Passed reports whether the example passed.
func (r ExampleResult) Passed() bool { return len(r.Failures) == 0 }

// TestResult is the outcome of running the examples of a catalog.
type TestResult struct {
	Results []ExampleResult
	// NoExamples counts target entries without any example.
	NoExamples int
	// Untranslated counts target entries with examples but no translation
	// into the language asked for (RunExamplesIn): they were tested in the
	// default language, which is what a run in that language shows.
	Untranslated int
}

// Counts returns how many examples passed and failed.
func (t *TestResult) Counts() (passed, failed int) {
	for _, r := range t.Results {
		if r.Passed() {
			passed++
		} else {
			failed++
		}
	}
	return passed, failed
}

// Write prints PASS or FAIL per example, failures indented below, and the
// summary "N passed, N failed" on its own line.
func (t *TestResult) Write(w io.Writer) error {
	var b strings.Builder
	for _, r := range t.Results {
		word := "PASS"
		if !r.Passed() {
			word = "FAIL"
		}
		fmt.Fprintf(&b, "%s %s:%d: %s example %d\n", word, r.File, r.Line, r.Entry, r.N)
		for _, f := range r.Failures {
			for _, l := range strings.Split(strings.TrimRight(f, "\n"), "\n") {
				b.WriteString("    " + l + "\n")
			}
		}
	}
	p, f := t.Counts()
	fmt.Fprintf(&b, "%d passed, %d failed\n", p, f)
	_, err := io.WriteString(w, b.String())
	return err
}

// RunExamples renders the examples of every target entry of c and checks
// them, as `conftest verify` checks policy tests: the example's finding
// must match its own entry (an entry that takes it instead, through a more
// specific matcher or an earlier message pattern, is named), the body must
// render, contain every `contains` string and, with `want`, equal it.
func RunExamples(c *Catalog) *TestResult { return RunExamplesIn(c, "") }

// RunExamplesIn is RunExamples in language lang (`runbooks test --lang`);
// "" or "en" is RunExamples. Matching is the same in every language. For an
// entry translated into lang, the translated body must render, and of its
// `contains` lines those that are code in the default-language body (inside
// a fenced block or a code span: commands, field names, YAML) must be in it;
// prose lines and `want` are written in the default language and hold for
// the default body, which `runbooks test` without --lang checks. The
// translated text must not leave a code span open (an odd number of
// backticks outside fenced blocks). An entry without a translation is shown
// in the default language (the fallback), so its examples run as without
// lang and Untranslated counts it.
func RunExamplesIn(c *Catalog, lang string) *TestResult {
	res := &TestResult{}
	lines := lineIndex{}
	tc := c.WithLang(lang)
	for _, e := range c.TargetEntries() {
		if len(e.Examples) == 0 {
			res.NoExamples++
			continue
		}
		_, translated := e.Translations[lang]
		translated = translated && tc != c.Catalog
		if !translated && tc != c.Catalog {
			res.Untranslated++
		}
		for i, x := range e.Examples {
			file, line := lines.exampleLine(e, i)
			r := ExampleResult{Entry: e.ID, N: i + 1, File: file, Line: line}
			fail := func(format string, args ...any) { r.Failures = append(r.Failures, fmt.Sprintf(format, args...)) }
			f, err := x.Finding.Finding()
			if err != nil {
				fail("%v", err)
				res.Results = append(res.Results, r)
				continue
			}
			got, _, lvl := c.MatchLevel(f)
			switch {
			case got == nil:
				fail("the finding (tool %q, code %q) matches no entry: it gets the generic fallback", f.Tool, f.Code)
			case got.ID != e.ID:
				fail("the finding (tool %q, code %q) is taken by entry %q (%s, by %s) before it reaches %q",
					f.Tool, f.Code, got.ID, got.Source, lvl, e.ID)
			}
			rb := c.RenderEntry(e.ID, f)
			if rb.Error != "" {
				fail("render: %s", rb.Error)
				res.Results = append(res.Results, r)
				continue
			}
			if translated {
				checkTranslated(tc.RenderEntry(e.ID, f), rb.Body, lang, x.Contains, fail)
				res.Results = append(res.Results, r)
				continue
			}
			for _, s := range x.Contains {
				if !strings.Contains(rb.Body, s) {
					fail("body does not contain %q\n%s", s, excerpt(rb.Body, 12))
				}
			}
			if x.Want != "" && rb.Body != x.Want {
				fail("body differs from want:\n%s", Diff(x.Want, rb.Body, 40))
			}
			checkExampleFix(e, x, fail)
			res.Results = append(res.Results, r)
		}
	}
	sort.SliceStable(res.Results, func(i, j int) bool {
		a, b := res.Results[i], res.Results[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return res
}

// checkTranslated checks the body rendered in lang against the default
// body def of the same example (see RunExamplesIn).
func checkTranslated(rb *translator.Runbook, def, lang string, contains []string, fail func(string, ...any)) {
	if rb.Error != "" {
		fail("render (%s): %s", lang, rb.Error)
		return
	}
	defBlocks, defText := FencedBlocks(def)
	code := strings.Join(defBlocks, "\n") + "\n" + strings.Join(codeSpan().FindAllString(defText, -1), "\n")
	for _, s := range contains {
		if strings.Contains(code, s) && !strings.Contains(rb.Body, s) {
			fail("%s body does not contain %q (code in the default body)\n%s", lang, s, excerpt(rb.Body, 12))
		}
	}
	if _, text := FencedBlocks(rb.Body); strings.Count(text, "`")%2 != 0 {
		fail("%s body leaves a code span open: %d backticks outside fenced blocks", lang, strings.Count(text, "`"))
	}
}

// codeSpan matches a one-backtick inline code span (catalog bodies use no
// longer ones outside fenced blocks).
var codeSpan = lazyre.New("`[^`\n]+`")

// FencedBlocks returns the fenced code blocks (``` or ~~~, any indent) of
// a Markdown body in order, and the body with them cut out.
func FencedBlocks(md string) (blocks []string, rest string) {
	lines := strings.Split(md, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		l := strings.TrimLeft(lines[i], " \t")
		if !strings.HasPrefix(l, "```") && !strings.HasPrefix(l, "~~~") {
			out = append(out, lines[i])
			continue
		}
		mark := l[:3]
		j := i + 1
		for j < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[j]), mark) {
			j++
		}
		end := min(j+1, len(lines))
		blocks = append(blocks, strings.Join(lines[i:end], "\n"))
		i = j
	}
	return blocks, strings.Join(out, "\n")
}

// excerpt quotes the first n lines of a body after a "got:" header.
func excerpt(body string, n int) string {
	ls := strings.Split(strings.TrimRight(body, "\n"), "\n")
	more := ""
	if len(ls) > n {
		more = fmt.Sprintf("| … (%d more lines)\n", len(ls)-n)
		ls = ls[:n]
	}
	var b strings.Builder
	b.WriteString("got:\n")
	for _, l := range ls {
		b.WriteString("| " + l + "\n")
	}
	return b.String() + more
}

// Diff returns a unified-style line diff of want and got ("-" lines only
// in want, "+" lines only in got, two lines of context), at most maxLines
// lines long.
func Diff(want, got string, maxLines int) string {
	a := strings.Split(strings.TrimRight(want, "\n"), "\n")
	b := strings.Split(strings.TrimRight(got, "\n"), "\n")
	// Longest common subsequence table; bodies are at most 32 KiB, a few
	// hundred lines.
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type op struct {
		kind byte
		text string
	}
	var ops []op
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			ops = append(ops, op{' ', a[i]})
			i++
			j++
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', a[i]})
			i++
		default:
			ops = append(ops, op{'+', b[j]})
			j++
		}
	}
	keep := make([]bool, len(ops))
	for k, o := range ops {
		if o.kind == ' ' {
			continue
		}
		for d := max(0, k-2); d <= min(len(ops)-1, k+2); d++ {
			keep[d] = true
		}
	}
	var out []string
	out = append(out, "--- want", "+++ got")
	gap := false
	for k, o := range ops {
		if !keep[k] {
			gap = true
			continue
		}
		if gap && len(out) > 2 {
			out = append(out, "@@")
		}
		gap = false
		out = append(out, string(o.kind)+" "+o.text)
	}
	if len(out) > maxLines {
		rest := len(out) - maxLines
		out = append(out[:maxLines], fmt.Sprintf("… (%d more diff lines)", rest))
	}
	return strings.Join(out, "\n") + "\n"
}
