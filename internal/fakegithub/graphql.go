package fakegithub

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// graphql answers the two GraphQL operations a review bot needs: the
// reviewThreads query of a pull request (thread node ids with the database
// ids of their comments) and the resolveReviewThread mutation. Anything else
// fails the test: the fake does not parse GraphQL, it recognises these.
func (s *Server) graphql(w http.ResponseWriter, r *http.Request, body []byte) {
	var in struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Query == "" {
		s.t.Errorf("fakegithub: GraphQL request is not {query, variables}: %.500s", body)
		writeJSON(w, 400, map[string]any{"message": "Problems parsing JSON"})
		return
	}
	str := func(k string) string { v, _ := in.Variables[k].(string); return v }
	num := func(k string) int { v, _ := in.Variables[k].(float64); return int(v) }
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.viewer(w, in.Query) {
		return
	}
	switch {
	case strings.Contains(in.Query, "mutation") && (strings.Contains(in.Query, "resolveReviewThread(") || strings.Contains(in.Query, "unresolveReviewThread(")):
		field, resolve := "resolveReviewThread", !strings.Contains(in.Query, "unresolveReviewThread(")
		if !resolve {
			field = "unresolveReviewThread"
		}
		id := str("threadId")
		if !s.can("contents", "write") {
			// GraphQL errors come with HTTP 200 (see Permissions).
			writeJSON(w, 200, map[string]any{"data": map[string]any{field: nil},
				"errors": []any{map[string]any{"type": "FORBIDDEN", "path": []any{field},
					"message": "Resource not accessible by integration"}}})
			return
		}
		root, err := strconv.ParseInt(strings.TrimPrefix(id, "PRRT_"), 10, 64)
		c := s.findComment(root)
		if err != nil || c == nil || c.InReplyTo != 0 {
			writeJSON(w, 200, map[string]any{"data": map[string]any{field: nil},
				"errors": []any{map[string]any{"type": "NOT_FOUND", "message": fmt.Sprintf("Could not resolve to a node with the global id of '%s'", id)}}})
			return
		}
		s.resolved[root] = resolve
		writeJSON(w, 200, map[string]any{"data": map[string]any{field: map[string]any{
			"thread": map[string]any{"id": id, "isResolved": resolve}}}})
	case !strings.Contains(in.Query, "mutation") && strings.Contains(in.Query, "reviewThreads("):
		owner, repo, n := str("owner"), firstNonEmpty(str("repo"), str("name")), num("number")
		if owner != s.owner || repo != s.repo || s.prs[n] == nil {
			writeJSON(w, 200, map[string]any{"data": map[string]any{"repository": nil},
				"errors": []any{map[string]any{"type": "NOT_FOUND", "message": "Could not resolve to a PullRequest"}}})
			return
		}
		first := num("first")
		if first <= 0 || first > 100 {
			first = 100
		}
		start := 0
		if after := str("after"); after != "" {
			start, _ = strconv.Atoi(after)
		}
		roots := s.threadsSorted(n)
		if start > len(roots) {
			start = len(roots)
		}
		end := min(start+first, len(roots))
		nodes := []any{}
		var errs []any
		for _, root := range roots[start:end] {
			comments := []any{}
			for _, c := range s.reviewComments {
				if c.ID == root.ID || c.InReplyTo == root.ID {
					// databaseId is a GraphQL Int (32-bit signed): a larger
					// id is null with an error, as GraphQL requires; the
					// node id and fullDatabaseId (BigInt, a string) carry it.
					node := map[string]any{"id": fmt.Sprintf("PRRC_%d", c.ID), "fullDatabaseId": strconv.FormatInt(c.ID, 10),
						"databaseId": c.ID, "author": map[string]any{"login": c.User}}
					if c.ID > math.MaxInt32 && asksDatabaseID(in.Query) {
						node["databaseId"] = nil
						errs = append(errs, map[string]any{"message": fmt.Sprintf("Int cannot represent non 32-bit signed integer value: %d", c.ID),
							"path": []any{"repository", "pullRequest", "reviewThreads", "nodes", len(nodes), "comments", "nodes", len(comments), "databaseId"}})
					}
					comments = append(comments, node)
				}
			}
			nodes = append(nodes, map[string]any{"id": fmt.Sprintf("PRRT_%d", root.ID), "isResolved": s.resolved[root.ID],
				"isOutdated": root.Line == nil, "path": root.Path, "comments": map[string]any{"nodes": comments}})
		}
		out := map[string]any{"data": map[string]any{"repository": map[string]any{"pullRequest": map[string]any{
			"reviewThreads": map[string]any{"pageInfo": map[string]any{"hasNextPage": end < len(roots), "endCursor": strconv.Itoa(end)},
				"nodes": nodes}}}}}
		if len(errs) > 0 {
			out["errors"] = errs
		}
		writeJSON(w, 200, out)
	default:
		s.t.Errorf("fakegithub: unsupported GraphQL operation: %.500s", in.Query)
		writeJSON(w, 200, map[string]any{"errors": []any{map[string]any{"message": "unsupported by the fake"}}})
	}
}

// databaseIDField matches a selection of databaseId (not fullDatabaseId).
var databaseIDField = regexp.MustCompile(`(^|[^A-Za-z])databaseId\b`)

// asksDatabaseID reports whether a query selects the 32-bit databaseId.
func asksDatabaseID(q string) bool { return databaseIDField.MatchString(q) }
