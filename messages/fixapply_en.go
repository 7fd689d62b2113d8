package messages

// Why a fix's edits cannot be applied to the file's text (internal/patch
// for the reporters' suggestions and diffs, and package fix): the
// argument of fix.not_apply, fixdiff.no_apply, fixcmd.again_no_apply and
// fixnote.because. Positions are line:column as the edits give them.
func fixapplyEn() map[Key]string {
	return map[Key]string{
		"fixapply.overlap":     "edits overlap",
		"fixapply.start_at_1":  "position %d:%d: lines and columns start at 1",
		"fixapply.lines":       "position %d:%d: the file has %d lines",
		"fixapply.line_bytes":  "position %d:%d: line %d has %d bytes",
		"fixapply.splits_char": "position %d:%d: the column splits a UTF-8 character",
		"fixapply.no_edits":    "no edits",
		"fixapply.one_file":    "edits of %s and %s: one file at a time",
		"fixapply.edit_start":  "edit start: %s",
		"fixapply.edit_end":    "edit end: %s",
		"fixapply.backwards":   "edit %d:%d-%d:%d ends before it starts",
		"fixapply.outside":     "position %d:%d is outside the file (%d lines)",
		"fixapply.past_eol":    "position %d:%d is past the end of its line",
		"fixapply.one_line":    "value does not fit on one line",
		"fixapply.hcl_value":   "value %v: not a string, number or boolean",
		"fixapply.after":       "after the fix: %s",
	}
}

func init() { fills = append(fills, func() { add(en, fixapplyEn()) }) }
