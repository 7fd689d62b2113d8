package authoring

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	translator "github.com/runbook-translator/runbook-translator"
)

// updateJA rewrites the Japanese golden: go test ./authoring -run JapaneseGolden -update-ja
var updateJA = flag.Bool("update-ja", false, "rewrite testdata/ja/*.golden.md")

// hasJapanese reports whether s has a hiragana, katakana or kanji letter.
func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}

// strayMarkup finds Markdown that GitHub would show literally: a `**` or a
// backtick left in the text of the rendered HTML (code and pre removed),
// which is what an unbalanced code span or a `**` that CommonMark does not
// accept as a delimiter next to full-width punctuation looks like.
func strayMarkup(t *testing.T, md string) []string {
	t.Helper()
	html, err := RenderGFM(md)
	if err != nil {
		t.Fatalf("render GFM: %v", err)
	}
	text := regexp.MustCompile(`(?s)<pre>.*?</pre>|<code>.*?</code>`).ReplaceAllString(html, "")
	var bad []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "**") || strings.Contains(l, "`") {
			bad = append(bad, l)
		}
	}
	return bad
}

// TestBuiltinJapanese is `runbooks test` in Japanese for every built-in
// entry with a ja translation: each example renders the ja body without
// error; the fenced code blocks are those of the English body, byte for
// byte; every inline code span of the Japanese text also appears in the
// English body (a command or field name mistyped in translation fails);
// every `contains` line that is code in the English body (inside a fenced
// block or a code span) is in the Japanese one (prose lines are English by
// design); and the rendered GFM has no stray `**` or backtick.
func TestBuiltinJapanese(t *testing.T) {
	c, err := Load(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	ja, missing := c.WithLang("ja"), c.MissingTranslations("ja")
	entries := c.TargetEntries()
	t.Logf("ja translations: %d/%d built-in entries", len(entries)-len(missing), len(entries))
	missed := map[string]bool{}
	for _, id := range missing {
		missed[id] = true
	}
	for _, e := range entries {
		if missed[e.ID] {
			continue
		}
		tr := e.Translations["ja"]
		if !hasJapanese(tr.Title) || !hasJapanese(tr.Body) {
			t.Errorf("%s: ja title or body has no Japanese text", e.ID)
		}
		// The entry's examples, then the sample finding lint renders (for
		// entries without examples).
		var findings []*translator.Finding
		var contains [][]string
		for i, x := range e.Examples {
			f, err := x.Finding.Finding()
			if err != nil {
				t.Fatalf("%s finding %d: %v", e.ID, i+1, err)
			}
			findings, contains = append(findings, f), append(contains, x.Contains)
		}
		// Each sample is also rendered with a container and without a
		// resource, so every branch of {{with .Resource}} and
		// {{with .Extra.container}} runs.
		s := SampleFinding(e)
		bare := *s
		bare.Resource, bare.Extra = "", nil
		withC, bareC := *s, bare
		withC.Extra, bareC.Extra = nil, nil
		withC.SetExtra("container", "app")
		bareC.SetExtra("container", "app")
		findings = append(findings, s, &bare, &withC, &bareC)
		contains = append(contains, nil, nil, nil, nil)
		for i, f := range findings {
			en := c.RenderEntry(e.ID, f)
			got := ja.RenderEntry(e.ID, f)
			if got.Error != "" {
				t.Errorf("%s finding %d: ja render: %s", e.ID, i+1, got.Error)
				continue
			}
			if got.Title != tr.Title || got.Body == en.Body || !hasJapanese(got.Body) {
				t.Errorf("%s finding %d: ja render is not the translation: %q", e.ID, i+1, got.Title)
			}
			enBlocks, enText := FencedBlocks(en.Body)
			jaBlocks, jaText := FencedBlocks(got.Body)
			if strings.Join(enBlocks, "\n\x00\n") != strings.Join(jaBlocks, "\n\x00\n") {
				t.Errorf("%s finding %d: ja code blocks differ from en:\n%s", e.ID, i+1, Diff(strings.Join(enBlocks, "\n"), strings.Join(jaBlocks, "\n"), 30))
			}
			for _, s := range codeSpan().FindAllString(jaText, -1) {
				if !strings.Contains(en.Body, s) {
					t.Errorf("%s finding %d: ja code span %s is not in the English body", e.ID, i+1, s)
				}
			}
			enCode := strings.Join(enBlocks, "\n") + "\n" + strings.Join(codeSpan().FindAllString(enText, -1), "\n")
			for _, s := range contains[i] {
				if strings.Contains(enCode, s) && !strings.Contains(got.Body, s) {
					t.Errorf("%s finding %d: ja body lacks code %q", e.ID, i+1, s)
				}
			}
			if n := strings.Count(jaText, "`"); n%2 != 0 {
				t.Errorf("%s finding %d: ja text has %d backticks outside code blocks (unbalanced code span)", e.ID, i+1, n)
			}
			for _, l := range strayMarkup(t, got.Body) {
				t.Errorf("%s finding %d: ja GFM shows raw markup: %s", e.ID, i+1, l)
			}
		}
	}
}

// TestStrayMarkupDetects shows the GFM check catches the two breakages it
// exists for: a `**` closed right after full-width punctuation and before a
// letter (not right-flanking in CommonMark), and an unbalanced code span.
func TestStrayMarkupDetects(t *testing.T) {
	for _, md := range []string{"**何が問題か。**この Pod は", "`runAsNonRoot: true を設定します。"} {
		if len(strayMarkup(t, md)) == 0 {
			t.Errorf("%q: broken markup not detected", md)
		}
	}
	if bad := strayMarkup(t, "**何が問題か** この Pod は `runAsNonRoot: true` を設定します。"); len(bad) != 0 {
		t.Errorf("well-formed Japanese flagged: %v", bad)
	}
	blocks, rest := FencedBlocks("a\n```yaml\nx: 1\n```\nb `c`\n")
	if len(blocks) != 1 || blocks[0] != "```yaml\nx: 1\n```" || rest != "a\nb `c`\n" {
		t.Errorf("fencedBlocks = %q, %q", blocks, rest)
	}
}

// TestJapaneseGolden pins one whole Japanese comment body, as the bot posts
// it, for the first example of rbac-wildcard.
func TestJapaneseGolden(t *testing.T) {
	c, err := Load(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	ja := c.WithLang("ja")
	e := ja.Entry("rbac-wildcard")
	f, err := e.Examples[0].Finding.Finding()
	if err != nil {
		t.Fatal(err)
	}
	rb := ja.RenderEntry(e.ID, f)
	got := "### " + rb.Title + "\n\n" + rb.Body
	golden := filepath.Join("testdata", "ja", "rbac-wildcard.golden.md")
	if *updateJA {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update-ja to create it)", err)
	}
	if got != string(want) {
		t.Errorf("ja body differs from %s:\n%s", golden, Diff(string(want), got, 40))
	}
}

// translatedFiles are the built-in catalog files whose every entry has a
// Japanese translation (issue 14). Files added later (the *-more.yaml and
// per-cloud coverage files) are not in the list until they are translated;
// a file that has some ja translations must have them all, listed or not.
var translatedFiles = []string{
	"cloud-aws.yaml", "defaults.yaml", "dockerfile.yaml", "github-actions.yaml",
	"images.yaml", "pod-security.yaml", "rbac.yaml", "schema.yaml", "secrets.yaml",
	"shell.yaml", "terraform-tflint.yaml", "workload-hygiene.yaml",
}

// TestBuiltinJapaneseComplete asserts that MissingTranslations("ja") names
// no entry of the translated files (and no entry of a partly translated
// file), and logs the figure for the whole built-in catalog:
// go test ./authoring -run JapaneseComplete -v
func TestBuiltinJapaneseComplete(t *testing.T) {
	c, err := Load(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	fileOf := func(id string) string {
		f, _ := splitSource(c.Entry(id).Source)
		return strings.TrimPrefix(f, "builtin:")
	}
	total, done := map[string]int{}, map[string]int{}
	for _, e := range c.TargetEntries() {
		f := fileOf(e.ID)
		total[f]++
		if _, ok := e.Translations["ja"]; ok {
			done[f]++
		}
	}
	missing := c.MissingTranslations("ja")
	var all int
	for _, n := range total {
		all += n
	}
	t.Logf("ja translations: %d/%d built-in entries", all-len(missing), all)
	required := map[string]bool{}
	for _, f := range translatedFiles {
		required[f] = true
		if total[f] == 0 {
			t.Errorf("%s: no entries (renamed? update translatedFiles)", f)
		}
	}
	for _, id := range missing {
		if f := fileOf(id); required[f] || done[f] > 0 {
			t.Errorf("%s: entry %q has no ja translation", f, id)
		}
	}
	files := make([]string, 0, len(total))
	for f := range total {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		t.Logf("  %-28s %3d/%d", f, done[f], total[f])
	}
}
