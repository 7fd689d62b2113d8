package messages

// Why a rename: edit gave no suggestion (fixrename_en.go).
func fixrenameJa() map[Key]string {
	return map[Key]string{
		"fixnote.rename_none":      "指摘には名前を変えるキー ($%s) がありません",
		"fixnote.rename_missing":   "ドキュメントにキー %s がありません",
		"fixnote.rename_unknown":   "runbook-translator は %s %s の %s にある Kubernetes のフィールド名を知りません",
		"fixnote.rename_known":     "%[1]s は %[2]s %[3]s の %[4]s にあるフィールドです。名前を変える必要はありません",
		"fixnote.rename_no_match":  "%[1]s %[2]s の %[3]s には %[4]q に近い Kubernetes のフィールドがありません。どのフィールドのつもりだったかは作成者が決めることです",
		"fixnote.rename_ambiguous": "%[1]q は %[2]s にある複数の Kubernetes のフィールド (%[3]s) に近い名前です。どれのつもりだったかは作成者が決めることです",
		"fixnote.rename_taken":     "%[1]s にはすでに %[2]s があります。2 つのフィールドをまとめるのは作成者の仕事です",
		"fixnote.rename_style":     "%[2]d 行目のキー %[1]q はプレーンまたは単純な引用符付きのキーとして書かれていません",
	}
}

func init() { fills = append(fills, func() { add(ja, fixrenameJa()) }) }
