package messages

// exceptionJa is the Japanese of exceptionEn. 例外 is the exception, 申請 a
// request for one; commands, YAML keys (ignore_policy, approved_by, lang),
// CODEOWNERS and GitHub's permission names (read, write) stay ASCII as the
// user types them.
func exceptionJa() map[Key]string {
	return map[Key]string{
		"exc.refused":   "❌ **例外は申請されませんでした。** ",
		"exc.existing":  "ℹ️ この指摘の例外はすでに申請されています: %s",
		"exc.requested": "✅ 例外を申請しました (%s、%s まで): %s",
		"exc.days":      "%d 日間",

		"exc.no_write":     "例外を申請できるのは、リポジトリに write 権限を持つユーザーだけです。%s の権限: %s。",
		"exc.not_reply":    "コマンドは、指摘についての bot のコメントのスレッドに返信として書いてください。返信先で対象の指摘を 1 つに特定します。",
		"exc.not_bot":      "返信先のコメントは bot のものではありません (投稿者: %s)。指摘を特定できるのは bot の指摘コメントだけです。",
		"exc.policy":       "このルールは %[2]s の %[1]s の ignore_policy に違反するため、何も変更していません: %[3]s",
		"exc.cannot_edit":  "%[2]s の %[1]s にこのルールを追加できないため、何も変更していません: %[3]s",
		"exc.bad_lang":     "%[2]s の %[1]s の lang に、ツールが対応していない言語が指定されています: %[3]s",
		"exc.policy_read":  "ignore_policy を読み込めません: %s",
		"exc.policy_inval": "ignore_policy 自体が不正です: %s",

		"exc.role.none":          "なし",
		"exc.role.no_access":     "アクセス権なし",
		"exc.role.access":        "%s 権限",
		"exc.role.no_membership": "メンバーではありません",
		"exc.role.gitlab":        "%s ロール",
		"exc.role.no_role":       "ロールなし",

		"exc.usage":            "`/runbook-translator ignore <days>d <reason>` (例: `/runbook-translator ignore 30d Q3 の移行完了まで許容`)",
		"exc.cmd.too_big":      "コメントが %d バイトを超えています。コマンドは 1 行で書いてください: %s",
		"exc.cmd.utf8":         "コメントが正しい UTF-8 ではありません",
		"exc.cmd.one_line":     "コメントにはコマンドの 1 行だけを書いてください: %s",
		"exc.cmd.args":         "コマンドには期間と理由が必要です: %s",
		"exc.cmd.duration":     "期間は 30d のように日数で指定してください (1d〜%dd)。指定された値は使えません: %s",
		"exc.cmd.too_long":     "期間が %d 日を超えています。例外には有効期限が必要です",
		"exc.cmd.no_reason":    "理由は必須です: %s",
		"exc.cmd.control":      "理由に制御文字または不可視の文字 (U+%04X) が含まれています。プレーンテキストで書いてください",
		"exc.cmd.reason_long":  "理由が %d 文字あり、上限の %d 文字を超えています。詳細はチケットへのリンクで示してください",
		"exc.cmd.reason_short": "理由が短すぎます (%d 文字、%d 文字以上必要)。この指摘を許容する理由を書いてください",

		"exc.fd.none":       "返信先のコメントには bot の指摘がありません",
		"exc.fd.summary":    "返信先のコメントは bot のサマリーで、指摘ではありません。指摘そのもののコメントに返信してください",
		"exc.fd.fixed":      "このスレッドの指摘は修正済みです。例外にする対象はありません",
		"exc.fd.bad_marker": "返信先のコメントのマーカーに指摘が含まれていません",
		"exc.fd.edited":     "返信先のコメントは bot の投稿後に編集されています。その指摘は信頼できません",
		"exc.fd.no_details": "返信先のコメントに詳細セクションがありません",
		"exc.fd.disagree":   "返信先のコメントの内容がマーカーと一致しません",
		"exc.fd.too_big":    "指摘のコード、リソース、パスのいずれかが %d バイトを超えています。設定ファイルに手で追加してください",
		"exc.fd.unnamed":    "指摘にコードもパスもないため、ルールで正確に指定できません",

		"exc.no_review":       "レビューを依頼していません: %s",
		"exc.no_owner":        "レビューを依頼していません: CODEOWNERS に %s のオーナーが書かれていません",
		"exc.note.gh_owner":   "CODEOWNERS のオーナー %s は GitHub のユーザーでもチームでもないため、レビューを依頼していません",
		"exc.note.gh_team":    "チーム %s は %s のチームではないため、レビューを依頼していません",
		"exc.note.gh_refused": "GitHub がレビュー依頼を拒否しました: %s",
		"exc.note.gl_owner":   "CODEOWNERS のオーナー %s は GitLab のユーザーではないため、レビューを依頼していません",
		"exc.note.gl_unknown": "CODEOWNERS のオーナー %s はこの GitLab のユーザーではないため、レビューを依頼していません",

		"exc.title":        "runbook-translator: %s を例外に追加",
		"exc.title_path":   "runbook-translator: %[2]s の %[1]s を例外に追加",
		"exc.commit":       "申請者: %s (%s、%s)\n有効期限: %s\n",
		"exc.body_intro":   "%[2]s が %[1]s で例外を申請しました: %[3]s",
		"exc.row.tool":     "ツール",
		"exc.row.code":     "コード",
		"exc.row.path":     "パス",
		"exc.row.resource": "リソース",
		"exc.row.reason":   "理由",
		"exc.row.expires":  "有効期限",
		"exc.body_outro":   "マージすると設定ファイルにルールが追加されます。クローズすると例外は却下されます。",
		"exc.approver":     "**ignore_policy により `approved_by` が必須です:** 承認者はマージ前にルールへ `approved_by: <name>` を追加してください。追加するまで、この設定はポリシーチェックを通りません。",
	}
}

func init() { fills = append(fills, func() { add(ja, exceptionJa()) }) }
