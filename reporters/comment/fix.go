package comment

import (
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/internal/patch"
	"github.com/runbook-translator/runbook-translator/markdown"
	"github.com/runbook-translator/runbook-translator/messages"
)

// Fix is how an inline comment shows a finding's first fix, as the forge
// reporter decided: a suggestion block the forge can apply, or the patch
// as a diff block with the reason it is not a suggestion.
type Fix struct {
	// Source is the fix's source ("runbook:<id>", or the tool).
	Source string
	// Description says what the fix does; may be empty.
	Description string
	// Suggestion is the info string of the suggestion block
	// ("suggestion" on GitHub, "suggestion:-N+M" on GitLab); empty when
	// the fix cannot be a suggestion. Lines replace the lines it covers.
	Suggestion string
	Lines      []string
	// Diff is the fix as a unified diff, shown when it is not a
	// suggestion ("" when not even that could be made).
	Diff string
	// Why says why the fix is not a suggestion.
	Why string
	// Lang is the language of the section's own words (Options.Lang).
	Lang string
}

// maxFixSection bounds the fix part of one comment: a fix that rewrites a
// whole manifest would crowd the runbook out of the 65,536 characters.
const maxFixSection = 16 << 10

// Markdown renders the section; "" for a zero Fix.
func (x *Fix) Markdown() string {
	if x == nil || (x.Suggestion == "" && x.Diff == "" && x.Why == "") {
		return ""
	}
	var b strings.Builder
	from := ""
	if x.Source != "" {
		from = " (" + markdown.Code(clip(x.Source, maxField)) + ")"
	}
	desc := ""
	if d := strings.TrimSpace(x.Description); d != "" {
		desc = ": " + escapeField(d)
	}
	l := x.Lang
	switch {
	case x.Suggestion != "":
		b.WriteString(messages.T(l, "comment.fix_suggested") + from + desc + "\n\n")
		text := strings.Join(x.Lines, "\n")
		fence := Fence(text)
		b.WriteString(fence + x.Suggestion + "\n")
		if len(x.Lines) > 0 {
			b.WriteString(text + "\n")
		}
		b.WriteString(fence + "\n\n")
	case x.Source == "" && x.Diff == "":
		// No fix at all: the catalog entry's fix: block gave none.
		b.WriteString(messages.T(l, "comment.fix_none", markdown.Escape(clip(x.Why, maxMessage))) + "\n\n")
	default:
		b.WriteString(messages.T(l, "comment.fix") + from + desc + "\n\n")
		if x.Why != "" {
			b.WriteString(messages.T(l, "comment.fix_not_suggestion", markdown.Escape(clip(x.Why, maxMessage))) + "\n\n")
		}
		if x.Diff != "" {
			fence := Fence(x.Diff)
			b.WriteString(fence + "diff\n" + strings.TrimSuffix(x.Diff, "\n") + "\n" + fence + "\n\n")
		}
	}
	if b.Len() > maxFixSection {
		n := len(x.Lines)
		if n == 0 {
			n = strings.Count(x.Diff, "\n")
		}
		return messages.T(l, "comment.fix") + from + desc + "\n\n" + messages.T(l, "comment.fix_too_long", n) + "\n\n"
	}
	return b.String()
}

// Fence returns a backtick fence longer than any run of backticks in
// text, and at least three: CommonMark closes a fenced block only with a
// fence "at least as long as the opening" one, so code holding ``` cannot
// end the block early (GitLab's docs, "Nest code blocks in suggestions",
// use four backticks for that reason).
func Fence(text string) string {
	longest, run := 0, 0
	for i := 0; i < len(text); i++ {
		if text[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// Prepared is a finding's first fix checked against the checkout and the
// request's diff, before a forge decides whether it can be a suggestion.
type Prepared struct {
	Fix translator.Fix
	// Path is the finding's file; Src its content in the checkout.
	Path string
	Src  []byte
	// Block is the whole-line replacement in Path (valid when Why is "").
	Block patch.Block
	// Diff is the unified diff of every file the fix changes.
	Diff string
	// Why, when set, says why the fix cannot be a suggestion at all.
	Why string
	// Lang is the language of Why and of the section (PrepareFix's).
	Lang string
}

// View returns the comment section, in lang, of a fix that is not a
// suggestion.
func (p *Prepared) View(lang, why string) *Fix {
	if why == "" {
		why = p.Why
	}
	if lang == "" {
		lang = p.Lang
	}
	return &Fix{Source: p.Fix.Source, Description: p.Fix.Description, Diff: p.Diff, Why: why, Lang: lang}
}

// PrepareFix reads the files f's first fix changes from the checkout
// (read takes a repository-relative path), applies it, and checks the
// lines it replaces against what the request's head has there (file, the
// forge's diff of f.Path; nil when the request does not change it). A
// suggestion is applied to the head, while the fix was computed from the
// checkout; when a line the diff shows differs (a checkout of another
// commit, such as GitHub's merge commit), the fix cannot be suggested,
// and Why says so, in lang. It returns nil when f has neither a fix nor a
// note.
func PrepareFix(f *translator.Finding, read func(string) ([]byte, error), file *diff.File, lang string) *Prepared {
	if len(f.Fixes) == 0 {
		if f.FixNote == "" {
			return nil
		}
		return &Prepared{Path: f.Path, Why: f.FixNoteText.Or(lang, f.FixNote), Lang: lang}
	}
	p := &Prepared{Fix: f.Fixes[0], Path: f.Path, Lang: lang}
	if read == nil {
		p.Why = messages.T(lang, "fix.no_checkout")
		return p
	}
	var diffs strings.Builder
	for _, path := range patch.Paths(p.Fix) {
		src, err := read(path)
		if err != nil {
			p.Why = messages.T(lang, "fix.unreadable", path, messages.ErrorIn(err, lang))
			return p
		}
		edits, _ := patch.ForFile(p.Fix, path)
		nw, err := patch.Apply(src, edits)
		if err != nil {
			p.Why = messages.T(lang, "fix.not_apply", path, messages.ErrorIn(err, lang))
			return p
		}
		diffs.WriteString(patch.Unified(path, src, nw))
		if path == diff.CleanPath(f.Path) {
			p.Src = src
		}
	}
	p.Diff = diffs.String()
	if p.Diff == "" {
		p.Why = messages.T(lang, "fix.no_change")
		return p
	}
	edits, others := patch.ForFile(p.Fix, f.Path)
	if others {
		p.Why = messages.T(lang, "fix.other_files", f.Path)
		return p
	}
	b, err := patch.Whole(p.Src, edits)
	if err != nil {
		p.Why = messages.T(lang, "fix.not_apply", f.Path, messages.ErrorIn(err, lang))
		return p
	}
	p.Block = b
	if b.End < b.Start {
		p.Why = messages.T(lang, "fix.empty", f.Path)
		return p
	}
	for i, old := range b.Old {
		n := b.Start + i
		if head, ok := file.Text(n); ok && head != strings.TrimSuffix(old, "\r") {
			p.Why = messages.T(lang, "fix.head_differs", n, f.Path)
			p.Diff = ""
			return p
		}
	}
	return p
}

// OldLine returns line n (1-based) of the checkout's copy of the
// finding's file, without its line break.
func (p *Prepared) OldLine(n int) (string, bool) {
	if n >= p.Block.Start && n <= p.Block.End {
		return strings.TrimSuffix(p.Block.Old[n-p.Block.Start], "\r"), true
	}
	lines := strings.Split(string(p.Src), "\n")
	if n < 1 || n > len(lines) || (n == len(lines) && lines[n-1] == "") {
		return "", false
	}
	return strings.TrimSuffix(lines[n-1], "\r"), true
}
