package messages

// parserfixJa is the Japanese of parserfixEn. SARIF's property names
// (deletedRegion, insertedContent, charOffset …) stay as the log spells
// them: they are what a reader looks for in the file.
func parserfixJa() map[Key]string {
	return map[Key]string{
		"pfix.sarif":           "SARIF ログの修正のうち、次のものは使えません: %s",
		"pfix.fix":             "修正 %d: %s",
		"pfix.not_repo":        "リポジトリ内のファイルではない %q を変更します",
		"pfix.no_replacements": "replacements がありません",
		"pfix.binary":          "insertedContent がテキストではなくバイナリです",
		"pfix.del_order":       "deletedRegion %d:%d-%d:%d の終わりが始まりより前にあります",
		"pfix.unread":          "%[1]s。%[2]s を読み込めないため、バイト単位の列に変換できません (%[3]s)",
		"pfix.need_charoffset": "charOffset はファイルの先頭から %s で数えています",
		"pfix.need_byteoffset": "byteOffset は行ではなくファイルの先頭からバイト数で数えています",
		"pfix.need_eol":        "領域が %d 行目の行末まで続きます",
		"pfix.need_columns":    "列を %s で数えています",
		"pfix.units_utf16":     "UTF-16 のコード単位",
		"pfix.units_runes":     "コードポイント",
		"pfix.del_start":       "%s の deletedRegion の始まり: %s",
		"pfix.del_end":         "%s の deletedRegion の終わり: %s",
		"pfix.del_charoffset":  "%[2]s の deletedRegion の charOffset %[1]d: %[3]s",
		"pfix.del_charlength":  "%[2]s の deletedRegion の charLength %[1]d: %[3]s",
		"pfix.del_past":        "deletedRegion のバイト %[1]d+%[2]d が %[3]s の末尾 (%[4]d バイト) を越えています",
		"pfix.del_none":        "deletedRegion に開始行もオフセットもありません",

		"pfix.lines":       "%d 行目: ファイルは %d 行しかありません",
		"pfix.line_column": "%d 行目 %d 列: %s",
		"pfix.past_line":   "行末を越えています",
		"pfix.splits":      "列が文字の途中を指しています",
		"pfix.not_read":    "この入力ではファイルを読み込みません",

		"pfix.rd":          "使えない提案: %s",
		"pfix.rd_one":      "提案 %d: %s",
		"pfix.rd_no_file":  "ファイルがありません (診断の location に path がありません)",
		"pfix.rd_no_start": "開始行がありません",
		"pfix.rd_ends":     "始まりより前の %d 行目で終わっています",
		"pfix.rd_order":    "範囲 %d:%d-%d:%d の終わりが始まりより前にあります",

		"pfix.sc":         "ShellCheck の修正は使えません: %s",
		"pfix.sc_no_file": "コメントにファイルがありません",
		"pfix.sc_unread":  "%[1]s を読み込めないため、文字単位の列をバイト単位に変換できません (%[2]s)",
		"pfix.sc_starts":  "%[3]s の置換 %[1]d の始まり: %[2]s",
		"pfix.sc_ends":    "%[3]s の置換 %[1]d の終わり: %[2]s",
		"pfix.sc_order":   "置換 %d の終わりが始まりより前にあります",
		"pfix.sc_overlap": "置換が %d:%d で重なっています",
	}
}

func init() { fills = append(fills, func() { add(ja, parserfixJa()) }) }
