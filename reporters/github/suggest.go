package github

import (
	"fmt"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
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
		p := comment.PrepareFix(f, r.opts.ReadFile, file)
		if p == nil {
			return ""
		}
		if len(p.Fix.Edits) == 0 || p.Why != "" {
			return p.View(lang, "").Markdown()
		}
		b := p.Block
		switch {
		case d.File:
			return p.View(lang, "the finding's line is not in the pull request's diff, and GitHub suggests changes only on lines the diff shows").Markdown()
		case b.End-b.Start > lifecycle.MaxSpan:
			return p.View(lang, fmt.Sprintf("it replaces %d lines, more than one comment spans here (%d)", b.End-b.Start+1, lifecycle.MaxSpan)).Markdown()
		}
		for n := b.Start; n <= b.End; n++ {
			if model.Line(f.Path, n) == diff.NotInDiff {
				return p.View(lang, fmt.Sprintf("it changes %s, and line %d is not shown in the pull request's diff: GitHub suggests changes only to lines of one hunk", lineSpan(b.Start, b.End), n)).Markdown()
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

func lineSpan(a, b int) string {
	if a == b {
		return fmt.Sprintf("line %d", a)
	}
	return fmt.Sprintf("lines %d–%d", a, b)
}

func trimCR(ls []string) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = strings.TrimSuffix(l, "\r")
	}
	return out
}
