package github

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
)

// TestStalledAPIDoesNotHang: a server that stops answering must not hang
// the reporter. A stalled read is retried; a stalled write is treated as a
// reset: the comments are listed again and nothing is duplicated, whether
// the write was applied or not.
func TestStalledAPIDoesNotHang(t *testing.T) {
	cases := map[string]fakegithub.Fault{
		"read stalls":                 {Method: "GET", Path: `/files$`, Stall: time.Hour},
		"review stalls, not applied":  {Method: "POST", Path: `/reviews$`, Stall: time.Hour},
		"review stalls after applied": {Method: "POST", Path: `/reviews$`, Stall: time.Hour, AfterApply: true},
		"summary stalls after applied": {Method: "POST", Path: `/issues/7/comments$`, Stall: time.Hour,
			AfterApply: true},
		"listing stalls": {Method: "GET", Path: `/pulls/7/comments$`, Stall: time.Hour, Times: 2},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.opts.RequestTimeout = 50 * time.Millisecond
			e.srv.Inject(f)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			fs := base()
			fs.Sort()
			fs.AssignFingerprints()
			r := NewReviewer(e.gh, "acme", "infra", 7, "head1", e.opts)
			if err := r.Report(ctx, &translator.Run{Findings: fs, FailLevel: translator.SeverityError}); err != nil {
				t.Fatalf("report: %v", err)
			}
			if n := len(e.ours()); n != 3 {
				t.Errorf("%d inline comments, want 3", n)
			}
			if e.summary() == "" {
				t.Error("no summary")
			}
		})
	}
	t.Run("every attempt stalls", func(t *testing.T) {
		e := newEnv(t)
		e.opts.RequestTimeout = 20 * time.Millisecond
		e.srv.Inject(fakegithub.Fault{Method: "GET", Path: `/files$`, Stall: time.Hour, Times: 100})
		err := e.report(base())
		if err == nil || !strings.Contains(err.Error(), "no answer in time") || !strings.Contains(err.Error(), "gave up after 5 attempts") {
			t.Errorf("err = %v", err)
		}
	})
}

// TestListingChangesWhilePaging: another user deletes or adds comments
// while the reporter pages through the review comments. Offset pages
// shift; a comment of ours pushed past a page boundary must not be posted
// again.
func TestListingChangesWhilePaging(t *testing.T) {
	for _, mode := range []string{"delete", "add", "delete ours"} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t)
			var humans []int64
			for i := 0; i < 99; i++ {
				humans = append(humans, e.srv.AddReviewComment(7, "octocat", "k8s/web.yaml", 20, "a human remark"))
			}
			if err := e.report(base()); err != nil {
				t.Fatal(err)
			}
			if n := len(e.ours()); n != 3 {
				t.Fatalf("%d comments after the first run", n)
			}
			var once sync.Once
			e.srv.AfterPage = func(path string, n int) {
				if !strings.HasSuffix(path, "/pulls/7/comments") || n != 1 {
					return
				}
				once.Do(func() {
					switch mode {
					case "delete":
						e.srv.DeleteReviewComment(humans[0])
					case "add":
						e.srv.AddReviewComment(7, "octocat", "k8s/web.yaml", 21, "another remark")
					case "delete ours":
						for _, c := range e.ours() {
							e.srv.DeleteReviewComment(c.ID)
							break
						}
					}
				})
			}
			e.srv.ResetCounts()
			if err := e.report(base()); err != nil {
				t.Fatal(err)
			}
			e.ours() // fails the test on a duplicate
			if mode != "delete ours" {
				if w := e.srv.Counts().Writes; w != 0 {
					t.Errorf("unchanged re-run made %d writes: %v", w, e.srv.Log())
				}
			}
			e.srv.AfterPage = nil
			if err := e.report(base()); err != nil {
				t.Fatal(err)
			}
			if n := len(e.ours()); n != 3 {
				t.Errorf("%d comments after a quiet re-run, want 3", n)
			}
		})
	}
}

// TestTokenNeverInErrors: the fake echoes the token in every error
// answer; the reporter built with NewClient never shows it.
func TestTokenNeverInErrors(t *testing.T) {
	const token = "ghs_echoedTokenMustNotLeak0123456789"
	faults := []fakegithub.Fault{
		{Method: "GET", Path: `/files$`, Status: 500, Times: 100},
		{Method: "POST", Path: `/reviews$`, Status: 502, Times: 100},
		{Method: "POST", Path: `/reviews$`, Status: 422},
		{Method: "POST", Path: `/reviews$`, Status: 403, Secondary: true, RetryAfter: "600"},
		{Method: "GET", Path: `/comments$`, Status: 429, RetryAfter: "600"},
		{Method: "POST", Path: `/issues/7/comments$`, Status: 400, Times: 100},
	}
	for _, f := range faults {
		e := newEnv(t)
		e.srv.EchoToken = true
		e.srv.Inject(f)
		client, err := NewClient(Context{Token: Token(token), APIURL: e.srv.URL + "/api/v3"})
		if err != nil {
			t.Fatal(err)
		}
		var log strings.Builder
		e.gh = client
		e.opts.Log = &log
		err = e.report(base())
		all := log.String() + e.summary()
		if err != nil {
			all += err.Error()
		}
		var np *NotPostedError
		if errors.As(err, &np) {
			for _, en := range np.Entries {
				all += en.Reason
			}
		}
		if strings.Contains(all, token) {
			t.Errorf("%+v: the token leaks: %s", f, all)
		}
		if !strings.Contains(all, "[REDACTED]") {
			t.Errorf("%+v: the echoed token was not seen redacted: %s", f, all)
		}
	}
}

// TestSummaryListingShifts: a conversation comment deleted while the
// reporter pages through the issue comments must not make it post a
// second summary.
func TestSummaryListingShifts(t *testing.T) {
	e := newEnv(t)
	var humans []int64
	for i := 0; i < 100; i++ {
		humans = append(humans, e.srv.AddIssueComment(7, "octocat", "a remark"))
	}
	// The summary is the first item of page 2; a deletion after page 1
	// shifts it onto page 1, which was already read.
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	e.srv.AfterPage = func(path string, n int) {
		if strings.HasSuffix(path, "/issues/7/comments") && n == 1 {
			once.Do(func() { e.srv.DeleteIssueComment(humans[0]) })
		}
	}
	e.srv.ResetCounts()
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	e.summary() // fails the test on a second summary
	if w := e.srv.Counts().Writes; w != 0 {
		t.Errorf("unchanged re-run made %d writes: %v", w, e.srv.Log())
	}
}
