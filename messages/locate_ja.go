package messages

// Where the locate stage put a finding (translator.Finding.LocatedText);
// the English text is Finding.Located, byte for byte.
func locateJa() map[Key]string {
	return map[Key]string{
		"loc.container":             "%[3]s の%[1]s %[2]s",
		"loc.w.containers":          "コンテナ",
		"loc.w.initContainers":      "init コンテナ",
		"loc.w.ephemeralContainers": "エフェメラルコンテナ",
		"loc.field":                 "%[2]s のフィールド %[1]s",
		"loc.several":               "%[2]s のフィールド %[1]s は複数の要素に一致するため、%[3]s を指しています",
		"loc.unset":                 "%[2]s のフィールド %[1]s は設定されていないため、存在する最も近い親 %[3]s を指しています",
		"loc.resource":              "リソース %s",
		"loc.at":                    "%s (%s:%d)",
		"loc.attr":                  "%[2]s の属性 %[1]s",
		"loc.attr_unset":            "%[2]s の属性 %[1]s は設定されていないため、%[3]s を指しています",
		"loc.attr_block":            "%[2]s の属性 %[1]s は設定されていないため、リソースブロックを指しています",
		"loc.helm_exact":            "%s (%s:%d、レンダリング結果では %s)",
		"loc.helm_approx":           "おおよその位置: %[1]s (レンダリング結果では %[2]s)。テンプレート %[3]s には対応するリテラル行がないため、%[5]d 行目の %[4]s を指しています",
		"loc.helm_first":            "おおよその位置: %[1]s (レンダリング結果では %[2]s)。テンプレート %[3]s には対応するリテラル行がないため、先頭行を指しています",
	}
}

func init() { fills = append(fills, func() { add(ja, locateJa()) }) }
