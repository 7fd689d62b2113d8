package fakegithub

import (
	"encoding/json"
	"net/http"
)

// Reviews that approve or request changes, and their dismissal
// (docs.github.com/en/rest/pulls/reviews#create-a-review-for-a-pull-request:
// event APPROVE, REQUEST_CHANGES or COMMENT, blank = PENDING;
// #dismiss-a-review-for-a-pull-request: PUT .../reviews/{id}/dismissals
// with a required message, the review's state becomes DISMISSED).

// ReviewRules are the settings that decide whether the token may approve
// or request changes.
type ReviewRules struct {
	// ActionsMayApprove is the repository setting "Allow GitHub Actions to
	// create and approve pull requests" (off by default). While it is
	// off, GitHub answers the Actions GITHUB_TOKEN's APPROVE with 422
	// "GitHub Actions is not permitted to approve pull requests."
	// (cpp-linter/cpp-linter#51, fastify/github-action-merge-dependabot#359,
	// microsoft/physical-ai-toolchain#975). No public source says whether
	// REQUEST_CHANGES is refused the same way: the fake is the stricter
	// one and refuses it with the same answer.
	ActionsMayApprove bool
	// OpenedBy is the login that opened every pull request: a token of
	// that user gets 422 "Can not request changes on your own pull
	// request" (MorrisonCole/pr-lint-action#265) or "Can not approve your
	// own pull request" (cpp-linter/cpp-linter#51).
	OpenedBy string
}

// reviewState is the state a submitted review's event gives it.
func reviewState(event string) string {
	switch event {
	case "APPROVE":
		return "APPROVED"
	case "REQUEST_CHANGES":
		return "CHANGES_REQUESTED"
	case "":
		return "PENDING"
	}
	return "COMMENTED"
}

// refusedEvent returns GitHub's 422 message when the token may not submit
// a review with event, "" when it may.
func (s *Server) refusedEvent(event string) string {
	if event != "APPROVE" && event != "REQUEST_CHANGES" {
		return ""
	}
	if s.TokenKind == TokenActions && !s.ReviewRules.ActionsMayApprove {
		return "GitHub Actions is not permitted to approve pull requests."
	}
	if s.ReviewRules.OpenedBy != "" && s.ReviewRules.OpenedBy == s.author() {
		if event == "APPROVE" {
			return "Can not approve your own pull request"
		}
		return "Can not request changes on your own pull request"
	}
	return ""
}

// dismissReview serves PUT .../reviews/{id}/dismissals. Only an approval
// or a request for changes can be dismissed; GitHub answers 422 "Can not
// dismiss a commented pull request review" and "Can not dismiss a
// dismissed pull request review" otherwise (the texts public clients match
// on when they dismiss their own reviews). Dismissing needs
// pull-requests: write; a review of another user can be dismissed by
// anyone with write access (the docs' note about protected branches is
// not modelled).
func (s *Server) dismissReview(w http.ResponseWriter, n int, id int64, body []byte) {
	var in struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &in)
	if !s.can("pull-requests", "write") {
		writeJSON(w, 403, apiError{Message: "Resource not accessible by integration", Status: "403",
			DocumentationURL: "https://docs.github.com/rest/pulls/reviews#dismiss-a-review-for-a-pull-request"})
		return
	}
	for _, rv := range s.reviews {
		if rv.ID != id || rv.PR != n {
			continue
		}
		switch rv.State {
		case "APPROVED", "CHANGES_REQUESTED":
		case "DISMISSED":
			writeError(w, 422, "Unprocessable Entity", "Can not dismiss a dismissed pull request review")
			return
		default:
			writeError(w, 422, "Unprocessable Entity", "Can not dismiss a commented pull request review")
			return
		}
		rv.State, rv.DismissMessage = "DISMISSED", in.Message
		writeJSON(w, 200, s.reviewJSON(rv))
		return
	}
	writeError(w, 404, "Not Found")
}

// AddReview adds a submitted review by user with state (APPROVED,
// CHANGES_REQUESTED, COMMENTED) on pull request pr, as a human reviewer
// would leave one, and returns its id.
func (s *Server) AddReview(pr int, user, state string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	rv := &Review{ID: s.id(), PR: pr, User: user, State: state, Body: "review by " + user}
	if p := s.prs[pr]; p != nil {
		rv.CommitID = p.Head
	}
	s.reviews = append(s.reviews, rv)
	return rv.ID
}
