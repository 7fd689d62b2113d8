package messages

// Why a runbook fix cannot be made in the file (package fix): the
// argument of fixnote.because or fixnote.unreadable after the fix's
// description. A parser's message inside one (hcl's diagnostics) is
// shown as the library wrote it.
func fixerrEn() map[Key]string {
	return map[Key]string{
		"fixerr.outside":      "outside the base directory",
		"fixerr.no_parse":     "edit %s %s: the file would no longer parse",
		"fixerr.rename":       "after the fix %s is not renamed to %s with its value",
		"fixerr.still_there":  "after the fix %s is still there",
		"fixerr.not_held":     "after the fix %s does not hold %v",
		"fixerr.not_listed":   "after the fix %s does not list %v",
		"fixerr.no_parse_doc": "edit document: the file would no longer parse",
		"fixerr.no_document":  "after the fix the new document is not there",
		"fixerr.not_there":    "after the fix %s is not there",
		"fixerr.hcl_parse":    "after the fix %s does not parse: %s",
	}
}

func init() { fills = append(fills, func() { add(en, fixerrEn()) }) }
