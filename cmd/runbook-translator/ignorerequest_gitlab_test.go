package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/ignore"
	"github.com/runbook-translator/runbook-translator/internal/fakegitlab"
	"github.com/runbook-translator/runbook-translator/reporters/forge/exception"
)

const glCodeowners = "* @everyone-group/all\n/.runbook-translator.yaml @alice @platform-group/sec @@maintainer\n"

// glException is a merge request with the bot's discussions on it (a real
// `review` run through the fake) and the target branch's files.
type glException struct {
	t    *testing.T
	fake *fakegitlab.Server
	// root is one of the bot's diff discussions.
	root fakegitlab.Discussion
}

func newGLException(t *testing.T) *glException {
	input, err := filepath.Abs(td + "trivy/config-k8s-shop.json")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	fake := fakegitlab.New(t, 42, "acme/shop")
	fake.Token = fakeGitLabToken
	fake.Push(7, fakegitlab.Version{ID: 1, BaseSHA: "base1", StartSHA: "base1", HeadSHA: "head1",
		Diffs: []fakegitlab.Diff{{OldPath: "k8s/node-agent.yaml", NewPath: "k8s/node-agent.yaml", NewFile: true, Diff: addedFile("k8s/node-agent.yaml", 120).Patch}}})
	if code, _, stderr := runEnv(t, gitlabEnv(fake, "7"), "review", "-f", "trivy", input, "-r", "gitlab-mr-discussion"); code != ExitFindings {
		t.Fatalf("review: exit %d: %s", code, stderr)
	}
	g := &glException{t: t, fake: fake}
	for _, d := range fake.Discussions(7) {
		if !d.Individual {
			g.root = d
			break
		}
	}
	if g.root.ID == "" {
		t.Fatal("review opened no diff discussion")
	}
	fake.SetBranch("main", map[string]string{".runbook-translator.yaml": baseConfig, "CODEOWNERS": glCodeowners})
	fake.SetMember("alice", fakegitlab.Developer)
	fake.SetMember("bob", fakegitlab.Reporter)
	fake.SetMember("mallory", 0)
	return g
}

// ask replies in discussion d as username and runs `ignore request` on the
// note event the webhook would post to the pipeline trigger.
func (g *glException) ask(d, username, body string, args ...string) (int, string, string) {
	g.t.Helper()
	id := g.fake.Reply(d, username, body)
	ev := map[string]any{"object_kind": "note", "event_type": "note",
		"user":              map[string]any{"id": fakegitlab.UserID(username), "username": username},
		"project_id":        42,
		"project":           map[string]any{"id": 42, "path_with_namespace": "acme/shop"},
		"object_attributes": map[string]any{"id": id, "note": "ignored: read from the API", "noteable_type": "MergeRequest", "discussion_id": d, "type": "DiffNote"},
		"merge_request":     map[string]any{"iid": 7, "target_branch": "ignored", "source_branch": "feature"}}
	b, _ := json.Marshal(ev)
	p := filepath.Join(g.t.TempDir(), "payload.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		g.t.Fatal(err)
	}
	// A triggered pipeline on main: no merge request variables.
	env := map[string]string{"GITLAB_CI": "true", "CI_API_V4_URL": g.fake.URL + "/api/v4", "CI_PROJECT_ID": "42",
		"CI_PIPELINE_SOURCE": "trigger", "CI_COMMIT_SHA": "0123456789abcdef0123456789abcdef01234567", "GITLAB_TOKEN": fakeGitLabToken, "TRIGGER_PAYLOAD": p}
	code, out, stderr := runEnv(g.t, func(k string) string { return env[k] }, append([]string{"ignore", "request", "--event", p}, args...)...)
	if strings.Contains(out+stderr, fakeGitLabToken) {
		g.t.Fatal("the token appears in the output")
	}
	return code, out, stderr
}

// lastReply is the bot's last note in discussion d.
func (g *glException) lastReply(d string) string {
	var last string
	for _, x := range g.fake.Discussions(7) {
		if x.ID != d {
			continue
		}
		for _, n := range x.Notes[1:] {
			if n.AuthorID == fakegitlab.BotID {
				last = n.Body
			}
		}
	}
	return last
}

func TestIgnoreRequestGitLab(t *testing.T) {
	g := newGLException(t)
	g.fake.ResetCounts()
	before := time.Now()
	code, out, stderr := g.ask(g.root.ID, "alice", "/runbook-translator ignore 14d accepted until the Q3 migration @all")
	after := time.Now()
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	t.Logf("GitLab request sequence:\n%s", strings.Join(g.fake.Log(), "\n"))
	mrs := g.fake.OpenedMergeRequests()
	if len(mrs) != 1 {
		t.Fatalf("opened %d merge requests, want 1: %s", len(mrs), stderr)
	}
	mr := mrs[0]
	if mr.Target != "main" || !strings.HasPrefix(mr.Source, exception.BranchPrefix) || !strings.Contains(out, "/-/merge_requests/") {
		t.Errorf("merge request %+v, out %q", mr, out)
	}
	if len(mr.ReviewerIDs) != 1 || mr.ReviewerIDs[0] != fakegitlab.UserID("alice") {
		t.Errorf("reviewers %v, want alice (%d) from CODEOWNERS", mr.ReviewerIDs, fakegitlab.UserID("alice"))
	}
	// Only alice is a username: the group and the @@maintainer role are
	// named in the reply, never looked up as users.
	lookups := 0
	for _, l := range g.fake.Log() {
		if strings.HasPrefix(l, "GET /users") {
			lookups++
		}
	}
	if lookups != 1 {
		t.Errorf("%d user lookups, want 1 (alice):\n%s", lookups, strings.Join(g.fake.Log(), "\n"))
	}
	files, _ := g.fake.BranchFiles(mr.Source)
	got := files[".runbook-translator.yaml"]
	if !strings.HasPrefix(got, baseConfig) {
		t.Errorf("the edit did not keep the base config's bytes:\n%s", got)
	}
	var cfg struct{ Ignore []ignore.Rule }
	if err := yaml.Unmarshal([]byte(got), &cfg); err != nil || len(cfg.Ignore) != 2 {
		t.Fatalf("config on the branch: %v\n%s", err, got)
	}
	r := cfg.Ignore[1]
	exp := expiry(14, before, after)
	if r.Tool != "trivy" || r.Code == "" || r.Path != "k8s/node-agent.yaml" || r.RequestedBy != "alice" ||
		r.Reason != "accepted until the Q3 migration @all" || (r.Expires != exp[0] && r.Expires != exp[1]) ||
		!strings.Contains(r.Link, "/-/merge_requests/7#note_") {
		t.Errorf("rule = %+v", r)
	}
	reply := strings.ReplaceAll(g.lastReply(g.root.ID), "\u200b", "")
	if !strings.Contains(reply, "Exception requested for 14 days") || !strings.Contains(reply, "@platform-group/sec is not a GitLab user") {
		t.Errorf("reply = %q", reply)
	}
	if strings.Contains(mr.Description, "@all") {
		t.Errorf("the description pings: %q", mr.Description)
	}

	// A second identical command opens no second merge request.
	code, out, _ = g.ask(g.root.ID, "alice", "/runbook-translator ignore 14d accepted until the Q3 migration @all")
	if code != 0 || len(g.fake.OpenedMergeRequests()) != 1 || !strings.Contains(out, "already requested") {
		t.Fatalf("second request: exit %d, %d merge requests, out %q", code, len(g.fake.OpenedMergeRequests()), out)
	}
	// Once it is closed, a new request commits nothing new (the branch has
	// the rule) and opens a new one.
	g.fake.CloseMergeRequest(mr.IID)
	if code, _, stderr := g.ask(g.root.ID, "alice", "/runbook-translator ignore 14d accepted until the Q3 migration @all"); code != 0 || len(g.fake.OpenedMergeRequests()) != 2 {
		t.Fatalf("after close: exit %d: %s", code, stderr)
	}
}

func TestIgnoreRequestGitLabRefusals(t *testing.T) {
	cases := []struct {
		name, who, body, want string
		to                    func(g *glException) string
	}{
		{name: "reporter", who: "bob", body: "/runbook-translator ignore 30d accepted risk", want: "bob has the Reporter role"},
		{name: "no member", who: "mallory", body: "/runbook-translator ignore 30d accepted risk", want: "mallory has no membership"},
		{name: "malformed duration", who: "alice", body: "/runbook-translator ignore thirty accepted risk", want: "number of days such as 30d"},
		{name: "reason missing", who: "alice", body: "/runbook-translator ignore 30d", want: "a reason is required"},
		{name: "not the bot's discussion", who: "alice", body: "/runbook-translator ignore 30d accepted risk", want: "is not the bot's",
			to: func(g *glException) string { return g.fake.AddDiscussion(7, "mallory", "k8s/node-agent.yaml", 3, "hi") }},
		{name: "forged marker", who: "alice", body: "/runbook-translator ignore 30d accepted risk", want: "is not the bot's (it is by mallory)",
			to: func(g *glException) string {
				return g.fake.AddDiscussion(7, "mallory", "k8s/node-agent.yaml", 3, g.root.Notes[0].Body)
			}},
		{name: "config cannot be edited", who: "alice", body: "/runbook-translator ignore 30d accepted risk", want: "cannot take the rule, nothing was changed",
			to: func(g *glException) string {
				g.fake.SetBranch("main", map[string]string{".runbook-translator.yaml": "base: &b {x: 1}\nignore:\n  - <<: *b\n    reason: merged\n"})
				return g.root.ID
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newGLException(t)
			d := g.root.ID
			if tc.to != nil {
				d = tc.to(g)
			}
			code, out, stderr := g.ask(d, tc.who, tc.body)
			if code != 0 || !strings.Contains(out, "refused") {
				t.Fatalf("exit %d, out %q: %s", code, out, stderr)
			}
			if reply := g.lastReply(d); !strings.Contains(reply, "Exception not requested") || !strings.Contains(strings.ReplaceAll(reply, "\\", ""), tc.want) {
				t.Errorf("reply = %q, want %q", reply, tc.want)
			}
			if b := g.fake.Branches(); len(b) != 1 || len(g.fake.OpenedMergeRequests()) != 0 {
				t.Errorf("written: branches %v, merge requests %v", b, g.fake.OpenedMergeRequests())
			}
		})
	}
}

func TestIgnoreRequestGitLabAPIFailure(t *testing.T) {
	g := newGLException(t)
	g.fake.EchoToken = true
	g.fake.Inject(fakegitlab.Fault{Method: "POST", Path: "/repository/commits$", Status: 500, Times: 10})
	code, _, stderr := g.ask(g.root.ID, "alice", "/runbook-translator ignore 30d accepted until the Q3 migration")
	if code != ExitReporter || !strings.Contains(stderr, "commit to") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if len(g.fake.OpenedMergeRequests()) != 0 {
		t.Error("a merge request was opened after the commit failed")
	}
}
