package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
	"github.com/runbook-translator/runbook-translator/internal/fakegitlab"
)

// End-to-end tests of the forge edges of issue 9 (items 8, 9, 13, 14) and
// issue 8 item 11, through Main and the fakes.

// openAPIExamplePatch is the "patch" of the diff-entry example in GitHub's
// OpenAPI description (internal/fakegithub/testdata/contracts/github/
// pr-review.openapi.json, from github/rest-api-description): two hunk
// headers on one line and no lines. It once failed the whole review.
const openAPIExamplePatch = "@@ -132,7 +132,7 @@ module Test @@ -1000,7 +1000,7 @@ module Test"

// withEnv overrides some variables of an environment.
func withEnv(base func(string) string, kv ...string) func(string) string {
	over := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		over[kv[i]] = kv[i+1]
	}
	return func(k string) string {
		if v, ok := over[k]; ok {
			return v
		}
		return base(k)
	}
}

func ghSummary(t *testing.T, fake *fakegithub.Server, pr int) string {
	t.Helper()
	g := &ghRig{t: t, fake: fake}
	st := g.state()
	if len(st.summaries) != 1 {
		t.Fatalf("%d summaries, want 1", len(st.summaries))
	}
	return st.summaries[0]
}

// TestGitHubBadPatchesDegradePerFile (issue 9 item 13): a file whose patch
// cannot be read (GitHub's own OpenAPI example), one GitHub sent without a
// patch (binary or too large) and a renamed file without one each send
// their findings to the summary with the reason; the readable file still
// gets its inline comments. It used to be exit 3 with nothing posted.
func TestGitHubBadPatchesDegradePerFile(t *testing.T) {
	fake := fakegithub.New(t, "acme", "shop")
	fake.AddPR(fakegithub.PR{Number: 7, Head: "abc123", Files: []fakegithub.File{
		addedFile("k8s/node-agent.yaml", 120),
		{Filename: "k8s/catalog.yaml", Status: "modified", Patch: openAPIExamplePatch},
		{Filename: "k8s/storefront.yaml", Status: "modified"},
		{Filename: "k8s/jobs.yaml", Status: "renamed", PreviousFilename: "k8s/old-jobs.yaml"},
	}})
	dir := t.TempDir()
	report := filepath.Join(dir, "all.jsonl")
	code, _, stderr := runEnv(t, githubEnv(t, fake, 7, "abc123"), "review", "-f", "trivy", faultInput,
		"-r", "github-pr-review", "-r", "json="+report, "--fail-level", "none")
	if code != ExitOK {
		t.Fatalf("exit %d, want 0\n%s", code, stderr)
	}
	g := &ghRig{t: t, fake: fake}
	st := g.state()
	if len(st.inline) == 0 {
		t.Fatal("no inline comment on the readable file")
	}
	checkAccounted(t, st, activeFingerprints(t, report), stderr)
	s := ghSummary(t, fake, 7)
	for _, want := range []string{"its patch could not be read", "GitHub sent no patch for this file"} {
		if !strings.Contains(s, want) {
			t.Errorf("the summary does not say %q:\n%.3000s", want, s)
		}
	}
	if !strings.Contains(stderr, "k8s/catalog.yaml: its patch could not be read") {
		t.Errorf("the job log does not name the unreadable file:\n%s", stderr)
	}
}

// TestGitHubCutFileListing (issue 8 item 11, issue 9 item 13): past
// GitHub's 3,000-file listing cap a finding is not "outside the diff": the
// summary says the listing was cut.
func TestGitHubCutFileListing(t *testing.T) {
	fake := fakegithub.New(t, "acme", "shop")
	files := make([]fakegithub.File, 0, 3001)
	for i := 0; i < 3000; i++ {
		files = append(files, fakegithub.File{Filename: fmt.Sprintf("vendor/f%04d.txt", i), Status: "added", Patch: "@@ -0,0 +1 @@\n+x"})
	}
	files = append(files, addedFile("k8s/node-agent.yaml", 120)) // file 3001: not listed
	fake.AddPR(fakegithub.PR{Number: 7, Head: "abc123", Files: files})
	code, _, stderr := runEnv(t, githubEnv(t, fake, 7, "abc123"), "review", "-f", "trivy", faultInput,
		"-r", "github-pr-review", "--fail-level", "none")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	s := ghSummary(t, fake, 7)
	if !strings.Contains(s, "GitHub lists only the first 3000 of the pull request's 3001 changed files") {
		t.Errorf("the summary does not say the listing was cut:\n%.2000s", s)
	}
	if strings.Contains(s, "outside the diff") {
		t.Errorf("a finding past the cut is called outside the diff:\n%.2000s", s)
	}
}

// TestGitHubStaleHead (issue 9 item 9): after a force-push, and for a late
// run on an old commit, nothing is written (no inline comment on the old
// lines, no summary with stale data); the job log says why and holds the
// findings; the exit code is the findings' alone.
func TestGitHubStaleHead(t *testing.T) {
	fake := fakegithub.New(t, "acme", "shop")
	fake.AddPR(fakegithub.PR{Number: 7, Head: "abc123", Files: []fakegithub.File{addedFile("k8s/node-agent.yaml", 120)}})
	args := []string{"review", "-f", "trivy", faultInput, "-r", "github-pr-review", "--fail-level", "none"}
	if code, _, stderr := runEnv(t, githubEnv(t, fake, 7, "abc123"), args...); code != ExitOK {
		t.Fatalf("first run: exit %d\n%s", code, stderr)
	}
	before := ghSummary(t, fake, 7)

	// A force-push while a second job for abc123 still runs.
	fake.ForcePush(7, "def456", []fakegithub.File{addedFile("k8s/node-agent.yaml", 10)})
	for _, c := range []struct {
		name, sha string
		push      func()
	}{
		{"force-push", "abc123", func() {}},
		{"late run after a push", "def456", func() {
			fake.AddPR(fakegithub.PR{Number: 7, Head: "fed789", Files: []fakegithub.File{addedFile("k8s/node-agent.yaml", 120)}})
		}},
	} {
		c.push()
		fake.ResetCounts()
		code, _, stderr := runEnv(t, githubEnv(t, fake, 7, c.sha), args...)
		if code != ExitOK {
			t.Errorf("%s: exit %d, want 0 (a stale run is not a failure)\n%s", c.name, code, stderr)
		}
		if w := fake.Counts().Writes; w != 0 {
			t.Errorf("%s: %d writes for a stale commit, want 0: %v", c.name, w, fake.Log())
		}
		if !strings.Contains(stderr, "not at the analysed commit "+c.sha) || !strings.Contains(stderr, "nothing posted") {
			t.Errorf("%s: the job log does not say why nothing was posted:\n%.2000s", c.name, stderr)
		}
		if !strings.Contains(stderr, "26 errors, 35 warnings, 77 info") {
			t.Errorf("%s: the job log does not hold the findings:\n%.2000s", c.name, stderr)
		}
	}
	if got := ghSummary(t, fake, 7); got != before {
		t.Error("a stale run rewrote the summary")
	}
	// The findings still decide the exit code.
	if code, _, stderr := runEnv(t, githubEnv(t, fake, 7, "abc123"), "review", "-f", "trivy", faultInput, "-r", "github-pr-review"); code != ExitFindings {
		t.Errorf("stale run with failing findings: exit %d, want 1\n%s", code, stderr)
	}
}

// TestForgeFailurePrintsFindings (issue 9 item 14): with only a PR/MR
// reporter, an API failure still leaves every finding in the job log.
func TestForgeFailurePrintsFindings(t *testing.T) {
	for _, forge := range []string{"github", "gitlab"} {
		t.Run(forge, func(t *testing.T) {
			t.Parallel()
			var rig forgeRig
			if forge == "github" {
				g := newGHRig(t)
				g.fake.Inject(fakegithub.Fault{Method: "GET", Path: `/comments$`, Status: 500, Times: 1000})
				rig = g
			} else {
				g := newGLRig(t)
				g.fake.Inject(fakegitlab.Fault{Method: "GET", Path: `/discussions$`, Status: 500, Times: 1000})
				rig = g
			}
			code, stdout, stderr := runChecked(t, rig.env(t.TempDir()), "review", "-f", "trivy", faultInput, "-r", rig.reporter(), "--fail-level", "none")
			if code != ExitReporter {
				t.Errorf("exit %d, want 3\n%s", code, stderr)
			}
			log := stdout + stderr
			if !strings.Contains(log, "did not deliver every finding") || !strings.Contains(log, "26 errors, 35 warnings, 77 info") {
				t.Fatalf("the job log does not hold the findings:\nstdout: %.500s\nstderr: %.2000s", stdout, stderr)
			}
			if n := strings.Count(log, "trivy KSV-"); n != 138 {
				t.Errorf("the job log lists %d findings, want all 138", n)
			}
		})
	}
}

// TestCIRunLogsADigest (issue 9 item 14): in CI a successful run with only
// a PR/MR reporter prints the counts and the most severe findings, bounded.
func TestCIRunLogsADigest(t *testing.T) {
	g := newGHRig(t)
	env := withEnv(g.env(t.TempDir()), "GITHUB_ACTIONS", "true", "CI", "true")
	code, stdout, stderr := runChecked(t, env, "review", "-f", "trivy", faultInput, "-r", "github-pr-review", "--fail-level", "none")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout is not empty: %.300s", stdout)
	}
	if !strings.Contains(stderr, "138 findings: 26 errors, 35 warnings, 77 info, 0 ignored") {
		t.Errorf("no digest in the job log:\n%.2000s", stderr)
	}
	lines := 0
	for _, l := range strings.Split(stderr, "\n") {
		// Errors count critical ones (Counts.Error includes them).
		if strings.HasPrefix(l, "  error") || strings.HasPrefix(l, "  critical") {
			lines++
		}
	}
	if lines != 26 || !strings.Contains(stderr, "... and 88 more") {
		t.Errorf("digest: %d error lines (want all 26 first), or no 'and 88 more':\n%s", lines, stderr)
	}
}

// TestGitLabDiffLimitsDegradePerFile (issue 9 item 13): a diff GitLab marks
// too large, one that cannot be read, and a listing cut at the diff limits
// (real_size "N+") each give the reason in the summary; the readable file
// gets its threads.
func TestGitLabDiffLimitsDegradePerFile(t *testing.T) {
	g := newGLRig(t)
	g.fake.Push(7, fakegitlab.Version{ID: 2, BaseSHA: "base1", StartSHA: "base1", HeadSHA: "head1", Overflow: true,
		Diffs: []fakegitlab.Diff{
			{OldPath: "k8s/node-agent.yaml", NewPath: "k8s/node-agent.yaml", NewFile: true, Diff: addedFile("k8s/node-agent.yaml", 120).Patch},
			{OldPath: "k8s/catalog.yaml", NewPath: "k8s/catalog.yaml", TooLarge: true, Diff: addedFile("k8s/catalog.yaml", 120).Patch},
			{OldPath: "k8s/storefront.yaml", NewPath: "k8s/storefront.yaml", Diff: openAPIExamplePatch},
		}})
	dir := t.TempDir()
	report := filepath.Join(dir, "all.jsonl")
	code, _, stderr := runChecked(t, g.env(dir), "review", "-f", "trivy", faultInput, "-r", g.reporter(), "-r", "json="+report, "--fail-level", "none")
	if code != ExitOK {
		t.Fatalf("exit %d, want 0\n%s", code, stderr)
	}
	st := g.state()
	if len(st.inline) == 0 {
		t.Fatal("no thread on the readable file")
	}
	checkAccounted(t, st, activeFingerprints(t, report), stderr)
	for _, want := range []string{"too large to show", "could not be read", "GitLab lists only 3 files of this merge request"} {
		if !strings.Contains(st.summaries[0], want) {
			t.Errorf("the summary does not say %q:\n%.3000s", want, st.summaries[0])
		}
	}
}

// TestGitLabMergedResultsPipeline (issue 9 item 8): in a merged-results
// pipeline CI_COMMIT_SHA is the merge commit, which is no version of the
// merge request; the threads go on CI_MERGE_REQUEST_SOURCE_BRANCH_SHA. It
// used to post nothing inline ("commits newer than the analysed one").
// When the job scanned the merge commit's tree, the log and the summary
// say so.
func TestGitLabMergedResultsPipeline(t *testing.T) {
	repo, gitT := gitRepo(t)
	source := gitT("rev-parse", "HEAD")
	gitT("commit", "-q", "--allow-empty", "-m", "merge")
	merge := gitT("rev-parse", "HEAD")

	g := newGLRig(t)
	g.fake.Push(7, fakegitlab.Version{ID: 2, BaseSHA: "base1", StartSHA: "base1", HeadSHA: source,
		Diffs: []fakegitlab.Diff{{OldPath: "k8s/node-agent.yaml", NewPath: "k8s/node-agent.yaml", NewFile: true, Diff: addedFile("k8s/node-agent.yaml", 120).Patch}}})
	input, err := filepath.Abs(faultInput)
	if err != nil {
		t.Fatal(err)
	}
	env := withEnv(g.env(""), "CI_COMMIT_SHA", merge, "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", source, "CI_MERGE_REQUEST_EVENT_TYPE", "merged_result")

	for _, checkout := range []string{source, merge} {
		gitT("checkout", "-q", checkout)
		code, _, stderr := runChecked(t, env, "review", "-f", "trivy", input, "-r", g.reporter(), "--base-dir", repo, "--fail-level", "none")
		if code != ExitOK {
			t.Fatalf("checkout %s: exit %d\n%s", checkout, code, stderr)
		}
		st := g.state()
		if len(st.inline) == 0 {
			t.Fatalf("checkout %s: no inline thread in a merged-results pipeline\n%s", checkout, stderr)
		}
		if strings.Contains(st.summaries[0], "newer than the analysed one") {
			t.Errorf("checkout %s: the run was taken for stale", checkout)
		}
		warned := strings.Contains(stderr, "scanned the merge commit "+merge[:12])
		noted := strings.Contains(st.summaries[0], "scanned the merge commit")
		if checkout == merge && (!warned || !noted) {
			t.Errorf("the job scanned the merge commit: warned %t, noted in the summary %t\n%s", warned, noted, stderr)
		}
		if checkout == source && (warned || noted) {
			t.Errorf("the job scanned the source commit, yet a merge-commit warning: %s", stderr)
		}
	}
}

// workflowRunPayload is a workflow_run "completed" payload in the shape
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#workflow_run
// documents (field names and nesting as in octokit/webhooks'
// payload-examples/api.github.com/workflow_run/completed.with-pull-requests.payload.json,
// trimmed to what matters and with this test's values). prs are
// pull_requests[]: empty for a pull request from a fork, as GitHub sends
// it (actions/runner#3444).
func workflowRunPayload(headSHA, headRepo string, prs map[int]string) string {
	type ref struct {
		Ref  string         `json:"ref"`
		SHA  string         `json:"sha"`
		Repo map[string]any `json:"repo"`
	}
	type pr struct {
		URL    string `json:"url"`
		ID     int    `json:"id"`
		Number int    `json:"number"`
		Head   ref    `json:"head"`
		Base   ref    `json:"base"`
	}
	list := []pr{}
	for n, sha := range prs {
		list = append(list, pr{URL: fmt.Sprintf("https://api.github.com/repos/acme/shop/pulls/%d", n), ID: 279147437, Number: n,
			Head: ref{Ref: "changes", SHA: sha, Repo: map[string]any{"id": 186853002, "url": "https://api.github.com/repos/acme/shop", "name": "shop"}},
			Base: ref{Ref: "main", SHA: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", Repo: map[string]any{"id": 186853002, "url": "https://api.github.com/repos/acme/shop", "name": "shop"}}})
	}
	repo := func(full string) map[string]any {
		return map[string]any{"id": 300029405, "full_name": full, "name": full[strings.Index(full, "/")+1:], "fork": full != "acme/shop",
			"url": "https://api.github.com/repos/" + full, "html_url": "https://github.com/" + full}
	}
	ev := map[string]any{
		"action":   "completed",
		"workflow": map[string]any{"id": 2823525, "name": "scan", "path": ".github/workflows/scan.yml", "state": "active"},
		"workflow_run": map[string]any{
			"id": 289782451, "name": "scan", "event": "pull_request", "status": "completed", "conclusion": "success",
			"head_branch": "changes", "head_sha": headSHA,
			"head_commit":     map[string]any{"id": headSHA, "message": "change", "timestamp": "2020-10-05T16:32:07Z"},
			"head_repository": repo(headRepo), "repository": repo("acme/shop"),
			"pull_requests": list,
			"artifacts_url": "https://api.github.com/repos/acme/shop/actions/runs/289782451/artifacts",
		},
		"repository": repo("acme/shop"),
		"sender":     map[string]any{"login": "Codertocat", "id": 15669918, "type": "User"},
	}
	b, _ := json.Marshal(ev)
	return string(b)
}

// TestGitHubWorkflowRunForkPattern: the second stage of the fork pattern
// takes the head commit from workflow_run.head_sha (GITHUB_SHA is the
// default branch there) and the pull request from pull_requests[]; for a
// fork, whose pull_requests is empty, from --pr, checked against the pull
// request's head so that a wrong number posts nothing.
func TestGitHubWorkflowRunForkPattern(t *testing.T) {
	fake := fakegithub.New(t, "acme", "shop")
	fake.AddPR(fakegithub.PR{Number: 7, Head: "abc123", Files: []fakegithub.File{addedFile("k8s/node-agent.yaml", 120)}})
	fake.AddPR(fakegithub.PR{Number: 9, Head: "999999", Files: []fakegithub.File{addedFile("k8s/node-agent.yaml", 120)}})
	envFor := func(payload string) func(string) string {
		ev := filepath.Join(t.TempDir(), "event.json")
		if err := os.WriteFile(ev, []byte(payload), 0o644); err != nil {
			t.Fatal(err)
		}
		return withEnv(githubEnv(t, fake, 0, ""), "GITHUB_EVENT_NAME", "workflow_run", "GITHUB_EVENT_PATH", ev, "GITHUB_SHA", "default-branch-head")
	}
	args := []string{"review", "-f", "trivy", faultInput, "-r", "github-pr-review", "--fail-level", "none"}

	// Same-repository pull request: everything from the payload.
	code, _, stderr := runEnv(t, envFor(workflowRunPayload("abc123", "acme/shop", map[int]string{7: "abc123"})), args...)
	if code != ExitOK {
		t.Fatalf("same-repo: exit %d\n%s", code, stderr)
	}
	if len(fake.ReviewComments(7)) == 0 || fake.ReviewComments(7)[0].CommitID != "abc123" {
		t.Fatalf("same-repo: no inline comment on abc123\n%s", stderr)
	}

	// Fork: no pull_requests; the number comes from the first stage.
	fake.AddPR(fakegithub.PR{Number: 8, Head: "f0f0f0", Files: []fakegithub.File{addedFile("k8s/node-agent.yaml", 120)}})
	fork := envFor(workflowRunPayload("f0f0f0", "mallory/shop", nil))
	code, _, stderr = runEnv(t, fork, args...)
	if code != ExitUsage || !strings.Contains(stderr, "--pr") {
		t.Errorf("fork without --pr: exit %d, want 2 naming --pr\n%s", code, stderr)
	}
	code, _, stderr = runEnv(t, fork, append(args, "--pr", "8")...)
	if code != ExitOK || len(fake.ReviewComments(8)) == 0 {
		t.Fatalf("fork with --pr 8: exit %d, %d comments\n%s", code, len(fake.ReviewComments(8)), stderr)
	}
	// A first stage that names another pull request (its artifact is
	// the fork's to write) posts nothing there.
	fake.ResetCounts()
	code, _, stderr = runEnv(t, fork, append(args, "--pr", "9")...)
	if code != ExitOK || fake.Counts().Writes != 0 || !strings.Contains(stderr, "nothing posted") {
		t.Errorf("fork with a wrong --pr: exit %d, %d writes\n%s", code, fake.Counts().Writes, stderr)
	}
}

// gitRepo makes a repository with one commit and returns it with a git
// runner.
func gitRepo(t *testing.T) (string, func(args ...string) string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	repo := t.TempDir()
	gitT := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	gitT("init", "-q")
	if err := os.WriteFile(filepath.Join(repo, "a.txt"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitT("add", "a.txt")
	gitT("commit", "-qm", "first")
	return repo, gitT
}

// TestGitHubMergeCommitCheckout (issue 9 item 9): on pull_request events
// actions/checkout checks out the merge commit (GITHUB_SHA) by default,
// while comments go on pull_request.head.sha; when the scanned checkout is
// that merge commit, the log and the summary say so.
func TestGitHubMergeCommitCheckout(t *testing.T) {
	repo, gitT := gitRepo(t)
	head := gitT("rev-parse", "HEAD")
	gitT("commit", "-q", "--allow-empty", "-m", "merge")
	merge := gitT("rev-parse", "HEAD")
	input, err := filepath.Abs(faultInput)
	if err != nil {
		t.Fatal(err)
	}
	fake := fakegithub.New(t, "acme", "shop")
	fake.AddPR(fakegithub.PR{Number: 7, Head: head, Files: []fakegithub.File{addedFile("k8s/node-agent.yaml", 120)}})
	env := withEnv(githubEnv(t, fake, 7, head), "GITHUB_SHA", merge)
	for _, checkout := range []string{head, merge} {
		gitT("checkout", "-q", checkout)
		code, _, stderr := runEnv(t, env, "review", "-f", "trivy", input, "-r", "github-pr-review", "--base-dir", repo, "--fail-level", "none")
		if code != ExitOK {
			t.Fatalf("checkout %s: exit %d\n%s", checkout, code, stderr)
		}
		warned := strings.Contains(stderr, "scanned the merge commit "+merge[:12])
		noted := strings.Contains(ghSummary(t, fake, 7), "scanned the merge commit")
		if want := checkout == merge; warned != want || noted != want {
			t.Errorf("checkout of the %s: warned %t, noted %t, want %t\n%s", map[bool]string{true: "merge commit", false: "head"}[want], warned, noted, want, stderr)
		}
	}
}
