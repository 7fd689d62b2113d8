package exception

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/runbook-translator/runbook-translator/ignore"
	"github.com/runbook-translator/runbook-translator/markdown"
	"github.com/runbook-translator/runbook-translator/owners"
	"github.com/runbook-translator/runbook-translator/reporters/forge/lifecycle"
)

// Comment is the comment that carries the command, as the forge has it now.
type Comment struct {
	// ID identifies it in logs.
	ID     string
	Author lifecycle.Author
	Body   string
	// URL is its web address: the rule's link.
	URL string
	// Reply says whether it is a reply in a thread (GitHub in_reply_to_id;
	// GitLab: a later note of a discussion); Parent reads the thread's
	// first comment.
	Reply bool
}

// Parent is the comment the command replied to: the thread's first one.
type Parent struct {
	Author lifecycle.Author
	Body   string
	// Path is the file the comment is on ("" for a comment on no file).
	Path string
}

// File is a file of the repository at a commit.
type File struct {
	Content []byte
	// Blob is the forge's handle of this version (GitHub's blob sha,
	// which an update must name; GitLab's last commit id).
	Blob string
}

// Base is the branch the pull (merge) request goes into, and its head.
type Base struct {
	Branch, SHA string
	// Request names the pull (merge) request in texts ("#7", "!7").
	Request string
}

// Change is a commit that adds the rule.
type Change struct {
	// Branch is the branch to commit to; NewBranch: create it at StartSHA
	// with the commit.
	Branch    string
	NewBranch bool
	StartSHA  string
	// Path and Content are the config file after the edit; Prev is the
	// version edited (nil: the file is created).
	Path    string
	Content []byte
	Prev    *File
	Message string
}

// Request is a pull (merge) request to open.
type Request struct {
	Branch, Base, Title, Body string
}

// Forge is one forge's endpoints. Every method reads or writes the API; a
// method's error is an API failure (redacted), never a refusal.
type Forge interface {
	// Comment reads the comment that carries the command.
	Comment(ctx context.Context) (*Comment, error)
	// Self is the token's identity: whose comments are the bot's.
	Self(ctx context.Context) (lifecycle.Identity, error)
	// Access tells whether a user may push to the repository, and their
	// role as the forge names it (for the refusal).
	Access(ctx context.Context, who lifecycle.Author) (ok bool, role string, err error)
	// Parent reads the first comment of the command's thread.
	Parent(ctx context.Context) (*Parent, error)
	// Base reads the pull (merge) request's target branch and its head.
	Base(ctx context.Context) (Base, error)
	// Read reads a file at a commit or branch; nil without error when the
	// file does not exist.
	Read(ctx context.Context, ref, path string) (*File, error)
	// BranchExists tells whether a branch exists.
	BranchExists(ctx context.Context, branch string) (bool, error)
	// Open finds an open pull (merge) request from branch: its URL.
	Open(ctx context.Context, branch string) (string, bool, error)
	// Commit writes the change.
	Commit(ctx context.Context, c Change) error
	// Create opens the pull (merge) request: its number (for reviews) and URL.
	Create(ctx context.Context, r Request) (num int64, url string, err error)
	// RequestReview asks the owners (CODEOWNERS entries such as "@user",
	// "@org/team", "@group/sub") for a review; it returns notes on the
	// owners it could not ask (an e-mail, an unknown user).
	RequestReview(ctx context.Context, num int64, owners []string) ([]string, error)
	// Reply posts a reply in the command's thread.
	Reply(ctx context.Context, body string) error
	// CodeownersLocations are where the forge reads CODEOWNERS, in its
	// order.
	CodeownersLocations() []string
}

// Options configure Run.
type Options struct {
	// Config is the repository-relative config file to edit.
	Config string
	// Now is today's date source; nil means time.Now.
	Now func() time.Time
	// BotLogin, when set, is the login whose comments are the bot's,
	// instead of Forge.Self.
	BotLogin string
	// Log receives progress lines; nil discards. Nothing from the comment
	// reaches it but the login and ids the forge gave.
	Log io.Writer
}

// Outcome is what a run did.
type Outcome int

const (
	// Ignored: the comment is not a command, or the bot's own.
	Ignored Outcome = iota
	// Refused: the request was refused; the reply says why.
	Refused
	// Opened: a new pull (merge) request was opened.
	Opened
	// Existing: an open pull (merge) request already asks for it.
	Existing
)

// Result is what Run did.
type Result struct {
	Outcome Outcome
	// Why is the refusal, as posted.
	Why string
	// URL is the pull (merge) request.
	URL string
	// Rule is the rule asked for (Opened, Existing).
	Rule ignore.Rule
}

// refusal is a reason to refuse, posted as the reply.
type refusal struct{ msg string }

func (r *refusal) Error() string { return r.msg }

func refuse(format string, args ...any) error { return &refusal{fmt.Sprintf(format, args...)} }

// BranchPrefix starts the name of every branch Run creates (Branch): the
// fingerprint follows, so that a second request for the same finding finds
// the branch and the open change of the first.
const BranchPrefix = "runbook-translator/ignore-"

// Branch is the branch of the request for the finding fp into base: the
// fingerprint, and a hash of the base so that requests into two branches
// do not meet.
func Branch(fp, base string) string {
	h := sha256.Sum256([]byte(base))
	return BranchPrefix + fp + "-" + hex.EncodeToString(h[:4])
}

// Run handles one comment. A refusal is replied to and returned as a
// Result with a nil error; an error is an API failure or a config the
// command could not read.
func Run(ctx context.Context, f Forge, o Options) (Result, error) {
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, "ignore request: "+format+"\n", args...)
		}
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	if o.Config == "" {
		o.Config = ".runbook-translator.yaml"
	}
	c, err := f.Comment(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("read the comment: %w", err)
	}
	if !IsCommand(c.Body) {
		logf("comment %s is not a %s %s command: nothing to do", c.ID, Prefix, Verb)
		return Result{Outcome: Ignored}, nil
	}
	self := lifecycle.Identity{Login: o.BotLogin}
	if self.Login == "" {
		if self, err = f.Self(ctx); err != nil {
			return Result{}, fmt.Errorf("ask who the token is: %w", err)
		}
	}
	if self.Is(c.Author) {
		logf("comment %s is the bot's own: nothing to do", c.ID)
		return Result{Outcome: Ignored}, nil
	}
	logf("comment %s by %s", c.ID, c.Author.Login)
	res, err := request(ctx, f, o, now().UTC(), self, c, logf)
	var rf *refusal
	if errors.As(err, &rf) {
		logf("refused: %s", rf.msg)
		body := "❌ **Exception not requested.** " + markdown.Escape(rf.msg)
		if rerr := f.Reply(ctx, body+"\n"); rerr != nil {
			return Result{Outcome: Refused, Why: rf.msg}, fmt.Errorf("reply with the refusal (%s): %w", rf.msg, rerr)
		}
		return Result{Outcome: Refused, Why: rf.msg}, nil
	}
	return res, err
}

func request(ctx context.Context, f Forge, o Options, today time.Time, self lifecycle.Identity, c *Comment, logf func(string, ...any)) (Result, error) {
	ok, role, err := f.Access(ctx, c.Author)
	if err != nil {
		return Result{}, fmt.Errorf("check the access of %s: %w", c.Author.Login, err)
	}
	if !ok {
		if role == "" {
			role = "none"
		}
		return Result{}, refuse("only users with write access to the repository may ask for an exception; %s has %s.", c.Author.Login, role)
	}
	cmd, err := ParseCommand(c.Body)
	if err != nil {
		return Result{}, refuse("%s", err)
	}
	if !c.Reply {
		return Result{}, refuse("reply with the command in the thread of the bot's comment about the finding, so that it names exactly one finding.")
	}
	p, err := f.Parent(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("read the comment replied to: %w", err)
	}
	if !self.Is(p.Author) {
		return Result{}, refuse("the comment you replied to is not the bot's (it is by %s): only the bot's finding comments name a finding.", p.Author.Login)
	}
	fd, err := Recover(p.Body, p.Path)
	if err != nil {
		return Result{}, refuse("%s", err)
	}
	expires, err := ignore.ParseExpiry(fmt.Sprintf("%dd", cmd.Days), today)
	if err != nil {
		return Result{}, refuse("%s", err)
	}
	rule := newRule(fd, cmd, expires, c)
	base, err := f.Base(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("read the base branch: %w", err)
	}
	cur, err := f.Read(ctx, base.SHA, o.Config)
	if err != nil {
		return Result{}, fmt.Errorf("read %s on %s: %w", o.Config, base.Branch, err)
	}
	var src []byte
	if cur != nil {
		src = cur.Content
	}
	approver, err := checkPolicy(src, rule, today)
	if err != nil {
		return Result{}, refuse("the rule breaks the ignore_policy of %s on %s, nothing was changed: %s", o.Config, base.Branch, err)
	}
	edited, err := addRule(src, o.Config, rule)
	if err != nil {
		return Result{}, refuse("%s on %s cannot take the rule, nothing was changed: %s", o.Config, base.Branch, err)
	}
	res := Result{Rule: rule}
	branch := Branch(fd.FP, base.Branch)
	if url, ok, err := f.Open(ctx, branch); err != nil {
		return Result{}, fmt.Errorf("look for an open request from %s: %w", branch, err)
	} else if ok {
		logf("an open request already asks for this exception: %s", url)
		res.Outcome, res.URL = Existing, url
		return res, f.Reply(ctx, "ℹ️ An exception for this finding is already requested: "+url+"\n")
	}
	exists, err := f.BranchExists(ctx, branch)
	if err != nil {
		return Result{}, fmt.Errorf("look for branch %s: %w", branch, err)
	}
	ch := Change{Branch: branch, NewBranch: !exists, StartSHA: base.SHA, Path: o.Config, Content: edited, Prev: cur,
		Message: commitMessage(fd, rule, base, c)}
	write := true
	if exists {
		// A branch left by an earlier request whose change was closed,
		// or whose run stopped before opening it: edit what it has.
		on, err := f.Read(ctx, branch, o.Config)
		if err != nil {
			return Result{}, fmt.Errorf("read %s on %s: %w", o.Config, branch, err)
		}
		ch.Prev = on
		if on != nil && bytes.Equal(on.Content, edited) {
			write = false
		}
	}
	if write {
		if err := f.Commit(ctx, ch); err != nil {
			return Result{}, fmt.Errorf("commit to %s: %w", branch, err)
		}
		logf("committed the rule to %s", branch)
	}
	body := requestBody(fd, rule, base, c)
	if approver {
		body += "\n**The ignore_policy requires `approved_by`:** the approver adds `approved_by: <name>` to the rule before merging; until then the config does not pass its policy check.\n"
	}
	num, url, err := f.Create(ctx, Request{Branch: branch, Base: base.Branch, Title: title(fd), Body: body})
	if err != nil {
		return Result{}, fmt.Errorf("open the request from %s: %w", branch, err)
	}
	res.Outcome, res.URL = Opened, url
	logf("opened %s", url)
	var notes []string
	who, err := codeowners(ctx, f, base.SHA, o.Config)
	switch {
	case err != nil:
		notes = append(notes, "no review requested: "+err.Error())
	case len(who) == 0:
		notes = append(notes, "no review requested: CODEOWNERS names no owner of "+o.Config)
	default:
		n, err := f.RequestReview(ctx, num, who)
		if err != nil {
			return res, fmt.Errorf("request a review of %s: %w", url, err)
		}
		notes = append(notes, n...)
		logf("review requested from %s", strings.Join(who, ", "))
	}
	reply := "✅ Exception requested for " + dayCount(cmd.Days) + ", until " + rule.Expires + ": " + url + "\n"
	for _, n := range notes {
		reply += "\n" + markdown.Escape(n) + "\n"
	}
	return res, f.Reply(ctx, reply)
}

func dayCount(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// codeowners are the owners of the config file in the base's CODEOWNERS.
func codeowners(ctx context.Context, f Forge, ref, cfg string) ([]string, error) {
	st := owners.NewFromLocations(f.CodeownersLocations(), func(name string) ([]byte, error) {
		file, err := f.Read(ctx, ref, name)
		if err != nil {
			return nil, err
		}
		if file == nil {
			return nil, fs.ErrNotExist
		}
		return file.Content, nil
	}, nil)
	s, err := st.Owners(path.Clean(cfg))
	if err != nil || s == "" {
		return nil, err
	}
	return strings.Split(s, ", "), nil
}

// title is the pull (merge) request's title. It names the finding with
// its code and path, escaped: both come from the scan of a pull request.
func title(fd Finding) string {
	what := fd.Code
	if what == "" {
		what = fd.Tool
	}
	t := "runbook-translator: ignore " + what
	if fd.Path != "" {
		t += " in " + fd.Path
	}
	// A title is plain text, but GitHub and GitLab link @mentions and
	// #references in it: both are broken with a zero-width space.
	t = strings.NewReplacer("@", "@\u200b", "#", "#\u200b", "!", "!\u200b").Replace(markdown.Sanitize(t))
	return clip(strings.Join(strings.Fields(t), " "), 200)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

func commitMessage(fd Finding, r ignore.Rule, b Base, c *Comment) string {
	return title(fd) + "\n\nRequested by " + c.Author.Login + " in " + b.Request + " (" + c.URL + ").\nExpires " + r.Expires + ".\n"
}

// requestBody describes the request; every value from the scan or the
// comment is escaped (no mention, link or HTML of theirs).
func requestBody(fd Finding, r ignore.Rule, b Base, c *Comment) string {
	var s strings.Builder
	s.WriteString("An exception was requested from " + markdown.Escape(b.Request) + " by " + markdown.Escape(c.Author.Login) + ": " + c.URL + "\n\n")
	s.WriteString("| | |\n|---|---|\n")
	row := func(k, v string) {
		if v != "" {
			s.WriteString("| " + k + " | " + markdown.Escape(v) + " |\n")
		}
	}
	row("Tool", fd.Tool)
	row("Code", fd.Code)
	row("Path", fd.Path)
	row("Resource", fd.Resource)
	row("Reason", r.Reason)
	row("Expires", r.Expires)
	s.WriteString("\nMerging this adds the rule to the config; closing it refuses the exception.\n")
	return s.String()
}
