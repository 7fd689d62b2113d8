package main

import (
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
)

// TestRequestChangesFlag drives --request-changes through Main: failing
// findings get the bot's review requesting changes; a run where none
// reach --fail-level dismisses it.
func TestRequestChangesFlag(t *testing.T) {
	fake := fakegithub.New(t, "acme", "shop")
	fake.AddPR(fakegithub.PR{Number: 7, Head: "abc123", Files: []fakegithub.File{addedFile("k8s/node-agent.yaml", 120)}})
	env := githubEnv(t, fake, 7, "abc123")
	input := td + "trivy/config-k8s-shop.json"
	args := []string{"review", "-f", "trivy", input, "-r", "github-pr-review", "--request-changes"}

	if code, _, stderr := runEnv(t, env, args...); code != ExitFindings {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	var requested []fakegithub.Review
	for _, rv := range fake.Reviews(7) {
		if rv.State == "CHANGES_REQUESTED" {
			requested = append(requested, rv)
		}
	}
	if len(requested) != 1 || requested[0].User != fakegithub.BotLogin {
		t.Fatalf("reviews requesting changes: %+v, want one by the bot", requested)
	}

	// Nothing fails at --fail-level none: the review is dismissed.
	if code, _, stderr := runEnv(t, env, append(args, "--fail-level", "none")...); code != ExitOK {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	for _, rv := range fake.Reviews(7) {
		if rv.ID == requested[0].ID && (rv.State != "DISMISSED" || !strings.Contains(rv.DismissMessage, "fail level")) {
			t.Errorf("review after the fix: %s %q, want DISMISSED with a message", rv.State, rv.DismissMessage)
		}
	}
}

// TestRequestChangesRefusedKeepsExitCode: the Actions GITHUB_TOKEN on a
// repository that does not let Actions approve pull requests: GitHub
// refuses the review, the run's exit code is still the findings' one and
// the summary says why.
func TestRequestChangesRefusedKeepsExitCode(t *testing.T) {
	fake := fakegithub.New(t, "acme", "shop")
	fake.TokenKind = fakegithub.TokenActions
	fake.AddPR(fakegithub.PR{Number: 7, Head: "abc123", Files: []fakegithub.File{addedFile("k8s/node-agent.yaml", 120)}})
	code, _, stderr := runEnv(t, githubEnv(t, fake, 7, "abc123"), "review", "-f", "trivy", td+"trivy/config-k8s-shop.json",
		"-r", "github-pr-review", "--request-changes")
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d: %s", code, ExitFindings, stderr)
	}
	var summary string
	for _, c := range fake.IssueComments(7) {
		summary = c.Body
	}
	if !strings.Contains(summary, "not permitted to approve") || !strings.Contains(summary, "Allow GitHub Actions to create and approve pull requests") {
		t.Errorf("summary does not say why no review requests changes:\n%.3000s", summary)
	}
	if len(fake.ReviewComments(7)) == 0 {
		t.Error("no inline comments")
	}
}
