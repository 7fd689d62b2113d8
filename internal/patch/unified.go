package patch

import (
	"fmt"
	"strings"
)

// Context is the number of unchanged lines a unified diff shows around a
// change (diff -u and git diff default to 3).
const Context = 3

// maxEditScript bounds the Myers search (the lines, after the common
// prefix and suffix are set aside, times the edit distance): past it the
// differing middle is shown as one replacement, which is still a correct
// diff, only not the shortest.
const maxEditScript = 4 << 20

type opKind byte

const (
	opEqual opKind = iota
	opDelete
	opInsert
)

type op struct {
	kind opKind
	a, b int // line index in old (a) and new (b)
}

// Unified returns the unified diff of old and new for path, as `diff -u`
// and `git diff` print it (--- a/path, +++ b/path, @@ hunks with 3 lines
// of context; "\ No newline at end of file" where a side lacks one). It
// returns "" when old and new are equal. The fix command and the
// reporters print fixes with it.
func Unified(path string, old, new []byte) string {
	if string(old) == string(new) {
		return ""
	}
	a, b := diffLines(old), diffLines(new)
	ops := script(a, b)
	var out strings.Builder
	fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n", path, path)
	// Group the ops into hunks: a change and Context lines either side;
	// two changes closer than 2*Context share a hunk.
	i := 0
	for i < len(ops) {
		for i < len(ops) && ops[i].kind == opEqual {
			i++
		}
		if i == len(ops) {
			break
		}
		start := max(i-Context, 0)
		end := i
		for {
			for end < len(ops) && ops[end].kind != opEqual {
				end++
			}
			// end is at an equal op (or the end); look for the next change
			j := end
			for j < len(ops) && ops[j].kind == opEqual {
				j++
			}
			if j < len(ops) && j-end <= 2*Context {
				end = j
				continue
			}
			end = min(end+Context, len(ops))
			break
		}
		writeHunk(&out, a, b, ops[start:end])
		i = end
	}
	return out.String()
}

func writeHunk(out *strings.Builder, a, b []string, ops []op) {
	var aStart, bStart, aN, bN int
	aStart, bStart = -1, -1
	for _, o := range ops {
		switch o.kind {
		case opEqual:
			aN++
			bN++
		case opDelete:
			aN++
		case opInsert:
			bN++
		}
		if aStart < 0 && o.kind != opInsert {
			aStart = o.a
		}
		if bStart < 0 && o.kind != opDelete {
			bStart = o.b
		}
	}
	// A side with no lines in the hunk is numbered after the line before
	// it (diff -u: "@@ -0,0 +1,2 @@" for a new file).
	if aStart < 0 {
		aStart = ops[0].a - 1
	}
	if bStart < 0 {
		bStart = ops[0].b - 1
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", rangeOf(aStart, aN), rangeOf(bStart, bN))
	for _, o := range ops {
		switch o.kind {
		case opEqual:
			writeLine(out, ' ', a[o.a])
		case opDelete:
			writeLine(out, '-', a[o.a])
		case opInsert:
			writeLine(out, '+', b[o.b])
		}
	}
}

func rangeOf(start, n int) string {
	if n == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	if n == 0 {
		return fmt.Sprintf("%d,0", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

func writeLine(out *strings.Builder, mark byte, l string) {
	out.WriteByte(mark)
	out.WriteString(l)
	if !strings.HasSuffix(l, "\n") {
		out.WriteString("\n\\ No newline at end of file\n")
	}
}

// diffLines splits text into lines that keep their "\n", so that a last
// line without one differs from the same line with one.
func diffLines(b []byte) []string {
	s := string(b)
	var out []string
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// script returns the edit script from a to b: the common prefix and
// suffix, and between them the shortest script (Myers' O(ND) algorithm)
// or, past maxEditScript, a replacement of the whole middle.
func script(a, b []string) []op {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []op
	for i := 0; i < pre; i++ {
		ops = append(ops, op{opEqual, i, i})
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	for _, o := range myers(ma, mb) {
		o.a += pre
		o.b += pre
		ops = append(ops, o)
	}
	for i := 0; i < suf; i++ {
		ops = append(ops, op{opEqual, len(a) - suf + i, len(b) - suf + i})
	}
	return ops
}

func myers(a, b []string) []op {
	n, m := len(a), len(b)
	whole := func() []op {
		var ops []op
		for i := range a {
			ops = append(ops, op{opDelete, i, 0})
		}
		for j := range b {
			ops = append(ops, op{opInsert, n, j})
		}
		return ops
	}
	if n == 0 || m == 0 {
		return whole()
	}
	maxD := n + m
	off := maxD + 1
	v := make([]int, 2*maxD+3)
	var trace [][]int
	cost := 0
	for d := 0; d <= maxD; d++ {
		cost += n + m
		if cost > maxEditScript {
			return whole()
		}
		snap := make([]int, 2*d+3)
		copy(snap, v[off-d-1:off+d+2])
		trace = append(trace, snap)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, n, m)
			}
		}
	}
	return whole()
}

// backtrack walks the saved frontiers from the end to the start. trace[d]
// holds v[-d-1..d+1] as it was before round d.
func backtrack(trace [][]int, n, m int) []op {
	var rev []op
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		snap := trace[d]
		get := func(k int) int { return snap[k+d+1] }
		k := x - y
		var prevK int
		if k == -d || (k != d && get(k-1) < get(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := get(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			rev = append(rev, op{opEqual, x - 1, y - 1})
			x--
			y--
		}
		if d > 0 {
			if x == prevX {
				rev = append(rev, op{opInsert, x, y - 1})
			} else {
				rev = append(rev, op{opDelete, x - 1, y})
			}
		}
		x, y = prevX, prevY
	}
	ops := make([]op, len(rev))
	for i, o := range rev {
		ops[len(rev)-1-i] = o
	}
	return ops
}
