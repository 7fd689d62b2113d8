package reporters

import (
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/patch"
	"github.com/runbook-translator/runbook-translator/messages"
)

// maxFixDiffLines bounds the diff -v prints for one finding.
const maxFixDiffLines = 200

// fix prints a finding's first fix as a unified diff (-v), or why the
// catalog entry's fix gave none:
//
//	fix: set runAsNonRoot (runbook:psa-run-as-non-root)
//	  --- a/k8s/web.yaml
//	  +++ b/k8s/web.yaml
//	  @@ -20,3 +20,3 @@
//	  ...
func (t *Text) fix(f *translator.Finding) {
	l := t.lang()
	label := messages.T(l, "text.fix")
	if len(f.Fixes) == 0 {
		if f.FixNote != "" {
			t.lines(indent+label, indent+"  ", messages.T(l, "text.fix_none", terminal(oneLine(fixNote(l, f)))), ansiDim)
		}
		return
	}
	fx := f.Fixes[0]
	head := terminal(oneLine(fx.Description))
	if head == "" {
		head = messages.T(l, "text.fix_suggested")
	}
	if fx.Source != "" {
		head += " (" + terminal(oneLine(fx.Source)) + ")"
	}
	if n := len(f.Fixes) - 1; n > 0 {
		head += messages.N(l, "text.fix_more", n)
	}
	t.lines(indent+label, indent+"  ", head, ansiGreen)
	d, err := fixDiff(fx, t.opts.ReadFile)
	if err != nil {
		t.lines(indent+"  ", indent+"  ", messages.T(l, "text.fix_no_diff", terminal(oneLine(messages.ErrorIn(err, l)))), ansiYellow)
		return
	}
	ls := strings.Split(strings.TrimSuffix(terminal(d), "\n"), "\n")
	if len(ls) > maxFixDiffLines {
		more := len(ls) - maxFixDiffLines
		ls = append(ls[:maxFixDiffLines], messages.N(l, "text.fix_more_lines", more))
	}
	for _, l := range ls {
		color := ""
		switch {
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
			color = ansiBold
		case strings.HasPrefix(l, "+"):
			color = ansiGreen
		case strings.HasPrefix(l, "-"):
			color = ansiRed
		case strings.HasPrefix(l, "@@"):
			color = ansiCyan
		}
		t.lines(indent+"  ", indent+"  ", l, color)
	}
}

// fixDiff is the unified diff of a fix against the checkout's files.
func fixDiff(fx translator.Fix, read func(string) ([]byte, error)) (string, error) {
	if read == nil {
		return "", messages.Errorf("fixdiff.no_files")
	}
	var b strings.Builder
	for _, p := range patch.Paths(fx) {
		src, err := read(p)
		if err != nil {
			return "", messages.Errorf("fixdiff.unreadable", p, messages.Of(err))
		}
		edits, _ := patch.ForFile(fx, p)
		nw, err := patch.Apply(src, edits)
		if err != nil {
			return "", messages.Errorf("fixdiff.no_apply", p, messages.Of(err))
		}
		b.WriteString(patch.Unified(p, src, nw))
	}
	if b.Len() == 0 {
		return "", messages.Errorf("fixdiff.nothing")
	}
	return b.String(), nil
}
