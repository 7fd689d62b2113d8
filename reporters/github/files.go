package github

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v60/github"

	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/messages"
)

// maxUnknownLogged bounds the log lines naming files whose lines are not
// known (a pull request of 3,000 binary files would otherwise print 3,000).
const maxUnknownLogged = 20

// maxListedFiles is the cap of GET /pulls/{n}/files: "Responses include a
// maximum of 3000 files"
// (https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files).
const maxListedFiles = 3000

// noPatch is the reason given for a file GitHub lists without a patch:
// "patch" is optional in the diff-entry schema, and GitHub leaves it out
// for binary files and for diffs too large to show. Its words are in the
// message table (messages/limits_en.go), so the summary gives them in the
// run's language; the job log has the English.
var noPatch = messages.M("diff.gh_no_patch")

// diff reads the pull request first (checkHead, head.go): when its head
// is not the analysed commit it returns the *StaleHeadError before
// anything is written. Then it builds the diff model from GET
// /pulls/{n}/files, which pages through up to 3000 files; the whole-diff
// media type fails past 300 files. A file
// whose patch is missing or cannot be read is in the model with the reason
// (its findings go to the summary with it); when the listing was cut at
// 3000 files, or has fewer files than the pull request's changed_files, a
// path missing from it is said to be past the cut rather than outside the
// diff.
func (r *Reviewer) diff(ctx context.Context) (*diff.Diff, error) {
	pr, err := r.checkHead(ctx)
	if err != nil {
		return nil, err
	}
	files, err := list[gh.CommitFile](ctx, r.api, r.path("pulls/%d/files?per_page=100", r.number))
	if err != nil {
		return nil, fmt.Errorf("list pull request files: %w", err)
	}
	ps := make([]diff.Patch, 0, len(files))
	for _, f := range files {
		p := diff.Patch{Path: f.GetFilename(), OldPath: f.GetPreviousFilename(), Status: f.GetStatus(), Patch: f.GetPatch()}
		if f.Patch == nil {
			p.OmittedMsg = noPatch
		}
		ps = append(ps, p)
	}
	d := diff.FromPatches(ps)
	changed := pr.GetChangedFiles()
	if len(files) >= maxListedFiles || changed > len(files) {
		total := "more"
		if changed > len(files) {
			total = fmt.Sprintf("%d", changed)
		}
		if changed > len(files) {
			d.SetTruncated(messages.M("diff.gh_truncated", len(files), changed))
		} else {
			d.SetTruncated(messages.M("diff.gh_truncated_more", len(files)))
		}
		r.logf("the file listing stops at %d of %s files; findings in other files go to the summary", len(files), total)
	}
	for _, l := range d.DescribeUnknown(maxUnknownLogged) {
		r.logf("%s", l)
	}
	return d, nil
}
