package fakegithub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-github/v60/github"
)

const patch = "@@ -1,3 +1,4 @@\n a\n-b\n+B\n+C\n c"

func newFake(t *testing.T) (*Server, *github.Client) {
	srv := New(t, "acme", "infra")
	srv.AddPR(PR{Number: 7, Head: "head1", Files: []File{{Filename: "k8s/web.yaml", Status: "modified", Patch: patch}}})
	gh, err := github.NewClient(nil).WithEnterpriseURLs(srv.URL+"/", srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	return srv, gh
}

// newFakeWithReview is newFake with a review of one comment on line 2.
func newFakeWithReview(t *testing.T) (*Server, *github.Client, context.Context) {
	srv, gh := newFake(t)
	ctx := context.Background()
	if _, _, err := gh.PullRequests.CreateReview(ctx, "acme", "infra", 7, review(2)); err != nil {
		t.Fatal(err)
	}
	return srv, gh, ctx
}

func review(lines ...int) *github.PullRequestReviewRequest {
	rv := &github.PullRequestReviewRequest{CommitID: github.String("head1"), Event: github.String("COMMENT")}
	for _, l := range lines {
		rv.Comments = append(rv.Comments, &github.DraftReviewComment{Path: github.String("k8s/web.yaml"),
			Line: github.Int(l), Side: github.String("RIGHT"), Body: github.String(fmt.Sprintf("on %d", l))})
	}
	return rv
}

func TestReviewRules(t *testing.T) {
	srv, gh := newFake(t)
	ctx := context.Background()
	// Lines 1 (context), 2 and 3 (added), 4 (context) are in the diff.
	if _, _, err := gh.PullRequests.CreateReview(ctx, "acme", "infra", 7, review(1, 2, 3, 4)); err != nil {
		t.Fatalf("valid review: %v", err)
	}
	if n := len(srv.ReviewComments(7)); n != 4 {
		t.Fatalf("%d comments, want 4", n)
	}
	_, resp, err := gh.PullRequests.CreateReview(ctx, "acme", "infra", 7, review(2, 9))
	var er *github.ErrorResponse
	if !errors.As(err, &er) || resp.StatusCode != 422 || !strings.Contains(err.Error(), "pull_request_review_thread.line must be part of the diff") {
		t.Fatalf("line 9: err = %v", err)
	}
	if n := len(srv.ReviewComments(7)); n != 4 {
		t.Errorf("a rejected review must create nothing; %d comments", n)
	}
	rv := review(3)
	rv.Comments[0].StartLine = github.Int(3)
	if _, resp, _ := gh.PullRequests.CreateReview(ctx, "acme", "infra", 7, rv); resp.StatusCode != 422 {
		t.Errorf("start_line == line: status %d, want 422", resp.StatusCode)
	}
	rv = review(3)
	rv.Comments[0].Body = github.String(strings.Repeat("é", MaxBody+1))
	if _, resp, err := gh.PullRequests.CreateReview(ctx, "acme", "infra", 7, rv); resp.StatusCode != 422 || !strings.Contains(err.Error(), "Body is too long") {
		t.Errorf("long body: %v", err)
	}
	srv.MaxReviewComments = 2
	if _, resp, _ := gh.PullRequests.CreateReview(ctx, "acme", "infra", 7, review(1, 2, 3)); resp.StatusCode != 502 {
		t.Errorf("3 comments over a limit of 2: status %d, want 502", resp.StatusCode)
	}
	// A single comment off the diff.
	_, resp, err = gh.PullRequests.CreateComment(ctx, "acme", "infra", 7, &github.PullRequestComment{
		Body: github.String("x"), CommitID: github.String("head1"), Path: github.String("k8s/web.yaml"), Line: github.Int(7), Side: github.String("RIGHT")})
	if resp.StatusCode != 422 || !strings.Contains(err.Error(), "must be part of the diff") {
		t.Errorf("single comment off the diff: %v", err)
	}
}

func TestPaginationAndCounts(t *testing.T) {
	srv, gh := newFake(t)
	var files []File
	for i := 0; i < 250; i++ {
		files = append(files, File{Filename: fmt.Sprintf("f%03d.yaml", i), Status: "added", Patch: "@@ -0,0 +1 @@\n+x"})
	}
	srv.AddPR(PR{Number: 8, Head: "h", Files: files})
	srv.ResetCounts()
	var got []*github.CommitFile
	opts := &github.ListOptions{PerPage: 100}
	pages := 0
	for {
		fs, resp, err := gh.PullRequests.ListFiles(context.Background(), "acme", "infra", 8, opts)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		got = append(got, fs...)
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if len(got) != 250 || pages != 3 || got[249].GetFilename() != "f249.yaml" || got[0].GetPatch() == "" {
		t.Errorf("got %d files in %d pages", len(got), pages)
	}
	wantCounts(t, srv, 3, 0, "GET", 3)
}

// wantCounts checks the reads and writes served since ResetCounts and
// how many were of one method (or GraphQL kind).
func wantCounts(t *testing.T, srv *Server, reads, writes int, method string, n int) {
	t.Helper()
	if c := srv.Counts(); c.Reads != reads || c.Writes != writes || c.ByMethod[method] != n {
		t.Errorf("counts = %+v, want %d reads, %d writes, %d %s", c, reads, writes, n, method)
	}
}

func TestCommentsRepliesAndIssueComments(t *testing.T) {
	srv, gh, ctx := newFakeWithReview(t)
	root := srv.ReviewComments(7)[0]
	srv.Reply(root.ID, "alice", "I disagree")
	cs, _, err := gh.PullRequests.ListComments(ctx, "acme", "infra", 7, &github.PullRequestListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil || len(cs) != 2 {
		t.Fatalf("list comments: %d, %v", len(cs), err)
	}
	if cs[1].GetInReplyTo() != root.ID || cs[1].GetUser().GetLogin() != "alice" || cs[0].GetUser().GetLogin() != BotLogin || cs[0].GetLine() != 2 {
		t.Errorf("comments = %v / %v", cs[0], cs[1])
	}
	if _, _, err := gh.PullRequests.EditComment(ctx, "acme", "infra", root.ID, &github.PullRequestComment{Body: github.String("edited")}); err != nil {
		t.Fatal(err)
	}
	ic, _, err := gh.Issues.CreateComment(ctx, "acme", "infra", 7, &github.IssueComment{Body: github.String("summary")})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := gh.Issues.EditComment(ctx, "acme", "infra", ic.GetID(), &github.IssueComment{Body: github.String("summary 2")}); err != nil {
		t.Fatal(err)
	}
	ics, _, err := gh.Issues.ListComments(ctx, "acme", "infra", 7, nil)
	if err != nil || len(ics) != 1 || ics[0].GetBody() != "summary 2" {
		t.Errorf("issue comments = %v, %v", ics, err)
	}
	// A push that removes line 2 from the diff outdates the comment.
	srv.AddPR(PR{Number: 7, Head: "head2", Files: []File{{Filename: "k8s/web.yaml", Status: "modified", Patch: "@@ -10 +10 @@\n-x\n+y"}}})
	if c := srv.ReviewComments(7)[0]; c.Line != nil || c.OriginalLine != 2 {
		t.Errorf("comment not outdated: line %v original %d", c.Line, c.OriginalLine)
	}
}

func gql(t *testing.T, url, query string, vars map[string]any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGraphQLThreads(t *testing.T) {
	srv, gh := newFake(t)
	if _, _, err := gh.PullRequests.CreateReview(context.Background(), "acme", "infra", 7, review(2, 3)); err != nil {
		t.Fatal(err)
	}
	cs := srv.ReviewComments(7)
	srv.ResetCounts()
	out := gql(t, srv.URL+"/api/graphql", `query($owner:String!,$repo:String!,$number:Int!,$after:String){repository(owner:$owner,name:$repo){pullRequest(number:$number){reviewThreads(first:100,after:$after){pageInfo{hasNextPage endCursor} nodes{id isResolved comments(first:100){nodes{databaseId author{login}}}}}}}}`,
		map[string]any{"owner": "acme", "repo": "infra", "number": 7, "first": 1})
	threads := out["data"].(map[string]any)["repository"].(map[string]any)["pullRequest"].(map[string]any)["reviewThreads"].(map[string]any)
	nodes := threads["nodes"].([]any)
	if len(nodes) != 1 || threads["pageInfo"].(map[string]any)["hasNextPage"] != true {
		t.Fatalf("first page = %v", threads)
	}
	id := nodes[0].(map[string]any)["id"].(string)
	out = gql(t, srv.URL+"/graphql", `mutation($threadId:ID!){resolveReviewThread(input:{threadId:$threadId}){thread{id isResolved}}}`, map[string]any{"threadId": id})
	if out["errors"] != nil || !srv.Resolved(cs[0].ID) || srv.Resolved(cs[1].ID) {
		t.Errorf("resolve: %v", out)
	}
	wantCounts(t, srv, 1, 1, "GRAPHQL-MUTATION", 1)
}

func TestFaults(t *testing.T) {
	srv, gh := newFake(t)
	ctx := context.Background()
	srv.Inject(Fault{Method: "GET", Path: `/pulls/7/files$`, Status: 403, Secondary: true, RetryAfter: "0"})
	_, _, err := gh.PullRequests.ListFiles(ctx, "acme", "infra", 7, nil)
	var abuse *github.AbuseRateLimitError
	if !errors.As(err, &abuse) || abuse.RetryAfter == nil {
		t.Errorf("secondary limit: %T %v", err, err)
	}
	srv.Inject(Fault{Status: 429, Message: "too many"})
	if _, resp, _ := gh.PullRequests.ListFiles(ctx, "acme", "infra", 7, nil); resp.StatusCode != 429 {
		t.Errorf("429 not injected")
	}
	srv.Inject(Fault{Status: 500, Times: 2})
	for i := 0; i < 2; i++ {
		if _, resp, _ := gh.PullRequests.ListFiles(ctx, "acme", "infra", 7, nil); resp.StatusCode != 500 {
			t.Errorf("500 #%d not injected", i)
		}
	}
	if _, _, err := gh.PullRequests.ListFiles(ctx, "acme", "infra", 7, nil); err != nil {
		t.Errorf("fault not cleared: %v", err)
	}
	// Go's transport retries an idempotent request once on a reused
	// connection that closed, so reset twice.
	srv.Inject(Fault{Reset: true, Times: 2})
	if _, _, err := gh.PullRequests.ListFiles(ctx, "acme", "infra", 7, nil); err == nil {
		t.Error("connection reset not injected")
	}
	srv.ClearFaults()
	srv.Inject(Fault{Method: "POST", Status: 502, AfterApply: true})
	if _, resp, _ := gh.PullRequests.CreateReview(ctx, "acme", "infra", 7, review(2)); resp.StatusCode != 502 || len(srv.ReviewComments(7)) != 1 {
		t.Errorf("502 after apply: status %d, %d comments", resp.StatusCode, len(srv.ReviewComments(7)))
	}
	srv.SetReadOnly(403)
	if _, resp, _ := gh.Issues.CreateComment(ctx, "acme", "infra", 7, &github.IssueComment{Body: github.String("x")}); resp.StatusCode != 403 {
		t.Errorf("read-only write: status %d", resp.StatusCode)
	}
	if _, _, err := gh.PullRequests.ListFiles(ctx, "acme", "infra", 7, nil); err != nil {
		t.Errorf("read-only must still read: %v", err)
	}
	// Last: a primary limit makes go-github refuse further calls by itself.
	srv.Inject(Fault{Status: 403, PrimaryLimit: true, ResetIn: 60e9})
	_, _, err = gh.PullRequests.ListFiles(ctx, "acme", "infra", 7, nil)
	var rl *github.RateLimitError
	if !errors.As(err, &rl) || rl.Rate.Remaining != 0 {
		t.Errorf("primary limit: %T %v", err, err)
	}
}

// recorder captures the test failures the fake reports.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestInvalidRequestFailsTheTest(t *testing.T) {
	rec := &recorder{TB: t}
	srv := New(rec, "acme", "infra")
	srv.AddPR(PR{Number: 7, Head: "h", Files: []File{{Filename: "a", Patch: patch}}})
	gh, _ := github.NewClient(nil).WithEnterpriseURLs(srv.URL+"/", srv.URL+"/")
	rv := review(2)
	rv.Event = github.String("SHOUT") // not in the enum
	_, resp, _ := gh.PullRequests.CreateReview(context.Background(), "acme", "infra", 7, rv)
	if resp.StatusCode != 400 || len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "does not match the GitHub OpenAPI description") {
		t.Errorf("status %d, recorded %q", resp.StatusCode, rec.errs)
	}
	rec.errs = nil
	req, _ := http.NewRequest("GET", srv.URL+"/repos/acme/infra/no-such-thing", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
	if len(rec.errs) != 1 {
		t.Errorf("unknown path recorded %q", rec.errs)
	}
}

func TestCheckRuns(t *testing.T) {
	srv, gh := newFake(t)
	ctx := context.Background()
	ann := func(n int) []*github.CheckRunAnnotation {
		var out []*github.CheckRunAnnotation
		for i := 1; i <= n; i++ {
			out = append(out, &github.CheckRunAnnotation{Path: github.String("a"), StartLine: github.Int(i), EndLine: github.Int(i),
				AnnotationLevel: github.String("warning"), Message: github.String("m")})
		}
		return out
	}
	cr, _, err := gh.Checks.CreateCheckRun(ctx, "acme", "infra", github.CreateCheckRunOptions{Name: "rt", HeadSHA: "head1",
		Output: &github.CheckRunOutput{Title: github.String("t"), Summary: github.String("s"), Annotations: ann(50)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := gh.Checks.UpdateCheckRun(ctx, "acme", "infra", cr.GetID(), github.UpdateCheckRunOptions{Name: "rt",
		Conclusion: github.String("failure"), Output: &github.CheckRunOutput{Title: github.String("t"), Summary: github.String("s"), Annotations: ann(3)}}); err != nil {
		t.Fatal(err)
	}
	runs := srv.CheckRuns()
	if len(runs) != 1 || len(runs[0].Annotations) != 53 || runs[0].Conclusion != "failure" {
		t.Errorf("check runs = %+v", runs)
	}
	list, _, err := gh.Checks.ListCheckRunsForRef(ctx, "acme", "infra", "head1", nil)
	if err != nil || list.GetTotal() != 1 {
		t.Errorf("list for ref: %v, %v", list, err)
	}
}

func TestIDsPast32BitsAndGraphQLIDs(t *testing.T) {
	srv, gh, ctx := newFakeWithReview(t)
	c := srv.ReviewComments(7)[0]
	if c.ID <= 1<<32 {
		t.Fatalf("comment id %d does not exceed 2^32", c.ID)
	}
	ask := func(query string) (map[string]any, []any) {
		req, _ := gh.NewRequest("POST", srv.URL+"/api/graphql", map[string]any{"query": query,
			"variables": map[string]any{"owner": "acme", "repo": "infra", "number": 7}})
		var out struct {
			Data   map[string]any `json:"data"`
			Errors []any          `json:"errors"`
		}
		if _, err := gh.Do(ctx, req, &out); err != nil {
			t.Fatal(err)
		}
		return out.Data, out.Errors
	}
	comment := func(d map[string]any) map[string]any {
		th := d["repository"].(map[string]any)["pullRequest"].(map[string]any)["reviewThreads"].(map[string]any)["nodes"].([]any)[0]
		return th.(map[string]any)["comments"].(map[string]any)["nodes"].([]any)[0].(map[string]any)
	}
	d, errs := ask(`query($owner:String!,$repo:String!,$number:Int!){repository(owner:$owner,name:$repo){pullRequest(number:$number){reviewThreads(first:100){nodes{id comments(first:1){nodes{databaseId}}}}}}}`)
	if len(errs) != 1 || comment(d)["databaseId"] != nil || !strings.Contains(fmt.Sprint(errs[0]), "32-bit") {
		t.Errorf("databaseId past 2^31: errors %v, node %v; want null and a 32-bit error", errs, comment(d))
	}
	d, errs = ask(`query($owner:String!,$repo:String!,$number:Int!){repository(owner:$owner,name:$repo){pullRequest(number:$number){reviewThreads(first:100){nodes{id comments(first:1){nodes{id fullDatabaseId}}}}}}}`)
	if len(errs) != 0 || comment(d)["fullDatabaseId"] != fmt.Sprint(c.ID) || comment(d)["id"] != fmt.Sprintf("PRRC_%d", c.ID) {
		t.Errorf("fullDatabaseId: errors %v, node %v", errs, comment(d))
	}
}

func TestActionsTokenAndPermissions(t *testing.T) {
	srv, gh := newFake(t)
	ctx := context.Background()
	if u, _, err := gh.Users.Get(ctx, ""); err != nil || u.GetLogin() != BotLogin {
		t.Fatalf("PAT: GET /user = %v, %v", u.GetLogin(), err)
	}
	srv.TokenKind = TokenActions
	srv.Permissions = map[string]string{"pull-requests": "write"}
	if _, resp, err := gh.Users.Get(ctx, ""); resp == nil || resp.StatusCode != 403 || !strings.Contains(err.Error(), "Resource not accessible by integration") {
		t.Errorf("Actions token: GET /user err = %v", err)
	}
	if _, _, err := gh.PullRequests.CreateReview(ctx, "acme", "infra", 7, review(2)); err != nil {
		t.Fatal(err)
	}
	c := srv.ReviewComments(7)[0]
	if c.User != ActionsLogin {
		t.Errorf("author %q, want %q", c.User, ActionsLogin)
	}
	mutate := func(op string) []any {
		req, _ := gh.NewRequest("POST", srv.URL+"/api/graphql", map[string]any{
			"query":     "mutation($threadId:ID!){" + op + "(input:{threadId:$threadId}){thread{id isResolved}}}",
			"variables": map[string]any{"threadId": fmt.Sprintf("PRRT_%d", c.ID)}})
		var out struct{ Errors []any }
		resp, err := gh.Do(ctx, req, &out)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v", op, err)
		}
		return out.Errors
	}
	if errs := mutate("resolveReviewThread"); len(errs) != 1 || !strings.Contains(fmt.Sprint(errs), "FORBIDDEN") || srv.Resolved(c.ID) {
		t.Errorf("resolve without contents: write: errors %v, resolved %v", errs, srv.Resolved(c.ID))
	}
	srv.Permissions["contents"] = "write"
	if errs := mutate("resolveReviewThread"); len(errs) != 0 || !srv.Resolved(c.ID) {
		t.Errorf("resolve with contents: write: %v", errs)
	}
	if errs := mutate("unresolveReviewThread"); len(errs) != 0 || srv.Resolved(c.ID) {
		t.Errorf("unresolve: %v, resolved %v", errs, srv.Resolved(c.ID))
	}
}

func TestForcePushOutdatesAndRefusesOldCommit(t *testing.T) {
	srv, gh := newFake(t)
	ctx := context.Background()
	if _, _, err := gh.PullRequests.CreateReview(ctx, "acme", "infra", 7, review(1, 3)); err != nil {
		t.Fatal(err)
	}
	// Line 3 leaves the diff; line 1 stays.
	srv.ForcePush(7, "head2", []File{{Filename: "k8s/web.yaml", Status: "modified", Patch: "@@ -1,2 +1,2 @@\n a\n-b\n+B"}})
	cs, _, err := gh.PullRequests.ListComments(ctx, "acme", "infra", 7, nil)
	if err != nil || len(cs) != 2 {
		t.Fatalf("list: %d, %v", len(cs), err)
	}
	for _, c := range cs {
		switch c.GetOriginalLine() {
		case 1:
			if c.Line == nil {
				t.Errorf("line 1 still in the diff but outdated")
			}
		case 3:
			if c.Line != nil || c.Position != nil {
				t.Errorf("line 3 left the diff: line %v position %v, want null", c.Line, c.Position)
			}
		}
	}
	_, resp, err := gh.PullRequests.CreateReview(ctx, "acme", "infra", 7, review(1))
	if resp == nil || resp.StatusCode != 422 || !strings.Contains(err.Error(), "not part of the pull request") {
		t.Errorf("review on the force-pushed-away head1: %v", err)
	}
	_, resp, err = gh.PullRequests.CreateComment(ctx, "acme", "infra", 7, &github.PullRequestComment{Body: github.String("x"),
		CommitID: github.String("head1"), Path: github.String("k8s/web.yaml"), Line: github.Int(1), Side: github.String("RIGHT")})
	if resp == nil || resp.StatusCode != 422 || !strings.Contains(err.Error(), "commit_id is not part of the pull request") {
		t.Errorf("comment on head1: %v", err)
	}
	rv := review(1)
	rv.CommitID = github.String("head2")
	if _, _, err := gh.PullRequests.CreateReview(ctx, "acme", "infra", 7, rv); err != nil {
		t.Errorf("review on the new head: %v", err)
	}
}

// Getting, editing and deleting one comment answer alike for review and
// conversation comments: 404 for an unknown id, 422 for a body over
// MaxBody (the comment keeps its text), 204 on delete, then 404.
func TestOneCommentGetEditDelete(t *testing.T) {
	srv, gh, ctx := newFakeWithReview(t)
	ic, _, err := gh.Issues.CreateComment(ctx, "acme", "infra", 7, &github.IssueComment{Body: github.String("summary")})
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+"/repos/acme/infra/"+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var c struct{ Body string }
		_ = json.NewDecoder(resp.Body).Decode(&c)
		return resp.StatusCode, c.Body
	}
	long, _ := json.Marshal(map[string]string{"body": strings.Repeat("x", MaxBody+1)})
	for _, k := range []struct{ path, want string }{
		{fmt.Sprintf("pulls/comments/%d", srv.ReviewComments(7)[0].ID), "on 2"},
		{fmt.Sprintf("issues/comments/%d", ic.GetID()), "summary"},
	} {
		if st, _ := call("GET", k.path+"000", ""); st != 404 {
			t.Errorf("%s000: status %d, want 404", k.path, st)
		}
		if st, _ := call("PATCH", k.path, string(long)); st != 422 {
			t.Errorf("%s: long body: status %d, want 422", k.path, st)
		}
		if st, b := call("GET", k.path, ""); st != 200 || b != k.want {
			t.Errorf("%s after a refused edit: %d %q, want 200 %q", k.path, st, b, k.want)
		}
		if st, _ := call("DELETE", k.path, ""); st != 204 {
			t.Errorf("%s: delete: status %d, want 204", k.path, st)
		}
		if st, _ := call("GET", k.path, ""); st != 404 {
			t.Errorf("%s deleted: status %d, want 404", k.path, st)
		}
	}
	if len(srv.ReviewComments(7)) != 0 || len(srv.IssueComments(7)) != 0 {
		t.Errorf("left after deletes: %v, %v", srv.ReviewComments(7), srv.IssueComments(7))
	}
}

// TestMultiLineCommentIsOneHunk: start_line and line must be in one hunk;
// both being in the diff is not enough.
func TestMultiLineCommentIsOneHunk(t *testing.T) {
	srv := New(t, "acme", "infra")
	srv.AddPR(PR{Number: 7, Head: "head1", Files: []File{{Filename: "f", Status: "modified",
		Patch: "@@ -1,2 +1,2 @@\n-a\n+A\n b\n@@ -10,2 +10,2 @@\n j\n-k\n+K"}}})
	gh, _ := github.NewClient(nil).WithEnterpriseURLs(srv.URL+"/", srv.URL+"/")
	rv := func(start, line int) *github.PullRequestReviewRequest {
		return &github.PullRequestReviewRequest{CommitID: github.String("head1"), Event: github.String("COMMENT"),
			Comments: []*github.DraftReviewComment{{Path: github.String("f"), StartLine: github.Int(start), StartSide: github.String("RIGHT"),
				Line: github.Int(line), Side: github.String("RIGHT"), Body: github.String("x")}}}
	}
	if _, _, err := gh.PullRequests.CreateReview(context.Background(), "acme", "infra", 7, rv(10, 11)); err != nil {
		t.Fatalf("one hunk: %v", err)
	}
	_, resp, err := gh.PullRequests.CreateReview(context.Background(), "acme", "infra", 7, rv(2, 10))
	if resp == nil || resp.StatusCode != 422 || !strings.Contains(err.Error(), "start_line must be part of the same hunk as the line") {
		t.Errorf("two hunks: %v", err)
	}
}
