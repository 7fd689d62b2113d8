package reporters

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/url"
	"sort"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/markdown"
)

func init() {
	Register("markdown", "Markdown summary for a CI job summary, MR note or Atlantis comment",
		func(opts Options) (Reporter, error) {
			if err := writerOrErr(opts.Out, "markdown"); err != nil {
				return nil, err
			}
			return &Markdown{Out: opts.Out}, nil
		})
}

// DefaultMarkdownMaxBytes is the default size cap of the Markdown report.
// GitHub rejects an issue or pull-request comment body longer than 65,536
// characters ("Body is too long (maximum is 65536 characters)"); 65,000 bytes
// stays under it whatever the characters are, with room for a wrapper.
const DefaultMarkdownMaxBytes = 65000

// Markdown caps, so that one noisy runbook or a long ignore list cannot
// crowd everything else out of the size budget.
const (
	mdMaxTableRows     = 50
	mdMaxItemsPerGroup = 50
	mdMaxMessageBytes  = 1000
)

// Markdown is the "markdown" reporter: a summary a CI job can post anywhere
// (GitHub job summary, MR note, Atlantis comment). Every untrusted string
// (message, path, resource, tool, code, reason) goes through markdown.Escape
// or markdown.Code; runbook bodies are rendered catalog output and go in
// as-is, once per runbook entry, except a body whose template failed, which
// holds the raw message and is escaped.
type Markdown struct {
	// Out is where the report goes.
	Out io.Writer
	// MaxBytes caps the report; 0 means DefaultMarkdownMaxBytes. When the
	// findings do not fit, the report says how many were not shown.
	MaxBytes int
	// Heading names the report; "" means "runbook-translator".
	Heading string
}

var _ Reporter = (*Markdown)(nil)

// mdGroup is the active findings of one runbook entry.
type mdGroup struct {
	title    string
	rb       *translator.Runbook
	findings translator.Findings
	maxSev   translator.Severity
	codes    []string
	differ   bool // the entry rendered a different body for some finding
}

// groupKey groups by runbook entry id; fallback findings are grouped by tool
// and code, since the fallback body is about one tool rule.
func groupKey(f *translator.Finding) string {
	if f.Runbook.IsFallback() {
		return "\x00" + f.Tool + "\x00" + translator.NormalizeCode(f.Code)
	}
	return f.Runbook.ID
}

// sameBody reports whether a renders the body b holds; a body left for
// later is rendered for the comparison and not kept (the report shows one
// body per group).
func sameBody(a, b *translator.Runbook) bool {
	body, _ := a.Rendered()
	return body == b.Body
}

// LazyBodies implements LazyBodies: the report resolves the one body it
// shows per group.
func (m *Markdown) LazyBodies() bool { return true }

var _ LazyBodies = (*Markdown)(nil)

func groupByRunbook(active translator.Findings) []*mdGroup {
	byKey := map[string]*mdGroup{}
	var groups []*mdGroup
	for _, f := range active {
		k := groupKey(f)
		g := byKey[k]
		if g == nil {
			f.Runbook.Resolve() // the body shown for the group
			g = &mdGroup{title: f.TitleOrCode(), rb: f.Runbook}
			byKey[k] = g
			groups = append(groups, g)
		} else if f.Runbook != nil && g.rb != nil && !g.differ && !sameBody(f.Runbook, g.rb) {
			g.differ = true
		}
		g.findings = append(g.findings, f)
		if f.Severity > g.maxSev {
			g.maxSev = f.Severity
		}
		tc := toolCodeMD(f)
		if !contains(g.codes, tc) {
			g.codes = append(g.codes, tc)
		}
	}
	// Most severe first, then the biggest, then by title: deterministic.
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if a.maxSev != b.maxSev {
			return a.maxSev > b.maxSev
		}
		if len(a.findings) != len(b.findings) {
			return len(a.findings) > len(b.findings)
		}
		return a.title < b.title
	})
	return groups
}

// esc and code are markdown.Escape and markdown.Code after terminal(), which
// also drops C1 controls and bidirectional overrides: a right-to-left
// override in a message would make the rendered comment read differently
// from what it says.
func esc(s string) string  { return markdown.Escape(terminal(s)) }
func code(s string) string { return markdown.Code(terminal(s)) }

// toolCodeMD renders tool `code`, or the tool alone when it gives no code.
func toolCodeMD(f *translator.Finding) string {
	if f.Code == "" {
		return esc(f.Tool)
	}
	return esc(f.Tool) + " " + code(f.Code)
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// mdBuf is a builder with a byte budget.
type mdBuf struct {
	strings.Builder
	limit int
}

func (b *mdBuf) fits(n int) bool { return b.Len()+n <= b.limit }

func (b *mdBuf) add(s string) bool {
	if !b.fits(len(s)) {
		return false
	}
	b.WriteString(s)
	return true
}

// Report implements Reporter.
func (m *Markdown) Report(_ context.Context, run *translator.Run) error {
	if m.Out == nil {
		return fmt.Errorf("write markdown report: no output")
	}
	if _, err := io.WriteString(m.Out, m.Render(run)); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

// Render returns the report, at most MaxBytes long.
func (m *Markdown) Render(run *translator.Run) string {
	max := m.MaxBytes
	if max <= 0 {
		max = DefaultMarkdownMaxBytes
	}
	fs := sortedFindings(run)
	active, ignored := fs.Active(), fs.IgnoredOnes()
	var expiredOnes translator.Findings
	for _, f := range active {
		if expired(f) {
			expiredOnes = append(expiredOnes, f)
		}
	}
	footer := m.footer(run)
	// Room kept for the truncation notice and the footer.
	const noticeRoom = 400
	header := m.header(run, fs)
	budget := max - noticeRoom - len(footer) - len(header)

	// Sections get shares of the budget in priority order, so that a long
	// table or ignore list cannot starve the runbooks; what a section leaves
	// unused goes to the runbook details, which get the rest.
	notes, notesShown := listSection(budget/8, "### Notes\n\n", noteItems(run.Notes), len(run.Notes), "- … %d more notes not shown\n")
	ign, ignShown := ignoredSection(budget/8, ignored, expiredOnes)
	groups := groupByRunbook(active)
	table := tableSection(budget/5, groups)
	b := &mdBuf{limit: budget - len(notes) - len(ign) - len(table)}
	shown := ignShown
	if len(groups) > 0 {
		b.add("### What to do\n\n")
		for _, g := range groups {
			shown += m.details(b, g)
		}
	}
	notesDropped := len(run.Notes) - notesShown

	b2 := &mdBuf{limit: max}
	b2.WriteString(header + table + b.String() + ign + notes)
	b = b2
	out := b.String()
	notice := ""
	if hidden := len(fs) - shown; hidden > 0 || notesDropped > 0 {
		notice = truncationNotice(hidden, len(fs), notesDropped, max)
	}
	out += notice + footer
	if len(out) > max {
		// Only reachable when MaxBytes is smaller than the header itself.
		out = markdown.Truncate(out, max, "\n\n"+truncationNotice(len(fs), len(fs), len(run.Notes), max))
	}
	return out
}

// listSection renders head and as many items as fit in limit bytes, with a
// "more" line for the rest; it returns "" when not even one item fits.
func listSection(limit int, head string, items []string, total int, more string) (string, int) {
	if len(items) == 0 {
		return "", 0
	}
	b := &mdBuf{limit: limit - len(more) - 10}
	if !b.add(head) {
		return "", 0
	}
	n := 0
	for _, it := range items {
		if n == mdMaxItemsPerGroup || !b.add(it) {
			break
		}
		n++
	}
	if n == 0 {
		return "", 0
	}
	if n < total {
		b.WriteString(fmt.Sprintf(more, total-n))
	}
	b.WriteString("\n")
	return b.String(), n
}

func noteItems(notes []string) []string {
	out := make([]string, len(notes))
	for i, n := range notes {
		out[i] = "- " + esc(truncate(n, mdMaxMessageBytes)) + "\n"
	}
	return out
}

// ignoredSection lists ignored findings (counted as shown) and then the
// expired exceptions (already listed with their runbook, so not counted).
func ignoredSection(limit int, ignored, expiredOnes translator.Findings) (string, int) {
	head := fmt.Sprintf("### Ignored (%d)\n\n", len(ignored))
	if len(expiredOnes) > 0 {
		head = fmt.Sprintf("### Ignored (%d) and expired exceptions (%d)\n\n", len(ignored), len(expiredOnes))
	}
	var items []string
	for _, f := range ignored {
		items = append(items, ignoredItem(f))
	}
	text, n := listSection(limit, head, items, len(ignored), "- … %d more ignored findings not shown\n")
	if len(expiredOnes) == 0 {
		return text, n
	}
	var exp []string
	for _, f := range expiredOnes {
		exp = append(exp, expiredItem(f))
	}
	if text == "" {
		ex, _ := listSection(limit, head, exp, len(expiredOnes), "- … %d more expired exceptions not shown\n")
		return ex, 0
	}
	ex, _ := listSection(limit-len(text), "", exp, len(expiredOnes), "- … %d more expired exceptions not shown\n")
	if ex != "" {
		text = strings.TrimSuffix(text, "\n") + ex
	}
	return text, n
}

// tableSection is the by-runbook table, bounded in rows and bytes.
func tableSection(limit int, groups []*mdGroup) string {
	if len(groups) == 0 {
		return ""
	}
	b := &mdBuf{limit: limit - 80}
	if !b.add("### Findings by runbook\n\n| Runbook | Findings | Tools / codes | First locations |\n|---|---:|---|---|\n") {
		return ""
	}
	rows := 0
	for _, g := range groups {
		if rows == mdMaxTableRows || !b.add(tableRow(g)) {
			break
		}
		rows++
	}
	if rows < len(groups) {
		b.WriteString(fmt.Sprintf("\n_%d more runbook entries are not in this table._\n", len(groups)-rows))
	}
	b.WriteString("\n")
	return b.String()
}

func truncationNotice(hidden, total, notes, max int) string {
	var parts []string
	if hidden > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d findings are not shown", hidden, total))
	}
	if notes > 0 {
		parts = append(parts, fmt.Sprintf("%d notes are not shown", notes))
	}
	return fmt.Sprintf("> ⚠️ **Truncated:** %s (this summary is capped at %d bytes). The local, json and sarif reports list every finding.\n\n",
		strings.Join(parts, "; "), max)
}

func (m *Markdown) header(run *translator.Run, fs translator.Findings) string {
	name := m.Heading
	if name == "" {
		name = "runbook-translator"
	}
	name = esc(name)
	level := code(run.FailLevel.String())
	failing := 0
	for _, f := range fs {
		if run.Failing(f) {
			failing++
		}
	}
	var b strings.Builder
	switch {
	case run.InputFailed:
		fmt.Fprintf(&b, "## ⚠️ %s: incomplete, an input could not be read\n\nThe job log names the input and the error; the run fails.\n\n", name)
	case run.FailLevel == translator.SeverityNone:
		fmt.Fprintf(&b, "## ✅ %s: passes (fail level %s never fails)\n\n", name, level)
	case failing > 0:
		fmt.Fprintf(&b, "## ❌ %s: fails at fail level %s\n\n", name, level)
		why := "at or above the fail level"
		if run.RequireRunbook {
			why += " or without a runbook"
		}
		fmt.Fprintf(&b, "%s %s.\n\n", plural(failing, "finding"), why)
	default:
		fmt.Fprintf(&b, "## ✅ %s: passes at fail level %s\n\n", name, level)
	}
	c := fs.Count()
	fmt.Fprintf(&b, "| Error | Warning | Info | Ignored |\n|---:|---:|---:|---:|\n| %d | %d | %d | %d |\n",
		c.Error, c.Warning, c.Info, c.Ignored)
	if n, e, fx, ok := run.BaselineCounts(); ok {
		fmt.Fprintf(&b, "\nAgainst the baseline: **%d new**, %d existing, %d fixed.\n", n, e, fx)
	}
	if c.Total == 0 {
		b.WriteString("\nNo findings.\n")
	}
	b.WriteString("\n")
	return b.String()
}

func (m *Markdown) footer(run *translator.Run) string {
	parts := []string{"runbook-translator"}
	if run.Version != "" {
		parts = append(parts, esc(run.Version))
	}
	if !run.Now.IsZero() {
		parts = append(parts, run.Now.UTC().Format("2006-01-02 15:04 UTC"))
	}
	return "<sub>" + strings.Join(parts, " · ") + "</sub>\n"
}

// tableRow is one row of the by-runbook table.
func tableRow(g *mdGroup) string {
	codes := g.codes
	more := ""
	if len(codes) > 5 {
		more = fmt.Sprintf(", +%d more", len(codes)-5)
		codes = codes[:5]
	}
	var locs []string
	for i, f := range g.findings {
		if i == 3 {
			locs = append(locs, fmt.Sprintf("+%d more", len(g.findings)-3))
			break
		}
		locs = append(locs, mdLocation(f))
	}
	return fmt.Sprintf("| %s | %d | %s%s | %s |\n", esc(g.title), len(g.findings),
		cell(strings.Join(codes, ", ")), more, cell(strings.Join(locs, ", ")))
}

// cell makes Markdown safe inside a GFM table cell: a pipe splits the cell
// even inside a code span unless it is backslash-escaped. Escape already
// escapes pipes in prose; this catches those inside code spans.
func cell(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '|' && (i == 0 || s[i-1] != '\\') {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// details writes one runbook entry: its body once, then its findings. It
// returns how many findings it listed.
func (m *Markdown) details(b *mdBuf, g *mdGroup) int {
	n := len(g.findings)
	summary := fmt.Sprintf("<details><summary>%s %s (%s)</summary>\n\n",
		sevLabel(g.maxSev), htmlText(g.title), plural(n, "finding"))
	const closing = "</details>\n\n"

	body := ""
	if g.rb != nil {
		if g.rb.Error != "" {
			body = "_The runbook template failed (" + esc(oneLine(g.rb.Error)) +
				"); the tool's message:_\n\n" + esc(truncate(g.rb.Body, mdMaxMessageBytes)) + "\n\n"
		} else if s := strings.TrimSpace(g.rb.Body); s != "" {
			body = s + "\n\n"
		}
		if g.differ {
			body = "_Rendered for the first finding below; the others match the same entry._\n\n" + body
		}
		if g.rb.IsFallback() {
			body = "_No catalog entry for this code yet: generic guidance._\n\n" + body
		}
		if g.rb.Owner != "" {
			body += "Owner: " + esc(g.rb.Owner) + "\n\n"
		}
		var links []string
		for _, l := range g.rb.Links {
			if safeLink(l) {
				links = append(links, "<"+l+">")
			}
		}
		if len(links) > 0 {
			body += "See: " + strings.Join(links, ", ") + "\n\n"
		}
	}
	body += "Findings:\n\n"
	// Room for the "… n more not shown" line.
	const moreRoom = 60
	first := findingItem(g.findings[0])
	if !b.fits(len(summary) + len(body) + len(first) + len(closing) + moreRoom) {
		body = "_Runbook body omitted to fit the size limit._\n\nFindings:\n\n"
		if !b.fits(len(summary) + len(body) + len(first) + len(closing) + moreRoom) {
			return 0
		}
	}
	b.WriteString(summary)
	b.WriteString(body)
	shown := 0
	for _, f := range g.findings {
		item := findingItem(f)
		if shown == mdMaxItemsPerGroup || !b.fits(len(item)+len(closing)+moreRoom) {
			break
		}
		b.WriteString(item)
		shown++
	}
	if shown < n {
		b.WriteString(fmt.Sprintf("- … %d more not shown\n", n-shown))
	}
	b.WriteString("\n" + closing)
	return shown
}

// findingItem is one list item: severity, location, tool and code, message.
func findingItem(f *translator.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- **%s** %s %s: %s", jsonSeverity(f.Severity), mdLocation(f),
		toolCodeMD(f), esc(truncate(f.Message, mdMaxMessageBytes)))
	if f.Resource != "" {
		b.WriteString(" (resource " + code(f.Resource) + ")")
	}
	if f.Located != "" {
		b.WriteString(" (" + esc(f.Located) + ")")
	}
	if f.OutsideDiff {
		b.WriteString(" (outside the changed lines)")
	}
	if expired(f) {
		b.WriteString(" ⚠️ **exception expired on " + esc(expiryDate(f)) + "**")
	}
	b.WriteString("\n")
	return b.String()
}

func ignoredItem(f *translator.Finding) string {
	s := f.Suppressed
	reason := esc(oneLine(s.Reason))
	if reason == "" {
		reason = "_none given_"
	}
	exp := "no expiry"
	if s.Expires != "" {
		exp = "expires " + esc(s.Expires)
	}
	src := ""
	if s.Source != "" {
		src = " (" + esc(s.Source) + ")"
	}
	if n := s.ExpiryNote(); n != "" {
		src += " ⏳ **" + n + "**"
	}
	return fmt.Sprintf("- %s %s: %s. Reason: %s; %s%s\n", mdLocation(f), toolCodeMD(f),
		esc(truncate(f.Message, mdMaxMessageBytes)), reason, exp, src)
}

func expiredItem(f *translator.Finding) string {
	return fmt.Sprintf("- ⚠️ **exception expired on %s**, reported again: %s %s. Reason was: %s\n",
		esc(expiryDate(f)), mdLocation(f), toolCodeMD(f),
		esc(oneLine(f.Suppressed.Reason)))
}

// mdLocation renders `path:line` as a code span.
func mdLocation(f *translator.Finding) string {
	switch {
	case f.Path == "":
		return "(no file)"
	case f.Line <= 0:
		return code(f.Path) + " (no line)"
	}
	return code(fmt.Sprintf("%s:%d", f.Path, f.Line))
}

func sevLabel(s translator.Severity) string {
	switch {
	case s >= translator.SeverityCritical:
		return "🟥"
	case s >= translator.SeverityError:
		return "🔴"
	case s == translator.SeverityWarning:
		return "🟡"
	}
	return "🔵"
}

// htmlText escapes untrusted text for an HTML block such as <summary>, where
// GitHub and GitLab do not process Markdown (so backslash escapes would show)
// but do link @mentions and #references: those are broken with U+200B.
func htmlText(s string) string {
	s = oneLine(terminal(s))
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if (s[i] == '@' || s[i] == '#') && i+1 < len(s) && isWordByte(s[i+1]) {
			b.WriteString("\u200b")
		}
	}
	// Escape after breaking mentions, so "&#39;" is never split.
	return html.EscapeString(b.String())
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// safeLink accepts http(s) URLs that can sit in an autolink <...>.
func safeLink(l string) bool {
	if strings.ContainsAny(l, " \t\n<>\"`") {
		return false
	}
	u, err := url.Parse(l)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
