package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v60/github"
)

// ErrStaleHead is matched (errors.Is) by a *StaleHeadError.
var ErrStaleHead = errors.New("the pull request's head is not the analysed commit")

// StaleHeadError says the pull request's head has moved past the commit
// the findings are for: a push or a force-push happened while the job ran,
// or a late run (a re-run of an old job) reports an old commit. Its line
// numbers would point at other code, a comment on a force-pushed-away
// commit gets 422 "commit_id is not part of the pull request"
// (https://github.com/prontolabs/pronto/issues/99), and its summary would
// overwrite the newer run's. So the reviewer writes nothing; the run for
// the new head reports.
type StaleHeadError struct {
	// PR is the pull request number.
	PR int
	// Analysed is the commit the findings are for (--sha, the event's
	// pull_request.head.sha).
	Analysed string
	// Head is the pull request's head now (GET pulls/{n}: head.sha).
	Head string
}

func (e *StaleHeadError) Error() string {
	return fmt.Sprintf("pull request #%d is now at %s, not at the analysed commit %s (a push or force-push since, or a late run): nothing posted; the run for %s reports",
		e.PR, short(e.Head), short(e.Analysed), short(e.Head))
}

// Is makes errors.Is(err, ErrStaleHead) true.
func (e *StaleHeadError) Is(target error) bool { return target == ErrStaleHead }

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// checkHead reads the pull request (GET /repos/{owner}/{repo}/pulls/{n},
// https://docs.github.com/en/rest/pulls/pulls#get-a-pull-request) and
// compares its head.sha with the commit the comments are placed on. It
// returns the pull request (its changed_files tells a cut file listing,
// see diff) and a *StaleHeadError when the head has moved, before
// anything is written.
func (r *Reviewer) checkHead(ctx context.Context) (*gh.PullRequest, error) {
	var pr gh.PullRequest
	if _, err := r.api.do(ctx, http.MethodGet, r.path("pulls/%d", r.number), nil, &pr, true); err != nil {
		return nil, fmt.Errorf("get pull request #%d: %w", r.number, err)
	}
	head := pr.GetHead().GetSHA()
	if head == "" {
		return nil, fmt.Errorf("get pull request #%d: the answer names no head commit", r.number)
	}
	if !strings.EqualFold(head, r.head) {
		return &pr, &StaleHeadError{PR: r.number, Analysed: r.head, Head: head}
	}
	return &pr, nil
}
