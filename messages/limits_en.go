package messages

// The reasons a file's lines are not known to the diff model (diff/ and
// the forges' listings of a change in reporters/github and
// reporters/gitlab), as the summary's not-posted list shows them. Each
// English text is also the job log's line about the file, so it is kept
// word for word as the forges' code first wrote it.
func limitsEn() map[Key]string {
	return map[Key]string{
		"diff.patch_unreadable": "its patch could not be read (%s)",

		// GitHub: "patch" is optional in the diff-entry schema; the listing
		// stops at 3,000 files.
		"diff.gh_no_patch":       "GitHub sent no patch for this file (a binary file, or a diff too large to show): its lines are not known",
		"diff.gh_truncated":      "GitHub lists only the first %d of the pull request's %d changed files and this file is not among them: whether the line is in the diff is not known",
		"diff.gh_truncated_more": "GitHub lists only the first %d of the pull request's more changed files and this file is not among them: whether the line is in the diff is not known",

		// GitLab's diff limits.
		"diff.gl_too_large":  "GitLab marks this file's diff too large to show (diff limits): its lines are not known",
		"diff.gl_collapsed":  "GitLab collapsed this file's diff (diff limits) and sent none of its lines",
		"diff.gl_truncated":  "GitLab lists only %d files of this merge request (its diff limits; %s changed) and this file is not among them: whether the line is in the diff is not known",
		"diff.gl_unreadable": "its diff could not be read (%s: %s)",
	}
}

func init() { fills = append(fills, func() { add(en, limitsEn()) }) }
