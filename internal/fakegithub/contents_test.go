package fakegithub

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
)

// The repository operations, driven through go-github's own service
// methods: each request must match the contract, and the rules hold.
func TestRepositoryOperations(t *testing.T) {
	srv, gh := newFake(t)
	ctx := context.Background()
	base := srv.SetBranch("main", map[string]string{".github/CODEOWNERS": "* @acme/platform\n", "a.yaml": "x: 1\n"})
	srv.SetCollaborator("alice", "write")
	srv.AddUser("mallory")

	p, _, err := gh.Repositories.GetPermissionLevel(ctx, "acme", "infra", "alice")
	if err != nil || p.GetPermission() != "write" {
		t.Fatalf("alice: %v %v", p, err)
	}
	if p, _, err := gh.Repositories.GetPermissionLevel(ctx, "acme", "infra", "mallory"); err != nil || p.GetPermission() != "none" {
		t.Fatalf("mallory: %v %v", p, err)
	}
	if _, resp, err := gh.Repositories.GetPermissionLevel(ctx, "acme", "infra", "nobody"); err == nil || resp.StatusCode != 404 {
		t.Fatalf("unknown user: %v", err)
	}

	fc, _, _, err := gh.Repositories.GetContents(ctx, "acme", "infra", ".github/CODEOWNERS", &github.RepositoryContentGetOptions{Ref: base})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := fc.GetContent(); s != "* @acme/platform\n" {
		t.Fatalf("content = %q", s)
	}
	if _, _, resp, err := gh.Repositories.GetContents(ctx, "acme", "infra", "missing.yaml", &github.RepositoryContentGetOptions{Ref: "main"}); err == nil || resp.StatusCode != 404 {
		t.Fatalf("missing file: %v", err)
	}

	ref, _, err := gh.Git.GetRef(ctx, "acme", "infra", "heads/main")
	if err != nil || ref.GetObject().GetSHA() != base {
		t.Fatalf("ref: %v %v", ref, err)
	}
	if _, _, err := gh.Git.CreateRef(ctx, "acme", "infra", &github.Reference{Ref: github.String("refs/heads/x/y"), Object: &github.GitObject{SHA: github.String(base)}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := gh.Git.CreateRef(ctx, "acme", "infra", &github.Reference{Ref: github.String("refs/heads/x/y"), Object: &github.GitObject{SHA: github.String(base)}}); err == nil || !strings.Contains(err.Error(), "Reference already exists") {
		t.Fatalf("second ref: %v", err)
	}
	if ref, _, err := gh.Git.GetRef(ctx, "acme", "infra", "heads/x/y"); err != nil || ref.GetObject().GetSHA() != base {
		t.Fatalf("ref with a slash: %v %v", ref, err)
	}

	// A pull request from a branch without commits of its own is refused.
	_, _, err = gh.PullRequests.Create(ctx, "acme", "infra", &github.NewPullRequest{Title: github.String("t"), Head: github.String("x/y"), Base: github.String("main")})
	if err == nil || !strings.Contains(err.Error(), "No commits between") {
		t.Fatalf("empty pull request: %v", err)
	}
	// Updating needs the current blob sha.
	opts := &github.RepositoryContentFileOptions{Message: github.String("m"), Content: []byte("x: 2\n"), Branch: github.String("x/y")}
	var er *github.ErrorResponse
	if _, _, err := gh.Repositories.UpdateFile(ctx, "acme", "infra", "a.yaml", opts); !errors.As(err, &er) || er.Response.StatusCode != 422 {
		t.Fatalf("update without sha: %v", err)
	}
	opts.SHA = github.String(blobSHA([]byte("x: 1\n")))
	if _, _, err := gh.Repositories.UpdateFile(ctx, "acme", "infra", "a.yaml", opts); err != nil {
		t.Fatal(err)
	}
	if b, _ := srv.GetBranch("x/y"); string(b.Files["a.yaml"]) != "x: 2\n" {
		t.Fatalf("branch files = %v", b.Files)
	}
	pr, _, err := gh.PullRequests.Create(ctx, "acme", "infra", &github.NewPullRequest{Title: github.String("t"), Head: github.String("x/y"), Base: github.String("main")})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := gh.PullRequests.Create(ctx, "acme", "infra", &github.NewPullRequest{Title: github.String("t"), Head: github.String("x/y"), Base: github.String("main")}); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second pull request: %v", err)
	}
	prs, _, err := gh.PullRequests.List(ctx, "acme", "infra", &github.PullRequestListOptions{Head: "acme:x/y", State: "open"})
	if err != nil || len(prs) != 1 || prs[0].GetNumber() != pr.GetNumber() {
		t.Fatalf("list = %v %v", prs, err)
	}
	if _, _, err := gh.PullRequests.RequestReviewers(ctx, "acme", "infra", pr.GetNumber(), github.ReviewersRequest{Reviewers: []string{"mallory"}}); err == nil || !strings.Contains(err.Error(), "only be requested from collaborators") {
		t.Fatalf("non-collaborator reviewer: %v", err)
	}
	srv.AddTeam("platform")
	if _, _, err := gh.PullRequests.RequestReviewers(ctx, "acme", "infra", pr.GetNumber(), github.ReviewersRequest{Reviewers: []string{"alice"}, TeamReviewers: []string{"platform"}}); err != nil {
		t.Fatal(err)
	}
	if got := srv.OpenedPulls(); len(got) != 1 || got[0].Reviewers[0] != "alice" || got[0].TeamRevs[0] != "platform" {
		t.Fatalf("opened = %+v", got)
	}
}
