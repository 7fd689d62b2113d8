package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/internal/fakegitlab"
)

const fakeGitLabToken = "glpat-fakeTokenThatMustNeverBePrinted"

func gitlabEnv(fake *fakegitlab.Server, iid string) func(string) string {
	env := map[string]string{
		"CI_API_V4_URL":        fake.URL + "/api/v4",
		"CI_PROJECT_ID":        "42",
		"CI_MERGE_REQUEST_IID": iid,
		"CI_COMMIT_SHA":        "head1",
		"GITLAB_TOKEN":         fakeGitLabToken,
	}
	return func(k string) string { return env[k] }
}

// TestGitLabMergeRequestEndToEnd drives the CLI against the fake GitLab:
// first run, unchanged re-run (zero writes), read-only token fallback.
func TestGitLabMergeRequestEndToEnd(t *testing.T) {
	input, err := filepath.Abs(td + "trivy/config-k8s-shop.json")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	fake := fakegitlab.New(t, 42, "acme/shop")
	fake.Token = fakeGitLabToken
	patch := addedFile("k8s/node-agent.yaml", 120).Patch
	fake.Push(7, fakegitlab.Version{ID: 1, BaseSHA: "base1", StartSHA: "base1", HeadSHA: "head1",
		Diffs: []fakegitlab.Diff{{OldPath: "k8s/node-agent.yaml", NewPath: "k8s/node-agent.yaml", NewFile: true, Diff: patch}}})
	env := gitlabEnv(fake, "7")
	check := func(out, errOut string) {
		t.Helper()
		if strings.Contains(out+errOut, fakeGitLabToken) {
			t.Fatal("the token appears in the output")
		}
	}

	code, out, stderr := runEnv(t, env, "review", "-f", "trivy", input, "-r", "gitlab-mr-discussion")
	check(out, stderr)
	if code != ExitFindings {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	inline := 0
	for _, d := range fake.Discussions(7) {
		if !d.Individual {
			inline++
		}
	}
	if inline == 0 {
		t.Fatal("no diff discussions posted")
	}

	fake.ResetCounts()
	code, out, stderr = runEnv(t, env, "review", "-f", "trivy", input, "-r", "gitlab-mr-discussion")
	check(out, stderr)
	if code != ExitFindings {
		t.Fatalf("re-run: exit %d: %s", code, stderr)
	}
	if w := fake.Counts().Writes; w != 0 {
		t.Errorf("unchanged re-run made %d writes, want 0", w)
	}

	// A new merge request with a token that cannot write.
	fake.SetReadOnly(403)
	env = gitlabEnv(fake, "8")
	fake.Push(8, fakegitlab.Version{ID: 2, BaseSHA: "base1", StartSHA: "base1", HeadSHA: "head1",
		Diffs: []fakegitlab.Diff{{OldPath: "k8s/node-agent.yaml", NewPath: "k8s/node-agent.yaml", NewFile: true, Diff: patch}}})
	code, out, stderr = runEnv(t, env, "review", "-f", "trivy", input, "-r", "gitlab-mr-discussion", "-r", "json=all.jsonl")
	check(out, stderr)
	if code != ExitFindings {
		t.Fatalf("read-only run: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "no write access") || !strings.Contains(out, "errors,") {
		t.Errorf("fallback: no log line or no local report\nstderr: %s", stderr)
	}
	cq, err := os.ReadFile(CodeQualityFallbackFile)
	if err != nil {
		t.Fatalf("fallback Code Quality report: %v", err)
	}
	if n := strings.Count(string(cq), `"fingerprint"`); n != 138 {
		t.Errorf("Code Quality report has %d findings, want 138", n)
	}
}
