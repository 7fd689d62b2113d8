package github

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestContextFromWorkflowRun reads the second stage's environment: the
// head from workflow_run.head_sha (not GITHUB_SHA, the default branch's
// head there), the pull request from pull_requests[] when it names one
// whose head is that commit, Fork from head_repository. Payload shape:
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#workflow_run.
func TestContextFromWorkflowRun(t *testing.T) {
	cases := []struct {
		name, payload string
		pr            int
		sha           string
		fork          bool
		err           string
	}{
		{name: "same repository",
			payload: `{"workflow_run":{"event":"pull_request","head_sha":"aaa","head_branch":"b","head_repository":{"full_name":"acme/shop"},"repository":{"full_name":"acme/shop"},"pull_requests":[{"number":3,"head":{"sha":"zzz"}},{"number":7,"head":{"sha":"aaa","ref":"b"}}]},"repository":{"full_name":"acme/shop"}}`,
			pr:      7, sha: "aaa"},
		{name: "fork: pull_requests empty",
			payload: `{"workflow_run":{"event":"pull_request","head_sha":"bbb","head_repository":{"full_name":"mallory/shop"},"repository":{"full_name":"acme/shop"},"pull_requests":[]}}`,
			sha:     "bbb", fork: true},
		{name: "push run",
			payload: `{"workflow_run":{"event":"push","head_sha":"ccc","pull_requests":[]}}`, sha: "ccc"},
		{name: "no workflow_run", payload: `{"action":"completed"}`, err: "no workflow_run object"},
		{name: "no head_sha", payload: `{"workflow_run":{"event":"pull_request"}}`, err: "no head_sha"},
		{name: "broken", payload: `{"workflow_run":`, err: "parse GITHUB_EVENT_PATH"},
	}
	for _, c := range cases {
		p := filepath.Join(t.TempDir(), "event.json")
		if err := os.WriteFile(p, []byte(c.payload), 0o644); err != nil {
			t.Fatal(err)
		}
		env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/shop", "GITHUB_EVENT_NAME": "workflow_run",
			"GITHUB_EVENT_PATH": p, "GITHUB_SHA": "default-head"}
		ctx, err := ContextFromEnv(func(k string) string { return env[k] }, Overrides{})
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: err %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if ctx.PR != c.pr || ctx.SHA != c.sha || ctx.Fork != c.fork {
			t.Errorf("%s: pr %d sha %s fork %t, want %d %s %t", c.name, ctx.PR, ctx.SHA, ctx.Fork, c.pr, c.sha, c.fork)
		}
	}
}
