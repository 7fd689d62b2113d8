package reporters

import (
	"fmt"
	"strings"
	"unicode/utf8"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/markdown"
	"github.com/runbook-translator/runbook-translator/messages"
)

// maxMessageBytes bounds one untrusted message in human-readable reports, so
// a tool that dumps a whole file into a message cannot flood a CI log or a
// comment.
const maxMessageBytes = 4096

// sortedFindings returns a sorted copy of the run's findings; the run itself
// is left as the caller built it.
func sortedFindings(run *translator.Run) translator.Findings {
	fs := make(translator.Findings, 0, len(run.Findings))
	for _, f := range run.Findings {
		if f != nil {
			fs = append(fs, f)
		}
	}
	fs.Sort()
	return fs
}

// expired reports whether the finding had an ignore that has expired.
func expired(f *translator.Finding) bool { return f.Suppressed != nil && f.Suppressed.Expired }

// expiryDate returns the expiry date of the finding's ignore, or "unknown".
func expiryDate(f *translator.Finding) string {
	if f.Suppressed == nil || f.Suppressed.Expires == "" {
		return "an unknown date"
	}
	return f.Suppressed.Expires
}

// location renders path:line:col, "path (no line)" or "(no file)", the
// words in lang.
func location(lang string, f *translator.Finding) string {
	switch {
	case f.Path == "":
		return messages.T(lang, "text.no_file")
	case f.Line <= 0:
		return f.Path + messages.T(lang, "md.no_line")
	case f.Column <= 0:
		return fmt.Sprintf("%s:%d", f.Path, f.Line)
	}
	return fmt.Sprintf("%s:%d:%d", f.Path, f.Line, f.Column)
}

// toolCode renders "tool code".
func toolCode(f *translator.Finding) string { return strings.TrimSpace(f.Tool + " " + f.Code) }

// plural renders "1 error", "2 errors".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// terminal makes untrusted text safe to print on a terminal: markdown.Sanitize
// drops ANSI escape sequences and C0 controls; this also drops the C1 controls
// (U+0080-U+009F, of which U+009B is a one-character CSI on terminals that
// honour 8-bit controls) and the Unicode bidirectional overrides, which can
// make displayed text differ from what is there ("Trojan Source").
func terminal(s string) string {
	s = markdown.Sanitize(s)
	if !strings.ContainsFunc(s, unsafeRune) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unsafeRune(r) {
			return -1
		}
		return r
	}, s)
}

func unsafeRune(r rune) bool {
	return r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// oneLine collapses whitespace runs (newlines included) into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// truncate bounds s to max bytes at a rune boundary, marking the cut in
// English (SARIF, a machine format, keeps its words English).
func truncate(s string, max int) string { return truncateIn(messages.Default, s, max) }

// truncateIn is truncate with the mark in lang: a report for people cuts
// plain text (a message, a note) that it escapes afterwards.
func truncateIn(lang, s string, max int) string {
	if len(s) <= max {
		return s
	}
	return markdown.Truncate(s, max, messages.T(lang, "report.truncated"))
}

// shorten bounds s to max runes, for one-line descriptions.
func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// located says where the locate stage put f, in lang (Located, the JSON
// field, is its English text).
func located(lang string, f *translator.Finding) string {
	return f.LocatedText.Or(lang, f.Located)
}

// fixNote is f.FixNote in lang.
func fixNote(lang string, f *translator.Finding) string {
	return f.FixNoteText.Or(lang, f.FixNote)
}
