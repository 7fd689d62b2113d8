package messages

// What is wrong with an ignore rule (ignore.Rule.Validate), and the
// config errors around it (cmd/runbook-translator/config.go): printed
// by review, fix and ignore add in the run's language.
func ignoreruleEn() map[Key]string {
	return map[Key]string{
		"rule.no_reason":    "missing reason",
		"rule.catch_all":    "matches every finding: set code, tool, path or resource",
		"rule.bad_code":     "code %q has no letters or digits",
		"rule.bad_expires":  "expires %q is not a date (want YYYY-MM-DD)",
		"rule.bad_glob":     "%s %q is not a valid glob",
		"config.at":         "%s: %s: %s",
		"config.lines":      "%s\n%s",
		"config.prefix":     "config: %s",
		"config.break_rule": "config: ignore rules break the ignore_policy:\n%s",
	}
}

func init() { fills = append(fills, func() { add(en, ignoreruleEn()) }) }
