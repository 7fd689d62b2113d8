package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"
)

// InitOptions holds the flags and streams of `init`.
type InitOptions struct {
	IO    *IOStreams
	Dir   string
	Forge string
	Force bool
	Print bool
}

// NewCmdInit builds `init`; runF replaces the run in tests.
func NewCmdInit(f *Factory, runF func(*InitOptions) error) *cobra.Command {
	o := &InitOptions{IO: f.IO}
	c := &cobra.Command{
		Use:   "init",
		Short: "Write a commented .runbook-translator.yaml and the CI job for this repository",
		Long: `Look at the repository (Kubernetes manifests, Helm charts, Terraform, Dockerfiles,
shell scripts, GitHub workflows, Rego policies) and write:

  .runbook-translator.yaml    a commented config for the scanners found
  the CI job                  GitHub Actions: .github/workflows/runbook-translator.yml
                              GitLab CI: .gitlab/runbook-translator.gitlab-ci.yml, to include
                              from .gitlab-ci.yml

The forge is detected from .gitlab-ci.yml, .github/ or the git remote (--forge
overrides). Existing files are left alone unless --force; --print writes
everything to standard output instead.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(o)
			}
			return initRun(o)
		},
	}
	silence(c)
	c.Flags().StringVar(&o.Dir, "dir", ".", "repository root")
	c.Flags().StringVar(&o.Forge, "forge", "", "github or gitlab (default: detected)")
	c.Flags().BoolVar(&o.Force, "force", false, "overwrite existing files")
	c.Flags().BoolVar(&o.Print, "print", false, "print the files instead of writing them")
	return c
}

// scanner is one tool init can set up.
type scanner struct {
	name   string // our format name (-f)
	output string // file the CI job writes
	what   string // why it was chosen
	// github and gitlab are the shell lines that run it and write output.
	github, gitlab string
	image          string // GitLab image that has the tool
}

var scanners = map[string]scanner{
	"trivy": {name: "trivy", output: "trivy-results.json", what: "Kubernetes manifests, Helm charts, Terraform and Dockerfiles (trivy config)",
		github: "curl -sfL https://raw.githubusercontent.com/aquasecurity/trivy/main/contrib/install.sh | sh -s -- -b /usr/local/bin\ntrivy config --format json --output trivy-results.json .",
		gitlab: "trivy config --format json --output trivy-results.json .", image: "aquasec/trivy:latest"},
	"conftest": {name: "conftest", output: "conftest-results.json", what: "Rego policies under policy/ (conftest test)",
		github: "docker run --rm -v \"$PWD:/project\" -w /project openpolicyagent/conftest:v0.71.1 test --all-namespaces -o json . > conftest-results.json || true",
		gitlab: "conftest test --all-namespaces -o json . > conftest-results.json || true", image: "openpolicyagent/conftest:v0.71.1"},
	"tflint": {name: "tflint", output: "tflint-results.json", what: "Terraform (tflint)",
		github: "curl -sSL https://raw.githubusercontent.com/terraform-linters/tflint/master/install_linux.sh | bash\ntflint --init\ntflint --recursive --format json > tflint-results.json || true",
		gitlab: "tflint --init\ntflint --recursive --format json > tflint-results.json || true", image: "ghcr.io/terraform-linters/tflint:latest"},
	"hadolint": {name: "hadolint", output: "hadolint-results.json", what: "Dockerfiles (hadolint)",
		github: "docker run --rm -i hadolint/hadolint:latest hadolint -f json - < Dockerfile > hadolint-results.json || true",
		gitlab: "hadolint -f json Dockerfile > hadolint-results.json || true", image: "hadolint/hadolint:latest-debian"},
	"shellcheck-json": {name: "shellcheck-json", output: "shellcheck-results.json", what: "shell scripts (shellcheck)",
		github: "git ls-files -z '*.sh' | xargs -0 shellcheck -f json1 > shellcheck-results.json || true",
		gitlab: "git ls-files -z '*.sh' | xargs -0 shellcheck -f json1 > shellcheck-results.json || true", image: "koalaman/shellcheck-alpine:stable"},
	"actionlint": {name: "actionlint", output: "actionlint-results.json", what: "GitHub Actions workflows (actionlint)",
		github: "bash <(curl -sSL https://raw.githubusercontent.com/rhysd/actionlint/main/scripts/download-actionlint.bash)\n./actionlint -format '{{json .}}' > actionlint-results.json || true",
		gitlab: "actionlint -format '{{json .}}' > actionlint-results.json || true", image: "rhysd/actionlint:latest"},
}

// detect walks the repository (bounded) and returns the scanners that fit.
func detect(dir string) ([]string, error) {
	found := map[string]bool{}
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p != dir && (strings.HasPrefix(name, ".") && name != ".github" || name == "node_modules" || name == "vendor" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if n++; n > 20000 {
			return filepath.SkipAll
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasPrefix(rel, ".github/workflows/") && (strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".yaml")):
			found["actionlint"] = true
		case strings.HasSuffix(name, ".tf"):
			found["tflint"], found["trivy"] = true, true
		case name == "Dockerfile" || strings.HasSuffix(name, ".Dockerfile"):
			found["hadolint"], found["trivy"] = true, true
		case strings.HasSuffix(name, ".sh"):
			found["shellcheck-json"] = true
		case strings.HasSuffix(name, ".rego") && strings.HasPrefix(rel, "policy/"):
			found["conftest"] = true
		case name == "Chart.yaml":
			found["trivy"] = true
		case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"):
			if !found["trivy"] && looksLikeKubernetes(p) {
				found["trivy"] = true
			}
		}
		return nil
	})
	var out []string
	for k := range found {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, err
}

// looksLikeKubernetes reads the start of a YAML file for apiVersion and kind.
func looksLikeKubernetes(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, 4096)
	n, _ := f.Read(b)
	s := string(b[:n])
	return strings.Contains(s, "apiVersion:") && strings.Contains(s, "kind:")
}

func detectForge(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, ".gitlab-ci.yml")); err == nil {
		return "gitlab"
	}
	if st, err := os.Stat(filepath.Join(dir, ".github")); err == nil && st.IsDir() {
		return "github"
	}
	if out, err := exec.Command("git", "-C", dir, "remote", "get-url", "origin").Output(); err == nil && strings.Contains(string(out), "gitlab") {
		return "gitlab"
	}
	return "github"
}

// initConfig is the commented config for the scanners found.
func initConfig(found []string) string {
	var b strings.Builder
	b.WriteString(`# yaml-language-server: $schema=https://raw.githubusercontent.com/runbook-translator/runbook-translator/main/schemas/config.schema.json
# runbook-translator config, written by 'runbook-translator init'. Flags override it.
# Every key: README "Ignoring, with accountability" and schemas/config.schema.json.

# Exit 1 when a finding is at or above this level: none, info, warning, error, critical.
fail_level: error

# Catalogs of your platform team, merged over the built-in catalog in order.
# .runbook-translator/runbooks/ of this repository loads by convention.
# runbooks: [../platform-catalog/runbooks]

# The scanner outputs the CI job writes, read when no FILE is given.
inputs:
`)
	for _, s := range found {
		sc := scanners[s]
		fmt.Fprintf(&b, "  # %s\n  - path: %s\n    format: %s\n", sc.what, sc.output, sc.name)
	}
	b.WriteString(`
# Accepted findings: a reason is required, an expiry date is strongly advised.
ignore: []
#  - code: KSV-0017
#    path: "charts/node-agent/**"
#    reason: "node agent needs host access; approved by platform (SEC-123)"
#    expires: 2027-03-31
`)
	return b.String()
}

func initGitHubWorkflow(found []string) string {
	var b strings.Builder
	b.WriteString(`# Written by 'runbook-translator init': scans the pull request and comments with
# the runbook of each finding. Permissions each reporter needs: docs/forges.md.
name: runbook-translator
on: pull_request
permissions:
  contents: read
  pull-requests: write
jobs:
  review:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }} # line numbers of the head, not the merge commit
`)
	for _, s := range found {
		sc := scanners[s]
		fmt.Fprintf(&b, "      - name: %s\n        run: |\n", sc.what)
		for _, l := range strings.Split(sc.github, "\n") {
			fmt.Fprintf(&b, "          %s\n", l)
		}
	}
	b.WriteString(`      # Pin by commit SHA and set version: to its release (README "Releases and supply chain").
      - uses: runbook-translator/runbook-translator@main
        with:
          input: |
`)
	for _, s := range found {
		fmt.Fprintf(&b, "            %s\n", scanners[s].output)
	}
	b.WriteString(`          reporter: |
            github-pr-review
            local
`)
	return b.String()
}

func initGitLab(found []string) string {
	var b strings.Builder
	b.WriteString(`# Written by 'runbook-translator init'. Include it from .gitlab-ci.yml:
#   include:
#     - local: .gitlab/runbook-translator.gitlab-ci.yml
#     - project: platform/runbook-translator   # a mirror of runbook-translator
#       file: ci/gitlab/runbook-translator.gitlab-ci.yml
# and set a GITLAB_TOKEN CI/CD variable (api scope, Developer role) for MR discussions.
`)
	var needs, inputs []string
	for _, s := range found {
		sc := scanners[s]
		job := "scan-" + strings.TrimSuffix(sc.name, "-json")
		needs = append(needs, job)
		inputs = append(inputs, sc.output)
		fmt.Fprintf(&b, "\n%s:\n  extends: .runbook-translator-source\n  stage: test\n  image:\n    name: %s\n    entrypoint: [\"\"]\n  rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n  script:\n", job, sc.image)
		for _, l := range strings.Split(sc.gitlab, "\n") {
			fmt.Fprintf(&b, "    - %s\n", yamlQuote(l))
		}
		fmt.Fprintf(&b, "  artifacts:\n    when: always\n    paths: [%s]\n", sc.output)
	}
	fmt.Fprintf(&b, "\nrunbook-translator:\n  extends: .runbook-translator\n  stage: test\n  needs: [%s]\n  rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n  variables:\n    RT_INPUT: %s\n",
		strings.Join(needs, ", "), yamlQuote(strings.Join(inputs, " ")))
	return b.String()
}

// yamlQuote single-quotes a scalar for YAML when it needs it.
func yamlQuote(s string) string {
	if strings.ContainsAny(s, ":#{}[]&*!|>'\"%@`,") || strings.HasPrefix(s, "-") || strings.HasPrefix(s, " ") {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return s
}

func initRun(o *InitOptions) error {
	dir := o.Dir
	found, err := detect(dir)
	if err != nil {
		return usageError("init: %v", err)
	}
	forge := o.Forge
	if forge == "" {
		forge = detectForge(dir)
	}
	if forge != "github" && forge != "gitlab" {
		return usageError("init: --forge must be github or gitlab, not %q", forge)
	}
	if len(found) == 0 {
		fmt.Fprintln(o.IO.ErrOut, "runbook-translator: init: no scanner fits what is here (no manifests, Terraform, Dockerfiles, scripts or workflows); the config lists no inputs")
	}
	files := []struct{ path, body string }{{DefaultConfigFile, initConfig(found)}}
	if forge == "github" {
		files = append(files, struct{ path, body string }{".github/workflows/runbook-translator.yml", initGitHubWorkflow(found)})
	} else {
		files = append(files, struct{ path, body string }{".gitlab/runbook-translator.gitlab-ci.yml", initGitLab(found)})
	}
	if o.Print {
		for _, f := range files {
			fmt.Fprintf(o.IO.Out, "# ---- %s\n%s\n", f.path, f.body)
		}
		return nil
	}
	var errs []error
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.path))
		if _, err := os.Lstat(p); err == nil && !o.Force {
			errs = append(errs, fmt.Errorf("%s exists (--force to overwrite, --print to see what init would write)", f.path))
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return usageError("init: %v", err)
		}
		if err := os.WriteFile(p, []byte(f.body), 0o644); err != nil {
			return usageError("init: %v", err)
		}
		fmt.Fprintf(o.IO.ErrOut, "runbook-translator: wrote %s\n", f.path)
	}
	if len(found) > 0 {
		fmt.Fprintf(o.IO.ErrOut, "runbook-translator: scanners: %s\n", strings.Join(found, ", "))
	}
	if len(errs) > 0 {
		return usageError("init: %v", errors.Join(errs...))
	}
	return nil
}
