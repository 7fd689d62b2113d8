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
	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
	"github.com/runbook-translator/runbook-translator/reporters/forge/exception"
)

// baseConfig is the config on the base branch: a comment and a rule whose
// layout the edit must keep.
const baseConfig = `# Exceptions need a reason and an expiry.
fail_level: error
ignore:
  - code: KSV-0001
    reason: "legacy"   # tracked in SEC-1
    expires: 2099-01-01
`

const codeowners = "* @acme/everyone\n/.runbook-translator.yaml @acme/platform @alice\n"

// ghException is a pull request with the bot's review comments on it (a
// real `review` run through the fake) and the base branch's files.
type ghException struct {
	t    *testing.T
	fake *fakegithub.Server
	env  func(string) string
	// root is one of the bot's inline comments.
	root fakegithub.ReviewComment
}

func newGHException(t *testing.T, reviewArgs ...string) *ghException {
	fake := fakegithub.New(t, "acme", "shop")
	fake.AddPR(fakegithub.PR{Number: 7, Head: "abc123", Files: []fakegithub.File{addedFile("k8s/node-agent.yaml", 120)}})
	env := githubEnv(t, fake, 7, "abc123")
	if code, _, stderr := runEnv(t, env, append([]string{"review", "-f", "trivy", td + "trivy/config-k8s-shop.json", "-r", "github-pr-review"}, reviewArgs...)...); code != ExitFindings {
		t.Fatalf("review: exit %d: %s", code, stderr)
	}
	cs := fake.ReviewComments(7)
	if len(cs) == 0 {
		t.Fatal("review posted no inline comment")
	}
	fake.SetBranch("main", map[string]string{".runbook-translator.yaml": baseConfig, ".github/CODEOWNERS": codeowners})
	fake.SetCollaborator("alice", "write")
	fake.SetCollaborator("bob", "read")
	fake.AddTeam("platform")
	return &ghException{t: t, fake: fake, env: env, root: cs[0]}
}

// ask replies to comment `to` as login and runs `ignore request` on the
// event GitHub would send.
func (g *ghException) ask(to int64, login, body string, args ...string) (int, string, string) {
	g.t.Helper()
	id := g.fake.Reply(to, login, body)
	return g.run(id, to, args...)
}

func (g *ghException) run(id, to int64, args ...string) (int, string, string) {
	g.t.Helper()
	ev := map[string]any{"action": "created", "comment": map[string]any{"id": id, "in_reply_to_id": to, "body": "ignored: read from the API"},
		"pull_request": map[string]any{"number": 7}, "repository": map[string]any{"full_name": "acme/shop"}}
	b, _ := json.Marshal(ev)
	p := filepath.Join(g.t.TempDir(), "event.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		g.t.Fatal(err)
	}
	env := func(k string) string {
		switch k {
		case "GITHUB_EVENT_NAME":
			return "pull_request_review_comment"
		case "GITHUB_ACTIONS":
			return "true"
		}
		return g.env(k)
	}
	return runEnv(g.t, env, append([]string{"ignore", "request", "--event", p}, args...)...)
}

// lastReply is the bot's last reply in the thread of root.
func (g *ghException) lastReply() string {
	var last string
	for _, c := range g.fake.ReviewComments(7) {
		if c.InReplyTo == g.root.ID && c.User == fakegithub.BotLogin {
			last = c.Body
		}
	}
	return last
}

// nothingWritten: no branch but main, no pull request opened.
func (g *ghException) nothingWritten() {
	g.t.Helper()
	if b := g.fake.Branches(); len(b) != 1 {
		g.t.Errorf("branches = %v, want main only", b)
	}
	if p := g.fake.OpenedPulls(); len(p) != 0 {
		g.t.Errorf("opened %v", p)
	}
}

// expiry is today + n days, as the command computes it; a run across
// midnight may see either day.
func expiry(n int, before, after time.Time) []string {
	return []string{before.UTC().AddDate(0, 0, n).Format(ignore.DateLayout), after.UTC().AddDate(0, 0, n).Format(ignore.DateLayout)}
}

func TestIgnoreRequestGitHub(t *testing.T) {
	g := newGHException(t)
	g.fake.ResetCounts()
	before := time.Now()
	code, out, stderr := g.ask(g.root.ID, "alice", "/runbook-translator ignore 30d accepted until the Q3 migration @everyone <b>x</b>")
	after := time.Now()
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	t.Logf("GitHub request sequence:\n%s", strings.Join(g.fake.Log(), "\n"))
	pulls := g.fake.OpenedPulls()
	if len(pulls) != 1 {
		t.Fatalf("opened %d pull requests, want 1", len(pulls))
	}
	pr := pulls[0]
	if pr.Base != "main" || !strings.HasPrefix(pr.Head, exception.BranchPrefix) || !strings.Contains(out, "/pull/") {
		t.Errorf("pull request %+v, out %q", pr, out)
	}
	if strings.Join(pr.Reviewers, ",") != "alice" || strings.Join(pr.TeamRevs, ",") != "platform" {
		t.Errorf("reviewers %v teams %v, want the config's CODEOWNERS alice and platform", pr.Reviewers, pr.TeamRevs)
	}
	br, _ := g.fake.GetBranch(pr.Head)
	got := string(br.Files[".runbook-translator.yaml"])
	if !strings.HasPrefix(got, baseConfig) {
		t.Errorf("the edit did not keep the base config's bytes:\n%s", got)
	}
	var cfg struct{ Ignore []ignore.Rule }
	if err := yaml.Unmarshal([]byte(got), &cfg); err != nil || len(cfg.Ignore) != 2 {
		t.Fatalf("config on the branch: %v\n%s", err, got)
	}
	r := cfg.Ignore[1]
	exp := expiry(30, before, after)
	if r.Tool != "trivy" || r.Code == "" || r.Path != g.root.Path || r.RequestedBy != "alice" ||
		r.Reason != "accepted until the Q3 migration @everyone <b>x</b>" || (r.Expires != exp[0] && r.Expires != exp[1]) ||
		!strings.Contains(r.Link, "#discussion_r") {
		t.Errorf("rule = %+v", r)
	}
	// The untrusted reason is escaped in everything posted.
	for what, text := range map[string]string{"title": pr.Title, "body": pr.Body, "reply": g.lastReply()} {
		if strings.Contains(text, "@everyone") || strings.Contains(text, "<b>") {
			t.Errorf("%s carries the reason unescaped: %q", what, text)
		}
	}
	if !strings.Contains(g.lastReply(), "Exception requested for 30 days") || !strings.Contains(g.lastReply(), "/pull/") {
		t.Errorf("reply = %q", g.lastReply())
	}
	// The bot's pull request body escapes the reason too.
	if !strings.Contains(pr.Body, "@\u200beveryone") {
		t.Errorf("body = %q", pr.Body)
	}

	// A second identical command opens no second pull request.
	code, out, stderr = g.ask(g.root.ID, "alice", "/runbook-translator ignore 30d accepted until the Q3 migration @everyone <b>x</b>")
	if code != 0 || len(g.fake.OpenedPulls()) != 1 || !strings.Contains(out, "already requested") ||
		!strings.Contains(g.lastReply(), "already requested") {
		t.Fatalf("second request: exit %d, %d pulls, out %q, reply %q: %s", code, len(g.fake.OpenedPulls()), out, g.lastReply(), stderr)
	}

	// Once the pull request is closed, a new request reuses the branch
	// (already holding the rule) and opens a new one.
	g.fake.ClosePull(pr.Number)
	if code, _, stderr := g.ask(g.root.ID, "alice", "/runbook-translator ignore 30d accepted until the Q3 migration @everyone <b>x</b>"); code != 0 || len(g.fake.OpenedPulls()) != 2 {
		t.Fatalf("after close: exit %d, %d pulls: %s", code, len(g.fake.OpenedPulls()), stderr)
	}
}

func TestIgnoreRequestGitHubRefusals(t *testing.T) {
	cases := []struct {
		name, who, body, want string
		// setup changes the fake; to returns the comment replied to.
		to func(g *ghException) int64
	}{
		{name: "read access", who: "bob", body: "/runbook-translator ignore 30d accepted risk", want: "only users with write access"},
		{name: "no access", who: "mallory", body: "/runbook-translator ignore 30d accepted risk", want: "mallory has no access",
			to: func(g *ghException) int64 { g.fake.AddUser("mallory"); return g.root.ID }},
		{name: "malformed duration", who: "alice", body: "/runbook-translator ignore 30 days accepted risk", want: "number of days such as 30d"},
		{name: "zero days", who: "alice", body: "/runbook-translator ignore 0d accepted risk", want: "number of days such as 30d"},
		{name: "too long", who: "alice", body: "/runbook-translator ignore 9999d accepted risk", want: "over 3650 days"},
		{name: "reason missing", who: "alice", body: "/runbook-translator ignore 30d", want: "a reason is required"},
		{name: "two lines", who: "alice", body: "/runbook-translator ignore 30d ok then\n::error::x", want: "the only line"},
		{name: "reason too long", who: "alice", body: "/runbook-translator ignore 30d " + strings.Repeat("a", 301), want: "over the limit of 300"},
		{name: "not the bot's comment", who: "alice", body: "/runbook-translator ignore 30d accepted risk", want: "is not the bot's",
			to: func(g *ghException) int64 {
				return g.fake.AddReviewComment(7, "mallory", g.root.Path, 1, "hello")
			}},
		{name: "forged marker", who: "alice", body: "/runbook-translator ignore 30d accepted risk", want: "is not the bot's (it is by mallory)",
			to: func(g *ghException) int64 {
				// A copy of the bot's comment, marker and all, by someone else.
				return g.fake.AddReviewComment(7, "mallory", g.root.Path, 1, g.root.Body)
			}},
		{name: "edited marker", who: "alice", body: "/runbook-translator ignore 30d accepted risk", want: "was edited after the bot wrote it",
			to: func(g *ghException) int64 {
				return g.fake.AddReviewComment(7, fakegithub.BotLogin, "k8s/other.yaml", 1, strings.Replace(g.root.Body, "- Code: `", "- Code: `X", 1))
			}},
		{name: "summary", who: "alice", body: "/runbook-translator ignore 30d accepted risk", want: "carries no finding",
			to: func(g *ghException) int64 {
				return g.fake.AddReviewComment(7, fakegithub.BotLogin, g.root.Path, 1, "plain text by the bot")
			}},
		{name: "policy max_expiry", who: "alice", body: "/runbook-translator ignore 90d accepted risk", want: "later than the ignore_policy's max_expiry of 30d",
			to: func(g *ghException) int64 {
				g.fake.SetBranch("main", map[string]string{".runbook-translator.yaml": "ignore_policy:\n  max_expiry: 30d\nignore: []\n"})
				return g.root.ID
			}},
		{name: "policy invalid", who: "alice", body: "/runbook-translator ignore 10d accepted risk", want: "the ignore_policy itself is invalid",
			to: func(g *ghException) int64 {
				g.fake.SetBranch("main", map[string]string{".runbook-translator.yaml": "ignore_policy:\n  require: [ticket]\n"})
				return g.root.ID
			}},
		{name: "config cannot be edited", who: "alice", body: "/runbook-translator ignore 30d accepted risk", want: "cannot take the rule, nothing was changed",
			to: func(g *ghException) int64 {
				g.fake.SetBranch("main", map[string]string{".runbook-translator.yaml": "ignore: [{code: X, reason: flow style}]\n"})
				return g.root.ID
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newGHException(t)
			to := g.root.ID
			if tc.to != nil {
				to = tc.to(g)
			}
			code, out, stderr := g.ask(to, tc.who, tc.body)
			if code != 0 || !strings.Contains(out, "refused") {
				t.Fatalf("exit %d, out %q: %s", code, out, stderr)
			}
			var reply string
			for _, c := range g.fake.ReviewComments(7) {
				if c.InReplyTo == to && c.User == fakegithub.BotLogin {
					reply = c.Body
				}
			}
			if !strings.Contains(reply, "Exception not requested") || !strings.Contains(strings.ReplaceAll(reply, "\\", ""), tc.want) {
				t.Errorf("reply = %q, want %q", reply, tc.want)
			}
			if strings.Contains(reply, "::error") || strings.Contains(stderr, "\n::") {
				t.Errorf("a workflow command got through: %q / %q", reply, stderr)
			}
			g.nothingWritten()
		})
	}
}

func TestIgnoreRequestGitHubNotACommand(t *testing.T) {
	g := newGHException(t)
	g.fake.ResetCounts()
	code, _, stderr := g.ask(g.root.ID, "alice", "thanks, will fix")
	if code != 0 || g.fake.Counts().Writes != 0 {
		t.Fatalf("exit %d, %d writes: %s", code, g.fake.Counts().Writes, stderr)
	}
	// An issue_comment event is refused as a usage error: it names no finding.
	p := filepath.Join(t.TempDir(), "ev.json")
	os.WriteFile(p, []byte(`{"action":"created","issue":{"number":7},"comment":{"id":1}}`), 0o644)
	code, _, stderr = runEnv(t, g.env, "ignore", "request", "--forge", "github", "--event", p)
	if code != ExitUsage || !strings.Contains(stderr, "issue_comment") {
		t.Fatalf("issue_comment: exit %d: %s", code, stderr)
	}
}

func TestIgnoreRequestGitHubAPIFailure(t *testing.T) {
	g := newGHException(t)
	g.fake.EchoToken = true
	g.fake.Inject(fakegithub.Fault{Method: "POST", Path: "^/repos/acme/shop/pulls$", Status: 500, Times: 10})
	code, _, stderr := g.ask(g.root.ID, "alice", "/runbook-translator ignore 30d accepted until the Q3 migration")
	if code != ExitReporter || !strings.Contains(stderr, "open the request") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, fakeToken) {
		t.Fatal("token in the error")
	}
}

// The Actions GITHUB_TOKEN cannot open pull requests until the repository
// allows it: the error says which setting; the branch it made is reused
// once the setting is on (its rule is rewritten with the new request's
// link, on the branch's own version of the file).
func TestIgnoreRequestGitHubActionsSetting(t *testing.T) {
	g := newGHException(t)
	g.fake.TokenKind = fakegithub.TokenActions
	code, _, stderr := g.ask(g.root.ID, "alice", "/runbook-translator ignore 30d accepted until the Q3 migration", "--bot-login", fakegithub.BotLogin)
	if code != ExitReporter || !strings.Contains(stderr, "Allow GitHub Actions to create and approve pull requests") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b := g.fake.Branches(); len(b) != 2 {
		t.Fatalf("branches = %v", b)
	}
	g.fake.AllowActionsPullRequests()
	g.fake.ResetCounts()
	code, _, stderr = g.ask(g.root.ID, "alice", "/runbook-translator ignore 30d accepted until the Q3 migration", "--bot-login", fakegithub.BotLogin)
	if code != 0 || len(g.fake.OpenedPulls()) != 1 {
		t.Fatalf("exit %d, %d pulls: %s", code, len(g.fake.OpenedPulls()), stderr)
	}
	puts := 0
	for _, l := range g.fake.Log() {
		if strings.HasPrefix(l, "POST /repos/acme/shop/git/refs") {
			t.Errorf("the branch exists, yet %s", l)
		}
		if strings.HasPrefix(l, "PUT ") {
			puts++
		}
	}
	if puts != 1 {
		t.Errorf("%d commits, want 1", puts)
	}
	br, _ := g.fake.GetBranch(g.fake.OpenedPulls()[0].Head)
	if n := strings.Count(string(br.Files[".runbook-translator.yaml"]), "accepted until the Q3 migration"); n != 1 {
		t.Errorf("the rule is on the branch %d times:\n%s", n, br.Files[".runbook-translator.yaml"])
	}
}

// A policy that requires approved_by does not stop the request: whoever
// merges approves, and the pull request says to add it.
func TestIgnoreRequestGitHubApproverRequired(t *testing.T) {
	g := newGHException(t)
	g.fake.SetBranch("main", map[string]string{".runbook-translator.yaml": "ignore_policy:\n  max_expiry: 30d\n  require: [approved_by]\n", ".github/CODEOWNERS": codeowners})
	code, _, stderr := g.ask(g.root.ID, "alice", "/runbook-translator ignore 30d accepted until the Q3 migration")
	if code != 0 || len(g.fake.OpenedPulls()) != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if body := g.fake.OpenedPulls()[0].Body; !strings.Contains(body, "requires `approved_by`") {
		t.Errorf("body = %q", body)
	}
}

// --dry-run prints the writes and sends none.
func TestIgnoreRequestDryRun(t *testing.T) {
	g := newGHException(t)
	id := g.fake.Reply(g.root.ID, "alice", "/runbook-translator ignore 30d accepted until the Q3 migration")
	g.fake.ResetCounts()
	code, out, stderr := g.run(id, g.root.ID, "--dry-run")
	if code != 0 || g.fake.Counts().Writes != 0 {
		t.Fatalf("exit %d, %d writes: %s", code, g.fake.Counts().Writes, stderr)
	}
	for _, w := range []string{"POST /repos/acme/shop/git/refs", "PUT /repos/acme/shop/contents/.runbook-translator.yaml", "POST /repos/acme/shop/pulls\n"} {
		if !strings.Contains(out, w) {
			t.Errorf("dry run does not show %q:\n%s", w, out)
		}
	}

	gl := newGLException(t)
	gl.fake.ResetCounts()
	code, out, stderr = gl.ask(gl.root.ID, "alice", "/runbook-translator ignore 30d accepted until the Q3 migration", "--dry-run")
	if code != 0 || gl.fake.Counts().Writes != 0 || !strings.Contains(out, "POST /api/v4/projects/42/repository/commits") {
		t.Fatalf("gitlab: exit %d, %d writes: %s\n%s", code, gl.fake.Counts().Writes, out, stderr)
	}
}

// A review run in another language (--lang ja) writes comments whose
// Details are in Japanese: the request reads them the same.
func TestIgnoreRequestGitHubJapaneseComments(t *testing.T) {
	g := newGHException(t, "--lang", "ja")
	if !strings.Contains(g.root.Body, "詳細") {
		t.Fatalf("the review did not write Japanese: %.300s", g.root.Body)
	}
	code, _, stderr := g.ask(g.root.ID, "alice", "/runbook-translator ignore 30d accepted until the Q3 migration")
	if code != 0 || len(g.fake.OpenedPulls()) != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	br, _ := g.fake.GetBranch(g.fake.OpenedPulls()[0].Head)
	var cfg struct{ Ignore []ignore.Rule }
	if err := yaml.Unmarshal(br.Files[".runbook-translator.yaml"], &cfg); err != nil || len(cfg.Ignore) != 2 || cfg.Ignore[1].Code == "" || cfg.Ignore[1].Resource == "" {
		t.Fatalf("rule: %v %+v", err, cfg.Ignore)
	}
}

// A command that is no reply names no finding: it is answered under itself.
func TestIgnoreRequestNotAReply(t *testing.T) {
	g := newGHException(t)
	id := g.fake.AddReviewComment(7, "alice", g.root.Path, 1, "/runbook-translator ignore 30d accepted until the Q3 migration")
	code, out, stderr := g.run(id, 0)
	if code != 0 || !strings.Contains(out, "refused") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var reply string
	for _, c := range g.fake.ReviewComments(7) {
		if c.InReplyTo == id && c.User == fakegithub.BotLogin {
			reply = c.Body
		}
	}
	if !strings.Contains(reply, "reply with the command in the thread") {
		t.Errorf("reply = %q", reply)
	}
	g.nothingWritten()

	gl := newGLException(t)
	d := gl.fake.AddDiscussion(7, "alice", "k8s/node-agent.yaml", 3, "/runbook-translator ignore 30d accepted until the Q3 migration")
	// The event of the discussion's first note: ask adds a reply, so the
	// event is written by hand here.
	disc := gl.fake.Discussions(7)
	var note int64
	for _, x := range disc {
		if x.ID == d {
			note = x.Notes[0].ID
		}
	}
	ev := filepath.Join(t.TempDir(), "payload.json")
	b, _ := json.Marshal(map[string]any{"object_kind": "note", "object_attributes": map[string]any{"id": note, "noteable_type": "MergeRequest", "discussion_id": d},
		"merge_request": map[string]any{"iid": 7}})
	os.WriteFile(ev, b, 0o644)
	env := map[string]string{"GITLAB_CI": "true", "CI_API_V4_URL": gl.fake.URL + "/api/v4", "CI_PROJECT_ID": "42", "GITLAB_TOKEN": fakeGitLabToken}
	code, out, stderr = runEnv(t, func(k string) string { return env[k] }, "ignore", "request", "--event", ev)
	if code != 0 || !strings.Contains(out, "refused") || !strings.Contains(gl.lastReply(d), "reply with the command in the thread") {
		t.Fatalf("gitlab: exit %d, reply %q: %s", code, gl.lastReply(d), stderr)
	}
	if len(gl.fake.OpenedMergeRequests()) != 0 || len(gl.fake.Branches()) != 1 {
		t.Error("gitlab: written")
	}
}
