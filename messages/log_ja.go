package messages

func logJa() map[Key]string {
	return map[Key]string{
		"log.empty_document": "空のドキュメントです。指摘はありません",
		"log.empty_allowed":  "入力が空です。指摘はありません (--allow-empty)",
		"log.detected":       "入力形式を %s と判定しました",
		"log.undelivered":    "%s がすべての指摘を届けられませんでした。以下にすべての指摘を示します:",
		"log.digest":         "指摘 %d 件: エラー %d 件、警告 %d 件、情報 %d 件、無視 %d 件",
		"log.digest_more":    "... ほか %d 件: サマリーコメントを見るか、-r local を付けるとすべて表示されます",
	}
}

func init() { fills = append(fills, func() { add(ja, logJa()) }) }
