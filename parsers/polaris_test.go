package parsers

import (
	"encoding/json"
	"testing"
)

func TestPolarisBadInput(t *testing.T) {
	checkBadInput(t, "polaris", "polaris", "k8s-shop.json", 0,
		`{"Results": []}`, `[]`, `{"PolarisOutputVersion": "1.0", "Results": {"a": 1}}`)
}

func TestPolarisDetect(t *testing.T) {
	checkDetected(t, "polaris", "polaris")
}

// --only-show-failed-tests drops passing checks only: same findings.
func TestPolarisFailedOnlyMatchesFull(t *testing.T) {
	full, err := parseWith(t, "polaris", readFixture(t, "polaris", "k8s-shop.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	failed, err := parseWith(t, "polaris", readFixture(t, "polaris", "k8s-shop.failed-only.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(full)
	b, _ := json.Marshal(failed)
	if string(a) != string(b) {
		t.Error("findings differ between the full and the failed-only report")
	}
	containers := 0
	for _, f := range full {
		if f.Code == "runAsRootAllowed" && f.Extra["container"] != "" {
			containers++
		}
	}
	if containers == 0 {
		t.Error("no container-level runAsRootAllowed finding")
	}
}
