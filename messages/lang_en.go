package messages

// An unknown language (Resolve): a usage error of --lang, a config
// error of lang:, and the refusal of `ignore request` when the base
// branch's config names one.
func langEn() map[Key]string {
	return map[Key]string{
		"lang.unknown_flag":   "--lang: unknown language %q: valid languages are %s",
		"lang.unknown_config": "lang in the config: unknown language %q: valid languages are %s",
	}
}

func init() { fills = append(fills, func() { add(en, langEn()) }) }
