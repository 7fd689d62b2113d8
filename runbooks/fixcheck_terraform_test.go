package runbooks

import "testing"

// A fix for Terraform resources (its kinds are all resource types) is
// checked for what HCL edits make (fix/hcl.go), each problem at its
// edit's line: no from:, with or without a catalog value; no rename or
// document; no list selectors; a literal string, number or boolean. A
// catalog value and fill are what Terraform edits take.
func TestLoadChecksTerraformEdits(t *testing.T) {
	_, err := loadString(t, `entries:
  - id: tf
    title: t
    match: [{codes: [TF-1]}]
    body: b
    fix:
      - description: d
        kinds: [aws_ebs_volume, aws_instance]
        edits:
          - set: kms_key_id
            catalog_value: kms_key_arn
            from: encryption.key
          - set: kms_key_id
            from: encryption.key
          - rename: kms_key
            to: kms_key_id
          - set: ebs_block_device[device_name=sda].encrypted
            value: true
          - set: tags
            value: {team: web}
          - fill: encrypted
            value: true
          - set: kms_key_id
            catalog_value: kms_key_arn
      - description: mixed kinds are not checked as Terraform
        kinds: [aws_instance, Deployment]
        edits:
          - set: spec.template.spec.containers[name=$container].image
            from: spec.template.spec.containers[name=$container].image
`)
	if err == nil {
		t.Fatal("loaded")
	}
	want := []string{
		`t.yaml:10: entry "tf": fix[0].edits[0]: set: from: is for Kubernetes manifests; a Terraform edit writes the catalog value kms_key_arn as it is`,
		`t.yaml:13: entry "tf": fix[0].edits[1]: set: from: is for Kubernetes manifests; give the Terraform attribute a value or catalog_value`,
		`t.yaml:15: entry "tf": fix[0].edits[2]: rename is for Kubernetes manifests, and the fix's kinds are Terraform resource types`,
		`t.yaml:17: entry "tf": fix[0].edits[3]: set: "ebs_block_device[device_name=sda].encrypted": list selectors are for Kubernetes paths`,
		`t.yaml:19: entry "tf": fix[0].edits[4]: set: a Terraform attribute takes a string, number or boolean, not a mapping`,
	}
	wantProblems(t, err, want)
}
