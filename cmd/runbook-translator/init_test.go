package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/internal/yamlschema/schematest"
)

// init writes a config the strict loader and the schema take, a workflow
// actionlint passes, and a GitLab file whose jobs extend what the template
// defines; it never overwrites without --force.
func TestInitWritesWhatLoads(t *testing.T) {
	repo := t.TempDir()
	for p, body := range map[string]string{
		"k8s/web.yaml":                 "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n",
		"Dockerfile":                   "FROM alpine:3.20\n",
		"scripts/run.sh":               "#!/bin/sh\necho \"$1\"\n",
		"infra/main.tf":                "resource \"aws_s3_bucket\" \"b\" {}\n",
		"policy/deny.rego":             "package main\n",
		".github/workflows/other.yaml": "on: push\njobs: {}\n",
	} {
		p = filepath.Join(repo, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr := run(t, "", "init", "--dir", repo)
	if code != ExitOK || !strings.Contains(stderr, "scanners: actionlint, conftest, hadolint, shellcheck-json, tflint, trivy") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	cfgPath := filepath.Join(repo, DefaultConfigFile)
	tr, err := newTrust(repo, false, "")
	if err != nil {
		t.Fatal(err)
	}
	defer tr.close()
	cfg, err := loadConfig(t.Context(), "", repo, tr)
	if err != nil || len(cfg.Inputs) != 6 {
		t.Fatalf("config: %v, %d inputs", err, len(cfg.Inputs))
	}
	sch, err := schematest.Compile(configSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(cfgPath)
	if err := schematest.Validate(sch, b); err != nil {
		t.Errorf("config against its schema: %v", err)
	}
	for _, in := range cfg.Inputs {
		if _, ok := scanners[in.Format]; !ok {
			t.Errorf("input format %q is not a scanner init knows", in.Format)
		}
	}
	wf := filepath.Join(repo, ".github", "workflows", "runbook-translator.yml")
	wb, err := os.ReadFile(wf)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(wb, &doc); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	// actionlint (installed by ci/check-workflows before the tests in CI).
	if al, ok := lookTool("actionlint"); ok {
		if out, err := exec.Command(al, "-no-color", wf).CombinedOutput(); err != nil {
			t.Errorf("actionlint on the workflow init wrote: %v\n%s", err, out)
		}
	} else if os.Getenv("CI") == "true" {
		t.Error("actionlint is not installed")
	}
	// A second run leaves the files alone.
	os.WriteFile(cfgPath, []byte("fail_level: warning\n"), 0o644)
	code, _, stderr = run(t, "", "init", "--dir", repo)
	if got, _ := os.ReadFile(cfgPath); code != ExitUsage || string(got) != "fail_level: warning\n" || !strings.Contains(stderr, "exists (--force") {
		t.Fatalf("second init: exit %d, %q, %s", code, got, stderr)
	}

	// GitLab: every job extends a job of the template, and the review job
	// reads what the scanner jobs write.
	code, out, _ := run(t, "", "init", "--dir", repo, "--forge", "gitlab", "--print")
	if code != ExitOK {
		t.Fatalf("gitlab: exit %d", code)
	}
	gl := out[strings.Index(out, "# ---- .gitlab/runbook-translator.gitlab-ci.yml\n"):]
	var jobs map[string]struct {
		Extends   string            `yaml:"extends"`
		Needs     []string          `yaml:"needs"`
		Variables map[string]string `yaml:"variables"`
		Artifacts struct {
			Paths []string `yaml:"paths"`
		} `yaml:"artifacts"`
	}
	if err := yaml.Unmarshal([]byte(gl), &jobs); err != nil {
		t.Fatalf("gitlab file: %v\n%s", err, gl)
	}
	tb, _ := os.ReadFile("../../ci/gitlab/runbook-translator.gitlab-ci.yml")
	var tmpl map[string]any
	if err := yaml.Unmarshal(tb, &tmpl); err != nil {
		t.Fatal(err)
	}
	written := map[string]bool{}
	for name, j := range jobs {
		if _, ok := tmpl[j.Extends]; !ok {
			t.Errorf("job %s extends %q, which the template does not define", name, j.Extends)
		}
		for _, p := range j.Artifacts.Paths {
			written[p] = true
		}
	}
	review := jobs["runbook-translator"]
	for _, f := range strings.Fields(review.Variables["RT_INPUT"]) {
		if !written[f] {
			t.Errorf("the review reads %s, which no scanner job keeps", f)
		}
	}
	if len(review.Needs) != 6 {
		t.Errorf("needs %v", review.Needs)
	}
}

// lookTool finds a tool on PATH or in $GOPATH/bin.
func lookTool(name string) (string, bool) {
	if p, err := exec.LookPath(name); err == nil {
		return p, true
	}
	if gp, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(gp)), "bin", name)
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	return "", false
}
