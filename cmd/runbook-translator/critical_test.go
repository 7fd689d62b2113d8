package main

import (
	"strings"
	"testing"
)

// --fail-level critical fails on Trivy's CRITICAL findings only: the
// Terraform scan has 2 CRITICAL and 15 HIGH, the tfplan scan 14 HIGH and
// no CRITICAL (testdata/trivy/*.golden.json).
func TestFailLevelCritical(t *testing.T) {
	for _, c := range []struct {
		file, level string
		want        int
	}{
		{"trivy/config-terraform.json", "critical", 1},
		{"trivy/config-tfplan.json", "critical", 0},
		{"trivy/config-tfplan.json", "error", 1},
	} {
		code, out, errOut := run(t, "", "review", "--no-color", "-f", "trivy", "--fail-level", c.level, td+c.file)
		if code != c.want {
			t.Errorf("%s at %s: exit %d, want %d\n%s", c.file, c.level, code, c.want, errOut)
		}
		if c.file == "trivy/config-terraform.json" && !strings.Contains(out, "  critical ") {
			t.Errorf("local report does not label critical findings:\n%s", out)
		}
	}
	if code, _, errOut := run(t, "", "review", "--fail-level", "fatal", td+"trivy/config-tfplan.json"); code != 2 || !strings.Contains(errOut, "critical") {
		t.Errorf("bad --fail-level: exit %d, %s", code, errOut)
	}
}
