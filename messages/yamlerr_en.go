package messages

// What a YAML decode error says about a config or catalog file
// (internal/yamlerr): the key or value at fault and the kind of value
// expected, in YAML words; keys and values stay as written.
func yamlerrEn() map[Key]string {
	return map[Key]string{
		"yaml.unknown_key": "unknown key %q",
		// did_you_mean, goes_under, valid_keys follow unknown_key (its
		// text first).
		"yaml.did_you_mean": "%s (did you mean %q?)",
		"yaml.goes_under":   "%s (%s goes under %s:)",
		"yaml.valid_keys":   "%s; valid keys here: %s",
		// must_be: the key's path, the kind expected, the kind found.
		"yaml.must_be":  "%q must be %s, not %s",
		"yaml.expected": "expected %s here, not %s",
		// the kinds of value
		"yaml.w.list":         "a list",
		"yaml.w.mapping":      "a mapping",
		"yaml.w.mapping_keys": "a mapping (with keys %s)",
		"yaml.w.string":       "a string",
		"yaml.w.number":       "a number",
		"yaml.w.whole":        "a whole number",
		"yaml.w.truefalse":    "true/false",
		"yaml.w.bool":         "true or false",
		"yaml.w.null":         "null",
		"yaml.w.date":         "a date",
		"yaml.w.duration":     "a duration such as 30s",
		"yaml.w.tagged":       "a value tagged %s",
		"yaml.w.other":        "a different kind of value",
		"yaml.w.with_value":   "%s (%s)",
		// at: a config file's error, file, line and the error.
		"config.yaml_at": "%s:%d: %s",
		// text: a message yamlerr does not know, as yaml.v3 wrote it.
		"config.text": "%s",
	}
}

func init() { fills = append(fills, func() { add(en, yamlerrEn()) }) }
