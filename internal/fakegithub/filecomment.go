package fakegithub

// A review comment with subject_type "file" is about a whole file of the
// pull request: it has no line ("subject_type: The level at which the
// comment is targeted", enum line, file, in POST /pulls/{n}/comments of
// GitHub's OpenAPI description, testdata), and GitHub refuses it for a
// file the pull request does not change (the stricter reading: the
// description names no error for it).

// checkFile applies the rules of a file-level comment; "" means accepted.
func (d draft) checkFile(pr *PR) string {
	for _, f := range pr.Files {
		if f.Filename == d.Path {
			return ""
		}
	}
	return "pull_request_review_thread.path must be a file of the pull request"
}
