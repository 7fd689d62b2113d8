package messages

// How a rule breaks the ignore_policy (ignore.Policy.Check): config
// errors of `review` and the refusals of `ignore request`, whose reply is
// in the run's language.
func policyEn() map[Key]string {
	return map[Key]string{
		"policy.missing":     "missing %s: the ignore_policy requires it",
		"policy.missing_one": "missing %s: the ignore_policy requires one of them",
		"policy.or":          "%s or %s",
		"policy.no_expires":  "no expires: the ignore_policy allows at most %s (until %s)",
		"policy.too_late":    "expires %s is later than the ignore_policy's max_expiry of %s (%s at the latest)",
		// Every way the rule breaks it, as one reason (OfAll).
		"exc.policy_why": "%s",
	}
}

func init() { fills = append(fills, func() { add(en, policyEn()) }) }
