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
	s.mu.Lock()
	s.counts.ByOp[op]++
	s.mu.Unlock()
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
