package github

import (
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/markdown"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/reporters"
)

// Limits of annotation fields, shared by the check run and the workflow
// commands (the runner turns ::error commands into check annotations).
const (
	// annotationMaxTitle: "The maximum size is 255 characters."
	annotationMaxTitle = 255
	// annotationMaxMessage: message and raw_details, "The maximum size is
	// 64 KB."; 64,000 bytes is under it whether KB means 1000 or 1024.
	annotationMaxMessage = 64000
)

// SummaryFunc renders the Markdown summary of a run in at most maxBytes
// bytes. cmd builds one from reporters.Markdown with ReporterSummary; when
// a reporter's Summary is nil, a short built-in summary is used.
type SummaryFunc func(ctx context.Context, run *translator.Run, maxBytes int) (string, error)

// ReporterSummary adapts a local reporter that writes Markdown into a
// SummaryFunc, e.g.
//
//	github.ReporterSummary(func(w io.Writer, max int) reporters.Reporter {
//		return &reporters.Markdown{Out: w, MaxBytes: max}
//	})
func ReporterSummary(newReporter func(w io.Writer, maxBytes int) reporters.Reporter) SummaryFunc {
	return func(ctx context.Context, run *translator.Run, maxBytes int) (string, error) {
		var b strings.Builder
		if err := newReporter(&b, maxBytes).Report(ctx, run); err != nil {
			return "", fmt.Errorf("render summary: %w", err)
		}
		return b.String(), nil
	}
}

// annRenderSummary calls fn (or the built-in summary) and bounds the result to
// maxBytes with a notice, whatever the renderer did.
func annRenderSummary(ctx context.Context, fn SummaryFunc, run *translator.Run, maxBytes int) (string, error) {
	if fn == nil {
		fn = annBasicSummary
	}
	s, err := fn(ctx, run, maxBytes)
	if err != nil {
		return "", err
	}
	return markdown.Cut(s, maxBytes, messages.T(run.Lang, "ann.summary_truncated")), nil
}

// annBasicSummary is the built-in summary: counts, then one line per finding,
// ignored ones last. Every untrusted string is escaped.
func annBasicSummary(_ context.Context, run *translator.Run, maxBytes int) (string, error) {
	l := run.Lang
	var b strings.Builder
	b.WriteString("## runbook-translator\n\n")
	b.WriteString(annCounts(l, run.Findings.Count()) + "\n\n")
	fs := annSorted(run.Findings)
	for _, f := range fs {
		if f.Ignored() {
			continue
		}
		fmt.Fprintf(&b, "- **%s** %s %s: %s\n", messages.Severity(l, f.Severity.String()), annLocationMD(l, f), markdown.Escape(annOneLine(f.TitleOrCode())),
			markdown.Escape(annOneLine(f.Message)))
	}
	first := true
	for _, f := range fs {
		if !f.Ignored() {
			continue
		}
		if first {
			b.WriteString(messages.T(l, "ann.ignored_heading"))
			first = false
		}
		note := ""
		if n := f.Suppressed.ExpiryNote(); n != "" {
			note = "; " + n
		}
		b.WriteString(messages.T(l, "ann.ignored_item", annLocationMD(l, f), markdown.Escape(annOneLine(f.TitleOrCode())),
			markdown.Escape(annOneLine(f.Message)), markdown.Escape(annOneLine(f.Suppressed.Reason))+note))
	}
	return b.String(), nil
}

func annLocationMD(l string, f *translator.Finding) string {
	if f.Path == "" {
		return messages.T(l, "md.no_file")
	}
	if f.Line > 0 {
		return markdown.Code(fmt.Sprintf("%s:%d", f.Path, f.Line))
	}
	return markdown.Code(f.Path)
}

// annCounts is "2 errors, 1 warning, 0 notices (3 ignored)".
func annCounts(l string, c translator.Counts) string {
	s := messages.T(l, "ann.counts", messages.N(l, "ann.n_errors", c.Error), messages.N(l, "ann.n_warnings", c.Warning), messages.N(l, "ann.n_notices", c.Info))
	if c.Ignored > 0 {
		s += messages.T(l, "ann.ignored_count", c.Ignored)
	}
	return s
}

// annSorted returns the findings sorted by path, line, column, tool and
// code without reordering the run's own slice.
func annSorted(fs translator.Findings) translator.Findings {
	out := append(translator.Findings(nil), fs...)
	out.Sort()
	return out
}

// annOneLine collapses whitespace, newlines included, and drops control
// characters.
func annOneLine(s string) string {
	return strings.Join(strings.Fields(markdown.Sanitize(s)), " ")
}

// annBoundRunes cuts s to at most n characters, marking the cut with "…".
func annBoundRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// annotationTitle is the runbook title (or the tool's rule title, or tool
// and code), on one line and at most 255 characters.
func annotationTitle(f *translator.Finding) string {
	return annBoundRunes(annOneLine(f.TitleOrCode()), annotationMaxTitle)
}

// annotationMessage is the finding's message and a short pointer to its
// runbook, as plain text (annotations are not rendered as Markdown),
// bounded to annotationMaxMessage bytes.
func annotationMessage(l string, f *translator.Finding, noLine bool) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(markdown.Sanitize(f.Message)))
	if noLine {
		// GitHub requires start_line >= 1: the annotation is on line 1.
		b.WriteString(" " + messages.T(l, "ann.no_line"))
	}
	b.WriteString("\n\n")
	if tc := strings.TrimSpace(f.Tool + " " + f.Code); tc != "" {
		b.WriteString(annOneLine(tc))
	}
	if f.Resource != "" {
		b.WriteString(messages.T(l, "ann.on", annOneLine(f.Resource)))
	}
	b.WriteString("\n")
	switch rb := f.Runbook; {
	case rb == nil:
	case rb.IsFallback():
		b.WriteString(messages.T(l, "ann.fallback"))
	default:
		b.WriteString(messages.T(l, "ann.runbook", annOneLine(rb.Title), annOneLine(rb.ID)))
		if rb.Owner != "" {
			b.WriteString(messages.T(l, "ann.owner", annOneLine(rb.Owner)))
		}
		if len(rb.Links) > 0 {
			b.WriteString("\n" + annOneLine(rb.Links[0]))
		}
	}
	if f.Suppressed != nil && f.Suppressed.Expired {
		b.WriteString(messages.T(l, "ann.expired", annOneLine(f.Suppressed.Expires)))
	}
	return markdown.Truncate(strings.TrimRight(b.String(), "\n"), annotationMaxMessage, messages.T(l, "ann.truncated"))
}

// annotationDetails is the rendered runbook, bounded; "" without one.
func annotationDetails(l string, f *translator.Finding) string {
	if f.Runbook == nil || f.Runbook.Body == "" {
		return ""
	}
	return markdown.Truncate(markdown.Sanitize(f.Runbook.Body), annotationMaxMessage, messages.T(l, "ann.runbook_truncated"))
}

// annotationLines is the 1-based line range GitHub accepts (start >= 1,
// end >= start), and whether the tool gave no line.
func annotationLines(f *translator.Finding) (start, end int, noLine bool) {
	start, end = f.Line, f.EndLine
	if start < 1 {
		start, end, noLine = 1, 1, true
	}
	if end < start {
		end = start
	}
	return start, end, noLine
}

// annotationColumns is the column range, only on single-line annotations:
// "Annotations only support start_column and end_column on the same line."
func annotationColumns(f *translator.Finding, start, end int) (col, endCol int) {
	if start != end || f.Column < 1 || f.Line < 1 {
		return 0, 0
	}
	col, endCol = f.Column, f.EndColumn
	if endCol < col {
		endCol = col
	}
	return col, endCol
}
