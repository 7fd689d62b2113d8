package lifecycle

import (
	"context"
	"errors"

	"github.com/runbook-translator/runbook-translator/messages"
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
		s.verdictNote("life.list_reviews", err)
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
		body := messages.N(s.lang, "life.request_changes", failing)
		s.logm("lifelog.request_changes", failing)
		if err := s.write(ctx, func() error { return v.RequestChanges(ctx, body) }); err != nil {
			s.verdictNote("life.request", err)
		}
		return
	}
	msg := messages.T(s.lang, "life.dismiss", short(s.cfg.Head))
	for _, r := range standing {
		s.logm("lifelog.dismiss", r.ID)
		if err := s.write(ctx, func() error { return v.Dismiss(ctx, r, msg) }); err != nil {
			s.verdictNote("life.dismiss_review", err)
			return
		}
	}
}

// verdictNote says in the summary that the review state could not be set.
func (s *state) verdictNote(what messages.Key, err error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		s.errs = append(s.errs, err)
		return
	}
	_, msg := s.f.Classify(err)
	s.logm("lifelog.verdict_failed", messages.T(s.lang, what), msg)
	s.addNote(messages.T(s.lang, "life.verdict_failed", messages.T(s.lang, what), s.cfg.Forge, s.redact(msg), s.cfg.VerdictHelp))
}
