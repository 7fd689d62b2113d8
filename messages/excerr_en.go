package messages

// The job log of `ignore request` and the errors that stop it (package
// reporters/forge/exception, cmd/runbook-translator/ignorerequest.go):
// an API failure, after what the command was doing. The forge's own
// message (the last argument) is shown as the forge wrote it.
func excerrEn() map[Key]string {
	return map[Key]string{
		"excerr.prefix":      "ignore request: %s",
		"excerr.base":        "read the base branch: %s",
		"excerr.read_config": "read %s on %s: %s",
		"excerr.comment":     "read the comment: %s",
		"excerr.self":        "ask who the token is: %s",
		"excerr.reply":       "reply with the refusal (%s): %s",
		"excerr.access":      "check the access of %s: %s",
		"excerr.parent":      "read the comment replied to: %s",
		"excerr.open":        "look for an open request from %s: %s",
		"excerr.branch":      "look for branch %s: %s",
		"excerr.commit":      "commit to %s: %s",
		"excerr.create":      "open the request from %s: %s",
		"excerr.review":      "request a review of %s: %s",
		"excerr.no_comment":  "ignore request: the event carries no new comment: nothing to do",

		"exclog.not_command": "comment %s is not a %s %s command: nothing to do",
		"exclog.own":         "comment %s is the bot's own: nothing to do",
		"exclog.by":          "comment %s by %s",
		"exclog.reply_lang":  "the reply is in %s: %s",
		"exclog.refused":     "refused: %s",
		"exclog.existing":    "an open request already asks for this exception: %s",
		"exclog.committed":   "committed the rule to %s",
		"exclog.opened":      "opened %s",
		"exclog.review":      "review requested from %s",
	}
}

func init() { fills = append(fills, func() { add(en, excerrEn()) }) }
