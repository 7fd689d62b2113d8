package messages

// yamlerrJa is the Japanese of yamlerrEn; keys, values and YAML tags stay
// as written.
func yamlerrJa() map[Key]string {
	return map[Key]string{
		"yaml.unknown_key":    "不明なキー %q",
		"yaml.did_you_mean":   "%s (%q の誤りではありませんか?)",
		"yaml.goes_under":     "%s (%s は %s: の下に書きます)",
		"yaml.valid_keys":     "%s。ここで使えるキー: %s",
		"yaml.must_be":        "%q には %s を指定してください (%s が指定されています)",
		"yaml.expected":       "ここには %s が必要です (%s が指定されています)",
		"yaml.w.list":         "リスト",
		"yaml.w.mapping":      "マッピング",
		"yaml.w.mapping_keys": "マッピング (キー: %s)",
		"yaml.w.string":       "文字列",
		"yaml.w.number":       "数値",
		"yaml.w.whole":        "整数",
		"yaml.w.truefalse":    "true/false",
		"yaml.w.bool":         "true または false",
		"yaml.w.null":         "null",
		"yaml.w.date":         "日付",
		"yaml.w.duration":     "30s のような期間",
		"yaml.w.tagged":       "%s タグの値",
		"yaml.w.other":        "別の種類の値",
		"yaml.w.with_value":   "%s (%s)",
		"config.yaml_at":      "%s:%d: %s",
		// text: a message yamlerr does not know, as yaml.v3 wrote it.
		"config.text": "%s",
	}
}

func init() { fills = append(fills, func() { add(ja, yamlerrJa()) }) }
