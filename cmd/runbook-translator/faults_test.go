package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
	"github.com/runbook-translator/runbook-translator/internal/fakegitlab"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
)

// The fault suite drives the CLI against both fake forges with one fault
// each, and checks after every run:
//   - every active finding is reported somewhere: an inline comment, or an
//     entry of the summary's "Not posted" or "Not shown inline" lists (and
//     always in the local JSON report);
//   - no fingerprint has two comments, and there is at most one summary;
//   - the exit code: 0 or 3 with --fail-level none (3 when a reporter
//     could not deliver), 1 when the findings fail the build;
//   - the token, which the fakes echo in every error answer, appears
//     nowhere in stdout or stderr (runEnv checks).
//
// Real waits are bounded by RUNBOOK_TRANSLATOR_MAX_WAIT=2s and
// RUNBOOK_TRANSLATOR_REQUEST_TIMEOUT=300ms; cases run in parallel.

// faultInput is Trivy's scan of k8s/: 138 findings on node-agent.yaml.
const faultInput = td + "trivy/config-k8s-shop.json"

type forgeState struct {
	// inline counts the bot's inline comments per fingerprint.
	inline map[string]int
	// summaries are the bodies of the bot's summary comments.
	summaries []string
	writes    int
}

type forgeRig interface {
	env(dir string) func(string) string
	reporter() string
	state() forgeState
	resetCounts()
	// clearFaults drops the injected faults not yet used.
	clearFaults()
	// humans adds n comments by someone else and returns a func deleting
	// the first of them.
	humans(n int) func()
	// afterPage installs a hook on the listing of the bot's comments.
	afterPage(f func(page int))
}

type ghRig struct {
	t    *testing.T
	fake *fakegithub.Server
}

func newGHRig(t *testing.T) *ghRig {
	fake := fakegithub.New(t, "acme", "shop")
	fake.EchoToken = true
	fake.AddPR(fakegithub.PR{Number: 7, Head: "abc123", Files: []fakegithub.File{addedFile("k8s/node-agent.yaml", 120)}})
	return &ghRig{t: t, fake: fake}
}

func (g *ghRig) env(dir string) func(string) string {
	base := githubEnv(g.t, g.fake, 7, "abc123")
	return func(k string) string {
		switch k {
		case "RUNBOOK_TRANSLATOR_MAX_WAIT":
			return "2s"
		case "RUNBOOK_TRANSLATOR_REQUEST_TIMEOUT":
			return "300ms"
		}
		return base(k)
	}
}

func (g *ghRig) reporter() string { return "github-pr-review" }

func (g *ghRig) state() forgeState {
	st := forgeState{inline: map[string]int{}, writes: g.fake.Counts().Writes}
	for _, c := range g.fake.ReviewComments(7) {
		if m, ok := comment.Parse(c.Body); ok && c.InReplyTo == 0 && c.User == fakegithub.BotLogin && !m.IsSummary() {
			st.inline[m.FP]++
		}
	}
	for _, c := range g.fake.IssueComments(7) {
		if m, ok := comment.Parse(c.Body); ok && m.IsSummary() {
			st.summaries = append(st.summaries, c.Body)
		}
	}
	return st
}

func (g *ghRig) resetCounts() { g.fake.ResetCounts() }

func (g *ghRig) clearFaults() { g.fake.ClearFaults() }

func (g *ghRig) humans(n int) func() {
	var first int64
	for i := 0; i < n; i++ {
		id := g.fake.AddReviewComment(7, "octocat", "k8s/node-agent.yaml", 1, "a remark")
		if i == 0 {
			first = id
		}
	}
	return func() { g.fake.DeleteReviewComment(first) }
}

func (g *ghRig) afterPage(f func(int)) {
	g.fake.AfterPage = func(path string, n int) {
		if strings.HasSuffix(path, "/pulls/7/comments") {
			f(n)
		}
	}
}

type glRig struct {
	t    *testing.T
	fake *fakegitlab.Server
}

func newGLRig(t *testing.T) *glRig {
	fake := fakegitlab.New(t, 42, "acme/shop")
	fake.Token = fakeGitLabToken
	fake.EchoToken = true
	fake.Push(7, fakegitlab.Version{ID: 1, BaseSHA: "base1", StartSHA: "base1", HeadSHA: "head1",
		Diffs: []fakegitlab.Diff{{OldPath: "k8s/node-agent.yaml", NewPath: "k8s/node-agent.yaml", NewFile: true, Diff: addedFile("k8s/node-agent.yaml", 120).Patch}}})
	return &glRig{t: t, fake: fake}
}

func (g *glRig) env(string) func(string) string {
	base := gitlabEnv(g.fake, "7")
	return func(k string) string {
		switch k {
		case "RUNBOOK_TRANSLATOR_MAX_WAIT":
			return "2s"
		case "RUNBOOK_TRANSLATOR_REQUEST_TIMEOUT":
			return "300ms"
		}
		return base(k)
	}
}

func (g *glRig) reporter() string { return "gitlab-mr-discussion" }

func (g *glRig) state() forgeState {
	st := forgeState{inline: map[string]int{}, writes: g.fake.Counts().Writes}
	for _, d := range g.fake.Discussions(7) {
		n := d.Notes[0]
		m, ok := comment.Parse(n.Body)
		if !ok || n.AuthorID != fakegitlab.BotID {
			continue
		}
		if m.IsSummary() {
			st.summaries = append(st.summaries, n.Body)
		} else if !d.Individual {
			st.inline[m.FP]++
		}
	}
	return st
}

func (g *glRig) resetCounts() { g.fake.ResetCounts() }

func (g *glRig) clearFaults() { g.fake.ClearFaults() }

func (g *glRig) humans(n int) func() {
	var first int64
	for i := 0; i < n; i++ {
		id := g.fake.AddNote(7, "alice", "a remark")
		if i == 0 {
			first = id
		}
	}
	return func() {
		for _, d := range g.fake.Discussions(7) {
			if d.Notes[0].ID == first {
				g.fake.DeleteDiscussion(d.ID)
			}
		}
	}
}

func (g *glRig) afterPage(f func(int)) {
	g.fake.AfterPage = func(path string, n int) {
		if strings.HasSuffix(path, "/merge_requests/7/discussions") {
			f(n)
		}
	}
}

// activeFingerprints reads the JSON report: the fingerprints of the
// findings that are not suppressed.
func activeFingerprints(t *testing.T, path string) map[string]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("local JSON report: %v", err)
	}
	defer f.Close()
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var v struct {
			Fingerprint string          `json:"fingerprint"`
			Suppressed  json.RawMessage `json:"suppressed"`
		}
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("JSON report line: %v", err)
		}
		if len(v.Suppressed) == 0 {
			out[v.Fingerprint] = true
		}
	}
	return out
}

var sectionCount = regexp.MustCompile(`### (Not posted|Not shown inline) \((\d+)\)`)

// summaryEntries counts the summary's "Not posted" and "Not shown inline"
// entries.
func summaryEntries(body string) (notPosted, notInline int) {
	for _, m := range sectionCount.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.Atoi(m[2])
		if m[1] == "Not posted" {
			notPosted = n
		} else {
			notInline = n
		}
	}
	return notPosted, notInline
}

// checkAccounted asserts no duplicates and that inline comments and
// summary entries cover every active finding; it returns the summary's
// "Not posted" count.
func checkAccounted(t *testing.T, st forgeState, active map[string]bool, stderr string) int {
	t.Helper()
	for fp, n := range st.inline {
		if n > 1 {
			t.Errorf("%d comments for fingerprint %s", n, fp)
		}
		if !active[fp] {
			t.Errorf("comment for %s, which is not an active finding", fp)
		}
	}
	if len(st.summaries) > 1 {
		t.Errorf("%d summaries, want at most 1", len(st.summaries))
	}
	if len(st.summaries) == 0 {
		// The summary could not be written: the error says so, and the
		// local report holds every finding.
		if !strings.Contains(stderr, "reporter ") {
			t.Errorf("no summary and no reporter error on stderr:\n%s", stderr)
		}
		return -1
	}
	notPosted, notInline := summaryEntries(st.summaries[0])
	if got := len(st.inline) + notPosted + notInline; got != len(active) {
		t.Errorf("%d inline + %d not posted + %d not shown inline = %d, want every one of %d active findings",
			len(st.inline), notPosted, notInline, got, len(active))
	}
	return notPosted
}

type faultCase struct {
	name string
	// inject sets the fault up on one forge; nil skips the forge.
	github func(*fakegithub.Server)
	gitlab func(*fakegitlab.Server)
	// failLevel is --fail-level; wantCode the exit code of the faulty run.
	failLevel string
	wantCode  int
	// wantNotPosted: the summary lists findings as not posted.
	wantNotPosted bool
	// humans is how many comments someone else wrote before the runs;
	// shift deletes the first of them after page 1 of the re-run's listing.
	humans int
	shift  bool
	// wantRejected: the summary lists lines the forge refused.
	wantRejected bool
	// recovered: the faulty run delivered everything, so even the first
	// clean re-run must write nothing.
	recovered bool
}

// rejectEven refuses inline comments on every even line of node-agent.yaml.
func rejectEven() map[string]bool {
	m := map[string]bool{}
	for l := 2; l <= 120; l += 2 {
		m[fmt.Sprintf("k8s/node-agent.yaml:%d", l)] = true
	}
	return m
}

var faultCases = []faultCase{
	{name: "timeout on a read",
		github: func(s *fakegithub.Server) {
			s.Inject(fakegithub.Fault{Method: "GET", Path: `/files$`, Stall: time.Minute})
		},
		gitlab: func(s *fakegitlab.Server) {
			s.Inject(fakegitlab.Fault{Method: "GET", Path: `/diffs$`, Stall: time.Minute})
		},
		failLevel: "none", wantCode: ExitOK, recovered: true},
	{name: "timeout on a write, applied",
		github: func(s *fakegithub.Server) {
			s.Inject(fakegithub.Fault{Method: "POST", Path: `/reviews$`, Stall: time.Minute, AfterApply: true, Skip: 1})
		},
		gitlab: func(s *fakegitlab.Server) {
			s.Inject(fakegitlab.Fault{Method: "POST", Path: `/discussions$`, Stall: time.Minute, AfterApply: true, Skip: 3, Times: 2})
		},
		failLevel: "none", wantCode: ExitOK, recovered: true},
	{name: "timeout on a write, not applied",
		github: func(s *fakegithub.Server) {
			s.Inject(fakegithub.Fault{Method: "POST", Path: `/reviews$`, Stall: time.Minute, Skip: 1})
		},
		gitlab: func(s *fakegitlab.Server) {
			s.Inject(fakegitlab.Fault{Method: "POST", Path: `/discussions$`, Stall: time.Minute, Skip: 3, Times: 2})
		},
		failLevel: "none", wantCode: ExitOK, recovered: true},
	{name: "5xx burst on reads",
		github: func(s *fakegithub.Server) {
			s.Inject(fakegithub.Fault{Method: "GET", Path: `/comments$`, Status: 503, Times: 2})
		},
		gitlab: func(s *fakegitlab.Server) {
			s.Inject(fakegitlab.Fault{Method: "GET", Path: `/discussions$`, Status: 503, Times: 2})
		},
		failLevel: "none", wantCode: ExitOK, recovered: true},
	{name: "5xx burst on writes",
		github: func(s *fakegithub.Server) {
			s.Inject(fakegithub.Fault{Method: "POST", Path: `/reviews$`, Status: 502, Times: 2})
		},
		gitlab: func(s *fakegitlab.Server) {
			s.Inject(fakegitlab.Fault{Method: "POST", Path: `/discussions$`, Status: 502, Times: 2})
		},
		failLevel: "none", wantCode: ExitOK, recovered: true},
	{name: "5xx longer than the retries",
		github: func(s *fakegithub.Server) {
			s.Inject(fakegithub.Fault{Method: "POST", Path: `/reviews$`, Status: 502, Times: 10000})
		},
		gitlab: func(s *fakegitlab.Server) {
			s.Inject(fakegitlab.Fault{Method: "POST", Path: `/discussions$`, Status: 503, Times: 10000})
		},
		failLevel: "none", wantCode: ExitReporter, wantNotPosted: true},
	{name: "5xx longer than the retries, findings fail",
		github: func(s *fakegithub.Server) {
			s.Inject(fakegithub.Fault{Method: "POST", Path: `/reviews$`, Status: 502, Times: 10000})
		},
		gitlab: func(s *fakegitlab.Server) {
			s.Inject(fakegitlab.Fault{Method: "POST", Path: `/discussions$`, Status: 503, Times: 10000})
		},
		failLevel: "error", wantCode: ExitFindings, wantNotPosted: true},
	{name: "429 with retry-after",
		github: func(s *fakegithub.Server) {
			s.Inject(fakegithub.Fault{Method: "POST", Path: `/reviews$`, Status: 429, RetryAfter: "1", Times: 2})
		},
		gitlab: func(s *fakegitlab.Server) {
			s.Inject(fakegitlab.Fault{Method: "POST", Path: `/discussions$`, Status: 429, RetryAfter: "1", Times: 2})
		},
		failLevel: "none", wantCode: ExitOK, recovered: true},
	{name: "429 without retry-after",
		github: func(s *fakegithub.Server) {
			// GitHub asks for at least a minute: over the 2s limit.
			s.Inject(fakegithub.Fault{Method: "GET", Path: `/files$`, Status: 429})
		},
		gitlab: func(s *fakegitlab.Server) {
			s.Inject(fakegitlab.Fault{Method: "POST", Path: `/discussions$`, Status: 429, Times: 2})
		},
		failLevel: "none", wantCode: -1},
	{name: "403 secondary limit with retry-after",
		github: func(s *fakegithub.Server) {
			s.Inject(fakegithub.Fault{Method: "POST", Path: `/reviews$`, Status: 403, Secondary: true, RetryAfter: "1", Skip: 1})
		},
		failLevel: "none", wantCode: ExitOK, recovered: true},
	{name: "403 secondary limit without retry-after",
		github: func(s *fakegithub.Server) {
			s.Inject(fakegithub.Fault{Method: "POST", Path: `/reviews$`, Status: 403, Secondary: true, Skip: 1})
		},
		failLevel: "none", wantCode: ExitReporter, wantNotPosted: true},
	{name: "primary limit exhausted, reset soon",
		github: func(s *fakegithub.Server) {
			s.Inject(fakegithub.Fault{Method: "GET", Path: `/comments$`, Status: 403, PrimaryLimit: true, ResetIn: time.Second})
		},
		gitlab: func(s *fakegitlab.Server) {
			s.Inject(fakegitlab.Fault{Method: "GET", Path: `/discussions$`, Status: 429, ResetIn: time.Second})
		},
		failLevel: "none", wantCode: ExitOK, recovered: true},
	{name: "rate limit longer than the wait limit",
		github: func(s *fakegithub.Server) {
			s.Inject(fakegithub.Fault{Method: "POST", Path: `/reviews$`, Status: 403, PrimaryLimit: true, ResetIn: time.Hour, Skip: 1})
		},
		gitlab: func(s *fakegitlab.Server) {
			s.Inject(fakegitlab.Fault{Method: "POST", Path: `/discussions$`, Status: 429, ResetIn: time.Hour, Skip: 3})
		},
		failLevel: "none", wantCode: ExitReporter, wantNotPosted: true},
	{name: "reset mid-batch, not applied",
		github: func(s *fakegithub.Server) {
			s.Inject(fakegithub.Fault{Method: "POST", Path: `/reviews$`, Reset: true, Skip: 1, Times: 2})
		},
		gitlab: func(s *fakegitlab.Server) {
			s.Inject(fakegitlab.Fault{Method: "POST", Path: `/discussions$`, Reset: true, Skip: 5, Times: 3})
		},
		failLevel: "none", wantCode: ExitOK, recovered: true},
	{name: "reset mid-batch after the write was applied",
		github: func(s *fakegithub.Server) {
			s.Inject(fakegithub.Fault{Method: "POST", Path: `/reviews$`, Reset: true, AfterApply: true, Skip: 1, Times: 2})
		},
		gitlab: func(s *fakegitlab.Server) {
			s.Inject(fakegitlab.Fault{Method: "POST", Path: `/discussions$`, Reset: true, AfterApply: true, Skip: 5, Times: 3})
		},
		failLevel: "none", wantCode: ExitOK, recovered: true},
	{name: "summary reset after applied",
		github: func(s *fakegithub.Server) {
			s.Inject(fakegithub.Fault{Method: "POST", Path: `/issues/7/comments$`, Reset: true, AfterApply: true})
		},
		gitlab: func(s *fakegitlab.Server) {
			s.Inject(fakegitlab.Fault{Method: "POST", Path: `/notes$`, Reset: true, AfterApply: true})
		},
		failLevel: "none", wantCode: ExitOK, recovered: true},
	{name: "half the lines rejected",
		github:    func(s *fakegithub.Server) { s.RejectLines = rejectEven() },
		gitlab:    func(s *fakegitlab.Server) { s.RejectLines = rejectEven() },
		failLevel: "none", wantCode: ExitOK, recovered: true, wantRejected: true},
	{name: "listing shifts while paging",
		github: func(*fakegithub.Server) {}, gitlab: func(*fakegitlab.Server) {},
		failLevel: "none", wantCode: ExitOK, humans: 100, shift: true, recovered: true},
}

func TestFaultSuite(t *testing.T) {
	for _, c := range faultCases {
		for _, forge := range []string{"github", "gitlab"} {
			if (forge == "github" && c.github == nil) || (forge == "gitlab" && c.gitlab == nil) {
				continue
			}
			t.Run(forge+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				var rig forgeRig
				if forge == "github" {
					g := newGHRig(t)
					c.github(g.fake)
					rig = g
				} else {
					g := newGLRig(t)
					c.gitlab(g.fake)
					rig = g
				}
				runFault(t, rig, c)
			})
		}
	}
}

// runChecked is runEnv that also checks the GitLab token never appears
// (runEnv checks GitHub's).
func runChecked(t *testing.T, env func(string) string, args ...string) (int, string, string) {
	t.Helper()
	code, out, errOut := runEnv(t, env, args...)
	if strings.Contains(out+errOut, fakeGitLabToken) {
		t.Fatalf("the GitLab token appears in the output")
	}
	return code, out, errOut
}

// TestDryRunUnderFaults: a dry run still reads; failing reads whose error
// answers echo the token never show it, and nothing is written.
func TestDryRunUnderFaults(t *testing.T) {
	for _, forge := range []string{"github", "gitlab"} {
		for _, fatal := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/fatal=%t", forge, fatal), func(t *testing.T) {
				t.Parallel()
				times := 1
				if fatal {
					times = 1000
				}
				var rig forgeRig
				var writes func() int
				if forge == "github" {
					g := newGHRig(t)
					g.fake.Inject(fakegithub.Fault{Method: "GET", Path: `/comments$`, Status: 500, Times: times})
					rig, writes = g, func() int { return g.fake.Counts().Writes }
				} else {
					g := newGLRig(t)
					g.fake.Inject(fakegitlab.Fault{Method: "GET", Path: `/discussions$`, Status: 500, Times: times})
					rig, writes = g, func() int { return g.fake.Counts().Writes }
				}
				code, out, stderr := runChecked(t, rig.env(t.TempDir()), "review", "--dry-run", "-f", "trivy", faultInput,
					"-r", rig.reporter(), "--fail-level", "none")
				want := ExitOK
				if fatal {
					want = ExitReporter
				}
				if code != want {
					t.Errorf("exit %d, want %d\n%s", code, want, stderr)
				}
				if !fatal && !strings.Contains(out, "POST") {
					t.Errorf("the dry run printed no call")
				}
				if fatal && !strings.Contains(stderr, "[REDACTED]") {
					t.Errorf("the echoed token was not seen redacted:\n%s", stderr)
				}
				if w := writes(); w != 0 {
					t.Errorf("dry run made %d writes", w)
				}
			})
		}
	}
}

func runFault(t *testing.T, rig forgeRig, c faultCase) {
	dir := t.TempDir()
	report := filepath.Join(dir, "all.jsonl")
	args := []string{"review", "-f", "trivy", faultInput, "-r", rig.reporter(), "-r", "json=" + report, "--fail-level", c.failLevel}
	var deleteFirst func()
	if c.humans > 0 {
		deleteFirst = rig.humans(c.humans)
	}
	env := rig.env(dir)

	if c.shift {
		// A clean first run; the fault is the re-run's shifting listing.
		if code, _, stderr := runChecked(t, env, args...); code != ExitOK {
			t.Fatalf("first run: exit %d: %s", code, stderr)
		}
		var once sync.Once
		rig.afterPage(func(n int) {
			if n == 1 {
				once.Do(deleteFirst)
			}
		})
		rig.resetCounts()
	}

	code, _, stderr := runChecked(t, env, args...)
	if c.wantCode >= 0 && code != c.wantCode {
		t.Errorf("exit %d, want %d\n%s", code, c.wantCode, stderr)
	}
	if c.wantCode < 0 && code != ExitOK && code != ExitReporter {
		t.Errorf("exit %d, want 0 or 3\n%s", code, stderr)
	}
	active := activeFingerprints(t, report)
	if len(active) == 0 {
		t.Fatal("no active findings in the local report")
	}
	st := rig.state()
	notPosted := checkAccounted(t, st, active, stderr)
	if c.wantNotPosted && notPosted <= 0 {
		t.Errorf("the summary lists nothing as not posted (%d)\n%s", notPosted, stderr)
	}
	if code == ExitReporter || (code == ExitFindings && c.wantNotPosted) {
		if !strings.Contains(stderr, "not posted") && !strings.Contains(stderr, "wait limit") {
			t.Errorf("stderr does not say what was not delivered:\n%s", stderr)
		}
	}
	if c.wantRejected && (len(st.summaries) == 0 || !strings.Contains(st.summaries[0], "rejected by Git")) {
		t.Errorf("the summary lists no rejected line")
	}
	if c.shift && st.writes != 0 {
		t.Errorf("the re-run over a shifting listing made %d writes", st.writes)
	}

	// Re-runs without the fault: the first completes what was missing, the
	// second writes nothing; never a duplicate. Rejected lines stay
	// rejected: the summary remembers them, so no re-run asks again.
	rig.afterPage(func(int) {})
	rig.clearFaults()
	for i, wantWrites := range []bool{!c.recovered, false} {
		rig.resetCounts()
		code, _, stderr = runChecked(t, env, args...)
		if code != ExitOK && !(c.failLevel == "error" && code == ExitFindings) {
			t.Errorf("clean re-run %d: exit %d\n%s", i+1, code, stderr)
		}
		st = rig.state()
		if n := checkAccounted(t, st, active, stderr); n > 0 {
			t.Errorf("clean re-run %d: %d findings still not posted", i+1, n)
		}
		if !wantWrites && st.writes != 0 {
			t.Errorf("second clean re-run made %d writes, want 0", st.writes)
		}
	}
}
