package messages

// Why an edit of a Terraform file gave no suggestion (fixnote_hcl_en.go).
func fixnoteHCLJa() map[Key]string {
	return map[Key]string{
		"fixnote.hcl_parse":         "%[1]s を HCL としてパースできません: %[2]s",
		"fixnote.hcl_k8s_edit":      "%s: rename、from、document の編集は Kubernetes のマニフェスト用です",
		"fixnote.hcl_k8s_mapping":   "%s: マッピングの値は Kubernetes のマニフェスト用です",
		"fixnote.hcl_k8s_list":      "%s: リストの値は Kubernetes のマニフェスト用です",
		"fixnote.hcl_selector":      "%s: リストのセレクターは Kubernetes のパス用です。Terraform のパスは属性名とブロック名で書きます",
		"fixnote.hcl_block_path":    "%[1]s: パスには %[2]s の中の属性かブロックを指定します",
		"fixnote.hcl_no_block":      "%[1]s のブロックが %[2]s にちょうど 1 つ見つかりません",
		"fixnote.hcl_no_resource":   "指摘が Terraform のブロックを示していません (リソース %[1]q、%[2]d 行目)",
		"fixnote.hcl_pin":           "固定されたブロック %q がブロックの種類と位置の形になっていません",
		"fixnote.hcl_no_nested":     "%[2]s の %[1]d 行目は %[3]s のどのネストしたブロックにも含まれていません (%[4]s に必要です)",
		"fixnote.hcl_no_typed":      "%[1]s には %[3]s に当たる %[2]s ブロックがありません",
		"fixnote.hcl_summary_keys":  "$rule_summary は属性を書き込むルールそのものを説明するもので、%s を説明するものではありません",
		"fixnote.hcl_summary_type":  "$rule_summary はセキュリティグループのルール用で、%s には使えません",
		"fixnote.hcl_rule_type":     "ルールの type %q が ingress でも egress でもありません",
		"fixnote.hcl_summary_long":  "ルールの要約が %d 文字あります。AWS の description は 255 文字までです",
		"fixnote.hcl_summary_char":  "ルールの要約 %[1]q に、AWS が description に受け付けない %[2]q が含まれています",
		"fixnote.hcl_object_depth":  "%s: 編集できるのは属性のオブジェクトの直下のキー 1 つだけです",
		"fixnote.hcl_blocks":        "%[1]s: %[3]s ブロックが %[2]d 個あり、どれのことか分かりません",
		"fixnote.hcl_is_block":      "%s は属性ではなくブロックです",
		"fixnote.hcl_expression":    "%[1]s は式 (%[2]s) で書かれています。replace で上書きできるのはリテラルだけです",
		"fixnote.hcl_not_list":      "%s はリテラルのリストではありません",
		"fixnote.hcl_not_object":    "%s はリテラルのオブジェクト ({ ... }) で書かれていません。キーがどこから来るのか修正では分かりません",
		"fixnote.hcl_add_to_object": "%[1]s.%[2]s: add はリスト用です",
	}
}

func init() { fills = append(fills, func() { add(ja, fixnoteHCLJa()) }) }
