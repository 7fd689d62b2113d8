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
		"fixnote.helm_document":         "テンプレートには新しいドキュメントを追加しません (テンプレートではその名前やラベルがテンプレートのアクションで決まります)",
		"fixnote.helm_rename":           "テンプレートではキーの名前を変更しません",
		"fixnote.helm_container":        "コンテナの名前がテンプレートのアクションで書かれています",
		"fixnote.helm_changed_line":     "修正が変更する %d 行目にテンプレートのアクションがあります",
		"fixnote.helm_action_value":     "修正がテンプレートのアクションの作る値を書き込むことになります",
		"fixnote.helm_image_values":     "イメージは values から書かれますが、%s は %s の値ではありません",
		"fixnote.helm_image_split":      "コピー %s にはチャートのタグの値に書くタグがありません",
		"fixnote.helm_inside_action":    "修正が %d 行目のテンプレートのアクションの内側に行を挿入することになります",
		"fixnote.helm_trim_before":      "修正がその前に挿入する行を %d 行目のアクションがトリムしてしまいます",
		"fixnote.helm_trim_after":       "修正がその後に挿入する行を %d 行目のアクションがトリムしてしまいます",
		"fixnote.helm_may_write":        "%[1]s は %[2]d 行目のテンプレートのアクションが書き込む可能性があります",
		"fixnote.helm_item_name":        "%[1]s の %[2]d 行目の要素の名前がテンプレートのアクションで書かれています",
		"fixnote.helm_keyed":            "修正が追加する先のマッピングでは、キーがあるはずの %d 行目にテンプレートのアクションがあります",
		"fixnote.helm_keyed_unnamed":    "修正が追加する先のマッピングでは、キーがあるはずの %[1]d 行目にテンプレートのアクションがあり、%[2]s を出力する可能性があります。指摘はオブジェクトにそれがないとは言っていません",
		"fixnote.helm_toyaml_alone":     "修正が追加する先のマッピングは %d 行目の toYaml アクションだけで書かれています。値が空なら {} または null を出力し、その後にキーは続けられません",
		"fixnote.helm_no_document":      "%[1]d 行目は、テンプレートのアクションを除いて読み取れる %[2]s のどのドキュメントにも含まれていません",
		"fixnote.helm_values_guarded":   "修正が変更する値は %d 行目のテンプレートのアクション (if、with、range またはヘルパーが決める可能性があります) の下で書かれているため、values.yaml は変更しません",
		"fixnote.helm_values_action":    "%d 行目は、{{- toYaml .Values.<パス> | nindent N }} または key: {{ .Values.<パス> }} そのものではないアクションで値を書いているため、values.yaml は変更しません",
		"fixnote.helm_values_container": "修正が変更するコンテナは %d 行目のテンプレートのアクションで名付けられており、テンプレートに複数のコンテナがあるため、values.yaml は変更しません",
		"fixnote.helm_values_scalar":    "%d 行目はフィールドを値から書いています。values.yaml では set: または replace: だけが変更できます",
		"fixnote.helm_values_file":      "フィールドはチャートの値から来ていますが、%s を values ファイル (1 つの YAML マッピング) として読み取れません",
		"fixnote.helm_values_mapping":   "フィールドはチャートの値から来ていますが、%[2]s の %[1]s はマッピングではありません",
		"fixnote.helm_values_fix":       "%[1]s (%[2]s で: チャートの既定値で、それからレンダリングされるすべてのオブジェクトに適用されます)",
	}
}

func init() { fills = append(fills, func() { add(ja, fixnoteHelmJa()); add(ja, fixnoteHelmTmplJa()) }) }
