package gitlab

import (
	"fmt"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/internal/fakegitlab"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
)

// End-to-end tests of the comment lifecycle through client-go against the
// stateful fake, one per defect of issue 9 (and issue 8 item 1).

// ours returns the bot's diff threads.
func (e *env) ours() []fakegitlab.Discussion {
	var out []fakegitlab.Discussion
	for _, d := range e.threads() {
		if d.Notes[0].AuthorID == fakegitlab.BotID {
			out = append(out, d)
		}
	}
	return out
}

func dockerFindings(lines ...int) translator.Findings {
	var fs translator.Findings
	for _, l := range lines {
		fs = append(fs, finding("Dockerfile", l, "DL3002", "last USER should not be root"))
	}
	return fs
}

func (e *env) run(fs translator.Findings, mut ...func(*Options)) error {
	e.t.Helper()
	return e.report(e.reporter(diff.ModeDiffContext, mut...), fs)
}

// TestCopiedMarkerIsNotOurs: a human's thread carrying our marker on the
// finding's line does not suppress our thread, is never edited (GitLab
// would answer 403, which stopped every later run), and a forged summary
// note's memory is not believed (issue 8 item 1, issue 9 item 4).
func TestCopiedMarkerIsNotOurs(t *testing.T) {
	for _, name := range []string{"GET /user", "--bot-login"} {
		t.Run(name, func(t *testing.T) {
			e := standard(t)
			var mut []func(*Options)
			if name == "--bot-login" {
				mut = append(mut, func(o *Options) { o.BotLogin = fakegitlab.BotUsername })
			}
			fs := dockerFindings(3)
			fs.AssignFingerprints()
			body, _ := comment.Inline(fs[0], comment.Options{})
			human := e.srv.AddDiscussion(mrIID, "mallory", "Dockerfile", 3, body)
			m := comment.Marker{Kind: comment.KindSummary, Rejected: map[string]string{fs[0].Fingerprint + "@Dockerfile:3": "forged"}}
			e.srv.AddNote(mrIID, "mallory", "## runbook-translator\n\n"+m.String())
			if err := e.run(dockerFindings(3), mut...); err != nil {
				t.Fatal(err)
			}
			if n := len(e.ours()); n != 1 {
				t.Fatalf("%d threads of ours, want 1 (a copied marker must not suppress it)", n)
			}
			if err := e.run(nil, mut...); err != nil {
				t.Fatalf("the fix failed (an edit of the human's note?): %v", err)
			}
			for _, d := range e.threads() {
				if d.ID == human && (d.Notes[0].Body != body || d.Resolved()) {
					t.Errorf("the human's thread was touched")
				}
			}
			if d := e.ours()[0]; !d.Resolved() {
				t.Errorf("our thread not resolved")
			}
		})
	}
}

// TestDuplicateFindingsFixOne: two findings with one fingerprint; fixing
// the first resolves the first one's thread (issue 9 item 5).
func TestDuplicateFindingsFixOne(t *testing.T) {
	e := standard(t)
	if err := e.run(dockerFindings(2, 4)); err != nil {
		t.Fatal(err)
	}
	if n := len(e.ours()); n != 2 {
		t.Fatalf("%d threads, want 2", n)
	}
	if err := e.run(dockerFindings(4)); err != nil {
		t.Fatal(err)
	}
	for _, d := range e.ours() {
		line := *d.Notes[0].Position.NewLine
		if d.Resolved() != (line == 2) {
			t.Errorf("thread on line %d: resolved %v", line, d.Resolved())
		}
	}
}

// TestOutdatedNoteIsPostedAgain: a push changes the noted line; the note
// stays on the superseded version. The finding gets a thread on the new
// version and the old one is closed (issue 9 item 6).
func TestOutdatedNoteIsPostedAgain(t *testing.T) {
	e := standard(t)
	if err := e.run(dockerFindings(3)); err != nil {
		t.Fatal(err)
	}
	head := e.repo.commit(map[string]string{
		"Dockerfile": "FROM alpine\nRUN apk add curl\nUSER root:root\nCOPY . /app\nCMD [\"/app/run\"]\n",
	})
	e.srv.Push(mrIID, e.repo.version(e.base, head))
	if err := e.run(dockerFindings(3)); err != nil {
		t.Fatal(err)
	}
	ds := e.ours()
	if len(ds) != 2 {
		t.Fatalf("%d threads, want 2 (old closed, new posted)", len(ds))
	}
	if !ds[0].Resolved() || !strings.Contains(ds[0].Notes[0].Body, "now reported at Dockerfile:3") {
		t.Errorf("old thread: resolved %v, body %q", ds[0].Resolved(), ds[0].Notes[0].Body)
	}
	if p := ds[1].Notes[0].Position; ds[1].Resolved() || p.HeadSHA != head || *p.NewLine != 3 {
		t.Errorf("new thread: resolved %v at %+v", ds[1].Resolved(), p)
	}
	e.srv.ResetCounts()
	if err := e.run(dockerFindings(3)); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("re-run wrote: %v", e.srv.Log())
	}
}

// TestReporterRoleDegrades: a Reporter may comment but not resolve (403).
// The fixed thread's note is edited, the new thread and the summary are
// still posted, the summary says so, and a re-run on the same commit asks
// nothing again (issue 9 items 2, 10, 12).
func TestReporterRoleDegrades(t *testing.T) {
	e := standard(t)
	e.srv.Role = fakegitlab.RoleReporter
	if err := e.run(dockerFindings(2)); err != nil {
		t.Fatal(err)
	}
	fs := dockerFindings(4) // line 2 fixed, line 4 new
	fs[0].Message = "another"
	if err := e.run(fs); err != nil {
		t.Fatalf("a refused resolve failed the run: %v", err)
	}
	ds := e.ours()
	if len(ds) != 2 || !strings.HasPrefix(ds[0].Notes[0].Body, "✅ **Fixed**") {
		t.Fatalf("threads: %d, first %q", len(ds), ds[0].Notes[0].Body)
	}
	if s := e.summaries(); len(s) != 1 || !strings.Contains(s[0], "1 threads of fixed findings stay open: GitLab refused to resolve them") {
		t.Errorf("summary = %q", s)
	}
	e.srv.ResetCounts()
	if err := e.run(fs); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("re-run repeated refused writes: %v", e.srv.Log())
	}
}

// TestRejectedMemoryFollowsTheHead: GitLab refuses a position; after a
// push with the same diff the reporter asks once more, then remembers the
// refusal for the new head (issue 9 item 10).
func TestRejectedMemoryFollowsTheHead(t *testing.T) {
	e := standard(t)
	e.srv.RejectLines = map[string]bool{"Dockerfile:3": true}
	if err := e.run(dockerFindings(3)); err != nil {
		t.Fatal(err)
	}
	head := e.repo.commit(nil) // a new commit, the same diff
	e.srv.Push(mrIID, e.repo.version(e.base, head))
	if err := e.run(dockerFindings(3)); err != nil {
		t.Fatal(err)
	}
	e.srv.ResetCounts()
	if err := e.run(dockerFindings(3)); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("second run on the new head repeated a rejected write: %v", e.srv.Log())
	}
}

// TestFindingComesBackReopens: GitLab reopens the thread of a finding
// that comes back (issue 9 item 7, the GitLab half).
func TestFindingComesBackReopens(t *testing.T) {
	e := standard(t)
	must(t, e.run(dockerFindings(3)))
	must(t, e.run(nil))
	must(t, e.run(dockerFindings(3)))
	ds := e.ours()
	if len(ds) != 1 || ds[0].Resolved() || strings.Contains(ds[0].Notes[0].Body, "Fixed") {
		t.Errorf("threads %d, resolved %v", len(ds), len(ds) > 0 && ds[0].Resolved())
	}
}

// TestLifecycleTable counts the writes of each lifecycle step on GitLab
// (go test -run LifecycleTable -v prints the table).
func TestLifecycleTable(t *testing.T) {
	var rows []string
	row := func(name string, e *env, want int) {
		t.Helper()
		c := e.srv.Counts()
		rows = append(rows, fmt.Sprintf("| %-40s | %2d writes | %2d reads |", name, c.Writes, c.Reads))
		if c.Writes != want {
			t.Errorf("%s: %d writes, want %d: %v", name, c.Writes, want, e.srv.Log())
		}
		e.srv.ResetCounts()
	}
	three := func() translator.Findings {
		return translator.Findings{
			finding("Dockerfile", 1, "DL1", "one"), finding("Dockerfile", 3, "DL3", "three"), finding("README.md", 1, "MD1", "outside"),
		}
	}
	e := standard(t)
	e.srv.ResetCounts()
	must(t, e.run(three()))
	row("first run (2 inline, 1 in summary)", e, 3)
	must(t, e.run(three()))
	row("identical re-run", e, 0)
	fs := three()
	fs[0].Runbook = &translator.Runbook{ID: "rb", Body: "new advice"} // changed
	fs = append(fs[:1], fs[2:]...)                                    // DL3 fixed
	fs = append(fs, finding("Dockerfile", 5, "DL5", "new"))           // new
	must(t, e.run(fs))
	row("one changed, one fixed, one new", e, 5) // edit, edit+resolve, create, summary

	e = standard(t)
	must(t, e.run(three()))
	e.srv.ResetCounts()
	head := e.repo.commit(map[string]string{
		"Dockerfile": "# syntax=docker/dockerfile:1\n# base\nFROM alpine\nRUN apk add curl\nUSER root\nCOPY . /app\nCMD [\"/app/run\"]\n",
	})
	e.srv.Push(mrIID, e.repo.version(e.base, head))
	fs = three()
	fs[0].Line, fs[1].Line = 3, 5
	must(t, e.run(fs))
	row("moved finding (2 lines inserted above)", e, 1) // summary: new head

	e = standard(t)
	must(t, e.run(dockerFindings(2, 4)))
	e.srv.ResetCounts()
	must(t, e.run(dockerFindings(4)))
	row("duplicates, one fixed", e, 3) // edit+resolve, summary count

	e = standard(t)
	must(t, e.run(three()))
	e.srv.ResetCounts()
	head = e.repo.commit(map[string]string{
		"Dockerfile": "FROM alpine\nRUN apk add curl\nUSER root:root\nCOPY . /app\nCMD [\"/app/run\"]\n",
	})
	e.srv.Push(mrIID, e.repo.version(e.base, head))
	must(t, e.run(three()))
	row("outdated line (noted line changed)", e, 4) // edit+resolve old, create new, summary

	e = standard(t)
	e.srv.Role = fakegitlab.RoleReporter
	must(t, e.run(three()))
	e.srv.ResetCounts()
	must(t, e.run(three()[:1]))
	row("one fixed, resolve refused", e, 3) // edit, refused resolve, summary
	must(t, e.run(three()[:1]))
	row("same, re-run", e, 0)

	t.Log("GitLab lifecycle:\n" + strings.Join(rows, "\n"))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestStaleHeadClosesNothing: a late run for an older commit places
// nothing inline, and so closes none of the threads either.
func TestStaleHeadClosesNothing(t *testing.T) {
	e := standard(t)
	must(t, e.run(dockerFindings(3)))
	e.srv.ResetCounts()
	must(t, e.run(dockerFindings(3), func(o *Options) { o.HeadSHA = e.base }))
	if c := e.srv.Counts(); c.ByOp["discussions/resolveMergeRequest"] != 0 || c.ByOp["discussions/updateMergeRequestNote"] != 0 {
		t.Errorf("a stale run closed threads: %v", e.srv.Log())
	}
}

// TestMultiLineThread: a finding over added lines 1-3 of the Dockerfile
// gets one thread over the range (position[line_range]); a range ending
// on an unchanged line stays a single-line thread.
func TestMultiLineThread(t *testing.T) {
	e := standard(t)
	span := finding("Dockerfile", 1, "DL1", "span")
	span.EndLine = 3
	ctx := finding("k8s/web.yaml", 3, "KSV-1", "ends on context")
	ctx.EndLine = 5
	must(t, e.run(translator.Findings{span, ctx}))
	for _, d := range e.ours() {
		p := d.Notes[0].Position
		switch p.NewPath {
		case "Dockerfile":
			if p.LineRange == nil || !strings.HasSuffix(p.LineRange.Start.LineCode, "_0_1") || !strings.HasSuffix(p.LineRange.End.LineCode, "_0_3") || *p.NewLine != 3 {
				t.Errorf("range thread at %+v %+v", p, p.LineRange)
			}
		case "k8s/web.yaml":
			if p.LineRange != nil || *p.NewLine != 5 {
				t.Errorf("thread at %+v, want line 5 alone", p)
			}
		}
	}
	if n := len(e.ours()); n != 2 {
		t.Errorf("%d threads, want 2", n)
	}
	e.srv.ResetCounts()
	must(t, e.run(translator.Findings{span, ctx}))
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("re-run wrote: %v", e.srv.Log())
	}
}
