package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
	"gopkg.in/yaml.v3"
)

const fakeToken = "ghs_fakeTokenThatMustNeverBePrinted0001"

// githubEnv is the environment of a pull_request workflow run against fake.
func githubEnv(t *testing.T, fake *fakegithub.Server, pr int, sha string) func(string) string {
	t.Helper()
	dir := t.TempDir()
	event := fmt.Sprintf(`{"pull_request":{"number":%d,"head":{"sha":%q,"repo":{"full_name":"acme/shop"}},"base":{"repo":{"full_name":"acme/shop"}}}}`, pr, sha)
	ev := filepath.Join(dir, "event.json")
	if err := os.WriteFile(ev, []byte(event), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"GITHUB_TOKEN":        fakeToken,
		"GITHUB_API_URL":      fake.URL + "/api/v3",
		"GITHUB_REPOSITORY":   "acme/shop",
		"GITHUB_EVENT_PATH":   ev,
		"GITHUB_EVENT_NAME":   "pull_request",
		"GITHUB_SHA":          "merge-commit",
		"GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary.md"),
	}
	return func(k string) string { return env[k] }
}

func runEnv(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errOut, getenv)
	if strings.Contains(out.String()+errOut.String(), fakeToken) {
		t.Fatalf("the token appears in the output")
	}
	return code, out.String(), errOut.String()
}

// addedFile is a patch that adds a file of n lines.
func addedFile(name string, n int) fakegithub.File {
	var b strings.Builder
	fmt.Fprintf(&b, "@@ -0,0 +1,%d @@\n", n)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "+line %d\n", i)
	}
	return fakegithub.File{Filename: name, Status: "added", Patch: b.String()}
}

// TestGitHubPullRequestEndToEnd drives the CLI against the fake GitHub:
// first run, unchanged re-run (zero writes), fork fallback, check run.
func TestGitHubPullRequestEndToEnd(t *testing.T) {
	fake := fakegithub.New(t, "acme", "shop")
	// Trivy scanned k8s/: its ArtifactName makes its paths k8s/... .
	fake.AddPR(fakegithub.PR{Number: 7, Head: "abc123", Files: []fakegithub.File{addedFile("k8s/node-agent.yaml", 120)}})
	env := githubEnv(t, fake, 7, "abc123")
	input := td + "trivy/config-k8s-shop.json"

	code, _, stderr := runEnv(t, env, "review", "-f", "trivy", input, "-r", "github-pr-review")
	if code != ExitFindings {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	comments := fake.ReviewComments(7)
	if len(comments) == 0 {
		t.Fatal("no inline comments posted")
	}
	for _, c := range comments {
		if c.Path != "k8s/node-agent.yaml" {
			t.Errorf("comment on %s, which is not in the pull request", c.Path)
		}
	}
	if n := len(fake.IssueComments(7)); n != 1 {
		t.Errorf("%d summary comments, want 1", n)
	}

	fake.ResetCounts()
	if code, _, stderr := runEnv(t, env, "review", "-f", "trivy", input, "-r", "github-pr-review"); code != ExitFindings {
		t.Fatalf("re-run: exit %d: %s", code, stderr)
	}
	if w := fake.Counts().Writes; w != 0 {
		t.Errorf("unchanged re-run made %d write requests, want 0", w)
	}

	// A fork's read-only token: the findings go out as workflow commands.
	fake.SetReadOnly(403)
	fake.AddPR(fakegithub.PR{Number: 8, Head: "def456", Files: []fakegithub.File{addedFile("k8s/node-agent.yaml", 120)}})
	code, stdout, stderr := runEnv(t, githubEnv(t, fake, 8, "def456"), "review", "-f", "trivy", input, "-r", "github-pr-review")
	if code != ExitFindings {
		t.Fatalf("fork run: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "reporting through github-annotations") {
		t.Errorf("no fallback log line: %s", stderr)
	}
	if n := strings.Count(stdout, "\n::"); n < 100 {
		t.Errorf("fallback wrote %d workflow commands, want one per finding (138)", n)
	}
}

func TestGitHubCheckRunCarriesEveryFinding(t *testing.T) {
	fake := fakegithub.New(t, "acme", "shop")
	env := githubEnv(t, fake, 7, "abc123")
	code, _, stderr := runEnv(t, env, "review", "-f", "trivy", td+"trivy/config-k8s-shop.json", "-r", "github-check")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	runs := fake.CheckRuns()
	if len(runs) != 1 {
		t.Fatalf("%d check runs, want 1", len(runs))
	}
	if runs[0].Conclusion != "failure" || len(runs[0].Annotations) != 138 || runs[0].HeadSHA != "abc123" {
		t.Errorf("check run: conclusion %s, %d annotations (want failure, 138), sha %s", runs[0].Conclusion, len(runs[0].Annotations), runs[0].HeadSHA)
	}
	var a struct {
		Path  string `json:"path"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal(runs[0].Annotations[0], &a); err != nil || a.Path == "" || a.Title == "" {
		t.Errorf("annotation %s: %v", runs[0].Annotations[0], err)
	}
}

func TestForgeReporterNeedsItsContext(t *testing.T) {
	code, _, stderr := runEnv(t, func(string) string { return "" }, "review", "-r", "github-pr-review", td+"trivy/config-docker.json")
	if code != ExitUsage || !strings.Contains(stderr, "GITHUB_REPOSITORY") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestDryRunMakesNoWrites(t *testing.T) {
	fake := fakegithub.New(t, "acme", "shop")
	fake.AddPR(fakegithub.PR{Number: 7, Head: "abc123", Files: []fakegithub.File{addedFile("k8s/node-agent.yaml", 120)}})
	code, stdout, stderr := runEnv(t, githubEnv(t, fake, 7, "abc123"), "review", "--dry-run", "-f", "trivy", td+"trivy/config-k8s-shop.json", "-r", "github-pr-review")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if w := fake.Counts().Writes; w != 0 {
		t.Errorf("dry run made %d writes", w)
	}
	if !strings.Contains(stdout, "POST") {
		t.Errorf("dry run did not print the calls it would make: %q", stdout[:min(300, len(stdout))])
	}
}

// TestActionYAMLLoads loads action.yml as YAML: an unquoted "key: value"
// inside a description once made every `uses:` of the action fail.
func TestActionYAMLLoads(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Name   string                    `yaml:"name"`
		Inputs map[string]map[string]any `yaml:"inputs"`
		Runs   struct {
			Using string           `yaml:"using"`
			Steps []map[string]any `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if doc.Name == "" || doc.Runs.Using != "composite" || len(doc.Runs.Steps) == 0 {
		t.Fatalf("action.yml: name %q, runs.using %q, %d steps", doc.Name, doc.Runs.Using, len(doc.Runs.Steps))
	}
	for name, in := range doc.Inputs {
		if _, ok := in["description"].(string); !ok {
			t.Errorf("input %s: description is not a string", name)
		}
	}
}
