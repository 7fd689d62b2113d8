package exception

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

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
var fingerprint = regexp.MustCompile(`^[0-9a-f]{16}(-[1-9][0-9]{0,5})?$`)

// maxField is comment.Inline's bound on a field it shows (maxField there):
// a longer value was cut and cannot name the finding exactly.
const maxField = 512

const (
	markerOpen = "<!-- runbook-translator: "
	details    = "<details><summary>Details</summary>\n\n"
)

// Recover reads the finding of an inline comment the bot wrote (the caller
// checked its author) on path. The comment must end with an inline marker
// whose content hash matches the body above it: a comment someone edited
// since (an admin can edit anyone's comment), a summary, or a finding
// marked fixed is refused, with an error fit to be posted.
func Recover(body, path string) (Finding, error) {
	m, ok := comment.Parse(body)
	switch {
	case !ok:
		return Finding{}, errors.New("the comment you replied to carries no finding of the bot")
	case m.IsSummary():
		return Finding{}, errors.New("the comment you replied to is the bot's summary, not a finding: reply to the finding's own comment")
	case m.State == comment.StateFixed:
		return Finding{}, errors.New("the finding of this thread is fixed: there is nothing to ignore")
	case !fingerprint.MatchString(m.FP) || m.Tool == "":
		return Finding{}, errors.New("the comment you replied to has a marker without a finding")
	}
	above := body[:strings.LastIndex(body, markerOpen)]
	if comment.Hash(above, m.Tool, m.FP) != m.Hash {
		return Finding{}, errors.New("the comment you replied to was edited after the bot wrote it: its finding cannot be trusted")
	}
	f := Finding{FP: m.FP, Tool: m.Tool, Path: strings.TrimPrefix(path, "./")}
	i := strings.LastIndex(above, details)
	if i < 0 {
		return Finding{}, errors.New("the comment you replied to has no Details section")
	}
	var tool, fp string
	for _, line := range strings.Split(above[i+len(details):], "\n") {
		switch {
		case strings.HasPrefix(line, "- Tool: "):
			tool = unCode(strings.TrimPrefix(line, "- Tool: "))
		case strings.HasPrefix(line, "- Code: "):
			f.Code = unCode(strings.TrimPrefix(line, "- Code: "))
		case strings.HasPrefix(line, "- Fingerprint: "):
			fp = unCode(strings.TrimPrefix(line, "- Fingerprint: "))
		}
	}
	if tool != f.Tool || fp != f.FP {
		return Finding{}, errors.New("the comment you replied to does not agree with its marker")
	}
	// The head is "title", "", then the message line (escaped: it has no
	// raw backtick), then "Resource: `...`" when the finding has one.
	lines := strings.Split(above[:i], "\n")
	for _, k := range []int{2, 4} {
		if k < len(lines) && strings.HasPrefix(lines[k], "Resource: `") {
			f.Resource = unCode(strings.TrimPrefix(lines[k], "Resource: "))
			break
		}
	}
	for _, v := range []string{f.Code, f.Resource, f.Path} {
		if len(v) >= maxField {
			return Finding{}, fmt.Errorf("the finding's code, resource or path is over %d bytes: name it in the config by hand", maxField)
		}
	}
	if f.Code == "" && f.Path == "" {
		return Finding{}, errors.New("the finding has neither a code nor a path: a rule cannot name it exactly")
	}
	return f, nil
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
