package gitlab

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

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/runbook-translator/runbook-translator/owners"
	"github.com/runbook-translator/runbook-translator/reporters"
	"github.com/runbook-translator/runbook-translator/reporters/forge/exception"
	"github.com/runbook-translator/runbook-translator/reporters/forge/lifecycle"
)

// Asking for an exception from a merge request (`runbook-translator ignore
// request`, reporters/forge/exception): a reply in one of the bot's
// discussions is a note event
// (https://docs.gitlab.com/user/project/integrations/webhook_events/#comment-events).
// GitLab CI does not run on note events; a webhook on comments posts the
// event to the pipeline trigger API, and the triggered pipeline has it in
// the TRIGGER_PAYLOAD file variable (docs/exceptions.md). From the event
// only the note id, its discussion id and the merge request iid are
// taken; the notes, their authors and the target branch are read from the
// API.

func init() {
	exception.Register("gitlab", newException)
}

// noteEvent is the part of a note event the command reads.
type noteEvent struct {
	ObjectKind       string `json:"object_kind"`
	ObjectAttributes *struct {
		ID           int64  `json:"id"`
		DiscussionID string `json:"discussion_id"`
		NoteableType string `json:"noteable_type"`
		Action       string `json:"action"`
	} `json:"object_attributes"`
	MergeRequest *struct {
		IID int64 `json:"iid"`
	} `json:"merge_request"`
}

// exceptionForge is GitLab's side of exception.Run.
type exceptionForge struct {
	d          *Discussions
	note       int64
	discussion string
	notes      []*gl.Note
	mr         *gl.MergeRequest
}

var _ exception.Forge = (*exceptionForge)(nil)

// discussionID is GitLab's: 40 hex digits.
func validDiscussionID(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func newException(o reporters.ForgeOptions, event []byte) (exception.Forge, error) {
	var ev noteEvent
	if err := json.Unmarshal(event, &ev); err != nil {
		return nil, fmt.Errorf("parse the event: %w", err)
	}
	a := ev.ObjectAttributes
	switch {
	case ev.ObjectKind != "note" || a == nil || a.ID <= 0:
		return nil, errors.New("the event is not a note event: it has no object_kind note and object_attributes.id")
	case a.NoteableType != "MergeRequest" || ev.MergeRequest == nil || ev.MergeRequest.IID <= 0:
		return nil, errors.New("the note is not on a merge request")
	case !validDiscussionID(a.DiscussionID):
		return nil, errors.New("the note event has no discussion_id")
	case a.Action != "" && a.Action != "create":
		return nil, exception.ErrNotCommand // an edit: handled when created
	}
	over := Config{BaseURL: o.APIURL, Project: o.Repo, MergeRequestIID: ev.MergeRequest.IID}
	cfg, err := ConfigFromEnv(o.Getenv, over)
	if err != nil {
		return nil, err
	}
	if cfg.JobToken {
		return nil, errors.New("a CI job token cannot create branches, commits or merge requests: set GITLAB_TOKEN (a project access token with the api scope and the Developer role)")
	}
	d, err := New(cfg, Options{DryRun: o.DryRun, BotLogin: o.BotLogin, Secrets: []string{cfg.Token}, Log: o.Log})
	if err != nil {
		return nil, err
	}
	return &exceptionForge{d: d, note: a.ID, discussion: a.DiscussionID}, nil
}

func (f *exceptionForge) call(ctx context.Context, method, path string, body any, idempotent bool, do func(opts ...gl.RequestOptionFunc) (*gl.Response, error)) error {
	_, err := f.d.api.call(ctx, request{method: method, path: path, body: body, idempotent: idempotent, do: do})
	return err
}

func (f *exceptionForge) projectPath(format string, args ...any) string {
	return "projects/" + gl.PathEscape(f.d.project) + fmt.Sprintf(format, args...)
}

func notFound(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

// thread reads the discussion: GET
// /projects/:id/merge_requests/:iid/discussions/:discussion_id
// (https://docs.gitlab.com/api/discussions/#get-single-merge-request-discussion-item).
func (f *exceptionForge) thread(ctx context.Context) error {
	if f.notes != nil {
		return nil
	}
	var dsc *gl.Discussion
	err := f.call(ctx, http.MethodGet, f.d.mrPath("/discussions/%s", f.discussion), nil, true, func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
		var resp *gl.Response
		var err error
		dsc, resp, err = f.d.client.Discussions.GetMergeRequestDiscussion(f.d.project, f.d.iid, f.discussion, opts...)
		return resp, err
	})
	if err != nil {
		return err
	}
	if len(dsc.Notes) == 0 {
		return fmt.Errorf("discussion %s has no notes", f.discussion)
	}
	f.notes = dsc.Notes
	return nil
}

func (f *exceptionForge) request(ctx context.Context) (*gl.MergeRequest, error) {
	if f.mr != nil {
		return f.mr, nil
	}
	var mr *gl.MergeRequest
	err := f.call(ctx, http.MethodGet, f.d.mrPath(""), nil, true, func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
		var resp *gl.Response
		var err error
		mr, resp, err = f.d.client.MergeRequests.GetMergeRequest(f.d.project, f.d.iid, nil, opts...)
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	f.mr = mr
	return mr, nil
}

// Comment finds the event's note in its discussion, as the API has it.
func (f *exceptionForge) Comment(ctx context.Context) (*exception.Comment, error) {
	if err := f.thread(ctx); err != nil {
		return nil, err
	}
	for i, n := range f.notes {
		if n.ID != f.note {
			continue
		}
		c := &exception.Comment{ID: strconv.FormatInt(n.ID, 10), Author: lifecycle.Author{Login: n.Author.Username, ID: n.Author.ID},
			Body: n.Body, Reply: i > 0}
		mr, err := f.request(ctx)
		if err != nil {
			return nil, err
		}
		if u, err := url.Parse(mr.WebURL); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && !strings.ContainsAny(mr.WebURL, " <>\"'`\n") {
			// GitLab gives notes no web_url: the merge request's and the
			// note anchor.
			c.URL = mr.WebURL + "#note_" + strconv.FormatInt(n.ID, 10)
		}
		return c, nil
	}
	return nil, fmt.Errorf("note %d is not in discussion %s of !%d", f.note, f.discussion, f.d.iid)
}

// Self is the reporter's identity (GET /user); --bot-login wins in
// exception.Run.
func (f *exceptionForge) Self(ctx context.Context) (lifecycle.Identity, error) {
	return (&forge{r: f.d}).Self(ctx)
}

// developer is the Developer role's access_level: "30: Developer", the
// first that may push to unprotected branches
// (https://docs.gitlab.com/api/members/#roles,
// https://docs.gitlab.com/user/permissions/).
const developer = 30

// Access reads GET /projects/:id/members/all/:user_id, which includes
// members through groups and inheritance
// (https://docs.gitlab.com/api/members/#get-a-member-of-a-group-or-project-including-inherited-and-invited-members);
// 404 is no membership.
func (f *exceptionForge) Access(ctx context.Context, who lifecycle.Author) (bool, exception.Text, error) {
	var m *gl.ProjectMember
	err := f.call(ctx, http.MethodGet, f.projectPath("/members/all/%d", who.ID), nil, true, func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
		var resp *gl.Response
		var err error
		m, resp, err = f.d.client.ProjectMembers.GetInheritedProjectMember(f.d.project, who.ID, opts...)
		return resp, err
	})
	if notFound(err) {
		return false, exception.Msg("exc.role.no_membership"), nil
	}
	if err != nil {
		return false, exception.Text{}, err
	}
	return int(m.AccessLevel) >= developer, roleName(int(m.AccessLevel)), nil
}

// roleName names the role of an access level as GitLab's UI does (the
// role names stay English in every language: they are GitLab's).
func roleName(level int) exception.Text {
	var name string
	switch {
	case level >= 50:
		name = "Owner"
	case level >= 40:
		name = "Maintainer"
	case level >= 30:
		name = "Developer"
	case level >= 20:
		name = "Reporter"
	case level >= 15:
		name = "Planner"
	case level >= 10:
		name = "Guest"
	default:
		return exception.Msg("exc.role.no_role")
	}
	return exception.Msg("exc.role.gitlab", name)
}

// Parent is the discussion's first note.
func (f *exceptionForge) Parent(ctx context.Context) (*exception.Parent, error) {
	if err := f.thread(ctx); err != nil {
		return nil, err
	}
	n := f.notes[0]
	p := &exception.Parent{Author: lifecycle.Author{Login: n.Author.Username, ID: n.Author.ID}, Body: n.Body}
	if n.Position != nil {
		p.Path = n.Position.NewPath
	}
	return p, nil
}

// Base reads the merge request's target branch and its head: GET
// /projects/:id/repository/branches/:branch
// (https://docs.gitlab.com/api/branches/#get-single-repository-branch).
func (f *exceptionForge) Base(ctx context.Context) (exception.Base, error) {
	mr, err := f.request(ctx)
	if err != nil {
		return exception.Base{}, err
	}
	b := exception.Base{Branch: mr.TargetBranch, Request: "!" + strconv.FormatInt(f.d.iid, 10)}
	sha, ok, err := f.branch(ctx, b.Branch)
	if err != nil {
		return b, err
	}
	if !ok {
		return b, fmt.Errorf("the target branch %s does not exist", b.Branch)
	}
	b.SHA = sha
	return b, nil
}

func (f *exceptionForge) branch(ctx context.Context, name string) (string, bool, error) {
	var br *gl.Branch
	err := f.call(ctx, http.MethodGet, f.projectPath("/repository/branches/%s", url.PathEscape(name)), nil, true, func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
		var resp *gl.Response
		var err error
		br, resp, err = f.d.client.Branches.GetBranch(f.d.project, name, opts...)
		return resp, err
	})
	if notFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if br.Commit == nil {
		return "", false, fmt.Errorf("branch %s has no commit", name)
	}
	return br.Commit.ID, true, nil
}

// maxFile bounds a file read through the API.
const maxFile = 1 << 20

// Read reads GET /projects/:id/repository/files/:file_path?ref= (base64
// content and last_commit_id,
// https://docs.gitlab.com/api/repository_files/#get-file-from-repository);
// nil for a 404.
func (f *exceptionForge) Read(ctx context.Context, ref, p string) (*exception.File, error) {
	var file *gl.File
	err := f.call(ctx, http.MethodGet, f.projectPath("/repository/files/%s", url.PathEscape(p)), nil, true, func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
		var resp *gl.Response
		var err error
		file, resp, err = f.d.client.RepositoryFiles.GetFile(f.d.project, p, &gl.GetFileOptions{Ref: gl.Ptr(ref)}, opts...)
		return resp, err
	})
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if file.Size > maxFile || file.Encoding != "base64" {
		return nil, fmt.Errorf("%s is over %d bytes", p, maxFile)
	}
	b, err := base64.StdEncoding.DecodeString(file.Content)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", p, err)
	}
	return &exception.File{Content: b, Blob: file.LastCommitID}, nil
}

// BranchExists implements exception.Forge.
func (f *exceptionForge) BranchExists(ctx context.Context, branch string) (bool, error) {
	_, ok, err := f.branch(ctx, branch)
	return ok, err
}

// Open lists the open merge requests from branch: GET
// /projects/:id/merge_requests?source_branch=&state=opened
// (https://docs.gitlab.com/api/merge_requests/#list-project-merge-requests).
func (f *exceptionForge) Open(ctx context.Context, branch string) (string, bool, error) {
	mrs, err := listAll(ctx, f.d.api, http.MethodGet, f.projectPath("/merge_requests"),
		func(page int64, opts ...gl.RequestOptionFunc) ([]*gl.BasicMergeRequest, *gl.Response, error) {
			return f.d.client.MergeRequests.ListProjectMergeRequests(f.d.project, &gl.ListProjectMergeRequestsOptions{
				ListOptions: gl.ListOptions{Page: page, PerPage: perPage}, SourceBranch: gl.Ptr(branch), State: gl.Ptr("opened")}, opts...)
		})
	if err != nil {
		return "", false, err
	}
	for _, m := range mrs {
		if m.SourceBranch == branch {
			return m.WebURL, true, nil
		}
	}
	return "", false, nil
}

// Commit writes the file in one commit: POST /projects/:id/repository/commits
// (https://docs.gitlab.com/api/commits/#create-a-commit-with-multiple-files-and-actions),
// with start_sha for a new branch ("SHA of the commit to start the new
// branch from") and last_commit_id, so that GitLab refuses the commit if
// the file changed since it was read.
func (f *exceptionForge) Commit(ctx context.Context, c exception.Change) error {
	act := &gl.CommitActionOptions{Action: gl.Ptr(gl.FileCreate), FilePath: gl.Ptr(c.Path), Content: gl.Ptr(string(c.Content))}
	if c.Prev != nil {
		act.Action, act.LastCommitID = gl.Ptr(gl.FileUpdate), gl.Ptr(c.Prev.Blob)
	}
	opt := &gl.CreateCommitOptions{Branch: gl.Ptr(c.Branch), CommitMessage: gl.Ptr(c.Message), Actions: []*gl.CommitActionOptions{act}}
	if c.NewBranch {
		opt.StartSHA = gl.Ptr(c.StartSHA)
	}
	return f.call(ctx, http.MethodPost, f.projectPath("/repository/commits"), opt, false, func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
		_, resp, err := f.d.client.Commits.CreateCommit(f.d.project, opt, opts...)
		return resp, err
	})
}

// Create opens the merge request: POST /projects/:id/merge_requests
// (https://docs.gitlab.com/api/merge_requests/#create-mr); reviewers are
// set afterwards by RequestReview, by user id.
func (f *exceptionForge) Create(ctx context.Context, r exception.Request) (int64, string, error) {
	opt := &gl.CreateMergeRequestOptions{Title: gl.Ptr(r.Title), Description: gl.Ptr(r.Body), SourceBranch: gl.Ptr(r.Branch),
		TargetBranch: gl.Ptr(r.Base), RemoveSourceBranch: gl.Ptr(true)}
	var mr *gl.MergeRequest
	err := f.call(ctx, http.MethodPost, f.projectPath("/merge_requests"), opt, false, func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
		var resp *gl.Response
		var err error
		mr, resp, err = f.d.client.MergeRequests.CreateMergeRequest(f.d.project, opt, opts...)
		return resp, err
	})
	if err != nil {
		return 0, "", err
	}
	if mr == nil {
		return 0, "(dry run: no merge request)", nil // printed, not sent
	}
	return mr.IID, mr.WebURL, nil
}

// RequestReview looks each "@username" owner up (GET /users?username=,
// https://docs.gitlab.com/api/users/#list-users) and sets them as the
// merge request's reviewers: PUT /projects/:id/merge_requests/:iid with
// reviewer_ids (https://docs.gitlab.com/api/merge_requests/#update-mr).
// reviewer_ids takes users only: a group owner ("@group/sub") is named in
// the reply, not asked, and so is a role ("@@maintainer",
// https://docs.gitlab.com/user/project/codeowners/reference/#add-a-role-as-a-code-owner),
// which is no username.
func (f *exceptionForge) RequestReview(ctx context.Context, iid int64, who []string) ([]exception.Text, error) {
	var ids []int64
	var notes []exception.Text
	for _, o := range who {
		name, ok := strings.CutPrefix(o, "@")
		if !ok || strings.Contains(name, "/") || strings.HasPrefix(name, "@") {
			notes = append(notes, exception.Msg("exc.note.gl_owner", o))
			continue
		}
		var us []*gl.User
		err := f.call(ctx, http.MethodGet, "users", nil, true, func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
			var resp *gl.Response
			var err error
			us, resp, err = f.d.client.Users.ListUsers(&gl.ListUsersOptions{Username: gl.Ptr(name)}, opts...)
			return resp, err
		})
		if err != nil {
			return notes, err
		}
		if len(us) != 1 {
			notes = append(notes, exception.Msg("exc.note.gl_unknown", o))
			continue
		}
		ids = append(ids, us[0].ID)
	}
	if len(ids) == 0 {
		return notes, nil
	}
	opt := &gl.UpdateMergeRequestOptions{ReviewerIDs: &ids}
	err := f.call(ctx, http.MethodPut, f.projectPath("/merge_requests/%d", iid), opt, true, func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
		_, resp, err := f.d.client.MergeRequests.UpdateMergeRequest(f.d.project, iid, opt, opts...)
		return resp, err
	})
	return notes, err
}

// Reply adds a note to the discussion: POST
// /projects/:id/merge_requests/:iid/discussions/:discussion_id/notes
// (https://docs.gitlab.com/api/discussions/#add-note-to-existing-merge-request-thread).
func (f *exceptionForge) Reply(ctx context.Context, body string) error {
	opt := &gl.AddMergeRequestDiscussionNoteOptions{Body: gl.Ptr(body)}
	return f.call(ctx, http.MethodPost, f.d.mrPath("/discussions/%s/notes", f.discussion), opt, false, func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
		_, resp, err := f.d.client.Discussions.AddMergeRequestDiscussionNote(f.d.project, f.d.iid, f.discussion, opt, opts...)
		return resp, err
	})
}

// CodeownersLocations are GitLab's.
func (f *exceptionForge) CodeownersLocations() []string { return owners.GitLabLocations }
