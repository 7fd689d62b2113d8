package authoring

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

const hostile = "testdata/hostile"

func TestRenderGFMKeepsOnlyAllowedTags(t *testing.T) {
	for _, tc := range []struct{ md, want, not string }{
		{"<details><summary>Details</summary>\n\n- a\n\n</details>\n", "<details><summary>Details</summary>", ""},
		{"<DETAILS OPEN>\n\nx\n\n</DETAILS>\n", "<details open>", ""},
		{"a <script>alert(1)</script> b\n", "a &lt;script&gt;alert(1)&lt;/script&gt; b", "<script"},
		{"<script>\nalert(2)\n</script>\n", "&lt;script&gt;", "<script"},
		{"x <img src=x onerror=alert(1)> y\n", "&lt;img src=x onerror=alert(1)&gt;", "<img"},
		{"<details ontoggle=alert(1)>\n\nx\n\n</details>\n", "&lt;details ontoggle=alert(1)&gt;", "<details"},
		{"a<br>b <sub>1</sub><sup>2</sup> <code>c</code>\n", "a<br>b <sub>1</sub><sup>2</sup> <code>c</code>", ""},
		{"[x](javascript:alert(1))\n", `<a href="">x</a>`, "javascript:"},
		{"hidden <!-- runbook-translator: {\"v\":1} --> marker\n", "hidden  marker", "runbook-translator"},
		{"| a | b |\n|---|---|\n| 1 | ~~2~~ |\n\nsee https://example.com\n", "<del>2</del>", ""},
		{"see https://example.com/x\n", `<a href="https://example.com/x">https://example.com/x</a>`, ""},
	} {
		got, err := RenderGFM(tc.md)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, tc.want) || (tc.not != "" && strings.Contains(got, tc.not)) {
			t.Errorf("RenderGFM(%q) =\n%s\nwant it to contain %q and not %q", tc.md, got, tc.want, tc.not)
		}
	}
}

func previewHTML(t *testing.T, paths ...string) string {
	t.Helper()
	c, err := Load(paths, false)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WritePreview(&b, c, PreviewOptions{}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestPreviewPage(t *testing.T) {
	page := previewHTML(t, org, repo, hostile)
	lower := strings.ToLower(page)
	// Hostile text shows escaped ("&lt;b onclick=…"); no such element exists.
	for _, bad := range []string{"<script", "<img", "<b ", `href="javascript`, "<em>", "<!--"} {
		if strings.Contains(lower, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, want := range []string{
		`<a href="#entry-hostile">Hostile &lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; entry</a>`,
		`<section class="entry" id="entry-org-team-label">`,
		"<code>../testdata/catalogs/org/kubernetes.yaml:60</code> (layer ../testdata/catalogs/org)",
		"<code>kube-linter:shop-team-label</code>",
		"(CODEOWNERS of the finding&#39;s path)",
		"<details open><summary>More about &lt;em&gt;this&lt;/em&gt;</summary>",
		"<details><summary>Details</summary>",
		"<sub>sub</sub>",
		"fix-it --now",
		"# .runbook-translator.yaml",
		"Content-Security-Policy",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// One comment per entry, in the table of contents and as a section.
	if n := len(regexp.MustCompile(`<section class="entry"`).FindAllString(page, -1)); n != 5 {
		t.Errorf("%d sections, want 5 (4 org/repo entries + hostile)", n)
	}
	// The bot's own marker (an HTML comment) is hidden; the fake one in
	// the hostile message shows as text.
	if n := strings.Count(page, "runbook-translator: {"); n != 1 {
		t.Errorf("%d markers visible, want only the hostile message's", n)
	}
}

func TestPreviewBuiltinHasEveryEntry(t *testing.T) {
	c, err := Load(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	es, err := PreviewEntries(c, PreviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != len(c.Entries()) {
		t.Fatalf("%d previews for %d entries", len(es), len(c.Entries()))
	}
	seen := map[string]bool{}
	for _, e := range es {
		if seen[e.Anchor] {
			t.Errorf("duplicate anchor %s", e.Anchor)
		}
		seen[e.Anchor] = true
		if !strings.Contains(string(e.HTML), "<details><summary>Details</summary>") || e.Path == "" {
			t.Errorf("%s: comment without details or path", e.ID)
		}
		if strings.Contains(e.Markdown, "failed to render") {
			t.Errorf("%s: body failed to render", e.ID)
		}
	}
}
