package messages

// ignoreruleJa is the Japanese of ignoreruleEn; the YAML keys (reason,
// code, tool, path, resource, expires) stay as written in the config.
func ignoreruleJa() map[Key]string {
	return map[Key]string{
		"rule.no_reason":    "reason がありません",
		"rule.catch_all":    "すべての指摘に一致します: code、tool、path、resource のいずれかを指定してください",
		"rule.bad_code":     "code %q に英字も数字も含まれていません",
		"rule.bad_expires":  "expires %q は日付ではありません (YYYY-MM-DD で指定してください)",
		"rule.bad_glob":     "%s %q は glob として正しくありません",
		"config.at":         "%s: %s: %s",
		"config.lines":      "%s\n%s",
		"config.prefix":     "設定ファイル: %s",
		"config.break_rule": "設定ファイル: ignore のルールが ignore_policy に違反しています:\n%s",
	}
}

func init() { fills = append(fills, func() { add(ja, ignoreruleJa()) }) }
