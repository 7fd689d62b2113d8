package gitlab

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
	"github.com/runbook-translator/runbook-translator/reporters/forge/lifecycle"
)

// The diff package models the new side only. A GitLab position on an
// unchanged line needs its old-side number too ("include both
// position[new_line] and position[old_line]"), so this file reads the
// old side of GitLab's per-file diffs as well.

var hunkHeader = lazyre.New(`^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@`)

// stripFileHeaders drops "diff --git", "---" and "+++" lines before the
// first hunk: GitLab omits them, except with unidiff=true and on some
// older versions, and diff.ParsePatch wants the hunks alone.
func stripFileHeaders(patch string) string {
	if strings.HasPrefix(patch, "@@") || patch == "" {
		return patch
	}
	if i := strings.Index(patch, "\n@@"); i >= 0 {
		return patch[i+1:]
	}
	return ""
}

// contextOldLines maps the new-side number of every context line of a
// patch to its old-side number.
func contextOldLines(patch string) (map[int]int, error) {
	out, _, err := oldPositions(patch)
	return out, err
}

// oldPositions maps the new-side number of every context line of a patch
// to its old-side number, and of every added line to the old-side
// position it is inserted at (the next old line), as GitLab's line codes
// count it.
func oldPositions(patch string) (map[int]int, map[int]int, error) {
	out, added := map[int]int{}, map[int]int{}
	old, nw, in := 0, 0, false
	for i, l := range strings.Split(patch, "\n") {
		if strings.HasPrefix(l, "@@") {
			m := hunkHeader().FindStringSubmatch(l)
			if m == nil {
				return nil, nil, fmt.Errorf("line %d: bad hunk header %.80q", i+1, l)
			}
			old, _ = strconv.Atoi(m[1])
			nw, _ = strconv.Atoi(m[2])
			in = true
			continue
		}
		if !in || l == "" {
			continue
		}
		switch l[0] {
		case '+':
			added[nw] = old
			nw++
		case '-':
			old++
		case ' ':
			out[nw] = old
			nw++
			old++
		}
	}
	return out, added, nil
}

// fileInfo is what a position needs beyond the diff model.
type fileInfo struct {
	newPath, oldPath string
	// oldLines maps context lines, new side to old side.
	oldLines map[int]int
	// addedAt maps added lines to the old-side position they are at.
	addedAt map[int]int
}

// forge is GitLab's side of the comment lifecycle: endpoints and payloads.
type forge struct {
	r    *Discussions
	ver  *gl.MergeRequestDiffVersion
	dm   *diff.Diff
	info map[string]fileInfo
}

var _ lifecycle.Forge = (*forge)(nil)

// ref is what GitLab needs to act on a note.
type ref struct {
	discussionID string
	noteID       int64
}

// Self asks GitLab who the token is: GET /user answers the token's user
// for a personal access token and for project and group access tokens,
// whose user is a bot user created for the token
// (docs.gitlab.com/api/users/#get-the-current-user;
// docs.gitlab.com/user/project/settings/project_access_tokens/#bot-users-for-projects).
// Notes are told apart by the author's id, which a rename cannot change.
func (f *forge) Self(ctx context.Context) (lifecycle.Identity, error) {
	r := f.r
	var u *gl.User
	_, err := r.api.call(ctx, request{method: http.MethodGet, path: "user", idempotent: true,
		do: func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
			var resp *gl.Response
			var err error
			u, resp, err = r.client.Users.CurrentUser(opts...)
			return resp, err
		}})
	if err != nil {
		return lifecycle.Identity{}, fmt.Errorf("get current user: %w", err)
	}
	return lifecycle.Identity{Login: u.Username, ID: u.ID}, nil
}

// List lists the merge request's discussions. Plain MR notes are
// discussions with individual_note set, so one listing finds both the
// threads and the summary. A diff note whose position is not on the latest
// version is outdated: GitLab moves a note to a new version only while its
// line is unchanged, and keeps it on the old version otherwise.
func (f *forge) List(ctx context.Context) (*lifecycle.Listing, error) {
	r := f.r
	ds, pages, err := listPages(ctx, r.api, http.MethodGet, r.mrPath("/discussions"),
		func(page int64, opts ...gl.RequestOptionFunc) ([]*gl.Discussion, *gl.Response, error) {
			return r.client.Discussions.ListMergeRequestDiscussions(r.project, r.iid,
				&gl.ListMergeRequestDiscussionsOptions{ListOptions: gl.ListOptions{Page: page, PerPage: perPage}}, opts...)
		})
	if err != nil {
		return nil, fmt.Errorf("list merge request discussions: %w", err)
	}
	out := &lifecycle.Listing{Pages: pages}
	for _, d := range ds {
		if len(d.Notes) == 0 || d.Notes[0] == nil || d.Notes[0].System {
			continue
		}
		first := d.Notes[0]
		n := &lifecycle.Note{ID: fmt.Sprintf("%s/%d", d.ID, first.ID), Ref: &ref{discussionID: d.ID, noteID: first.ID},
			Author: lifecycle.Author{Login: first.Author.Username, ID: first.Author.ID}, Body: first.Body,
			Resolved: first.Resolved, ResolvedKnown: true}
		if d.IndividualNote {
			out.Summaries = append(out.Summaries, n)
			continue
		}
		if p := first.Position; p != nil {
			n.Path, n.Line = p.NewPath, int(p.NewLine)
			// A file thread has no line; it is live on the latest version.
			n.Outdated = p.HeadSHA != f.ver.HeadCommitSHA || (p.NewLine == 0 && p.PositionType != "file")
		}
		for _, o := range d.Notes[1:] {
			if o != nil && !o.System {
				n.Replies = append(n.Replies, lifecycle.Author{Login: o.Author.Username, ID: o.Author.ID})
			}
		}
		out.Inline = append(out.Inline, n)
	}
	return out, nil
}

// Threads does nothing: the listing carries each thread's state.
func (f *forge) Threads(context.Context, []*lifecycle.Note) error { return nil }

// Create opens one diff thread (MaxBatch is 1).
func (f *forge) Create(ctx context.Context, ds []*lifecycle.Draft) error {
	r := f.r
	for _, d := range ds {
		pos := r.position(f.ver, f.dm, f.info, d.Path, d.Line)
		if d.File {
			pos = filePosition(f.ver, f.info, d.Path)
		} else if d.StartLine != 0 {
			pos.LineRange = lineRange(f.dm, f.info, d.Path, d.StartLine, d.Line)
		}
		opt := &gl.CreateMergeRequestDiscussionOptions{Body: gl.Ptr(d.Body), Position: pos}
		_, err := r.api.call(ctx, request{method: http.MethodPost, path: r.mrPath("/discussions"), body: opt,
			do: func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
				_, resp, err := r.client.Discussions.CreateMergeRequestDiscussion(r.project, r.iid, opt, opts...)
				return resp, err
			}})
		if err != nil {
			return fmt.Errorf("create thread on %s:%d: %w", d.Path, d.Line, err)
		}
	}
	return nil
}

// Edit replaces the body of a thread's first note.
func (f *forge) Edit(ctx context.Context, n *lifecycle.Note, body string) error {
	r, t := f.r, n.Ref.(*ref)
	opt := &gl.UpdateMergeRequestDiscussionNoteOptions{Body: gl.Ptr(body)}
	_, err := r.api.call(ctx, request{method: http.MethodPut, idempotent: true, body: opt,
		path: r.mrPath("/discussions/%s/notes/%d", t.discussionID, t.noteID),
		do: func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
			_, resp, err := r.client.Discussions.UpdateMergeRequestDiscussionNote(r.project, r.iid, t.discussionID, t.noteID, opt, opts...)
			return resp, err
		}})
	if err != nil {
		return fmt.Errorf("edit thread note %d: %w", t.noteID, err)
	}
	return nil
}

// Resolve resolves or reopens a thread.
func (f *forge) Resolve(ctx context.Context, n *lifecycle.Note, resolved bool) error {
	r, t := f.r, n.Ref.(*ref)
	opt := &gl.ResolveMergeRequestDiscussionOptions{Resolved: gl.Ptr(resolved)}
	_, err := r.api.call(ctx, request{method: http.MethodPut, idempotent: true, body: opt,
		path: r.mrPath("/discussions/%s", t.discussionID),
		do: func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
			_, resp, err := r.client.Discussions.ResolveMergeRequestDiscussion(r.project, r.iid, t.discussionID, opt, opts...)
			return resp, err
		}})
	if err != nil {
		return fmt.Errorf("resolve thread %s: %w", t.discussionID, err)
	}
	return nil
}

// CreateSummary posts the summary as a plain MR note.
func (f *forge) CreateSummary(ctx context.Context, body string) error {
	r := f.r
	opt := &gl.CreateMergeRequestNoteOptions{Body: gl.Ptr(body)}
	_, err := r.api.call(ctx, request{method: http.MethodPost, path: r.mrPath("/notes"), body: opt,
		do: func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
			_, resp, err := r.client.Notes.CreateMergeRequestNote(r.project, r.iid, opt, opts...)
			return resp, err
		}})
	return err
}

// EditSummary replaces the summary note's body.
func (f *forge) EditSummary(ctx context.Context, n *lifecycle.Note, body string) error {
	r, t := f.r, n.Ref.(*ref)
	opt := &gl.UpdateMergeRequestNoteOptions{Body: gl.Ptr(body)}
	_, err := r.api.call(ctx, request{method: http.MethodPut, idempotent: true, body: opt,
		path: r.mrPath("/notes/%d", t.noteID),
		do: func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
			_, resp, err := r.client.Notes.UpdateMergeRequestNote(r.project, r.iid, t.noteID, opt, opts...)
			return resp, err
		}})
	return err
}

// Classify maps GitLab's answers to what the lifecycle does with them:
// 400 is a refused position (`line_code can't be blank`) or note, so the
// finding goes to the summary and the others still post.
func (f *forge) Classify(err error) (lifecycle.Kind, string) { return gitlabErrors.Classify(err) }

var gitlabErrors = lifecycle.Errors{NoAccess: ErrNoWriteAccess, RejectStatus: http.StatusBadRequest}

// APIStatus implements lifecycle.APIError.
func (e *APIError) APIStatus() (int, string) { return e.Status, e.Message }

// lineRange is the position[line_range] of a multi-line thread from start
// to end: each end named by its line code, "SHA1 hash of the filename,
// followed by '_', the line number before the change, '_', and the line
// number after the change" (docs.gitlab.com/api/discussions/#parameters-for-multiline-comments),
// and its type, "new" for an added line. Only line_code and type are sent:
// old_line and new_line there are refused on some GitLab versions ("must
// be a valid json schema": gitlab-org/gitlab#520794, #571619). A range
// whose ends are not both added lines stays a single-line thread on end
// (nil): the type GitLab wants for an unchanged line is not documented.
func lineRange(dm *diff.Diff, info map[string]fileInfo, path string, start, end int) *gl.LineRangeOptions {
	fi := info[diff.CleanPath(path)]
	if dm.Line(path, start) != diff.Added || dm.Line(path, end) != diff.Added {
		return nil
	}
	h := sha1.Sum([]byte(fi.newPath))
	code := func(n int) *gl.LinePositionOptions {
		return &gl.LinePositionOptions{LineCode: gl.Ptr(fmt.Sprintf("%s_%d_%d", hex.EncodeToString(h[:]), fi.addedAt[n], n)), Type: gl.Ptr("new")}
	}
	return &gl.LineRangeOptions{Start: code(start), End: code(end)}
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// filePosition is the position of a thread on a whole file of the diff:
// position_type "file" with the SHAs and both paths, no line
// ("Allowed values: text, image, or file", GitLab 16.4 and later,
// docs.gitlab.com/api/discussions/#create-a-new-thread-in-the-merge-request-diff).
func filePosition(v *gl.MergeRequestDiffVersion, info map[string]fileInfo, path string) *gl.PositionOptions {
	fi := info[diff.CleanPath(path)]
	return &gl.PositionOptions{
		PositionType: gl.Ptr("file"),
		BaseSHA:      gl.Ptr(v.BaseCommitSHA),
		StartSHA:     gl.Ptr(v.StartCommitSHA),
		HeadSHA:      gl.Ptr(v.HeadCommitSHA),
		NewPath:      gl.Ptr(fi.newPath),
		OldPath:      gl.Ptr(fi.oldPath),
	}
}
