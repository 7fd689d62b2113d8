package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/runbook-translator/runbook-translator/reporters/forge/lifecycle"
)

// forge is GitHub's side of the comment lifecycle: endpoints and payloads.
type forge struct{ r *Reviewer }

var _ lifecycle.Forge = (*forge)(nil)

// ref is what GitHub needs to act on a comment.
type ref struct {
	id     int64
	thread string // review thread node id, once Threads read it
}

// reviewRequest is the body of POST /repos/{owner}/{repo}/pulls/{n}/reviews.
type reviewRequest struct {
	CommitID string        `json:"commit_id"`
	Event    string        `json:"event"`
	Comments []reviewDraft `json:"comments"`
}

// reviewDraft is one comment of a review, on the new side; start_line and
// start_side make it a multi-line comment.
type reviewDraft struct {
	Path      string `json:"path"`
	Line      int    `json:"line"`
	Side      string `json:"side"`
	StartLine int    `json:"start_line,omitempty"`
	StartSide string `json:"start_side,omitempty"`
	Body      string `json:"body"`
}

// commentRequest is the body of POST /repos/{owner}/{repo}/pulls/{n}/comments.
type commentRequest struct {
	Body      string `json:"body"`
	CommitID  string `json:"commit_id"`
	Path      string `json:"path"`
	Line      int    `json:"line,omitempty"`
	Side      string `json:"side,omitempty"`
	StartLine int    `json:"start_line,omitempty"`
	StartSide string `json:"start_side,omitempty"`
	// SubjectType "file" comments on the whole file, without a line.
	SubjectType string `json:"subject_type,omitempty"`
}

// startSide is the side of a multi-line comment's first line.
func startSide(d *lifecycle.Draft) string {
	if d.StartLine != 0 {
		return "RIGHT"
	}
	return ""
}

type bodyPatch struct {
	Body string `json:"body"`
}

// ActionsLogin is the author of what the Actions GITHUB_TOKEN writes. That
// token is an installation token of the GitHub Actions app: GET /user
// answers it 403 "Resource not accessible by integration"
// (actions/create-github-app-token#258), and its comments are by
// github-actions[bot], type Bot
// (docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication).
const ActionsLogin = "github-actions[bot]"

const viewerQuery = `query { viewer { login } }`

// Self asks who the token is. GraphQL's viewer answers for a personal
// access token and for a GitHub App installation token ("<slug>[bot]"),
// where REST GET /user is refused to installation tokens
// (fullsend-ai/fullsend#1953, joshjohanning/bulk-github-repo-settings-sync-action#194,
// pingdotgg/t3code#11273). When viewer fails, GET /user is asked; when that
// is refused as "not accessible by integration", the token is an
// installation token without a user: the Actions GITHUB_TOKEN, whose
// comments are by ActionsLogin. Another App's token lands there only when
// its viewer failed too; --bot-login names it then.
func (f *forge) Self(ctx context.Context) (lifecycle.Identity, error) {
	r := f.r
	var v struct {
		Viewer *struct {
			Login string `json:"login"`
		} `json:"viewer"`
	}
	verr := r.api.graphql(ctx, viewerQuery, map[string]any{}, &v)
	if verr == nil && v.Viewer != nil && v.Viewer.Login != "" {
		return lifecycle.Identity{Login: v.Viewer.Login}, nil
	}
	var u gh.User
	_, err := r.api.do(ctx, http.MethodGet, "user", nil, &u, true)
	if err == nil && u.GetLogin() != "" {
		return lifecycle.Identity{Login: u.GetLogin()}, nil
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusForbidden && strings.Contains(ae.Message, "not accessible by integration") {
		r.logf("the token has no user (viewer: %v); taking it for the Actions GITHUB_TOKEN, author %s (set --bot-login otherwise)", verr, ActionsLogin)
		return lifecycle.Identity{Login: ActionsLogin}, nil
	}
	return lifecycle.Identity{}, fmt.Errorf("%w: GraphQL viewer: %v; GET /user: %v", lifecycle.ErrNoIdentity, verr, err)
}

// List lists the review comments and the conversation comments.
func (f *forge) List(ctx context.Context) (*lifecycle.Listing, error) {
	r := f.r
	cs, pages, err := listPages[gh.PullRequestComment](ctx, r.api, r.path("pulls/%d/comments?per_page=100", r.number))
	if err != nil {
		return nil, readErr(fmt.Errorf("list review comments: %w", err))
	}
	out := &lifecycle.Listing{Pages: pages}
	roots := map[int64]*lifecycle.Note{}
	for _, c := range cs {
		if c.GetInReplyTo() != 0 {
			continue
		}
		n := &lifecycle.Note{ID: strconv.FormatInt(c.GetID(), 10), Ref: &ref{id: c.GetID()},
			Author: lifecycle.Author{Login: c.GetUser().GetLogin()}, Body: c.GetBody(), Path: c.GetPath(),
			// GitHub moves a comment's line with the code and nulls it
			// once the code it was on changed (outdated); original_line
			// keeps where it was written.
			Line: c.GetLine(), Outdated: c.Line == nil && c.GetSubjectType() != "file"}
		roots[c.GetID()] = n
		out.Inline = append(out.Inline, n)
	}
	for _, c := range cs {
		if n := roots[c.GetInReplyTo()]; n != nil {
			n.Replies = append(n.Replies, lifecycle.Author{Login: c.GetUser().GetLogin()})
		}
	}
	ics, ipages, err := listPages[gh.IssueComment](ctx, r.api, r.path("issues/%d/comments?per_page=100", r.number))
	if err != nil {
		return nil, readErr(fmt.Errorf("list issue comments: %w", err))
	}
	for _, c := range ics {
		out.Summaries = append(out.Summaries, &lifecycle.Note{ID: strconv.FormatInt(c.GetID(), 10), Ref: &ref{id: c.GetID()},
			Author: lifecycle.Author{Login: c.GetUser().GetLogin()}, Body: c.GetBody()})
	}
	out.Pages = max(out.Pages, ipages)
	return out, nil
}

// Create posts one review with the drafts, or one review comment for a
// single draft (whose 422 names the field GitHub refused).
func (f *forge) Create(ctx context.Context, ds []*lifecycle.Draft) error {
	r := f.r
	if len(ds) == 1 {
		d := ds[0]
		req := commentRequest{Body: d.Body, CommitID: r.head, Path: d.Path, Line: d.Line, Side: "RIGHT",
			StartLine: d.StartLine, StartSide: startSide(d)}
		if d.File {
			req = commentRequest{Body: d.Body, CommitID: r.head, Path: d.Path, SubjectType: "file"}
		}
		_, err := r.api.do(ctx, http.MethodPost, r.path("pulls/%d/comments", r.number), req, nil, false)
		return err
	}
	req := reviewRequest{CommitID: r.head, Event: "COMMENT"}
	for _, d := range ds {
		req.Comments = append(req.Comments, reviewDraft{Path: d.Path, Line: d.Line, Side: "RIGHT", Body: d.Body,
			StartLine: d.StartLine, StartSide: startSide(d)})
	}
	_, err := r.api.do(ctx, http.MethodPost, r.path("pulls/%d/reviews", r.number), req, nil, false)
	return err
}

// Edit replaces a review comment's body.
func (f *forge) Edit(ctx context.Context, n *lifecycle.Note, body string) error {
	r := f.r
	_, err := r.api.do(ctx, http.MethodPatch, r.path("pulls/comments/%d", n.Ref.(*ref).id), bodyPatch{body}, nil, true)
	if err != nil {
		return fmt.Errorf("edit review comment %s: %w", n.ID, err)
	}
	return nil
}

// CreateSummary posts the summary as a conversation comment.
func (f *forge) CreateSummary(ctx context.Context, body string) error {
	r := f.r
	_, err := r.api.do(ctx, http.MethodPost, r.path("issues/%d/comments", r.number), bodyPatch{body}, nil, false)
	return err
}

// EditSummary replaces the summary's body.
func (f *forge) EditSummary(ctx context.Context, n *lifecycle.Note, body string) error {
	r := f.r
	_, err := r.api.do(ctx, http.MethodPatch, r.path("issues/comments/%d", n.Ref.(*ref).id), bodyPatch{body}, nil, true)
	return err
}

// Classify maps GitHub's answers to what the lifecycle does with them:
// 422 is refused content; a 5xx or lost answer to a write is ambiguous.
func (f *forge) Classify(err error) (lifecycle.Kind, string) { return githubErrors.Classify(err) }

var githubErrors = lifecycle.Errors{NoAccess: ErrNoWriteAccess, RejectStatus: http.StatusUnprocessableEntity}

// APIStatus implements lifecycle.APIError.
func (e *APIError) APIStatus() (int, string) { return e.Status, e.Message }

const threadsQuery = `query($owner: String!, $repo: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved comments(first: 1) { nodes { fullDatabaseId } } }
      }
    }
  }
}`

const resolveMutation = `mutation($threadId: ID!) {
  resolveReviewThread(input: {threadId: $threadId}) { thread { id isResolved } }
}`

const unresolveMutation = `mutation($threadId: ID!) {
  unresolveReviewThread(input: {threadId: $threadId}) { thread { id isResolved } }
}`

// Threads reads the review threads (GraphQL only: REST has no threads)
// and fills the state of the given comments' threads.
func (f *forge) Threads(ctx context.Context, ns []*lifecycle.Note) error {
	r := f.r
	want := map[int64]*lifecycle.Note{}
	for _, n := range ns {
		want[n.Ref.(*ref).id] = n
	}
	var after any
	for {
		var data struct {
			Repository *struct {
				PullRequest *struct {
					ReviewThreads struct {
						PageInfo struct {
							HasNextPage bool   `json:"hasNextPage"`
							EndCursor   string `json:"endCursor"`
						} `json:"pageInfo"`
						Nodes []struct {
							ID         string `json:"id"`
							IsResolved bool   `json:"isResolved"`
							Comments   struct {
								Nodes []struct {
									// fullDatabaseId is a BigInt sent as a string;
									// databaseId is an Int (32 bits) and review comment
									// ids are past 2^31, so GitHub answers null with an
									// error for it (docs.github.com/en/graphql/overview/breaking-changes).
									FullDatabaseID string `json:"fullDatabaseId"`
								} `json:"nodes"`
							} `json:"comments"`
						} `json:"nodes"`
					} `json:"reviewThreads"`
				} `json:"pullRequest"`
			} `json:"repository"`
		}
		err := r.api.graphql(ctx, threadsQuery, map[string]any{"owner": r.owner, "repo": r.repo, "number": r.number, "after": after}, &data)
		if err != nil {
			return readErr(fmt.Errorf("list review threads: %w", err))
		}
		if data.Repository == nil || data.Repository.PullRequest == nil {
			return fmt.Errorf("list review threads: pull request %d not found", r.number)
		}
		rt := data.Repository.PullRequest.ReviewThreads
		for _, t := range rt.Nodes {
			if len(t.Comments.Nodes) == 0 {
				continue
			}
			id, err := strconv.ParseInt(t.Comments.Nodes[0].FullDatabaseID, 10, 64)
			if err != nil {
				return fmt.Errorf("list review threads: comment id %q: %w", t.Comments.Nodes[0].FullDatabaseID, err)
			}
			if n := want[id]; n != nil {
				n.Ref.(*ref).thread = t.ID
				n.Resolved, n.ResolvedKnown = t.IsResolved, true
			}
		}
		if !rt.PageInfo.HasNextPage || rt.PageInfo.EndCursor == "" {
			return nil
		}
		after = rt.PageInfo.EndCursor
	}
}

// Resolve resolves or reopens the review thread a comment opens.
func (f *forge) Resolve(ctx context.Context, n *lifecycle.Note, resolved bool) error {
	th := n.Ref.(*ref).thread
	if th == "" {
		return nil // no thread found for the comment: nothing to change
	}
	q := resolveMutation
	if !resolved {
		q = unresolveMutation
	}
	if err := f.r.api.graphql(ctx, q, map[string]any{"threadId": th}, nil); err != nil {
		return fmt.Errorf("resolve review thread: %w", err)
	}
	return nil
}
