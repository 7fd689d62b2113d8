package gitlab

import (
	"fmt"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
	"github.com/runbook-translator/runbook-translator/reporters/forge/lifecycle"
)

// maxSuggestionReach is how far a suggestion may reach from the commented
// line: "Suggestions for multiple lines are limited to 100 lines above and
// 100 lines below the commented diff line"
// (docs.gitlab.com/user/project/merge_requests/reviews/suggestions,
// "Multi-line suggestions").
const maxSuggestionReach = 100

// suggestion decides how a finding's first fix shows in its thread. A
// GitLab suggestion is a ```suggestion:-N+M block: it replaces the
// commented line, N lines above it and M below ("suggestion:-3+4
// translates into replace from the commented (this) line to 3 lines above
// and 4 lines below", gitlab-org/gitlab-foss!25211, which the docs' "Suggest
// changes" page documents), counted from the thread's new_line (the last
// line of a multi-line thread, gitlab-org/gitlab#299274). The thread stays
// where the finding is; the block covers the fix's lines and the commented
// line, so lines between them are repeated unchanged. A file-level thread
// has no line to count from: it shows the patch as a diff block.
func (r *Discussions) suggestion(dm *diff.Diff) func(*translator.Finding, *lifecycle.Draft, string) string {
	return func(f *translator.Finding, d *lifecycle.Draft, lang string) string {
		file, _ := dm.File(f.Path)
		p := comment.PrepareFix(f, r.opts.ReadFile, file, lang)
		if p == nil {
			return ""
		}
		if len(p.Fix.Edits) == 0 || p.Why != "" {
			return p.View(lang, "").Markdown()
		}
		if d.File || d.Line <= 0 {
			return p.View(lang, messages.T(lang, "gitlab.fix_no_line")).Markdown()
		}
		b := p.Block
		from, to := min(d.Line, b.Start), max(d.Line, b.End)
		above, below := d.Line-from, to-d.Line
		if above > maxSuggestionReach || below > maxSuggestionReach {
			return p.View(lang, messages.T(lang, "gitlab.fix_too_far", b.Start, b.End, maxSuggestionReach, d.Line)).Markdown()
		}
		var lines []string
		for n := from; n < b.Start; n++ {
			l, ok := p.OldLine(n)
			if !ok {
				return p.View(lang, messages.T(lang, "gitlab.fix_unreadable", n, f.Path)).Markdown()
			}
			if head, shown := file.Text(n); shown && head != l {
				return p.View(lang, messages.T(lang, "gitlab.fix_head_differs", n, f.Path)).Markdown()
			}
			lines = append(lines, l)
		}
		for _, l := range b.New {
			lines = append(lines, strings.TrimSuffix(l, "\r"))
		}
		for n := b.End + 1; n <= to; n++ {
			l, ok := p.OldLine(n)
			if !ok {
				return p.View(lang, messages.T(lang, "gitlab.fix_unreadable", n, f.Path)).Markdown()
			}
			if head, shown := file.Text(n); shown && head != l {
				return p.View(lang, messages.T(lang, "gitlab.fix_head_differs", n, f.Path)).Markdown()
			}
			lines = append(lines, l)
		}
		x := &comment.Fix{Source: p.Fix.Source, Description: p.Fix.Description,
			Suggestion: fmt.Sprintf("suggestion:-%d+%d", above, below), Lines: lines, Lang: lang}
		return x.Markdown()
	}
}
