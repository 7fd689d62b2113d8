package messages

// Why a tool's own fix (a SARIF result's fixes, an rdjson suggestion,
// ShellCheck's fix) was left out of a finding: the parsers keep the note
// as Finding.FixNoteText, its English text as Finding.FixNote byte for
// byte. The details are messages.Error values (Of words them).
func parserfixEn() map[Key]string {
	return map[Key]string{
		// SARIF (parsers/sarif_fix.go).
		"pfix.sarif":           "left out of the SARIF log's fixes: %s",
		"pfix.fix":             "fix %d: %s",
		"pfix.not_repo":        "it changes %q, not a file in the repository",
		"pfix.no_replacements": "it has no replacements",
		"pfix.binary":          "its insertedContent is binary, not text",
		"pfix.del_order":       "its deletedRegion %d:%d-%d:%d ends before it starts",
		"pfix.unread":          "%s, and %s could not be read to turn that into byte columns (%s)",
		"pfix.need_charoffset": "its charOffset counts %s from the file's start",
		"pfix.need_byteoffset": "its byteOffset counts bytes from the file's start, not lines",
		"pfix.need_eol":        "its region runs to the end of line %d",
		"pfix.need_columns":    "its columns count %s",
		"pfix.units_utf16":     "UTF-16 code units",
		"pfix.units_runes":     "code points",
		"pfix.del_start":       "deletedRegion start in %s: %s",
		"pfix.del_end":         "deletedRegion end in %s: %s",
		"pfix.del_charoffset":  "deletedRegion charOffset %d in %s: %s",
		"pfix.del_charlength":  "deletedRegion charLength %d in %s: %s",
		"pfix.del_past":        "deletedRegion bytes %d+%d are past the end of %s (%d bytes)",
		"pfix.del_none":        "its deletedRegion has neither a start line nor an offset",

		// Columns in the file's text (parsers/fixtext.go).
		"pfix.lines":       "line %d: the file has %d lines",
		"pfix.line_column": "line %d column %d: %s",
		"pfix.past_line":   "past the end of the line",
		"pfix.splits":      "the column splits a character",
		"pfix.not_read":    "files are not read for this input",

		// rdjson suggestions (parsers/rdjson.go).
		"pfix.rd":          "left out: %s",
		"pfix.rd_one":      "suggestion %d %s",
		"pfix.rd_no_file":  "has no file: the diagnostic's location has no path",
		"pfix.rd_no_start": "has no start line",
		"pfix.rd_ends":     "ends at line %d, before it starts",
		"pfix.rd_order":    "range %d:%d-%d:%d ends before it starts",

		// ShellCheck's fixes (parsers/shellcheck.go).
		"pfix.sc":         "shellcheck's fix was left out: %s",
		"pfix.sc_no_file": "the comment has no file",
		"pfix.sc_unread":  "%s could not be read to turn its character columns into byte columns (%s)",
		"pfix.sc_starts":  "replacement %d starts at %s in %s",
		"pfix.sc_ends":    "replacement %d ends at %s in %s",
		"pfix.sc_order":   "replacement %d ends before it starts",
		"pfix.sc_overlap": "its replacements overlap at %d:%d",
	}
}

func init() { fills = append(fills, func() { add(en, parserfixEn()) }) }
