package github

import (
	"fmt"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
)

// TestPacingKeepsUnderSecondaryLimits: with the fake enforcing GitHub's
// documented secondary limits (80 content-generating requests a minute,
// 500 an hour), 1,000 findings are posted without one refusal, both with
// the default 30 comments a review and with one comment a review (1,001
// writes: the pacing, not the batching, keeps under the limits).
func TestPacingKeepsUnderSecondaryLimits(t *testing.T) {
	for _, per := range []int{0, 1} {
		t.Run(fmt.Sprintf("comments per review %d", per), func(t *testing.T) {
			e := newEnv(t)
			e.srv.AddPR(fakegithub.PR{Number: 7, Head: "head1", Files: []fakegithub.File{
				{Filename: "big.yaml", Status: "added", Patch: addedPatch(1000)}}})
			e.srv.SecondaryLimits = fakegithub.DocumentedSecondaryLimits
			e.opts.MaxCommentsPerReview = per
			var fs translator.Findings
			for i := 1; i <= 1000; i++ {
				fs = append(fs, find("big.yaml", i, fmt.Sprintf("C%d", i), "finding"))
			}
			start := e.clock.Now()
			if err := e.report(fs); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d writes, %v of (fake) time waited for the limits", e.srv.Counts().Writes, e.clock.Now().Sub(start))
			if h := e.srv.SecondaryHits(); h != 0 {
				t.Errorf("%d requests refused by the secondary limits", h)
			}
			if n := len(e.ours()); n != 1000 {
				t.Errorf("%d comments posted, want 1000", n)
			}
		})
	}
}
