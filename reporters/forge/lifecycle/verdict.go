package lifecycle

import (
	"context"
	"errors"
	"fmt"
)

// ReviewState is the state of a submitted review, as GitHub names it
// (docs.github.com/en/rest/pulls/reviews: APPROVED, CHANGES_REQUESTED,
// COMMENTED, DISMISSED, PENDING).
type ReviewState string

// ChangesRequested is the state of a review that requests changes.
const ChangesRequested ReviewState = "CHANGES_REQUESTED"

// Review is one review of the request as the forge lists it.
type Review struct {
	// ID identifies the review in logs; Ref is the forge's handle.
	ID     string
	Ref    any
	Author Author
	State  ReviewState
}

// Verdicts is implemented by a forge that can request changes (GitHub):
// while failing findings remain, the bot's review requests changes; once
// none remain, the bot's earlier such reviews are dismissed. Only reviews
// by the bot's own identity are ever dismissed.
type Verdicts interface {
	// Reviews lists the request's reviews, oldest first.
	Reviews(ctx context.Context) ([]*Review, error)
	// RequestChanges submits a review that requests changes, with body.
	RequestChanges(ctx context.Context, body string) error
	// Dismiss dismisses a review with a message.
	Dismiss(ctx context.Context, r *Review, message string) error
}

// verdict brings the bot's review state in line with the run: one review
// requesting changes while failing findings remain, none once they are
// fixed. It never fails the run: the findings are posted already, and a
// refused request (the Actions GITHUB_TOKEN on a repository that does not
// let Actions approve pull requests, a PAT on its own pull request) is a
// note in the summary. Nothing is written when the state is already
// right, so an identical re-run writes nothing.
func (s *state) verdict(ctx context.Context, v Verdicts, failing int) {
	rs, err := v.Reviews(ctx)
	if err != nil {
		s.verdictNote("list reviews", err)
		return
	}
	var standing []*Review
	for _, r := range rs {
		if s.self.Is(r.Author) && r.State == ChangesRequested {
			standing = append(standing, r)
		}
	}
	if failing > 0 {
		if len(standing) > 0 {
			return // still requesting changes: nothing to write
		}
		body := fmt.Sprintf("%d findings at or above the fail level remain; the summary comment lists them. "+
			"This review is dismissed once they are fixed.", failing)
		if failing == 1 {
			body = "1 finding at or above the fail level remains; the summary comment lists it. " +
				"This review is dismissed once it is fixed."
		}
		s.logf("request changes (%d failing findings)", failing)
		if err := s.write(ctx, func() error { return v.RequestChanges(ctx, body) }); err != nil {
			s.verdictNote("request changes", err)
		}
		return
	}
	msg := "No findings at or above the fail level remain as of " + short(s.cfg.Head) + "."
	for _, r := range standing {
		s.logf("dismiss review %s", r.ID)
		if err := s.write(ctx, func() error { return v.Dismiss(ctx, r, msg) }); err != nil {
			s.verdictNote("dismiss the review requesting changes", err)
			return
		}
	}
}

// verdictNote says in the summary that the review state could not be set.
func (s *state) verdictNote(what string, err error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		s.errs = append(s.errs, err)
		return
	}
	_, msg := s.f.Classify(err)
	s.logf("%s failed (%s); the run goes on", what, msg)
	s.addNote("Could not %s (%s answered: %s). The findings are posted all the same; %s", what, s.cfg.Forge, s.redact(msg), s.cfg.VerdictHelp)
}
