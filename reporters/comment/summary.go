package comment

import (
	"fmt"
	"sort"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/markdown"
	"github.com/runbook-translator/runbook-translator/messages"
)

// Reasons a finding is in the summary instead of inline, in English;
// Reason(lang, …) gives them in a run's language.
const (
	// ReasonOutsideDiff: the finding's lines are not part of the change.
	ReasonOutsideDiff = "outside the diff"
	// ReasonNoLine: the tool gave no line to comment on.
	ReasonNoLine = "no line number"
)

// reasonKeys are the message keys of the Reason constants.
var reasonKeys = map[string]messages.Key{ReasonOutsideDiff: "summary.outside_diff", ReasonNoLine: "summary.no_line"}

// Reason returns one of the Reason constants in lang.
func Reason(lang, reason string) string {
	if k, ok := reasonKeys[reason]; ok {
		return messages.T(lang, k)
	}
	return reason
}

// Entry is a finding listed in the summary, with why it is there.
type Entry struct {
	Finding *translator.Finding
	// Reason says why it is not inline (ReasonOutsideDiff, the API's
	// rejection message, "not posted: …").
	Reason string
}

// Summary is what the sticky summary comment reports.
type Summary struct {
	// Findings are all findings of the run; the summary counts them and
	// links the runbook entries they use.
	Findings translator.Findings
	// Inline is how many findings have an inline comment.
	Inline int
	// NotInline are active findings that could not go inline.
	NotInline []Entry
	// Failed are findings that could not be posted (retries ran out).
	Failed []Entry
	// Notes are remarks such as threads left open because a human replied.
	Notes []string
	// SHA is the head commit the summary is for (kept in the marker only).
	SHA string
	// Rejected maps fingerprints the forge refused inline to the reason,
	// remembered in the marker for re-runs on the same commit.
	Rejected map[string]string
	// Unsettled and UnsettledWhy are remembered in the marker (see
	// Marker.Unsettled).
	Unsettled    int
	UnsettledWhy string
	// Baseline is true when the run was compared with a --baseline:
	// Findings carry new/existing, and Fixed lists the baseline's findings
	// that are gone.
	Baseline bool
	Fixed    translator.Findings
}

// SummaryBody renders the sticky summary and its marker. The body never
// exceeds MaxBody: lists are cut with a visible notice saying how many
// items were left out.
func SummaryBody(s Summary, opts Options) (string, Marker) {
	c := s.Findings.Count()
	l := opts.Lang
	var head strings.Builder
	head.WriteString("## runbook-translator\n\n")
	if c.Total == 0 {
		head.WriteString(messages.T(l, "summary.no_findings"))
	} else {
		head.WriteString(messages.T(l, "summary.counts", c.Error, c.Warning, c.Info, c.Ignored, s.Inline))
	}
	if s.Baseline {
		n, e := 0, 0
		for _, f := range s.Findings.Active() {
			if f.Baseline == translator.BaselineExisting {
				e++
			} else {
				n++
			}
		}
		head.WriteString(messages.T(l, "summary.baseline", n, e, len(s.Fixed)))
	}

	m := Marker{Kind: KindSummary, SHA: s.SHA, Rejected: s.Rejected, Unsettled: s.Unsettled, UnsettledWhy: clip(s.UnsettledWhy, maxField)}
	// Room for the marker with its hash, and for the truncation notice.
	budget := MaxBody - len(m.String()) - 64 - 256
	var b strings.Builder
	b.WriteString(head.String())
	left := 0
	add := func(s string) bool {
		if left > 0 || b.Len()+len(s) > budget {
			left++
			return false
		}
		b.WriteString(s)
		return true
	}

	section := func(title string, es []Entry) {
		if len(es) == 0 {
			return
		}
		add(messages.T(l, "summary.section", title, len(es)))
		for _, e := range es {
			add("- " + entryLine(l, e.Finding) + " — " + markdown.Escape(clip(e.Reason, maxField)) + "\n")
		}
		add("\n")
	}
	section(messages.T(l, "summary.not_posted"), s.Failed)
	notInline, existing := s.NotInline, []Entry(nil)
	if s.Baseline {
		notInline, existing = splitExisting(s.NotInline)
	}
	section(messages.T(l, "summary.not_inline"), notInline)
	if len(s.Fixed) > 0 {
		add(messages.T(l, "summary.fixed", len(s.Fixed)))
		for _, f := range s.Fixed {
			add("- " + entryLine(l, f) + "\n")
		}
		add("\n")
	}
	if len(existing) > 0 && add(messages.T(l, "summary.existing", len(existing))) {
		for _, e := range existing {
			add("- " + entryLine(l, e.Finding) + " — " + markdown.Escape(clip(e.Reason, maxField)) + "\n")
		}
		// Always closed (the budget keeps room), so a cut list does not
		// fold the rest of the summary.
		b.WriteString("\n</details>\n\n")
	}

	ign := s.Findings.IgnoredOnes()
	if len(ign) > 0 {
		add(messages.T(l, "summary.ignored", len(ign)))
		for _, f := range ign {
			line := "- " + entryLine(l, f) + " — " + markdown.Escape(clip(f.Suppressed.Reason, maxField))
			if f.Suppressed.Expires != "" {
				line += messages.T(l, "summary.until", markdown.Escape(clip(f.Suppressed.Expires, 32)))
			}
			if d, ok := f.Suppressed.ExpiresSoon(); ok {
				line += " ⏳ **" + messages.Expiry(l, d) + "**"
			}
			if u := safeURL(f.Suppressed.Link); u != "" {
				line += " " + u
			}
			add(line + "\n")
		}
		add("\n")
	}

	if len(s.Notes) > 0 {
		add(messages.T(l, "summary.notes"))
		for _, n := range s.Notes {
			add("- " + markdown.Escape(clip(n, maxMessage)) + "\n")
		}
		add("\n")
	}

	if rb := runbookLinks(s.Findings); len(rb) > 0 {
		add(messages.T(l, "summary.runbooks"))
		for _, l := range rb {
			add(l)
		}
		add("\n")
	}

	body := b.String()
	if left > 0 {
		body += messages.T(l, "summary.more_lines", left)
	}
	// The hash covers what the marker remembers, not the body alone: the
	// memory of refused writes holds for its commit only, so a summary
	// whose text did not change is still rewritten when the head did.
	// Otherwise the marker keeps an old SHA and the memory never applies
	// again (issue 9 item 10).
	mem := m
	mem.Hash = ""
	m.Hash = Hash(body, KindSummary, mem.String())
	return body + m.String(), m
}

// splitExisting separates the entries of findings already in the baseline.
func splitExisting(es []Entry) (fresh, existing []Entry) {
	for _, e := range es {
		if e.Finding.Baseline == translator.BaselineExisting {
			existing = append(existing, e)
		} else {
			fresh = append(fresh, e)
		}
	}
	return fresh, existing
}

// entryLine renders one finding as a list item: severity, code, location,
// and the escaped message.
func entryLine(l string, f *translator.Finding) string {
	loc := f.Path
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", f.Path, f.Line)
	}
	s := "**" + messages.Severity(l, f.Severity.String()) + "** " + markdown.Code(clip(strings.TrimSpace(f.Tool+" "+f.Code), maxField))
	if loc != "" {
		s += " " + markdown.Code(clip(loc, maxField))
	}
	if msg := strings.TrimSpace(f.Message); msg != "" {
		s += ": " + markdown.Escape(clip(msg, 300))
	}
	return s
}

// runbookLinks lists the distinct runbook entries of the active findings,
// sorted by id, with their reference links.
func runbookLinks(fs translator.Findings) []string {
	seen := map[string]*translator.Runbook{}
	for _, f := range fs {
		if f.Ignored() || f.Runbook == nil || f.Runbook.IsFallback() || f.Runbook.ID == "" {
			continue
		}
		if _, ok := seen[f.Runbook.ID]; !ok {
			seen[f.Runbook.ID] = f.Runbook
		}
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		r := seen[id]
		line := "- " + markdown.Code(clip(id, maxField))
		if r.Title != "" {
			line += " " + markdown.Escape(clip(r.Title, maxField))
		}
		for _, l := range r.Links {
			if u := safeURL(l); u != "" {
				line += " " + u
			}
		}
		out = append(out, line+"\n")
	}
	return out
}
