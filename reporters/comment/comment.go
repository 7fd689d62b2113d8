// Package comment renders the Markdown bodies that forge reporters post on
// pull and merge requests: one inline comment per finding, and one sticky
// summary per request. Every body ends with a hidden marker that a later
// run parses to recognise its own comments:
//
//	<!-- runbook-translator: {"fp":"…","tool":"…","h":"…","v":1} -->
//
// The marker carries the finding's fingerprint and a hash of the body's
// content, so a re-run tells an identical comment (leave it) from a changed
// one (edit it). Untrusted text above the marker cannot close or imitate
// it: "<!--" and "-->" are neutralised everywhere above it, and Parse reads
// only the last marker of a body.
//
// The package knows nothing of any forge API; reporters/github and
// reporters/gitlab share it.
package comment

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"unicode/utf8"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
	"github.com/runbook-translator/runbook-translator/markdown"
	"github.com/runbook-translator/runbook-translator/messages"
)

// MaxBody is the size limit of a comment body: GitHub rejects longer ones
// with 422 "Body is too long" (65,536 characters; GitLab's note limit is
// larger). Bodies are bounded in bytes, which is never more characters.
const MaxBody = 65536

// Version is the marker format version.
const Version = 1

// Marker kinds.
const (
	// KindInline marks an inline comment about one finding.
	KindInline = "inline"
	// KindSummary marks the sticky summary comment.
	KindSummary = "summary"
)

// StateFixed is the marker state of an inline comment whose finding is no
// longer reported.
const StateFixed = "fixed"

const (
	markerOpen  = "<!-- runbook-translator: "
	markerClose = " -->"
)

// Marker is the hidden JSON a body ends with.
type Marker struct {
	// Kind is KindSummary for summaries; empty means KindInline.
	Kind string `json:"kind,omitempty"`
	// FP is the finding's fingerprint (inline comments).
	FP string `json:"fp,omitempty"`
	// Tool is the finding's tool (inline comments).
	Tool string `json:"tool,omitempty"`
	// State is StateFixed once the finding went away.
	State string `json:"state,omitempty"`
	// Hash is the content hash of the body above the marker.
	Hash string `json:"h,omitempty"`
	// SHA is the head commit a summary was written for.
	SHA string `json:"sha,omitempty"`
	// Rejected maps fingerprints the forge refused inline to the reason,
	// so that a re-run on the same commit does not ask again (summaries).
	Rejected map[string]string `json:"rej,omitempty"`
	// Unsettled counts the threads of fixed findings the forge refused to
	// resolve on SHA, and UnsettledWhy says why, so that a re-run on the
	// same commit does not ask again (summaries).
	Unsettled    int    `json:"ur,omitempty"`
	UnsettledWhy string `json:"urw,omitempty"`
	// V is the marker format version.
	V int `json:"v"`
}

// IsSummary reports whether the marker belongs to a summary.
func (m Marker) IsSummary() bool { return m.Kind == KindSummary }

// String renders the marker as the HTML comment a body ends with. JSON
// escapes '<', '>' and '&', so no value can end the comment early.
func (m Marker) String() string {
	m.V = Version
	b, _ := json.Marshal(m) // a struct of strings and a map of strings cannot fail
	return markerOpen + string(b) + markerClose
}

// Parse finds the last marker of a body. It returns false when the body
// has none, or when the last one is not valid marker JSON of a known
// version: a body a human wrote, or one a later format owns.
func Parse(body string) (Marker, bool) {
	i := strings.LastIndex(body, markerOpen)
	if i < 0 {
		return Marker{}, false
	}
	rest := body[i+len(markerOpen):]
	j := strings.Index(rest, markerClose)
	if j < 0 {
		return Marker{}, false
	}
	if strings.TrimSpace(rest[j+len(markerClose):]) != "" {
		// Our marker is always last; text after it means this is not ours.
		return Marker{}, false
	}
	var m Marker
	if err := json.Unmarshal([]byte(rest[:j]), &m); err != nil || m.V != Version {
		return Marker{}, false
	}
	return m, true
}

// Hash returns the content hash stored in markers.
func Hash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Defuse neutralises HTML comment delimiters in Markdown that is otherwise
// trusted (a rendered runbook body), so it can neither hide the rest of a
// comment nor fake a marker.
func Defuse(s string) string {
	return strings.NewReplacer("<!--", "&lt;!--", "-->", "--&gt;").Replace(s)
}

// Options change how bodies are rendered.
type Options struct {
	// Mentions lets an owner written as @user or @org/team notify them.
	// Off by default: the owner is shown, nobody is pinged.
	Mentions bool
	// Lang is the language of the bodies' own words (messages.Langs; ""
	// is English). The marker does not change with it, so a run in
	// another language edits the comments of an earlier one.
	Lang string
}

var handle = lazyre.New(`^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9._-]{1,100})?$`)

// owner renders an owner; it pings only when mentions are on and the owner
// is exactly one GitHub handle or team.
func (o Options) owner(s string) string {
	s = strings.TrimSpace(s)
	if o.Mentions && handle().MatchString(s) {
		return s
	}
	return markdown.Escape(s)
}

// Limits on untrusted text inside one inline comment, so that one huge
// message cannot crowd out the runbook.
const (
	maxMessage = 8 << 10
	maxField   = 512
)

// severityLabel is the heading word of a severity.
func severityLabel(l string, s translator.Severity) string {
	switch s {
	case translator.SeverityCritical:
		return "🟥 " + messages.SeverityTitle(l, "critical")
	case translator.SeverityError:
		return "🔴 " + messages.SeverityTitle(l, "error")
	case translator.SeverityWarning:
		return "🟠 " + messages.SeverityTitle(l, "warning")
	case translator.SeverityInfo:
		return "🔵 " + messages.SeverityTitle(l, "info")
	}
	return "⚪ " + messages.SeverityTitle(l, "notice")
}

// Inline renders the body of the inline comment about f, and the marker it
// ends with (whose Hash tells a re-run whether an existing comment is
// still identical).
func Inline(f *translator.Finding, opts Options) (string, Marker) {
	return InlineFix(f, opts, "")
}

// InlineFix is Inline with a fix section (Fix.Markdown, as the forge
// reporter rendered it for where the comment goes) after the message:
// the suggestion is part of the body, so its hash changes when the fix
// does and a re-run edits the comment.
func InlineFix(f *translator.Finding, opts Options, fix string) (string, Marker) {
	l := opts.Lang
	truncated := messages.T(l, "comment.truncated")
	var head strings.Builder
	head.WriteString("**" + severityLabel(l, f.Severity) + "** · " + escapeField(f.TitleOrCode()) + "\n\n")
	if msg := strings.TrimSpace(f.Message); msg != "" {
		head.WriteString(markdown.Escape(clip(msg, maxMessage)) + "\n\n")
	}
	if f.Resource != "" {
		head.WriteString(messages.T(l, "comment.resource", markdown.Code(clip(f.Resource, maxField))))
	}
	if f.Suppressed != nil && f.Suppressed.Expired {
		head.WriteString(messages.T(l, "comment.expired", escapeField(f.Suppressed.Expires)))
	}

	head.WriteString(fix)

	var rb string
	if f.Runbook != nil && strings.TrimSpace(f.Runbook.Body) != "" {
		rb = strings.TrimSpace(Defuse(markdown.Sanitize(f.Runbook.Body))) + "\n\n"
	}

	var tail strings.Builder
	if f.Runbook != nil && f.Runbook.Owner != "" {
		tail.WriteString(messages.T(l, "comment.owner", opts.owner(clip(f.Runbook.Owner, maxField))))
	}
	tail.WriteString(messages.T(l, "comment.details"))
	tail.WriteString(messages.T(l, "comment.tool", markdown.Code(clip(f.Tool, maxField))))
	if f.Code != "" {
		tail.WriteString(messages.T(l, "comment.code", markdown.Code(clip(f.Code, maxField))))
	}
	if u := safeURL(f.URL); u != "" {
		tail.WriteString(messages.T(l, "comment.docs", u))
	}
	if f.Runbook != nil && f.Runbook.ID != "" {
		tail.WriteString(messages.T(l, "comment.runbook", markdown.Code(clip(f.Runbook.ID, maxField))))
		for _, l := range f.Runbook.Links {
			if u := safeURL(l); u != "" {
				tail.WriteString(" · " + u)
			}
		}
		tail.WriteString("\n")
	}
	tail.WriteString(messages.T(l, "comment.fingerprint", markdown.Code(f.Fingerprint)))
	tail.WriteString("\n</details>\n\n")

	m := Marker{FP: f.Fingerprint, Tool: f.Tool}
	budget := MaxBody - head.Len() - tail.Len() - len(m.String()) - 200 // hash and slack
	if len(rb) > budget {
		rb = markdown.Cut(rb, max(budget, 0), truncated)
	}
	body := head.String() + rb + tail.String()
	if len(body) > MaxBody-len(m.String())-64 {
		body = markdown.Cut(body, MaxBody-len(m.String())-64, truncated)
	}
	m.Hash = Hash(body, f.Tool, f.Fingerprint)
	return body + m.String(), m
}

// Fixed renders the body an inline comment is edited to once its finding is
// no longer reported: the old title, struck through, and a fixed marker.
// Only opts.Lang is read.
func Fixed(f Marker, title, note string, opts Options) (string, Marker) {
	var b strings.Builder
	b.WriteString(messages.T(opts.Lang, "comment.fixed"))
	if title != "" {
		b.WriteString(": ~~" + escapeField(title) + "~~")
	}
	b.WriteString("\n\n")
	if note != "" {
		b.WriteString(markdown.Escape(clip(note, maxMessage)) + "\n\n")
	}
	m := Marker{FP: f.FP, Tool: f.Tool, State: StateFixed}
	m.Hash = Hash(b.String(), m.Tool, m.FP, StateFixed)
	return b.String() + m.String(), m
}

// Title extracts the escaped title line of an inline body written by
// Inline, for Fixed; "" when the body has none.
func Title(body string) string {
	line, _, _ := strings.Cut(body, "\n")
	if _, t, ok := strings.Cut(line, "** · "); ok {
		return unescapeField(t)
	}
	return ""
}

func escapeField(s string) string { return markdown.Escape(clip(s, maxField)) }

// unescapeField reverses the backslash escapes of markdown.Escape well
// enough to re-escape the text without doubling them.
func unescapeField(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "\u200b", "").Replace(b.String())
}

// clip bounds untrusted text before escaping, at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// safeURL renders an http(s) URL as an autolink, or "" for anything else
// (javascript:, data:, relative paths, text with spaces or brackets).
func safeURL(u string) string {
	u = strings.TrimSpace(u)
	if len(u) > 2048 || !(strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) {
		return ""
	}
	if strings.ContainsAny(u, " \t\n\r<>\"'`()[]{}|\\") {
		return ""
	}
	return "<" + u + ">"
}
