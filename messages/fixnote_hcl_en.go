package messages

// Why an edit of a Terraform file (fix/hcl.go) gave no suggestion. A path
// is the edit's attribute and block names joined with "."; $block
// (runbooks.FindingBlock) is the nested block that holds the finding's
// line.
func fixnoteHCLEn() map[Key]string {
	return map[Key]string{
		// hcl_parse: the file and the parser's diagnostics (English).
		"fixnote.hcl_parse":         "%s does not parse as HCL: %s",
		"fixnote.hcl_k8s_edit":      "%s: rename, from and document edits are for Kubernetes manifests",
		"fixnote.hcl_k8s_mapping":   "%s: a mapping value is for Kubernetes manifests",
		"fixnote.hcl_k8s_list":      "%s: a list value is for Kubernetes manifests",
		"fixnote.hcl_selector":      "%s: list selectors are for Kubernetes paths; Terraform paths are attribute and block names",
		"fixnote.hcl_block_path":    "%s: a path names an attribute or block inside %s",
		"fixnote.hcl_no_block":      "the block of %s is not found once in %s",
		"fixnote.hcl_no_resource":   "the finding names no Terraform block (resource %q, line %d)",
		"fixnote.hcl_pin":           "the pinned block %q is not a block type and place",
		"fixnote.hcl_no_nested":     "line %d of %s is in no nested block of %s (for %s)",
		"fixnote.hcl_no_typed":      "%s has no %s block for %s",
		"fixnote.hcl_summary_keys":  "$rule_summary describes the rule whose attribute is written, not %s",
		"fixnote.hcl_summary_type":  "$rule_summary is for security group rules, not a %s",
		"fixnote.hcl_rule_type":     "the rule's type %q is not ingress or egress",
		"fixnote.hcl_summary_long":  "the rule's summary is %d characters; AWS takes a description of at most 255",
		"fixnote.hcl_summary_char":  "the rule's summary %q has %q, which AWS does not take in a description",
		"fixnote.hcl_object_depth":  "%s: only one key inside an attribute's object is edited",
		"fixnote.hcl_blocks":        "%s: %d %s blocks; which one is meant is not known",
		"fixnote.hcl_is_block":      "%s is a block, not an attribute",
		"fixnote.hcl_expression":    "%s is written as an expression (%s); replace writes over a literal only",
		"fixnote.hcl_not_list":      "%s is not a literal list",
		"fixnote.hcl_not_object":    "%s is not written as a literal object ({ ... }); the fix does not know where its keys come from",
		"fixnote.hcl_add_to_object": "%s.%s: add is for lists",
	}
}

func init() { fills = append(fills, func() { add(en, fixnoteHCLEn()) }) }
