// Package fakegithub is a stateful fake of the GitHub REST and GraphQL APIs
// a pull-request review bot uses, for tests. It keeps pull requests with
// their files, review comments and threads, reviews, issue comments and
// check runs, and reproduces the forge's rules that its OpenAPI description
// does not encode (see testdata/contracts/github/README.md):
//
//   - a review comment on a line that is not part of the PR diff gets 422,
//     and a review with one such comment is rejected as a whole;
//   - start_line equal to line gets 422; bodies over 65,536 characters get 422;
//   - injected faults: primary and secondary rate limits, 5xx, connection
//     resets (before or after the write was applied), stalls longer than
//     the client's timeout, and writes refused with 403/404 (a fork's
//     read-only token); EchoToken puts the caller's token into every error
//     answer, as a careless proxy might; AfterPage changes state between
//     the pages of a listing, as another user might;
//   - a review with more than MaxReviewComments comments gets 502.
//
// Every REST request is validated against the official OpenAPI description
// with kin-openapi; one that does not validate fails the test.
package fakegithub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/runbook-translator/runbook-translator/internal/fakeforge"
)

// BotLogin is the login of the token the fake serves: everything created
// through the API is authored by it.
const BotLogin = "runbook-translator[bot]"

// ActionsLogin is the author of everything the Actions GITHUB_TOKEN
// creates (user type Bot): the documented way for a workflow to know its
// own comments, since that installation token cannot call GET /user
// (https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication;
// GET /user answers 403 "Resource not accessible by integration" to it:
// https://github.com/actions/create-github-app-token/issues/258,
// https://github.com/anthropics/claude-code-action/issues/538).
const ActionsLogin = "github-actions[bot]"

// TokenKind is the kind of token the fake is called with.
type TokenKind int

const (
	// TokenPAT is a personal access token: GET /user answers its user
	// (BotLogin), who authors what the token creates.
	TokenPAT TokenKind = iota
	// TokenActions is the Actions GITHUB_TOKEN, an installation token:
	// GET /user answers 403 "Resource not accessible by integration", and
	// what it creates is authored by ActionsLogin.
	TokenActions
)

// MaxBody is GitHub's comment body limit in characters.
const MaxBody = 65536

// File is one file of a pull request, as GET /pulls/{n}/files returns it.
type File struct {
	Filename         string
	Status           string // added, removed, modified, renamed, ...
	PreviousFilename string
	// Patch is the file's hunks without file headers; "" for binary files.
	Patch string
}

// PR is a pull request.
type PR struct {
	Number int
	Head   string
	Files  []File
}

// ReviewComment is a pull request review comment.
type ReviewComment struct {
	ID        int64
	PR        int
	ReviewID  int64
	InReplyTo int64
	User      string
	Path      string
	// Line is nil once the comment is outdated by a push.
	Line         *int
	OriginalLine int
	StartLine    *int
	Side         string
	Body         string
	CommitID     string
	// SubjectType is "file" for a file-level comment (filecomment.go).
	SubjectType string
}

// Review is a submitted pull request review.
type Review struct {
	ID       int64
	PR       int
	User     string
	Body     string
	State    string
	CommitID string
	Comments int
	// DismissMessage is the message of a dismissal (reviews.go).
	DismissMessage string
}

// IssueComment is a comment on the pull request's conversation.
type IssueComment struct {
	ID    int64
	Issue int
	User  string
	Body  string
}

// CheckRun is a check run with its annotations.
type CheckRun struct {
	ID          int64
	Name        string
	HeadSHA     string
	Status      string
	Conclusion  string
	Title       string
	Summary     string
	Annotations []json.RawMessage
}

// Fault is an injected failure for the next matching requests (see
// fakeforge.Fault; EchoToken on a fault adds the token to that fault's
// message, as Server.EchoToken does for every error answer).
type Fault = fakeforge.Fault

// Counts are the requests the fake served.
type Counts struct {
	// Reads are GET requests and GraphQL queries.
	Reads int
	// Writes are POST, PATCH, PUT and DELETE requests and GraphQL mutations.
	Writes int
	// ByMethod counts per HTTP method ("GRAPHQL-QUERY", "GRAPHQL-MUTATION"
	// for GraphQL).
	ByMethod map[string]int
}

// Server is the fake. Create it with New; it is closed with the test.
type Server struct {
	*httptest.Server
	t testing.TB
	// Inject, ClearFaults and SetReadOnly.
	fakeforge.Controls

	// MaxReviewComments: a review with more comments gets 502, as large
	// reviews time out on GitHub. Zero means 50.
	MaxReviewComments int
	// ReviewTimeoutApplies makes that 502 happen after the review was
	// created, as a gateway timeout can.
	ReviewTimeoutApplies bool
	// RejectLines are "path:line" keys GitHub refuses although the patch
	// shows them, as when its diff disagrees with the listed patch.
	RejectLines map[string]bool
	// Now is the fake's clock for rate limit resets; time.Now when nil.
	Now func() time.Time
	// EchoToken puts the token a request carried into the message of
	// every error answer (faults, 4xx, read-only refusals), as a careless
	// proxy or error page might.
	EchoToken bool
	// TokenKind is the kind of token every request carries (TokenPAT by
	// default).
	TokenKind TokenKind
	// Permissions, when not nil, are the token's permissions as a
	// workflow's permissions: block sets them ("contents": "write",
	// "pull-requests": "write", ...). Without "contents": "write",
	// resolveReviewThread and unresolveReviewThread answer HTTP 200 with
	// errors[].type FORBIDDEN "Resource not accessible by integration",
	// as github.com does for an Actions token with only pull-requests:
	// write (reported in this project's issue 9, item 2). nil grants all.
	Permissions map[string]string
	// SmallIDs hands out ids from 1001 as the fake once did, so that
	// GraphQL databaseId always fits a 32-bit Int. For compatibility only:
	// by default ids start above 2^32, as on github.com (see IDBase).
	SmallIDs bool
	// AfterPage, when set, is called after page n of a listing at path
	// (without /api/v3, e.g. /repos/o/r/pulls/7/comments) was read and
	// before it is sent: a hook that changes state while a client pages
	// through, as another user might. It may call the Server's methods.
	AfterPage func(path string, n int)
	// ReviewRules decide whether the token may approve or request
	// changes (reviews.go).
	ReviewRules ReviewRules
	// SecondaryLimits, when set (DocumentedSecondaryLimits), refuse
	// content-generating requests past them with 403 and retry-after
	// (secondary.go).
	SecondaryLimits []SecondaryLimit

	mu             sync.Mutex
	owner, repo    string
	prs            map[int]*PR
	reviewComments []*ReviewComment
	reviews        []*Review
	issueComments  []*IssueComment
	checkRuns      []*CheckRun
	resolved       map[int64]bool          // root comment id -> thread resolved
	lineText       map[int64]string        // root comment id -> text of its line (outdate.go)
	commits        map[int]map[string]bool // PR -> commits part of it
	nextID         int64
	requests       fakeforge.Requests
	writeTimes     []time.Time // accepted writes, for SecondaryLimits
	secondaryHits  int
	git            gitState // the repository side (contents.go)
}

// New starts a fake for owner/repo. The go-github client reaches it with
// github.NewClient(nil).WithEnterpriseURLs(srv.URL+"/", srv.URL+"/") (paths
// under /api/v3 and /api/graphql) or with BaseURL set to srv.URL+"/".
func New(t testing.TB, owner, repo string) *Server {
	t.Helper()
	if _, err := contract.Load(); err != nil {
		t.Fatalf("fakegithub: %v", err)
	}
	s := &Server{t: t, owner: owner, repo: repo, prs: map[int]*PR{}, resolved: map[int64]bool{}, commits: map[int]map[string]bool{}, nextID: 1000}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// AddPR adds or replaces a pull request. Replacing one is a new push: review
// comments follow their line or become outdated (line null), see outdate.go.
func (s *Server) AddPR(pr PR) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := pr
	s.prs[pr.Number] = &p
	if s.commits[pr.Number] == nil {
		s.commits[pr.Number] = map[string]bool{}
	}
	s.commits[pr.Number][pr.Head] = true // a push keeps the earlier commits
	s.outdate(&p)
}

// ForcePush replaces the head and files of pull request n as a force-push
// does: the earlier commits are no longer part of the pull request, so a
// comment with an old commit_id gets 422 "commit_id is not part of the
// pull request" (code custom, field commit_id:
// https://github.com/prontolabs/pronto/issues/99) and a review with one
// "The commitOID is not part of the pull request"
// (https://github.com/reviewdog/reviewdog/issues/434); comments follow
// their line or become outdated (see outdate.go).
func (s *Server) ForcePush(n int, head string, files []File) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.prs[n]
	if p == nil {
		s.t.Fatalf("fakegithub: no pull request %d", n)
	}
	q := *p
	q.Head, q.Files = head, files
	s.prs[n] = &q
	s.commits[n] = map[string]bool{head: true}
	s.outdate(&q)
}

// Reply adds a reply by a human to a review comment thread.
func (s *Server) Reply(to int64, login, body string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	root := s.findComment(to)
	if root == nil {
		s.t.Fatalf("fakegithub: no review comment %d", to)
	}
	c := *root
	c.ID, c.InReplyTo, c.User, c.Body, c.ReviewID = s.id(), root.ID, login, body, s.id()
	s.reviewComments = append(s.reviewComments, &c)
	return c.ID
}

// AddReviewComment adds a top-level review comment by login (e.g. a human)
// on path:line of a pull request, bypassing the diff check.
func (s *Server) AddReviewComment(pr int, login, path string, line int, body string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := line
	c := &ReviewComment{ID: s.id(), PR: pr, ReviewID: s.id(), User: login, Path: path, Line: &l, OriginalLine: line,
		Side: "RIGHT", Body: body}
	s.reviewComments = append(s.reviewComments, c)
	return c.ID
}

// DeleteReviewComment deletes a review comment, as its author or an admin
// might; it reports whether the comment existed.
func (s *Server) DeleteReviewComment(id int64) bool {
	return fakeforge.RemoveLocked(&s.mu, &s.reviewComments, func(c *ReviewComment) bool { return c.ID == id })
}

// DeleteIssueComment deletes a conversation comment; it reports whether
// the comment existed.
func (s *Server) DeleteIssueComment(id int64) bool {
	return fakeforge.RemoveLocked(&s.mu, &s.issueComments, func(c *IssueComment) bool { return c.ID == id })
}

// AddIssueComment adds a conversation comment (e.g. by a human).
func (s *Server) AddIssueComment(pr int, login, body string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &IssueComment{ID: s.id(), Issue: pr, User: login, Body: body}
	s.issueComments = append(s.issueComments, c)
	return c.ID
}

// ReviewComments returns copies of the review comments of a pull request.
func (s *Server) ReviewComments(pr int) []ReviewComment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fakeforge.Select(s.reviewComments, func(c *ReviewComment) bool { return c.PR == pr }, deref)
}

// Reviews returns copies of the reviews of a pull request.
func (s *Server) Reviews(pr int) []Review {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fakeforge.Select(s.reviews, func(r *Review) bool { return r.PR == pr }, deref)
}

// IssueComments returns copies of the conversation comments of a pull request.
func (s *Server) IssueComments(pr int) []IssueComment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fakeforge.Select(s.issueComments, func(c *IssueComment) bool { return c.Issue == pr }, deref)
}

// CheckRuns returns copies of the check runs.
func (s *Server) CheckRuns() []CheckRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fakeforge.Select(s.checkRuns, func(*CheckRun) bool { return true }, deref)
}

// deref copies what p points to.
func deref[T any](p *T) T { return *p }

// Resolved reports whether the thread a review comment starts is resolved.
func (s *Server) Resolved(commentID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resolved[commentID]
}

// Counts returns the requests served since the last ResetCounts.
func (s *Server) Counts() Counts {
	reads, writes, by := s.requests.Counts()
	return Counts{Reads: reads, Writes: writes, ByMethod: by}
}

// ResetCounts zeroes the request counts and the request log.
func (s *Server) ResetCounts() { s.requests.Reset() }

// Log returns "METHOD path" of every request since the last ResetCounts.
func (s *Server) Log() []string { return s.requests.Log() }

// IDBase is where the fake's numeric ids start: above 2^32, because
// github.com's ids no longer fit GraphQL's 32-bit Int, which is why
// "databaseId will be removed because it does not support 64-bit signed
// integer identifiers. Use fullDatabaseId instead."
// (https://docs.github.com/en/graphql/overview/breaking-changes).
const IDBase int64 = 1<<32 + 1000

// author is the login that authors what the token creates.
func (s *Server) author() string {
	switch s.TokenKind {
	case TokenActions:
		return ActionsLogin
	case TokenApp:
		return AppLogin
	}
	return BotLogin
}

// can reports whether the token has permission scope at level ("read" or
// "write"); a nil Permissions grants everything.
func (s *Server) can(scope, level string) bool {
	if s.Permissions == nil {
		return true
	}
	got := s.Permissions[scope]
	return got == "write" || (level == "read" && got == "read")
}

func (s *Server) id() int64 {
	if s.nextID == 1000 && !s.SmallIDs {
		s.nextID = IDBase
	}
	s.nextID++
	return s.nextID
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) findComment(id int64) *ReviewComment {
	c, _ := fakeforge.First(s.reviewComments, func(c *ReviewComment) bool { return c.ID == id })
	return c
}

// apiError is GitHub's error body.
type apiError struct {
	Message          string `json:"message"`
	Errors           []any  `json:"errors,omitempty"`
	DocumentationURL string `json:"documentation_url"`
	Status           string `json:"status,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	if tok, ok := fakeforge.Echoed(w); ok && status >= 400 {
		if ae, ok := v.(apiError); ok {
			ae.Message += " (token " + tok + ")"
			v = ae
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string, errs ...any) {
	writeJSON(w, status, apiError{Message: msg, Errors: errs, Status: strconv.Itoa(status),
		DocumentationURL: "https://docs.github.com/rest"})
}

const secondaryDoc = "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	p = strings.TrimPrefix(p, "/api/v3")
	if p == "/api/graphql" {
		p = "/graphql"
	}
	body, err := fakeforge.ReadBody(r)
	if err != nil {
		writeError(w, 400, "read body: "+err.Error())
		return
	}
	isWrite := r.Method != http.MethodGet && r.Method != http.MethodHead
	kind := r.Method
	if p == "/graphql" && r.Method == http.MethodPost {
		isWrite = strings.Contains(string(body), "mutation")
		kind = "GRAPHQL-QUERY"
		if isWrite {
			kind = "GRAPHQL-MUTATION"
		}
	}

	s.mu.Lock()
	s.requests.Add(r.Method, p, isWrite)
	s.requests.Count(kind)
	fault, readOnly := s.Switched(r.Method, p)
	s.mu.Unlock()

	if s.EchoToken {
		w = &fakeforge.EchoWriter{ResponseWriter: w, Token: requestToken(r)}
	}
	w.Header().Set("X-RateLimit-Limit", "5000")
	w.Header().Set("X-RateLimit-Remaining", "4999")
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(s.now().Add(time.Hour).Unix(), 10))

	play := s.player()
	fault, done := play.Before(w, r, fault)
	if done {
		return
	}
	if isWrite && readOnly != 0 {
		if p == "/graphql" {
			msg := "Resource not accessible by integration"
			if tok, ok := fakeforge.Echoed(w); ok {
				msg += " (token " + tok + ")"
			}
			writeJSON(w, 200, map[string]any{"data": nil, "errors": []any{map[string]any{
				"type": "FORBIDDEN", "message": msg}}})
			return
		}
		if readOnly == 404 {
			writeError(w, 404, "Not Found")
		} else {
			writeError(w, 403, "Resource not accessible by integration")
		}
		return
	}
	if isWrite && s.secondaryLimited(w) {
		return
	}

	play.After(w, r, fault, func(w http.ResponseWriter) {
		if p == "/graphql" {
			s.graphql(w, r, body)
			return
		}
		op, params, err := validate(r, p, body)
		if err != nil {
			s.t.Errorf("fakegithub: %s %s does not match the GitHub OpenAPI description: %v\nbody: %.2000s", r.Method, p, err, body)
			writeError(w, 400, "request does not match the OpenAPI description: "+err.Error())
			return
		}
		s.route(w, r, op, params, body)
	})
}

// player plays the faults of this fake.
func (s *Server) player() fakeforge.Player {
	return fakeforge.Player{T: s.t, Name: "fakegithub", WriteFault: s.writeFault}
}

// requestToken is the token of a request's Authorization header.
func requestToken(r *http.Request) string {
	a := r.Header.Get("Authorization")
	for _, p := range []string{"Bearer ", "bearer ", "token ", "Token "} {
		a = strings.TrimPrefix(a, p)
	}
	return a
}

// writeFault answers a fault with GitHub's error body and rate-limit
// headers (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api).
func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, f *Fault) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.PrimaryLimit {
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(s.now().Add(f.ResetIn).Unix(), 10))
	}
	msg, doc := f.Message, "https://docs.github.com/rest"
	if f.Secondary {
		doc = secondaryDoc
		if msg == "" {
			msg = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
		}
	}
	if f.PrimaryLimit && msg == "" {
		msg = "API rate limit exceeded for installation."
	}
	if msg == "" {
		msg = http.StatusText(f.Status)
	}
	if _, echoed := fakeforge.Echoed(w); f.EchoToken && !echoed {
		msg += " (token " + requestToken(r) + ")"
	}
	writeJSON(w, f.Status, apiError{Message: msg, DocumentationURL: doc, Status: strconv.Itoa(f.Status)})
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, op string, pp map[string]string, body []byte) {
	if pp["owner"] != "" && (pp["owner"] != s.owner || pp["repo"] != s.repo) {
		writeError(w, 404, "Not Found")
		return
	}
	n, _ := strconv.Atoi(firstNonEmpty(pp["pull_number"], pp["issue_number"]))
	id, _ := strconv.ParseInt(firstNonEmpty(pp["comment_id"], pp["review_id"], pp["check_run_id"]), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch op {
	case "pulls/get":
		pr := s.prs[n]
		if pr == nil {
			writeError(w, 404, "Not Found")
			return
		}
		writeJSON(w, 200, s.prJSON(r, pr))
	case "pulls/list-files":
		pr := s.prs[n]
		if pr == nil {
			writeError(w, 404, "Not Found")
			return
		}
		var out []any
		for _, f := range pr.Files {
			m := map[string]any{"sha": "0000000000000000000000000000000000000000", "filename": f.Filename, "status": f.Status,
				"additions": strings.Count(f.Patch, "\n+"), "deletions": strings.Count(f.Patch, "\n-"),
				"changes": 0, "blob_url": "https://github.com/x", "raw_url": "https://github.com/x", "contents_url": "https://api.github.com/x"}
			if f.Patch != "" {
				m["patch"] = f.Patch
			}
			if f.PreviousFilename != "" {
				m["previous_filename"] = f.PreviousFilename
			}
			out = append(out, m)
		}
		if len(out) > 3000 { // GitHub lists at most 3000 files
			out = out[:3000]
		}
		s.page(w, r, out)
	case "pulls/list-review-comments":
		s.page(w, r, fakeforge.Select(s.reviewComments, func(c *ReviewComment) bool { return c.PR == n }, func(c *ReviewComment) any { return s.commentJSON(c) }))
	case "pulls/create-review":
		s.createReview(w, n, body)
	case "pulls/list-reviews":
		s.page(w, r, fakeforge.Select(s.reviews, func(rv *Review) bool { return rv.PR == n }, func(rv *Review) any { return s.reviewJSON(rv) }))
	case "pulls/create-review-comment":
		s.createComment(w, n, body)
	case "pulls/dismiss-review":
		s.dismissReview(w, n, id, body)
	case "pulls/create-reply-for-review-comment":
		root := s.findComment(id)
		if root == nil || root.PR != n {
			writeError(w, 404, "Not Found")
			return
		}
		text, ok := bodyOf(w, body)
		if !ok {
			return
		}
		c := *root
		c.ID, c.InReplyTo, c.User, c.Body, c.ReviewID = s.id(), root.ID, s.author(), text, s.id()
		s.reviewComments = append(s.reviewComments, &c)
		writeJSON(w, 201, s.commentJSON(&c))
	case "pulls/get-review-comment", "pulls/update-review-comment", "pulls/delete-review-comment":
		oneComment(w, op, body, &s.reviewComments, s.findComment(id), func(c *ReviewComment) *string { return &c.Body }, s.commentJSON)
	case "issues/list-comments":
		s.page(w, r, fakeforge.Select(s.issueComments, func(c *IssueComment) bool { return c.Issue == n }, func(c *IssueComment) any { return s.issueCommentJSON(c) }))
	case "issues/create-comment":
		text, ok := bodyOf(w, body)
		if !ok {
			return
		}
		c := &IssueComment{ID: s.id(), Issue: n, User: s.author(), Body: text}
		s.issueComments = append(s.issueComments, c)
		writeJSON(w, 201, s.issueCommentJSON(c))
	case "issues/get-comment", "issues/update-comment", "issues/delete-comment":
		c, _ := fakeforge.First(s.issueComments, func(x *IssueComment) bool { return x.ID == id })
		oneComment(w, op, body, &s.issueComments, c, func(c *IssueComment) *string { return &c.Body }, s.issueCommentJSON)
	case "checks/create", "checks/update":
		s.checkRun(w, op, id, body)
	case "checks/get":
		for _, c := range s.checkRuns {
			if c.ID == id {
				writeJSON(w, 200, checkRunJSON(c))
				return
			}
		}
		writeError(w, 404, "Not Found")
	case "checks/list-annotations":
		for _, c := range s.checkRuns {
			if c.ID == id {
				out := make([]any, len(c.Annotations))
				for i, a := range c.Annotations {
					out[i] = a
				}
				s.page(w, r, out)
				return
			}
		}
		writeError(w, 404, "Not Found")
	case "checks/list-for-ref":
		var runs []any
		for _, c := range s.checkRuns {
			if c.HeadSHA == pp["ref"] {
				runs = append(runs, checkRunJSON(c))
			}
		}
		writeJSON(w, 200, map[string]any{"total_count": len(runs), "check_runs": orEmpty(runs)})
	case "rate-limit/get":
		reset := s.now().Add(time.Hour).Unix()
		core := map[string]any{"limit": 5000, "remaining": 4999, "reset": reset, "used": 1}
		writeJSON(w, 200, map[string]any{"resources": map[string]any{"core": core, "search": core}, "rate": core})
	case "users/get-authenticated":
		if s.TokenKind != TokenPAT {
			// An installation token has no user (see ActionsLogin, TokenApp).
			writeJSON(w, 403, apiError{Message: "Resource not accessible by integration", Status: "403",
				DocumentationURL: "https://docs.github.com/rest/users/users#get-the-authenticated-user"})
			return
		}
		writeJSON(w, 200, userJSON(BotLogin))
	default:
		if s.routeRepo(w, r, op, pp, body) {
			return
		}
		s.t.Errorf("fakegithub: operation %s is in the contract but not faked", op)
		writeError(w, 501, "not implemented by the fake: "+op)
	}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func orEmpty(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

// paging is GitHub's: per_page default 30, at most 100, a Link header
// (https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api).
var paging = fakeforge.Paging{DefaultPerPage: 30}

// page serves one page of a list.
func (s *Server) page(w http.ResponseWriter, r *http.Request, all []any) {
	lo, hi, pg := paging.Page(w.Header(), r, len(all))
	if s.AfterPage != nil {
		// The page is read; let the hook change state as another user
		// would before the client asks for the next one. route holds mu.
		s.mu.Unlock()
		s.AfterPage(strings.TrimPrefix(r.URL.Path, "/api/v3"), pg)
		s.mu.Lock()
	}
	writeJSON(w, 200, orEmpty(all[lo:hi]))
}

// inDiff reports whether a new-side line is shown in a file's patch (an
// added or context line), which is what GitHub requires of side RIGHT.
func inDiff(pr *PR, path string, line int) bool {
	_, ok := patchText(pr, path)[line]
	return ok
}

// bodyOf reads the body of a comment write (create, reply, update); one
// longer than MaxBody gets GitHub's 422 and ok false.
func bodyOf(w http.ResponseWriter, body []byte) (text string, ok bool) {
	var in struct{ Body string }
	_ = json.Unmarshal(body, &in)
	if utf8.RuneCountInString(in.Body) > MaxBody {
		writeError(w, 422, "Validation Failed", "Body is too long (maximum is 65536 characters)")
		return "", false
	}
	return in.Body, true
}

// oneComment serves get-, update- and delete- of one review or
// conversation comment c of list: 404 where c is nil, bodyOf's 422 on an
// update, 204 on a delete, else the comment as toJSON writes it.
func oneComment[T any](w http.ResponseWriter, op string, body []byte, list *[]*T, c *T, text func(*T) *string, toJSON func(*T) map[string]any) {
	if c == nil {
		writeError(w, 404, "Not Found")
		return
	}
	_, verb, _ := strings.Cut(op, "/")
	switch {
	case strings.HasPrefix(verb, "update-"):
		t, ok := bodyOf(w, body)
		if !ok {
			return
		}
		*text(c) = t
	case strings.HasPrefix(verb, "delete-"):
		fakeforge.Remove(list, func(x *T) bool { return x == c })
		w.WriteHeader(204)
		return
	}
	writeJSON(w, 200, toJSON(c))
}

// draft is a review comment in a request.
type draft struct {
	Path      string `json:"path"`
	Body      string `json:"body"`
	Line      *int   `json:"line"`
	Side      string `json:"side"`
	StartLine *int   `json:"start_line"`
	Position  *int   `json:"position"`
	CommitID  string `json:"commit_id"`
	InReplyTo int64  `json:"in_reply_to"`
	// SubjectType "file" makes a file-level comment (filecomment.go).
	SubjectType string `json:"subject_type"`
}

// check applies GitHub's rules to one review comment; "" means accepted.
func (d draft) check(pr *PR, rejectLines map[string]bool) string {
	if utf8.RuneCountInString(d.Body) > MaxBody {
		return "Body is too long (maximum is 65536 characters)"
	}
	if d.Line == nil {
		return "pull_request_review_thread.line must be part of the diff"
	}
	if d.StartLine != nil && *d.StartLine >= *d.Line {
		return "pull_request_review_thread.start_line must precede the end line"
	}
	if d.Side == "LEFT" {
		return "" // the fake models the new side only
	}
	if !inDiff(pr, d.Path, *d.Line) || rejectLines[fmt.Sprintf("%s:%d", d.Path, *d.Line)] {
		return "pull_request_review_thread.line must be part of the diff"
	}
	if d.StartLine != nil && !inDiff(pr, d.Path, *d.StartLine) {
		return "pull_request_review_thread.start_line must be part of the diff"
	}
	if d.StartLine != nil {
		// A multi-line comment (and the suggestion it carries) spans one
		// hunk: GitHub answers "pull_request_review_thread.start_line must
		// be part of the same hunk as the line." otherwise
		// (qiniu/reviewbot#179). Consecutive shown lines are one hunk (git
		// merges hunks whose context touches).
		shown := patchText(pr, d.Path)
		if *d.Line-*d.StartLine > 10000 {
			return "pull_request_review_thread.start_line must be part of the same hunk as the line."
		}
		for n := *d.StartLine; n <= *d.Line; n++ {
			if _, ok := shown[n]; !ok {
				return "pull_request_review_thread.start_line must be part of the same hunk as the line."
			}
		}
	}
	return ""
}

func (s *Server) createReview(w http.ResponseWriter, n int, body []byte) {
	pr := s.prs[n]
	if pr == nil {
		writeError(w, 404, "Not Found")
		return
	}
	var in struct {
		CommitID string  `json:"commit_id"`
		Body     string  `json:"body"`
		Event    string  `json:"event"`
		Comments []draft `json:"comments"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeError(w, 400, "Problems parsing JSON")
		return
	}
	if utf8.RuneCountInString(in.Body) > MaxBody {
		writeError(w, 422, "Unprocessable Entity", "Body is too long (maximum is 65536 characters)")
		return
	}
	if in.CommitID != "" && !s.commits[n][in.CommitID] {
		writeError(w, 422, "Unprocessable Entity", "The commitOID is not part of the pull request")
		return
	}
	// GitHub rejects the whole review when one comment is invalid.
	var errs []any
	for _, d := range in.Comments {
		if d.Position != nil {
			continue
		}
		if msg := d.check(pr, s.RejectLines); msg != "" {
			errs = append(errs, msg)
		}
	}
	if len(errs) > 0 {
		writeError(w, 422, "Unprocessable Entity", errs...)
		return
	}
	limit := s.MaxReviewComments
	if limit == 0 {
		limit = 50
	}
	if len(in.Comments) > limit && !s.ReviewTimeoutApplies {
		writeError(w, 502, "Server Error")
		return
	}
	commit := in.CommitID
	if commit == "" {
		commit = pr.Head
	}
	if msg := s.refusedEvent(in.Event); msg != "" {
		writeError(w, 422, "Unprocessable Entity", msg)
		return
	}
	rv := &Review{ID: s.id(), PR: n, User: s.author(), Body: in.Body, State: reviewState(in.Event), CommitID: commit, Comments: len(in.Comments)}
	s.reviews = append(s.reviews, rv)
	for _, d := range in.Comments {
		line := 0
		if d.Line != nil {
			line = *d.Line
		}
		c := &ReviewComment{ID: s.id(), PR: n, ReviewID: rv.ID, User: s.author(), Path: d.Path, Line: d.Line,
			OriginalLine: line, StartLine: d.StartLine, Side: firstNonEmpty(d.Side, "RIGHT"), Body: d.Body, CommitID: commit}
		s.reviewComments = append(s.reviewComments, c)
		s.noteLine(c)
	}
	if len(in.Comments) > limit {
		writeError(w, 502, "Server Error")
		return
	}
	writeJSON(w, 200, s.reviewJSON(rv))
}

func (s *Server) createComment(w http.ResponseWriter, n int, body []byte) {
	pr := s.prs[n]
	if pr == nil {
		writeError(w, 404, "Not Found")
		return
	}
	var d draft
	if err := json.Unmarshal(body, &d); err != nil {
		writeError(w, 400, "Problems parsing JSON")
		return
	}
	if d.InReplyTo != 0 {
		root := s.findComment(d.InReplyTo)
		if root == nil {
			writeError(w, 404, "Not Found")
			return
		}
		c := *root
		c.ID, c.InReplyTo, c.User, c.Body, c.ReviewID = s.id(), root.ID, s.author(), d.Body, s.id()
		s.reviewComments = append(s.reviewComments, &c)
		writeJSON(w, 201, s.commentJSON(&c))
		return
	}
	if d.CommitID != "" && !s.commits[n][d.CommitID] {
		writeError(w, 422, "Validation Failed", map[string]any{"resource": "PullRequestReviewComment", "code": "custom", "field": "commit_id", "message": "commit_id is not part of the pull request"})
		return
	}
	if d.SubjectType == "file" {
		d.Line, d.StartLine = nil, nil
		if msg := d.checkFile(pr); msg != "" {
			writeError(w, 422, "Validation Failed", map[string]any{"resource": "PullRequestReviewComment", "code": "custom", "field": "pull_request_review_thread.path", "message": msg})
			return
		}
	} else if msg := d.check(pr, s.RejectLines); msg != "" {
		writeError(w, 422, "Validation Failed", map[string]any{"resource": "PullRequestReviewComment", "code": "custom", "field": "pull_request_review_thread.line", "message": msg})
		return
	}
	rv := &Review{ID: s.id(), PR: n, User: s.author(), State: "COMMENTED", CommitID: d.CommitID, Comments: 1}
	s.reviews = append(s.reviews, rv)
	orig := 0
	if d.Line != nil {
		orig = *d.Line
	}
	c := &ReviewComment{ID: s.id(), PR: n, ReviewID: rv.ID, User: s.author(), Path: d.Path, Line: d.Line,
		OriginalLine: orig, StartLine: d.StartLine, Side: firstNonEmpty(d.Side, "RIGHT"), Body: d.Body, CommitID: d.CommitID,
		SubjectType: d.SubjectType}
	s.reviewComments = append(s.reviewComments, c)
	s.noteLine(c)
	writeJSON(w, 201, s.commentJSON(c))
}

func (s *Server) checkRun(w http.ResponseWriter, op string, id int64, body []byte) {
	var in struct {
		Name       string `json:"name"`
		HeadSHA    string `json:"head_sha"`
		Status     string `json:"status"`
		Conclusion string `json:"conclusion"`
		Output     *struct {
			Title       string            `json:"title"`
			Summary     string            `json:"summary"`
			Annotations []json.RawMessage `json:"annotations"`
		} `json:"output"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeError(w, 400, "Problems parsing JSON")
		return
	}
	var c *CheckRun
	if op == "checks/create" {
		c = &CheckRun{ID: s.id(), Name: in.Name, HeadSHA: in.HeadSHA, Status: firstNonEmpty(in.Status, "queued")}
		s.checkRuns = append(s.checkRuns, c)
	} else {
		c, _ = fakeforge.First(s.checkRuns, func(x *CheckRun) bool { return x.ID == id })
		if c == nil {
			writeError(w, 404, "Not Found")
			return
		}
		if in.Name != "" {
			c.Name = in.Name
		}
		if in.Status != "" {
			c.Status = in.Status
		}
	}
	if in.Conclusion != "" {
		c.Conclusion, c.Status = in.Conclusion, "completed"
	}
	if in.Output != nil {
		if len(in.Output.Annotations) > 50 {
			writeError(w, 422, "Validation Failed", "output.annotations: at most 50 per request")
			return
		}
		c.Title, c.Summary = in.Output.Title, in.Output.Summary
		c.Annotations = append(c.Annotations, in.Output.Annotations...) // later calls append
	}
	writeJSON(w, map[bool]int{true: 201, false: 200}[op == "checks/create"], checkRunJSON(c))
}

const ts = "2024-01-01T00:00:00Z"

func userJSON(login string) map[string]any {
	typ := "User"
	if strings.HasSuffix(login, "[bot]") {
		typ = "Bot"
	}
	return map[string]any{"login": login, "id": len(login), "node_id": "U_" + login, "type": typ, "site_admin": false,
		"avatar_url": "https://avatars.githubusercontent.com/u/1", "url": "https://api.github.com/users/" + login,
		"html_url": "https://github.com/" + login}
}

func (s *Server) prJSON(r *http.Request, pr *PR) map[string]any {
	return map[string]any{"id": pr.Number, "number": pr.Number, "state": "open", "title": "PR",
		"head": map[string]any{"sha": pr.Head, "ref": "feature", "label": "o:feature"},
		"base": map[string]any{"sha": "base", "ref": "main", "label": "o:main"},
		"user": userJSON("author"), "changed_files": len(pr.Files),
		"url": "http://" + r.Host + "/repos/" + s.owner + "/" + s.repo + "/pulls/" + strconv.Itoa(pr.Number)}
}

func (s *Server) commentJSON(c *ReviewComment) map[string]any {
	m := map[string]any{"id": c.ID, "node_id": fmt.Sprintf("PRRC_%d", c.ID), "pull_request_review_id": c.ReviewID,
		"path": c.Path, "body": c.Body, "user": userJSON(c.User), "commit_id": c.CommitID, "original_commit_id": c.CommitID,
		"diff_hunk": "@@", "side": c.Side, "line": c.Line, "original_line": c.OriginalLine,
		"created_at": ts, "updated_at": ts, "author_association": "NONE",
		"html_url":         fmt.Sprintf("https://github.com/%s/%s/pull/%d#discussion_r%d", s.owner, s.repo, c.PR, c.ID),
		"url":              fmt.Sprintf("https://api.github.com/repos/%s/%s/pulls/comments/%d", s.owner, s.repo, c.ID),
		"pull_request_url": fmt.Sprintf("https://api.github.com/repos/%s/%s/pulls/%d", s.owner, s.repo, c.PR)}
	if c.Line == nil {
		m["position"] = nil // outdated (see outdate)
	}
	if c.SubjectType != "" {
		m["subject_type"] = c.SubjectType
	}
	if c.InReplyTo != 0 {
		m["in_reply_to_id"] = c.InReplyTo
	}
	if c.StartLine != nil {
		m["start_line"] = *c.StartLine
		m["start_side"] = c.Side
	}
	return m
}

func (s *Server) reviewJSON(rv *Review) map[string]any {
	return map[string]any{"id": rv.ID, "node_id": fmt.Sprintf("PRR_%d", rv.ID), "user": userJSON(rv.User), "body": rv.Body,
		"state": rv.State, "commit_id": rv.CommitID, "submitted_at": ts, "author_association": "NONE",
		"html_url":         fmt.Sprintf("https://github.com/%s/%s/pull/%d#pullrequestreview-%d", s.owner, s.repo, rv.PR, rv.ID),
		"pull_request_url": fmt.Sprintf("https://api.github.com/repos/%s/%s/pulls/%d", s.owner, s.repo, rv.PR)}
}

func (s *Server) issueCommentJSON(c *IssueComment) map[string]any {
	return map[string]any{"id": c.ID, "node_id": fmt.Sprintf("IC_%d", c.ID), "body": c.Body, "user": userJSON(c.User),
		"created_at": ts, "updated_at": ts, "author_association": "NONE",
		"html_url": fmt.Sprintf("https://github.com/%s/%s/pull/%d#issuecomment-%d", s.owner, s.repo, c.Issue, c.ID),
		"url":      fmt.Sprintf("https://api.github.com/repos/%s/%s/issues/comments/%d", s.owner, s.repo, c.ID)}
}

func checkRunJSON(c *CheckRun) map[string]any {
	m := map[string]any{"id": c.ID, "name": c.Name, "head_sha": c.HeadSHA, "status": c.Status,
		"output": map[string]any{"title": c.Title, "summary": c.Summary, "annotations_count": len(c.Annotations)}}
	if c.Conclusion != "" {
		m["conclusion"] = c.Conclusion
	}
	return m
}

// threadsSorted returns root review comments of a PR in id order.
func (s *Server) threadsSorted(pr int) []*ReviewComment {
	var roots []*ReviewComment
	for _, c := range s.reviewComments {
		if c.PR == pr && c.InReplyTo == 0 {
			roots = append(roots, c)
		}
	}
	sort.Slice(roots, func(i, j int) bool { return roots[i].ID < roots[j].ID })
	return roots
}
