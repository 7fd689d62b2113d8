package exception

import (
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
)

// Finding is what names a finding in an ignore rule, recovered from the
// bot's inline comment about it.
type Finding struct {
	// FP is the fingerprint of the marker: it names the branch, so that a
	// second request for the same finding finds the first one's change.
	FP string
	// Tool comes from the marker, Code and Resource from the comment's
	// Details and head, Path from where the forge has the comment.
	Tool, Code, Resource, Path string
}

// fingerprint is what translator.Findings.AssignFingerprints makes: 16 hex
// digits, and "-N" for the N-th identical finding.
var fingerprint = lazyre.New(`^[0-9a-f]{16}(-[1-9][0-9]{0,5})?$`)

// maxField is comment.Inline's bound on a field it shows (maxField there):
// a longer value was cut and cannot name the finding exactly.
const maxField = 512

const markerOpen = "<!-- runbook-translator: "

// labels are the words of comment.Inline in one language (messages): the
// Details heading, and the prefixes of its Tool, Code and Fingerprint
// lines and of the head's Resource line.
type labels struct{ details, tool, code, fp, resource string }

func labelsOf(lang string) labels {
	prefix := func(k messages.Key) string {
		p, _, _ := strings.Cut(messages.Get(lang, k), "%s")
		return p
	}
	return labels{details: messages.Get(lang, "comment.details"), tool: prefix("comment.tool"), code: prefix("comment.code"),
		fp: prefix("comment.fingerprint"), resource: prefix("comment.resource")}
}

// Recover reads the finding of an inline comment the bot wrote (the caller
// checked its author) on path. The comment must end with an inline marker
// whose content hash matches the body above it: a comment someone edited
// since (an admin can edit anyone's comment), a summary, or a finding
// marked fixed is refused, with an error fit to be posted.
func Recover(body, path string) (Finding, error) {
	m, ok := comment.Parse(body)
	switch {
	case !ok:
		return Finding{}, msg("exc.fd.none")
	case m.IsSummary():
		return Finding{}, msg("exc.fd.summary")
	case m.State == comment.StateFixed:
		return Finding{}, msg("exc.fd.fixed")
	case !fingerprint().MatchString(m.FP) || m.Tool == "":
		return Finding{}, msg("exc.fd.bad_marker")
	}
	above := body[:strings.LastIndex(body, markerOpen)]
	if comment.Hash(above, m.Tool, m.FP) != m.Hash {
		return Finding{}, msg("exc.fd.edited")
	}
	f := Finding{FP: m.FP, Tool: m.Tool, Path: strings.TrimPrefix(path, "./")}
	// The run that wrote the comment chose its language (--lang): the
	// Details section is found in whichever language has it last.
	i, lb := -1, labels{}
	for _, lang := range messages.Langs() {
		l := labelsOf(lang)
		if j := strings.LastIndex(above, l.details); j > i {
			i, lb = j, l
		}
	}
	if i < 0 {
		return Finding{}, msg("exc.fd.no_details")
	}
	var tool, fp string
	for _, line := range strings.Split(above[i+len(lb.details):], "\n") {
		switch {
		case strings.HasPrefix(line, lb.tool):
			tool = unCode(strings.TrimPrefix(line, lb.tool))
		case strings.HasPrefix(line, lb.code):
			f.Code = unCode(strings.TrimPrefix(line, lb.code))
		case strings.HasPrefix(line, lb.fp):
			fp = unCode(strings.TrimPrefix(line, lb.fp))
		}
	}
	if tool != f.Tool || fp != f.FP {
		return Finding{}, msg("exc.fd.disagree")
	}
	f.Resource = resource(strings.Split(above[:i], "\n"), lb.resource, f, m.FP)
	for _, v := range []string{f.Code, f.Resource, f.Path} {
		if len(v) >= maxField {
			return Finding{}, msg("exc.fd.too_big", maxField)
		}
	}
	if f.Code == "" && f.Path == "" {
		return Finding{}, msg("exc.fd.unnamed")
	}
	return f, nil
}

// resource finds the resource in the head of the body: "title", "", then
// the message line when the finding has a message (escaped: it has no raw
// backtick), then "Resource: `...`" when it has a resource, then the
// runbook. Which of lines 2 and 4 is which is told by the fingerprint: the
// candidate whose tool, code, path, resource and message hash to it is the
// finding (translator's baseFingerprint). When none does (a message whose
// line breaks the comment turned into spaces), line 2 is taken when it is a
// resource line, else line 4.
func resource(lines []string, prefix string, f Finding, fp string) string {
	line := func(k int) string {
		if k < len(lines) {
			return lines[k]
		}
		return ""
	}
	res := func(l string) (string, bool) {
		if strings.HasPrefix(l, prefix+"`") {
			return unCode(strings.TrimPrefix(l, prefix)), true
		}
		return "", false
	}
	base, _, _ := strings.Cut(fp, "-")
	type cand struct{ msg, res string }
	cands := []cand{{}}
	r2, is2 := res(line(2))
	if is2 {
		cands = append(cands, cand{res: r2})
	}
	if line(2) != "" {
		msg := unEscape(line(2))
		cands = append(cands, cand{msg: msg})
		if r4, ok := res(line(4)); ok {
			cands = append(cands, cand{msg: msg, res: r4})
		}
	}
	for _, c := range cands {
		if (&translator.Finding{Tool: f.Tool, Code: f.Code, Location: translator.Location{Path: f.Path}, Resource: c.res, Message: c.msg}).BaseFingerprint() == base {
			return c.res
		}
	}
	if is2 {
		return r2
	}
	r4, _ := res(line(4))
	return r4
}

// unEscape undoes markdown.Escape where it can: backslash escapes, the
// three entities, and the zero-width space after an "@".
func unEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case strings.HasPrefix(s[i:], "&lt;"):
			b.WriteByte('<')
			i += 3
		case strings.HasPrefix(s[i:], "&gt;"):
			b.WriteByte('>')
			i += 3
		case strings.HasPrefix(s[i:], "&amp;"):
			b.WriteByte('&')
			i += 4
		case strings.HasPrefix(s[i:], "@\u200b"):
			b.WriteByte('@')
			i += len("\u200b")
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// unCode undoes markdown.Code: a backtick fence around the value, padded
// with one space on each side when the value starts or ends with a
// backtick or with spaces on both sides.
func unCode(s string) string {
	n := len(s) - len(strings.TrimLeft(s, "`"))
	if n == 0 || len(s) < 2*n || strings.Repeat("`", n) != s[len(s)-n:] {
		return ""
	}
	in := s[n : len(s)-n]
	if len(in) >= 2 && in[0] == ' ' && in[len(in)-1] == ' ' {
		in = in[1 : len(in)-1]
	}
	return in
}

// Glob escapes the doublestar metacharacters of a literal path or
// resource, so that the rule matches exactly it.
func Glob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]{}\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
