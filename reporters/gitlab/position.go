package gitlab

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The diff package models the new side only. A GitLab position on an
// unchanged line needs its old-side number too ("include both
// position[new_line] and position[old_line]"), so this file reads the
// old side of GitLab's per-file diffs as well.

var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@`)

// stripFileHeaders drops "diff --git", "---" and "+++" lines before the
// first hunk: GitLab omits them, except with unidiff=true and on some
// older versions, and diff.ParsePatch wants the hunks alone.
func stripFileHeaders(patch string) string {
	if strings.HasPrefix(patch, "@@") || patch == "" {
		return patch
	}
	if i := strings.Index(patch, "\n@@"); i >= 0 {
		return patch[i+1:]
	}
	return ""
}

// contextOldLines maps the new-side number of every context line of a
// patch to its old-side number.
func contextOldLines(patch string) (map[int]int, error) {
	out := map[int]int{}
	old, nw, in := 0, 0, false
	for i, l := range strings.Split(patch, "\n") {
		if strings.HasPrefix(l, "@@") {
			m := hunkHeader.FindStringSubmatch(l)
			if m == nil {
				return nil, fmt.Errorf("line %d: bad hunk header %.80q", i+1, l)
			}
			old, _ = strconv.Atoi(m[1])
			nw, _ = strconv.Atoi(m[2])
			in = true
			continue
		}
		if !in || l == "" {
			continue
		}
		switch l[0] {
		case '+':
			nw++
		case '-':
			old++
		case ' ':
			out[nw] = old
			nw++
			old++
		}
	}
	return out, nil
}

// fileInfo is what a position needs beyond the diff model.
type fileInfo struct {
	newPath, oldPath string
	// oldLines maps context lines, new side to old side.
	oldLines map[int]int
}
