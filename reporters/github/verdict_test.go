package github

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
)

// reviewsBy returns the reviews of pull request 7 by login with state.
func (e *env) reviewsBy(login, state string) []fakegithub.Review {
	var out []fakegithub.Review
	for _, rv := range e.srv.Reviews(7) {
		if rv.User == login && rv.State == state {
			out = append(out, rv)
		}
	}
	return out
}

func (e *env) summaryBody() string {
	var body string
	for _, c := range e.srv.IssueComments(7) {
		body = c.Body
	}
	return body
}

// TestRequestChangesUntilFixed: with RequestChanges, failing findings get
// one review requesting changes, an identical re-run writes nothing, a
// run with only findings below the fail level dismisses the bot's review
// with a message, and a human's review requesting changes is left alone.
func TestRequestChangesUntilFixed(t *testing.T) {
	e := newEnv(t)
	e.opts.RequestChanges = true
	human := e.srv.AddReview(7, "alice", "CHANGES_REQUESTED")
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	got := e.reviewsBy(fakegithub.BotLogin, "CHANGES_REQUESTED")
	if len(got) != 1 || !strings.Contains(got[0].Body, "fail level") {
		t.Fatalf("reviews requesting changes after run 1 = %+v, want one", got)
	}
	writes := e.srv.Counts().Writes
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	if w := e.srv.Counts().Writes; w != writes {
		t.Errorf("identical re-run made %d writes, want 0", w-writes)
	}
	// Every failing finding fixed: one warning remains.
	warn := find("k8s/web.yaml", 3, "KSV-1", "privileged")
	warn.Severity = translator.SeverityWarning
	if err := e.report(translator.Findings{warn}); err != nil {
		t.Fatal(err)
	}
	if got := e.reviewsBy(fakegithub.BotLogin, "CHANGES_REQUESTED"); len(got) != 0 {
		t.Errorf("bot reviews still requesting changes: %+v", got)
	}
	dis := e.reviewsBy(fakegithub.BotLogin, "DISMISSED")
	if len(dis) != 1 || dis[0].DismissMessage == "" {
		t.Errorf("dismissed bot reviews = %+v, want one with a message", dis)
	}
	for _, rv := range e.srv.Reviews(7) {
		if rv.ID == human && rv.State != "CHANGES_REQUESTED" {
			t.Errorf("the human's review became %s", rv.State)
		}
	}
	// Failing findings again: a new review requests changes.
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	if got := e.reviewsBy(fakegithub.BotLogin, "CHANGES_REQUESTED"); len(got) != 1 {
		t.Errorf("after the findings came back: %d reviews requesting changes, want 1", len(got))
	}
}

// TestNoRequestChangesByDefault: without the option no review approves or
// requests changes.
func TestNoRequestChangesByDefault(t *testing.T) {
	e := newEnv(t)
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	for _, rv := range e.srv.Reviews(7) {
		if rv.State != "COMMENTED" {
			t.Errorf("review %d is %s", rv.ID, rv.State)
		}
	}
}

// TestRequestChangesRefused: GitHub refuses the Actions GITHUB_TOKEN's
// request for changes while the repository does not allow Actions to
// approve pull requests, and any token's on a pull request its user
// opened. The run still succeeds, the comments are posted and the
// summary says what to change.
func TestRequestChangesRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*fakegithub.Server)
		want  string
	}{
		{"Actions token", func(s *fakegithub.Server) { s.TokenKind = fakegithub.TokenActions }, "not permitted to approve"},
		{"own pull request", func(s *fakegithub.Server) { s.ReviewRules.OpenedBy = fakegithub.BotLogin }, "your own pull request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.opts.RequestChanges = true
			tc.setup(e.srv)
			if err := e.report(base()); err != nil {
				t.Fatalf("report: %v", err)
			}
			if len(e.ours()) == 0 {
				t.Error("no inline comments posted")
			}
			sum := e.summaryBody()
			if !strings.Contains(sum, "Could not request changes") || !strings.Contains(sum, tc.want) ||
				!strings.Contains(sum, "Allow GitHub Actions to create and approve pull requests") {
				t.Errorf("summary does not explain the refusal:\n%s", sum)
			}
			for _, rv := range e.srv.Reviews(7) {
				if rv.State == "CHANGES_REQUESTED" {
					t.Errorf("review %d requests changes", rv.ID)
				}
			}
		})
	}
}

// TestRequestChangesActionsAllowed: with the repository setting on, the
// Actions token's review requests changes, and it is dismissed as its own
// (github-actions[bot]) once the findings are fixed.
func TestRequestChangesActionsAllowed(t *testing.T) {
	e := newEnv(t)
	e.opts.RequestChanges = true
	e.srv.TokenKind = fakegithub.TokenActions
	e.srv.ReviewRules.ActionsMayApprove = true
	if err := e.report(base()); err != nil {
		t.Fatal(err)
	}
	if got := e.reviewsBy(fakegithub.ActionsLogin, "CHANGES_REQUESTED"); len(got) != 1 {
		t.Fatalf("%d reviews requesting changes by %s, want 1", len(got), fakegithub.ActionsLogin)
	}
	if err := e.report(nil); err != nil {
		t.Fatal(err)
	}
	if got := e.reviewsBy(fakegithub.ActionsLogin, "DISMISSED"); len(got) != 1 {
		t.Errorf("%d dismissed reviews, want 1", len(got))
	}
}
