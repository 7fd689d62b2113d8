package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/internal/fakegitlab"
)

// The exception jobs of docs/exceptions.md run as written: the shell lines
// of the GitHub workflows and of the GitLab job, with the built binary and
// the environment the runner gives, against the fakes. (actionlint checks
// the workflows themselves: readme_workflows_test.go.)
func TestExceptionRecipesRunAsWritten(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the recipes run on linux runners")
	}
	root, _ := filepath.Abs("../..")
	doc := readFile(t, filepath.Join(root, "docs", "exceptions.md"))
	bin := buildBinary(t)
	path := bin + ":" + os.Getenv("PATH")

	t.Run("github", func(t *testing.T) {
		type step struct {
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			Env  map[string]string `yaml:"env"`
		}
		type workflow struct {
			Permissions yaml.Node `yaml:"permissions"`
			Jobs        map[string]struct {
				If    string `yaml:"if"`
				Steps []step `yaml:"steps"`
			} `yaml:"jobs"`
		}
		wf := func(name string) workflow {
			m := regexp.MustCompile("(?s)```yaml\n# \\.github/workflows/" + regexp.QuoteMeta(name) + "[^\n]*\n(.*?)```").FindStringSubmatch(doc)
			if m == nil {
				t.Fatalf("no %s in docs/exceptions.md", name)
			}
			var w workflow
			if err := yaml.Unmarshal([]byte(m[1]), &w); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return w
		}
		save, open := wf("exception-request.yml"), wf("exception-open.yml")
		var perms map[string]string
		if err := open.Permissions.Decode(&perms); err != nil || perms["contents"] != "write" || perms["pull-requests"] != "write" {
			t.Fatalf("stage 2 permissions = %v (%v)", perms, err)
		}
		if job := save.Jobs["save"]; !strings.Contains(job.If, "in_reply_to_id") || !strings.Contains(job.If, "startsWith(github.event.comment.body, '/runbook-translator ignore')") {
			t.Fatalf("stage 1 runs for %q", job.If)
		}
		for _, s := range open.Jobs["open"].Steps {
			if strings.Contains(s.Uses, "checkout") {
				t.Fatal("stage 2 checks out code")
			}
		}

		g := newGHException(t)
		id := g.fake.Reply(g.root.ID, "alice", "/runbook-translator ignore 30d accepted until the Q3 migration")
		dir := t.TempDir()
		ev := filepath.Join(dir, "review-comment.json")
		b, _ := json.Marshal(map[string]any{"action": "created", "comment": map[string]any{"id": id, "in_reply_to_id": g.root.ID},
			"pull_request": map[string]any{"number": 7}})
		os.WriteFile(ev, b, 0o644)

		// Stage 1, in its workspace.
		ws1 := t.TempDir()
		for _, s := range save.Jobs["save"].Steps {
			if s.Run == "" {
				continue
			}
			if code, out := shell(t, ws1, map[string]string{"PATH": path, "GITHUB_EVENT_PATH": ev}, s.Run); code != 0 {
				t.Fatalf("stage 1 %q: exit %d\n%s", s.Run, code, out)
			}
		}
		// download-artifact puts the artifact's files in the workspace.
		ws2 := t.TempDir()
		art, err := os.ReadFile(filepath.Join(ws1, "event.json"))
		if err != nil {
			t.Fatalf("stage 1 saved no event.json: %v", err)
		}
		os.WriteFile(filepath.Join(ws2, "event.json"), art, 0o644)
		run := filepath.Join(dir, "workflow-run.json")
		b, _ = json.Marshal(map[string]any{"workflow_run": map[string]any{"id": 1, "event": "pull_request_review_comment", "conclusion": "success",
			"head_sha": "abc123", "pull_requests": []any{}, "repository": map[string]any{"full_name": "acme/shop"}}})
		os.WriteFile(run, b, 0o644)
		env := map[string]string{"PATH": path, "HOME": dir, "GITHUB_ACTIONS": "true", "GITHUB_API_URL": g.fake.URL + "/api/v3",
			"GITHUB_REPOSITORY": "acme/shop", "GITHUB_EVENT_NAME": "workflow_run", "GITHUB_EVENT_PATH": run, "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567"}
		ran := false
		for _, s := range open.Jobs["open"].Steps {
			if !strings.Contains(s.Run, "runbook-translator ignore request") {
				continue
			}
			ran = true
			for k, v := range s.Env {
				env[k] = strings.ReplaceAll(v, "${{ github.token }}", fakeToken)
			}
			code, out := shell(t, ws2, env, s.Run)
			if code != 0 || strings.Contains(out, fakeToken) {
				t.Fatalf("stage 2 %q: exit %d\n%s", s.Run, code, out)
			}
		}
		if !ran || len(g.fake.OpenedPulls()) != 1 {
			t.Fatalf("ran %v, opened %v", ran, g.fake.OpenedPulls())
		}
	})

	t.Run("gitlab", func(t *testing.T) {
		var jobs map[string]struct {
			Rules []struct {
				If string `yaml:"if"`
			} `yaml:"rules"`
			Variables map[string]string `yaml:"variables"`
			Script    []string          `yaml:"script"`
		}
		if err := yaml.Unmarshal([]byte(fencedAfter(t, doc, "## GitLab CI", "yaml")), &jobs); err != nil {
			t.Fatal(err)
		}
		job, ok := jobs["exception-request"]
		if !ok || len(job.Rules) != 1 || !strings.Contains(job.Rules[0].If, `$CI_PIPELINE_SOURCE == "trigger"`) || job.Variables["GIT_STRATEGY"] != "none" {
			t.Fatalf("job = %+v", job)
		}
		g := newGLException(t)
		id := g.fake.Reply(g.root.ID, "alice", "/runbook-translator ignore 30d accepted until the Q3 migration")
		dir := t.TempDir()
		payload := filepath.Join(dir, "TRIGGER_PAYLOAD")
		b, _ := json.Marshal(map[string]any{"object_kind": "note", "project": map[string]any{"id": 42},
			"object_attributes": map[string]any{"id": id, "noteable_type": "MergeRequest", "discussion_id": g.root.ID},
			"merge_request":     map[string]any{"iid": 7}})
		os.WriteFile(payload, b, 0o644)
		env := map[string]string{"PATH": path, "HOME": dir, "GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "trigger", "TRIGGER_PAYLOAD": payload,
			"CI_API_V4_URL": g.fake.URL + "/api/v4", "CI_PROJECT_ID": "42", "GITLAB_TOKEN": fakeGitLabToken}
		code, out := shell(t, dir, env, strings.Join(job.Script, "\n"))
		if code != 0 || strings.Contains(out, fakeGitLabToken) {
			t.Fatalf("exit %d\n%s", code, out)
		}
		if mrs := g.fake.OpenedMergeRequests(); len(mrs) != 1 || mrs[0].ReviewerIDs[0] != fakegitlab.UserID("alice") {
			t.Fatalf("opened %+v", mrs)
		}
	})
}
