package runbooks

import "testing"

// $block, the nested block that holds the finding's line, is the first
// key of a Terraform fix's path and is followed by what is edited in it;
// another $ key, $block later in a path, or $block in a fix that is not
// for Terraform resources are refused, each at its edit's line.
func TestLoadChecksFindingBlock(t *testing.T) {
	_, err := loadString(t, `entries:
  - id: tf
    title: t
    match: [{codes: [TF-1]}]
    body: b
    fix:
      - description: d
        kinds: [aws_security_group]
        edits:
          - fill: $block.description
            value: $rule_summary
          - fill: $block
            value: x
          - fill: ingress.$block.description
            value: x
          - fill: $rule.description
            value: x
      - description: k8s
        kinds: [Deployment]
        edits:
          - set: $block.description
            value: x
`)
	if err == nil {
		t.Fatal("loaded")
	}
	wantProblems(t, err, []string{
		`t.yaml:12: entry "tf": fix[0].edits[1]: fill: "$block": $block is a block; name an attribute inside it ($block.description)`,
		`t.yaml:14: entry "tf": fix[0].edits[2]: fill: "ingress.$block.description": $block is the first key of a path (the nested block that holds the finding's line)`,
		`t.yaml:16: entry "tf": fix[0].edits[3]: fill: "$rule.description": a Terraform path names attributes and blocks, and $block the finding's nested block; "$rule" is neither`,
		`t.yaml:21: entry "tf": fix[1].edits[0]: "$block.description": $block is for Terraform fixes, whose kinds are all resource types`,
	})
}
