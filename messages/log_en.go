package messages

// The job log of `review` (stderr, cmd/runbook-translator): the inputs
// read and the digest of the findings when only a forge reporter shows
// them. The "runbook-translator:" prefix and "warning:" stay English in
// every language, for whoever greps the log.
func logEn() map[Key]string {
	return map[Key]string{
		"log.empty_document": "an empty document, no findings",
		"log.empty_allowed":  "empty input, no findings (--allow-empty)",
		"log.detected":       "detected format %s",
		"log.undelivered":    "%s did not deliver every finding; all of them follow:",
		"log.digest":         "%d findings: %d errors, %d warnings, %d info, %d ignored",
		"log.digest_more":    "... and %d more: see the summary comment, or add -r local for all of them",
	}
}

func init() { fills = append(fills, func() { add(en, logEn()) }) }
