package messages

// Why a rename: edit (fix/rename.go) gave no suggestion.
func fixrenameEn() map[Key]string {
	return map[Key]string{
		"fixnote.rename_none":      "the finding names no key to rename ($%s)",
		"fixnote.rename_missing":   "the document has no key %s",
		"fixnote.rename_unknown":   "runbook-translator knows no Kubernetes field names for %s %s at %s",
		"fixnote.rename_known":     "%s is a field of %s %s at %s: there is nothing to rename",
		"fixnote.rename_no_match":  "no Kubernetes field of %s %s at %s is close to %q; which field was meant is for the author to say",
		"fixnote.rename_ambiguous": "%q is close to several Kubernetes fields at %s (%s); which one was meant is for the author to say",
		"fixnote.rename_taken":     "%s already has %s: merging two fields is for the author to do",
		"fixnote.rename_style":     "the key %q on line %d is not written as a plain or simply quoted key",
	}
}

func init() { fills = append(fills, func() { add(en, fixrenameEn()) }) }
