package messages

// Why a runbook entry's fix: block gave no suggestion
// (translator.Finding.FixNoteText); the English text is Finding.FixNote,
// byte for byte. An error that has no key is an argument of fix.because.
func fixnoteEn() map[Key]string {
	return map[Key]string{
		"fixnote.no_file":           "the finding names no file to fix",
		"fixnote.unreadable":        "%s cannot be read: %v",
		"fixnote.because":           "%s: %v",
		"fixnote.already":           "%s: %s already holds what the fix sets",
		"fixnote.not_utf8":          "the file is not UTF-8 text",
		"fixnote.no_object":         "the object %s is not found once in %s",
		"fixnote.no_object_unnamed": "the object of the finding is not found once in %s",
		"fixnote.helm":              "the file is a Helm template: %s",
		"fixnote.helm_literal":      "the template has no literal line for the field",
		"fixnote.helm_one":          "only a fix of one edit on the located line is made, this one has %d",
		"fixnote.helm_add":          "list items are not added to templates",
		"fixnote.helm_item":         "line %d is a list item",
		"fixnote.helm_key":          "line %d is not the %s the fix changes",
		"fixnote.helm_scalar":       "the value on line %d is not a literal scalar",
		// value_unset names the values: of the organisation catalog a fix
		// alternative takes (catalog_value:) and no catalog sets.
		"fixnote.value_unset": "the organisation catalog sets no %s under values: (setting it there makes a suggestion)",
		// value_not_scalar_hcl: a catalog value (name, file:line) taken by a
		// Terraform edit is a mapping or list.
		"fixnote.value_not_scalar_hcl": "the catalog value %s (%s) is a mapping or list; a Terraform attribute takes a string, number or boolean",
		// also joins the values a later alternative lacks (value_unset) and
		// the first alternative's reason.
		"fixnote.also": "%v; %v",
		// for_tools and for_kinds: the fix's tools: or kinds: (joined
		// with ", ") and the finding's tool or object kind.
		"fixnote.for_tools": "the fix is for findings of %s, not %s",
		"fixnote.for_kinds": "the fix is for %s, not %s",
		// for_message: the fix's message: expression, which the finding's
		// message does not match.
		"fixnote.for_message": "the fix is for findings whose message matches %q",
		// no_placeholder: a $name value the finding has no value for
		// (name, name); no_selector: the same in a path's selector (name,
		// name, the path).
		"fixnote.no_placeholder": "the finding has no %s for $%s",
		"fixnote.no_selector":    "the finding names no %s (for $%s in %s)",
		// value_not_scalar_add and _replace: a catalog value taken by an
		// add or replace edit is a mapping or list.
		"fixnote.value_not_scalar_add":     "the catalog value %s is a mapping or list, and add appends one scalar",
		"fixnote.value_not_scalar_replace": "the catalog value %s is a mapping or list, and replace writes one scalar",
		// map_no_entry: the table a catalog_map: edit looks the field's
		// present value up in (its name, the value); map_not_table: the
		// catalog value is no such table (name, file:line).
		"fixnote.map_no_entry":  "the organisation catalog's %s (values:) has no entry for %q (adding one there makes a suggestion)",
		"fixnote.map_not_table": "the catalog value %s (%s) is not a table of strings (catalog_map looks the present value up in one)",
		"fixnote.map_absent":    "the object has no %s to look up in %s",
		"fixnote.map_terraform": "%s is Terraform, and catalog_map looks values up in Kubernetes manifests only",
	}
}

func init() { fills = append(fills, func() { add(en, fixnoteEn()) }) }
