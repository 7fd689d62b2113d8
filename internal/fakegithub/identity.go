package fakegithub

import (
	"net/http"
	"strings"
)

// TokenApp is a GitHub App installation token (other than the Actions
// one): GET /user answers 403 "Resource not accessible by integration",
// GraphQL's viewer answers the app's bot user AppLogin, and what it creates
// is authored by AppLogin (fullsend-ai/fullsend#1953: "viewer returns
// fullsend-ai-coder[bot]"; joshjohanning/bulk-github-repo-settings-sync-action#194:
// "App → { viewer: { login: "...[bot]" } }"; pingdotgg/t3code#11273).
const TokenApp TokenKind = 2

// AppLogin is the bot user of the fake's GitHub App ("<app-slug>[bot]").
const AppLogin = "runbook-app[bot]"

// viewer answers GraphQL `viewer { login }`, the way to ask who a token is
// that also works for App installation tokens. For the Actions
// GITHUB_TOKEN no public source says what viewer answers, so the fake is
// the stricter one: FORBIDDEN, as GET /user is. It reports whether it
// answered the request.
func (s *Server) viewer(w http.ResponseWriter, query string) bool {
	if strings.Contains(query, "mutation") || !strings.Contains(query, "viewer") {
		return false
	}
	switch s.TokenKind {
	case TokenActions:
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"viewer": nil},
			"errors": []any{map[string]any{"type": "FORBIDDEN", "path": []any{"viewer"},
				"message": "Resource not accessible by integration"}}})
	default:
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"viewer": map[string]any{"login": s.author()}}})
	}
	return true
}
