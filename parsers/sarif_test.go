package parsers

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// The fixtures' machine paths, rewritten to the neutral /ci/workspace/fixtures/ (the corpus ran elsewhere).
const psInputs = "/ci/workspace/fixtures/inputs"

func TestSARIFTrivyRootPath(t *testing.T) {
	data := psRead(t, "trivy-sarif/config-k8s-shop.sarif")
	// Without BaseDir: relative to the scanned directory, as trivy JSON.
	fs, err := psParse(t, "trivy-sarif", Options{}, data)
	if err != nil {
		t.Fatal(err)
	}
	if fs[0].Path != "catalog.yaml" || fs[0].Tool != "trivy" || fs[0].Code != "KSV-0001" {
		t.Errorf("first finding: %+v", fs[0])
	}
	if fs[0].ToolSeverity != "MEDIUM" || fs[0].Severity != translator.SeverityWarning || fs[0].Line != 29 || fs[0].EndLine != 53 {
		t.Errorf("severity or lines: %+v", fs[0])
	}
	if !strings.HasPrefix(fs[0].Message, "Container 'api' of Deployment 'catalog-api'") {
		t.Errorf("message is not trivy's Message line: %q", fs[0].Message)
	}
	// With a BaseDir that holds ROOTPATH: repository-relative.
	fs, err = psParse(t, "sarif", Options{BaseDir: psInputs}, data)
	if err != nil {
		t.Fatal(err)
	}
	if fs[0].Path != "k8s/catalog.yaml" {
		t.Errorf("ROOTPATH not resolved under BaseDir: %q", fs[0].Path)
	}
	// A BaseDir elsewhere leaves the scanned-dir-relative path.
	fs, _ = psParse(t, "sarif", Options{BaseDir: "/elsewhere"}, data)
	if fs[0].Path != "catalog.yaml" {
		t.Errorf("path with unrelated BaseDir: %q", fs[0].Path)
	}
}

func TestSARIFTrivySecret(t *testing.T) {
	fs, err := psParse(t, "sarif", Options{}, psRead(t, "trivy-sarif/fs-secret.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if strings.Contains(f.Message, "*") || strings.Contains(f.Remediation, "*") {
			t.Errorf("masked match copied into the finding: %+v", f)
		}
	}
	if fs[0].Code != "aws-access-key-id" || fs[0].Message != "AWS Access Key ID" || fs[0].ToolSeverity != "CRITICAL" {
		t.Errorf("first secret: %+v", fs[0])
	}
}

func TestSARIFKubeLinter(t *testing.T) {
	fs, err := psParse(t, "sarif", Options{}, psRead(t, "kube-linter-sarif/k8s-shop.shop-config.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	res := map[string]bool{}
	for _, f := range fs {
		if f.Line != 0 {
			t.Errorf("kube-linter line kept: %+v", f)
		}
		if strings.Contains(f.Message, "\n") || strings.Contains(f.Message, "object:") {
			t.Errorf("object line left in message: %q", f.Message)
		}
		res[f.Resource] = true
	}
	for _, want := range []string{"Deployment/catalog-api", "ClusterRole/shop-admin", "Service/storefront-admin"} {
		if !res[want] {
			t.Errorf("no finding on %s; resources: %v", want, res)
		}
	}
}

func TestSARIFKubeScorePaths(t *testing.T) {
	fs, err := psParse(t, "kube-score-sarif", Options{BaseDir: psInputs}, psRead(t, "kube-score-sarif/k8s-shop.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	if fs[0].Path != "k8s/storefront.yaml" || fs[0].Line != 1 || fs[0].Code != "container-resources" {
		t.Errorf("first: %+v", fs[0])
	}
	fs, _ = psParse(t, "sarif", Options{}, psRead(t, "kube-score-sarif/helm-shop-rendered.sarif"))
	if fs[0].Path != "shop/templates/deployment.yaml" {
		t.Errorf("file://shop/... read as %q", fs[0].Path)
	}
}

func TestSARIFConftest(t *testing.T) {
	fs, err := psParse(t, "sarif", Options{}, psRead(t, "conftest-sarif/k8s-shop.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 82 {
		t.Fatalf("got %d findings from 109 results, want 82", len(fs))
	}
	for _, f := range fs {
		if f.Code == "" || !strings.HasPrefix(f.Message, f.Code+": ") || f.Title != "" {
			t.Errorf("code not from message: %+v", f)
		}
	}
}

// TestSARIFSemantics covers what no fixture has: suppressions, kinds,
// default levels, rule lookup, templated URIs, tflint-errors results and
// conftest exceptions. The literals follow the SARIF 2.1.0 schema.
func TestSARIFSemantics(t *testing.T) {
	in := `{"version": "2.1.0", "runs": [
	 {"tool": {"driver": {"name": "Some Scanner", "rules": [
	    {"id": "R1", "defaultConfiguration": {"level": "error"}, "shortDescription": {"text": "Rule one"},
	     "fullDescription": {"text": "Fix it like this."}, "helpUri": "https://example.invalid/r1"},
	    {"id": "R2"}]}},
	  "originalUriBaseIds": {"SRC": {"uri": "file:///repo/src/"}, "PKG": {"uri": "pkg/", "uriBaseId": "SRC"}},
	  "results": [
	    {"ruleId": "R1", "message": {"text": "default level from rule"},
	     "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a%20b.go", "uriBaseId": "PKG"}, "region": {"startLine": 3, "startColumn": 2}}}]},
	    {"ruleId": "R2", "message": {"text": "no level anywhere"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "file:///C:/w/x.go"}}}]},
	    {"ruleId": "R2", "kind": "pass", "message": {"text": "passed"}},
	    {"ruleId": "R2", "kind": "informational", "message": {"text": "informational defaults to none"}},
	    {"ruleId": "R2", "level": "none", "message": {"text": "level none"}},
	    {"ruleIndex": 0, "level": "note", "message": {"text": "by index"},
	     "suppressions": [{"kind": "inSource", "justification": "accepted risk, see TICKET-1"}]},
	    {"ruleId": "R2", "level": "warning", "message": {"text": "rejected suppression"},
	     "suppressions": [{"kind": "external", "status": "rejected"}]}
	  ]},
	 {"tool": {"driver": {"name": "tflint-errors"}}, "results": [
	    {"ruleId": "config_error", "level": "error", "message": {"text": "Failed to load configurations"}}]},
	 {"tool": {"driver": {"name": "conftest"}}, "results": [
	    {"ruleId": "main/allow", "level": "note", "message": {"text": "P1000: Deployment/web: host pid"}}]}
	]}`
	fs, err := psParse(t, "sarif", Options{BaseDir: "/repo"}, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 6 {
		for _, f := range fs {
			t.Logf("%+v", f)
		}
		t.Fatalf("got %d findings, want 6", len(fs))
	}
	r1 := fs[0]
	if r1.Tool != "some-scanner" || r1.Severity != translator.SeverityError || r1.ToolSeverity != "error" ||
		r1.Path != "src/pkg/a b.go" || r1.Line != 3 || r1.Column != 2 || r1.Title != "Rule one" ||
		r1.Remediation != "Fix it like this." || r1.URL != "https://example.invalid/r1" {
		t.Errorf("R1: %+v", r1)
	}
	if fs[1].Severity != translator.SeverityWarning || fs[1].ToolSeverity != "warning" || fs[1].Path != "C:/w/x.go" {
		t.Errorf("default warning: %+v", fs[1])
	}
	if byIdx := fs[2]; byIdx.Code != "R1" || byIdx.Severity != translator.SeverityInfo || !byIdx.Ignored() ||
		byIdx.Suppressed.Source != "sarif" || byIdx.Suppressed.Reason != "accepted risk, see TICKET-1" {
		t.Errorf("suppressed by index: %+v %+v", byIdx, byIdx.Suppressed)
	}
	if fs[3].Ignored() {
		t.Errorf("rejected suppression suppresses: %+v", fs[3].Suppressed)
	}
	if e := fs[4]; e.Tool != "tflint" || e.Code != "config_error" || e.Extra["sarif_run"] != "tflint-errors" {
		t.Errorf("tflint-errors: %+v", e)
	}
	if c := fs[5]; c.Tool != "conftest" || c.Code != "P1000" || c.Resource != "Deployment/web" || !c.Ignored() ||
		c.Suppressed.Source != "conftest" || c.Extra["policy_namespace"] != "main" {
		t.Errorf("conftest exception: %+v", c)
	}
	// Unknown driver names give way to --tool.
	fs, _ = psParse(t, "sarif", Options{Tool: "mine"}, []byte(in))
	if fs[0].Tool != "mine" || fs[4].Tool != "tflint" {
		t.Errorf("opts.Tool: %s, %s", fs[0].Tool, fs[4].Tool)
	}
}

func TestSARIFTFLintErrorsRunEmpty(t *testing.T) {
	fs, err := psParse(t, "tflint-sarif", Options{}, psRead(t, "tflint-sarif/edge-network.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Extra["sarif_run"] != "" {
			t.Errorf("finding from the empty tflint-errors run: %+v", f)
		}
	}
}

func TestFileURIPath(t *testing.T) {
	for in, want := range map[string]string{
		"file:///work/x%20y.yaml": "/work/x y.yaml",
		"file:///C:/src/a.tf":     "C:/src/a.tf",
		"file://localhost/etc/a":  "/etc/a",
		"file://shop/templates/a": "shop/templates/a",
	} {
		if got, ok := fileURIPath(in); !ok || got != want {
			t.Errorf("fileURIPath(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := fileURIPath("src/a.go"); ok {
		t.Error("relative path read as file URI")
	}
}
