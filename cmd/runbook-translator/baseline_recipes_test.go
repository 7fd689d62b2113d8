package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestBaselineRecipesRunAsWritten runs the README's baseline recipes: the
// shell of the GitHub Actions steps "baseline (main)" and "review (pull
// request)" (bash, as `run:` uses on ubuntu runners), and the script lines
// of the GitLab jobs trivy-baseline and trivy-review in one shell each, as
// the runner does. The Trivy lines are replaced by the real Trivy report
// testdata/trivy/config-k8s-shop.json (main) and its modified copy (the pull
// request: one finding removed, one added, one moved); the cache step is
// the file staying in place; the GitLab job artifacts API is a local server
// that answers only the documented path, the job query and the JOB-TOKEN
// header (docs.gitlab.com api/job_artifacts "Download a single artifact
// file from specific tag or branch").
func TestBaselineRecipesRunAsWritten(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the recipes run on linux runners")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	repo, _ := filepath.Abs(filepath.Join("..", ".."))
	readme, err := os.ReadFile(filepath.Join(repo, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	bin := buildBinary(t)
	path := bin + ":" + os.Getenv("PATH")
	fixture, err := os.ReadFile(filepath.Join(repo, "testdata", "trivy", "config-k8s-shop.json"))
	if err != nil {
		t.Fatal(err)
	}
	const want = "1 new, 137 existing, 1 fixed"

	t.Run("github", func(t *testing.T) {
		var wf struct {
			Jobs map[string]struct {
				Steps []struct {
					Name string `yaml:"name"`
					Run  string `yaml:"run"`
				} `yaml:"steps"`
			} `yaml:"jobs"`
		}
		if err := yaml.Unmarshal([]byte(fencedAfter(t, string(readme), "### Baseline in GitHub Actions", "yaml")), &wf); err != nil {
			t.Fatal(err)
		}
		steps := map[string]string{}
		for _, s := range wf.Jobs["trivy"].Steps {
			steps[s.Name] = s.Run
		}
		main, pr := steps["baseline (main)"], steps["review (pull request)"]
		if main == "" || pr == "" {
			t.Fatalf("recipe shape changed: steps %v", steps)
		}
		work := t.TempDir()
		env := map[string]string{"PATH": path, "HOME": work}
		writeFile(t, filepath.Join(work, "trivy.json"), fixture)
		if code, out := shell(t, work, env, "set -e\n"+main); code != 0 {
			t.Fatalf("main: exit %d\n%s", code, out)
		}
		// The pull request's own scan; baseline.json is what the cache restores.
		if err := os.Rename(modifyTrivy(t, t.TempDir(), true), filepath.Join(work, "trivy.json")); err != nil {
			t.Fatal(err)
		}
		code, out := shell(t, work, env, "set -e\n"+pr)
		// The one new finding is info: below the fail level, and the
		// existing errors no longer fail the pull request.
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("pull request: exit %d, want 0 and %q:\n%s", code, want, lastBytes(out, 800))
		}
		// No cache (first run): the step judges every finding.
		os.Remove(filepath.Join(work, "baseline.json"))
		if code, out := shell(t, work, env, "set -e\n"+pr); code != ExitFindings {
			t.Fatalf("pull request without a baseline: exit %d, want %d:\n%s", code, ExitFindings, lastBytes(out, 400))
		}
	})

	t.Run("gitlab", func(t *testing.T) {
		var doc map[string]struct {
			Script []string `yaml:"script"`
		}
		if err := yaml.Unmarshal([]byte(fencedAfter(t, string(readme), "### Baseline in GitLab CI", "yaml")), &doc); err != nil {
			t.Fatal(err)
		}
		script := func(job string) string {
			var lines []string
			for _, l := range doc[job].Script {
				if !strings.HasPrefix(l, "trivy ") {
					lines = append(lines, l)
				}
			}
			if len(lines) == 0 {
				t.Fatalf("recipe shape changed: job %s has no script", job)
			}
			return strings.Join(lines, "\n")
		}
		mainWork, prWork := t.TempDir(), t.TempDir()
		served := false
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/api/v4/projects/7/jobs/artifacts/main/raw/baseline.json" || r.URL.Query().Get("job") != "trivy-baseline" || r.Header.Get("JOB-TOKEN") != "job-token" {
				http.Error(w, `{"message":"404 Not Found"}`, http.StatusNotFound)
				return
			}
			b, err := os.ReadFile(filepath.Join(mainWork, "baseline.json"))
			if err != nil {
				http.Error(w, `{"message":"404 Not Found"}`, http.StatusNotFound)
				return
			}
			served = true
			w.Write(b)
		}))
		defer srv.Close()
		env := func(work string) map[string]string {
			return map[string]string{"PATH": path, "HOME": work, "CI_API_V4_URL": srv.URL + "/api/v4",
				"CI_PROJECT_ID": "7", "CI_DEFAULT_BRANCH": "main", "CI_JOB_TOKEN": "job-token"}
		}
		writeFile(t, filepath.Join(mainWork, "trivy.json"), fixture)
		if code, out := shell(t, mainWork, env(mainWork), script("trivy-baseline")); code != 0 {
			t.Fatalf("trivy-baseline: exit %d\n%s", code, out)
		}
		if err := os.Rename(modifyTrivy(t, t.TempDir(), true), filepath.Join(prWork, "trivy.json")); err != nil {
			t.Fatal(err)
		}
		code, out := shell(t, prWork, env(prWork), script("trivy-review"))
		if code != 0 || !served || !strings.Contains(out, want) {
			t.Fatalf("trivy-review: exit %d (served %v), want 0 and %q:\n%s", code, served, want, lastBytes(out, 800))
		}
		// No pipeline on main yet: the API answers 404, the job judges everything.
		os.Remove(filepath.Join(mainWork, "baseline.json"))
		os.Remove(filepath.Join(prWork, "baseline.json"))
		if code, out := shell(t, prWork, env(prWork), script("trivy-review")); code != ExitFindings {
			t.Fatalf("trivy-review without a baseline: exit %d, want %d:\n%s", code, ExitFindings, lastBytes(out, 400))
		}
	})
}

func writeFile(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
