package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/messages"
)

// Reasons a file's lines are not known. GitLab's diff limits
// (https://docs.gitlab.com/administration/diff_limits/) collapse a file's
// diff past 10% of a limit and mark it too large past the limit; the API
// then sends `diff: ""` with `collapsed` or `too_large` set
// (https://docs.gitlab.com/api/merge_requests/#list-merge-request-diffs).
// Their words are in the message table (messages/limits_en.go), so the
// summary gives them in the run's language; the job log has the English.
var (
	reasonTooLarge  = messages.M("diff.gl_too_large")
	reasonCollapsed = messages.M("diff.gl_collapsed")
)

// maxUnknownLogged bounds the log lines naming files whose lines are not
// known.
const maxUnknownLogged = 20

// changes lists the files of the latest version and builds the diff model,
// and the old-side facts positions need, from them. A file whose diff is
// missing or cannot be read is in the model with the reason, so that its
// findings go to the summary with it and the other files still get their
// threads. When GitLab stopped listing files at its diff limits (the
// version's real_size ends in "+", the string GitLab gives for an
// overflowing diff: gitlab-org/gitlab#36398; or /changes answers
// overflow: true), a path missing from the listing is said to be past the
// cut rather than outside the diff.
func (r *Discussions) changes(ctx context.Context, ver *gl.MergeRequestDiffVersion) (*diff.Diff, map[string]fileInfo, error) {
	files, overflow, err := r.diffs(ctx)
	if err != nil {
		return nil, nil, err
	}
	dm, info := model(files)
	if overflow || strings.HasSuffix(ver.RealSize, "+") {
		dm.SetTruncated(messages.M("diff.gl_truncated", len(files), orMore(ver.RealSize, len(files))))
		r.logf("the diff listing stops at %d files (diff limits); findings in other files go to the summary", len(files))
	}
	for _, l := range dm.DescribeUnknown(maxUnknownLogged) {
		r.logf("%s", l)
	}
	return dm, info, nil
}

func orMore(realSize string, n int) string {
	if realSize != "" {
		return realSize
	}
	return fmt.Sprintf("%d+", n)
}

// diffs lists the files of the latest version (GET .../diffs, paginated),
// falling back to the deprecated GET .../changes on GitLab before 15.7,
// which answers .../diffs with 404. overflow is the /changes answer's
// flag (the /diffs listing has none; the version's real_size tells).
func (r *Discussions) diffs(ctx context.Context) (files []*gl.MergeRequestDiff, overflow bool, err error) {
	ds, err := listAll(ctx, r.api, http.MethodGet, r.mrPath("/diffs"),
		func(page int64, opts ...gl.RequestOptionFunc) ([]*gl.MergeRequestDiff, *gl.Response, error) {
			return r.client.MergeRequests.ListMergeRequestDiffs(r.project, r.iid,
				&gl.ListMergeRequestDiffsOptions{ListOptions: gl.ListOptions{Page: page, PerPage: perPage}}, opts...)
		})
	var ae *APIError
	if err == nil || !errors.As(err, &ae) || ae.Status != http.StatusNotFound {
		if err != nil {
			return nil, false, fmt.Errorf("list merge request diffs: %w", err)
		}
		return ds, false, nil
	}
	r.logf("GET .../diffs is not available; falling back to .../changes")
	// client-go v2's MergeRequest has no "changes" field, so the answer is
	// decoded here; the request still goes through the client.
	var mr struct {
		Changes  []*gl.MergeRequestDiff `json:"changes"`
		Overflow bool                   `json:"overflow"`
	}
	path := r.mrPath("/changes")
	_, err = r.api.call(ctx, request{method: http.MethodGet, path: path, idempotent: true,
		do: func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
			req, err := r.client.NewRequest(http.MethodGet, path,
				&gl.GetMergeRequestChangesOptions{AccessRawDiffs: gl.Ptr(true)}, opts)
			if err != nil {
				return nil, err
			}
			return r.client.Do(req, &mr)
		}})
	if err != nil {
		return nil, false, fmt.Errorf("get merge request changes: %w", err)
	}
	return mr.Changes, mr.Overflow, nil
}

// model builds the diff model of a merge request's diffs, and the old-side
// facts positions need, keyed by new path. It never fails: a diff that
// cannot be read makes only its own file unknown.
func model(ds []*gl.MergeRequestDiff) (*diff.Diff, map[string]fileInfo) {
	ps := make([]diff.Patch, 0, len(ds))
	info := make(map[string]fileInfo, len(ds))
	bad := map[string]messages.Msg{}
	for _, d := range ds {
		patch := stripFileHeaders(d.Diff)
		status := ""
		switch {
		case d.NewFile:
			status = "added"
		case d.DeletedFile:
			status = "removed"
		case d.RenamedFile:
			status = "renamed"
		}
		p := d.NewPath
		if p == "" {
			p = d.OldPath
		}
		dp := diff.Patch{Path: p, OldPath: d.OldPath, Status: status, Patch: patch}
		switch {
		case d.TooLarge:
			dp.Patch, dp.OmittedMsg = "", reasonTooLarge
		case d.Collapsed && patch == "":
			dp.OmittedMsg = reasonCollapsed
		}
		ps = append(ps, dp)
		old, err := contextOldLines(dp.Patch)
		if err != nil {
			bad[diff.CleanPath(p)] = messages.M("diff.gl_unreadable", p, err.Error())
		}
		oldPath := d.OldPath
		if oldPath == "" {
			oldPath = p // GitLab wants old_path = new_path for added files
		}
		info[diff.CleanPath(p)] = fileInfo{newPath: p, oldPath: oldPath, oldLines: old}
	}
	m := diff.FromPatches(ps)
	for p, why := range bad {
		if f, ok := m.File(p); ok && f.Unknown == "" {
			f.SetUnknown(why)
		}
	}
	return m, info
}
