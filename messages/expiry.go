package messages

// Expiry is the reminder for an exception that expires within the warning
// window, in lang: "exception expires in 5 days", "… in 1 day", "…
// today" for 0 (translator.Suppression.ExpiresSoon gives the days).
func Expiry(lang string, days int) string {
	if days <= 0 {
		return T(lang, "expiry.today")
	}
	return N(lang, "expiry.days", days)
}
