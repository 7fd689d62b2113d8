package gitlab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/internal/fakegitlab"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
)

func baseFindings() translator.Findings {
	return translator.Findings{
		finding("k8s/web.yaml", 2, "KSV-0017", "privileged container"),     // added
		finding("k8s/web.yaml", 5, "KSV-0012", "runs as root"),             // context: old line 2
		finding("k8s/web.yaml", 10, "KSV-0001", "no resource limits"),      // added
		finding("Dockerfile", 3, "DL3002", "last USER should not be root"), // new file
		finding("new/name.tf", 2, "AVD-AWS-0086", "bucket is public"),      // renamed file
		finding("README.md", 1, "MD001", "outside the diff"),               // untouched file
		finding("k8s/web.yaml", 0, "KSV-0110", "no line"),                  // no line
	}
}

func TestFirstRunPositionsAndUnchangedRerun(t *testing.T) {
	e := standard(t)
	r := e.reporter(diff.ModeDiffContext)
	if err := e.report(r, baseFindings()); err != nil {
		t.Fatal(err)
	}
	ths := e.threads()
	if len(ths) != 5 {
		t.Fatalf("%d threads, want 5", len(ths))
	}
	type pos struct {
		newPath, oldPath string
		newLine, oldLine int
	}
	got := map[pos]bool{}
	for _, d := range ths {
		p := d.Notes[0].Position
		if p == nil || p.PositionType != "text" || p.HeadSHA == "" || p.BaseSHA != e.base || p.StartSHA != e.base {
			t.Fatalf("position = %+v", p)
		}
		k := pos{newPath: p.NewPath, oldPath: p.OldPath, newLine: *p.NewLine}
		if p.OldLine != nil {
			k.oldLine = *p.OldLine
		}
		got[k] = true
		if d.Notes[0].Type != "DiffNote" || !d.Notes[0].Resolvable || d.Notes[0].Resolved {
			t.Errorf("note = %+v", d.Notes[0])
		}
	}
	for _, want := range []pos{
		{"k8s/web.yaml", "k8s/web.yaml", 2, 0},
		{"k8s/web.yaml", "k8s/web.yaml", 5, 2}, // unchanged line: both numbers
		{"k8s/web.yaml", "k8s/web.yaml", 10, 0},
		{"Dockerfile", "Dockerfile", 3, 0},
		{"new/name.tf", "old/name.tf", 2, 0},
	} {
		if !got[want] {
			t.Errorf("no thread at %+v; got %v", want, got)
		}
	}
	sums := e.summaries()
	if len(sums) != 1 {
		t.Fatalf("%d summary notes, want 1", len(sums))
	}
	for _, want := range []string{"outside the diff", "no line number", "| 7 | 0 | 0 | 0 | 5 |"} {
		if !strings.Contains(sums[0], want) {
			t.Errorf("summary lacks %q:\n%s", want, sums[0])
		}
	}
	c := e.srv.Counts()
	if c.Writes != 6 {
		t.Errorf("first run: %d writes, want 6 (5 threads, 1 summary)", c.Writes)
	}

	e.srv.ResetCounts()
	if err := e.report(e.reporter(diff.ModeDiffContext), baseFindings()); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.Writes != 0 || c.Reads != 4 {
		t.Errorf("unchanged re-run: %d writes, %d reads, want 0 writes and 4 reads (versions, diffs, user, discussions); log %v", c.Writes, c.Reads, e.srv.Log())
	}
}

func TestAddedModeKeepsContextLinesInSummary(t *testing.T) {
	e := standard(t)
	if err := e.report(e.reporter(diff.ModeAdded), baseFindings()); err != nil {
		t.Fatal(err)
	}
	if n := len(e.threads()); n != 4 {
		t.Errorf("%d threads, want 4 (the context-line finding is not inline in added mode)", n)
	}
}

func TestChangedFindingIsEdited(t *testing.T) {
	e := standard(t)
	if err := e.report(e.reporter(diff.ModeDiffContext), baseFindings()); err != nil {
		t.Fatal(err)
	}
	before := e.threads()
	fs := baseFindings()
	fs[0].Title = "Privileged container (new title)" // same fingerprint, new body
	e.srv.ResetCounts()
	if err := e.report(e.reporter(diff.ModeDiffContext), fs); err != nil {
		t.Fatal(err)
	}
	c := e.srv.Counts()
	if c.Writes != 1 || c.ByOp["discussions/updateMergeRequestNote"] != 1 {
		t.Errorf("writes = %d %v, want one note edit", c.Writes, c.ByOp)
	}
	after := e.threads()
	if len(after) != len(before) {
		t.Errorf("%d threads after the edit, want %d", len(after), len(before))
	}
}

func TestPartialFixResolvesAndHumanReplyKeepsOpen(t *testing.T) {
	e := standard(t)
	if err := e.report(e.reporter(diff.ModeDiffContext), baseFindings()); err != nil {
		t.Fatal(err)
	}
	var dockerfile, tf string
	for _, d := range e.threads() {
		switch d.Notes[0].Position.NewPath {
		case "Dockerfile":
			dockerfile = d.ID
		case "new/name.tf":
			tf = d.ID
		}
	}
	e.srv.Reply(tf, "alice", "We accept this risk, see ticket 12.")

	fs := baseFindings()
	fs = append(fs[:3], fs[5:]...) // Dockerfile and name.tf findings fixed
	e.srv.ResetCounts()
	if err := e.report(e.reporter(diff.ModeDiffContext), fs); err != nil {
		t.Fatal(err)
	}
	for _, d := range e.threads() {
		switch d.ID {
		case dockerfile:
			if !d.Resolved() || !strings.HasPrefix(d.Notes[0].Body, "✅ **Fixed**") {
				t.Errorf("fixed thread: resolved %v, body %q", d.Resolved(), d.Notes[0].Body)
			}
			if m, ok := comment.Parse(d.Notes[0].Body); !ok || m.State != comment.StateFixed {
				t.Errorf("fixed thread marker = %+v", m)
			}
		case tf:
			if d.Resolved() || strings.Contains(d.Notes[0].Body, "Fixed") {
				t.Errorf("replied thread was resolved or edited")
			}
		default:
			if d.Resolved() {
				t.Errorf("thread %s resolved, want open", d.ID)
			}
		}
	}
	sum := e.summaries()[0]
	if !strings.Contains(sum, "new/name.tf:2: the finding is no longer reported, but the thread stays open because someone replied") {
		t.Errorf("summary lacks the replied note:\n%s", sum)
	}
	c := e.srv.Counts()
	if c.ByOp["discussions/resolveMergeRequest"] != 1 || c.ByOp["discussions/updateMergeRequestNote"] != 1 || c.ByOp["notes/updateMergeRequest"] != 1 || c.Writes != 3 {
		t.Errorf("partial fix writes = %v", c.ByOp)
	}

	e.srv.ResetCounts()
	if err := e.report(e.reporter(diff.ModeDiffContext), fs); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("re-run after the fix: %d writes, want 0: %v", c.Writes, e.srv.Log())
	}

	// The finding comes back: the thread is edited and reopened, not duplicated.
	e.srv.ResetCounts()
	if err := e.report(e.reporter(diff.ModeDiffContext), baseFindings()); err != nil {
		t.Fatal(err)
	}
	for _, d := range e.threads() {
		if d.ID == dockerfile && (d.Resolved() || strings.HasPrefix(d.Notes[0].Body, "✅")) {
			t.Errorf("reappeared finding: thread still resolved or fixed")
		}
	}
	if n := len(e.threads()); n != 5 {
		t.Errorf("%d threads, want 5", n)
	}
}

func TestNewPushMovingLinesMakesNoDuplicates(t *testing.T) {
	e := standard(t)
	if err := e.report(e.reporter(diff.ModeDiffContext), baseFindings()); err != nil {
		t.Fatal(err)
	}
	// Push: two more lines at the top of the Dockerfile move its findings down.
	head := e.repo.commit(map[string]string{
		"Dockerfile": "# syntax=docker/dockerfile:1\n# base image\nFROM alpine\nRUN apk add curl\nUSER root\nCOPY . /app\nCMD [\"/app/run\"]\n",
	})
	e.srv.Push(mrIID, e.repo.version(e.base, head))
	fs := baseFindings()
	fs[3].Line = 5
	e.srv.ResetCounts()
	if err := e.report(e.reporter(diff.ModeDiffContext), fs); err != nil {
		t.Fatal(err)
	}
	if n := len(e.threads()); n != 5 {
		t.Errorf("%d threads after the push, want 5 (no duplicates)", n)
	}
	if c := e.srv.Counts(); c.ByOp["discussions/createMergeRequest"] != 0 {
		t.Errorf("push created %d threads", c.ByOp["discussions/createMergeRequest"])
	}
	// A new finding on the new head is positioned with the new version's SHAs.
	fs = append(fs, finding("Dockerfile", 1, "DL3007", "new"))
	if err := e.report(e.reporter(diff.ModeDiffContext), fs); err != nil {
		t.Fatal(err)
	}
	ths := e.threads()
	if last := ths[len(ths)-1].Notes[0].Position; last.HeadSHA != head || *last.NewLine != 1 {
		t.Errorf("new thread position = %+v, want head %s line 1", last, head)
	}
}

func TestStaleHeadGoesToSummary(t *testing.T) {
	e := standard(t)
	r := e.reporter(diff.ModeDiffContext, func(o *Options) { o.HeadSHA = e.base })
	if err := e.report(r, baseFindings()); err != nil {
		t.Fatal(err)
	}
	if n := len(e.threads()); n != 0 {
		t.Errorf("%d threads for a stale commit, want 0", n)
	}
	if s := e.summaries(); len(s) != 1 || !strings.Contains(s[0], "newer than the analysed one") {
		t.Errorf("summary = %q", s)
	}
}

func TestRejectedPositionsMoveToSummary(t *testing.T) {
	e := standard(t)
	e.srv.Inject(fakegitlab.Fault{Method: http.MethodPost, Path: `/discussions$`, Times: 2, Status: 400, Message: fakegitlab.LineCodeError})
	if err := e.report(e.reporter(diff.ModeDiffContext, func(o *Options) { o.MaxConcurrency = 1 }), baseFindings()); err != nil {
		t.Fatalf("rejections are not an error: %v", err)
	}
	if n := len(e.threads()); n != 3 {
		t.Errorf("%d threads, want 3 (2 of 5 rejected)", n)
	}
	sum := e.summaries()[0]
	if strings.Count(sum, `rejected by GitLab: 400 Bad request - Note \{:line\_code=&gt;\["can't be blank"`) != 2 {
		t.Errorf("summary does not list 2 rejections:\n%s", sum)
	}
	if !strings.Contains(sum, "| 7 | 0 | 0 | 0 | 3 |") {
		t.Errorf("summary counts:\n%s", sum)
	}
	// Same commit, same findings: the rejections are remembered, no retry.
	e.srv.ResetCounts()
	if err := e.report(e.reporter(diff.ModeDiffContext), baseFindings()); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("re-run: %d writes, want 0: %v", c.Writes, e.srv.Log())
	}
}

func TestRateLimitThenSuccess(t *testing.T) {
	for name, f := range map[string]fakegitlab.Fault{
		"retry-after":     {Method: http.MethodPost, Path: `/discussions$`, Times: 3, Status: 429, RetryAfter: "30"},
		"ratelimit-reset": {Method: http.MethodPost, Path: `/discussions$`, Times: 2, Status: 429, ResetIn: 45 * time.Second},
		"no headers":      {Method: http.MethodPost, Path: `/discussions$`, Times: 2, Status: 429},
	} {
		t.Run(name, func(t *testing.T) {
			e := standard(t)
			e.srv.Inject(f)
			if err := e.report(e.reporter(diff.ModeDiffContext), baseFindings()); err != nil {
				t.Fatal(err)
			}
			if n := len(e.threads()); n != 5 {
				t.Errorf("%d threads, want 5", n)
			}
			if got := countLog(e, "POST", "/discussions"); got != 5+f.Times {
				t.Errorf("%d create requests, want %d", got, 5+f.Times)
			}
			if e.clock.total() < time.Second {
				t.Errorf("waited %s in all", e.clock.total())
			}
			if f.RetryAfter == "30" && e.clock.total() < 30*time.Second {
				t.Errorf("waited %s, want at least Retry-After", e.clock.total())
			}
		})
	}
}

func TestRateLimitLongerThanMaxWaitFails(t *testing.T) {
	e := standard(t)
	e.srv.Inject(fakegitlab.Fault{Method: http.MethodGet, Path: `/versions$`, Status: 429, RetryAfter: "3600"})
	err := e.report(e.reporter(diff.ModeDiffContext), baseFindings())
	if err == nil || !strings.Contains(err.Error(), "over the 2m0s wait limit") {
		t.Errorf("err = %v", err)
	}
}

func TestServerErrorsNeverDuplicate(t *testing.T) {
	cases := map[string]fakegitlab.Fault{
		"502 after the write":   {Method: http.MethodPost, Path: `/discussions$`, Times: 2, Status: 502, AfterApply: true},
		"500 before the write":  {Method: http.MethodPost, Path: `/discussions$`, Times: 2, Status: 500},
		"reset on create":       {Method: http.MethodPost, Path: `/discussions$`, Times: 2, Reset: true},
		"reset after the write": {Method: http.MethodPost, Path: `/discussions$`, Times: 1, Reset: true, AfterApply: true},
		"503 on list":           {Method: http.MethodGet, Path: `/discussions$`, Times: 2, Status: 503},
		"summary 502 applied":   {Method: http.MethodPost, Path: `/notes$`, Times: 1, Status: 502, AfterApply: true},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			e := standard(t)
			e.srv.Inject(f)
			if err := e.report(e.reporter(diff.ModeDiffContext), baseFindings()); err != nil {
				t.Fatal(err)
			}
			if n := len(e.threads()); n != 5 {
				t.Errorf("%d threads, want 5 (no duplicates, none missing)", n)
			}
			if n := len(e.summaries()); n != 1 {
				t.Errorf("%d summaries, want 1", n)
			}
			e.srv.ResetCounts()
			if err := e.report(e.reporter(diff.ModeDiffContext), baseFindings()); err != nil {
				t.Fatal(err)
			}
			if c := e.srv.Counts(); c.Writes != 0 {
				t.Errorf("re-run: %d writes", c.Writes)
			}
		})
	}
}

func TestPersistentFailureIsListed(t *testing.T) {
	e := standard(t)
	e.srv.Inject(fakegitlab.Fault{Method: http.MethodPost, Path: `/discussions$`, Times: 1000, Status: 500})
	err := e.report(e.reporter(diff.ModeDiffContext), baseFindings())
	var np *NotPostedError
	if !errors.As(err, &np) || len(np.Entries) != 5 {
		t.Fatalf("err = %v, want 5 findings not posted", err)
	}
	sum := e.summaries()
	if len(sum) != 1 || !strings.Contains(sum[0], "### Not posted (5)") {
		t.Errorf("summary = %q", sum)
	}
	// Bounded: MaxAttempts rounds of at most 5 creates, not a retry storm.
	if n := countLog(e, "POST", "/discussions"); n > 5*5 {
		t.Errorf("%d create attempts", n)
	}
}

func TestReadOnlyToken(t *testing.T) {
	for _, status := range []int{403, 404} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			e := standard(t)
			e.srv.SetReadOnly(status)
			fs := baseFindings()
			for i := 1; i <= 5; i++ {
				fs = append(fs, finding("Dockerfile", i, fmt.Sprintf("DL%d", i), "x"))
			}
			err := e.report(e.reporter(diff.ModeDiffContext), fs)
			if !errors.Is(err, ErrNoWriteAccess) {
				t.Fatalf("err = %v, want ErrNoWriteAccess", err)
			}
			if c := e.srv.Counts(); c.Writes > DefaultMaxConcurrency {
				t.Errorf("%d writes after the first refusal, want at most %d", c.Writes, DefaultMaxConcurrency)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("token in error")
			}
		})
	}
}

func TestManyFindingsPaginateAndBoundConcurrency(t *testing.T) {
	e := bigMR(t, 150)
	if err := e.report(e.reporter(diff.ModeAdded), bigFindings(150)); err != nil {
		t.Fatal(err)
	}
	if n := len(e.threads()); n != 150 {
		t.Errorf("%d threads, want 150", n)
	}
	if m := e.srv.MaxInFlight(); m > DefaultMaxConcurrency {
		t.Errorf("%d requests in flight at once, want at most %d", m, DefaultMaxConcurrency)
	}
	e.srv.ResetCounts()
	if err := e.report(e.reporter(diff.ModeAdded), bigFindings(150)); err != nil {
		t.Fatal(err)
	}
	c := e.srv.Counts()
	if c.Writes != 0 || c.ByOp["discussions/listMergeRequest"] != 2 {
		t.Errorf("re-run: %d writes, %d discussion pages; want 0 and 2", c.Writes, c.ByOp["discussions/listMergeRequest"])
	}
}

func TestBodiesOverTheLimitAreBounded(t *testing.T) {
	e := standard(t)
	huge := strings.Repeat("privileged container `x` <b>y</b> ", 60000) // ~2 MB
	fs := baseFindings()
	fs[0].Message = huge
	fs[0].Runbook = &translator.Runbook{ID: "pss", Title: "t", Body: huge}
	for i := 0; i < 3000; i++ { // a summary with thousands of entries
		fs = append(fs, finding("README.md", i+2, fmt.Sprintf("MD%d", i), huge[:2000]))
	}
	if err := e.report(e.reporter(diff.ModeDiffContext), fs); err != nil {
		t.Fatal(err)
	}
	for _, d := range e.srv.Discussions(mrIID) {
		if n := len(d.Notes[0].Body); n > comment.MaxBody || n > MaxNoteBody {
			t.Errorf("note of %d bytes", n)
		}
	}
	if s := e.summaries(); len(s) != 1 || !strings.Contains(s[0], "more lines not shown") {
		t.Errorf("summary not truncated visibly")
	}
}

func TestDryRunPrintsAndWritesNothing(t *testing.T) {
	e := standard(t)
	var out bytes.Buffer
	if err := e.report(e.reporter(diff.ModeDiffContext, func(o *Options) { o.DryRun = &out }), baseFindings()); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("dry run wrote %d times", c.Writes)
	}
	s := out.String()
	if strings.Count(s, "POST /api/v4/projects/platform%2Finfra%2Fapp/merge_requests/7/discussions\n") != 5 ||
		strings.Count(s, "POST /api/v4/projects/platform%2Finfra%2Fapp/merge_requests/7/notes\n") != 1 {
		t.Errorf("dry run output:\n%.3000s", s)
	}
	if !strings.Contains(s, `"position":{"base_sha":"`+e.base) || !strings.Contains(s, `"new_line":5,"old_line":2`) {
		t.Errorf("dry run lacks positions:\n%.3000s", s)
	}
	if strings.Contains(s, testToken) {
		t.Error("token in dry-run output")
	}
}

func TestTokenNeverShown(t *testing.T) {
	e := standard(t)
	// An error body that echoes the token on a create (listed in the
	// summary as the rejection reason) and on a read (the returned error).
	e.srv.Inject(fakegitlab.Fault{Method: http.MethodPost, Path: `/discussions$`, Status: 400, Message: "400 Bad request", EchoToken: true})
	if err := e.report(e.reporter(diff.ModeDiffContext, func(o *Options) { o.MaxConcurrency = 1 }), baseFindings()); err != nil {
		t.Fatal(err)
	}
	for _, d := range e.srv.Discussions(mrIID) {
		if strings.Contains(d.Notes[0].Body, testToken) {
			t.Errorf("token in a note:\n%s", d.Notes[0].Body)
		}
	}
	if !strings.Contains(e.summaries()[0], "[REDACTED]") {
		t.Errorf("summary does not show the redacted reason:\n%s", e.summaries()[0])
	}
	e.srv.Inject(fakegitlab.Fault{Method: http.MethodGet, Path: `/versions$`, Status: 401, EchoToken: true})
	err := e.report(e.reporter(diff.ModeDiffContext), baseFindings())
	if err == nil || !errors.Is(err, ErrNoWriteAccess) || !strings.Contains(err.Error(), "[REDACTED]") {
		t.Errorf("err = %v, want a redacted ErrNoWriteAccess", err)
	}
	if strings.Contains(fmt.Sprint(err), testToken) || strings.Contains(e.log.String(), testToken) {
		t.Errorf("token in error or log:\n%v\n%s", err, e.log.String())
	}
	// A token the reporter was not told about is caught by its shape.
	a := &api{}
	if got := a.redact("bad token glcbt-64_AbCdEfGhIjKlMnOpQrStUv given"); strings.Contains(got, "glcbt-64_") {
		t.Errorf("redact = %q", got)
	}
}

func TestChangesFallbackAndNumericProject(t *testing.T) {
	e := standard(t)
	e.srv.DisableDiffsEndpoint()
	cl, err := NewClient(Config{BaseURL: e.srv.URL + "/api/v4", Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	r := NewDiscussions(cl, fmt.Sprint(projectID), mrIID, Options{FilterMode: diff.ModeDiffContext, Retry: RetryPolicy{Clock: e.clock}})
	if err := e.report(r, baseFindings()); err != nil {
		t.Fatal(err)
	}
	if n := len(e.threads()); n != 5 {
		t.Errorf("%d threads via /changes, want 5", n)
	}
	if c := e.srv.Counts(); c.ByOp["mergeRequests/getChanges"] != 1 {
		t.Errorf("ops = %v", c.ByOp)
	}
}

func TestCancelledContext(t *testing.T) {
	e := standard(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fs := baseFindings()
	fs.AssignFingerprints()
	if err := e.reporter(diff.ModeAdded).Report(ctx, &translator.Run{Findings: fs}); err == nil {
		t.Error("no error on a cancelled context")
	}
}

// countLog counts the requests with method whose path ends in suffix,
// faulted ones included.
func countLog(e *env, method, suffix string) int {
	n := 0
	for _, l := range e.srv.Log() {
		if strings.HasPrefix(l, method+" ") && strings.HasSuffix(l, suffix) {
			n++
		}
	}
	return n
}
