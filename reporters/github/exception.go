package github

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/runbook-translator/runbook-translator/owners"
	"github.com/runbook-translator/runbook-translator/reporters"
	"github.com/runbook-translator/runbook-translator/reporters/forge/exception"
	"github.com/runbook-translator/runbook-translator/reporters/forge/lifecycle"
)

// Asking for an exception from a pull request (`runbook-translator ignore
// request`, reporters/forge/exception): a reply in the review thread of one
// of the bot's finding comments arrives as a pull_request_review_comment
// event (https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request_review_comment);
// its comment.in_reply_to_id names the bot's comment, whose marker names
// exactly one finding. A conversation comment (issue_comment) has no such
// parent and is not supported.
//
// From the event only the comment id and the pull request number are
// taken: the event file may come from an artifact of a run of the pull
// request's own workflow (docs/exceptions.md), so the comment, its author,
// its parent and the base branch are read from the API.

func init() {
	exception.Register("github", newException)
}

// commentEvent is the part of a pull_request_review_comment payload the
// command reads.
type commentEvent struct {
	Action  string `json:"action"`
	Comment *struct {
		ID int64 `json:"id"`
	} `json:"comment"`
	PullRequest *struct {
		Number int `json:"number"`
	} `json:"pull_request"`
	Issue *struct {
		Number int `json:"number"`
	} `json:"issue"`
}

// exceptionForge is GitHub's side of exception.Run.
type exceptionForge struct {
	rv      *Reviewer
	comment int64
	parent  int64
	pr      *gh.PullRequest
}

var _ exception.Forge = (*exceptionForge)(nil)

// newException builds GitHub's side from the event and the environment.
func newException(o reporters.ForgeOptions, event []byte) (exception.Forge, error) {
	var ev commentEvent
	if err := json.Unmarshal(event, &ev); err != nil {
		return nil, fmt.Errorf("parse the event: %w", err)
	}
	switch {
	case ev.Issue != nil:
		return nil, errors.New("an issue_comment event (a conversation comment) names no finding: the command is a reply in the thread of the bot's finding comment (a pull_request_review_comment event, docs/exceptions.md)")
	case ev.Comment == nil || ev.Comment.ID <= 0 || ev.PullRequest == nil || ev.PullRequest.Number <= 0:
		return nil, errors.New("the event is not a pull_request_review_comment payload: it has no comment.id and pull_request.number")
	case ev.Action != "" && ev.Action != "created":
		return nil, exception.ErrNotCommand // an edit or a deletion: the command was handled when created
	}
	over := overrides(o)
	if over.SHA == "" {
		// The reviewer's context wants a head commit; the request
		// needs none (it works on the base branch), and outside Actions
		// GITHUB_SHA may be unset.
		over.SHA = "HEAD"
	}
	gctx, err := ContextFromEnv(o.Getenv, over)
	if err != nil {
		return nil, err
	}
	client, err := NewClient(gctx)
	if err != nil {
		return nil, err
	}
	rv := NewReviewer(client, gctx.Owner, gctx.Repo, ev.PullRequest.Number, "", Options{
		DryRun: o.DryRun, BotLogin: o.BotLogin, Log: o.Log, RequestTimeout: gctx.RequestTimeout, MaxWait: gctx.MaxWait,
	})
	return &exceptionForge{rv: rv, comment: ev.Comment.ID}, nil
}

func (f *exceptionForge) path(format string, args ...any) string { return f.rv.path(format, args...) }

// segments escapes each segment of a slash path for a URL path.
func segments(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// Comment reads the reply: GET /repos/{owner}/{repo}/pulls/comments/{id}
// (https://docs.github.com/en/rest/pulls/comments#get-a-review-comment-for-a-pull-request).
// It must be on the event's pull request.
func (f *exceptionForge) Comment(ctx context.Context) (*exception.Comment, error) {
	var c gh.PullRequestComment
	if _, err := f.rv.api.do(ctx, http.MethodGet, f.path("pulls/comments/%d", f.comment), nil, &c, true); err != nil {
		return nil, err
	}
	if want := "/pulls/" + strconv.Itoa(f.rv.number); !strings.HasSuffix(c.GetPullRequestURL(), want) {
		return nil, fmt.Errorf("comment %d is not on pull request #%d", f.comment, f.rv.number)
	}
	f.parent = c.GetInReplyTo()
	return &exception.Comment{ID: strconv.FormatInt(c.GetID(), 10), Author: lifecycle.Author{Login: c.GetUser().GetLogin()},
		Body: c.GetBody(), URL: webURL(c.GetHTMLURL()), Reply: f.parent != 0}, nil
}

// webURL keeps a URL the API gave only when it is a plain http(s) URL, as
// it goes into the rule's link and the texts.
func webURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(s, " <>\"'`\n") {
		return ""
	}
	return s
}

// Self is the reviewer's identity (GraphQL viewer, GET /user, the Actions
// token's github-actions[bot]); --bot-login wins in exception.Run.
func (f *exceptionForge) Self(ctx context.Context) (lifecycle.Identity, error) {
	return (&forge{f.rv}).Self(ctx)
}

// Access asks GET /repos/{owner}/{repo}/collaborators/{username}/permission
// (https://docs.github.com/en/rest/collaborators/collaborators#get-repository-permissions-for-a-user):
// "permission" is admin, write, read or none, the maintain role reading as
// write and triage as read. A 404 (not a user, or not one the repository
// knows) is no access.
func (f *exceptionForge) Access(ctx context.Context, who lifecycle.Author) (bool, exception.Text, error) {
	var p gh.RepositoryPermissionLevel
	_, err := f.rv.api.do(ctx, http.MethodGet, f.path("collaborators/%s/permission", url.PathEscape(who.Login)), nil, &p, true)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return false, exception.Msg("exc.role.no_access"), nil
	}
	if err != nil {
		return false, exception.Text{}, err
	}
	perm := p.GetPermission()
	if perm == "" || perm == "none" {
		return false, exception.Msg("exc.role.no_access"), nil
	}
	return perm == "admin" || perm == "write", exception.Msg("exc.role.access", perm), nil
}

// Parent reads the comment the reply is in the thread of. GitHub threads
// are flat: in_reply_to_id names the thread's first comment.
func (f *exceptionForge) Parent(ctx context.Context) (*exception.Parent, error) {
	var c gh.PullRequestComment
	if _, err := f.rv.api.do(ctx, http.MethodGet, f.path("pulls/comments/%d", f.parent), nil, &c, true); err != nil {
		return nil, err
	}
	return &exception.Parent{Author: lifecycle.Author{Login: c.GetUser().GetLogin()}, Body: c.GetBody(), Path: c.GetPath()}, nil
}

// Base reads the pull request (GET /pulls/{n}) for its base branch, and
// the branch's head now (GET /git/ref/heads/{branch},
// https://docs.github.com/en/rest/git/refs#get-a-reference): base.sha is
// where the base was when the pull request last changed, not its head.
func (f *exceptionForge) Base(ctx context.Context) (exception.Base, error) {
	if f.pr == nil {
		var pr gh.PullRequest
		if _, err := f.rv.api.do(ctx, http.MethodGet, f.path("pulls/%d", f.rv.number), nil, &pr, true); err != nil {
			return exception.Base{}, err
		}
		f.pr = &pr
	}
	b := exception.Base{Branch: f.pr.GetBase().GetRef(), Request: "#" + strconv.Itoa(f.rv.number)}
	if b.Branch == "" {
		return b, fmt.Errorf("pull request #%d names no base branch", f.rv.number)
	}
	sha, ok, err := f.ref(ctx, b.Branch)
	if err != nil {
		return b, err
	}
	if !ok {
		return b, fmt.Errorf("the base branch %s does not exist", b.Branch)
	}
	b.SHA = sha
	return b, nil
}

// ref reads a branch's head; false when the branch does not exist (404).
func (f *exceptionForge) ref(ctx context.Context, branch string) (string, bool, error) {
	var r gh.Reference
	_, err := f.rv.api.do(ctx, http.MethodGet, f.path("git/ref/heads/%s", segments(branch)), nil, &r, true)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return r.GetObject().GetSHA(), true, nil
}

// maxContents is the largest file the contents API returns with its
// content: "Between 1-100 MB: Only the raw or object custom media types
// are supported" (https://docs.github.com/en/rest/repos/contents#get-repository-content).
const maxContents = 1 << 20

// Read reads a file with GET /repos/{owner}/{repo}/contents/{path}?ref=
// (base64 content and its blob sha, which an update must name); nil for a
// 404.
func (f *exceptionForge) Read(ctx context.Context, ref, p string) (*exception.File, error) {
	var c gh.RepositoryContent
	_, err := f.rv.api.do(ctx, http.MethodGet, f.path("contents/%s?ref=%s", segments(p), url.QueryEscape(ref)), nil, &c, true)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if c.GetType() != "file" {
		return nil, fmt.Errorf("%s is a %s, not a file", p, c.GetType())
	}
	if c.GetSize() > maxContents || c.GetEncoding() != "base64" {
		return nil, fmt.Errorf("%s is over %d bytes", p, maxContents)
	}
	b, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(derefString(c.Content), "\n", ""))
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", p, err)
	}
	return &exception.File{Content: b, Blob: c.GetSHA()}, nil
}

// BranchExists implements exception.Forge.
func (f *exceptionForge) BranchExists(ctx context.Context, branch string) (bool, error) {
	_, ok, err := f.ref(ctx, branch)
	return ok, err
}

// Open lists the open pull requests from branch: GET
// /repos/{owner}/{repo}/pulls?head={owner}:{branch}&state=open
// (https://docs.github.com/en/rest/pulls/pulls#list-pull-requests).
func (f *exceptionForge) Open(ctx context.Context, branch string) (string, bool, error) {
	q := url.Values{"head": {f.rv.owner + ":" + branch}, "state": {"open"}, "per_page": {"100"}}
	prs, err := list[gh.PullRequest](ctx, f.rv.api, f.path("pulls?%s", q.Encode()))
	if err != nil {
		return "", false, err
	}
	for _, p := range prs {
		if p.GetHead().GetRef() == branch {
			return p.GetHTMLURL(), true, nil
		}
	}
	return "", false, nil
}

type createRef struct {
	Ref string `json:"ref"`
	SHA string `json:"sha"`
}

type putContents struct {
	Message string `json:"message"`
	Content string `json:"content"`
	SHA     string `json:"sha,omitempty"`
	Branch  string `json:"branch"`
}

// Commit creates the branch (POST /git/refs,
// https://docs.github.com/en/rest/git/refs#create-a-reference) and commits
// the file to it (PUT /contents/{path},
// https://docs.github.com/en/rest/repos/contents#create-or-update-file-contents:
// sha is "Required if you are updating a file. The blob SHA of the file
// being replaced").
func (f *exceptionForge) Commit(ctx context.Context, c exception.Change) error {
	if c.NewBranch {
		if _, err := f.rv.api.do(ctx, http.MethodPost, f.path("git/refs"), createRef{Ref: "refs/heads/" + c.Branch, SHA: c.StartSHA}, nil, false); err != nil {
			return fmt.Errorf("create branch: %w", err)
		}
	}
	body := putContents{Message: c.Message, Content: base64.StdEncoding.EncodeToString(c.Content), Branch: c.Branch}
	if c.Prev != nil {
		body.SHA = c.Prev.Blob
	}
	_, err := f.rv.api.do(ctx, http.MethodPut, f.path("contents/%s", segments(c.Path)), body, nil, false)
	return err
}

type createPull struct {
	Title string `json:"title"`
	Head  string `json:"head"`
	Base  string `json:"base"`
	Body  string `json:"body"`
}

// Create opens the pull request: POST /repos/{owner}/{repo}/pulls
// (https://docs.github.com/en/rest/pulls/pulls#create-a-pull-request).
func (f *exceptionForge) Create(ctx context.Context, r exception.Request) (int64, string, error) {
	var pr gh.PullRequest
	_, err := f.rv.api.do(ctx, http.MethodPost, f.path("pulls"), createPull{Title: r.Title, Head: r.Branch, Base: r.Base, Body: r.Body}, &pr, false)
	var ae *APIError
	if errors.As(err, &ae) && strings.Contains(ae.Message, "not permitted to create or approve pull requests") {
		// The Actions GITHUB_TOKEN in a repository (or organization)
		// where the setting is off; the branch stays, and a new request
		// after the setting is turned on opens the pull request from it.
		return 0, "", fmt.Errorf("%w (turn on \"Allow GitHub Actions to create and approve pull requests\" in Settings > Actions > General, or use another token: docs/exceptions.md)", err)
	}
	if err != nil {
		return 0, "", err
	}
	if pr.GetNumber() == 0 {
		return 0, "(dry run: no pull request)", nil // printed, not sent
	}
	return int64(pr.GetNumber()), pr.GetHTMLURL(), nil
}

type reviewersRequest struct {
	Reviewers     []string `json:"reviewers,omitempty"`
	TeamReviewers []string `json:"team_reviewers,omitempty"`
}

// RequestReview asks the CODEOWNERS owners: POST
// /repos/{owner}/{repo}/pulls/{n}/requested_reviewers
// (https://docs.github.com/en/rest/pulls/review-requests#request-reviewers-for-a-pull-request):
// "@user" in reviewers, "@org/team" in team_reviewers by slug (teams of the
// repository's organization only); e-mail owners cannot be asked. GitHub
// answers 422 "Reviews may only be requested from collaborators" for a
// user who is not one: the request stays open, and the reply says so.
func (f *exceptionForge) RequestReview(ctx context.Context, num int64, owners []string) ([]exception.Text, error) {
	var req reviewersRequest
	var notes []exception.Text
	for _, o := range owners {
		h, ok := strings.CutPrefix(o, "@")
		org, team, isTeam := strings.Cut(h, "/")
		switch {
		case !ok:
			notes = append(notes, exception.Msg("exc.note.gh_owner", o))
		case isTeam && !strings.EqualFold(org, f.rv.owner):
			notes = append(notes, exception.Msg("exc.note.gh_team", o, f.rv.owner))
		case isTeam:
			req.TeamReviewers = append(req.TeamReviewers, team)
		default:
			req.Reviewers = append(req.Reviewers, h)
		}
	}
	if len(req.Reviewers)+len(req.TeamReviewers) == 0 {
		return notes, nil
	}
	_, err := f.rv.api.do(ctx, http.MethodPost, f.path("pulls/%d/requested_reviewers", num), req, nil, false)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusUnprocessableEntity {
		return append(notes, exception.Msg("exc.note.gh_refused", ae.Message)), nil
	}
	return notes, err
}

// Reply answers in the thread: POST
// /repos/{owner}/{repo}/pulls/{n}/comments/{comment_id}/replies
// (https://docs.github.com/en/rest/pulls/comments#create-a-reply-for-a-review-comment),
// to the thread's first comment ("replies to replies are not supported");
// a command that is no reply is answered under itself.
func (f *exceptionForge) Reply(ctx context.Context, body string) error {
	to := f.parent
	if to == 0 {
		to = f.comment
	}
	_, err := f.rv.api.do(ctx, http.MethodPost, f.path("pulls/%d/comments/%d/replies", f.rv.number, to), bodyPatch{body}, nil, false)
	return err
}

// CodeownersLocations implements exception.Forge.
func (f *exceptionForge) CodeownersLocations() []string { return owners.Locations }

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
