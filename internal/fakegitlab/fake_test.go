package fakegitlab

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	gl "gitlab.com/gitlab-org/api/client-go/v2"
)

// patch: line 1 added, lines 2-3 context (old 1-2), line 4 added, old 3 removed.
const patch = "@@ -1,3 +1,4 @@\n+top\n a\n b\n-c\n+d\n"

func setup(t *testing.T) (*Server, *gl.Client) {
	t.Helper()
	s := New(t, 42, "group/sub/app")
	s.Token = "glpat-fake-token-0123456789"
	s.Push(7, Version{BaseSHA: "b", StartSHA: "s", HeadSHA: "h", Diffs: []Diff{{OldPath: "f.txt", NewPath: "f.txt", Diff: patch}}})
	c, err := gl.NewClient(s.Token, gl.WithBaseURL(s.URL+"/api/v4"), gl.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func pos(newLine, oldLine int64) *gl.PositionOptions {
	p := &gl.PositionOptions{PositionType: gl.Ptr("text"), BaseSHA: gl.Ptr("b"), StartSHA: gl.Ptr("s"), HeadSHA: gl.Ptr("h"),
		NewPath: gl.Ptr("f.txt"), OldPath: gl.Ptr("f.txt")}
	if newLine > 0 {
		p.NewLine = gl.Ptr(newLine)
	}
	if oldLine > 0 {
		p.OldLine = gl.Ptr(oldLine)
	}
	return p
}

func TestPositionRule(t *testing.T) {
	s, c := setup(t)
	cases := []struct {
		name     string
		pos      *gl.PositionOptions
		accepted bool
	}{
		{"added line", pos(1, 0), true},
		{"added line 4", pos(4, 0), true},
		{"context with old_line", pos(3, 2), true},
		{"removed line", pos(0, 3), true},
		{"context without old_line", pos(2, 0), false},
		{"context with wrong old_line", pos(2, 2), false},
		{"added with old_line", pos(1, 1), false},
		{"line outside the diff", pos(9, 0), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := c.Discussions.CreateMergeRequestDiscussion("42", 7,
				&gl.CreateMergeRequestDiscussionOptions{Body: gl.Ptr("x"), Position: tc.pos})
			if tc.accepted {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			var er *gl.ErrorResponse
			if !errors.As(err, &er) || er.StatusCode != 400 || !strings.Contains(er.Message, LineCodeError) {
				t.Fatalf("err = %v, want 400 %s", err, LineCodeError)
			}
		})
	}
	wrongSHA := pos(1, 0)
	wrongSHA.HeadSHA = gl.Ptr("other")
	if _, _, err := c.Discussions.CreateMergeRequestDiscussion("42", 7, &gl.CreateMergeRequestDiscussionOptions{Body: gl.Ptr("x"), Position: wrongSHA}); !gl.HasStatusCode(err, 400) {
		t.Errorf("wrong head_sha: err = %v, want 400", err)
	}
	if n := len(s.Discussions(7)); n != 4 {
		t.Errorf("%d discussions, want 4", n)
	}
}

func TestProjectByPathAndPagination(t *testing.T) {
	s, c := setup(t)
	for i := 0; i < 45; i++ {
		s.AddNote(7, "alice", "note")
	}
	ds, resp, err := c.Discussions.ListMergeRequestDiscussions("group/sub/app", 7,
		&gl.ListMergeRequestDiscussionsOptions{ListOptions: gl.ListOptions{Page: 2, PerPage: 20}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 20 || resp.NextPage != 3 || resp.TotalPages != 3 || resp.TotalItems != 45 || resp.PreviousPage != 1 || resp.NextLink == "" {
		t.Errorf("page 2: %d items, next %d, total pages %d, total %d, prev %d, link %q",
			len(ds), resp.NextPage, resp.TotalPages, resp.TotalItems, resp.PreviousPage, resp.NextLink)
	}
	ds, resp, err = c.Discussions.ListMergeRequestDiscussions("42", 7,
		&gl.ListMergeRequestDiscussionsOptions{ListOptions: gl.ListOptions{Page: 3, PerPage: 20}})
	if err != nil || len(ds) != 5 || resp.NextPage != 0 {
		t.Errorf("last page: %d items, next %d, err %v", len(ds), resp.NextPage, err)
	}
	if _, _, err := c.Discussions.ListMergeRequestDiscussions("other/app", 7, nil); !gl.HasStatusCode(err, 404) && !errors.Is(err, gl.ErrNotFound) {
		t.Errorf("unknown project: err = %v, want 404", err)
	}
}

func TestReadOnlyTokenAndFaults(t *testing.T) {
	s, c := setup(t)
	s.SetReadOnly(403)
	if _, _, err := c.Notes.CreateMergeRequestNote("42", 7, &gl.CreateMergeRequestNoteOptions{Body: gl.Ptr("x")}); !gl.HasStatusCode(err, 403) {
		t.Errorf("read-only: err = %v, want 403", err)
	}
	s.SetReadOnly(0)
	s.Inject(Fault{Method: http.MethodGet, Status: 429, RetryAfter: "7", ResetIn: 60e9})
	_, resp, err := c.MergeRequests.GetMergeRequestDiffVersions("42", 7, nil)
	if !gl.HasStatusCode(err, 429) || resp.Header.Get("Retry-After") != "7" || resp.Header.Get("RateLimit-Reset") == "" {
		t.Errorf("429: err = %v", err)
	}
	s.Inject(Fault{Method: http.MethodGet, Status: 500, EchoToken: true})
	_, _, err = c.MergeRequests.GetMergeRequestDiffVersions("42", 7, nil)
	if err == nil || !strings.Contains(err.Error(), s.Token) {
		t.Errorf("echo fault: err = %v, want the token echoed", err)
	}
	bad, _ := gl.NewClient("glpat-wrong-token-0000000000", gl.WithBaseURL(s.URL+"/api/v4"), gl.WithoutRetries())
	if _, _, err := bad.MergeRequests.GetMergeRequestDiffVersions("42", 7, nil); !gl.HasStatusCode(err, 401) {
		t.Errorf("wrong token: err = %v, want 401", err)
	}
	// Only the bot may edit its notes.
	id := s.AddNote(7, "alice", "mine")
	if _, _, err := c.Notes.UpdateMergeRequestNote("42", 7, id, &gl.UpdateMergeRequestNoteOptions{Body: gl.Ptr("x")}); !gl.HasStatusCode(err, 403) {
		t.Errorf("edit someone else's note: err = %v, want 403", err)
	}
	if _, _, err := c.Notes.CreateMergeRequestNote("42", 7, &gl.CreateMergeRequestNoteOptions{Body: gl.Ptr(strings.Repeat("x", MaxNoteBody+1))}); !gl.HasStatusCode(err, 400) {
		t.Errorf("long note: err = %v, want 400", err)
	}
}

func TestContractRejectsBadRequests(t *testing.T) {
	if _, err := contract.Load(); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ method, path, body string }{
		{"GET", "/projects/42/merge_requests/7/discussions?per_page=500", ""},
		{"POST", "/projects/42/merge_requests/7/discussions", `{"position":{"position_type":"text"}}`},
		{"POST", "/projects/42/merge_requests/7/discussions", `{"body":"x","position":{"base_sha":"b","head_sha":"h","start_sha":"s","position_type":"line"}}`},
		{"PUT", "/projects/42/merge_requests/7/discussions/abc", `{}`},
		{"PUT", "/projects/42/merge_requests/7/discussions/abc/notes/1", `{"body":"x","resolved":true}`},
		{"DELETE", "/projects/42/merge_requests/7/notes/1", ""},
	}
	for _, tc := range cases {
		r, _ := http.NewRequest(tc.method, "http://x/api/v4"+tc.path, strings.NewReader(tc.body))
		r.Header.Set("Content-Type", "application/json")
		path, _, _ := strings.Cut(tc.path, "?")
		if _, _, err := validate(r, path, []byte(tc.body)); err == nil {
			t.Errorf("%s %s %s: validated, want an error", tc.method, tc.path, tc.body)
		}
	}
}

func TestDiffsFromGit(t *testing.T) {
	out := "diff --git a/a.txt b/a.txt\nindex 1..2 100644\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-x\n+y\n" +
		"diff --git a/old.tf b/new.tf\nsimilarity index 90%\nrename from old.tf\nrename to new.tf\n" +
		"diff --git a/n.txt b/n.txt\nnew file mode 100644\nindex 0..1\n--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1 @@\n+n\n"
	ds := DiffsFromGit(out)
	if len(ds) != 3 || ds[0].Diff != "@@ -1 +1 @@\n-x\n+y\n" || !ds[1].RenamedFile || ds[1].OldPath != "old.tf" ||
		ds[1].NewPath != "new.tf" || !ds[2].NewFile || ds[2].OldPath != "n.txt" {
		t.Errorf("DiffsFromGit = %+v", ds)
	}
}

func TestIDsPast32Bits(t *testing.T) {
	srv := New(t, 42, "group/app")
	if n := srv.AddNote(1, "alice", "hi"); n <= 1<<32 {
		t.Errorf("note id %d does not exceed 2^32", n)
	}
	old := New(t, 42, "group/app")
	old.SmallIDs = true
	if n := old.AddNote(1, "alice", "hi"); n > 1<<31 {
		t.Errorf("SmallIDs: note id %d", n)
	}
}

func TestReporterRoleCannotResolve(t *testing.T) {
	s, c := setup(t)
	s.Role = RoleReporter
	d, _, err := c.Discussions.CreateMergeRequestDiscussion("42", 7, &gl.CreateMergeRequestDiscussionOptions{Body: gl.Ptr("x"), Position: pos(1, 0)})
	if err != nil {
		t.Fatalf("a Reporter may comment: %v", err)
	}
	if _, _, err := c.Discussions.ResolveMergeRequestDiscussion("42", 7, d.ID, &gl.ResolveMergeRequestDiscussionOptions{Resolved: gl.Ptr(true)}); !gl.HasStatusCode(err, 403) {
		t.Errorf("Reporter resolves: err = %v, want 403", err)
	}
	if s.Discussions(7)[0].Resolved() {
		t.Error("resolved although refused")
	}
	s.Role = RoleDeveloper
	if _, _, err := c.Discussions.ResolveMergeRequestDiscussion("42", 7, d.ID, &gl.ResolveMergeRequestDiscussionOptions{Resolved: gl.Ptr(true)}); err != nil || !s.Discussions(7)[0].Resolved() {
		t.Errorf("Developer resolves: %v", err)
	}
}

// In a merged-results or merge-train pipeline CI_COMMIT_SHA is the merge
// commit GitLab made for the pipeline, which is no version of the merge
// request, while CI_MERGE_REQUEST_SOURCE_BRANCH_SHA is the source head
// (https://docs.gitlab.com/ci/variables/predefined_variables/). The fake
// needs no option for it: a position must name a version's SHAs.
func TestMergedResultsCommitIsNotAVersion(t *testing.T) {
	_, c := setup(t)
	merge := pos(1, 0)
	merge.HeadSHA = gl.Ptr("merge-commit-of-h-into-main")
	if _, _, err := c.Discussions.CreateMergeRequestDiscussion("42", 7, &gl.CreateMergeRequestDiscussionOptions{Body: gl.Ptr("x"), Position: merge}); !gl.HasStatusCode(err, 400) {
		t.Errorf("head_sha = merge commit: err = %v, want 400", err)
	}
	vs, _, err := c.MergeRequests.GetMergeRequestDiffVersions("42", 7, nil)
	if err != nil || len(vs) != 1 || vs[0].HeadCommitSHA != "h" {
		t.Fatalf("versions: %v", err)
	}
	if _, _, err := c.Discussions.CreateMergeRequestDiscussion("42", 7, &gl.CreateMergeRequestDiscussionOptions{Body: gl.Ptr("x"), Position: pos(1, 0)}); err != nil {
		t.Errorf("head_sha = source SHA (head version): %v", err)
	}
}
