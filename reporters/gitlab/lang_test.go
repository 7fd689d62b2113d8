package gitlab

import (
	"context"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/internal/fakegitlab"
)

// TestJapaneseDiffLimitReasons: findings in a file GitLab marks too large
// to show, and in a file past a listing cut at the diff limits (the fake
// sends `diff: ""` with too_large, and real_size "N+" for an overflowing
// version, as https://docs.gitlab.com/api/merge_requests/#list-merge-request-diffs
// and gitlab-org/gitlab#36398 describe), are listed in the summary with
// the reason in the run's language; an English run keeps the English.
func TestJapaneseDiffLimitReasons(t *testing.T) {
	for _, tc := range []struct {
		lang      string
		want, not []string
	}{
		{"ja", []string{"GitLab はこのファイルの差分を大きすぎて表示できないとしています (diff limits)",
			"GitLab の一覧にはこのマージリクエストのファイルが 3 件しかなく"}, []string{"GitLab marks", "GitLab lists only"}},
		{"", []string{"GitLab marks this file's diff too large to show (diff limits): its lines are not known",
			"GitLab lists only 3 files of this merge request (its diff limits; 3+ changed) and this file is not among them"}, []string{"GitLab は", "GitLab の"}},
	} {
		e := standard(t)
		v := e.repo.version(e.base, strings.TrimSpace(e.repo.git("rev-parse", "HEAD")))
		v.Overflow = true
		var kept []fakegitlab.Diff
		for _, d := range v.Diffs {
			if d.NewPath == "Dockerfile" {
				d.TooLarge = true
			}
			if d.NewPath != "new/name.tf" {
				kept = append(kept, d)
			}
		}
		v.Diffs = kept
		e.srv.Push(mrIID, v)
		fs := translator.Findings{
			finding("Dockerfile", 3, "DL3002", "last USER should not be root"),
			finding("new/name.tf", 2, "AVD-AWS-0086", "bucket is public"),
		}
		fs.Sort()
		fs.AssignFingerprints()
		r := e.reporter(diff.ModeDiffContext)
		if err := r.Report(context.Background(), &translator.Run{Findings: fs, FailLevel: translator.SeverityError, Lang: tc.lang}); err != nil {
			t.Fatal(err)
		}
		ss := e.summaries()
		if len(ss) != 1 {
			t.Fatalf("lang %q: %d summaries", tc.lang, len(ss))
		}
		for _, w := range tc.want {
			if !strings.Contains(ss[0], w) {
				t.Errorf("lang %q: summary lacks %q:\n%s", tc.lang, w, ss[0])
			}
		}
		for _, n := range tc.not {
			if strings.Contains(ss[0], n) {
				t.Errorf("lang %q: summary has %q:\n%s", tc.lang, n, ss[0])
			}
		}
		if n := len(e.threads()); n != 0 {
			t.Errorf("lang %q: %d threads, want none", tc.lang, n)
		}
	}
}
