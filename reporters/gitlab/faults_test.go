package gitlab

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/internal/fakegitlab"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
)

// byFP counts the bot's threads per fingerprint marker.
func (e *env) byFP() map[string]int {
	out := map[string]int{}
	for _, d := range e.threads() {
		if m, ok := comment.Parse(d.Notes[0].Body); ok {
			out[m.FP]++
		}
	}
	return out
}

func (e *env) noDuplicates() {
	e.t.Helper()
	for fp, n := range e.byFP() {
		if n > 1 {
			e.t.Errorf("%d threads for %s", n, fp)
		}
	}
	if n := len(e.summaries()); n > 1 {
		e.t.Errorf("%d summaries", n)
	}
}

// TestStalledAPIDoesNotHang: a server that stops answering must not hang
// the reporter; a stalled create is treated as a reset and never
// duplicated, whether GitLab applied it or not.
func TestStalledAPIDoesNotHang(t *testing.T) {
	cases := map[string]fakegitlab.Fault{
		"read stalls":                  {Method: http.MethodGet, Path: `/diffs$`, Stall: time.Hour},
		"create stalls, not applied":   {Method: http.MethodPost, Path: `/discussions$`, Stall: time.Hour, Times: 2},
		"create stalls after applied":  {Method: http.MethodPost, Path: `/discussions$`, Stall: time.Hour, AfterApply: true, Times: 2},
		"summary stalls after applied": {Method: http.MethodPost, Path: `/notes$`, Stall: time.Hour, AfterApply: true},
		"listing stalls":               {Method: http.MethodGet, Path: `/discussions$`, Stall: time.Hour, Times: 2},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			e := standard(t)
			e.srv.Inject(f)
			r := e.reporter(diff.ModeDiffContext, func(o *Options) { o.RequestTimeout = 50 * time.Millisecond })
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			fs := baseFindings()
			fs.Sort()
			fs.AssignFingerprints()
			if err := r.Report(ctx, &translator.Run{Findings: fs, FailLevel: translator.SeverityError}); err != nil {
				t.Fatalf("report: %v", err)
			}
			e.noDuplicates()
			if n := len(e.threads()); n != 5 {
				t.Errorf("%d threads, want 5", n)
			}
			if n := len(e.summaries()); n != 1 {
				t.Errorf("%d summaries, want 1", n)
			}
		})
	}
	t.Run("every attempt stalls", func(t *testing.T) {
		e := standard(t)
		e.srv.Inject(fakegitlab.Fault{Method: http.MethodGet, Path: `/versions$`, Stall: time.Hour, Times: 100})
		r := e.reporter(diff.ModeDiffContext, func(o *Options) { o.RequestTimeout = 20 * time.Millisecond })
		err := e.report(r, baseFindings())
		if err == nil || !strings.Contains(err.Error(), "no answer in time") || !strings.Contains(err.Error(), "gave up after 5 attempts") {
			t.Errorf("err = %v", err)
		}
	})
}

// TestListingChangesWhilePaging: another user deletes or adds notes while
// the reporter pages through the discussions. Offset pages shift; a thread
// of ours, or the summary, pushed past a page boundary must not be created
// again.
func TestListingChangesWhilePaging(t *testing.T) {
	for _, mode := range []string{"delete", "add"} {
		t.Run(mode, func(t *testing.T) {
			e := standard(t)
			var humans []int64
			for i := 0; i < 100; i++ {
				humans = append(humans, e.srv.AddNote(mrIID, "alice", "a remark"))
			}
			if err := e.report(e.reporter(diff.ModeDiffContext), baseFindings()); err != nil {
				t.Fatal(err)
			}
			var once sync.Once
			e.srv.AfterPage = func(path string, n int) {
				if !strings.HasSuffix(path, "/discussions") || n != 1 {
					return
				}
				once.Do(func() {
					if mode == "add" {
						e.srv.AddNote(mrIID, "alice", "another remark")
						return
					}
					for _, d := range e.srv.Discussions(mrIID) {
						if d.Notes[0].ID == humans[0] {
							e.srv.DeleteDiscussion(d.ID)
						}
					}
				})
			}
			e.srv.ResetCounts()
			if err := e.report(e.reporter(diff.ModeDiffContext), baseFindings()); err != nil {
				t.Fatal(err)
			}
			e.noDuplicates()
			if w := e.srv.Counts().Writes; w != 0 {
				t.Errorf("unchanged re-run made %d writes: %v", w, e.srv.Log())
			}
		})
	}
}

// TestHalfTheLinesRejected: GitLab refuses every other position with its
// line_code error; the rest are posted, the refused ones are in the
// summary, and a re-run on the same commit writes nothing.
func TestHalfTheLinesRejected(t *testing.T) {
	e := standard(t)
	fs := baseFindings()
	fs.Sort()
	e.srv.RejectLines = map[string]bool{}
	for i, f := range fs {
		if i%2 == 0 {
			e.srv.RejectLines[f.Path+":"+strconv.Itoa(f.Line)] = true
		}
	}
	if err := e.report(e.reporter(diff.ModeDiffContext), fs); err != nil {
		t.Fatal(err)
	}
	e.noDuplicates()
	sum := e.summaries()
	if len(sum) != 1 {
		t.Fatalf("%d summaries", len(sum))
	}
	rejected := strings.Count(sum[0], "rejected by GitLab")
	if rejected == 0 || rejected+len(e.threads()) != 5 {
		t.Errorf("%d threads and %d rejections, want 5 in all:\n%s", len(e.threads()), rejected, sum[0])
	}
	e.srv.ResetCounts()
	if err := e.report(e.reporter(diff.ModeDiffContext), baseFindings()); err != nil {
		t.Fatal(err)
	}
	if w := e.srv.Counts().Writes; w != 0 {
		t.Errorf("re-run made %d writes: %v", w, e.srv.Log())
	}
}

// TestMaxWaitCapsEveryWait: MaxWait caps one wait, the waits before
// listing again after creates with an unknown outcome included.
func TestMaxWaitCapsEveryWait(t *testing.T) {
	e := standard(t)
	e.srv.Inject(fakegitlab.Fault{Method: http.MethodPost, Path: `/discussions$`, Status: 502, Times: 1000})
	e.srv.Inject(fakegitlab.Fault{Method: http.MethodPost, Path: `/notes$`, Status: 502, Times: 1000})
	r := e.reporter(diff.ModeDiffContext, func(o *Options) { o.Retry.MaxWait = 2 * time.Second })
	if err := e.report(r, baseFindings()); err == nil {
		t.Fatal("no error although nothing could be posted")
	}
	e.clock.mu.Lock()
	defer e.clock.mu.Unlock()
	for _, d := range e.clock.slept {
		if d > 2*time.Second {
			t.Errorf("waited %s, over MaxWait 2s (all waits %v)", d, e.clock.slept)
			break
		}
	}
}
