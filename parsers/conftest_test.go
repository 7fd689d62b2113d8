package parsers

import (
	"regexp"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestConftestPolicyIDAndResource(t *testing.T) {
	for _, c := range []struct {
		name          string
		re            *regexp.Regexp
		msg           string
		details, meta map[string]any
		code, res     string
	}{
		{name: "konstraint", msg: "P1000: Deployment/web: Sharing the host pid is not allowed",
			code: "P1000", res: "Deployment/web"},
		{name: "corpus string rule", msg: `K8S-012: StatefulSet/catalog-db: containers must not run as root (container "postgres" has runAsUser 0)`,
			code: "K8S-012", res: "StatefulSet/catalog-db"},
		{name: "details win", msg: "K8S-030: Role/shop-ops: rule 0 uses a wildcard",
			details: map[string]any{"policyID": "K8S-031", "resource": "Role/other"},
			code:    "K8S-031", res: "Role/other"},
		{name: "top-level policyID", msg: "no prefix here", meta: map[string]any{"policyID": "X-1"},
			code: "X-1"},
		{name: "terraform address", msg: `TF-001: aws_sqs_queue.export_dlq[0]: AWS resource aws_sqs_queue has no "team" tag`,
			code: "TF-001", res: "aws_sqs_queue.export_dlq[0]"},
		{name: "module address", msg: "TF-9: module.export_queue.aws_sqs_queue.this: x",
			code: "TF-9", res: "module.export_queue.aws_sqs_queue.this"},
		{name: "no code", msg: "Deployment/web: no code before me", res: "Deployment/web"},
		{name: "custom pattern", re: regexp.MustCompile(`\[(?P<code>[a-z-]+)\]`), msg: "bad thing [no-host-pid]",
			code: "no-host-pid"},
		{name: "plain", msg: "Containers must not run as root"},
	} {
		code, res := policyIDAndResource(c.re, c.msg, c.details, c.meta)
		if code != c.code || res != c.res {
			t.Errorf("%s: got (%q, %q), want (%q, %q)", c.name, code, res, c.code, c.res)
		}
	}
}

// TestConftestExceptionsAndLoc: no fixture has exceptions (the corpus
// policies define none) or a loc (conftest v0.71 prints none for them), so
// this literal follows conftest's output.CheckResult / Result JSON tags.
func TestConftestExceptionsAndLoc(t *testing.T) {
	in := `[{"filename": "/repo/k8s/web.yaml", "namespace": "main", "successes": 1,
	  "exceptions": [{"msg": "P1000: Deployment/web: Sharing the host pid is not allowed"}],
	  "failures": [{"msg": "P1001: Deployment/web: privileged", "loc": {"file": "/repo/k8s/web.yaml", "line": 12},
	     "metadata": {"details": {"owner": "team-a", "count": 3}, "query": "data.main.deny"}}],
	  "skipped": [{"msg": "skipped rule"}]}]`
	fs, err := psParse(t, "conftest", Options{BaseDir: "/repo"}, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 {
		t.Fatalf("got %d findings, want 2 (skipped is not one)", len(fs))
	}
	fail, exc := fs[0], fs[1]
	if fail.Code != "P1001" || fail.Line != 12 || fail.Path != "k8s/web.yaml" || fail.Severity != translator.SeverityError ||
		fail.ToolSeverity != "failure" || fail.Ignored() {
		t.Errorf("failure: %+v", fail)
	}
	if fail.Extra["owner"] != "team-a" || fail.Extra["policy_query"] != "data.main.deny" || fail.Extra["policy_namespace"] != "main" {
		t.Errorf("failure extra: %v", fail.Extra)
	}
	if _, ok := fail.Extra["count"]; ok {
		t.Errorf("non-string detail copied: %v", fail.Extra)
	}
	if !exc.Ignored() || exc.Suppressed.Source != "conftest" || exc.Suppressed.Reason != "conftest exception" ||
		exc.ToolSeverity != "exception" || exc.Code != "P1000" || exc.Resource != "Deployment/web" {
		t.Errorf("exception: %+v %+v", exc, exc.Suppressed)
	}
	if exc.Message != "P1000: Deployment/web: Sharing the host pid is not allowed" {
		t.Errorf("message not kept as printed: %q", exc.Message)
	}
}

// TestConftestFixtureFacts pins facts of the real output the golden file
// also holds, so that a careless -update cannot hide a regression.
func TestConftestFixtureFacts(t *testing.T) {
	fs, err := psParse(t, "conftest", Options{}, psRead(t, "conftest/tfplan.json"))
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]*translator.Finding{}
	for _, f := range fs {
		byCode[f.Code] = f
	}
	if f := byCode["TF-003"]; f == nil || f.Resource != "aws_s3_bucket_acl.exports" || f.Extra["address"] != "aws_s3_bucket_acl.exports" {
		t.Errorf("TF-003: %+v", f)
	}
	if f := byCode["TF-002"]; f == nil || f.Severity != translator.SeverityWarning || f.Path != "terraform-plan/tfplan.json" || f.Line != 0 {
		t.Errorf("TF-002: %+v", f)
	}
}

// TestConftestLocPath: a policy's _loc.file must not turn the tested file's
// path into a base name (issue 11).
func TestConftestLocPath(t *testing.T) {
	for _, c := range []struct{ tested, loc, want string }{
		{"k8s/catalog.yaml", "catalog.yaml", "k8s/catalog.yaml"},
		{"k8s/catalog.yaml", "sub/k8s/catalog.yaml", "sub/k8s/catalog.yaml"},
		{"k8s/catalog.yaml", "values.yaml", "k8s/values.yaml"},
		{"k8s/catalog.yaml", "helm/values.yaml", "helm/values.yaml"},
		{"catalog.yaml", "catalog.yaml", "catalog.yaml"},
		{"k8s/catalog.yaml", "", "k8s/catalog.yaml"},
	} {
		if got := conftestLocPath(c.tested, c.loc); got != c.want {
			t.Errorf("conftestLocPath(%q, %q) = %q, want %q", c.tested, c.loc, got, c.want)
		}
	}
	in := `[{"filename":"k8s/catalog.yaml","namespace":"main","successes":0,"failures":[{"msg":"P1: x","loc":{"file":"catalog.yaml","line":7}}]}]`
	fs, err := psParse(t, "conftest", Options{}, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Path != "k8s/catalog.yaml" || fs[0].Line != 7 {
		t.Errorf("%+v", fs)
	}
}
