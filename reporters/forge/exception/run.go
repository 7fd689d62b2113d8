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

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/ignore"
	"github.com/runbook-translator/runbook-translator/markdown"
	"github.com/runbook-translator/runbook-translator/messages"
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
	// role as the forge names it (for the refusal, in the reply's
	// language).
	Access(ctx context.Context, who lifecycle.Author) (ok bool, role Text, err error)
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
	// owners it could not ask (an e-mail, an unknown user), rendered in
	// the reply's language.
	RequestReview(ctx context.Context, num int64, owners []string) ([]Text, error)
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
	// Lang is the --lang flag; Getenv reads the locale. The language of
	// every text posted or written is Lang, else the lang of the config
	// as the base branch has it, else the locale (messages.Resolve).
	// Branch names and the markers that find an earlier request do not
	// depend on it: a request in one language finds one made in another.
	Lang   string
	Getenv func(string) string
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
	// Why is the refusal, as posted (in Lang).
	Why string
	// Lang is the language of the texts posted and written.
	Lang string
	// URL is the pull (merge) request.
	URL string
	// Rule is the rule asked for (Opened, Existing).
	Rule ignore.Rule
}

// refusal is a reason to refuse, posted as the reply.
type refusal struct{ t Text }

func (r *refusal) Error() string { return r.t.Error() }

func refuse(key messages.Key, args ...any) error { return &refusal{msg(key, args...)} }

// refuseErr refuses with err: a Text of the parsers, an error of the
// ignore package worded by the table (messages.Error), or any other
// error's text as it is.
func refuseErr(err error) error {
	var t Text
	if errors.As(err, &t) {
		return &refusal{t}
	}
	return &refusal{msg("err.text", messages.OfAll(err))}
}

// state is what a run has read of the base branch: the language of the
// replies depends on its config, read once whichever needs it first.
type state struct {
	f    Forge
	o    Options
	logf func(messages.Key, ...any)
	// read: base and cfg are set (or err).
	read bool
	base Base
	cfg  *File
	err  error
	lang string
}

// load reads the base branch's head and the config on it.
func (st *state) load(ctx context.Context) (Base, *File, error) {
	if st.read {
		return st.base, st.cfg, st.err
	}
	st.read = true
	st.base, st.err = st.f.Base(ctx)
	if st.err != nil {
		st.err = messages.Wrap(st.err, "excerr.base")
		return st.base, nil, st.err
	}
	st.cfg, st.err = st.f.Read(ctx, st.base.SHA, st.o.Config)
	if st.err != nil {
		st.err = messages.Wrap(st.err, "excerr.read_config", st.o.Config, st.base.Branch)
	}
	return st.base, st.cfg, st.err
}

// configLang is the lang of the config (""; also for a config that does
// not parse: the policy check refuses that one).
func configLang(f *File) string {
	if f == nil {
		return ""
	}
	var c struct {
		Lang string `yaml:"lang"`
	}
	if yaml.Unmarshal(f.Content, &c) != nil {
		return ""
	}
	return c.Lang
}

// language is the run's language: --lang, the base's config, the locale.
// It reads the base only without --lang. For a refusal found before the
// base was read, a failure to read it (or a lang the tool lacks) gives the
// locale's language, logged: the refusal is still posted.
func (st *state) language(ctx context.Context) (string, error) {
	if st.lang != "" {
		return st.lang, nil
	}
	if strings.TrimSpace(st.o.Lang) != "" {
		l, err := messages.Resolve(st.o.Lang, "", nil)
		if err != nil {
			return messages.Default, err
		}
		st.lang = l
		return l, nil
	}
	_, cfg, err := st.load(ctx)
	if err != nil {
		l, _ := messages.Resolve("", "", st.o.Getenv)
		return l, err
	}
	l, err := messages.Resolve("", configLang(cfg), st.o.Getenv)
	if err != nil {
		l, _ = messages.Resolve("", "", st.o.Getenv)
		return l, refuse("exc.bad_lang", st.o.Config, st.base.Branch, messages.Of(err))
	}
	st.lang = l
	return l, nil
}

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
	// The log is in the run's language once the replies' is known, and
	// until then in that of --lang or the locale.
	logLang, _ := messages.Resolve(o.Lang, "", o.Getenv)
	var st *state
	logf := func(key messages.Key, args ...any) {
		if o.Log == nil {
			return
		}
		l := logLang
		if st != nil && st.lang != "" {
			l = st.lang
		}
		fmt.Fprintln(o.Log, messages.T(l, "excerr.prefix", msg(key, args...).In(l)))
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
		return Result{}, messages.Wrap(err, "excerr.comment")
	}
	if !IsCommand(c.Body) {
		logf("exclog.not_command", c.ID, Prefix, Verb)
		return Result{Outcome: Ignored}, nil
	}
	self := lifecycle.Identity{Login: o.BotLogin}
	if self.Login == "" {
		if self, err = f.Self(ctx); err != nil {
			return Result{}, messages.Wrap(err, "excerr.self")
		}
	}
	if self.Is(c.Author) {
		logf("exclog.own", c.ID)
		return Result{Outcome: Ignored}, nil
	}
	logf("exclog.by", c.ID, c.Author.Login)
	st = &state{f: f, o: o, logf: logf}
	res, err := request(ctx, st, now().UTC(), self, c)
	var rf *refusal
	if errors.As(err, &rf) {
		lang, lerr := st.language(ctx)
		if lerr != nil {
			logf("exclog.reply_lang", lang, messages.Of(lerr))
		}
		why := rf.t.In(lang)
		logf("exclog.refused", rf.t)
		body := messages.T(lang, "exc.refused") + rf.t.Markdown(lang)
		res := Result{Outcome: Refused, Why: why, Lang: lang}
		if rerr := f.Reply(ctx, body+"\n"); rerr != nil {
			return res, messages.Wrap(rerr, "excerr.reply", why)
		}
		return res, nil
	}
	return res, err
}

func request(ctx context.Context, st *state, today time.Time, self lifecycle.Identity, c *Comment) (Result, error) {
	f, o, logf := st.f, st.o, st.logf
	ok, role, err := f.Access(ctx, c.Author)
	if err != nil {
		return Result{}, messages.Wrap(err, "excerr.access", c.Author.Login)
	}
	if !ok {
		if role.Key == "" && len(role.Args) == 0 {
			role = msg("exc.role.none")
		}
		return Result{}, refuse("exc.no_write", c.Author.Login, role)
	}
	cmd, err := ParseCommand(c.Body)
	if err != nil {
		return Result{}, refuseErr(err)
	}
	if !c.Reply {
		return Result{}, refuse("exc.not_reply")
	}
	p, err := f.Parent(ctx)
	if err != nil {
		return Result{}, messages.Wrap(err, "excerr.parent")
	}
	if !self.Is(p.Author) {
		return Result{}, refuse("exc.not_bot", p.Author.Login)
	}
	fd, err := Recover(p.Body, p.Path)
	if err != nil {
		return Result{}, refuseErr(err)
	}
	expires, err := ignore.ParseExpiry(fmt.Sprintf("%dd", cmd.Days), today)
	if err != nil {
		return Result{}, refuseErr(err)
	}
	rule := newRule(fd, cmd, expires, c)
	base, cur, err := st.load(ctx)
	if err != nil {
		return Result{}, err
	}
	lang, err := st.language(ctx)
	if err != nil {
		return Result{}, err
	}
	var src []byte
	if cur != nil {
		src = cur.Content
	}
	approver, err := checkPolicy(src, rule, today)
	if err != nil {
		return Result{}, refuse("exc.policy", o.Config, base.Branch, textOrError(err))
	}
	edited, err := addRule(src, o.Config, rule)
	if err != nil {
		return Result{}, refuse("exc.cannot_edit", o.Config, base.Branch, err.Error())
	}
	res := Result{Rule: rule, Lang: lang}
	branch := Branch(fd.FP, base.Branch)
	if url, ok, err := f.Open(ctx, branch); err != nil {
		return Result{}, messages.Wrap(err, "excerr.open", branch)
	} else if ok {
		logf("exclog.existing", url)
		res.Outcome, res.URL = Existing, url
		return res, f.Reply(ctx, messages.T(lang, "exc.existing", url)+"\n")
	}
	exists, err := f.BranchExists(ctx, branch)
	if err != nil {
		return Result{}, messages.Wrap(err, "excerr.branch", branch)
	}
	ch := Change{Branch: branch, NewBranch: !exists, StartSHA: base.SHA, Path: o.Config, Content: edited, Prev: cur,
		Message: commitMessage(lang, fd, rule, base, c)}
	write := true
	if exists {
		// A branch left by an earlier request whose change was closed,
		// or whose run stopped before opening it: edit what it has.
		on, err := f.Read(ctx, branch, o.Config)
		if err != nil {
			return Result{}, messages.Wrap(err, "excerr.read_config", o.Config, branch)
		}
		ch.Prev = on
		if on != nil && bytes.Equal(on.Content, edited) {
			write = false
		}
	}
	if write {
		if err := f.Commit(ctx, ch); err != nil {
			return Result{}, messages.Wrap(err, "excerr.commit", branch)
		}
		logf("exclog.committed", branch)
	}
	body := requestBody(lang, fd, rule, base, c)
	if approver {
		body += "\n" + messages.T(lang, "exc.approver") + "\n"
	}
	num, url, err := f.Create(ctx, Request{Branch: branch, Base: base.Branch, Title: title(lang, fd), Body: body})
	if err != nil {
		return Result{}, messages.Wrap(err, "excerr.create", branch)
	}
	res.Outcome, res.URL = Opened, url
	logf("exclog.opened", url)
	var notes []Text
	who, err := codeowners(ctx, f, base.SHA, o.Config)
	switch {
	case err != nil:
		notes = append(notes, msg("exc.no_review", err.Error()))
	case len(who) == 0:
		notes = append(notes, msg("exc.no_owner", o.Config))
	default:
		n, err := f.RequestReview(ctx, num, who)
		if err != nil {
			return res, messages.Wrap(err, "excerr.review", url)
		}
		notes = append(notes, n...)
		logf("exclog.review", strings.Join(who, ", "))
	}
	reply := messages.T(lang, "exc.requested", messages.N(lang, "exc.days", cmd.Days), rule.Expires, url) + "\n"
	for _, n := range notes {
		reply += "\n" + markdown.Escape(n.In(lang)) + "\n"
	}
	return res, f.Reply(ctx, reply)
}

// textOrError keeps a Text as it is (rendered in the reply's language) and
// any other error as its text.
func textOrError(err error) any {
	var t Text
	if errors.As(err, &t) {
		return t
	}
	return err.Error()
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
func title(lang string, fd Finding) string {
	what := fd.Code
	if what == "" {
		what = fd.Tool
	}
	t := messages.T(lang, "exc.title", what)
	if fd.Path != "" {
		t = messages.T(lang, "exc.title_path", what, fd.Path)
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

func commitMessage(lang string, fd Finding, r ignore.Rule, b Base, c *Comment) string {
	return title(lang, fd) + "\n\n" + messages.T(lang, "exc.commit", c.Author.Login, b.Request, c.URL, r.Expires)
}

// requestBody describes the request; every value from the scan or the
// comment is escaped (no mention, link or HTML of theirs).
func requestBody(lang string, fd Finding, r ignore.Rule, b Base, c *Comment) string {
	var s strings.Builder
	s.WriteString(messages.T(lang, "exc.body_intro", markdown.Escape(b.Request), markdown.Escape(c.Author.Login), c.URL) + "\n\n")
	s.WriteString("| | |\n|---|---|\n")
	row := func(k messages.Key, v string) {
		if v != "" {
			s.WriteString("| " + messages.T(lang, k) + " | " + markdown.Escape(v) + " |\n")
		}
	}
	row("exc.row.tool", fd.Tool)
	row("exc.row.code", fd.Code)
	row("exc.row.path", fd.Path)
	row("exc.row.resource", fd.Resource)
	row("exc.row.reason", r.Reason)
	row("exc.row.expires", r.Expires)
	s.WriteString("\n" + messages.T(lang, "exc.body_outro") + "\n")
	return s.String()
}
