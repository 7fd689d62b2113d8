package messages

// What is wrong with a value of the ignore_policy or with an expiry
// (ignore.ParseDays, ignore.ParseExpiry, ignore.Policy.Validate): config
// errors of review and fix, errors of `ignore add --expires`, and the
// refusal of `ignore request` when the base branch's policy is invalid.
func policyvalEn() map[Key]string {
	return map[Key]string{
		"policyval.duration":  "duration %q: want a number of days or weeks, e.g. 30d or 2w",
		"policyval.too_long":  "duration %q: longer than %d days",
		"policyval.past":      "%s is in the past (today is %s)",
		"policyval.expiry":    "%q: want a duration (30d, 2w) or a date (YYYY-MM-DD)",
		"policyval.at_least":  "%q: at least 1d",
		"policyval.field":     "%s: %s",
		"policyval.not_field": "require[%d]: %q is not a rule field (want one of %s, or alternatives joined by |)",
	}
}

func init() { fills = append(fills, func() { add(en, policyvalEn()) }) }
