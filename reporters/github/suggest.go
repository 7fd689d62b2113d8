package github

import (
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
	"github.com/runbook-translator/runbook-translator/reporters/forge/lifecycle"
)

// suggestion decides how a finding's first fix shows in its review
// comment. GitHub applies a ```suggestion block by replacing exactly the
// lines the comment is on ("line", and "start_line" for a multi-line
// comment: "the first line in the pull request diff that your multi-line
// comment applies to", docs.github.com/en/rest/pulls/comments#create-a-review-comment-for-a-pull-request),
// and only lines of the diff's RIGHT side: the pull request page answers
// "Applying suggestions on deleted lines is not supported" and "This
// suggestion is invalid because no changes were made to the code"
// (googleapis/code-suggester#105 shows both). reviewdog refuses a
// suggestion whose lines are not the comment's ("GitHub comment range and
// suggestion line range must be same", service/github/github.go) and
// prefers placing the comment on the suggestion's lines; so does this: the
// comment moves onto the replaced lines when every one of them is shown
// in the diff. Consecutive shown lines are one hunk (git merges hunks
// whose context touches), which a multi-line comment needs ("start_line
// ... must be part of the same hunk"). Otherwise the comment stays where
// the finding is and shows the patch as a diff block, with the reason.
func (r *Reviewer) suggestion(model *diff.Diff) func(*translator.Finding, *lifecycle.Draft, string) string {
	return func(f *translator.Finding, d *lifecycle.Draft, lang string) string {
		file, _ := model.File(f.Path)
		p := comment.PrepareFix(f, r.opts.ReadFile, file, lang)
		if p == nil {
			return ""
		}
		if len(p.Fix.Edits) == 0 || p.Why != "" {
			return p.View(lang, "").Markdown()
		}
		b := p.Block
		switch {
		case d.File:
			return p.View(lang, messages.T(lang, "github.fix_not_in_diff")).Markdown()
		case b.End-b.Start > lifecycle.MaxSpan:
			return p.View(lang, messages.T(lang, "github.fix_too_many", b.End-b.Start+1, lifecycle.MaxSpan)).Markdown()
		}
		for n := b.Start; n <= b.End; n++ {
			if model.Line(f.Path, n) == diff.NotInDiff {
				return p.View(lang, messages.T(lang, "github.fix_not_shown", lineSpan(lang, b.Start, b.End), n)).Markdown()
			}
		}
		d.Line, d.StartLine = b.End, 0
		if b.End > b.Start {
			d.StartLine = b.Start
		}
		x := &comment.Fix{Source: p.Fix.Source, Description: p.Fix.Description, Suggestion: "suggestion", Lines: trimCR(b.New), Lang: lang}
		return x.Markdown()
	}
}

func lineSpan(l string, a, b int) string {
	if a == b {
		return messages.T(l, "fix.line", a)
	}
	return messages.T(l, "fix.lines", a, b)
}

func trimCR(ls []string) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = strings.TrimSuffix(l, "\r")
	}
	return out
}
