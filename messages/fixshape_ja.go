package messages

// Why a fix that copies values from the manifest, adds a mapping or
// appends a document gave no suggestion (fixshape_en.go).
func fixshapeJa() map[Key]string {
	return map[Key]string{
		"fixnote.no_copy":        "オブジェクトにコピー元の %s がありません",
		"fixnote.no_mapping":     "オブジェクトに $%[2]s の元になる %[1]s がありません",
		"fixnote.doc_exists":     "ファイルにはすでに %[2]s という名前の %[1]s があります",
		"fixnote.doc_value_path": "ドキュメントの %[1]s にカタログの値 %[2]s を書けません。途中のフィールドがマッピングではありません",
		"fixnote.helm_structure": "テンプレートでは指摘された行のリテラル値だけを変更します。キー、コピーした値、ドキュメントは追加しません",
	}
}

func init() { fills = append(fills, func() { add(ja, fixshapeJa()) }) }
