package messages

// Why a fix that copies values from the manifest, adds a mapping or
// appends a document (fix/structured.go) gave no suggestion.
func fixshapeEn() map[Key]string {
	return map[Key]string{
		"fixnote.no_copy":        "the object has no %s to copy",
		"fixnote.no_mapping":     "the object has no %s for $%s",
		"fixnote.doc_exists":     "the file already has a %s named %s",
		"fixnote.doc_value_path": "the document cannot take the catalog value %[2]s at %[1]s: a field on the way is not a mapping",
		"fixnote.helm_structure": "only a literal value on the located line is changed; keys, copied values and documents are not added to templates",
	}
}

func init() { fills = append(fills, func() { add(en, fixshapeEn()) }) }
