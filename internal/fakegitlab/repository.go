package fakegitlab

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// The repository side of the fake, for `ignore request`
// (reporters/forge/exception): branches with their files, project members
// with their access level, users, and merge requests opened through the
// API with their reviewers. The operations are in their own contract file
// (testdata/contracts/gitlab/exceptions.openapi.yaml); each rule below
// cites the page it comes from, and where a page does not say, the fake
// is the stricter.

// commit is a commit of the fake repository: every file, and the commit
// that last changed each one (a file's last_commit_id).
type commit struct {
	files map[string][]byte
	last  map[string]string
}

// MergeRequest is a merge request opened through POST /merge_requests, or
// the metadata of one made with Push.
type MergeRequest struct {
	IID                       int64
	Source, Target            string
	Title, Description, State string
	ReviewerIDs               []int64
	AuthorID                  int64
}

// repoState is the repository.
type repoState struct {
	branches map[string]string
	commits  map[string]*commit
	members  map[int64]int
	users    map[string]int64
	opened   []*MergeRequest
	n        int
}

func (g *repoState) init() {
	if g.branches == nil {
		g.branches, g.commits, g.members, g.users = map[string]string{}, map[string]*commit{}, map[int64]int{}, map[string]int64{}
	}
}

// newCommit records a commit whose files are files, changed relative to
// parent in the paths changed.
func (g *repoState) newCommit(parent *commit, files map[string][]byte, changed ...string) string {
	g.n++
	h := sha1.Sum([]byte(fmt.Sprintf("commit %d", g.n)))
	sha := hex.EncodeToString(h[:])
	c := &commit{files: files, last: map[string]string{}}
	if parent != nil {
		for k, v := range parent.last {
			c.last[k] = v
		}
	} else {
		for k := range files {
			c.last[k] = sha
		}
	}
	for _, k := range changed {
		c.last[k] = sha
	}
	g.commits[sha] = c
	return sha
}

// SetBranch creates or moves a branch to a new commit with these files.
func (s *Server) SetBranch(name string, files map[string]string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repo.init()
	fs := map[string][]byte{}
	for k, v := range files {
		fs[k] = []byte(v)
	}
	sha := s.repo.newCommit(nil, fs)
	s.repo.branches[name] = sha
	return sha
}

// BranchFiles returns the files at a branch's head; false when the branch
// does not exist.
func (s *Server) BranchFiles(name string) (map[string]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repo.init()
	sha, ok := s.repo.branches[name]
	if !ok {
		return nil, false
	}
	out := map[string]string{}
	for k, v := range s.repo.commits[sha].files {
		out[k] = string(v)
	}
	return out, true
}

// Branches returns the branch names, sorted.
func (s *Server) Branches() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.repo.branches {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Access levels of project members
// (https://docs.gitlab.com/api/members/#roles).
const (
	Guest      = 10
	Reporter   = 20
	Developer  = 30
	Maintainer = 40
)

// UserID is the id of a human user of the fake: the id the notes of Reply
// and AddDiscussion carry.
func UserID(username string) int64 { return humanID(username) }

// SetMember makes username a project member with an access level; 0
// makes it a user who is no member.
func (s *Server) SetMember(username string, level int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repo.init()
	id := humanID(username)
	s.repo.users[strings.ToLower(username)] = id
	if level > 0 {
		s.repo.members[id] = level
	}
}

// OpenedMergeRequests returns copies of the merge requests opened through
// the API.
func (s *Server) OpenedMergeRequests() []MergeRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []MergeRequest
	for _, m := range s.repo.opened {
		out = append(out, *m)
	}
	return out
}

// CloseMergeRequest closes an opened merge request.
func (s *Server) CloseMergeRequest(iid int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.repo.opened {
		if m.IID == iid {
			m.State = "closed"
		}
	}
}

// mergeRequest is iid: one opened through the API, or one of Push's,
// from "feature" into "main".
func (s *Server) mergeRequest(iid int64) *MergeRequest {
	for _, m := range s.repo.opened {
		if m.IID == iid {
			return m
		}
	}
	if len(s.mrs[iid]) > 0 {
		return &MergeRequest{IID: iid, Source: "feature", Target: "main", Title: "MR", State: "opened", AuthorID: humanID("author")}
	}
	return nil
}

func (s *Server) webURL(iid int64) string {
	return "https://gitlab.example.com/" + s.projectPath + "/-/merge_requests/" + strconv.FormatInt(iid, 10)
}

func (s *Server) mrJSON(m *MergeRequest) map[string]any {
	rev := []any{}
	for _, id := range m.ReviewerIDs {
		name := ""
		for u, uid := range s.repo.users {
			if uid == id {
				name = u
			}
		}
		rev = append(rev, userJSON(id, name))
	}
	return map[string]any{"id": m.IID + 10000, "iid": m.IID, "project_id": s.projectID, "title": m.Title, "description": m.Description,
		"state": m.State, "source_branch": m.Source, "target_branch": m.Target, "web_url": s.webURL(m.IID),
		"author": userJSON(m.AuthorID, ""), "reviewers": rev, "created_at": ts, "updated_at": ts}
}

// param is a path parameter as sent (URL-encoded by the client: a branch
// or file path with "/" arrives as %2F), decoded.
func param(v string) string {
	for range 2 { // the router hands it over escaped once more
		u, err := url.PathUnescape(v)
		if err != nil || u == v {
			break
		}
		v = u
	}
	return v
}

// routeRepo serves the repository operations; false for an operation it
// does not know. s.mu is held.
func (s *Server) routeRepo(w http.ResponseWriter, r *http.Request, op string, pp map[string]string, body []byte) bool {
	s.repo.init()
	iid, _ := strconv.ParseInt(pp["merge_request_iid"], 10, 64)
	switch op {
	case "mergeRequests/get":
		if m := s.mergeRequest(iid); m != nil {
			writeJSON(w, 200, s.mrJSON(m))
		} else {
			writeMessage(w, 404, "404 Not found")
		}
	case "mergeRequests/update":
		s.updateMR(w, iid, body)
	case "mergeRequests/list":
		q := r.URL.Query()
		state := q.Get("state")
		var out []any
		for _, m := range s.repo.opened {
			if (state == "" || state == "all" || m.State == state) && (q.Get("source_branch") == "" || q.Get("source_branch") == m.Source) {
				out = append(out, s.mrJSON(m))
			}
		}
		s.page(w, r, orEmpty(out))
	case "mergeRequests/create":
		s.createMR(w, body)
	case "discussions/getMergeRequest":
		d := s.findDiscussion(iid, pp["discussion_id"])
		if d == nil {
			writeMessage(w, 404, "404 Not found")
			return true
		}
		writeJSON(w, 200, s.discussionJSON(d))
	case "discussions/addMergeRequestNote":
		s.addNote(w, iid, pp["discussion_id"], body)
	case "members/getInherited":
		id, _ := strconv.ParseInt(pp["user_id"], 10, 64)
		level, ok := s.repo.members[id]
		if !ok {
			writeMessage(w, 404, "404 Not found")
			return true
		}
		name := ""
		for u, uid := range s.repo.users {
			if uid == id {
				name = u
			}
		}
		writeJSON(w, 200, map[string]any{"id": id, "username": name, "name": name, "state": "active", "access_level": level})
	case "repositoryFiles/get":
		s.getFile(w, r, param(pp["file_path"]))
	case "branches/get":
		name := param(pp["branch"])
		sha, ok := s.repo.branches[name]
		if !ok {
			writeMessage(w, 404, "404 Branch Not Found")
			return true
		}
		writeJSON(w, 200, map[string]any{"name": name, "merged": false, "protected": name == "main", "default": name == "main",
			"commit": map[string]any{"id": sha, "short_id": sha[:8]}})
	case "commits/create":
		s.createCommit(w, body)
	case "users/list":
		var out []any
		if id, ok := s.repo.users[strings.ToLower(r.URL.Query().Get("username"))]; ok {
			out = append(out, userJSON(id, r.URL.Query().Get("username")))
		}
		s.page(w, r, orEmpty(out))
	default:
		return false
	}
	return true
}

func orEmpty(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

// files of a ref: a branch name or a commit sha.
func (s *Server) commitOf(ref string) *commit {
	if sha, ok := s.repo.branches[ref]; ok {
		return s.repo.commits[sha]
	}
	return s.repo.commits[ref]
}

// getFile: the file as base64 content with blob_id, commit_id and
// last_commit_id; 404 "404 File Not Found" for a missing file and "404
// Commit Not Found" for an unknown ref
// (https://docs.gitlab.com/api/repository_files/#get-file-from-repository).
func (s *Server) getFile(w http.ResponseWriter, r *http.Request, p string) {
	ref := r.URL.Query().Get("ref")
	c := s.commitOf(ref)
	if c == nil {
		writeMessage(w, 404, "404 Commit Not Found")
		return
	}
	b, ok := c.files[p]
	if !ok {
		writeMessage(w, 404, "404 File Not Found")
		return
	}
	blob := sha1.Sum(b)
	writeJSON(w, 200, map[string]any{"file_name": p[strings.LastIndex(p, "/")+1:], "file_path": p, "size": len(b), "encoding": "base64",
		"content": base64.StdEncoding.EncodeToString(b), "ref": ref, "blob_id": hex.EncodeToString(blob[:]),
		"commit_id": s.repo.branches[ref], "last_commit_id": c.last[p]})
}

// createCommit: POST /projects/:id/repository/commits
// (https://docs.gitlab.com/api/commits/#create-a-commit-with-multiple-files-and-actions).
// A branch that does not exist needs start_branch or start_sha ("Name of
// the branch to start the new branch from", "SHA of the commit to start
// the new branch from"; "start_branch and start_sha are mutually
// exclusive"); create on an existing file, update on a missing one, and an
// update whose last_commit_id is not the file's last commit are refused
// with 400, nothing written (the stricter reading of "last_commit_id: Last
// known file commit ID"; the messages are the fake's: the documentation
// quotes none).
func (s *Server) createCommit(w http.ResponseWriter, body []byte) {
	var in struct {
		Branch        string `json:"branch"`
		CommitMessage string `json:"commit_message"`
		StartBranch   string `json:"start_branch"`
		StartSHA      string `json:"start_sha"`
		Actions       []struct {
			Action       string `json:"action"`
			FilePath     string `json:"file_path"`
			Content      string `json:"content"`
			LastCommitID string `json:"last_commit_id"`
			Encoding     string `json:"encoding"`
		} `json:"actions"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeMessage(w, 400, "400 Bad request - "+err.Error())
		return
	}
	var base *commit
	head, exists := s.repo.branches[in.Branch]
	switch {
	case in.StartBranch != "" && in.StartSHA != "":
		writeMessage(w, 400, "start_branch, start_sha are mutually exclusive")
		return
	case exists && (in.StartBranch != "" || in.StartSHA != ""):
		writeMessage(w, 400, "A branch called '"+in.Branch+"' already exists. Switch to that branch in order to make changes")
		return
	case exists:
		base = s.repo.commits[head]
	case in.StartSHA != "":
		base = s.repo.commits[in.StartSHA]
	case in.StartBranch != "":
		base = s.commitOf(in.StartBranch)
	default:
		writeMessage(w, 400, "You can only create or edit files when you are on a branch")
		return
	}
	if base == nil {
		writeMessage(w, 400, "Invalid reference: the start point does not exist")
		return
	}
	files := map[string][]byte{}
	for k, v := range base.files {
		files[k] = v
	}
	var changed []string
	for _, a := range in.Actions {
		_, has := files[a.FilePath]
		content := []byte(a.Content)
		if a.Encoding == "base64" {
			b, err := base64.StdEncoding.DecodeString(a.Content)
			if err != nil {
				writeMessage(w, 400, "content is not valid Base64")
				return
			}
			content = b
		}
		switch {
		case a.Action == "create" && has:
			writeMessage(w, 400, "A file with this name already exists")
			return
		case a.Action == "update" && !has:
			writeMessage(w, 400, "A file with this name doesn't exist")
			return
		case a.Action == "update" && a.LastCommitID != "" && a.LastCommitID != base.last[a.FilePath]:
			writeMessage(w, 400, "You are attempting to update a file that has changed since you started editing it.")
			return
		case a.Action != "create" && a.Action != "update":
			writeMessage(w, 400, "the fake supports create and update actions only")
			return
		}
		files[a.FilePath] = content
		changed = append(changed, a.FilePath)
	}
	sha := s.repo.newCommit(base, files, changed...)
	s.repo.branches[in.Branch] = sha
	writeJSON(w, 201, map[string]any{"id": sha, "short_id": sha[:8], "title": in.CommitMessage, "message": in.CommitMessage})
}

// createMR: POST /projects/:id/merge_requests
// (https://docs.gitlab.com/api/merge_requests/#create-mr): 409 with
// "Another open merge request already exists for this source branch: !N"
// for a second open one (quoted in voxpupuli/modulesync#195 and
// renovatebot/renovate#17391); branches that do not exist and
// reviewers who are no members are refused with 400 (the stricter
// answer).
func (s *Server) createMR(w http.ResponseWriter, body []byte) {
	var in struct {
		SourceBranch string  `json:"source_branch"`
		TargetBranch string  `json:"target_branch"`
		Title        string  `json:"title"`
		Description  string  `json:"description"`
		ReviewerIDs  []int64 `json:"reviewer_ids"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeMessage(w, 400, "400 Bad request - "+err.Error())
		return
	}
	_, src := s.repo.branches[in.SourceBranch]
	_, dst := s.repo.branches[in.TargetBranch]
	if !src || !dst || in.SourceBranch == in.TargetBranch {
		writeJSON(w, 400, map[string]any{"message": map[string]any{"source_branch": []string{"is invalid"}}})
		return
	}
	for _, m := range s.repo.opened {
		if m.State == "opened" && m.Source == in.SourceBranch {
			writeJSON(w, 409, map[string]any{"message": []string{fmt.Sprintf("Another open merge request already exists for this source branch: !%d", m.IID)}})
			return
		}
	}
	if !s.membersOnly(w, in.ReviewerIDs) {
		return
	}
	iid := int64(1)
	for k := range s.mrs {
		iid = max(iid, k+1)
	}
	for _, m := range s.repo.opened {
		iid = max(iid, m.IID+1)
	}
	m := &MergeRequest{IID: iid, Source: in.SourceBranch, Target: in.TargetBranch, Title: in.Title, Description: in.Description,
		State: "opened", ReviewerIDs: in.ReviewerIDs, AuthorID: BotID}
	s.repo.opened = append(s.repo.opened, m)
	writeJSON(w, 201, s.mrJSON(m))
}

func (s *Server) membersOnly(w http.ResponseWriter, ids []int64) bool {
	for _, id := range ids {
		if _, ok := s.repo.members[id]; !ok && id != 0 {
			writeMessage(w, 400, fmt.Sprintf("reviewer_ids: user %d is not a member of the project", id))
			return false
		}
	}
	return true
}

// updateMR: PUT /projects/:id/merge_requests/:iid with reviewer_ids
// replaces the reviewers (https://docs.gitlab.com/api/merge_requests/#update-mr).
func (s *Server) updateMR(w http.ResponseWriter, iid int64, body []byte) {
	var m *MergeRequest
	for _, x := range s.repo.opened {
		if x.IID == iid {
			m = x
		}
	}
	if m == nil {
		writeMessage(w, 404, "404 Not found")
		return
	}
	var in struct {
		ReviewerIDs *[]int64 `json:"reviewer_ids"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeMessage(w, 400, "400 Bad request - "+err.Error())
		return
	}
	if in.ReviewerIDs != nil {
		if !s.membersOnly(w, *in.ReviewerIDs) {
			return
		}
		m.ReviewerIDs = append([]int64(nil), *in.ReviewerIDs...)
	}
	writeJSON(w, 200, s.mrJSON(m))
}

// addNote: a note by the token's user appended to the discussion, 404 for
// one that is not of the merge request
// (https://docs.gitlab.com/api/discussions/#add-note-to-existing-merge-request-thread).
func (s *Server) addNote(w http.ResponseWriter, iid int64, id string, body []byte) {
	d := s.findDiscussion(iid, id)
	if d == nil {
		writeMessage(w, 404, "404 Not found")
		return
	}
	var in struct{ Body string }
	_ = json.Unmarshal(body, &in)
	if len([]rune(in.Body)) > MaxNoteBody {
		writeMessage(w, 400, TooLongError)
		return
	}
	n := &Note{ID: s.id(), Type: "DiscussionNote", Body: in.Body, AuthorID: BotID, Author: BotUsername,
		Resolvable: d.Notes[0].Resolvable, Resolved: d.Notes[0].Resolved}
	if d.Notes[0].Type == "DiffNote" {
		n.Type, n.Position = "DiffNote", d.Notes[0].Position
	}
	d.Notes = append(d.Notes, n)
	writeJSON(w, 201, noteJSON(n, iid))
}

// serveUsers answers GET /users (not a project endpoint). It reports
// whether it answered the request.
func (s *Server) serveUsers(w http.ResponseWriter, r *http.Request, raw string, body []byte) bool {
	if raw != "/users" {
		return false
	}
	op, pp, err := validate(r, raw, body)
	s.requests.Count(op)
	if err != nil {
		s.t.Errorf("fakegitlab: %s %s does not match the GitLab contract: %v", r.Method, raw, err)
		writeMessage(w, 400, "400 Bad request - request does not match the contract")
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routeRepo(w, r, op, pp, body)
	return true
}
