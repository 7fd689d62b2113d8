package gitlab

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/runbook-translator/runbook-translator/diff"
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

// model builds the diff model of a merge request's diffs, and the old-side
// facts positions need, keyed by new path.
func model(ds []*gl.MergeRequestDiff) (*diff.Diff, map[string]fileInfo, error) {
	ps := make([]diff.Patch, 0, len(ds))
	info := make(map[string]fileInfo, len(ds))
	for _, d := range ds {
		patch := stripFileHeaders(d.Diff)
		status := ""
		switch {
		case d.NewFile:
			status = "added"
		case d.DeletedFile:
			status = "removed"
		case d.RenamedFile:
			status = "renamed"
		}
		p := d.NewPath
		if p == "" {
			p = d.OldPath
		}
		ps = append(ps, diff.Patch{Path: p, OldPath: d.OldPath, Status: status, Patch: patch})
		old, err := contextOldLines(patch)
		if err != nil {
			return nil, nil, fmt.Errorf("read diff of %s: %w", p, err)
		}
		oldPath := d.OldPath
		if oldPath == "" {
			oldPath = p // GitLab wants old_path = new_path for added files
		}
		info[diff.CleanPath(p)] = fileInfo{newPath: p, oldPath: oldPath, oldLines: old}
	}
	m, err := diff.FromPatches(ps)
	if err != nil {
		return nil, nil, fmt.Errorf("read merge request diffs: %w", err)
	}
	return m, info, nil
}
