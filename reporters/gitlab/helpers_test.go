package gitlab

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/internal/fakegitlab"
)

const (
	testToken   = "glpat-Test0123456789abcdefXYZ"
	projectID   = 42
	projectPath = "platform/infra/app"
	mrIID       = 7
)

// fakeClock advances when slept on; nothing waits for real.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func newClock() *fakeClock { return &fakeClock{now: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return ctx.Err()
}

func (c *fakeClock) total() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var t time.Duration
	for _, d := range c.slept {
		t += d
	}
	return t
}

// repo is a temporary git repository; diffs come from real `git diff`.
type repo struct {
	t   testing.TB
	dir string
}

func newRepo(t testing.TB) *repo {
	t.Helper()
	r := &repo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+r.dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// commit writes files ("" deletes) and commits; it returns the commit SHA.
func (r *repo) commit(files map[string]string) string {
	r.t.Helper()
	for p, c := range files {
		full := filepath.Join(r.dir, filepath.FromSlash(p))
		if c == "" {
			_ = os.Remove(full)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", "c")
	return strings.TrimSpace(r.git("rev-parse", "HEAD"))
}

func (r *repo) mv(from, to string) {
	r.t.Helper()
	if err := os.MkdirAll(filepath.Join(r.dir, filepath.Dir(filepath.FromSlash(to))), 0o755); err != nil {
		r.t.Fatal(err)
	}
	r.git("mv", from, to)
}

// version is the merge request version from base to head, as GitLab stores
// it: the per-file hunks of `git diff -M base head`.
func (r *repo) version(base, head string) fakegitlab.Version {
	out := r.git("diff", "-M", "--no-color", base, head)
	return fakegitlab.Version{BaseSHA: base, StartSHA: base, HeadSHA: head, Diffs: fakegitlab.DiffsFromGit(out)}
}

// lines returns n numbered YAML lines.
func lines(prefix string, n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s_%d: %d\n", prefix, i, i)
	}
	return b.String()
}

// env is one test's fake GitLab, repository and clock.
type env struct {
	t     *testing.T
	srv   *fakegitlab.Server
	clock *fakeClock
	repo  *repo
	base  string
	log   strings.Builder
}

// standard builds the fixture merge request:
//
//	k8s/web.yaml:   3 lines inserted at the top (1-3 added), 4-6 context
//	                (old 1-3), line 10 changed (added), context 7-9, 11-13;
//	Dockerfile:     new file, 5 added lines;
//	new/name.tf:    renamed from old/name.tf, line 2 changed;
//	gone.txt:       deleted.
func standard(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, clock: newClock(), repo: newRepo(t)}
	e.srv = fakegitlab.New(t, projectID, projectPath)
	e.srv.Token = testToken
	e.srv.Now = e.clock.Now
	e.base = e.repo.commit(map[string]string{
		"k8s/web.yaml": lines("web", 20),
		"old/name.tf":  lines("tf", 6),
		"gone.txt":     "bye\n",
		"README.md":    "readme\n",
	})
	e.repo.mv("old/name.tf", "new/name.tf")
	web := strings.Split(lines("web", 20), "\n")
	web[6] = "web_7: changed"
	tf := strings.Split(lines("tf", 6), "\n")
	tf[1] = "tf_2: changed"
	head := e.repo.commit(map[string]string{
		"k8s/web.yaml": "new_1: 1\nnew_2: 2\nnew_3: 3\n" + strings.Join(web, "\n"),
		"new/name.tf":  strings.Join(tf, "\n"),
		"Dockerfile":   "FROM alpine\nRUN apk add curl\nUSER root\nCOPY . /app\nCMD [\"/app/run\"]\n",
		"gone.txt":     "",
	})
	e.srv.Push(mrIID, e.repo.version(e.base, head))
	return e
}

// reporter returns a reporter as cmd would build it, from the environment.
func (e *env) reporter(mode diff.Mode, mut ...func(*Options)) *Discussions {
	e.t.Helper()
	cfg, err := ConfigFromEnv(func(k string) string {
		return map[string]string{"CI_API_V4_URL": e.srv.URL + "/api/v4", "CI_PROJECT_ID": projectPath,
			"CI_MERGE_REQUEST_IID": fmt.Sprint(mrIID), "GITLAB_TOKEN": testToken}[k]
	}, Config{})
	if err != nil {
		e.t.Fatal(err)
	}
	opts := Options{FilterMode: mode, Retry: RetryPolicy{Clock: e.clock}, Log: &e.log}
	for _, m := range mut {
		m(&opts)
	}
	r, err := New(cfg, opts)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *env) report(r *Discussions, fs translator.Findings) error {
	e.t.Helper()
	fs.Sort()
	fs.AssignFingerprints()
	return r.Report(context.Background(), &translator.Run{Findings: fs, FailLevel: translator.SeverityError})
}

func finding(path string, line int, code, msg string) *translator.Finding {
	return &translator.Finding{Tool: "kube-linter", Code: code, Severity: translator.SeverityError, Message: msg,
		Location: translator.Location{Path: path, Line: line}}
}

// threads returns the reporter's diff threads (not the summary).
func (e *env) threads() []fakegitlab.Discussion {
	var out []fakegitlab.Discussion
	for _, d := range e.srv.Discussions(mrIID) {
		if !d.Individual {
			out = append(out, d)
		}
	}
	return out
}

// summaries returns the bodies of the plain MR notes by the bot.
func (e *env) summaries() []string {
	var out []string
	for _, d := range e.srv.Discussions(mrIID) {
		if d.Individual && d.Notes[0].AuthorID == fakegitlab.BotID {
			out = append(out, d.Notes[0].Body)
		}
	}
	return out
}
