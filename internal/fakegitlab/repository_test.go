package fakegitlab

import (
	"strings"
	"testing"

	gl "gitlab.com/gitlab-org/api/client-go/v2"
)

// The repository operations, driven through client-go's service methods:
// each request must match the contract, and the rules hold.
func TestRepositoryOperations(t *testing.T) {
	s, c := setup(t)
	base := s.SetBranch("main", map[string]string{"dir/a.yaml": "x: 1\n"})
	s.SetMember("alice", Developer)
	s.SetMember("bob", 0)

	if m, _, err := c.ProjectMembers.GetInheritedProjectMember(42, UserID("alice")); err != nil || m.AccessLevel != Developer {
		t.Fatalf("alice: %v %v", m, err)
	}
	if _, resp, err := c.ProjectMembers.GetInheritedProjectMember(42, UserID("bob")); err == nil || resp.StatusCode != 404 {
		t.Fatalf("bob: %v", err)
	}
	f, _, err := c.RepositoryFiles.GetFile("group/sub/app", "dir/a.yaml", &gl.GetFileOptions{Ref: gl.Ptr(base)})
	if err != nil || f.Content == "" || f.LastCommitID != base {
		t.Fatalf("file: %+v %v", f, err)
	}
	if _, resp, err := c.RepositoryFiles.GetFile(42, "nope.yaml", &gl.GetFileOptions{Ref: gl.Ptr("main")}); err == nil || resp.StatusCode != 404 {
		t.Fatalf("missing file: %v", err)
	}
	if _, resp, err := c.Branches.GetBranch(42, "x/y"); err == nil || resp.StatusCode != 404 {
		t.Fatalf("missing branch: %v", err)
	}
	upd := func(branch, start, last string) error {
		opt := &gl.CreateCommitOptions{Branch: gl.Ptr(branch), CommitMessage: gl.Ptr("m"), Actions: []*gl.CommitActionOptions{{
			Action: gl.Ptr(gl.FileUpdate), FilePath: gl.Ptr("dir/a.yaml"), Content: gl.Ptr("x: 2\n"), LastCommitID: gl.Ptr(last)}}}
		if start != "" {
			opt.StartSHA = gl.Ptr(start)
		}
		_, _, err := c.Commits.CreateCommit(42, opt)
		return err
	}
	if err := upd("x/y", "", base); err == nil {
		t.Fatal("a commit to a new branch without start_sha was accepted")
	}
	if err := upd("x/y", base, "0000000000000000000000000000000000000000"); err == nil || !strings.Contains(err.Error(), "changed since") {
		t.Fatalf("stale last_commit_id: %v", err)
	}
	if err := upd("x/y", base, base); err != nil {
		t.Fatal(err)
	}
	if b, _, err := c.Branches.GetBranch(42, "x/y"); err != nil || b.Commit.ID == base {
		t.Fatalf("branch: %v %v", b, err)
	}
	mr, _, err := c.MergeRequests.CreateMergeRequest(42, &gl.CreateMergeRequestOptions{Title: gl.Ptr("t"), SourceBranch: gl.Ptr("x/y"), TargetBranch: gl.Ptr("main")})
	if err != nil {
		t.Fatal(err)
	}
	_, resp, err := c.MergeRequests.CreateMergeRequest(42, &gl.CreateMergeRequestOptions{Title: gl.Ptr("t"), SourceBranch: gl.Ptr("x/y"), TargetBranch: gl.Ptr("main")})
	if err == nil || resp.StatusCode != 409 || !strings.Contains(err.Error(), "Another open merge request already exists") {
		t.Fatalf("second merge request: %v", err)
	}
	list, _, err := c.MergeRequests.ListProjectMergeRequests(42, &gl.ListProjectMergeRequestsOptions{SourceBranch: gl.Ptr("x/y"), State: gl.Ptr("opened")})
	if err != nil || len(list) != 1 || list[0].IID != mr.IID {
		t.Fatalf("list: %v %v", list, err)
	}
	us, _, err := c.Users.ListUsers(&gl.ListUsersOptions{Username: gl.Ptr("alice")})
	if err != nil || len(us) != 1 || us[0].ID != UserID("alice") {
		t.Fatalf("users: %v %v", us, err)
	}
	if _, _, err := c.MergeRequests.UpdateMergeRequest(42, mr.IID, &gl.UpdateMergeRequestOptions{ReviewerIDs: &[]int64{UserID("bob")}}); err == nil {
		t.Fatal("a reviewer who is no member was accepted")
	}
	if _, _, err := c.MergeRequests.UpdateMergeRequest(42, mr.IID, &gl.UpdateMergeRequestOptions{ReviewerIDs: &[]int64{UserID("alice")}}); err != nil {
		t.Fatal(err)
	}
	if got := s.OpenedMergeRequests(); len(got) != 1 || len(got[0].ReviewerIDs) != 1 {
		t.Fatalf("opened = %+v", got)
	}
	d := s.AddDiscussion(7, "alice", "f.txt", 1, "first")
	if got, _, err := c.Discussions.GetMergeRequestDiscussion(42, 7, d); err != nil || len(got.Notes) != 1 {
		t.Fatalf("discussion: %v %v", got, err)
	}
	if _, _, err := c.Discussions.AddMergeRequestDiscussionNote(42, 7, d, &gl.AddMergeRequestDiscussionNoteOptions{Body: gl.Ptr("reply")}); err != nil {
		t.Fatal(err)
	}
}
