package messages

// Why an edit of a Kubernetes YAML document gave no suggestion
// (fixnote_yaml_en.go).
func fixnoteYAMLJa() map[Key]string {
	return map[Key]string{
		"fixnote.path_not_mapping":    "%s はマッピングではありません",
		"fixnote.path_not_list":       "%s はリストではありません",
		"fixnote.path_no_item":        "%s に該当する要素がありません",
		"fixnote.path_end":            "パスはキーで終わる必要があります",
		"fixnote.path_missing_item":   "%s がありません。リストの要素は作成しません",
		"fixnote.nothing_to_edit":     "%s: 編集する対象がありません",
		"fixnote.replace_scalar":      "replace が書き込むのは 1 つのスカラーで、マッピングやリストは書き込めません",
		"fixnote.has_value":           "%[2]d 行目の %[1]s にはすでに値があります。修正は値がない場合にだけ追加します",
		"fixnote.add_scalar":          "add に指定できるのはスカラーの値です",
		"fixnote.holds_not_value":     "%[1]s が持つのは値ではなく%[2]sです",
		"fixnote.holds_not_list":      "%[1]s が持つのはリストではなく%[2]sです",
		"fixnote.kind_mapping":        "マッピング",
		"fixnote.kind_list":           "リスト",
		"fixnote.kind_value":          "値",
		"fixnote.value_moved":         "%d 行目の値がパーサーの示す位置にありません",
		"fixnote.block_scalar":        "%d 行目の値はブロックスカラーです",
		"fixnote.value_empty":         "%d 行目の値は空です",
		"fixnote.value_lines":         "%d 行目の値は複数行にわたっています",
		"fixnote.shared_line":         "%[2]d 行目の %[1]s は、リストのダッシュや別のキーと同じ行にあります",
		"fixnote.only_key":            "%[1]s は %[2]s のただ 1 つのキーです。削除すると %[3]s が空になります",
		"fixnote.value_not_list":      "%[2]d 行目の %[1]s の値はリストではありません",
		"fixnote.list_moved":          "%d 行目のリストがパーサーの示す位置にありません",
		"fixnote.list_lines":          "%d 行目のリストは複数行にわたっています",
		"fixnote.list_dash":           "%d 行目のリストには、あるはずの位置にダッシュがありません",
		"fixnote.doc_empty":           "ドキュメントが空です",
		"fixnote.cannot_extend":       "%[2]d 行目の %[1]s の値には、修正で書き足すことができません",
		"fixnote.mapping_inline_kept": "%d 行目のマッピングはインライン ({...}) で書かれています。書き換えはしません",
		"fixnote.mapping_inline":      "%d 行目のマッピングはインラインで書かれています",
		"fixnote.mapping_moved":       "%d 行目のマッピングがパーサーの示す位置にありません",
		"fixnote.mapping_lines":       "%d 行目のマッピングは複数行にわたっています",
		"fixnote.no_colon":            "%[2]d 行目の %[1]s の後にコロンがありません",
		"fixnote.empty_value":         "空の値は書き込めません",
		"fixnote.value_kind":          "種類 %d の値は書き込めません",
		"fixnote.copy_not_value":      "%s はコピーできる値ではありません",
		"fixnote.doc_not_mapping":     "ドキュメントがマッピングではありません",
		"fixnote.doc_needs_name":      "ドキュメントには kind と metadata.name が必要です",
	}
}

func init() { fills = append(fills, func() { add(ja, fixnoteYAMLJa()) }) }
