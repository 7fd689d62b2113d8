package messages

func fixcmdJa() map[Key]string {
	return map[Key]string{
		"fixcmd.none":           "%d 件の指摘に修正案はありません",
		"fixcmd.applied":        "%[2]d 件の修正のうち %[1]d 件を %[3]d 個のファイルに適用しました",
		"fixcmd.would_apply":    "%[2]d 件の修正のうち %[1]d 件を %[3]d 個のファイルに適用します (--dry-run)",
		"fixcmd.skipped":        "%s の修正を見送りました: %s",
		"fixcmd.on":             "%[2]s の %[1]s",
		"fixcmd.unreadable":     "%s: %s",
		"fixcmd.overlap":        "%s:%d の編集が別の修正と重なっています",
		"fixcmd.entry_gone":     "Runbook エントリがなくなっています",
		"fixcmd.again_no_apply": "重なる修正の後に計算し直しましたが、適用できません: %s",
		"fixcmd.no_longer_fits": "別の修正と重なっており、変更後のファイルで計算し直すと当てはまりません",
	}
}

func init() { fills = append(fills, func() { add(ja, fixcmdJa()) }) }
