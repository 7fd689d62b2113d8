package fakegitlab

import (
	"net/http"
)

// serveUser answers GET /user with the token's user: the bot, for every
// token the fake accepts (a personal access token, or a project or group
// access token, whose user is a bot user:
// docs.gitlab.com/user/project/settings/project_access_tokens/#bot-users-for-projects).
// It reports whether it answered the request.
func (s *Server) serveUser(w http.ResponseWriter, r *http.Request, raw string, body []byte) bool {
	if raw != "/user" {
		return false
	}
	op, _, err := validate(r, raw, body)
	s.requests.Count(op)
	if err != nil {
		s.t.Errorf("fakegitlab: %s %s does not match the GitLab contract: %v", r.Method, raw, err)
		writeMessage(w, 400, "400 Bad request - request does not match the contract")
		return true
	}
	if r.Header.Get("JOB-TOKEN") != "" {
		writeMessage(w, http.StatusForbidden, "403 Forbidden")
		return true
	}
	u := userJSON(BotID, BotUsername)
	u["bot"] = true
	writeJSON(w, http.StatusOK, u)
	return true
}

// AddDiscussion opens a diff thread by a human (user id derived from the
// name) on new_line of path in the latest version of merge request iid,
// bypassing the position rules; it returns the discussion id.
func (s *Server) AddDiscussion(iid int64, username, path string, line int, body string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	vs := s.mrs[iid]
	if len(vs) == 0 {
		s.t.Fatalf("fakegitlab: no merge request %d", iid)
	}
	v := vs[0]
	l := line
	p := &Position{BaseSHA: v.BaseSHA, StartSHA: v.StartSHA, HeadSHA: v.HeadSHA, PositionType: "text",
		NewPath: path, OldPath: path, NewLine: &l}
	n := &Note{ID: s.id(), Type: "DiffNote", Body: body, AuthorID: humanID(username), Author: username,
		Position: p, Resolvable: true}
	d := &Discussion{ID: s.discussionID(), MR: iid, Notes: []*Note{n}}
	s.discussions = append(s.discussions, d)
	return d.ID
}
