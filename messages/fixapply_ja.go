package messages

// fixapplyJa is the Japanese of fixapplyEn; positions stay line:column.
func fixapplyJa() map[Key]string {
	return map[Key]string{
		"fixapply.overlap":     "編集箇所が重なっています",
		"fixapply.start_at_1":  "位置 %d:%d: 行と列は 1 から数えます",
		"fixapply.lines":       "位置 %d:%d: ファイルは %d 行しかありません",
		"fixapply.line_bytes":  "位置 %d:%d: %d 行目は %d バイトしかありません",
		"fixapply.splits_char": "位置 %d:%d: この列は UTF-8 の文字の途中です",
		"fixapply.no_edits":    "編集がありません",
		"fixapply.one_file":    "%s と %s の編集: 一度に編集できるのは 1 ファイルだけです",
		"fixapply.edit_start":  "編集の開始位置: %s",
		"fixapply.edit_end":    "編集の終了位置: %s",
		"fixapply.backwards":   "編集 %d:%d-%d:%d の終了位置が開始位置より前にあります",
		"fixapply.outside":     "位置 %d:%d はファイル (%d 行) の範囲外です",
		"fixapply.past_eol":    "位置 %d:%d は行末より後ろにあります",
		"fixapply.one_line":    "値が 1 行に収まりません",
		"fixapply.hcl_value":   "値 %v: 文字列、数値、真偽値のいずれでもありません",
		"fixapply.after":       "修正後: %s",
	}
}

func init() { fills = append(fills, func() { add(ja, fixapplyJa()) }) }
