package ignore

import "github.com/runbook-translator/runbook-translator/messages"

// orList is "a or b or c" as a message (policy.or), so a report in
// another language joins the alternatives in its own words.
func orList(alts []string) any {
	if len(alts) == 1 {
		return alts[0]
	}
	return messages.M("policy.or", alts[0], orList(alts[1:]))
}
