package authoring

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/fix"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// PreviewOptions change the preview page.
type PreviewOptions struct {
	// Mentions renders owners as the bot would with mentions on.
	Mentions bool
	// Title heads the page.
	Title string
	// Lang renders the entries' translations into it and the comments'
	// own words in it, as a run with --lang does; "" is English.
	Lang string
}

// PreviewEntry is one entry as the preview page shows it.
type PreviewEntry struct {
	ID, Title, Source, Layer, Matchers, Owner, Severity string
	// Anchor is the id of the entry's section.
	Anchor string
	// Sample says where the shown finding comes from.
	Sample string
	// Path and Line are the sample finding's location.
	Path string
	Line int
	// Links are the entry's reference links.
	Links []string
	// Markdown is the comment body the bot would post.
	Markdown string
	// HTML is Markdown rendered as GitHub would show it.
	HTML template.HTML
	// FixDiff is the change the entry's fix makes to the manifest of its
	// first example that has one, as a unified diff; "" without.
	FixDiff string
}

// PreviewEntries renders every target entry of c as the inline PR comment
// the bot posts (reporters/comment.Inline) for a sample finding: the
// entry's first example when it has one, otherwise SampleFinding.
func PreviewEntries(c *Catalog, opts PreviewOptions) ([]PreviewEntry, error) {
	var out []PreviewEntry
	used := map[string]int{}
	shown := c.Catalog
	if opts.Lang != "" {
		shown = c.Catalog.WithLang(opts.Lang)
	}
	for _, e := range c.TargetEntries() {
		f, sample := SampleFinding(e), "sample finding built from the first matcher"
		if len(e.Examples) > 0 {
			xf, err := e.Examples[0].Finding.Finding()
			if err != nil {
				return nil, fmt.Errorf("preview entry %s: %w", e.ID, err)
			}
			f, sample = xf, "the entry's first example"
			if f.Path == "" {
				// An inline comment always sits on a file.
				f.Path, f.Line = SampleFinding(e).Path, 12
				sample += " (path and line added)"
			}
		}
		fixDiff := ""
		for i, x := range e.Examples {
			if x.Manifest == "" || len(e.Fix) == 0 {
				continue
			}
			if xf, fixed, err := ExampleFix(e, x); err == nil {
				fixDiff = fix.UnifiedDiff(xf.Path, x.Manifest, fixed)
				if i == 0 {
					f.Fixes = xf.Fixes // the comment shows the suggestion too
				}
			}
			break
		}
		if sev := c.EntrySeverity(e.ID); sev != translator.SeverityUnknown {
			f.Severity = sev
		}
		fs := translator.Findings{f}
		fs.AssignFingerprints()
		f.Runbook = shown.RenderEntry(e.ID, f)
		body, _ := comment.Inline(f, comment.Options{Mentions: opts.Mentions, Lang: opts.Lang})
		h, err := RenderGFM(body)
		if err != nil {
			return nil, fmt.Errorf("preview entry %s: %w", e.ID, err)
		}
		owner := e.Owner
		if e.OwnerFromCodeowners {
			owner = strings.TrimSpace(owner + " (CODEOWNERS of the finding's path)")
		}
		anchor := anchorOf(e.ID)
		if n := used[anchor]; n > 0 {
			anchor = fmt.Sprintf("%s-%d", anchor, n+1)
		}
		used[anchor]++
		out = append(out, PreviewEntry{
			ID: e.ID, Title: e.Title, Source: e.Source, Layer: c.LayerOf(e.ID),
			Matchers: DescribeMatchers(e.Match), Owner: owner, Severity: e.Severity,
			Anchor: anchor, Sample: sample, Path: f.Path, Line: f.Line, Links: e.Links,
			Markdown: body,
			// The HTML comes from RenderGFM: text escaped by goldmark, raw
			// HTML through the allow-list.
			HTML:    template.HTML(h),
			FixDiff: fixDiff,
		})
	}
	return out, nil
}

// anchorOf makes an HTML id from an entry id.
func anchorOf(id string) string {
	var b strings.Builder
	b.WriteString("entry-")
	for _, r := range strings.ToLower(id) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' || r == '_' || r == '.' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// DescribeMatchers renders matchers compactly: "trivy:KSV-0017,KSV017
// conftest:/pattern/ polaris:(default)".
func DescribeMatchers(ms []runbooks.Matcher) string {
	var parts []string
	for _, m := range ms {
		prefix := ""
		if m.Tool != "" {
			prefix = m.Tool + ":"
		}
		switch {
		case m.Default:
			parts = append(parts, prefix+"(default)")
		case m.Message != "":
			parts = append(parts, prefix+"/"+m.Message+"/")
		default:
			parts = append(parts, prefix+strings.Join(m.Codes, ","))
		}
	}
	return strings.Join(parts, " ")
}

// WritePreview writes the preview page: a table of contents, and per entry
// its id, source, layer and matchers above the comment as GitHub shows it.
// The page loads nothing and runs no script; its Content-Security-Policy
// forbids both, as a second line of defence behind the escaping.
func WritePreview(w io.Writer, c *Catalog, opts PreviewOptions) error {
	entries, err := PreviewEntries(c, opts)
	if err != nil {
		return err
	}
	if opts.Title == "" {
		opts.Title = "Runbook catalog preview"
	}
	var layers []string
	for _, l := range c.Layers() {
		layers = append(layers, l.Name)
	}
	return previewPage().Execute(w, map[string]any{
		"Title":   opts.Title,
		"Lang":    pageLang(opts.Lang),
		"Entries": entries,
		"Layers":  strings.Join(layers, " → "),
	})
}

// pageLang is the page's lang attribute: a language of the table, or en.
func pageLang(l string) string {
	if messages.Known(l) {
		return l
	}
	return messages.Default
}

// previewPage is parsed on first use: only `runbooks preview` writes it,
// and every start-up of the binary would otherwise parse it.
var previewPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("preview").Parse(previewSource))
})

const previewSource = `<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { margin: 0; background: #f6f8fa; color: #1f2328; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.page { max-width: 980px; margin: 0 auto; padding: 24px 16px 64px; }
h1 { font-size: 24px; font-weight: 600; margin: 0 0 4px; }
.lead { color: #59636e; margin: 0 0 16px; }
nav { background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; padding: 8px 16px; margin-bottom: 24px; }
nav h2 { font-size: 16px; margin: 8px 0; }
nav ol { columns: 2; margin: 0; padding-left: 24px; }
nav a { color: #0969da; text-decoration: none; }
nav a:hover { text-decoration: underline; }
section.entry { margin: 0 0 32px; }
section.entry > h2 { font-size: 20px; font-weight: 600; border-bottom: 1px solid #d1d9e0; padding-bottom: 6px; }
table.meta { border-collapse: collapse; margin: 8px 0 12px; font-size: 12px; }
table.meta th { text-align: left; color: #59636e; font-weight: 600; padding: 2px 12px 2px 0; vertical-align: top; }
table.meta td { padding: 2px 0; word-break: break-word; }
.comment { background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; }
.comment-header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; border-radius: 6px 6px 0 0; padding: 8px 16px; color: #59636e; }
.comment-header strong { color: #1f2328; }
.bot { border: 1px solid #d1d9e0; border-radius: 2em; padding: 0 7px; font-size: 12px; margin-left: 4px; }
.markdown-body { padding: 16px; word-wrap: break-word; }
.markdown-body > :first-child { margin-top: 0; }
.markdown-body > :last-child { margin-bottom: 0; }
.markdown-body p, .markdown-body ul, .markdown-body ol, .markdown-body pre, .markdown-body table, .markdown-body blockquote, .markdown-body details { margin: 0 0 16px; }
.markdown-body code { background: rgba(129,139,152,.12); border-radius: 6px; padding: .2em .4em; font: 85% ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace; }
.markdown-body pre { background: #f6f8fa; border-radius: 6px; padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45; }
.markdown-body pre code { background: none; padding: 0; font-size: 100%; }
.markdown-body a { color: #0969da; }
.markdown-body blockquote { border-left: .25em solid #d1d9e0; color: #59636e; padding: 0 1em; }
.markdown-body table { border-collapse: collapse; }
.markdown-body th, .markdown-body td { border: 1px solid #d1d9e0; padding: 6px 13px; }
.markdown-body summary { cursor: pointer; }
pre.fix { background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; padding: 8px 16px; overflow: auto; font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
</style>
</head>
<body>
<div class="page">
<h1>{{.Title}}</h1>
<p class="lead">{{len .Entries}} entries · layers: {{.Layers}} · each entry is shown as the inline pull request comment runbook-translator posts for a sample finding.</p>
<nav id="toc">
<h2>Contents</h2>
<ol>
{{- range .Entries}}
<li><a href="#{{.Anchor}}">{{.Title}}</a> <code>{{.ID}}</code></li>
{{- end}}
</ol>
</nav>
{{range .Entries -}}
<section class="entry" id="{{.Anchor}}">
<h2>{{.Title}}</h2>
<table class="meta">
<tr><th>id</th><td><code>{{.ID}}</code></td></tr>
<tr><th>source</th><td><code>{{.Source}}</code> (layer {{.Layer}})</td></tr>
<tr><th>matchers</th><td><code>{{.Matchers}}</code></td></tr>
{{- if .Owner}}
<tr><th>owner</th><td>{{.Owner}}</td></tr>
{{- end}}
{{- if .Severity}}
<tr><th>severity</th><td>{{.Severity}}</td></tr>
{{- end}}
<tr><th>shown for</th><td>{{.Sample}}</td></tr>
</table>
<div class="comment">
<div class="comment-header"><strong>runbook-translator</strong><span class="bot">bot</span> commented on <code>{{.Path}}</code>{{if .Line}} line {{.Line}}{{end}}</div>
<div class="comment-body markdown-body">
{{.HTML}}
</div>
</div>
{{- if .FixDiff}}
<h3>Suggested fix, on the manifest of the example</h3>
<pre class="fix">{{.FixDiff}}</pre>
{{- end}}
</section>
{{end -}}
</div>
</body>
</html>
`
