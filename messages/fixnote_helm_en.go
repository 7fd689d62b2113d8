package messages

// The FixNote of a finding that names a chart template not under the base
// directory (kube-score's "# Source:" path of a rendered stream).
func fixnoteHelmEn() map[Key]string {
	return map[Key]string{
		"fixnote.chart_missing": "%s is a Helm chart template that is not under the base directory: the fix belongs in the template (a change to rendered output is lost on the next render); run with the chart in the tree",
		"fixnote.rendered":      "%s is rendered by Helm from the template %s (its \"# Source:\" comment): the fix belongs in the template (a change to rendered output is lost on the next render)",
	}
}

// Why a fix is not made in a Helm template (fix/compute.go): phrases of
// fixnote.helm ("the file is a Helm template: %s").
func fixnoteHelmTmplEn() map[Key]string {
	return map[Key]string{
		"fixnote.helm_document":      "a new document is not added to a template (its name and labels there come from template actions)",
		"fixnote.helm_rename":        "keys are not renamed in templates",
		"fixnote.helm_container":     "the container's name is a template action",
		"fixnote.helm_changed_line":  "line %d, which the fix changes, holds a template action",
		"fixnote.helm_action_value":  "the fix would write a value that a template action makes",
		"fixnote.helm_image_values":  "the image is written from values, and %s is not a value of %s",
		"fixnote.helm_image_split":   "the copy %s has no tag to write into the chart's tag value",
		"fixnote.helm_inside_action": "the fix would insert lines inside the template action on line %d",
		"fixnote.helm_trim_before":   "the action on line %d would trim the lines the fix inserts before it",
		"fixnote.helm_trim_after":    "the action on line %d would trim the lines the fix inserts after it",
		// helm_may_write: a key on the path (hint syntax) may come from an
		// action that writes keys of its mapping.
		"fixnote.helm_may_write": "%s may be written by the template action on line %d",
		"fixnote.helm_item_name": "the name of the item of %s on line %d is a template action",
		"fixnote.helm_keyed":     "the mapping the fix adds to has a template action where a key would be, on line %d",
		// helm_keyed_unnamed: the action is a helper's or value's lines
		// ("{{- include ... | nindent 4 }}"), and the key is not one the
		// finding says the object lacks.
		"fixnote.helm_keyed_unnamed": "the mapping the fix adds to has a template action where a key would be, on line %d, which may render %s: the finding does not say the object lacks it",
		"fixnote.helm_toyaml_alone":  "the mapping the fix adds to is written by the toYaml action on line %d alone, which renders {} or null for an empty value, after which no key can follow",
		// helm_no_document: the finding's line (and object) in the template
		// read with its actions masked.
		"fixnote.helm_no_document": "line %d is in no document of %s that can be read around the template actions",
		// helm_values_*: why a fix of what a template writes from the
		// chart's values is not made in values.yaml (fix/helmvalues.go).
		"fixnote.helm_values_guarded":   "the values the fix would edit are written under the template action on line %d (an if, with, range or helper may decide them), so values.yaml is not edited",
		"fixnote.helm_values_action":    "line %d writes the value with an action other than exactly {{- toYaml .Values.<path> | nindent N }} or key: {{ .Values.<path> }}, so values.yaml is not edited",
		"fixnote.helm_values_container": "the container the fix edits is named by the template action on line %d and the template has more than one container, so values.yaml is not edited",
		"fixnote.helm_values_scalar":    "line %d writes the field from a value, which only a set: or replace: edits in values.yaml",
		"fixnote.helm_values_file":      "the field comes from the chart's values, and %s cannot be read as a values file (one YAML mapping)",
		"fixnote.helm_values_mapping":   "the field comes from the chart's values, and %s in %s is not a mapping",
		// helm_values_fix: the description of a fix made in values.yaml
		// (the entry's description, the values file).
		"fixnote.helm_values_fix": "%s, in %s: the chart's default value, which applies to every object rendered from it",
	}
}

func init() { fills = append(fills, func() { add(en, fixnoteHelmEn()); add(en, fixnoteHelmTmplEn()) }) }
