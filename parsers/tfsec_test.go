package parsers

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestDetectTFSec(t *testing.T) { testDetect(t, "tfsec") }

func TestTFSecIDsAndPaths(t *testing.T) {
	data := readFile(t, "../testdata/tfsec/storefront-assets.json")
	fs, err := parseBytes(t, "tfsec", data, Options{BaseDir: "/ci/workspace/fixtures/inputs/terraform"})
	if err != nil {
		t.Fatal(err)
	}
	var acl *translator.Finding
	for _, f := range fs {
		if !strings.HasPrefix(f.Path, "storefront-assets/") {
			t.Errorf("path not made relative: %s", f.Path)
		}
		if f.Code == "aws-s3-block-public-acls" {
			acl = f
		}
	}
	if acl == nil {
		t.Fatal("no aws-s3-block-public-acls finding")
	}
	// The same check as trivy's AWS-0086 must match the same catalog entry.
	if len(acl.Aliases) != 2 || acl.Aliases[0] != "AVD-AWS-0086" || translator.NormalizeCode(acl.Aliases[1]) != translator.NormalizeCode("AWS-0086") {
		t.Errorf("aliases %v", acl.Aliases)
	}
	if acl.Resource == "" || acl.Remediation == "" || acl.URL == "" || acl.Line == 0 {
		t.Errorf("incomplete: %+v", acl)
	}
	// Without a base dir the absolute path is kept as tfsec printed it.
	fs, _ = parseBytes(t, "tfsec", data, Options{})
	if !strings.HasPrefix(fs[0].Path, "/") {
		t.Errorf("path changed without base dir: %s", fs[0].Path)
	}
}
