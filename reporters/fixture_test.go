package reporters

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/markdown"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/reporters/")

// hostile is a message written to break every renderer: HTML, a mention, a
// code span, a code fence with a heading after it, ANSI escapes that clear
// the screen and recolour, and a right-to-left override.
const hostile = "Deployment/worker: container <script>alert(1)</script> is privileged; cc @org/team `x` ```\n## injected heading\n``` \x1b[2J\x1b[31mRED\x1b[0m \u202eevil"

// privilegedBody renders the pss-privileged entry the way the runbooks
// package does: catalog Markdown with untrusted values escaped.
func privilegedBody(resource string) string {
	return "**" + markdown.Escape(resource) + "** runs a privileged container: it has every capability of the node.\n\n" +
		"Fix it in the pod template:\n\n```yaml\nsecurityContext:\n  privileged: false\n```\n"
}

// fixtureRun is a fixed, representative run: several tools, an ignored
// finding, an expired exception, a fallback runbook, findings without a
// line and without a file, a hostile message and a path with spaces. The
// findings are sorted and fingerprinted as the pipeline does.
func fixtureRun() *translator.Run {
	privileged := func(resource string) *translator.Runbook {
		return &translator.Runbook{
			ID: "pss-privileged", Title: "Privileged container", Body: privilegedBody(resource),
			Links:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/"},
			Owner:  "@acme/platform-security",
			Source: "builtin:kubernetes.yaml",
		}
	}
	fs := translator.Findings{
		{
			Tool: "trivy", Code: "KSV-0017", Aliases: []string{"AVD-KSV-0017"}, Severity: translator.SeverityError, ToolSeverity: "HIGH",
			Message:  "Container 'web' of Deployment 'web' should set 'securityContext.privileged' to false",
			Location: translator.Location{Path: "k8s/web app/deployment.yaml", Line: 21, EndLine: 38},
			Resource: "Deployment/web", URL: "https://avd.aquasec.com/misconfig/ksv017", Title: "Privileged",
			Runbook: privileged("Deployment/web"),
			Fixes: []translator.Fix{
				{Description: "set privileged: false", Source: "runbook:pss-privileged",
					Edits: []translator.Edit{{Path: "k8s/web app/deployment.yaml", StartLine: 25, StartColumn: 25, EndLine: 25, EndColumn: 29, Text: "false"}}},
				{Description: "remove privileged", Source: "runbook:pss-privileged",
					Edits: []translator.Edit{{Path: "k8s/web app/deployment.yaml", StartLine: 25, StartColumn: 1, EndLine: 26, EndColumn: 1}}},
			},
		},
		{
			Tool: "conftest", Code: "K8S-013", Severity: translator.SeverityError, ToolSeverity: "failure",
			Message:  hostile,
			Location: translator.Location{Path: "k8s/web app/deployment.yaml"},
			Resource: "Deployment/worker",
			Runbook:  privileged("Deployment/worker"),
			FixNote:  "the finding has no line: the located resource could not be found in the file",
		},
		{
			Tool: "kube-linter", Code: "latest-tag", Severity: translator.SeverityWarning, ToolSeverity: "Warning",
			Message:  `The container "web" is using an invalid container image, "nginx:latest". Please use images that are not blocked by the ` + "`BlockList`" + ` criteria : [".*:(latest)$" "^[^:]*$" "(.*/[^:]+)$"]`,
			Location: translator.Location{Path: "k8s/web app/deployment.yaml", Line: 30, Column: 16},
			Resource: "Deployment/web", URL: "https://docs.kubelinter.io/#/generated/checks?id=latest-tag",
			Suppressed: &translator.Suppression{Reason: "migrating to image digests", Expires: "2025-03-31", Source: "config", Expired: true},
			Runbook: &translator.Runbook{
				ID: "pin-image-tags", Title: "Pin container images",
				Body: "Use an immutable reference: `nginx@sha256:<digest>` or at least a version tag.\n",
			},
		},
		{
			Tool: "checkov", Code: "CKV_K8S_16", Severity: translator.SeverityError,
			Message:  "Container should not be privileged",
			Location: translator.Location{Path: "k8s/batch/job.yaml", Line: 1, EndLine: 24},
			Resource: "Job.default.batch", URL: "https://docs.prismacloud.io/en/enterprise-edition/policy-reference/kubernetes-policies/kubernetes-policy-index/bc-k8s-15",
			Suppressed: &translator.Suppression{Reason: "legacy batch job needs host devices; tracked in PLAT-123", Expires: "2026-12-31", Source: "config"},
			Runbook:    privileged("Job.default.batch"),
		},
		{
			Tool: "tflint", Code: "terraform_unused_declarations", Severity: translator.SeverityWarning, ToolSeverity: "warning",
			Message:  `variable "region" is declared but not used`,
			Location: translator.Location{Path: "infra/main.tf", Line: 12, Column: 1, EndLine: 12, EndColumn: 28},
			URL:      "https://github.com/terraform-linters/tflint-ruleset-terraform/blob/v0.5.0/docs/rules/terraform_unused_declarations.md",
			Runbook: &translator.Runbook{
				ID: translator.FallbackID, Title: "tflint terraform_unused_declarations",
				Body: "No runbook entry covers " + markdown.Code("terraform_unused_declarations") + " yet.\n\n" +
					"The tool says: " + markdown.Escape(`variable "region" is declared but not used`) + "\n\n" +
					"Tool documentation: <https://github.com/terraform-linters/tflint-ruleset-terraform/blob/v0.5.0/docs/rules/terraform_unused_declarations.md>\n",
			},
		},
		{
			Tool: "hadolint", Code: "DL3059", Severity: translator.SeverityInfo, ToolSeverity: "info",
			Message:  "Multiple consecutive `RUN` instructions. Consider consolidation.",
			Location: translator.Location{Path: "Dockerfile", Line: 7, Column: 1},
			URL:      "https://github.com/hadolint/hadolint/wiki/DL3059",
			Runbook: &translator.Runbook{
				ID: "dockerfile-layers", Title: "Consolidate RUN instructions",
				Body: "Join consecutive `RUN` lines with `&&` so the image has fewer layers.\n",
			},
		},
		{
			Tool: "trivy", Code: "CVE-2024-24790", Severity: translator.SeverityCritical, ToolSeverity: "CRITICAL",
			Message:  "stdlib: net/netip: Unexpected behavior from Is methods for IPv4-mapped IPv6 addresses",
			Location: translator.Location{Path: "go.mod"},
			Resource: "stdlib", URL: "https://avd.aquasec.com/nvd/cve-2024-24790",
			Extra: map[string]string{"installed_version": "1.22.1", "fixed_version": "1.21.11, 1.22.4"},
			Runbook: &translator.Runbook{
				ID: "go-stdlib-vuln", Title: "Vulnerable Go standard library",
				Body:  "Build with Go 1.21.11, 1.22.4 or later: bump the `go` and `toolchain` lines in `go.mod`.\n",
				Links: []string{"https://go.dev/doc/security/vuln/"},
			},
		},
		{
			Tool: "kubeconform", Severity: translator.SeverityError, ToolSeverity: "invalid",
			Message: "Deployment web is invalid: problem validating schema. Check JSON formatting: jsonschema: '/spec/replicas' does not validate with https://kubernetesjsonschema.dev/master-standalone/deployment-apps-v1.json#/properties/spec/properties/replicas/type: expected integer, but got string",
			Runbook: &translator.Runbook{
				ID: translator.FallbackID, Title: "kubeconform",
				Body: "No runbook entry covers this kubeconform finding yet.\n",
			},
		},
	}
	fs.Sort()
	fs.AssignFingerprints()
	return &translator.Run{
		Findings:  fs,
		FailLevel: translator.SeverityError,
		Tools:     []string{"trivy", "conftest", "tflint", "checkov", "kube-linter", "hadolint", "kubeconform"},
		Notes: []string{
			"Ignore rule #3 in .runbook-translator.yaml (code CKV_K8S_99) matched no finding.",
			"Exception for kube-linter latest-tag in k8s/web app/deployment.yaml expired on 2025-03-31.",
		},
		Now:     time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC),
		Version: "v0.1.0",
	}
}

// golden compares got with testdata/reporters/<name>; -update rewrites it.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("..", "testdata", "reporters", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reporters -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden (go test ./reporters -update rewrites it):\n%s", name, firstDiff(string(want), string(got)))
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, a, b)
		}
	}
	return "(same lines; trailing bytes differ)"
}

// render runs the named registered reporter over run.
func render(t *testing.T, name string, opts Options, run *translator.Run) []byte {
	t.Helper()
	var buf bytes.Buffer
	opts.Out = &buf
	r, err := New(name, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Report(t.Context(), run); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fixtureFiles are the checkout files the fixture run's fixes change.
var fixtureFiles = map[string]string{
	"k8s/web app/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:latest
          # the platform team asked for this exception (PLAT-7)
          securityContext:
`,
}

func init() {
	// Lines 13-24 pad the manifest to the finding's lines; line 25 is
	// the one the fix changes.
	var b strings.Builder
	b.WriteString(fixtureFiles["k8s/web app/deployment.yaml"])
	for i := 13; i <= 24; i++ {
		fmt.Fprintf(&b, "            # line %d\n", i)
	}
	b.WriteString("            privileged: true\n          ports:\n            - containerPort: 80\n")
	fixtureFiles["k8s/web app/deployment.yaml"] = b.String()
}

func readFixtureFile(p string) ([]byte, error) {
	if s, ok := fixtureFiles[p]; ok {
		return []byte(s), nil
	}
	return nil, fmt.Errorf("open %s: no such file in the fixture checkout", p)
}

func TestGolden(t *testing.T) {
	cases := []struct {
		reporter, file string
		opts           Options
	}{
		{"local", "local.golden.txt", Options{ReadFile: readFixtureFile}},
		{"local", "local-verbose.golden.txt", Options{Verbose: true, ReadFile: readFixtureFile}},
		{"local", "local-color.golden.txt", Options{Color: true, ReadFile: readFixtureFile}},
		{"json", "json.golden.jsonl", Options{ReadFile: readFixtureFile}},
		{"markdown", "markdown.golden.md", Options{ReadFile: readFixtureFile}},
		{"sarif", "sarif.golden.json", Options{ReadFile: readFixtureFile}},
		{"gitlab-codequality", "codequality.golden.json", Options{ReadFile: readFixtureFile}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			run := fixtureRun()
			golden(t, c.file, render(t, c.reporter, c.opts, run))
			// Reporters must not reorder or alter the run they are given.
			if !equalRuns(run, fixtureRun()) {
				t.Errorf("%s modified the run", c.reporter)
			}
		})
	}
}

func equalRuns(a, b *translator.Run) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

func TestRegistry(t *testing.T) {
	want := []string{"gitlab-codequality", "json", "local", "markdown", "sarif", "summary"}
	if got := Names(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	for _, n := range want {
		if Description(n) == "" {
			t.Errorf("%s has no description", n)
		}
		if _, err := New(n, Options{}); err == nil || !strings.Contains(err.Error(), "no output") {
			t.Errorf("New(%s) without Out: err = %v, want a 'no output' error", n, err)
		}
	}
	if _, err := New("html", Options{Out: &bytes.Buffer{}}); err == nil || !strings.Contains(err.Error(), "local, markdown") {
		t.Errorf("unknown reporter: err = %v, want the list of valid names", err)
	}
}

// Issue 10: the pipeline writes every reporter through Streamer. A
// reporter that streams is used as it is; one that needs the whole run
// (Code Quality numbers fingerprints over it) is adapted, and says so, so
// that the pipeline collects the run for it.
func TestStreamAdaptsWholeRunReporters(t *testing.T) {
	for _, name := range Names() {
		var buf bytes.Buffer
		r, err := New(name, Options{Out: &buf})
		if err != nil {
			t.Fatal(err)
		}
		s := Stream(t.Context(), r)
		_, streams := r.(Streamer)
		if streams != !NeedsWholeRun(s) {
			t.Errorf("%s: streamer %v, needs the whole run %v", name, streams, NeedsWholeRun(s))
		}
		if !streams {
			run := fixtureRun()
			run.Findings.Sort()
			if err := s.Begin(run); err != nil {
				t.Fatal(err)
			}
			for _, f := range run.Findings {
				s.Write(f)
			}
			if err := s.End(run); err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			w, _ := New(name, Options{Out: &want})
			if err := w.Report(t.Context(), run); err != nil {
				t.Fatal(err)
			}
			if buf.String() != want.String() || buf.Len() == 0 {
				t.Errorf("%s: the adapter wrote %d bytes, Report %d", name, buf.Len(), want.Len())
			}
		}
	}
	if NeedsWholeRun(Stream(t.Context(), NewJSON(io.Discard))) {
		t.Errorf("json needs the whole run")
	}
}
