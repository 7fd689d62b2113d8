package messages

// The words of the SARIF report's rule help (reporters/sarif.go). SARIF
// is read by machines, but GitHub code scanning shows a rule's help
// markdown to people, so the help follows the run's language; the log's
// keys and property values do not (see the package comment).
func sarifEn() map[Key]string {
	return map[Key]string{
		"sarif.generic_help": "The runbook for this rule is written for each finding (it names the file, the object or the values involved): " +
			"what to do about one alert is in that alert's message, after the tool's own message.\n",
		"sarif.owner": "\nOwner: %s\n",
		"sarif.see":   "\nSee: %s\n",
	}
}

func init() { fills = append(fills, func() { add(en, sarifEn()) }) }
