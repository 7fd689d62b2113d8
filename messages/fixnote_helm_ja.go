package messages

func fixnoteHelmJa() map[Key]string {
	return map[Key]string{
		"fixnote.chart_missing": "%s はベースディレクトリの下にない Helm チャートのテンプレートです。修正はテンプレートに対して行うものです(レンダリング結果を変更しても次のレンダリングで失われます)。チャートをツリーに含めて実行してください",
		"fixnote.rendered":      "%s はテンプレート %s から Helm がレンダリングしたものです(\"# Source:\" コメント)。修正はテンプレートに対して行うものです(レンダリング結果を変更しても次のレンダリングで失われます)",
	}
}

// Phrases of fixnote.helm ("ファイルは Helm テンプレートです: %s").
func fixnoteHelmTmplJa() map[Key]string {
	return map[Key]string{
		"fixnote.helm_document":      "テンプレートには新しいドキュメントを追加しません (テンプレートではその名前やラベルがテンプレートのアクションで決まります)",
		"fixnote.helm_rename":        "テンプレートではキーの名前を変更しません",
		"fixnote.helm_container":     "コンテナの名前がテンプレートのアクションで書かれています",
		"fixnote.helm_changed_line":  "修正が変更する %d 行目にテンプレートのアクションがあります",
		"fixnote.helm_action_value":  "修正がテンプレートのアクションの作る値を書き込むことになります",
		"fixnote.helm_inside_action": "修正が %d 行目のテンプレートのアクションの内側に行を挿入することになります",
		"fixnote.helm_trim_before":   "修正がその前に挿入する行を %d 行目のアクションがトリムしてしまいます",
		"fixnote.helm_trim_after":    "修正がその後に挿入する行を %d 行目のアクションがトリムしてしまいます",
		"fixnote.helm_may_write":     "%[1]s は %[2]d 行目のテンプレートのアクションが書き込む可能性があります",
		"fixnote.helm_item_name":     "%[1]s の %[2]d 行目の要素の名前がテンプレートのアクションで書かれています",
		"fixnote.helm_keyed":         "修正が追加する先のマッピングでは、キーがあるはずの %d 行目にテンプレートのアクションがあります",
		"fixnote.helm_keyed_unnamed": "修正が追加する先のマッピングでは、キーがあるはずの %[1]d 行目にテンプレートのアクションがあり、%[2]s を出力する可能性があります。指摘はオブジェクトにそれがないとは言っていません",
		"fixnote.helm_toyaml_alone":  "修正が追加する先のマッピングは %d 行目の toYaml アクションだけで書かれています。値が空なら {} または null を出力し、その後にキーは続けられません",
		"fixnote.helm_no_document":   "%[1]d 行目は、テンプレートのアクションを除いて読み取れる %[2]s のどのドキュメントにも含まれていません",
	}
}

func init() { fills = append(fills, func() { add(ja, fixnoteHelmJa()); add(ja, fixnoteHelmTmplJa()) }) }
