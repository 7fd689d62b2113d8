package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestAtlantisPassingOutputSaysNoFail(t *testing.T) {
	atlantis := func(k string) string {
		if k == "ATLANTIS_TERRAFORM_VERSION" {
			return "1.11.4"
		}
		return ""
	}
	in := td + "conftest/node-agent.hygiene-warn-only.fail-on-warn.json" // warnings only
	var out, errOut bytes.Buffer
	code := Main([]string{"review", in}, strings.NewReader(""), &out, &errOut, atlantis)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if strings.Contains(strings.ToLower(out.String()), "fail") {
		t.Errorf("a passing run's output contains \"fail\", which Atlantis reads as a failure:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "warning") {
		t.Errorf("the findings are not in the output:\n%s", out.String())
	}
	out.Reset()
	code = Main([]string{"review", td + "conftest/tfplan.json"}, strings.NewReader(""), &out, &errOut, atlantis)
	if code != ExitFindings || !strings.Contains(out.String(), "FAIL") {
		t.Errorf("a failing run must say so: exit %d\n%s", code, out.String())
	}
}
