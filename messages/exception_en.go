package messages

// The words of `ignore request` (reporters/forge/exception and the forges'
// sides of it): its replies in the thread, the pull (merge) request's title
// and body, and the commit message. They are kept apart from en.go so that
// the flow's messages are read, and translated, together; init adds them
// to the English table, and TestEveryKeyTranslated and TestPlaceholders
// check them as any other key.
func exceptionEn() map[Key]string {
	return map[Key]string{
		// Replies.
		"exc.refused":   "❌ **Exception not requested.** ",
		"exc.existing":  "ℹ️ An exception for this finding is already requested: %s",
		"exc.requested": "✅ Exception requested for %s, until %s: %s",
		"exc.days":      "%d days",

		// Refusals (each is escaped whole before it is posted: logins and
		// file names in them are the requester's).
		"exc.no_write":     "only users with write access to the repository may ask for an exception; %s has %s.",
		"exc.not_reply":    "reply with the command in the thread of the bot's comment about the finding, so that it names exactly one finding.",
		"exc.not_bot":      "the comment you replied to is not the bot's (it is by %s): only the bot's finding comments name a finding.",
		"exc.policy":       "the rule breaks the ignore_policy of %s on %s, nothing was changed: %s",
		"exc.cannot_edit":  "%s on %s cannot take the rule, nothing was changed: %s",
		"exc.bad_lang":     "%s on %s sets lang to a language the tool does not have: %s",
		"exc.policy_read":  "read ignore_policy: %s",
		"exc.policy_inval": "the ignore_policy itself is invalid: %s",

		// Roles, as the no_write refusal names them.
		"exc.role.none":          "none",
		"exc.role.no_access":     "no access",
		"exc.role.access":        "%s access",
		"exc.role.no_membership": "no membership",
		"exc.role.gitlab":        "the %s role",
		"exc.role.no_role":       "no role",

		// The command's syntax errors (reporters/forge/exception/command.go).
		"exc.usage":            "`/runbook-translator ignore <days>d <reason>`, e.g. `/runbook-translator ignore 30d accepted until the Q3 migration`",
		"exc.cmd.too_big":      "the comment is over %d bytes; the command is one line: %s",
		"exc.cmd.utf8":         "the comment is not valid UTF-8",
		"exc.cmd.one_line":     "the command must be the only line of the comment: %s",
		"exc.cmd.args":         "the command needs a duration and a reason: %s",
		"exc.cmd.duration":     "the duration must be a number of days such as 30d (1d to %dd), not what was given: %s",
		"exc.cmd.too_long":     "the duration is over %d days: an exception must expire",
		"exc.cmd.no_reason":    "a reason is required: %s",
		"exc.cmd.control":      "the reason has a control or invisible character (U+%04X): write it as plain text",
		"exc.cmd.reason_long":  "the reason is %d characters, over the limit of %d: link to a ticket for more",
		"exc.cmd.reason_short": "the reason is too short (%d characters, at least %d): say why the finding is accepted",

		// The comment replied to (reporters/forge/exception/finding.go).
		"exc.fd.none":       "the comment you replied to carries no finding of the bot",
		"exc.fd.summary":    "the comment you replied to is the bot's summary, not a finding: reply to the finding's own comment",
		"exc.fd.fixed":      "the finding of this thread is fixed: there is nothing to ignore",
		"exc.fd.bad_marker": "the comment you replied to has a marker without a finding",
		"exc.fd.edited":     "the comment you replied to was edited after the bot wrote it: its finding cannot be trusted",
		"exc.fd.no_details": "the comment you replied to has no Details section",
		"exc.fd.disagree":   "the comment you replied to does not agree with its marker",
		"exc.fd.too_big":    "the finding's code, resource or path is over %d bytes: name it in the config by hand",
		"exc.fd.unnamed":    "the finding has neither a code nor a path: a rule cannot name it exactly",

		// Notes after the link, on the review request.
		"exc.no_review":       "no review requested: %s",
		"exc.no_owner":        "no review requested: CODEOWNERS names no owner of %s",
		"exc.note.gh_owner":   "CODEOWNERS owner %s is not a GitHub user or team: not asked for a review",
		"exc.note.gh_team":    "team %s is not of %s: not asked for a review",
		"exc.note.gh_refused": "GitHub refused the review request: %s",
		"exc.note.gl_owner":   "CODEOWNERS owner %s is not a GitLab user: not asked for a review",
		"exc.note.gl_unknown": "CODEOWNERS owner %s is not a user of this GitLab: not asked for a review",

		// The pull (merge) request and its commit.
		"exc.title":        "runbook-translator: ignore %s",
		"exc.title_path":   "runbook-translator: ignore %s in %s",
		"exc.commit":       "Requested by %s in %s (%s).\nExpires %s.\n",
		"exc.body_intro":   "An exception was requested from %s by %s: %s",
		"exc.row.tool":     "Tool",
		"exc.row.code":     "Code",
		"exc.row.path":     "Path",
		"exc.row.resource": "Resource",
		"exc.row.reason":   "Reason",
		"exc.row.expires":  "Expires",
		"exc.body_outro":   "Merging this adds the rule to the config; closing it refuses the exception.",
		"exc.approver":     "**The ignore_policy requires `approved_by`:** the approver adds `approved_by: <name>` to the rule before merging; until then the config does not pass its policy check.",
	}
}

// exceptionEnOne are the singular forms (N).
func exceptionEnOne() map[Key]string {
	return map[Key]string{
		"exc.days": "%d day",
	}
}

func init() {
	fills = append(fills, func() {
		add(en, exceptionEn())
		add(enOne, exceptionEnOne())
	})
}

// add copies a file's messages into a language's table (load runs it); a
// key defined twice is a mistake of this package and panics when the
// tables are built (this package's tests build them first).
func add(dst, src map[Key]string) {
	for k, v := range src {
		if _, dup := dst[k]; dup {
			panic("messages: key " + string(k) + " defined twice")
		}
		dst[k] = v
	}
}
