package authoring

import (
	"bytes"
	"html"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"

	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

// The Markdown of a comment is rendered as GitHub renders it: GitHub-flavoured
// Markdown (tables, strikethrough, autolinks, task lists), then sanitised.
// GitHub keeps a list of harmless tags and drops the rest. We do not render
// raw HTML wholesale and clean it afterwards (a sanitiser over arbitrary
// HTML is the hard part); instead goldmark stays in its safe mode (it
// escapes text and refuses javascript: links) and only the raw HTML nodes
// of the parse tree go through allowTags: a tag on the short allow-list
// below is written in a canonical form without attributes, everything else
// (script, img, style, attributes, event handlers) is shown escaped, and
// HTML comments (the bot's hidden marker) are dropped as GitHub hides them.
//
// The converter is built on first use: only preview and lint render, and
// every start-up of the binary would otherwise pay for it.
var gfm = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(rawHTMLFilter{}, 100))),
	)
})

// allowedTag matches the tags the comments of runbook-translator use and
// GitHub keeps: details (optionally open), summary, br, sub, sup, code.
var allowedTag = lazyre.New(`(?i)^<(/?)(details|summary|br|sub|sup|code)(\s+open)?\s*/?>$`)

var (
	htmlComment = lazyre.New(`(?s)<!--.*?-->`)
	anyTag      = lazyre.New(`<[^<>]*>`)
)

// allowTags writes raw HTML from Markdown with only allowed tags kept.
func allowTags(w util.BufWriter, s string) {
	s = htmlComment().ReplaceAllString(s, "")
	last := 0
	for _, m := range anyTag().FindAllStringIndex(s, -1) {
		_, _ = w.WriteString(html.EscapeString(s[last:m[0]]))
		tag := s[m[0]:m[1]]
		if a := allowedTag().FindStringSubmatch(tag); a != nil {
			name := strings.ToLower(a[2])
			open := ""
			if a[1] == "" && name == "details" && a[3] != "" {
				open = " open"
			}
			if name == "br" {
				_, _ = w.WriteString("<br>")
			} else {
				_, _ = w.WriteString("<" + a[1] + name + open + ">")
			}
		} else {
			_, _ = w.WriteString(html.EscapeString(tag))
		}
		last = m[1]
	}
	_, _ = w.WriteString(html.EscapeString(s[last:]))
}

// rawHTMLFilter renders raw HTML nodes through allowTags.
type rawHTMLFilter struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (rawHTMLFilter) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHTMLBlock, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		b := n.(*ast.HTMLBlock)
		var buf bytes.Buffer
		if entering {
			for i := 0; i < b.Lines().Len(); i++ {
				seg := b.Lines().At(i)
				buf.Write(seg.Value(src))
			}
			if b.HasClosure() {
				buf.Write(b.ClosureLine.Value(src))
			}
			allowTags(w, buf.String())
		}
		return ast.WalkContinue, nil
	})
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkSkipChildren, nil
		}
		r := n.(*ast.RawHTML)
		var buf bytes.Buffer
		for i := 0; i < r.Segments.Len(); i++ {
			seg := r.Segments.At(i)
			buf.Write(seg.Value(src))
		}
		allowTags(w, buf.String())
		return ast.WalkSkipChildren, nil
	})
}

// RenderGFM converts GitHub-flavoured Markdown to HTML the way a GitHub
// comment shows it (see the note on gfm).
func RenderGFM(md string) (string, error) {
	var b bytes.Buffer
	if err := gfm().Convert([]byte(md), &b); err != nil {
		return "", err
	}
	return b.String(), nil
}
