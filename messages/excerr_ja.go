package messages

// excerrJa is the Japanese of excerrEn; the command, branch names, URLs
// and the forge's own messages stay as they are.
func excerrJa() map[Key]string {
	return map[Key]string{
		"excerr.prefix":      "ignore request: %s",
		"excerr.base":        "ベースブランチを読み込めません: %s",
		"excerr.read_config": "%[2]s の %[1]s を読み込めません: %[3]s",
		"excerr.comment":     "コメントを読み込めません: %s",
		"excerr.self":        "トークンのユーザーを確認できません: %s",
		"excerr.reply":       "却下の返信を投稿できません (%s): %s",
		"excerr.access":      "%s の権限を確認できません: %s",
		"excerr.parent":      "返信先のコメントを読み込めません: %s",
		"excerr.open":        "%s からのオープンなリクエストを検索できません: %s",
		"excerr.branch":      "ブランチ %s を確認できません: %s",
		"excerr.commit":      "%s にコミットできません: %s",
		"excerr.create":      "%s からのリクエストを作成できません: %s",
		"excerr.review":      "%s のレビューを依頼できません: %s",
		"excerr.no_comment":  "ignore request: イベントに新しいコメントがないため、何もしません",

		"exclog.not_command": "コメント %s は %s %s コマンドではないため、何もしません",
		"exclog.own":         "コメント %s はボット自身のものなので、何もしません",
		"exclog.by":          "コメント %s (投稿者 %s)",
		"exclog.reply_lang":  "返信は %s で書きます: %s",
		"exclog.refused":     "却下しました: %s",
		"exclog.existing":    "この例外を求めるオープンなリクエストがすでにあります: %s",
		"exclog.committed":   "ルールを %s にコミットしました",
		"exclog.opened":      "%s を作成しました",
		"exclog.review":      "%s にレビューを依頼しました",
	}
}

func init() { fills = append(fills, func() { add(ja, excerrJa()) }) }
