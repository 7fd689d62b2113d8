package gitlab

import (
	"fmt"
	"os"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/internal/fakegitlab"
)

// bigMR is a merge request adding big/generated.yaml with n lines.
func bigMR(t *testing.T, n int) *env {
	t.Helper()
	e := &env{t: t, clock: newClock(), repo: newRepo(t)}
	e.srv = fakegitlab.New(t, projectID, projectPath)
	e.srv.Token = testToken
	e.srv.Now = e.clock.Now
	e.base = e.repo.commit(map[string]string{"README.md": "x\n"})
	head := e.repo.commit(map[string]string{"big/generated.yaml": lines("item", n)})
	e.srv.Push(mrIID, e.repo.version(e.base, head))
	return e
}

func bigFindings(n int) translator.Findings {
	fs := make(translator.Findings, 0, n)
	for i := 1; i <= n; i++ {
		fs = append(fs, finding("big/generated.yaml", i, fmt.Sprintf("RULE-%d", i%17), fmt.Sprintf("item %d is wrong", i)))
	}
	return fs
}

// TestMeasureRequests logs the requests of a first run and of an unchanged
// re-run for 1, 100 and 1,000 findings (go test -run Measure -v).
func TestMeasureRequests(t *testing.T) {
	sizes := []int{1, 100, 1000}
	if os.Getenv("MEASURE_10K") != "" {
		sizes = append(sizes, 10000)
	}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, n := range sizes {
		e := bigMR(t, n)
		if err := e.report(e.reporter(diff.ModeAdded), bigFindings(n)); err != nil {
			t.Fatal(err)
		}
		first := e.srv.Counts()
		e.srv.ResetCounts()
		if err := e.report(e.reporter(diff.ModeAdded), bigFindings(n)); err != nil {
			t.Fatal(err)
		}
		rerun := e.srv.Counts()
		if rerun.Writes != 0 || len(e.threads()) != n {
			t.Errorf("%d findings: re-run wrote %d times, %d threads", n, rerun.Writes, len(e.threads()))
		}
		t.Logf("%5d findings: first run %4d reads %4d writes; unchanged re-run %3d reads %d writes (%s); paced waits %s",
			n, first.Reads, first.Writes, rerun.Reads, rerun.Writes, ops(rerun.ByOp), e.clock.total())
	}
}

func ops(m map[string]int) string {
	var s []string
	for _, k := range []string{"mergeRequests/listVersions", "mergeRequests/listDiffs", "discussions/listMergeRequest"} {
		s = append(s, fmt.Sprintf("%s=%d", k[strings.Index(k, "/")+1:], m[k]))
	}
	return strings.Join(s, " ")
}
