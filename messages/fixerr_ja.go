package messages

// fixerrJa is the Japanese of fixerrEn; the edit's operation (set,
// delete, add) and field path stay as the catalog writes them.
func fixerrJa() map[Key]string {
	return map[Key]string{
		"fixerr.outside":      "ベースディレクトリの外にあります",
		"fixerr.no_parse":     "%s %s の編集後、ファイルをパースできなくなります",
		"fixerr.rename":       "修正後も %s が値を保ったまま %s に名前を変えられていません",
		"fixerr.still_there":  "修正後も %s が残っています",
		"fixerr.not_held":     "修正後の %s が %v になっていません",
		"fixerr.not_listed":   "修正後の %s に %v が含まれていません",
		"fixerr.no_parse_doc": "ドキュメントを追加すると、ファイルをパースできなくなります",
		"fixerr.no_document":  "修正後、追加したドキュメントがありません",
		"fixerr.not_there":    "修正後に %s がありません",
		"fixerr.hcl_parse":    "修正後の %s をパースできません: %s",
	}
}

func init() { fills = append(fills, func() { add(ja, fixerrJa()) }) }
