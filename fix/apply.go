package fix

import (
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/messages"
)

// LineEdits returns the whole-line edits that turn old into new: one per
// changed run of lines, so a suggestion shows only the lines that change.
func LineEdits(path, old, new string) []translator.Edit {
	a, b := rawLines(old), rawLines(new)
	// The lines before and after the change are equal and left out of the
	// matcher, whose cost grows with the square of what it compares: a
	// fix changes a few lines of a file that may be large.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	m := difflib.NewMatcher(a[pre:len(a)-suf], b[pre:len(b)-suf])
	var out []translator.Edit
	for _, op := range m.GetOpCodes() {
		if op.Tag == 'e' {
			continue
		}
		out = append(out, translator.Edit{
			Path:      path,
			StartLine: pre + op.I1 + 1, StartColumn: 1,
			EndLine: pre + op.I2 + 1, EndColumn: 1,
			Text: strings.Join(b[pre+op.J1:pre+op.J2], ""),
		})
	}
	return out
}

// rawLines cuts s into lines with their breaks; a last line without a
// break stays without one.
func rawLines(s string) []string {
	if s == "" {
		return nil
	}
	out := strings.SplitAfter(s, "\n")
	if out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// offset turns an edit position into a byte offset of src; a position
// one line past the last (a whole-line edit of the last line) is the end.
func offset(src string, lines []int, line, col int) (int, error) {
	if line == len(lines)+1 && col == 1 {
		return len(src), nil
	}
	if line < 1 || line > len(lines) || col < 1 {
		return 0, messages.Errorf("fixapply.outside", line, col, len(lines))
	}
	o := lines[line-1] + col - 1
	end := len(src)
	if line < len(lines) {
		end = lines[line]
	}
	if o > end {
		return 0, messages.Errorf("fixapply.past_eol", line, col)
	}
	return o, nil
}

func lineStarts(src string) []int {
	out := []int{0}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' && i+1 < len(src) {
			out = append(out, i+1)
		}
	}
	if src == "" {
		return nil
	}
	return out
}

// Apply applies edits of one file to src. Edits must not overlap; an
// insertion at the same place as another edit counts as an overlap (the
// order would be a guess).
func Apply(src string, edits []translator.Edit) (string, error) {
	ls := lineStarts(src)
	sps := make([]splice, 0, len(edits))
	for _, e := range edits {
		s, err := offset(src, ls, e.StartLine, e.StartColumn)
		if err != nil {
			return "", err
		}
		en, err := offset(src, ls, e.EndLine, e.EndColumn)
		if err != nil {
			return "", err
		}
		if en < s {
			return "", messages.Errorf("fixapply.backwards", e.StartLine, e.StartColumn, e.EndLine, e.EndColumn)
		}
		sps = append(sps, splice{start: s, end: en, text: e.Text})
	}
	for i := range sps {
		for j := i + 1; j < len(sps); j++ {
			if overlaps(sps[i], sps[j]) {
				return "", messages.Errorf("fixapply.overlap")
			}
		}
	}
	return applySplices(src, sps)
}

func overlaps(a, b splice) bool {
	if a.start == b.start {
		return true
	}
	return a.start < b.end && b.start < a.end
}

// Overlap reports whether two edits (of the same file) overlap, by
// position: their ranges share a byte, or both start at the same place.
func Overlap(a, b translator.Edit) bool {
	if a.Path != b.Path {
		return false
	}
	before := func(l1, c1, l2, c2 int) bool { return l1 < l2 || (l1 == l2 && c1 < c2) }
	if a.StartLine == b.StartLine && a.StartColumn == b.StartColumn {
		return true
	}
	return before(a.StartLine, a.StartColumn, b.EndLine, b.EndColumn) && before(b.StartLine, b.StartColumn, a.EndLine, a.EndColumn)
}

// UnifiedDiff is the change from old to new as a unified diff of path
// (a/path, b/path), with three lines of context; "" when they are equal.
func UnifiedDiff(path, old, new string) string {
	if old == new {
		return ""
	}
	d := difflib.UnifiedDiff{
		A: rawLinesNL(old), B: rawLinesNL(new),
		FromFile: "a/" + path, ToFile: "b/" + path, Context: 3,
	}
	s, err := difflib.GetUnifiedDiffString(d)
	if err != nil {
		return ""
	}
	return s
}

// rawLinesNL is rawLines with a note on a last line without a break, as
// diff(1) writes it.
func rawLinesNL(s string) []string {
	ls := rawLines(s)
	if n := len(ls); n > 0 && !strings.HasSuffix(ls[n-1], "\n") {
		ls[n-1] += "\n\\ No newline at end of file\n"
	}
	return ls
}
