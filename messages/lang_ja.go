package messages

// langJa is the Japanese of langEn; --lang and lang stay as written.
func langJa() map[Key]string {
	return map[Key]string{
		"lang.unknown_flag":   "--lang: %q は対応していない言語です (対応している言語: %s)",
		"lang.unknown_config": "設定ファイルの lang: %q は対応していない言語です (対応している言語: %s)",
	}
}

func init() { fills = append(fills, func() { add(ja, langJa()) }) }
