package github

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
)

// End-to-end tests of the comment lifecycle through go-github against the
// stateful fake, one per defect of issue 9 (and issue 8 item 1).

func (e *env) reportAt(head string, fs translator.Findings) error {
	e.t.Helper()
	fs.Sort()
	fs.AssignFingerprints()
	r := NewReviewer(e.gh, "acme", "infra", 7, head, e.opts)
	return r.Report(context.Background(), &translator.Run{Findings: fs, FailLevel: translator.SeverityError})
}

// mine returns the top-level review comments by login, oldest first.
func (e *env) mine(login string) []fakegithub.ReviewComment {
	var out []fakegithub.ReviewComment
	for _, c := range e.srv.ReviewComments(7) {
		if c.InReplyTo == 0 && c.User == login {
			out = append(out, c)
		}
	}
	return out
}

// forged is the exact body our reporter would post for f: anyone can make
// it offline (--dry-run prints it).
func forged(f *translator.Finding) string {
	fs := translator.Findings{f}
	fs.AssignFingerprints()
	body, _ := comment.Inline(f, comment.Options{})
	return body
}

// TestCopiedMarkerIsNotOurs: a human's comment carrying our marker on the
// finding's line neither suppresses our comment nor gets edited when the
// finding goes, and a forged summary's "rejected" memory is not believed
// (issue 8 item 1, issue 9 item 4). For each kind of token the reporter
// finds its own identity the documented way.
func TestCopiedMarkerIsNotOurs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		kind  fakegithub.TokenKind
		login string // --bot-login
		bot   string
	}{
		{"personal access token", fakegithub.TokenPAT, "", fakegithub.BotLogin},
		{"Actions GITHUB_TOKEN", fakegithub.TokenActions, "", fakegithub.ActionsLogin},
		{"GitHub App token", fakegithub.TokenApp, "", fakegithub.AppLogin},
		{"--bot-login", fakegithub.TokenApp, fakegithub.AppLogin, fakegithub.AppLogin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.srv.TokenKind = tc.kind
			e.opts.BotLogin = tc.login
			fs := base()
			target := fs[0] // k8s/web.yaml:3 KSV-1
			body := forged(target)
			human := e.srv.AddReviewComment(7, "mallory", "k8s/web.yaml", 3, body)
			// A forged summary claims GitHub rejected KSV-2 on this commit.
			fs2 := base()
			fs2.AssignFingerprints()
			m := comment.Marker{Kind: comment.KindSummary, SHA: "head1",
				Rejected: map[string]string{fs2[1].Fingerprint + "@k8s/web.yaml:5": "forged"}}
			e.srv.AddIssueComment(7, "mallory", "## runbook-translator\n\n"+m.String())
			if err := e.report(fs); err != nil {
				t.Fatal(err)
			}
			got := e.mine(tc.bot)
			if len(got) != 3 {
				t.Fatalf("%d comments by %s, want 3 (a copied marker must not suppress ours): %v", len(got), tc.bot, e.srv.Log())
			}
			// The finding goes: our comment is resolved, mallory's untouched.
			if err := e.report(base()[1:]); err != nil {
				t.Fatal(err)
			}
			for _, c := range e.srv.ReviewComments(7) {
				if c.ID == human && c.Body != body {
					t.Errorf("the human's comment was edited:\n%s", c.Body)
				}
			}
			if e.srv.Resolved(human) {
				t.Error("the human's thread was resolved")
			}
			fixed := 0
			for _, c := range e.mine(tc.bot) {
				if m, _ := comment.Parse(c.Body); m.State == comment.StateFixed && e.srv.Resolved(c.ID) {
					fixed++
				}
			}
			if fixed != 1 {
				t.Errorf("%d of our comments fixed and resolved, want 1", fixed)
			}
		})
	}
}

// TestDuplicateFindingsFixOne: two findings with one fingerprint (same
// tool, code, message and resource on two lines); fixing the first must
// resolve the first one's thread, not the other (issue 9 item 5).
func TestDuplicateFindingsFixOne(t *testing.T) {
	e := newEnv(t)
	two := func(lines ...int) translator.Findings {
		var fs translator.Findings
		for _, l := range lines {
			fs = append(fs, find("k8s/web.yaml", l, "KSV-1", "privileged"))
		}
		return fs
	}
	if err := e.report(two(3, 20)); err != nil {
		t.Fatal(err)
	}
	cs := e.mine(fakegithub.BotLogin)
	if len(cs) != 2 {
		t.Fatalf("%d comments, want one per finding", len(cs))
	}
	at := map[int]fakegithub.ReviewComment{}
	for _, c := range cs {
		at[*c.Line] = c
	}
	e.srv.ResetCounts()
	if err := e.report(two(20)); err != nil { // the one on line 3 is fixed
		t.Fatal(err)
	}
	if !e.srv.Resolved(at[3].ID) || e.srv.Resolved(at[20].ID) {
		t.Errorf("resolved: line 3 %v, line 20 %v; want the thread of line 3 only", e.srv.Resolved(at[3].ID), e.srv.Resolved(at[20].ID))
	}
	for _, c := range e.mine(fakegithub.BotLogin) {
		m, _ := comment.Parse(c.Body)
		if fixed := m.State == comment.StateFixed; fixed != (c.ID == at[3].ID) {
			t.Errorf("comment on line %d: fixed %v", c.OriginalLine, fixed)
		}
	}
}

// TestOutdatedCommentIsPostedAgain: a push changes the commented line; the
// finding is still reported there. GitHub outdates the old comment (line
// null): the finding gets a live comment where it is now and the old one
// is closed (issue 9 item 6).
func TestOutdatedCommentIsPostedAgain(t *testing.T) {
	e := newEnv(t)
	fs := base()
	if err := e.report(fs); err != nil {
		t.Fatal(err)
	}
	old := e.mine(fakegithub.BotLogin)
	patch := strings.Replace(addedPatch(40), "+line 3\n", "+line 3 changed\n", 1)
	e.srv.AddPR(fakegithub.PR{Number: 7, Head: "head2", Files: []fakegithub.File{
		{Filename: "k8s/web.yaml", Status: "added", Patch: patch},
		{Filename: "main.tf", Status: "modified", Patch: tfPatch},
	}})
	var outdated fakegithub.ReviewComment
	for _, c := range e.mine(fakegithub.BotLogin) {
		if c.Line == nil {
			outdated = c
		}
	}
	if outdated.ID == 0 {
		t.Fatal("the fake did not outdate the comment on the changed line")
	}
	if err := e.reportAt("head2", base()); err != nil {
		t.Fatal(err)
	}
	now := e.mine(fakegithub.BotLogin)
	if len(now) != len(old)+1 {
		t.Fatalf("%d comments, want %d (one posted again)", len(now), len(old)+1)
	}
	last := now[len(now)-1]
	if last.Line == nil || *last.Line != 3 || !strings.Contains(last.Body, "KSV-1") {
		t.Errorf("new comment at %v: %.80s", last.Line, last.Body)
	}
	for _, c := range now {
		if c.ID == outdated.ID {
			if m, _ := comment.Parse(c.Body); m.State != comment.StateFixed || !strings.Contains(c.Body, "now reported at k8s/web.yaml:3") {
				t.Errorf("outdated comment not closed:\n%s", c.Body)
			}
		}
	}
	if !e.srv.Resolved(outdated.ID) {
		t.Error("outdated thread not resolved")
	}
	e.srv.ResetCounts()
	if err := e.reportAt("head2", base()); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("re-run wrote: %v", e.srv.Log())
	}
}

// TestFindingComesBackReopens: a fixed finding comes back at the same
// place; its resolved thread is reopened with unresolveReviewThread and
// its comment shows the finding again (issue 9 item 7).
func TestFindingComesBackReopens(t *testing.T) {
	e := newEnv(t)
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	if err := e.report(base()[1:]); err != nil {
		t.Fatal(err)
	}
	var c fakegithub.ReviewComment
	for _, x := range e.mine(fakegithub.BotLogin) {
		if strings.Contains(x.Body, "Fixed") {
			c = x
		}
	}
	if !e.srv.Resolved(c.ID) {
		t.Fatal("not resolved after the fix")
	}
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	if e.srv.Resolved(c.ID) {
		t.Error("thread of a finding that came back stays resolved")
	}
	for _, x := range e.mine(fakegithub.BotLogin) {
		if x.ID == c.ID && (strings.Contains(x.Body, "Fixed") || !strings.Contains(x.Body, "privileged")) {
			t.Errorf("comment not restored:\n%s", x.Body)
		}
	}
}

// TestResolveRefusedDegrades: the Actions token with pull-requests: write
// but not contents: write may comment but not resolve (GraphQL FORBIDDEN).
// The fixed comment is edited first, the new comment and the summary are
// still posted, the summary says so, and a re-run on the same commit does
// not ask again (issue 9 items 2 and 10).
func TestResolveRefusedDegrades(t *testing.T) {
	e := newEnv(t)
	e.srv.TokenKind = fakegithub.TokenActions
	e.srv.Permissions = map[string]string{"pull-requests": "write"}
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	fs := append(base()[1:], find("k8s/web.yaml", 30, "KSV-30", "new one"))
	if err := e.report(fs); err != nil {
		t.Fatalf("a refused resolve failed the run: %v", err)
	}
	got := e.mine(fakegithub.ActionsLogin)
	if len(got) != 4 {
		t.Errorf("%d comments, want 4 (the new one posted)", len(got))
	}
	fixed := 0
	for _, c := range got {
		if m, _ := comment.Parse(c.Body); m.State == comment.StateFixed {
			fixed++
		}
	}
	if fixed != 1 {
		t.Errorf("%d comments say Fixed, want 1", fixed)
	}
	if s := e.summary(); !strings.Contains(s, "1 threads of fixed findings stay open: GitHub refused to resolve them") {
		t.Errorf("summary does not say the resolve was refused:\n%s", s)
	}
	e.srv.ResetCounts()
	if err := e.report(fs); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("re-run on the same commit repeated refused writes: %v", e.srv.Log())
	}
}

// TestRejectedMemoryFollowsTheHead: GitHub refuses a line; after a push
// (new head, same diff) the reporter asks once more, then remembers the
// refusal for the new head: a second run on it writes nothing
// (issue 9 item 10).
func TestRejectedMemoryFollowsTheHead(t *testing.T) {
	e := newEnv(t)
	e.srv.RejectLines = map[string]bool{"k8s/web.yaml:5": true}
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	e.srv.AddPR(fakegithub.PR{Number: 7, Head: "head2", Files: []fakegithub.File{
		{Filename: "k8s/web.yaml", Status: "added", Patch: addedPatch(40)},
		{Filename: "main.tf", Status: "modified", Patch: tfPatch},
	}})
	if err := e.reportAt("head2", base()); err != nil {
		t.Fatal(err)
	}
	e.srv.ResetCounts()
	if err := e.reportAt("head2", base()); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("second run on head2 repeated a rejected write: %v", e.srv.Log())
	}
}

// TestRejectedReviewIsHalved: one refused line makes GitHub reject the
// whole review; the reporter splits it in halves rather than posting one
// comment per review (issue 9 item 11).
func TestRejectedReviewIsHalved(t *testing.T) {
	e := newEnv(t)
	fs, files := many(30)
	e.srv.AddPR(fakegithub.PR{Number: 7, Head: "head1", Files: files})
	e.srv.RejectLines = map[string]bool{"k8s/app0003.yaml:3": true}
	if err := e.report(fs); err != nil {
		t.Fatal(err)
	}
	if n := len(e.mine(fakegithub.BotLogin)); n != 29 {
		t.Errorf("%d comments, want 29", n)
	}
	if r := len(e.srv.Reviews(7)); r > 10 {
		t.Errorf("%d reviews (one notification each) for 29 comments, want at most 10", r)
	}
}

// TestRefusedReadFallsBack: a 403 on a read (a token that cannot see the
// pull request's files) is ErrNoWriteAccess, so the caller's fallback
// reports the findings (issue 9 item 12); a refused read of the review
// threads only leaves the threads as they are.
func TestRefusedReadFallsBack(t *testing.T) {
	e := newEnv(t)
	e.srv.Inject(fakegithub.Fault{Method: "GET", Path: `/files$`, Status: 403, Message: "Resource not accessible by integration"})
	if err := e.report(base()); !errors.Is(err, ErrNoWriteAccess) {
		t.Errorf("err = %v, want ErrNoWriteAccess", err)
	}

	e = newEnv(t)
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	// viewer is the first GraphQL request; the threads query the second.
	e.srv.Inject(fakegithub.Fault{Method: "POST", Path: `/graphql$`, Skip: 1, Status: 403, Message: "Resource not accessible by integration"})
	if err := e.report(base()[1:]); err != nil {
		t.Fatalf("a refused threads read failed the run: %v", err)
	}
	if s := e.summary(); !strings.Contains(s, "stay open") {
		t.Errorf("summary does not say threads stay open:\n%s", s)
	}
}

// lifecycleCase is one row of the lifecycle table.
type lifecycleCase struct {
	name   string
	writes int
}

// TestLifecycleTable counts the writes of each lifecycle step on GitHub
// (go test -run LifecycleTable -v prints the table).
func TestLifecycleTable(t *testing.T) {
	var rows []string
	row := func(name string, e *env, want int) {
		t.Helper()
		c := e.srv.Counts()
		rows = append(rows, fmt.Sprintf("| %-40s | %2d writes (%v) | %2d reads |", name, c.Writes, writesByKind(c), c.Reads))
		if c.Writes != want {
			t.Errorf("%s: %d writes, want %d: %v", name, c.Writes, want, e.srv.Log())
		}
		e.srv.ResetCounts()
	}
	e := newEnv(t)
	must(t, e.report(base()))
	row("first run (3 inline, 3 in summary)", e, 2)
	must(t, e.report(base()))
	row("identical re-run", e, 0)
	fs := base()
	fs[0].Runbook.Body = "Fix KSV-1, new advice."              // changed
	fs = append(fs[:1], fs[2:]...)                             // KSV-2 fixed
	fs = append(fs, find("k8s/web.yaml", 30, "KSV-30", "new")) // new
	must(t, e.report(fs))
	row("one changed, one fixed, one new", e, 5) // edit, edit+resolve, review, summary

	e = newEnv(t)
	must(t, e.report(base()))
	e.srv.ResetCounts()
	e.srv.AddPR(fakegithub.PR{Number: 7, Head: "head2", Files: []fakegithub.File{
		{Filename: "k8s/web.yaml", Status: "added", Patch: insertedPatch(5, 40)},
		{Filename: "main.tf", Status: "modified", Patch: tfPatch},
	}})
	fs = base()
	fs[0].Line, fs[1].Line = 8, 10
	must(t, e.reportAt("head2", fs))
	row("moved finding (5 lines inserted above)", e, 1) // summary: new head

	e = newEnv(t)
	dup := translator.Findings{find("k8s/web.yaml", 3, "KSV-1", "x"), find("k8s/web.yaml", 20, "KSV-1", "x")}
	must(t, e.report(dup))
	e.srv.ResetCounts()
	must(t, e.report(dup[1:]))
	row("duplicates, one fixed", e, 3) // edit+resolve, summary count

	e = newEnv(t)
	must(t, e.report(base()))
	e.srv.ResetCounts()
	e.srv.AddPR(fakegithub.PR{Number: 7, Head: "head2", Files: []fakegithub.File{
		{Filename: "k8s/web.yaml", Status: "added", Patch: strings.Replace(addedPatch(40), "+line 3\n", "+line 3 changed\n", 1)},
		{Filename: "main.tf", Status: "modified", Patch: tfPatch},
	}})
	must(t, e.reportAt("head2", base()))
	row("outdated line (commented line changed)", e, 4) // edit+resolve old, post new, summary

	e = newEnv(t)
	e.srv.Permissions = map[string]string{"pull-requests": "write"}
	must(t, e.report(base()))
	e.srv.ResetCounts()
	must(t, e.report(base()[1:]))
	row("one fixed, resolve refused", e, 3) // edit, refused resolve, summary
	must(t, e.report(base()[1:]))
	row("same, re-run", e, 0)

	t.Log("GitHub lifecycle:\n" + strings.Join(rows, "\n"))
}

func writesByKind(c fakegithub.Counts) string {
	var s []string
	for _, k := range []string{"POST", "PATCH", "GRAPHQL-MUTATION"} {
		if c.ByMethod[k] > 0 {
			s = append(s, fmt.Sprintf("%s %d", k, c.ByMethod[k]))
		}
	}
	return strings.Join(s, ", ")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestMultiLineComment: a finding over lines 3-6, all shown in one hunk,
// gets one comment over the range (start_line 3, line 6); a range that
// leaves the hunk gets a single-line comment on its anchor.
func TestMultiLineComment(t *testing.T) {
	e := newEnv(t)
	span := find("k8s/web.yaml", 3, "KSV-1", "span")
	span.EndLine = 6
	out := find("main.tf", 12, "AVD-AWS-1", "leaves the hunk")
	out.EndLine = 30
	must(t, e.report(translator.Findings{span, out}))
	for _, c := range e.mine(fakegithub.BotLogin) {
		switch c.Path {
		case "k8s/web.yaml":
			if c.StartLine == nil || *c.StartLine != 3 || *c.Line != 6 {
				t.Errorf("range comment at %v-%v, want 3-6", c.StartLine, *c.Line)
			}
		case "main.tf":
			if c.StartLine != nil || *c.Line != 13 {
				t.Errorf("comment at %v-%v, want line 13 alone", c.StartLine, *c.Line)
			}
		}
	}
	e.srv.ResetCounts()
	must(t, e.report(translator.Findings{span, out}))
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("re-run wrote: %v", e.srv.Log())
	}
}

// TestFileLevelComment: with FileComments, a finding in a changed file on
// a line the diff does not show gets a file-level comment (subject_type
// file); one in a file the pull request does not change stays in the
// summary.
func TestFileLevelComment(t *testing.T) {
	e := newEnv(t)
	e.opts.FileComments = true
	fs := translator.Findings{find("main.tf", 40, "AVD-AWS-9", "far from the hunk"), find("other.go", 1, "G1", "not in the PR")}
	must(t, e.report(fs))
	var file []fakegithub.ReviewComment
	for _, c := range e.mine(fakegithub.BotLogin) {
		if c.SubjectType == "file" {
			file = append(file, c)
		}
	}
	if len(file) != 1 || file[0].Path != "main.tf" || file[0].Line != nil {
		t.Fatalf("file-level comments: %+v", file)
	}
	if s := e.summary(); !strings.Contains(s, "other.go:1") || strings.Contains(s, "main.tf:40") {
		t.Errorf("summary:\n%s", s)
	}
	e.srv.ResetCounts()
	must(t, e.report(translator.Findings{find("main.tf", 40, "AVD-AWS-9", "far from the hunk"), find("other.go", 1, "G1", "not in the PR")}))
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("re-run wrote: %v", e.srv.Log())
	}
	// Fixed: the file-level comment is closed like any other.
	must(t, e.report(translator.Findings{find("other.go", 1, "G1", "not in the PR")}))
	if !e.srv.Resolved(file[0].ID) {
		t.Error("file-level comment of a fixed finding not resolved")
	}
}
