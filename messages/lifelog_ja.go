package messages

func lifelogJa() map[Key]string {
	return map[Key]string{
		"lifelog.edit":            "コメント %s を編集します (%s)",
		"lifelog.resolve":         "コメント %s のスレッドを解決済みにします",
		"lifelog.reopen":          "コメント %s のスレッドを再オープンします",
		"lifelog.ambiguous":       "%d 件のコメントは結果が不明でした。うち %d 件は見つからないため、もう一度投稿します",
		"lifelog.post":            "コメントを %d 件投稿します",
		"lifelog.unknown":         "%d 件のコメント: 結果が不明です (%s)",
		"lifelog.rejected":        "%s:%d は拒否されました: %s",
		"lifelog.halves":          "%d 件のコメントがまとめて拒否されました (%s)。半分ずつ投稿し直します",
		"lifelog.edit_summary":    "サマリー %s を編集します",
		"lifelog.post_summary":    "サマリーを投稿します",
		"lifelog.threads_refused": "レビュースレッドの読み取りが拒否されました (%s)。スレッドはそのままにします",
		"lifelog.ours":            "%s のコメントをこのツールのものとして扱います",
		"lifelog.request_changes": "変更を要求します (失敗の指摘 %d 件)",
		"lifelog.dismiss":         "レビュー %s を取り下げます",
		"lifelog.verdict_failed":  "%s に失敗しました (%s)。実行は続けます",
	}
}

func init() { fills = append(fills, func() { add(ja, lifelogJa()) }) }
