// Package lifecycle owns the life of a review bot's comments on a pull or
// merge request, the same for every forge: where each finding goes (inline
// on a diff line, or the summary), which existing comments are ours, which
// to keep, edit, create, resolve or reopen, re-listing when a write's
// outcome is unknown, the sticky summary, and the findings that could not
// be posted. A forge (reporters/github, reporters/gitlab) implements Forge
// with its endpoints and payloads only, so each rule below is written once.
//
// Rules, with the defect each one fixes (issue 9):
//   - only comments authored by the token's own identity count (item 4,
//     issue 8 item 1): a copied marker in someone else's comment is text;
//   - a finding and a comment match by fingerprint and location, so two
//     identical findings are told apart by where they are (item 5);
//   - an outdated comment (GitHub line null, GitLab note on a superseded
//     diff version) is not a live comment of its finding: the finding is
//     posted where it is now and the old comment is closed (item 6);
//   - a finding that comes back reopens its resolved thread (item 7);
//   - a comment is edited before its thread is resolved, and a refused
//     resolve or reopen is said in the summary, never fatal (items 2, 12);
//   - the summary's hash covers the head SHA and the rejected findings, so
//     the "already rejected" memory is for this commit and a re-run does
//     not repeat failing writes (item 10);
//   - a batch the forge refuses is split in halves, and writes are paced
//     to the forge's documented limits (item 11).
package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
)

// Identity is who the token is: the author of every comment the bot
// writes. Login is compared case-insensitively; ID, when both sides have
// one, wins over Login (GitLab user ids; logins can be renamed).
type Identity struct {
	Login string
	ID    int64
}

// Is reports whether an author is this identity.
func (i Identity) Is(a Author) bool {
	if i.ID != 0 && a.ID != 0 {
		return i.ID == a.ID
	}
	return i.Login != "" && strings.EqualFold(i.Login, a.Login)
}

// String is the identity for logs.
func (i Identity) String() string {
	if i.ID != 0 {
		return fmt.Sprintf("%s (id %d)", i.Login, i.ID)
	}
	return i.Login
}

// Author is who wrote a comment.
type Author struct {
	Login string
	ID    int64
}

// Note is an existing comment that opens a thread (an inline review
// comment, a diff thread's first note) or a summary comment, as the
// forge lists it. The forge fills what it knows; Ref carries its own ids.
type Note struct {
	// ID identifies the comment in logs and errors.
	ID string
	// Ref is the forge's handle (ids, node ids); the core never reads it.
	Ref    any
	Author Author
	Body   string
	// Path and Line are where an inline comment is now; Line is 0 for a
	// comment that is outdated.
	Path string
	Line int
	// Outdated: the comment is on code that changed since it was written
	// (GitHub line null; GitLab position on a superseded diff version).
	Outdated bool
	// Resolved is the thread's state, valid when ResolvedKnown.
	Resolved      bool
	ResolvedKnown bool
	// Replies are the authors of the later notes of the thread.
	Replies []Author

	marker comment.Marker
	// threadErr is why the thread's state could not be read.
	threadErr string
}

// Listing is what the forge has now.
type Listing struct {
	// Inline are thread-opening comments with a body that may carry a
	// marker, of any author: the core keeps its own.
	Inline []*Note
	// Summaries are conversation comments that may be our summary.
	Summaries []*Note
	// Pages is how many pages the listing took (offset pagination can
	// skip an item at a page boundary when someone deletes one).
	Pages int
}

// Draft is a comment to create.
type Draft struct {
	Finding *translator.Finding
	Path    string
	// Line is the diff line the comment goes on: the last line of a
	// multi-line comment.
	Line int
	// StartLine, when not 0, is the first line of a multi-line comment:
	// every line from StartLine to Line is shown in one hunk of the diff.
	StartLine int
	// File makes a file-level comment (Line 0): the finding is in a file
	// the request changes, but not on a line its diff shows.
	File   bool
	Body   string
	Marker comment.Marker
	// Fix is the fix section of Body (Input.Fix), kept to render the body
	// again with another fingerprint (sameAs).
	Fix string
}

// Kind classifies an error of one operation.
type Kind int

const (
	// Failed: the operation failed for good (retries ran out, or a client
	// error that says nothing about the content).
	Failed Kind = iota
	// Rejected: the forge refused the content (GitHub 422, GitLab 400):
	// a batch is split, a single comment goes to the summary.
	Rejected
	// Ambiguous: the write may have been applied (5xx, connection reset,
	// timeout): list again before writing again.
	Ambiguous
	// Refused: the token may not do this (403, GraphQL FORBIDDEN, a
	// fork's read-only token). Degrades per operation.
	Refused
)

// Forge is what one forge implements: endpoints and payloads.
type Forge interface {
	// Self returns the token's identity (see Identity).
	Self(ctx context.Context) (Identity, error)
	// List returns the inline comments and summary candidates.
	List(ctx context.Context) (*Listing, error)
	// Threads fills Resolved of the given notes (GitHub needs a GraphQL
	// read; GitLab lists it with the notes and does nothing).
	Threads(ctx context.Context, ns []*Note) error
	// Create posts the drafts in one request (a GitHub review; GitLab
	// takes one at a time, see Config.MaxBatch).
	Create(ctx context.Context, ds []*Draft) error
	// Edit replaces the body of one of our comments.
	Edit(ctx context.Context, n *Note, body string) error
	// Resolve resolves (or, false, reopens) the thread a note opens.
	Resolve(ctx context.Context, n *Note, resolved bool) error
	// CreateSummary posts the summary; EditSummary replaces it.
	CreateSummary(ctx context.Context, body string) error
	EditSummary(ctx context.Context, n *Note, body string) error
	// Classify says what an error of one of the above means, and the
	// forge's message for the summary (422 details, GitLab's message).
	Classify(err error) (Kind, string)
}

// Clock is time as the lifecycle sees it; tests inject one that does not
// sleep.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

// Limit is a documented write limit: at most N writes per Per.
type Limit struct {
	N   int
	Per time.Duration
}

// Config is a forge's parameters.
type Config struct {
	// Forge names the forge in summaries ("GitHub", "GitLab").
	Forge string
	// What names the work in errors ("post review").
	What string
	// Head is the commit the comments are placed on.
	Head string
	// BotLogin, when set, is our identity (the --bot-login override) and
	// Forge.Self is not asked.
	BotLogin string
	// MaxBatch is how many drafts one Create takes; 0 means 1.
	MaxBatch int
	// Concurrency is how many writes are in flight; 0 means 1.
	Concurrency int
	// Limits pace every write.
	Limits []Limit
	// Clock waits between rounds and for Limits.
	Clock Clock
	// MaxRounds bounds the rounds of re-listing after ambiguous writes.
	MaxRounds int
	// Backoff is the wait before round n (1-based) of re-listing.
	Backoff func(n int) time.Duration
	// MaxWait caps one wait.
	MaxWait time.Duration
	// Log receives progress lines; nil discards.
	Log func(format string, args ...any)
	// Redact cleans text that comes from the forge before it is shown
	// (summary reasons); nil keeps it.
	Redact func(string) string
	// FileComments lets findings in changed files, but outside the
	// diff's lines, get a file-level comment instead of a summary line.
	FileComments bool
	// RequestChanges: while failing findings remain the bot's review
	// requests changes, and it is dismissed once none remain. The forge
	// must implement Verdicts.
	RequestChanges bool
	// VerdictHelp says, in the summary note of a refused request for
	// changes, what the token needs.
	VerdictHelp string
	// Permissions names, for the summary, what a refused resolve needs
	// ("contents: write", "the Developer role").
	Permissions string
}

// NotPostedError lists the findings that could not be posted. The summary
// lists them too, when it could be written.
type NotPostedError struct {
	What    string
	Entries []comment.Entry
	Err     error
}

// Error lists up to ten of the findings and the underlying error.
func (e *NotPostedError) Error() string {
	var b strings.Builder
	what := e.What
	if what == "" {
		what = "post comments"
	}
	fmt.Fprintf(&b, "%s: %d findings not posted", what, len(e.Entries))
	for i, en := range e.Entries {
		if i == 10 {
			fmt.Fprintf(&b, "; and %d more", len(e.Entries)-10)
			break
		}
		fmt.Fprintf(&b, "; %s:%d %s %s", en.Finding.Path, en.Finding.Line, en.Finding.Tool, en.Finding.Code)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Unwrap returns the underlying error (a forge's ErrNoWriteAccess among
// them).
func (e *NotPostedError) Unwrap() error { return e.Err }

// ErrNoIdentity means the token's identity could not be found; without it
// no comment can be told to be ours.
var ErrNoIdentity = errors.New("cannot tell which comments are ours")

// APIError is a forge's error answer: its status and message.
type APIError interface {
	error
	APIStatus() (status int, msg string)
}

// OutcomeUnknown is a failed write the forge may have applied (a 5xx, a
// connection reset, a timeout).
type OutcomeUnknown interface {
	error
	OutcomeUnknown() bool
}

// Errors describes a forge's error values, for Classify.
type Errors struct {
	// NoAccess is the forge's "no write access" error (wrapped by every
	// refused request: 403, 404 on a write, GraphQL FORBIDDEN).
	NoAccess error
	// RejectStatus is the status of a refused content (GitHub 422, GitLab
	// 400).
	RejectStatus int
}

// Classify implements Forge.Classify for errors that wrap an APIError or
// an OutcomeUnknown.
func (e Errors) Classify(err error) (Kind, string) {
	var ae APIError
	var ou OutcomeUnknown
	status, msg, api := 0, err.Error(), errors.As(err, &ae)
	if api {
		status, msg = ae.APIStatus()
	}
	switch {
	case errors.As(err, &ou) && ou.OutcomeUnknown():
		return Ambiguous, err.Error()
	case errors.Is(err, e.NoAccess):
		if !api {
			msg = strings.TrimPrefix(msg, e.NoAccess.Error()+": ")
		}
		return Refused, msg
	case api && status == e.RejectStatus:
		return Rejected, msg
	}
	return Failed, err.Error()
}
