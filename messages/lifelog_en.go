package messages

// The job log of the comment lifecycle (reporters/forge/lifecycle): what
// a forge reporter does, one line each, after its name.
func lifelogEn() map[Key]string {
	return map[Key]string{
		"lifelog.edit":            "edit comment %s (%s)",
		"lifelog.resolve":         "resolve thread of comment %s",
		"lifelog.reopen":          "reopen thread of comment %s",
		"lifelog.ambiguous":       "%d comments had an unknown outcome; %d are not there and are posted again",
		"lifelog.post":            "post %d comments",
		"lifelog.unknown":         "%d comments: outcome unknown (%s)",
		"lifelog.rejected":        "%s:%d rejected: %s",
		"lifelog.halves":          "%d comments rejected together (%s); posting them in halves",
		"lifelog.edit_summary":    "edit summary %s",
		"lifelog.post_summary":    "post summary",
		"lifelog.threads_refused": "reading review threads was refused (%s); threads stay as they are",
		"lifelog.ours":            "comments by %s are ours",
		"lifelog.request_changes": "request changes (%d failing findings)",
		"lifelog.dismiss":         "dismiss review %s",
		"lifelog.verdict_failed":  "%s failed (%s); the run goes on",
	}
}

func init() { fills = append(fills, func() { add(en, lifelogEn()) }) }
