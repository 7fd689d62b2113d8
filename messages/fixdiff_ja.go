package messages

func fixdiffJa() map[Key]string {
	return map[Key]string{
		"fixdiff.no_files":   "チェックアウトのファイルを読み込めません",
		"fixdiff.unreadable": "%s を読み込めません (%s)",
		"fixdiff.no_apply":   "修正を %s に適用できません (%s)",
		"fixdiff.nothing":    "修正しても何も変わりません (すでに適用済みかもしれません)",
	}
}

func init() { fills = append(fills, func() { add(ja, fixdiffJa()) }) }
