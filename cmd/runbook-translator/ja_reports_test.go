package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/authoring"
	"github.com/runbook-translator/runbook-translator/internal/cells"
	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
	"github.com/runbook-translator/runbook-translator/internal/fakegitlab"
	"github.com/runbook-translator/runbook-translator/markdown"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// updateJAReports rewrites the Japanese report goldens:
//
//	go test ./cmd/runbook-translator -run JapaneseReports -update-ja-reports
var updateJAReports = flag.Bool("update-ja-reports", false, "rewrite testdata/ja/reports/*.golden.*")

// jaGoldens is where the Japanese report goldens live, absolute: the
// tests change directory.
var jaGoldens = func() string {
	p, err := filepath.Abs(td + "ja/reports")
	if err != nil {
		panic(err)
	}
	return p + string(filepath.Separator)
}()

// sampleArgs are the README's sample run: the conftest and Trivy outputs
// of testdata/inputs/k8s (README "Try it").
func sampleArgs(t *testing.T) []string {
	t.Helper()
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	return []string{"--base-dir", abs(td + "inputs"), "-f", "conftest", abs(td + "conftest/k8s-shop.json"), "-f", "trivy", abs(td + "trivy/config-k8s-shop.json")}
}

// stamp is the Markdown footer's time, which changes with every run.
var stamp = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d UTC`)

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := jaGoldens + name
	if *updateJAReports {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update-ja-reports to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden (rerun with -update-ja-reports and review the diff):\n%s", name, firstDiff(string(want), got))
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\nwant: " + a + "\ngot:  " + b
		}
	}
	return "(same lines, different ending)"
}

// noStrayMarkup fails when the GFM rendering of md shows Markdown
// literally: a backtick or "**" outside code, which is what a code span
// broken by the text around it, or emphasis that CommonMark does not
// close next to Japanese punctuation, looks like on GitHub and GitLab.
func noStrayMarkup(t *testing.T, name, md string) {
	t.Helper()
	for _, l := range strayMarkup(t, md) {
		t.Errorf("%s: stray Markdown in the rendered text: %s", name, l)
	}
}

// strayMarkup returns the lines of md's rendering that show Markdown
// literally (see noStrayMarkup).
func strayMarkup(t *testing.T, md string) []string {
	t.Helper()
	var out []string
	for _, l := range strings.Split(renderedText(t, md), "\n") {
		if strings.Contains(l, "**") || strings.Contains(l, "`") {
			out = append(out, l)
		}
	}
	return out
}

var codeHTML = regexp.MustCompile(`(?s)<pre>.*?</pre>|<code>.*?</code>`)

// renderedText is md rendered as GitHub does (GFM), without its code.
func renderedText(t *testing.T, md string) string {
	t.Helper()
	html, err := authoring.RenderGFM(md)
	if err != nil {
		t.Fatalf("render GFM: %v", err)
	}
	return codeHTML.ReplaceAllString(html, "")
}

// TestJapaneseReportsLocalAndMarkdown: the README's sample run with
// --lang ja, as the local report (the terminal) and the Markdown report.
func TestJapaneseReportsLocalAndMarkdown(t *testing.T) {
	args := append([]string{"review", "--lang", "ja", "-r", "local", "-r", "markdown=report.md"}, sampleArgs(t)...)
	t.Chdir(t.TempDir())
	code, out, stderr := runEnv(t, func(string) string { return "" }, args...)
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, "local.golden.txt", out)
	md, err := os.ReadFile("report.md")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "markdown.golden.md", stamp.ReplaceAllString(string(md), "TIME"))
	noStrayMarkup(t, "markdown report", string(md))
	for _, want := range []string{"エラー 66 件、警告 77 件", "FAIL: fail level \"error\" 以上の指摘が 66 件あります。"} {
		if !strings.Contains(out, want) {
			t.Errorf("local report lacks %q", want)
		}
	}
	if !strings.Contains(string(md), "## ❌ runbook-translator: fail level `error` で不合格") {
		t.Errorf("markdown heading not in Japanese:\n%.400s", md)
	}
}

// prFiles is the sample pull request: it adds k8s/storefront.yaml, so
// its findings go inline and the rest are listed as outside the diff.
func prFiles() fakegithub.File { return addedFile("k8s/storefront.yaml", 110) }

// firstInline is the body of the first inline comment by path and line.
func firstInline[C any](cs []C, key func(C) (string, int, string)) string {
	sort.Slice(cs, func(i, j int) bool {
		pi, li, bi := key(cs[i])
		pj, lj, bj := key(cs[j])
		if pi != pj {
			return pi < pj
		}
		if li != lj {
			return li < lj
		}
		return bi < bj
	})
	if len(cs) == 0 {
		return ""
	}
	_, _, b := key(cs[0])
	return b
}

func ghKey(c fakegithub.ReviewComment) (string, int, string) {
	return c.Path, c.OriginalLine, c.Body
}

// TestJapaneseReportsGitHub: the sample run posted to a pull request of
// the fake GitHub in Japanese (goldens of the summary and of the first
// inline comment), then again in English: the same comments are edited,
// none is added, and the summary is still the one sticky comment.
func TestJapaneseReportsGitHub(t *testing.T) {
	fake := fakegithub.New(t, "acme", "shop")
	fake.AddPR(fakegithub.PR{Number: 7, Head: "abc123", Files: []fakegithub.File{prFiles()}})
	base := githubEnv(t, fake, 7, "abc123")
	args := append([]string{"review", "--fail-level", "none", "-r", "github-pr-review"}, sampleArgs(t)...)

	code, _, stderr := runEnv(t, base, append(args, "--lang", "ja")...)
	if code != ExitOK {
		t.Fatalf("ja run: exit %d: %s", code, stderr)
	}
	inline, summaries := fake.ReviewComments(7), fake.IssueComments(7)
	if len(inline) == 0 || len(summaries) != 1 {
		t.Fatalf("%d inline comments, %d summaries", len(inline), len(summaries))
	}
	golden(t, "github-summary.golden.md", summaries[0].Body)
	first := firstInline(inline, ghKey)
	golden(t, "github-inline.golden.md", first)
	noStrayMarkup(t, "GitHub summary", summaries[0].Body)
	for _, c := range inline {
		noStrayMarkup(t, "GitHub inline comment on "+c.Path, c.Body)
	}
	if !strings.Contains(summaries[0].Body, "### インラインに表示していない指摘") || !strings.Contains(summaries[0].Body, "差分の範囲外") {
		t.Errorf("summary not in Japanese:\n%.600s", summaries[0].Body)
	}

	// English through the locale (no --lang, no config): every comment
	// is edited in place.
	fake.ResetCounts()
	en := func(k string) string {
		if k == "LANG" {
			return "en_US.UTF-8"
		}
		return base(k)
	}
	if code, _, stderr := runEnv(t, en, args...); code != ExitOK {
		t.Fatalf("en run: exit %d: %s", code, stderr)
	}
	after, sums := fake.ReviewComments(7), fake.IssueComments(7)
	if len(after) != len(inline) || len(sums) != 1 {
		t.Fatalf("after the English run: %d inline comments (was %d), %d summaries: comments were duplicated", len(after), len(inline), len(sums))
	}
	for _, c := range after {
		if m, ok := comment.Parse(c.Body); !ok || m.State == comment.StateFixed || strings.Contains(c.Body, "<summary>詳細</summary>") {
			t.Errorf("comment %d not rewritten in English (marker ok %v):\n%.300s", c.ID, ok, c.Body)
		}
	}
	if !strings.Contains(sums[0].Body, "### Not shown inline") {
		t.Errorf("summary not rewritten in English:\n%.300s", sums[0].Body)
	}
	log := strings.Join(fake.Log(), "\n")
	if strings.Contains(log, "POST /repos/acme/shop/pulls/7/reviews") || strings.Contains(log, "POST /repos/acme/shop/issues/7/comments") {
		t.Errorf("the English run created comments instead of editing them:\n%s", log)
	}
	if n := strings.Count(log, "PATCH /repos/acme/shop/pulls/comments/"); n != len(inline) {
		t.Errorf("%d inline comments edited, want %d:\n%s", n, len(inline), log)
	}

	// Back to Japanese through the config's lang: edited again, and the
	// bodies are those of the first run.
	fake.ResetCounts()
	cfg := filepath.Join(t.TempDir(), "rt.yaml")
	if err := os.WriteFile(cfg, []byte("lang: ja\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runEnv(t, en, append(args, "--config", cfg)...); code != ExitOK {
		t.Fatalf("config ja run: exit %d: %s", code, stderr)
	}
	again := fake.IssueComments(7)
	if len(again) != 1 || again[0].Body != summaries[0].Body || firstInline(fake.ReviewComments(7), ghKey) != first {
		t.Error("lang: ja in the config does not give the bodies --lang ja gave")
	}
}

// TestJapaneseReportsGitLab: the same through the fake GitLab.
func TestJapaneseReportsGitLab(t *testing.T) {
	args := append([]string{"review", "--fail-level", "none", "-r", "gitlab-mr-discussion"}, sampleArgs(t)...)
	t.Chdir(t.TempDir())
	fake := fakegitlab.New(t, 42, "acme/shop")
	fake.Token = fakeGitLabToken
	patch := prFiles().Patch
	fake.Push(7, fakegitlab.Version{ID: 1, BaseSHA: "base1", StartSHA: "base1", HeadSHA: "head1",
		Diffs: []fakegitlab.Diff{{OldPath: "k8s/storefront.yaml", NewPath: "k8s/storefront.yaml", NewFile: true, Diff: patch}}})
	base := gitlabEnv(fake, "7")
	ja := func(k string) string {
		if k == "LANG" {
			return "ja_JP.UTF-8"
		}
		return base(k)
	}

	// Japanese through the locale alone.
	code, _, stderr := runEnv(t, ja, args...)
	if code != ExitOK {
		t.Fatalf("ja run: exit %d: %s", code, stderr)
	}
	split := func() (inline []string, summaries []string, threads int) {
		for _, d := range fake.Discussions(7) {
			if d.Individual {
				summaries = append(summaries, d.Notes[0].Body)
				continue
			}
			threads++
			inline = append(inline, d.Notes[0].Body)
		}
		return inline, summaries, threads
	}
	type note struct {
		path string
		line int
		body string
	}
	firstNote := func() string {
		var ns []note
		for _, d := range fake.Discussions(7) {
			if p := d.Notes[0].Position; !d.Individual && p != nil {
				line := 0
				if p.NewLine != nil {
					line = *p.NewLine
				}
				ns = append(ns, note{p.NewPath, line, d.Notes[0].Body})
			}
		}
		return firstInline(ns, func(n note) (string, int, string) { return n.path, n.line, n.body })
	}
	inline, summaries, threads := split()
	if threads == 0 || len(summaries) != 1 {
		t.Fatalf("%d threads, %d summaries", threads, len(summaries))
	}
	golden(t, "gitlab-summary.golden.md", summaries[0])
	first := firstNote()
	golden(t, "gitlab-inline.golden.md", first)
	noStrayMarkup(t, "GitLab summary", summaries[0])
	for _, b := range inline {
		noStrayMarkup(t, "GitLab inline note", b)
	}

	// English with --lang en over LANG=ja: the notes are edited.
	fake.ResetCounts()
	if code, _, stderr := runEnv(t, ja, append(args, "--lang", "en")...); code != ExitOK {
		t.Fatalf("en run: exit %d: %s", code, stderr)
	}
	inline2, summaries2, threads2 := split()
	if threads2 != threads || len(summaries2) != 1 {
		t.Fatalf("after the English run: %d threads (was %d), %d summaries: comments were duplicated", threads2, threads, len(summaries2))
	}
	for _, b := range inline2 {
		if strings.Contains(b, "<summary>詳細</summary>") {
			t.Errorf("note not rewritten in English:\n%.300s", b)
		}
	}
	if !strings.Contains(summaries2[0], "### Not shown inline") {
		t.Errorf("summary not rewritten in English:\n%.300s", summaries2[0])
	}
	c := fake.Counts()
	for op, n := range c.ByOp {
		if strings.HasPrefix(strings.ToLower(op), "post") && n > 0 {
			t.Errorf("the English run created %d with %s instead of editing", n, op)
		}
	}

	// Japanese again through the config's lang (no locale): the bodies of
	// the first run, edited in place.
	if err := os.WriteFile("rt.yaml", []byte("lang: ja\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runEnv(t, base, append(args, "--config", "rt.yaml")...); code != ExitOK {
		t.Fatalf("config ja run: exit %d: %s", code, stderr)
	}
	_, summaries3, threads3 := split()
	if threads3 != threads || len(summaries3) != 1 || summaries3[0] != summaries[0] || firstNote() != first {
		t.Errorf("lang: ja in the config does not give the bodies LANG=ja_JP.UTF-8 gave (%d threads, %d summaries)", threads3, len(summaries3))
	}
}

// TestJapaneseCheckRunAndAnnotations: the check run and the workflow
// commands (the fork fallback) take the language from LC_ALL.
func TestJapaneseCheckRunAndAnnotations(t *testing.T) {
	fake := fakegithub.New(t, "acme", "shop")
	base := githubEnv(t, fake, 7, "abc123")
	env := func(k string) string {
		if k == "LC_ALL" {
			return "ja_JP.UTF-8"
		}
		return base(k)
	}
	code, _, stderr := runEnv(t, env, "review", "-f", "trivy", td+"trivy/config-k8s-shop.json", "-r", "github-check")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	runs := fake.CheckRuns()
	if len(runs) != 1 || !strings.HasPrefix(runs[0].Title, "エラー ") || !strings.Contains(runs[0].Summary, "## ❌ runbook-translator: fail level `error` で不合格") {
		t.Fatalf("check run not in Japanese: %+v", runs)
	}
	code, stdout, stderr := runEnv(t, env, "review", "-f", "trivy", td+"trivy/config-k8s-shop.json", "-r", "github-annotations")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "::notice title=runbook-translator::GitHub が 1 ステップに表示するアノテーションは") || !strings.Contains(stdout, "%0ARunbook: ") {
		t.Errorf("workflow commands not in Japanese:\n%.600s", stdout)
	}
}

// jaCatalogBodies renders the Japanese bodies of n built-in entries
// whose translation has inline code, a fenced block and full-width text,
// for their first example finding: the catalog's own text.
func jaCatalogBodies(t *testing.T, n int) map[string]string {
	t.Helper()
	l, err := runbooks.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	c := runbooks.Merge(l).WithLang("ja")
	out := map[string]string{}
	for _, e := range c.Entries() {
		ja := e.Translations["ja"].Body
		if len(out) == n || len(e.Examples) == 0 || !strings.Contains(ja, "```") || !inlineCode.MatchString(ja) || cells.Width(ja) < len([]rune(ja))+200 {
			continue
		}
		f, err := e.Examples[0].Finding.Finding()
		if err != nil {
			t.Fatal(err)
		}
		rb := c.RenderEntry(e.ID, f)
		if rb == nil || rb.Error != "" {
			t.Fatalf("render %s: %+v", e.ID, rb)
		}
		out[e.ID] = rb.Body
	}
	if len(out) < n {
		t.Fatalf("%d entries with code spans, a fence and Japanese text, want %d", len(out), n)
	}
	return out
}

var inlineCode = regexp.MustCompile("[^`\n]`[^`\n]+`")

// codeSpans are the byte ranges of the inline code spans of md's lines
// outside fences.
func codeSpans(md string) [][2]int {
	var out [][2]int
	inFence, at := false, 0
	for _, line := range strings.SplitAfter(md, "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
		} else if !inFence {
			for _, m := range regexp.MustCompile("`[^`\n]+`").FindAllStringIndex(line, -1) {
				out = append(out, [2]int{at + m[0], at + m[1]})
			}
		}
		at += len(line)
	}
	return out
}

// TestJapaneseCutLeavesNoStrayMarkup cuts real Japanese runbook bodies of
// the built-in catalog at every length, with the Japanese truncation
// notice of an inline comment: each cut fits, is valid UTF-8, shows no
// Markdown literally, and its notice renders as emphasis outside code.
// Among the cuts, some fall inside a full-width character and some
// inside a code span (the test says how many, so it cannot pass on
// cuts that miss both).
func TestJapaneseCutLeavesNoStrayMarkup(t *testing.T) {
	notice := messages.T("ja", "comment.truncated")
	inWide, inCode := 0, 0
	for id, body := range jaCatalogBodies(t, 3) {
		spans := codeSpans(body)
		bad := 0
		for max := len(notice) + 1; max < len(body) && bad < 5; max++ {
			p := max - len(notice)
			if q := p; !utf8.RuneStart(body[q]) {
				for !utf8.RuneStart(body[q]) {
					q--
				}
				if r, _ := utf8.DecodeRuneInString(body[q:]); cells.RuneWidth(r) == 2 {
					inWide++
				}
			}
			for _, sp := range spans {
				if p > sp[0] && p < sp[1] {
					inCode++
				}
			}
			got := markdown.Cut(body, max, notice)
			if len(got) > max || !utf8.ValidString(got) {
				t.Errorf("%s cut to %d: %d bytes, valid UTF-8 %v", id, max, len(got), utf8.ValidString(got))
				bad++
				continue
			}
			if stray := strayMarkup(t, got); len(stray) > 0 {
				t.Errorf("%s cut to %d: stray Markdown %q in:\n%s", id, max, stray, got)
				bad++
				continue
			}
			if !strings.Contains(renderedText(t, got), "<em>… 省略:") {
				t.Errorf("%s cut to %d: the notice is not emphasis outside code:\n%s", id, max, got)
				bad++
			}
		}
	}
	if inWide < 100 || inCode < 100 {
		t.Errorf("only %d cuts inside a full-width character and %d inside a code span", inWide, inCode)
	}
}

// TestJapaneseInlineCommentCut: an inline comment whose Japanese runbook
// is over the 65,536-character limit, with messages of several lengths so
// the cut falls at different places in the catalog's text: the body fits,
// shows no Markdown literally, closes its <details>, and ends with the
// Japanese notice.
func TestJapaneseInlineCommentCut(t *testing.T) {
	var long string
	for _, b := range jaCatalogBodies(t, 3) {
		long += b + "\n"
	}
	for len(long) < 2*comment.MaxBody {
		long += long
	}
	for n := 0; n < 60; n += 7 {
		f := &translator.Finding{Tool: "kube-score", Code: "container-security-context-privileged", Severity: translator.SeverityError,
			Message: strings.Repeat("特権コンテナ", n+1), Fingerprint: "fp", Runbook: &translator.Runbook{ID: "x", Title: "特権", Body: long}}
		body, _ := comment.Inline(f, comment.Options{Lang: "ja"})
		if len(body) > comment.MaxBody || !utf8.ValidString(body) {
			t.Fatalf("message of %d: %d bytes, valid %v", n, len(body), utf8.ValidString(body))
		}
		noStrayMarkup(t, "inline comment", body)
		if strings.Count(body, "<details>") != strings.Count(body, "</details>") {
			t.Errorf("message of %d: <details> left open", n)
		}
		if !strings.Contains(renderedText(t, body), "<em>… 省略:") {
			t.Errorf("message of %d: no Japanese notice outside code", n)
		}
	}
}
