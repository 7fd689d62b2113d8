package messages

// policyJa is the Japanese of policyEn; the YAML keys (expires,
// max_expiry, the required fields) stay as they are written in the config.
func policyJa() map[Key]string {
	return map[Key]string{
		"policy.missing":     "%s がありません: ignore_policy で必須です",
		"policy.missing_one": "%s がありません: ignore_policy でいずれかが必須です",
		"policy.or":          "%s または %s",
		"policy.no_expires":  "expires がありません: ignore_policy で許される期限は最大 %s (%s まで) です",
		"policy.too_late":    "expires %[1]s は ignore_policy の max_expiry %[2]s を超えています (最も遅くて %[3]s)",
		"exc.policy_why":     "%s",
	}
}

func init() { fills = append(fills, func() { add(ja, policyJa()) }) }
