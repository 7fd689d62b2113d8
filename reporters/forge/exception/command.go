// Package exception turns a reply to one of the review bot's finding
// comments, `/runbook-translator ignore 30d <reason>`, into a change that
// adds an ignore rule for exactly that finding: a commit on a new branch of
// the pull (merge) request's base, a pull (merge) request against the base,
// review requested from the CODEOWNERS of the config file, and a reply in
// the thread with the link. The steps, the checks and every text posted are
// written once here; a forge (reporters/github, reporters/gitlab)
// implements Forge with its endpoints and payloads only, as the comment
// lifecycle does.
//
// Everything that comes from the comment is untrusted: the command is
// parsed strictly, the reason is bounded and stripped of line breaks (so it
// can neither start a workflow command line in a job log nor a Markdown
// block), and every text posted escapes it (no mention, no HTML, no link).
// Who asked, and which finding, is never taken from the event payload: the
// comment, its author and its parent are read from the API.
package exception

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

// Prefix is the command word; Verb follows it.
const (
	Prefix = "/runbook-translator"
	Verb   = "ignore"
)

// Usage is the command's syntax, as replies show it in English; usage is
// the same in the run's language.
const Usage = "`/runbook-translator ignore <days>d <reason>`, e.g. `/runbook-translator ignore 30d accepted until the Q3 migration`"

// usage is Usage in the language of the reply (the text of key exc.usage).
var usage = msg("exc.usage")

// Bounds of the command.
const (
	// MaxCommand bounds the comment body taken for a command: a longer
	// body is refused before it is looked at further.
	MaxCommand = 2048
	// MaxReason bounds the reason, in characters: a sentence, not a
	// document (the link points to the discussion).
	MaxReason = 300
	// MinReason is the shortest reason: "ok" says nothing.
	MinReason = 5
	// MaxDays is the longest expiry the command accepts whatever the
	// config's policy says (ten years); the policy usually allows far
	// less and AddRule enforces it.
	MaxDays = 3650
)

// Command is a parsed request.
type Command struct {
	// Days until the exception expires, counted from today (UTC).
	Days int
	// Reason is one line of plain text, whitespace collapsed.
	Reason string
}

// ErrNotCommand: the comment is not addressed to the bot (it does not
// start with "/runbook-translator ignore"); it is left alone, without a
// reply.
var ErrNotCommand = errors.New("not a /runbook-translator ignore command")

// days is the duration: 1 to 4 digits and "d"; no sign, no leading zero.
var days = lazyre.New(`^[1-9][0-9]{0,3}d$`)

// IsCommand reports whether a comment body is addressed to the bot: its
// first word is Prefix and its second Verb.
func IsCommand(body string) bool {
	f := strings.Fields(firstLine(body))
	return len(f) >= 2 && f[0] == Prefix && f[1] == Verb
}

func firstLine(s string) string {
	s = strings.TrimLeft(s, " \t\r\n")
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// ParseCommand parses a comment body. It returns ErrNotCommand for a
// comment that is not a command, and otherwise an error that says what is
// wrong, fit to be posted as it is (it quotes nothing of the comment).
//
// The body must be exactly one line "/runbook-translator ignore Nd
// reason": N from 1 to MaxDays, the reason from MinReason to MaxReason
// characters of printable text. Whitespace in the reason is collapsed to
// single spaces.
func ParseCommand(body string) (Command, error) {
	if !IsCommand(body) {
		return Command{}, ErrNotCommand
	}
	if len(body) > MaxCommand {
		return Command{}, msg("exc.cmd.too_big", MaxCommand, usage)
	}
	if !utf8.ValidString(body) {
		return Command{}, msg("exc.cmd.utf8")
	}
	if strings.Contains(strings.TrimSpace(body), "\n") {
		return Command{}, msg("exc.cmd.one_line", usage)
	}
	f := strings.Fields(body)
	if len(f) < 3 {
		return Command{}, msg("exc.cmd.args", usage)
	}
	d := f[2]
	if !days().MatchString(d) {
		return Command{}, msg("exc.cmd.duration", MaxDays, usage)
	}
	n, _ := strconv.Atoi(strings.TrimSuffix(d, "d"))
	if n > MaxDays {
		return Command{}, msg("exc.cmd.too_long", MaxDays)
	}
	reason := strings.Join(f[3:], " ")
	if reason == "" {
		return Command{}, msg("exc.cmd.no_reason", usage)
	}
	for _, r := range reason {
		// Format characters (bidi overrides, zero-width joiners) can
		// make a reason read differently from what it is.
		if !unicode.IsPrint(r) || unicode.Is(unicode.Cf, r) {
			return Command{}, msg("exc.cmd.control", r)
		}
	}
	if c := utf8.RuneCountInString(reason); c > MaxReason {
		return Command{}, msg("exc.cmd.reason_long", c, MaxReason)
	} else if c < MinReason {
		return Command{}, msg("exc.cmd.reason_short", c, MinReason)
	}
	return Command{Days: n, Reason: reason}, nil
}
