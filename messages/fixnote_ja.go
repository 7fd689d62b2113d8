package messages

// Why a runbook entry's fix: block gave no suggestion
// (translator.Finding.FixNoteText); the English text is Finding.FixNote.
func fixnoteJa() map[Key]string {
	return map[Key]string{
		"fixnote.no_file":                  "指摘に修正対象のファイルがありません",
		"fixnote.unreadable":               "%s を読み込めません: %v",
		"fixnote.because":                  "%s: %v",
		"fixnote.already":                  "%[1]s: %[2]s はすでに修正後の内容になっています",
		"fixnote.not_utf8":                 "ファイルが UTF-8 のテキストではありません",
		"fixnote.no_object":                "オブジェクト %[1]s が %[2]s にちょうど 1 つ見つかりません",
		"fixnote.no_object_unnamed":        "指摘のオブジェクトが %s にちょうど 1 つ見つかりません",
		"fixnote.helm":                     "ファイルは Helm テンプレートです: %s",
		"fixnote.helm_literal":             "テンプレートにこのフィールドのリテラル行がありません",
		"fixnote.helm_one":                 "位置を特定した行への編集 1 つだけの修正にのみ対応しています (この修正の編集は %d 個です)",
		"fixnote.helm_add":                 "テンプレートにはリストの要素を追加しません",
		"fixnote.helm_item":                "%d 行目はリストの要素です",
		"fixnote.helm_key":                 "%[1]d 行目は修正が変更する %[2]s ではありません",
		"fixnote.helm_scalar":              "%d 行目の値はリテラルのスカラーではありません",
		"fixnote.value_unset":              "組織のカタログの values: に %s が設定されていません (設定すると修正を提案できます)",
		"fixnote.value_not_scalar_hcl":     "カタログの値 %[1]s (%[2]s) はマッピングかリストです。Terraform の属性には文字列、数値、真偽値を指定してください",
		"fixnote.also":                     "%v。%v",
		"fixnote.for_tools":                "この修正は %[1]s の指摘が対象で、%[2]s の指摘は対象外です",
		"fixnote.for_kinds":                "この修正は %[1]s が対象で、%[2]s は対象外です",
		"fixnote.for_message":              "この修正はメッセージが %q に一致する指摘が対象です",
		"fixnote.no_placeholder":           "指摘に $%[2]s の元になる %[1]s がありません",
		"fixnote.no_selector":              "指摘に %[1]s がありません (%[3]s の $%[2]s に必要です)",
		"fixnote.value_not_scalar_add":     "カタログの値 %s はマッピングかリストですが、add が追加するのは 1 つのスカラーです",
		"fixnote.value_not_scalar_replace": "カタログの値 %s はマッピングかリストですが、replace が書き込むのは 1 つのスカラーです",
		"fixnote.map_no_entry":             "組織のカタログの values: の %s に %q の項目がありません (追加すると修正を提案できます)",
		"fixnote.map_not_table":            "カタログの値 %s (%s) は文字列の表ではありません (catalog_map は現在の値を表で引きます)",
		"fixnote.map_absent":               "オブジェクトに %s の表で引く %s がありません",
		"fixnote.map_terraform":            "%s は Terraform のファイルですが、catalog_map が値を表で引くのは Kubernetes のマニフェストだけです",
	}
}

func init() { fills = append(fills, func() { add(ja, fixnoteJa()) }) }
