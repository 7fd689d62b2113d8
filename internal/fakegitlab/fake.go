// Package fakegitlab is a stateful fake of the GitLab REST API v4 endpoints a
// merge-request review bot uses, for tests. It keeps one project (reachable
// by numeric id and by URL-encoded path) with merge requests, their diff
// versions and per-file diffs, discussions with notes (authors, resolvable,
// resolved) and plain MR notes, and reproduces the rules GitLab states in
// prose (see testdata/contracts/gitlab/README.md):
//
//   - a diff note whose new_line is not an added or context line of the
//     file, whose old_line is missing for a context line or present for an
//     added line, or whose SHAs or paths do not match a version of the merge
//     request, gets 400 with GitLab's line_code error;
//   - note bodies over 1,000,000 characters get 400;
//   - editing another user's note gets 403;
//   - offset pagination with page/per_page (default 20, at most 100) and the
//     X-Page, X-Per-Page, X-Total, X-Total-Pages, X-Next-Page, X-Prev-Page
//     and Link headers;
//   - injected faults: 429 with Retry-After and RateLimit-* headers, 5xx,
//     connection resets, faults after the write was applied, stalls longer
//     than the client's timeout, error bodies that echo the caller's token
//     (per fault, or EchoToken for every error answer); RejectLines refuses
//     chosen lines with the line_code error; AfterPage changes state
//     between the pages of a listing, as another user might; and a
//     read-only mode where writes get 403 or 404.
//
// Every request is validated against the OpenAPI description in testdata;
// one that does not validate fails the test.
package fakegitlab

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/runbook-translator/runbook-translator/internal/fakeforge"
)

// Bot is the user the fake's token belongs to: everything created through
// the API is authored by it.
const (
	BotID       = 99
	BotUsername = "runbook-translator-bot"
)

// Role is the project role of the token's user.
type Role int

const (
	// RoleDeveloper (the default) may create notes and resolve threads.
	RoleDeveloper Role = iota
	// RoleReporter may create and edit its notes but not resolve or
	// reopen a merge request thread: 403
	// (https://gitlab.com/gitlab-org/gitlab/-/issues/358082; resolving is
	// granted to Developer and above:
	// https://gitlab.com/gitlab-org/gitlab/-/merge_requests/257915).
	RoleReporter
)

// MaxNoteBody is GitLab's note limit in characters.
const MaxNoteBody = 1000000

// LineCodeError is GitLab's message for a diff note whose position names no
// line of the diff.
const LineCodeError = `400 Bad request - Note {:line_code=>["can't be blank", "must be a valid line code"]}`

// TooLongError is GitLab's message for a note over MaxNoteBody characters.
const TooLongError = `400 Bad request - Note {:note=>["is too long (maximum is 1000000 characters)"]}`

// Diff is one file of a merge request diff version, as GET .../diffs
// returns it: Diff holds the hunks without file headers.
type Diff struct {
	OldPath, NewPath                  string
	Diff                              string
	NewFile, RenamedFile, DeletedFile bool
	TooLarge                          bool
}

// Version is one diff version of a merge request.
type Version struct {
	ID                         int64
	BaseSHA, StartSHA, HeadSHA string
	Diffs                      []Diff
	// Overflow models a diff over GitLab's diff limits: Diffs are only
	// the files GitLab kept, the version's real_size is "N+" (the string
	// GitLab gives for an overflowing diff, gitlab-org/gitlab#36398) and
	// GET .../changes answers overflow: true
	// (https://docs.gitlab.com/administration/diff_limits/).
	Overflow bool
}

// Position is where a diff note is.
type Position struct {
	BaseSHA      string `json:"base_sha"`
	StartSHA     string `json:"start_sha"`
	HeadSHA      string `json:"head_sha"`
	PositionType string `json:"position_type"`
	NewPath      string `json:"new_path"`
	OldPath      string `json:"old_path"`
	NewLine      *int   `json:"new_line"`
	OldLine      *int   `json:"old_line"`
	// LineRange makes a multi-line thread (see linerange.go).
	LineRange *LineRange `json:"line_range,omitempty"`
}

// Note is a note of a discussion.
type Note struct {
	ID         int64
	Type       string // "DiffNote", "DiscussionNote" or "" (a plain MR note)
	Body       string
	AuthorID   int64
	Author     string
	System     bool
	Position   *Position
	Resolvable bool
	Resolved   bool
}

// Discussion is a thread (or, with Individual, a plain MR note).
type Discussion struct {
	ID         string
	MR         int64
	Individual bool
	Notes      []*Note
}

// Resolved reports whether every resolvable note is resolved.
func (d *Discussion) Resolved() bool {
	any := false
	for _, n := range d.Notes {
		if n.Resolvable {
			any = true
			if !n.Resolved {
				return false
			}
		}
	}
	return any
}

// Fault is an injected failure for the next matching requests (see
// fakeforge.Fault; PrimaryLimit and Secondary are GitHub's and ignored
// here).
type Fault = fakeforge.Fault

// Counts are the requests the fake served.
type Counts struct {
	Reads, Writes int
	// ByOp counts per OpenAPI operation id.
	ByOp map[string]int
}

// Server is the fake. Create it with New; it is closed with the test.
type Server struct {
	*httptest.Server
	t testing.TB
	// Inject, ClearFaults and SetReadOnly.
	fakeforge.Controls

	// Token, when set, is the only token accepted (PRIVATE-TOKEN or
	// JOB-TOKEN header); others get 401.
	Token string
	// Now is the fake's clock for rate limit resets; time.Now when nil.
	Now func() time.Time
	// EchoToken puts the token a request carried into the message of
	// every error answer (faults, 4xx, read-only refusals).
	EchoToken bool
	// RejectLines are "new_path:new_line" keys whose diff notes get 400
	// with LineCodeError although the diff shows the line, as when
	// GitLab's diff disagrees with the one it listed.
	RejectLines map[string]bool
	// Role is the token user's project role (RoleDeveloper by default).
	Role Role
	// SmallIDs hands out note and version ids from 1001 as the fake once
	// did. For compatibility only: by default ids start above 2^32.
	SmallIDs bool
	// AfterPage, when set, is called after page n of a listing at path
	// (below /api/v4, project segment as sent) was read and before it is
	// sent: a hook that changes state while a client pages through, as
	// another user might. It may call the Server's methods.
	AfterPage func(path string, n int)

	mu          sync.Mutex
	projectID   int64
	projectPath string
	mrs         map[int64][]Version // newest first
	discussions []*Discussion
	nextID      int64
	noDiffs     bool
	requests    fakeforge.Requests
	inflight    int
	maxInflight int
	lastAuth    string
	repo        repoState // the repository side (repository.go)
}

// New starts a fake holding project id with the full path path (e.g.
// "group/sub/app"). The client reaches it with
// gitlab.WithBaseURL(srv.URL + "/api/v4").
func New(t testing.TB, id int64, path string) *Server {
	t.Helper()
	if _, err := contract.Load(); err != nil {
		t.Fatalf("fakegitlab: %v", err)
	}
	s := &Server{t: t, projectID: id, projectPath: path, mrs: map[int64][]Version{}, nextID: 1000}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Push adds a new diff version to merge request iid (creating it), as a push
// to the source branch does. Notes follow their lines onto it, or stay on
// the older version when their line changed (see outdate.go).
func (s *Server) Push(iid int64, v Version) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v.ID == 0 {
		v.ID = s.id()
	}
	s.follow(iid, v)
	s.mrs[iid] = append([]Version{v}, s.mrs[iid]...)
}

// DisableDiffsEndpoint makes GET .../diffs answer 404, as GitLab before
// 15.7 does, so that clients fall back to .../changes.
func (s *Server) DisableDiffsEndpoint() {
	s.mu.Lock()
	s.noDiffs = true
	s.mu.Unlock()
}

// Reply adds a note by a human (user id derived from the name) to a
// discussion.
func (s *Server) Reply(discussionID, username, body string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.discussions {
		if d.ID == discussionID {
			n := &Note{ID: s.id(), Type: "DiscussionNote", Body: body, AuthorID: humanID(username), Author: username,
				Resolvable: d.Notes[0].Resolvable, Resolved: d.Notes[0].Resolved}
			if d.Notes[0].Type == "DiffNote" {
				n.Type = "DiffNote"
				n.Position = d.Notes[0].Position
			}
			d.Notes = append(d.Notes, n)
			return n.ID
		}
	}
	s.t.Fatalf("fakegitlab: no discussion %s", discussionID)
	return 0
}

// DeleteDiscussion deletes a discussion with its notes, as its author or
// an admin might; it reports whether it existed.
func (s *Server) DeleteDiscussion(id string) bool {
	return fakeforge.RemoveLocked(&s.mu, &s.discussions, func(d *Discussion) bool { return d.ID == id })
}

// AddNote adds a plain MR note by a human.
func (s *Server) AddNote(iid int64, username, body string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := &Note{ID: s.id(), Body: body, AuthorID: humanID(username), Author: username}
	s.discussions = append(s.discussions, &Discussion{ID: s.discussionID(), MR: iid, Individual: true, Notes: []*Note{n}})
	return n.ID
}

func humanID(username string) int64 {
	h := sha1.Sum([]byte(username))
	return 1 + int64(h[0])<<8 | int64(h[1])
}

// Discussions returns deep copies of the discussions of a merge request,
// oldest first.
func (s *Server) Discussions(iid int64) []Discussion {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Discussion
	for _, d := range s.discussions {
		if d.MR != iid {
			continue
		}
		c := *d
		c.Notes = nil
		for _, n := range d.Notes {
			nc := *n
			c.Notes = append(c.Notes, &nc)
		}
		out = append(out, c)
	}
	return out
}

// Counts returns the requests served since the last ResetCounts.
func (s *Server) Counts() Counts {
	reads, writes, by := s.requests.Counts()
	return Counts{Reads: reads, Writes: writes, ByOp: by}
}

// ResetCounts zeroes the request counts, the request log and MaxInFlight.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests.Reset()
	s.maxInflight = 0
}

// MaxInFlight is the most requests the fake was serving at once since the
// last ResetCounts.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInflight
}

// Log returns "METHOD path" of every request since the last ResetCounts.
func (s *Server) Log() []string { return s.requests.Log() }

// IDBase is where the fake's numeric ids start: above 2^32, so that a
// client that keeps note ids in 32 bits fails here first. GitLab's
// REST API documents ids as integers with no bound; its notes table
// uses bigint ids (gitlab.com passed 2^31 notes; see the GitHub fake's
// IDBase for the same wall on github.com).
const IDBase int64 = 1<<32 + 5000

func (s *Server) id() int64 {
	if s.nextID == 1000 && !s.SmallIDs {
		s.nextID = IDBase
	}
	s.nextID++
	return s.nextID
}

func (s *Server) discussionID() string {
	h := sha1.Sum([]byte(fmt.Sprintf("discussion-%d", s.id())))
	return hex.EncodeToString(h[:])
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeMessage(w http.ResponseWriter, status int, msg string) {
	if tok, ok := fakeforge.Echoed(w); ok && status >= 400 {
		msg += " (token " + tok + ")"
	}
	writeJSON(w, status, map[string]any{"message": msg})
}

// authHeader names the header that carried the token.
func authHeader(r *http.Request) string {
	for _, h := range []string{"PRIVATE-TOKEN", "JOB-TOKEN", "Authorization"} {
		if r.Header.Get(h) != "" {
			return h
		}
	}
	return ""
}

// LastAuthHeader names the header that carried the token of the latest
// request: PRIVATE-TOKEN, JOB-TOKEN or Authorization.
func (s *Server) LastAuthHeader() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastAuth
}

// token returns the token a request carries.
func token(r *http.Request) string {
	for _, h := range []string{"PRIVATE-TOKEN", "JOB-TOKEN"} {
		if v := r.Header.Get(h); v != "" {
			return v
		}
	}
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.EscapedPath()
	if !strings.HasPrefix(raw, "/api/v4/") {
		writeMessage(w, 404, "404 Not Found")
		return
	}
	raw = strings.TrimPrefix(raw, "/api/v4")
	body, err := fakeforge.ReadBody(r)
	if err != nil {
		writeMessage(w, 400, "400 Bad request - "+err.Error())
		return
	}
	isWrite := r.Method != http.MethodGet && r.Method != http.MethodHead

	s.mu.Lock()
	s.inflight++
	s.maxInflight = max(s.maxInflight, s.inflight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inflight--
		s.mu.Unlock()
	}()

	s.mu.Lock()
	s.lastAuth = authHeader(r)
	s.requests.Add(r.Method, raw, isWrite)
	fault, readOnly := s.Switched(r.Method, raw)
	s.mu.Unlock()

	if s.EchoToken {
		w = &fakeforge.EchoWriter{ResponseWriter: w, Token: token(r)}
	}
	if s.Token != "" && token(r) != s.Token {
		writeMessage(w, 401, "401 Unauthorized")
		return
	}
	play := fakeforge.Player{T: s.t, Name: "fakegitlab", WriteFault: s.writeFault}
	fault, done := play.Before(w, r, fault)
	if done {
		return
	}

	if s.serveUser(w, r, raw, body) || s.serveUsers(w, r, raw, body) {
		return
	}
	// The project segment is the numeric id or the URL-encoded full path;
	// a path sent unencoded has more segments and matches no operation.
	segs := strings.Split(raw, "/")
	if len(segs) < 3 || segs[1] != "projects" {
		s.t.Errorf("fakegitlab: %s %s is not a project endpoint", r.Method, raw)
		writeMessage(w, 404, "404 Not Found")
		return
	}
	pid, err := url.PathUnescape(segs[2])
	if err != nil || (pid != strconv.FormatInt(s.projectID, 10) && pid != s.projectPath) {
		writeMessage(w, 404, "404 Project Not Found")
		return
	}
	segs[2] = strconv.FormatInt(s.projectID, 10)
	path := strings.Join(segs, "/")

	op, params, verr := validate(r, path, body)
	s.requests.Count(op)
	if verr != nil {
		s.t.Errorf("fakegitlab: %s %s does not match the GitLab contract: %v\nbody: %.2000s", r.Method, raw, verr, body)
		writeMessage(w, 400, "400 Bad request - request does not match the contract")
		return
	}
	if isWrite && readOnly != 0 {
		if readOnly == 404 {
			writeMessage(w, 404, "404 Not found")
		} else {
			writeMessage(w, 403, "403 Forbidden")
		}
		return
	}
	play.After(w, r, fault, func(w http.ResponseWriter) { s.route(w, r, op, params, body) })
}

// writeFault answers a fault with GitLab's error body and rate-limit
// headers (https://docs.gitlab.com/security/rate_limits/,
// https://docs.gitlab.com/administration/settings/user_and_ip_rate_limits/#response-headers).
func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, f *Fault) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	msg := f.Message
	if f.Status == http.StatusTooManyRequests {
		if f.ResetIn > 0 {
			reset := s.now().Add(f.ResetIn)
			w.Header().Set("RateLimit-Limit", "600")
			w.Header().Set("RateLimit-Observed", "601")
			w.Header().Set("RateLimit-Remaining", "0")
			w.Header().Set("RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
			w.Header().Set("RateLimit-ResetTime", reset.UTC().Format(http.TimeFormat))
		}
		if _, echoed := fakeforge.Echoed(w); msg == "" && !f.EchoToken && !echoed {
			// Rack::Attack's throttled response is plain text.
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(429)
			_, _ = w.Write([]byte("Retry later\n"))
			return
		}
	}
	if msg == "" {
		msg = fmt.Sprintf("%d %s", f.Status, http.StatusText(f.Status))
	}
	if _, echoed := fakeforge.Echoed(w); f.EchoToken && !echoed {
		msg += " (token " + token(r) + ")"
	}
	writeMessage(w, f.Status, msg)
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, op string, pp map[string]string, body []byte) {
	iid, _ := strconv.ParseInt(pp["merge_request_iid"], 10, 64)
	noteID, _ := strconv.ParseInt(pp["note_id"], 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.routeRepo(w, r, op, pp, body) {
		return
	}
	versions := s.mrs[iid]
	if len(versions) == 0 {
		writeMessage(w, 404, "404 Not found")
		return
	}
	switch op {
	case "mergeRequests/listVersions":
		out := make([]any, 0, len(versions))
		for _, v := range versions {
			out = append(out, map[string]any{"id": v.ID, "head_commit_sha": v.HeadSHA, "base_commit_sha": v.BaseSHA,
				"start_commit_sha": v.StartSHA, "created_at": ts, "merge_request_id": iid + 10000, "state": "collected",
				"real_size": realSize(v)})
		}
		s.page(w, r, out)
	case "mergeRequests/listDiffs":
		if s.noDiffs {
			writeMessage(w, 404, "404 Not Found")
			return
		}
		out := make([]any, 0, len(versions[0].Diffs))
		for _, d := range versions[0].Diffs {
			out = append(out, diffJSON(d))
		}
		s.page(w, r, out)
	case "mergeRequests/getChanges":
		out := make([]any, 0, len(versions[0].Diffs))
		for _, d := range versions[0].Diffs {
			out = append(out, diffJSON(d))
		}
		writeJSON(w, 200, map[string]any{"id": iid + 10000, "iid": iid, "project_id": s.projectID, "changes": out, "overflow": versions[0].Overflow})
	case "discussions/listMergeRequest":
		s.page(w, r, fakeforge.Select(s.discussions, func(d *Discussion) bool { return d.MR == iid }, func(d *Discussion) any { return s.discussionJSON(d) }))
	case "discussions/createMergeRequest":
		s.createDiscussion(w, iid, versions, body)
	case "discussions/resolveMergeRequest":
		d := s.findDiscussion(iid, pp["discussion_id"])
		if d == nil {
			writeMessage(w, 404, "404 Not found")
			return
		}
		var in struct{ Resolved bool }
		_ = json.Unmarshal(body, &in)
		if s.Role == RoleReporter { // see RoleReporter
			writeMessage(w, 403, "403 Forbidden")
			return
		}
		if !d.Notes[0].Resolvable {
			writeMessage(w, 403, "403 Forbidden")
			return
		}
		for _, n := range d.Notes {
			if n.Resolvable {
				n.Resolved = in.Resolved
			}
		}
		writeJSON(w, 200, s.discussionJSON(d))
	case "discussions/updateMergeRequestNote":
		d := s.findDiscussion(iid, pp["discussion_id"])
		if d == nil {
			writeMessage(w, 404, "404 Not found")
			return
		}
		n, _ := fakeforge.First(d.Notes, func(x *Note) bool { return x.ID == noteID })
		if n == nil {
			writeMessage(w, 404, "404 Note Not Found")
			return
		}
		var in struct {
			Body     *string
			Resolved *bool
		}
		_ = json.Unmarshal(body, &in)
		if in.Body != nil {
			if n.AuthorID != BotID {
				writeMessage(w, 403, "403 Forbidden")
				return
			}
			if utf8.RuneCountInString(*in.Body) > MaxNoteBody {
				writeMessage(w, 400, TooLongError)
				return
			}
			n.Body = *in.Body
		}
		if in.Resolved != nil && s.Role == RoleReporter { // see RoleReporter
			writeMessage(w, 403, "403 Forbidden")
			return
		}
		if in.Resolved != nil && n.Resolvable {
			n.Resolved = *in.Resolved
		}
		writeJSON(w, 200, noteJSON(n, iid))
	case "notes/createMergeRequest":
		var in struct{ Body string }
		_ = json.Unmarshal(body, &in)
		if utf8.RuneCountInString(in.Body) > MaxNoteBody {
			writeMessage(w, 400, TooLongError)
			return
		}
		n := &Note{ID: s.id(), Body: in.Body, AuthorID: BotID, Author: BotUsername}
		s.discussions = append(s.discussions, &Discussion{ID: s.discussionID(), MR: iid, Individual: true, Notes: []*Note{n}})
		writeJSON(w, 201, noteJSON(n, iid))
	case "notes/updateMergeRequest":
		var n *Note
		for _, d := range s.discussions {
			for _, x := range d.Notes {
				if d.MR == iid && x.ID == noteID {
					n = x
				}
			}
		}
		if n == nil {
			writeMessage(w, 404, "404 Note Not Found")
			return
		}
		if n.AuthorID != BotID {
			writeMessage(w, 403, "403 Forbidden")
			return
		}
		var in struct{ Body *string }
		_ = json.Unmarshal(body, &in)
		if in.Body != nil {
			if utf8.RuneCountInString(*in.Body) > MaxNoteBody {
				writeMessage(w, 400, TooLongError)
				return
			}
			n.Body = *in.Body
		}
		writeJSON(w, 200, noteJSON(n, iid))
	default:
		s.t.Errorf("fakegitlab: operation %s is in the contract but not faked", op)
		writeMessage(w, 501, "not implemented by the fake: "+op)
	}
}

func (s *Server) findDiscussion(iid int64, id string) *Discussion {
	for _, d := range s.discussions {
		if d.MR == iid && d.ID == id {
			return d
		}
	}
	return nil
}

func (s *Server) createDiscussion(w http.ResponseWriter, iid int64, versions []Version, body []byte) {
	var in struct {
		Body     string    `json:"body"`
		Position *Position `json:"position"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeMessage(w, 400, "400 Bad request - "+err.Error())
		return
	}
	if utf8.RuneCountInString(in.Body) > MaxNoteBody {
		writeMessage(w, 400, TooLongError)
		return
	}
	n := &Note{ID: s.id(), Type: "DiscussionNote", Body: in.Body, AuthorID: BotID, Author: BotUsername, Resolvable: true}
	if in.Position != nil {
		p := in.Position
		if !(positionValid(p, versions) || filePositionValid(p, versions)) || !lineRangeValid(p, versions) || (p.NewLine != nil && s.RejectLines[fmt.Sprintf("%s:%d", p.NewPath, *p.NewLine)]) {
			writeMessage(w, 400, LineCodeError)
			return
		}
		n.Type, n.Position = "DiffNote", in.Position
	}
	d := &Discussion{ID: s.discussionID(), MR: iid, Notes: []*Note{n}}
	s.discussions = append(s.discussions, d)
	writeJSON(w, 201, s.discussionJSON(d))
}

// positionValid applies GitLab's documented rules for text positions: the
// SHAs name a version of the merge request, the paths name a file of that
// version, and the lines name a line of its diff — new_line alone for an
// added line, both for an unchanged (context) line with the right old_line,
// old_line alone for a removed line.
func positionValid(p *Position, versions []Version) bool {
	if p.PositionType != "text" || p.NewPath == "" || p.OldPath == "" {
		return false
	}
	for _, v := range versions {
		if v.BaseSHA != p.BaseSHA || v.StartSHA != p.StartSHA || v.HeadSHA != p.HeadSHA {
			continue
		}
		for _, d := range v.Diffs {
			if d.NewPath != p.NewPath || d.OldPath != p.OldPath {
				continue
			}
			ls := parseLines(d.Diff)
			switch {
			case p.NewLine != nil && p.OldLine == nil:
				return ls.added[*p.NewLine]
			case p.NewLine != nil && p.OldLine != nil:
				old, ok := ls.context[*p.NewLine]
				return ok && old == *p.OldLine
			case p.OldLine != nil:
				return ls.removed[*p.OldLine]
			}
			return false
		}
	}
	return false
}

type lines struct {
	added, removed map[int]bool
	context        map[int]int // new line -> old line
}

func parseLines(patch string) lines {
	ls := lines{added: map[int]bool{}, removed: map[int]bool{}, context: map[int]int{}}
	fakeforge.WalkPatch(patch, func(l fakeforge.PatchLine) {
		switch l.Kind {
		case '+':
			ls.added[l.New] = true
		case '-':
			ls.removed[l.Old] = true
		case ' ':
			ls.context[l.New] = l.Old
		}
	})
	return ls
}

// paging is GitLab's offset pagination: per_page default 20, at most
// 100, X-* headers and a Link header
// (https://docs.gitlab.com/api/rest/#offset-based-pagination).
var paging = fakeforge.Paging{DefaultPerPage: 20, GitLab: true}

// page serves one page of a list.
func (s *Server) page(w http.ResponseWriter, r *http.Request, all []any) {
	lo, hi, pg := paging.Page(w.Header(), r, len(all))
	if s.AfterPage != nil {
		// The page is read; let the hook change state as another user
		// would before the client asks for the next one. route holds mu.
		s.mu.Unlock()
		s.AfterPage(strings.TrimPrefix(r.URL.EscapedPath(), "/api/v4"), pg)
		s.mu.Lock()
	}
	out := all[lo:hi]
	if out == nil {
		out = []any{}
	}
	writeJSON(w, 200, out)
}

const ts = "2024-01-01T00:00:00.000Z"

func userJSON(id int64, username string) map[string]any {
	return map[string]any{"id": id, "username": username, "name": username, "state": "active",
		"avatar_url": nil, "web_url": "https://gitlab.example.com/" + username}
}

func realSize(v Version) string {
	if v.Overflow {
		return strconv.Itoa(len(v.Diffs)) + "+"
	}
	return strconv.Itoa(len(v.Diffs))
}

func diffJSON(d Diff) map[string]any {
	mode := func(absent bool) string {
		if absent {
			return "0"
		}
		return "100644"
	}
	text := d.Diff
	if d.TooLarge {
		text = ""
	}
	return map[string]any{"old_path": d.OldPath, "new_path": d.NewPath, "a_mode": mode(d.NewFile), "b_mode": mode(d.DeletedFile),
		"diff": text, "new_file": d.NewFile, "renamed_file": d.RenamedFile, "deleted_file": d.DeletedFile,
		"generated_file": false, "collapsed": false, "too_large": d.TooLarge}
}

func noteJSON(n *Note, iid int64) map[string]any {
	m := map[string]any{"id": n.ID, "type": nil, "body": n.Body, "attachment": nil, "author": userJSON(n.AuthorID, n.Author),
		"created_at": ts, "updated_at": ts, "system": n.System, "noteable_id": iid + 10000, "noteable_type": "MergeRequest",
		"noteable_iid": iid, "resolvable": n.Resolvable, "confidential": false, "internal": false}
	if n.Type != "" {
		m["type"] = n.Type
	}
	if n.Resolvable {
		m["resolved"] = n.Resolved
		m["resolved_by"] = nil
		if n.Resolved {
			m["resolved_by"] = userJSON(BotID, BotUsername)
			m["resolved_at"] = ts
		}
	}
	if n.Position != nil {
		m["position"] = n.Position
		m["commit_id"] = n.Position.HeadSHA
	}
	return m
}

func (s *Server) discussionJSON(d *Discussion) map[string]any {
	notes := make([]any, 0, len(d.Notes))
	for _, n := range d.Notes {
		notes = append(notes, noteJSON(n, d.MR))
	}
	return map[string]any{"id": d.ID, "individual_note": d.Individual, "notes": notes}
}

// SortedPaths returns the new paths of the latest version's diffs, sorted;
// a helper for tests.
func (s *Server) SortedPaths(iid int64) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	if vs := s.mrs[iid]; len(vs) > 0 {
		for _, d := range vs[0].Diffs {
			out = append(out, d.NewPath)
		}
	}
	sort.Strings(out)
	return out
}
