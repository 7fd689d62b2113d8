package github

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	gh "github.com/google/go-github/v60/github"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
)

// fakeClock never sleeps; it records the waits and moves time on.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	return nil
}

// addedPatch is the patch of a new file of n lines.
func addedPatch(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "@@ -0,0 +1,%d @@", n)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "\n+line %d", i)
	}
	return b.String()
}

// insertedPatch is the patch of a new file of n lines after k new lines
// were inserted at its top.
func insertedPatch(k, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "@@ -0,0 +1,%d @@", k+n)
	for i := 1; i <= k; i++ {
		fmt.Fprintf(&b, "\n+inserted %d", i)
	}
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "\n+line %d", i)
	}
	return b.String()
}

// tfPatch modifies main.tf: lines 10-12 context, 13 added, 14-16 context.
const tfPatch = "@@ -10,6 +10,7 @@ resource \"aws_s3_bucket\" \"logs\" {\n   a = 1\n   b = 2\n   c = 3\n+  acl = \"public-read\"\n   d = 4\n   e = 5\n   f = 6"

type env struct {
	t     *testing.T
	srv   *fakegithub.Server
	gh    *gh.Client
	clock *fakeClock
	opts  Options
	// head is the analysed commit; "" means head1.
	head string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clock := &fakeClock{now: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}
	srv := fakegithub.New(t, "acme", "infra")
	srv.Now = clock.Now
	srv.AddPR(fakegithub.PR{Number: 7, Head: "head1", Files: []fakegithub.File{
		{Filename: "k8s/web.yaml", Status: "added", Patch: addedPatch(40)},
		{Filename: "main.tf", Status: "modified", Patch: tfPatch},
	}})
	client, err := gh.NewClient(nil).WithEnterpriseURLs(srv.URL+"/", srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, srv: srv, gh: client, clock: clock, opts: Options{Clock: clock}}
}

func (e *env) report(fs translator.Findings) error {
	e.t.Helper()
	fs.Sort()
	fs.AssignFingerprints()
	head := e.head
	if head == "" {
		head = "head1"
	}
	r := NewReviewer(e.gh, "acme", "infra", 7, head, e.opts)
	return r.Report(context.Background(), &translator.Run{Findings: fs, FailLevel: translator.SeverityError})
}

func find(path string, line int, code, msg string) *translator.Finding {
	return &translator.Finding{Tool: "trivy", Code: code, Severity: translator.SeverityError, Message: msg,
		Location: translator.Location{Path: path, Line: line},
		Runbook:  &translator.Runbook{ID: "rb-" + code, Title: "Runbook " + code, Body: "Fix " + code + "."}}
}

func base() translator.Findings {
	ignored := find("k8s/web.yaml", 9, "KSV-9", "ignored one")
	ignored.Suppressed = &translator.Suppression{Reason: "accepted", Expires: "2030-01-01"}
	return translator.Findings{
		find("k8s/web.yaml", 3, "KSV-1", "privileged"),
		find("k8s/web.yaml", 5, "KSV-2", "run as root"),
		find("main.tf", 13, "AVD-AWS-1", "public acl"),
		find("main.tf", 11, "AVD-AWS-2", "context line"), // context: not inline in added mode
		find("other.go", 1, "G1", "not in the PR"),
		ignored,
	}
}

// ours returns the bot's top-level review comments by fingerprint.
func (e *env) ours() map[string]fakegithub.ReviewComment {
	out := map[string]fakegithub.ReviewComment{}
	for _, c := range e.srv.ReviewComments(7) {
		if c.InReplyTo != 0 {
			continue
		}
		m, ok := comment.Parse(c.Body)
		if !ok {
			continue
		}
		if _, dup := out[m.FP]; dup {
			e.t.Errorf("duplicate comment for %s", m.FP)
		}
		out[m.FP] = c
	}
	return out
}

func (e *env) summary() string {
	var body string
	n := 0
	for _, c := range e.srv.IssueComments(7) {
		if m, ok := comment.Parse(c.Body); ok && m.IsSummary() {
			body = c.Body
			n++
		}
	}
	if n > 1 {
		e.t.Errorf("%d summaries, want 1", n)
	}
	return body
}

func TestFirstRunAndUnchangedRerun(t *testing.T) {
	e := newEnv(t)
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	c := e.srv.Counts()
	if c.Writes != 2 || c.ByMethod["POST"] != 2 {
		t.Errorf("first run writes = %+v, want one review and one summary", c)
	}
	ours := e.ours()
	if len(ours) != 3 || len(e.srv.Reviews(7)) != 1 {
		t.Fatalf("%d inline comments in %d reviews, want 3 in 1", len(ours), len(e.srv.Reviews(7)))
	}
	for _, rc := range ours {
		if rc.Side != "RIGHT" || rc.Line == nil || rc.CommitID != "head1" {
			t.Errorf("comment %+v", rc)
		}
	}
	s := e.summary()
	for _, want := range []string{"### Not shown inline (2)", "context line", "not in the PR", "### Ignored (1)", "| 5 | 0 | 0 | 1 | 3 |"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}

	e.srv.ResetCounts()
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("unchanged re-run made %d writes: %v", c.Writes, e.srv.Log())
	}
}

func TestPartialFixResolvesThread(t *testing.T) {
	e := newEnv(t)
	fs := base()
	if err := e.report(fs); err != nil {
		t.Fatal(err)
	}
	before := e.ours()
	e.srv.ResetCounts()
	fixed := base()
	fixed = append(fixed[:1], fixed[2:]...) // KSV-2 fixed
	if err := e.report(fixed); err != nil {
		t.Fatal(err)
	}
	var gone fakegithub.ReviewComment
	for _, rc := range before {
		if strings.Contains(rc.Body, "KSV-2") {
			gone = rc
		}
	}
	if !e.srv.Resolved(gone.ID) {
		t.Error("thread of the fixed finding not resolved")
	}
	after := e.ours()
	m, _ := comment.Parse(after[mustFP(t, gone.Body)].Body)
	if m.State != comment.StateFixed || !strings.Contains(after[m.FP].Body, "~~Runbook KSV-2~~") {
		t.Errorf("fixed comment body:\n%s", after[m.FP].Body)
	}
	c := e.srv.Counts()
	if c.ByMethod["GRAPHQL-MUTATION"] != 1 || c.ByMethod["PATCH"] != 2 || c.ByMethod["POST"] != 0 { // comment and summary edits
		t.Errorf("partial fix counts = %+v", c)
	}
	e.srv.ResetCounts()
	if err := e.report(fixed); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("re-run after fix made writes: %v", e.srv.Log())
	}
}

func mustFP(t *testing.T, body string) string {
	m, ok := comment.Parse(body)
	if !ok {
		t.Fatalf("no marker in %q", body)
	}
	return m.FP
}

func TestHumanReplyKeepsThreadOpen(t *testing.T) {
	e := newEnv(t)
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	var target fakegithub.ReviewComment
	for _, rc := range e.ours() {
		if strings.Contains(rc.Body, "KSV-1") {
			target = rc
		}
	}
	e.srv.Reply(target.ID, "alice", "Is this really a problem?")
	fs := base()[1:] // KSV-1 gone
	if err := e.report(fs); err != nil {
		t.Fatal(err)
	}
	if e.srv.Resolved(target.ID) {
		t.Error("thread with a human reply was resolved")
	}
	if m, _ := comment.Parse(e.ours()[mustFP(t, target.Body)].Body); m.State == comment.StateFixed {
		t.Error("comment with a human reply was edited")
	}
	if s := e.summary(); !strings.Contains(s, "k8s/web.yaml:3: the finding is no longer reported, but the thread stays open") {
		t.Errorf("summary does not note the open thread:\n%s", s)
	}
}

func TestNewPushMovesLines(t *testing.T) {
	e := newEnv(t)
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	// A push inserts 5 lines at the top of web.yaml: findings move by 5,
	// and GitHub moves the comments with their lines.
	e.srv.AddPR(fakegithub.PR{Number: 7, Head: "head2", Files: []fakegithub.File{
		{Filename: "k8s/web.yaml", Status: "added", Patch: insertedPatch(5, 40)},
		{Filename: "main.tf", Status: "modified", Patch: tfPatch},
	}})
	e.head = "head2" // the run for the new head
	fs := base()
	fs[0].Line, fs[1].Line = 8, 10
	e.srv.ResetCounts()
	if err := e.report(fs); err != nil {
		t.Fatal(err)
	}
	// The comments moved with their lines: no inline write. The summary is
	// rewritten once, for its marker's new head (the memory of refused
	// writes holds per commit, issue 9 item 10).
	if c := e.srv.Counts(); c.Writes != 1 || !strings.Contains(strings.Join(e.srv.Log(), " "), "PATCH /repos/acme/infra/issues/comments/") {
		t.Errorf("moved findings: %d writes, want the summary's only: %v", c.Writes, e.srv.Log())
	}
	// The runbook of one finding changes: its comment is edited in place.
	fs = base()
	fs[0].Line, fs[1].Line = 8, 10
	fs[0].Runbook.Body = "Fix KSV-1, new advice."
	e.srv.ResetCounts()
	if err := e.report(fs); err != nil {
		t.Fatal(err)
	}
	c := e.srv.Counts()
	if c.Writes != 1 || c.ByMethod["PATCH"] != 1 {
		t.Errorf("changed runbook: %v", e.srv.Log())
	}
	if n := len(e.ours()); n != 3 {
		t.Errorf("%d inline comments, want 3 (no duplicates)", n)
	}
	found := false
	for _, rc := range e.ours() {
		found = found || strings.Contains(rc.Body, "new advice")
	}
	if !found {
		t.Error("comment not edited")
	}
}

func TestRejectedLinesGoToSummary(t *testing.T) {
	e := newEnv(t)
	e.srv.RejectLines = map[string]bool{"k8s/web.yaml:5": true}
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	if n := len(e.ours()); n != 2 {
		t.Errorf("%d inline comments, want 2", n)
	}
	s := e.summary()
	if !strings.Contains(s, "run as root — rejected by GitHub: Validation Failed: pull\\_request\\_review\\_thread.line must be part of the diff") {
		t.Errorf("summary lacks the rejection:\n%s", s)
	}
	e.srv.ResetCounts()
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("re-run retried a rejected comment: %v", e.srv.Log())
	}
}

func TestRateLimitThenSuccess(t *testing.T) {
	cases := map[string]struct {
		fault fakegithub.Fault
		wait  time.Duration
	}{
		"secondary 403 retry-after": {fakegithub.Fault{Method: "POST", Path: `/reviews$`, Status: 403, Secondary: true, RetryAfter: "30"}, 30 * time.Second},
		"secondary 403 no header":   {fakegithub.Fault{Method: "POST", Path: `/reviews$`, Status: 403, Secondary: true}, time.Minute},
		"429 retry-after":           {fakegithub.Fault{Method: "POST", Path: `/reviews$`, Status: 429, RetryAfter: "7"}, 7 * time.Second},
		"primary exhausted":         {fakegithub.Fault{Method: "GET", Path: `/files$`, Status: 403, PrimaryLimit: true, ResetIn: 20 * time.Second}, 21 * time.Second},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.srv.Inject(c.fault)
			if err := e.report(base()); err != nil {
				t.Fatal(err)
			}
			// Waits of a second or less pace writes (secondaryLimits).
			var waits []time.Duration
			for _, w := range e.clock.waits {
				if w > time.Second {
					waits = append(waits, w)
				}
			}
			if len(waits) != 1 || waits[0] != c.wait {
				t.Errorf("waits = %v, want [%v]", e.clock.waits, c.wait)
			}
			if n := len(e.ours()); n != 3 {
				t.Errorf("%d comments, want 3", n)
			}
		})
	}
	t.Run("too long", func(t *testing.T) {
		e := newEnv(t)
		e.srv.Inject(fakegithub.Fault{Method: "GET", Path: `/files$`, Status: 403, PrimaryLimit: true, ResetIn: time.Hour})
		err := e.report(base())
		if err == nil || !strings.Contains(err.Error(), "over the 2m0s wait limit") || len(e.clock.waits) != 0 {
			t.Errorf("err = %v, waits %v", err, e.clock.waits)
		}
	})
}

func TestServerErrors(t *testing.T) {
	t.Run("reads retried", func(t *testing.T) {
		e := newEnv(t)
		e.srv.Inject(fakegithub.Fault{Method: "GET", Path: `/comments$`, Status: 500, Times: 2})
		e.srv.Inject(fakegithub.Fault{Method: "GET", Path: `/files$`, Reset: true, Times: 2})
		if err := e.report(base()); err != nil {
			t.Fatal(err)
		}
		if n := len(e.ours()); n != 3 {
			t.Errorf("%d comments, want 3", n)
		}
	})
	t.Run("review applied then 502", func(t *testing.T) {
		e := newEnv(t)
		e.srv.Inject(fakegithub.Fault{Method: "POST", Path: `/reviews$`, Status: 502, AfterApply: true})
		if err := e.report(base()); err != nil {
			t.Fatal(err)
		}
		if n := len(e.ours()); n != 3 || len(e.srv.Reviews(7)) != 1 {
			t.Errorf("%d comments in %d reviews, want 3 in 1 (no duplicate)", n, len(e.srv.Reviews(7)))
		}
	})
	t.Run("review not applied, 504", func(t *testing.T) {
		e := newEnv(t)
		e.srv.Inject(fakegithub.Fault{Method: "POST", Path: `/reviews$`, Status: 504})
		if err := e.report(base()); err != nil {
			t.Fatal(err)
		}
		if n := len(e.ours()); n != 3 {
			t.Errorf("%d comments, want 3", n)
		}
	})
	t.Run("retries run out", func(t *testing.T) {
		e := newEnv(t)
		// Reviews, and the single comments tried after them, all fail.
		e.srv.Inject(fakegithub.Fault{Method: "POST", Path: `/pulls/7/(reviews|comments)$`, Status: 502, Times: 100})
		err := e.report(base())
		var np *NotPostedError
		if !errors.As(err, &np) || len(np.Entries) != 3 || !strings.Contains(err.Error(), "k8s/web.yaml:3 trivy KSV-1") {
			t.Fatalf("err = %v", err)
		}
		if s := e.summary(); !strings.Contains(s, "### Not posted (3)") {
			t.Errorf("summary does not list what was not posted:\n%s", s)
		}
		if n := len(e.ours()); n != 0 {
			t.Errorf("%d comments", n)
		}
	})
}

func TestForkHasNoWriteAccess(t *testing.T) {
	for _, status := range []int{403, 404} {
		e := newEnv(t)
		e.srv.SetReadOnly(status)
		err := e.report(base())
		if !errors.Is(err, ErrNoWriteAccess) {
			t.Errorf("%d: err = %v, want ErrNoWriteAccess", status, err)
		}
		if c := e.srv.Counts(); c.Writes != 1 {
			t.Errorf("%d: %d writes, want the one refused", status, c.Writes)
		}
	}
}

func many(n int) (translator.Findings, []fakegithub.File) {
	var fs translator.Findings
	var files []fakegithub.File
	for i := 0; i < (n+3)/4; i++ {
		files = append(files, fakegithub.File{Filename: fmt.Sprintf("k8s/app%04d.yaml", i), Status: "added", Patch: addedPatch(10)})
	}
	for i := 0; i < n; i++ {
		fs = append(fs, find(fmt.Sprintf("k8s/app%04d.yaml", i/4), 1+2*(i%4), fmt.Sprintf("KSV-%d", i%7), fmt.Sprintf("finding %d", i)))
	}
	return fs, files
}

func TestManyFindingsAreBatched(t *testing.T) {
	e := newEnv(t)
	fs, files := many(120)
	e.srv.AddPR(fakegithub.PR{Number: 7, Head: "head1", Files: files})
	if err := e.report(fs); err != nil {
		t.Fatal(err)
	}
	if n, r := len(e.ours()), len(e.srv.Reviews(7)); n != 120 || r != 4 {
		t.Errorf("%d comments in %d reviews, want 120 in 4", n, r)
	}
	// Reviews too large for GitHub (502 above 50 comments) are halved.
	e2 := newEnv(t)
	e2.srv.AddPR(fakegithub.PR{Number: 7, Head: "head1", Files: files})
	e2.srv.MaxReviewComments = 50
	e2.opts.MaxCommentsPerReview = 100
	if err := e2.report(fs); err != nil {
		t.Fatal(err)
	}
	if n := len(e2.ours()); n != 120 {
		t.Errorf("%d comments, want 120", n)
	}
}

func TestHugeBodyIsTruncatedAndAccepted(t *testing.T) {
	e := newEnv(t)
	f := find("k8s/web.yaml", 3, "KSV-1", strings.Repeat("very long message ", 200<<10/18))
	f.Runbook.Body = strings.Repeat("long runbook ", 100<<10/13)
	if err := e.report(translator.Findings{f}); err != nil {
		t.Fatal(err)
	}
	for _, rc := range e.ours() {
		if len([]rune(rc.Body)) > fakegithub.MaxBody || !strings.Contains(rc.Body, "truncated") {
			t.Errorf("body of %d characters", len([]rune(rc.Body)))
		}
		return
	}
	t.Error("no comment posted")
}

func TestDryRun(t *testing.T) {
	e := newEnv(t)
	var out bytes.Buffer
	e.opts.DryRun = &out
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("dry run wrote: %v", e.srv.Log())
	}
	got := out.String()
	if !strings.HasPrefix(got, "POST /repos/acme/infra/pulls/7/reviews\n{\"commit_id\":\"head1\",\"event\":\"COMMENT\",\"comments\":[{\"path\":\"k8s/web.yaml\",\"line\":3,\"side\":\"RIGHT\"") ||
		!strings.Contains(got, "\nPOST /repos/acme/infra/issues/7/comments\n{\"body\":\"## runbook-translator") {
		t.Errorf("dry run output:\n%.600s", got)
	}
}

// TestRequestCounts measures the requests of a first run and of an
// unchanged re-run for 1, 100 and 1,000 findings.
func TestRequestCounts(t *testing.T) {
	sizes := []int{1, 100, 1000}
	if os.Getenv("MEASURE_10K") != "" {
		sizes = append(sizes, 10000)
	}
	for _, n := range sizes {
		e := newEnv(t)
		fs, files := many(n)
		e.srv.AddPR(fakegithub.PR{Number: 7, Head: "head1", Files: files})
		if err := e.report(fs); err != nil {
			t.Fatal(err)
		}
		first := e.srv.Counts()
		e.srv.ResetCounts()
		fs, _ = many(n)
		if err := e.report(fs); err != nil {
			t.Fatal(err)
		}
		again := e.srv.Counts()
		var waited time.Duration
		for _, w := range e.clock.waits {
			waited += w
		}
		t.Logf("%4d findings (%d files): first run %d reads + %d writes; unchanged re-run %d reads + %d writes; paced waits %s",
			n, len(files), first.Reads, first.Writes, again.Reads, again.Writes, waited)
		if again.Writes != 0 {
			t.Errorf("%d findings: re-run wrote %d times", n, again.Writes)
		}
		if want := (n+DefaultMaxCommentsPerReview-1)/DefaultMaxCommentsPerReview + 1; first.Writes != want {
			t.Errorf("%d findings: %d writes, want %d", n, first.Writes, want)
		}
	}
}

func TestGraphQLURL(t *testing.T) {
	dotcom := gh.NewClient(nil)
	if got := graphQLURL(dotcom); got != "https://api.github.com/graphql" {
		t.Errorf("github.com: %s", got)
	}
	ghes, _ := gh.NewClient(nil).WithEnterpriseURLs("https://ghe.example.com/", "https://ghe.example.com/")
	if got := graphQLURL(ghes); got != "https://ghe.example.com/api/graphql" {
		t.Errorf("GHES: %s", got)
	}
}
