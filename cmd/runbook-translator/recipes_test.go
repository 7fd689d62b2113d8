package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
)

// TestReadmeRecipesRunAsWritten runs the README's GitLab CI recipe (the
// scanner job and the template's job) and the Atlantis step of
// ci/atlantis/repos.yaml as written, with the real Conftest: a recipe that
// breaks Conftest (`> conftest.json` is read back as Conftest's own config)
// or hides a crash fails here. Conftest comes from PATH or $GOPATH/bin
// (`go install github.com/open-policy-agent/conftest@v0.71.1`); with CI=true
// a missing Conftest fails the test instead of skipping it.
func TestReadmeRecipesRunAsWritten(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the recipes run on linux runners")
	}
	conftest := findTool(t, "conftest")
	repo, _ := filepath.Abs(filepath.Join("..", ".."))
	readme, err := os.ReadFile(filepath.Join(repo, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(buildBinary(t), "runbook-translator")
	binBytes, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Dir(conftest) + ":" + os.Getenv("PATH")

	t.Run("gitlab", func(t *testing.T) {
		type ciJob struct {
			Extends      string            `yaml:"extends"`
			BeforeScript []yaml.Node       `yaml:"before_script"`
			Script       []string          `yaml:"script"`
			Variables    map[string]string `yaml:"variables"`
			Needs        []string          `yaml:"needs"`
		}
		var doc map[string]yaml.Node
		block := fencedAfter(t, string(readme), "### GitLab CI", "yaml")
		if err := yaml.Unmarshal([]byte(block), &doc); err != nil {
			t.Fatalf("README GitLab recipe: %v", err)
		}
		pipeline := map[string]ciJob{}
		for _, name := range []string{"conftest", "policy"} {
			n := doc[name]
			var j ciJob
			if err := n.Decode(&j); err != nil {
				t.Fatalf("README GitLab recipe, job %s: %v", name, err)
			}
			pipeline[name] = j
		}
		var tmpl map[string]ciJob
		tb, err := os.ReadFile(filepath.Join(repo, "ci", "gitlab", "runbook-translator.gitlab-ci.yml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(tb, &tmpl); err != nil {
			t.Fatalf("template: %v", err)
		}
		// before resolves a job's before_script as GitLab does: its own, or
		// the one of the job it extends; `!reference [job, key]` items are
		// replaced by that job's lines.
		var before func(j ciJob) []string
		before = func(j ciJob) []string {
			nodes := j.BeforeScript
			if len(nodes) == 0 && j.Extends != "" {
				return before(tmpl[j.Extends])
			}
			var out []string
			for _, n := range nodes {
				if n.Kind == yaml.AliasNode && n.Alias != nil {
					out = append(out, n.Alias.Value)
					continue
				}
				if n.Tag == "!reference" && len(n.Content) == 2 {
					out = append(out, before(tmpl[n.Content[0].Value])...)
					continue
				}
				out = append(out, n.Value)
			}
			return out
		}
		job, scanner := tmpl[".runbook-translator"], pipeline["conftest"]
		policy := pipeline["policy"]
		if scanner.Extends != "" {
			if _, ok := tmpl[scanner.Extends]; !ok {
				t.Fatalf("the conftest job extends %q, which the template does not define", scanner.Extends)
			}
		}
		if len(scanner.Script) == 0 || len(job.Script) == 0 || len(policy.Needs) == 0 {
			t.Fatalf("recipe shape changed: scanner %d lines, template %d, needs %v", len(scanner.Script), len(job.Script), policy.Needs)
		}
		for _, tc := range []struct {
			name   string
			deploy bool
			code   int
			want   string
		}{
			{"failing policies", true, ExitFindings, "P"},
			// Conftest cannot read deploy/: it writes nothing; review must not pass.
			{"scanner crashed", false, ExitUsage, "empty input"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				work := t.TempDir()
				copyDir(t, filepath.Join(repo, "testdata", "inputs", "policy"), filepath.Join(work, "policy"))
				if tc.deploy {
					copyDir(t, filepath.Join(repo, "testdata", "inputs", "k8s"), filepath.Join(work, "deploy"))
				}
				env := map[string]string{"PATH": path, "HOME": work, "CI_PROJECT_DIR": work}
				// The scanner job, in its own image: here the same shell.
				code, out := shell(t, work, env, strings.Join(append(before(scanner), scanner.Script...), "\n"))
				if code != 0 {
					t.Fatalf("conftest job: exit %d\n%s", code, out)
				}
				if strings.Contains(out, "read in config") {
					t.Fatalf("conftest read its own output as config:\n%s", out)
				}
				// The review job: the template's variables, the job's own,
				// before_script then script in one shell, as GitLab runs them.
				srv := fakeReleaseOf(t, "v1.2.3", false, binBytes)
				for k, v := range job.Variables {
					env[k] = v
				}
				for k, v := range policy.Variables {
					env[k] = v
				}
				env["RUNBOOK_TRANSLATOR_VERSION"] = "v1.2.3"
				env["RUNBOOK_TRANSLATOR_RELEASE_URL"] = srv.URL
				script := strings.Join(append(before(job), job.Script...), "\n")
				code, out = shell(t, work, env, script)
				if code != tc.code || !strings.Contains(out, tc.want) {
					t.Fatalf("review job: exit %d (want %d), output:\n%s", code, tc.code, out)
				}
				if strings.Contains(out, "PASS") {
					t.Errorf("a failing or broken run printed PASS:\n%s", out)
				}
				if tc.deploy {
					if _, err := os.Stat(filepath.Join(work, "gl-code-quality-report.json")); err != nil {
						t.Errorf("no Code Quality report: %v", err)
					}
				}
			})
		}
	})

	t.Run("atlantis", func(t *testing.T) {
		var cfg struct {
			Workflows map[string]struct {
				PolicyCheck struct {
					Steps []any `yaml:"steps"`
				} `yaml:"policy_check"`
			} `yaml:"workflows"`
		}
		b, err := os.ReadFile(filepath.Join(repo, "ci", "atlantis", "repos.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(b, &cfg); err != nil {
			t.Fatal(err)
		}
		var step string
		for _, s := range cfg.Workflows["runbooks"].PolicyCheck.Steps {
			if m, ok := s.(map[string]any); ok {
				if r, ok := m["run"].(string); ok {
					step = r
				}
			}
		}
		if step == "" {
			t.Fatal("no run step in the runbooks workflow")
		}
		work := t.TempDir()
		copyDir(t, filepath.Join(repo, "testdata", "inputs", "terraform-plan"), filepath.Join(work, "terraform-plan"))
		// /policies is the Atlantis server's policy folder: here a copy of
		// ours, with the org catalog as its runbooks.
		policies := filepath.Join(t.TempDir(), "policies")
		copyDir(t, filepath.Join(repo, "testdata", "inputs", "policy"), policies)
		copyDir(t, filepath.Join(repo, "testdata", "catalogs", "org"), filepath.Join(policies, "runbooks"))
		step = strings.ReplaceAll(step, "/policies", policies)
		for _, c := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "plan"}} {
			if out, err := exec.Command("git", append([]string{"-C", work}, c...)...).CombinedOutput(); err != nil {
				t.Fatalf("git %v: %v\n%s", c, err, out)
			}
		}
		fake := fakegithub.New(t, "acme", "infra")
		fake.AddPR(fakegithub.PR{Number: 12, Head: "abc123", Files: []fakegithub.File{addedFile("terraform-plan/main.tf", 200)}})
		env := map[string]string{
			"PATH": filepath.Dir(bin) + ":" + path, "HOME": work,
			"SHOWFILE": filepath.Join(work, "terraform-plan", "tfplan.json"),
			// Atlantis's custom run step variables (runatlantis.io/docs/custom-workflows).
			"BASE_REPO_OWNER": "acme", "BASE_REPO_NAME": "infra", "PULL_NUM": "12", "HEAD_COMMIT": "abc123",
			"ATLANTIS_GH_TOKEN": fakeToken, "GITHUB_API_URL": fake.URL + "/api/v3",
			"ATLANTIS_TERRAFORM_VERSION": "1.9.8",
		}
		code, out := shell(t, work, env, step)
		if code != ExitFindings {
			t.Fatalf("atlantis step: exit %d\n%s", code, out)
		}
		summaries := 0
		for _, c := range fake.IssueComments(12) {
			if m, ok := comment.Parse(c.Body); ok && m.IsSummary() {
				summaries++
			}
		}
		if summaries != 1 || strings.Contains(out, fakeToken) {
			t.Fatalf("summaries %d; output:\n%s", summaries, out)
		}
	})
}

// findTool finds a scanner on PATH or in $GOPATH/bin; it skips the test
// when the tool is missing, or fails it with CI=true.
func findTool(t *testing.T, name string) string {
	t.Helper()
	if p, ok := lookTool(name); ok {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed (.ci/run installs it)", name)
	}
	t.Skipf("%s is not installed", name)
	return ""
}

// fencedAfter returns the first ```lang block after heading.
func fencedAfter(t *testing.T, doc, heading, lang string) string {
	t.Helper()
	i := strings.Index(doc, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("no %q in README", heading)
	}
	m := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```").FindStringSubmatch(doc[i:])
	if m == nil {
		t.Fatalf("no %s block after %q", lang, heading)
	}
	return m[1]
}

func shell(t *testing.T, dir string, env map[string]string, script string) (int, string) {
	t.Helper()
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = dir
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, string(out)
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The CI files we ship parse as plain YAML: no application tags such as
// GitLab's !reference, which YAML libraries other than GitLab's refuse.
func TestShippedCIFilesArePlainYAML(t *testing.T) {
	root, _ := filepath.Abs("../..")
	files := []string{"action.yml", ".goreleaser.yaml", ".pre-commit-hooks.yaml", "ci/gitlab/runbook-translator.gitlab-ci.yml", "ci/atlantis/repos.yaml"}
	wfs, _ := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	for _, w := range wfs {
		rel, _ := filepath.Rel(root, w)
		files = append(files, rel)
	}
	for _, f := range files {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(root, f))), &doc); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		var walk func(n *yaml.Node)
		walk = func(n *yaml.Node) {
			if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
				t.Errorf("%s:%d: application tag %s: other YAML parsers refuse it", f, n.Line, n.Tag)
			}
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(&doc)
	}
}
