package messages

// Why an edit of a Kubernetes YAML document (fix/yaml.go,
// fix/structured.go) gave no suggestion. A path is in hint syntax
// (spec.containers[name=app].securityContext); "at line %d" is the line
// of the file.
func fixnoteYAMLEn() map[Key]string {
	return map[Key]string{
		"fixnote.path_not_mapping":  "%s is not a mapping",
		"fixnote.path_not_list":     "%s is not a list",
		"fixnote.path_no_item":      "%s has no such item",
		"fixnote.path_end":          "a path must end in a key",
		"fixnote.path_missing_item": "%s is not there, and list items are not created",
		"fixnote.nothing_to_edit":   "%s: nothing to edit",
		"fixnote.replace_scalar":    "replace writes one scalar, not a mapping or list",
		"fixnote.has_value":         "%s at line %d already holds a value; the fix adds it only where it is absent",
		"fixnote.add_scalar":        "add takes a scalar value",
		// holds_not_value and holds_not_list: a key and what its value is
		// (kind_mapping, kind_list, kind_value).
		"fixnote.holds_not_value": "%s holds a %s, not a value",
		"fixnote.holds_not_list":  "%s holds a %s, not a list",
		"fixnote.kind_mapping":    "mapping",
		"fixnote.kind_list":       "list",
		"fixnote.kind_value":      "value",
		"fixnote.value_moved":     "value at line %d is not where the parser put it",
		"fixnote.block_scalar":    "the value at line %d is a block scalar",
		"fixnote.value_empty":     "the value at line %d is empty",
		"fixnote.value_lines":     "the value at line %d spans lines",
		"fixnote.shared_line":     "%s at line %d shares its line with a list dash or another key",
		// only_key: the key, then its parent twice.
		"fixnote.only_key":            "%s is the only key of %s; removing it would leave %s empty",
		"fixnote.value_not_list":      "%s at line %d has a value that is not a list",
		"fixnote.list_moved":          "the list at line %d is not where the parser put it",
		"fixnote.list_lines":          "the list at line %d spans lines",
		"fixnote.list_dash":           "the list at line %d has no dash where expected",
		"fixnote.doc_empty":           "the document is empty",
		"fixnote.cannot_extend":       "%s at line %d has a value the fix cannot extend",
		"fixnote.mapping_inline_kept": "the mapping at line %d is written inline ({...}); it is not rewritten",
		"fixnote.mapping_inline":      "the mapping at line %d is written inline",
		"fixnote.mapping_moved":       "the mapping at line %d is not where the parser put it",
		"fixnote.mapping_lines":       "the mapping at line %d spans lines",
		"fixnote.no_colon":            "no colon after %s at line %d",
		// The values a fix writes (a mapping, a list, a document) and
		// copies (from:).
		"fixnote.empty_value":     "an empty value cannot be written",
		"fixnote.value_kind":      "a value of kind %d cannot be written",
		"fixnote.copy_not_value":  "%s is not a value to copy",
		"fixnote.doc_not_mapping": "document is not a mapping",
		"fixnote.doc_needs_name":  "document needs kind and metadata.name",
	}
}

func init() { fills = append(fills, func() { add(en, fixnoteYAMLEn()) }) }
