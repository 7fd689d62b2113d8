package fakegithub

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// The repository side of the fake, for `ignore request`
// (reporters/forge/exception): branches and their files, collaborators and
// their permission, teams, and pull requests opened through the API with
// their requested reviewers. These operations are in their own contract
// file (testdata/contracts/github/exceptions.openapi.json, the same
// @octokit/openapi 23.0.2 description as pr-review.openapi.json; see its
// README), and each rule below cites the page it comes from.

// Branch is a branch of the fake repository: its head commit's files.
type Branch struct {
	Name  string
	Head  string
	Files map[string][]byte
}

// OpenedPull is a pull request opened through POST /pulls.
type OpenedPull struct {
	Number              int
	Head, Base          string
	Title, Body, State  string
	Reviewers, TeamRevs []string
	User                string
}

// gitState is the repository: branches (by name), commits (sha to files),
// collaborators (login to permission), teams of the organization, and the
// pull requests opened.
type gitState struct {
	branches map[string]string
	commits  map[string]map[string][]byte
	collab   map[string]string
	users    map[string]bool
	teams    map[string]bool
	pulls    []*OpenedPull
	n        int
	// actionsPulls: the repository setting "Allow GitHub Actions to
	// create and approve pull requests" is on.
	actionsPulls bool
}

func (g *gitState) init() {
	if g.branches == nil {
		g.branches, g.commits, g.collab, g.users, g.teams = map[string]string{}, map[string]map[string][]byte{}, map[string]string{}, map[string]bool{}, map[string]bool{}
	}
}

// commitSHA makes a commit id from the files and a counter: unique per
// commit, 40 hex digits as git's.
func (g *gitState) commit(files map[string][]byte) string {
	g.n++
	h := sha1.New()
	fmt.Fprintf(h, "commit %d\n", g.n)
	keys := make([]string, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "%s %s\n", k, blobSHA(files[k]))
	}
	sha := hex.EncodeToString(h.Sum(nil))
	g.commits[sha] = files
	return sha
}

// blobSHA is git's object id of a blob: sha1("blob <len>\0<content>"),
// which the contents API answers as "sha".
func blobSHA(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// SetBranch creates or moves a branch to a new commit with these files.
func (s *Server) SetBranch(name string, files map[string]string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.git.init()
	fs := map[string][]byte{}
	for k, v := range files {
		fs[k] = []byte(v)
	}
	sha := s.git.commit(fs)
	s.git.branches[name] = sha
	return sha
}

// GetBranch returns a branch with its files; false when it does not exist.
func (s *Server) GetBranch(name string) (Branch, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.git.init()
	sha, ok := s.git.branches[name]
	if !ok {
		return Branch{}, false
	}
	files := map[string][]byte{}
	for k, v := range s.git.commits[sha] {
		files[k] = append([]byte(nil), v...)
	}
	return Branch{Name: name, Head: sha, Files: files}, true
}

// Branches returns the branch names, sorted.
func (s *Server) Branches() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.git.branches {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// SetCollaborator gives login a permission: admin, write, read or none
// (the legacy "permission" of the collaborator permission endpoint; the
// maintain role reads as write, triage as read).
func (s *Server) SetCollaborator(login, permission string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.git.init()
	s.git.collab[strings.ToLower(login)] = permission
	s.git.users[strings.ToLower(login)] = true
}

// AddUser makes a user known that is no collaborator.
func (s *Server) AddUser(login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.git.init()
	s.git.users[strings.ToLower(login)] = true
}

// AddTeam adds a team (by slug) of the repository's organization.
func (s *Server) AddTeam(slug string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.git.init()
	s.git.teams[strings.ToLower(slug)] = true
}

// AllowActionsPullRequests turns on the repository setting "Allow GitHub
// Actions to create and approve pull requests" (Settings > Actions >
// General). It is off in new repositories
// (peter-evans/create-pull-request#3979; the setting since
// https://github.blog/changelog/2022-05-03-github-actions-prevent-github-actions-from-creating-and-approving-pull-requests/),
// and then POST /pulls with the Actions GITHUB_TOKEN answers 403 "GitHub
// Actions is not permitted to create or approve pull requests."
// (the body is quoted in danielroe/uppt#11).
func (s *Server) AllowActionsPullRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.git.actionsPulls = true
}

// OpenedPulls returns copies of the pull requests opened through the API.
func (s *Server) OpenedPulls() []OpenedPull {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []OpenedPull
	for _, p := range s.git.pulls {
		out = append(out, *p)
	}
	return out
}

// ClosePull closes an opened pull request, as a reviewer refusing it would.
func (s *Server) ClosePull(number int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.git.pulls {
		if p.Number == number {
			p.State = "closed"
		}
	}
}

// routeRepo serves the repository operations; false for an operation it
// does not know. s.mu is held.
func (s *Server) routeRepo(w http.ResponseWriter, r *http.Request, op string, pp map[string]string, body []byte) bool {
	s.git.init()
	switch op {
	case "repos/get-collaborator-permission-level":
		s.permission(w, pp["username"])
	case "repos/get-content":
		s.getContent(w, r, pp["path"])
	case "repos/create-or-update-file-contents":
		s.putContent(w, pp["path"], body)
	case "git/get-ref":
		s.getRef(w, pp["ref"])
	case "git/create-ref":
		s.createRef(w, body)
	case "pulls/list":
		s.listPulls(w, r)
	case "pulls/create":
		s.createPull(w, body)
	case "pulls/request-reviewers":
		s.requestReviewers(w, pp["pull_number"], body)
	default:
		return false
	}
	return true
}

// permission: "Checks the repository permission of a collaborator. The
// possible repository permissions are admin, write, read, and none"; the
// maintain role is answered as write and triage as read in "permission",
// the role itself in "role_name"
// (https://docs.github.com/en/rest/collaborators/collaborators#get-repository-permissions-for-a-user).
// A login the fake does not know is 404, the stricter answer.
func (s *Server) permission(w http.ResponseWriter, login string) {
	l := strings.ToLower(login)
	if !s.git.users[l] {
		writeError(w, 404, "Not Found")
		return
	}
	perm := s.git.collab[l]
	if perm == "" {
		perm = "none"
	}
	writeJSON(w, 200, map[string]any{"permission": perm, "role_name": perm, "user": userJSON(login)})
}

// files of a ref: a branch name or a commit sha.
func (s *Server) files(ref string) (map[string][]byte, bool) {
	if sha, ok := s.git.branches[ref]; ok {
		return s.git.commits[sha], true
	}
	f, ok := s.git.commits[ref]
	return f, ok
}

// getContent: GET /repos/{owner}/{repo}/contents/{path}?ref= answers a
// file as type "file", encoding "base64", content (GitHub wraps the base64
// at 60 characters), and sha its blob sha; a path that is not in the ref
// is 404 (https://docs.github.com/en/rest/repos/contents#get-repository-content).
// A ref that names no branch or commit is 404 "No commit found for the
// ref" (the stricter answer). Without ref the default branch, main.
func (s *Server) getContent(w http.ResponseWriter, r *http.Request, p string) {
	ref := r.URL.Query().Get("ref")
	if ref == "" {
		ref = "main"
	}
	files, ok := s.files(ref)
	if !ok {
		writeError(w, 404, "No commit found for the ref "+ref)
		return
	}
	b, ok := files[p]
	if !ok {
		writeError(w, 404, "Not Found")
		return
	}
	enc := base64.StdEncoding.EncodeToString(b)
	var wrapped strings.Builder
	for len(enc) > 60 {
		wrapped.WriteString(enc[:60] + "\n")
		enc = enc[60:]
	}
	wrapped.WriteString(enc + "\n")
	name := p[strings.LastIndex(p, "/")+1:]
	writeJSON(w, 200, map[string]any{"type": "file", "encoding": "base64", "size": len(b), "name": name, "path": p,
		"content": wrapped.String(), "sha": blobSHA(b),
		"url":          "https://api.github.com/repos/" + s.owner + "/" + s.repo + "/contents/" + p,
		"git_url":      "https://api.github.com/repos/" + s.owner + "/" + s.repo + "/git/blobs/" + blobSHA(b),
		"html_url":     "https://github.com/" + s.owner + "/" + s.repo + "/blob/" + ref + "/" + p,
		"download_url": "https://raw.githubusercontent.com/" + s.owner + "/" + s.repo + "/" + ref + "/" + p,
		"_links":       map[string]any{"self": "x", "git": "x", "html": "x"}})
}

// putContent: PUT /repos/{owner}/{repo}/contents/{path} commits one file to
// branch (default: the default branch); sha is "Required if you are
// updating a file. The blob SHA of the file being replaced", 409 when it is
// not the current one, 422 when missing for an existing file; 201 for a
// new file, 200 for an update
// (https://docs.github.com/en/rest/repos/contents#create-or-update-file-contents).
// A branch that does not exist is 404 "Branch {name} not found" (the
// stricter answer: the documentation lists 404 without the text).
func (s *Server) putContent(w http.ResponseWriter, p string, body []byte) {
	var req struct {
		Message, Content, SHA, Branch string
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, 400, "Problems parsing JSON")
		return
	}
	if req.Message == "" {
		writeError(w, 422, "Invalid request.\n\n\"message\" wasn't supplied.")
		return
	}
	content, err := base64.StdEncoding.DecodeString(req.Content)
	if err != nil {
		writeError(w, 422, "content is not valid Base64")
		return
	}
	branch := req.Branch
	if branch == "" {
		branch = "main"
	}
	head, ok := s.git.branches[branch]
	if !ok {
		writeError(w, 404, "Branch "+branch+" not found")
		return
	}
	cur := s.git.commits[head]
	old, exists := cur[p]
	switch {
	case exists && req.SHA == "":
		writeError(w, 422, "Invalid request.\n\n\"sha\" wasn't supplied.")
		return
	case exists && req.SHA != blobSHA(old), !exists && req.SHA != "":
		writeError(w, 409, p+" does not match "+req.SHA)
		return
	}
	next := map[string][]byte{}
	for k, v := range cur {
		next[k] = v
	}
	next[p] = content
	sha := s.git.commit(next)
	s.git.branches[branch] = sha
	status := 201
	if exists {
		status = 200
	}
	writeJSON(w, status, map[string]any{"content": map[string]any{"name": p, "path": p, "sha": blobSHA(content)},
		"commit": map[string]any{"sha": sha, "message": req.Message}})
}

// refJSON is a git reference.
func (s *Server) refJSON(name, sha string) map[string]any {
	return map[string]any{"ref": "refs/heads/" + name, "node_id": "REF_" + name,
		"url":    "https://api.github.com/repos/" + s.owner + "/" + s.repo + "/git/refs/heads/" + name,
		"object": map[string]any{"type": "commit", "sha": sha, "url": "https://api.github.com/repos/" + s.owner + "/" + s.repo + "/git/commits/" + sha}}
}

// getRef: GET /repos/{owner}/{repo}/git/ref/{ref}, ref "heads/<branch>":
// "Returns a single reference from your Git database. The :ref in the URL
// must be formatted as heads/<branch name> for branches"; 404 when it
// does not exist (https://docs.github.com/en/rest/git/refs#get-a-reference).
func (s *Server) getRef(w http.ResponseWriter, ref string) {
	name, ok := strings.CutPrefix(ref, "heads/")
	sha, exists := s.git.branches[name]
	if !ok || !exists {
		writeError(w, 404, "Not Found")
		return
	}
	writeJSON(w, 200, s.refJSON(name, sha))
}

// createRef: POST /repos/{owner}/{repo}/git/refs: "The name of the fully
// qualified reference (ie: refs/heads/master). If it doesn't start with
// 'refs' and have at least two slashes, it will be rejected"; 422
// "Reference already exists" for an existing one, and "Object does not
// exist" for an unknown sha (https://docs.github.com/en/rest/git/refs#create-a-reference).
func (s *Server) createRef(w http.ResponseWriter, body []byte) {
	var req struct{ Ref, SHA string }
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, 400, "Problems parsing JSON")
		return
	}
	name, ok := strings.CutPrefix(req.Ref, "refs/heads/")
	switch {
	case !ok || name == "" || strings.Count(req.Ref, "/") < 2:
		writeError(w, 422, req.Ref+" is not a valid ref name.")
	case s.git.branches[name] != "":
		writeError(w, 422, "Reference already exists")
	case s.git.commits[req.SHA] == nil:
		writeError(w, 422, "Object does not exist")
	default:
		s.git.branches[name] = req.SHA
		writeJSON(w, 201, s.refJSON(name, req.SHA))
	}
}

func (s *Server) pullJSON(p *OpenedPull) map[string]any {
	return map[string]any{"id": p.Number, "number": p.Number, "state": p.State, "title": p.Title, "body": p.Body,
		"user":                userJSON(p.User),
		"head":                map[string]any{"ref": p.Head, "label": s.owner + ":" + p.Head, "sha": s.git.branches[p.Head]},
		"base":                map[string]any{"ref": p.Base, "label": s.owner + ":" + p.Base, "sha": s.git.branches[p.Base]},
		"html_url":            "https://github.com/" + s.owner + "/" + s.repo + "/pull/" + strconv.Itoa(p.Number),
		"url":                 "https://api.github.com/repos/" + s.owner + "/" + s.repo + "/pulls/" + strconv.Itoa(p.Number),
		"requested_reviewers": users(p.Reviewers), "requested_teams": teams(p.TeamRevs)}
}

func users(logins []string) []any {
	out := []any{}
	for _, l := range logins {
		out = append(out, userJSON(l))
	}
	return out
}

func teams(slugs []string) []any {
	out := []any{}
	for _, t := range slugs {
		out = append(out, map[string]any{"id": len(t), "slug": t, "name": t})
	}
	return out
}

// listPulls: GET /repos/{owner}/{repo}/pulls with state (default open) and
// head "Filter pulls by head user or head organization and branch name in
// the format of user:ref-name" (https://docs.github.com/en/rest/pulls/pulls#list-pull-requests).
// Only the pull requests opened through the API are listed.
func (s *Server) listPulls(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	head := q.Get("head")
	var out []any
	for _, p := range s.git.pulls {
		if (state == "all" || p.State == state) && (head == "" || head == s.owner+":"+p.Head) {
			out = append(out, s.pullJSON(p))
		}
	}
	s.page(w, r, orEmpty(out))
}

// createPull: POST /repos/{owner}/{repo}/pulls
// (https://docs.github.com/en/rest/pulls/pulls#create-a-pull-request): 422
// "Validation Failed" with {resource: PullRequest, field: head, code:
// invalid} for a head branch that does not exist, "A pull request already
// exists for owner:branch." for a second open one, and "No commits between
// base and head" when the head adds nothing (the bodies as GitHub sends
// them are quoted in vsoch/pull-request-action#86,
// shepherd-tools/shepherd#51 and tgymnich/fork-sync#112).
func (s *Server) createPull(w http.ResponseWriter, body []byte) {
	var req struct{ Title, Head, Base, Body string }
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, 400, "Problems parsing JSON")
		return
	}
	if s.TokenKind == TokenActions && !s.git.actionsPulls {
		writeJSON(w, 403, apiError{Message: "GitHub Actions is not permitted to create or approve pull requests.", Status: "403",
			DocumentationURL: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request"})
		return
	}
	head, hok := s.git.branches[req.Head]
	base, bok := s.git.branches[req.Base]
	switch {
	case req.Title == "":
		writeError(w, 422, "Validation Failed", map[string]any{"resource": "PullRequest", "field": "title", "code": "missing_field"})
		return
	case !hok:
		writeError(w, 422, "Validation Failed", map[string]any{"resource": "PullRequest", "field": "head", "code": "invalid"})
		return
	case !bok:
		writeError(w, 422, "Validation Failed", map[string]any{"resource": "PullRequest", "field": "base", "code": "invalid"})
		return
	case head == base:
		writeError(w, 422, "Validation Failed", map[string]any{"resource": "PullRequest", "code": "custom", "message": "No commits between " + req.Base + " and " + req.Head})
		return
	}
	for _, p := range s.git.pulls {
		if p.State == "open" && p.Head == req.Head && p.Base == req.Base {
			writeError(w, 422, "Validation Failed", map[string]any{"resource": "PullRequest", "code": "custom", "message": "A pull request already exists for " + s.owner + ":" + req.Head + "."})
			return
		}
	}
	n := 1
	for k := range s.prs {
		n = max(n, k+1)
	}
	for _, p := range s.git.pulls {
		n = max(n, p.Number+1)
	}
	p := &OpenedPull{Number: n, Head: req.Head, Base: req.Base, Title: req.Title, Body: req.Body, State: "open", User: s.author()}
	s.git.pulls = append(s.git.pulls, p)
	writeJSON(w, 201, s.pullJSON(p))
}

// requestReviewers: POST /repos/{owner}/{repo}/pulls/{n}/requested_reviewers
// with reviewers (logins) and team_reviewers (slugs)
// (https://docs.github.com/en/rest/pulls/review-requests#request-reviewers-for-a-pull-request):
// 422 "Reviews may only be requested from collaborators. One or more of
// the users or teams you specified is not a collaborator of the
// owner/repo repository." for a user without access or an unknown team
// (quoted in denog/routing-guide#118), and "Review cannot be requested
// from pull request author." (peter-evans/create-pull-request#1835,
// kerthcet/github-workflow-as-kube#16); 201 with the pull request.
func (s *Server) requestReviewers(w http.ResponseWriter, num string, body []byte) {
	n, _ := strconv.Atoi(num)
	var p *OpenedPull
	for _, q := range s.git.pulls {
		if q.Number == n {
			p = q
		}
	}
	if p == nil {
		writeError(w, 404, "Not Found")
		return
	}
	var req struct {
		Reviewers     []string `json:"reviewers"`
		TeamReviewers []string `json:"team_reviewers"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, 400, "Problems parsing JSON")
		return
	}
	for _, u := range req.Reviewers {
		if strings.EqualFold(u, p.User) {
			writeError(w, 422, "Review cannot be requested from pull request author.")
			return
		}
		if perm := s.git.collab[strings.ToLower(u)]; perm == "" || perm == "none" {
			writeError(w, 422, "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the "+s.owner+"/"+s.repo+" repository.")
			return
		}
	}
	for _, t := range req.TeamReviewers {
		if !s.git.teams[strings.ToLower(t)] {
			writeError(w, 422, "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the "+s.owner+"/"+s.repo+" repository.")
			return
		}
	}
	p.Reviewers = append(p.Reviewers, req.Reviewers...)
	p.TeamRevs = append(p.TeamRevs, req.TeamReviewers...)
	writeJSON(w, 201, s.pullJSON(p))
}

// slash stands for "/" in a parameter while the contract's router matches
// the path (U+2044 FRACTION SLASH, which no config or branch name of the
// tests holds).
const slash = "\u2044"

// escapeTail is the path of a request whose last parameter may hold
// slashes (contents/{path}, git/ref/{ref}), with those slashes replaced by
// slash, so that the contract's router matches it as one parameter.
func escapeTail(p string) (string, bool) {
	parts := strings.SplitN(p, "/", 6) // "", repos, owner, repo, kind, rest
	if len(parts) < 6 || parts[1] != "repos" {
		return p, false
	}
	rest := parts[5]
	switch {
	case parts[4] == "contents":
	case parts[4] == "git" && strings.HasPrefix(rest, "ref/"):
		parts[4], rest = "git/ref", strings.TrimPrefix(rest, "ref/")
	default:
		return p, false
	}
	return strings.Join(parts[:5], "/") + "/" + strings.ReplaceAll(rest, "/", slash), true
}
