package messages

// Why the local report (-v) shows no diff of a finding's fix
// (reporters/text_fix.go): an argument of text.fix_no_diff.
func fixdiffEn() map[Key]string {
	return map[Key]string{
		"fixdiff.no_files":   "the checkout's files are not available",
		"fixdiff.unreadable": "%s could not be read (%s)",
		"fixdiff.no_apply":   "the fix does not apply to %s (%s)",
		"fixdiff.nothing":    "the fix changes nothing (it may be applied already)",
	}
}

func init() { fills = append(fills, func() { add(en, fixdiffEn()) }) }
