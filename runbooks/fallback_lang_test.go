package runbooks

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	translator "github.com/runbook-translator/runbook-translator"
)

// TestFallbackJapanese: a catalog in Japanese gives the Japanese fallback
// body, which is still the fallback (reporters tell it by its Entry), and
// whose code spans survive Japanese text around them.
func TestFallbackJapanese(t *testing.T) {
	c := Merge().WithLang("ja")
	f := &translator.Finding{Tool: "kube-score", Code: "container_resources", Message: "CPU limit is not set",
		Remediation: "Set resources.limits.cpu", URL: "https://example.com/doc"}
	rb := c.Render(f)
	if !rb.IsFallback() || rb.Error != "" || rb.Title != "kube-score container_resources" {
		t.Fatalf("runbook = %+v", rb)
	}
	for _, want := range []string{
		"**修正方法 (kube-score):** Set resources.limits.cpu",
		"ドキュメント: <https://example.com/doc>",
		"*`kube-score` の `container_resources` に対応する Runbook エントリはまだありません。*",
		"`{tool: kube-score, codes: [container_resources]}`",
		"`runbook-translator runbooks show container_resources --tool kube-score` で確認できます",
	} {
		if !strings.Contains(rb.Body, want) {
			t.Errorf("ja fallback lacks %q:\n%s", want, rb.Body)
		}
	}
	var html bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte(rb.Body), &html); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"<code>{tool: kube-score, codes: [container_resources]}</code>",
		"<code>runbook-translator runbooks show container_resources --tool kube-score</code>",
		"<em><code>kube-score</code> の <code>container_resources</code> に対応する Runbook エントリはまだありません。</em>",
		"<strong>修正方法 (kube-score):</strong>",
	} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("rendered ja fallback lacks %q:\n%s", want, html.String())
		}
	}
	if strings.Contains(html.String(), "`") {
		t.Errorf("a backtick is left over, a code span did not close:\n%s", html.String())
	}
	// Every combination of tool and code keeps the emphasis one span (a
	// space after the opening "*" would make it a list item instead).
	for _, v := range []*translator.Finding{{Tool: "trivy", Code: "X-1"}, {Code: "X-1"}, {Tool: "trivy"}, {}} {
		body := c.Render(v).Body
		var h bytes.Buffer
		if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte(body), &h); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(h.String(), "<em>") || strings.Contains(h.String(), "<li>") || strings.Contains(h.String(), "`") {
			t.Errorf("tool %q code %q: emphasis or code span broken:\n%s\n%s", v.Tool, v.Code, body, h.String())
		}
	}
	// Without a code or tool, and in English again.
	if bare := c.Render(&translator.Finding{Tool: "x"}); bare.Error != "" || !strings.Contains(bare.Body, "(この指摘にはコードがありません)") {
		t.Errorf("bare ja fallback = %+v", bare)
	}
	if en := Merge().Render(f); !strings.Contains(en.Body, "No runbook entry covers") {
		t.Errorf("the English catalog changed:\n%s", en.Body)
	}
}
