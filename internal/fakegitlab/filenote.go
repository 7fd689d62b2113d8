package fakegitlab

// A thread on a whole file of the merge request diff: position_type
// "file" ("Allowed values: text, image, or file. file introduced in GitLab
// 16.4", docs.gitlab.com/api/discussions/#create-a-new-thread-in-the-merge-request-diff;
// gitlab-org/gitlab#423046). The documentation requires new_path and
// old_path only for text positions and says nothing of lines on a file
// position; the fake is the stricter one: new_path must name a file of
// the version's diff (old_path, when given, its old path), and no
// new_line, old_line or line_range may be given. A push never moves a
// file note to the new version (undocumented; stricter: it stays on its
// version, outdated, see outdate.go).

// filePositionValid applies those rules.
func filePositionValid(p *Position, versions []Version) bool {
	if p.PositionType != "file" || p.NewPath == "" || p.NewLine != nil || p.OldLine != nil || p.LineRange != nil {
		return false
	}
	for _, v := range versions {
		if v.BaseSHA != p.BaseSHA || v.StartSHA != p.StartSHA || v.HeadSHA != p.HeadSHA {
			continue
		}
		for _, d := range v.Diffs {
			if d.NewPath == p.NewPath && (p.OldPath == "" || p.OldPath == d.OldPath) {
				return true
			}
		}
	}
	return false
}
