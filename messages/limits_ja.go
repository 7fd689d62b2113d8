package messages

// limitsJa is the Japanese of limitsEn. "diff limits" is the name of
// GitLab's setting and stays as GitLab's documentation writes it.
func limitsJa() map[Key]string {
	return map[Key]string{
		"diff.patch_unreadable": "パッチを読み込めませんでした (%s)",

		"diff.gh_no_patch":       "GitHub からこのファイルのパッチが送られてきませんでした (バイナリファイルか、表示するには大きすぎる差分です): 変更行はわかりません",
		"diff.gh_truncated":      "GitHub の一覧にはプルリクエストの変更ファイル %[2]d 件のうち最初の %[1]d 件しかなく、このファイルは含まれていません: この行が差分に含まれるかどうかはわかりません",
		"diff.gh_truncated_more": "GitHub の一覧にはプルリクエストの変更ファイルのうち最初の %d 件しかなく、このファイルは含まれていません: この行が差分に含まれるかどうかはわかりません",

		"diff.gl_too_large":  "GitLab はこのファイルの差分を大きすぎて表示できないとしています (diff limits): 変更行はわかりません",
		"diff.gl_collapsed":  "GitLab はこのファイルの差分を折りたたみ (diff limits)、行を 1 行も送ってきませんでした",
		"diff.gl_truncated":  "GitLab の一覧にはこのマージリクエストのファイルが %[1]d 件しかなく (diff limits による。変更は %[2]s 件)、このファイルは含まれていません: この行が差分に含まれるかどうかはわかりません",
		"diff.gl_unreadable": "差分を読み込めませんでした (%s: %s)",
	}
}

func init() { fills = append(fills, func() { add(ja, limitsJa()) }) }
