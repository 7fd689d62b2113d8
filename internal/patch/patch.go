// Package patch turns a finding's edits (translator.Edit: 1-based lines,
// 1-based byte columns, end exclusive) into the forms reporters show: the
// patched file, the whole lines a forge suggestion replaces, and a unified
// diff. It is shared by the forge reporters (suggestions), the local
// report (-v) and the fix command.
package patch

import (
	pathpkg "path"
	"sort"
	"strings"
	"unicode/utf8"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/messages"
)

// ErrOverlap is returned (wrapped) when two edits overlap, or two
// insertions share one position (their order would be a guess).
var ErrOverlap = messages.Errorf("fixapply.overlap")

// Block is a whole-line replacement: lines Start..End (1-based,
// inclusive) of the old file, Old, become New. Lines carry no line
// terminator; a "\r" before it is kept in Old and dropped from neither.
// End is Start-1 only for an insertion into an empty file.
type Block struct {
	Start, End int
	Old, New   []string
	// NoEOL is set when the block's last new line is the file's last line
	// and has no line terminator.
	NoEOL bool
}

// offsets indexes the start of each line of src: starts[i] is the byte
// offset of line i+1. A final line without "\n" is a line; an empty file
// has one empty line.
func offsets(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineEnd is the offset just past line n's content (before its "\n").
func lineEnd(src []byte, starts []int, n int) int {
	end := len(src)
	if n < len(starts) {
		end = starts[n] - 1
	}
	if n == len(starts) && len(src) > 0 && src[len(src)-1] == '\n' {
		end = len(src) - 1
	}
	return end
}

// offset converts a 1-based (line, byte column) to a byte offset of src.
// The position just past the last line ((lines+1, 1)) is the end of the
// file, so that a whole-line edit of the last line is (n, 1)-(n+1, 1).
func offset(src []byte, starts []int, line, col int) (int, error) {
	if line < 1 || col < 1 {
		return 0, messages.Errorf("fixapply.start_at_1", line, col)
	}
	if line == len(starts)+1 && col == 1 {
		return len(src), nil
	}
	if line > len(starts) {
		return 0, messages.Errorf("fixapply.lines", line, col, len(starts))
	}
	start := starts[line-1]
	end := lineEnd(src, starts, line)
	if col-1 > end-start {
		return 0, messages.Errorf("fixapply.line_bytes", line, col, line, end-start)
	}
	off := start + col - 1
	if off < len(src) && !utf8.RuneStart(src[off]) {
		return 0, messages.Errorf("fixapply.splits_char", line, col)
	}
	return off, nil
}

type span struct {
	s, e int
	text string
}

// spans resolves and orders the edits; they must not overlap.
func spans(src []byte, edits []translator.Edit) ([]span, error) {
	if len(edits) == 0 {
		return nil, messages.Errorf("fixapply.no_edits")
	}
	starts := offsets(src)
	out := make([]span, 0, len(edits))
	for _, e := range edits {
		if cleanPath(e.Path) != cleanPath(edits[0].Path) {
			return nil, messages.Errorf("fixapply.one_file", edits[0].Path, e.Path)
		}
		s, err := offset(src, starts, e.StartLine, e.StartColumn)
		if err != nil {
			return nil, messages.Errorf("fixapply.edit_start", messages.Of(err))
		}
		end, err := offset(src, starts, e.EndLine, e.EndColumn)
		if err != nil {
			return nil, messages.Errorf("fixapply.edit_end", messages.Of(err))
		}
		if end < s {
			return nil, messages.Errorf("fixapply.backwards", e.StartLine, e.StartColumn, e.EndLine, e.EndColumn)
		}
		out = append(out, span{s, end, e.Text})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].s < out[j].s || (out[i].s == out[j].s && out[i].e < out[j].e) })
	for i := 1; i < len(out); i++ {
		if out[i].s < out[i-1].e || out[i].s == out[i-1].s {
			return nil, ErrOverlap
		}
	}
	return out, nil
}

// Apply returns src with the edits applied. All edits must be for one file
// and must not overlap.
func Apply(src []byte, edits []translator.Edit) ([]byte, error) {
	sp, err := spans(src, edits)
	if err != nil {
		return nil, err
	}
	return apply(src, sp), nil
}

func apply(src []byte, sp []span) []byte {
	var b strings.Builder
	prev := 0
	for _, x := range sp {
		b.WriteString(string(src[prev:x.s]))
		b.WriteString(x.text)
		prev = x.e
	}
	b.WriteString(string(src[prev:]))
	return []byte(b.String())
}

// Whole turns the edits into one whole-line replacement covering every
// line they touch. A pure insertion between lines (at column 1, ending in
// a line break) touches no line: it is anchored on the line before it, or
// on the line after it at the top of the file, because a forge suggestion
// replaces lines and cannot insert between them.
func Whole(src []byte, edits []translator.Edit) (Block, error) {
	sp, err := spans(src, edits)
	if err != nil {
		return Block{}, err
	}
	nw := apply(src, sp)
	delta := len(nw) - len(src)
	atLineStart := func(o int) bool { return o == 0 || o == len(src) || src[o-1] == '\n' }
	nextLineEnd := func(o int) int { // past the "\n" of the line holding o
		for o < len(src) && src[o] != '\n' {
			o++
		}
		if o < len(src) {
			o++
		}
		return o
	}
	s, e := sp[0].s, sp[len(sp)-1].e
	for s > 0 && src[s-1] != '\n' {
		s--
	}
	if !atLineStart(e) {
		e = nextLineEnd(e)
	}
	// The new side must end at a line boundary too: a replacement that
	// does not end in a line break joins the line after it.
	for e < len(src) && e+delta > s && nw[e+delta-1] != '\n' {
		e = nextLineEnd(e)
	}
	if e == s && len(src) > 0 {
		// A pure insertion: take the line before, or the one after.
		if s > 0 {
			s--
			for s > 0 && src[s-1] != '\n' {
				s--
			}
		} else {
			e = nextLineEnd(e)
		}
	}
	b := Block{Start: 1 + strings.Count(string(src[:s]), "\n")}
	b.Old = splitLines(src[s:e])
	b.End = b.Start + len(b.Old) - 1
	newPart := nw[s : e+delta]
	b.New = splitLines(newPart)
	b.NoEOL = e+delta == len(nw) && len(newPart) > 0 && newPart[len(newPart)-1] != '\n'
	return b, nil
}

// splitLines splits text into lines without their "\n"; a final line
// break ends the last line rather than starting an empty one.
func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	s := strings.TrimSuffix(string(b), "\n")
	return strings.Split(s, "\n")
}

// Lines is Whole for callers that need only the numbers: lines
// startLine..endLine of src are replaced by newLines (without line
// terminators).
func Lines(src []byte, edits []translator.Edit) (startLine, endLine int, newLines []string, err error) {
	b, err := Whole(src, edits)
	if err != nil {
		return 0, 0, nil, err
	}
	return b.Start, b.End, b.New, nil
}

// ForFile returns the edits of fix for path, and whether the fix also
// changes other files. Paths compare cleaned ("./a/../b" is "b").
func ForFile(fix translator.Fix, path string) (edits []translator.Edit, others bool) {
	path = cleanPath(path)
	for _, e := range fix.Edits {
		if cleanPath(e.Path) == path {
			edits = append(edits, e)
		} else {
			others = true
		}
	}
	return edits, others
}

// Paths returns the files a fix changes, in the order of first edit.
func Paths(fix translator.Fix) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range fix.Edits {
		if p := cleanPath(e.Path); !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

func cleanPath(p string) string {
	if p == "" {
		return ""
	}
	return strings.TrimPrefix(pathpkg.Clean(strings.ReplaceAll(p, "\\", "/")), "./")
}
