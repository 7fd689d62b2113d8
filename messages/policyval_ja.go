package messages

// policyvalJa is the Japanese of policyvalEn; the YAML keys (max_expiry,
// warn_within, require) and the units (30d, 2w) stay as written in the
// config.
func policyvalJa() map[Key]string {
	return map[Key]string{
		"policyval.duration":  "期間 %q: 日数か週数で指定してください (例: 30d、2w)",
		"policyval.too_long":  "期間 %q: %d 日を超えています",
		"policyval.past":      "%s は過去の日付です (今日は %s)",
		"policyval.expiry":    "%q: 期間 (30d、2w) か日付 (YYYY-MM-DD) で指定してください",
		"policyval.at_least":  "%q: 1d 以上を指定してください",
		"policyval.field":     "%s: %s",
		"policyval.not_field": "require[%d]: %q はルールのフィールドではありません (%s のいずれか、または | で区切った選択肢を指定してください)",
	}
}

func init() { fills = append(fills, func() { add(ja, policyvalJa()) }) }
