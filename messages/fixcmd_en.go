package messages

// The job log of `fix` (cmd/runbook-translator/fixcmd.go): what was
// applied, and why a fix was skipped.
func fixcmdEn() map[Key]string {
	return map[Key]string{
		"fixcmd.none":           "no suggested fixes among %d findings",
		"fixcmd.applied":        "applied %d of %d fixes to %d files",
		"fixcmd.would_apply":    "would apply %d of %d fixes to %d files",
		"fixcmd.skipped":        "skipped the fix of %s: %s",
		"fixcmd.on":             "%s on %s",
		"fixcmd.unreadable":     "%s: %s",
		"fixcmd.overlap":        "its edit of %s:%d overlaps another fix",
		"fixcmd.entry_gone":     "its runbook entry is gone",
		"fixcmd.again_no_apply": "computed again after an overlapping fix, it does not apply: %s",
		"fixcmd.no_longer_fits": "it overlaps another fix, and computed again on the changed file it no longer fits",
	}
}

func init() { fills = append(fills, func() { add(en, fixcmdEn()) }) }
