package parsers

import "testing"

func TestKubeLinterBadInput(t *testing.T) {
	checkBadInput(t, "kube-linter", "kube-linter", "k8s-shop.json", 0,
		`{"Checks": []}`, `[{"Check": "x"}]`, `null`)
}

func TestKubeLinterDetect(t *testing.T) {
	checkDetected(t, "kube-linter", "kube-linter")
}

func TestKubeLinterFinding(t *testing.T) {
	fs, err := parseWith(t, "kube-linter", readFixture(t, "kube-linter", "k8s-shop.json"),
		Options{BaseDir: "/ci/workspace/fixtures/inputs"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Code == "run-as-non-root" && f.Resource == "Deployment/storefront" {
			if f.Path != "k8s/storefront.yaml" || f.Line != 0 || f.Extra["container"] == "" || f.Remediation == "" {
				t.Errorf("unexpected finding: %+v", f)
			}
			return
		}
	}
	t.Error("no run-as-non-root finding for Deployment/storefront")
}
