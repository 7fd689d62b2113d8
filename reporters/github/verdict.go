package github

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	gh "github.com/google/go-github/v60/github"

	"github.com/runbook-translator/runbook-translator/reporters/forge/lifecycle"
)

// GitHub's side of --request-changes: reviews with event REQUEST_CHANGES
// and their dismissal
// (docs.github.com/en/rest/pulls/reviews#create-a-review-for-a-pull-request,
// #dismiss-a-review-for-a-pull-request).

var _ lifecycle.Verdicts = (*forge)(nil)

// verdictRequest is the body of a review without comments: REQUEST_CHANGES
// needs a body ("Required when using REQUEST_CHANGES or COMMENT").
type verdictRequest struct {
	CommitID string `json:"commit_id"`
	Event    string `json:"event"`
	Body     string `json:"body"`
}

// dismissRequest is the body of PUT .../reviews/{id}/dismissals.
type dismissRequest struct {
	Message string `json:"message"`
	Event   string `json:"event"`
}

// Reviews lists the pull request's reviews.
func (f *forge) Reviews(ctx context.Context) ([]*lifecycle.Review, error) {
	r := f.r
	rs, _, err := listPages[gh.PullRequestReview](ctx, r.api, r.path("pulls/%d/reviews?per_page=100", r.number))
	if err != nil {
		return nil, readErr(fmt.Errorf("list reviews: %w", err))
	}
	out := make([]*lifecycle.Review, 0, len(rs))
	for _, rv := range rs {
		out = append(out, &lifecycle.Review{ID: strconv.FormatInt(rv.GetID(), 10), Ref: rv.GetID(),
			Author: lifecycle.Author{Login: rv.GetUser().GetLogin()}, State: lifecycle.ReviewState(rv.GetState())})
	}
	return out, nil
}

// RequestChanges submits a review with event REQUEST_CHANGES on the head.
func (f *forge) RequestChanges(ctx context.Context, body string) error {
	r := f.r
	_, err := r.api.do(ctx, http.MethodPost, r.path("pulls/%d/reviews", r.number),
		verdictRequest{CommitID: r.head, Event: "REQUEST_CHANGES", Body: body}, nil, false)
	return err
}

// Dismiss dismisses one of the bot's reviews.
func (f *forge) Dismiss(ctx context.Context, rv *lifecycle.Review, message string) error {
	r := f.r
	_, err := r.api.do(ctx, http.MethodPut, r.path("pulls/%d/reviews/%d/dismissals", r.number, rv.Ref.(int64)),
		dismissRequest{Message: message, Event: "DISMISS"}, nil, false)
	return err
}
