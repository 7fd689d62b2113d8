package fakegitlab

import (
	"strings"
)

// DiffsFromGit splits the output of `git diff -M base head` into the
// per-file diffs GitLab stores for a version: paths from the diff headers,
// the new/renamed/deleted flags, and the hunks without file headers.
func DiffsFromGit(out string) []Diff {
	var ds []Diff
	var cur *Diff
	var hunks []string
	flush := func() {
		if cur != nil {
			cur.Diff = strings.Join(hunks, "")
			ds = append(ds, *cur)
		}
		cur, hunks = nil, nil
	}
	for _, l := range strings.SplitAfter(out, "\n") {
		t := strings.TrimSuffix(l, "\n")
		switch {
		case strings.HasPrefix(t, "diff --git "):
			flush()
			cur = &Diff{}
			// "diff --git a/x b/x": exact for paths without " b/".
			if i := strings.LastIndex(t, " b/"); i > 0 {
				cur.OldPath = strings.TrimPrefix(t[len("diff --git "):i], "a/")
				cur.NewPath = t[i+3:]
			}
		case cur == nil:
		case len(hunks) > 0:
			hunks = append(hunks, l)
		case strings.HasPrefix(t, "@@ "):
			hunks = append(hunks, l)
		case strings.HasPrefix(t, "new file mode"):
			cur.NewFile = true
		case strings.HasPrefix(t, "deleted file mode"):
			cur.DeletedFile = true
		case strings.HasPrefix(t, "rename from "):
			cur.RenamedFile = true
			cur.OldPath = strings.TrimPrefix(t, "rename from ")
		case strings.HasPrefix(t, "rename to "):
			cur.NewPath = strings.TrimPrefix(t, "rename to ")
		}
	}
	flush()
	return ds
}
