package parsers

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestKubeScoreBadInput(t *testing.T) {
	checkBadInput(t, "kube-score", "kube-score", "k8s-shop.json", 0,
		`{"object_name": "x"}`, `[{"checks": []}]`, `[1]`)
}

func TestKubeScoreDetect(t *testing.T) {
	checkDetected(t, "kube-score", "kube-score")
}

// One finding per failed check, whatever the number of comments; the
// document start is not a problem line.
func TestKubeScoreFailedCheck(t *testing.T) {
	fs, err := parseWith(t, "kube-score", readFixture(t, "kube-score", "k8s-shop.json"),
		Options{BaseDir: "/ci/workspace/fixtures/inputs"})
	if err != nil {
		t.Fatal(err)
	}
	var got *translator.Finding
	for _, f := range fs {
		if f.Code == "container-resources" && f.Resource == "Deployment/storefront" {
			if got != nil {
				t.Fatal("two findings for one failed check")
			}
			got = f
		}
	}
	if got == nil {
		t.Fatal("no container-resources finding for Deployment/storefront")
	}
	if got.Line != 0 || got.Extra["document_line"] != "1" || got.Path != "k8s/storefront.yaml" {
		t.Errorf("location: %+v", got)
	}
	if got.Extra["container"] != "web,asset-sync" || strings.Count(got.Message, "(web)") != 4 {
		t.Errorf("containers: %q in %q", got.Extra["container"], got.Message)
	}
	if got.Severity != translator.SeverityError {
		t.Errorf("severity %v", got.Severity)
	}
}
