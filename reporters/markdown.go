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
	"github.com/runbook-translator/runbook-translator/messages"
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

	st *mdState
}

var (
	_ Reporter = (*Markdown)(nil)
	_ Streamer = (*Markdown)(nil)
)

// Memory: the report shows at most mdMaxItemsPerGroup findings of a group
// (and of the ignored and expired lists), each group's body once, and the
// counts. So, streamed or collected, it holds per runbook entry the
// counts, the body of its first finding (in report order) and the first
// mdMaxItemsPerGroup findings as compact records without their runbook;
// not the run. What it writes is what sorting the whole run would give.

// mdGroup is the active findings of one runbook entry.
type mdGroup struct {
	key   string
	title string
	// first is the group's first finding in report order (sorted, then
	// arrival); rb is its runbook, whose body the report shows.
	first    *translator.Finding
	firstSeq int
	rb       *translator.Runbook
	// keep holds the first mdMaxItemsPerGroup findings, compact; items
	// is them in order (filled at the end).
	keep   mdKeep
	items  translator.Findings
	n      int
	maxSev translator.Severity
	// codes maps each tool/code label to its first finding; codeList is
	// them in that order (filled at the end).
	codes    map[string]mdKey
	codeList []string
	// body is the first arriving finding's body: differ is set when
	// another finding renders a different one.
	body    string
	hasBody bool
	differ  bool // the entry rendered a different body for some finding
}

// groupKey groups by runbook entry id; fallback findings are grouped by tool
// and code, since the fallback body is about one tool rule.
func groupKey(f *translator.Finding) string {
	if f.Runbook.IsFallback() {
		return "\x00" + f.Tool + "\x00" + translator.NormalizeCode(f.Code)
	}
	return f.Runbook.ID
}

// LazyBodies implements LazyBodies: the report resolves the one body it
// shows per group.
func (m *Markdown) LazyBodies() bool { return true }

var _ LazyBodies = (*Markdown)(nil)

// IgnoresFingerprints implements FingerprintFree: the Markdown report
// prints no fingerprint.
func (m *Markdown) IgnoresFingerprints() bool { return true }

var _ FingerprintFree = (*Markdown)(nil)

// mdKey is where a finding sorts: Less, then arrival (the stable sort).
type mdKey struct {
	f   *translator.Finding
	seq int
}

func (a mdKey) less(b mdKey) bool {
	if translator.Less(a.f, b.f) {
		return true
	}
	if translator.Less(b.f, a.f) {
		return false
	}
	return a.seq < b.seq
}

// mdKeep holds the first max findings in report order: a max-heap on
// mdKey, so the last of those kept is evicted first.
type mdKeep struct {
	max int
	h   []mdKey
}

func (k *mdKeep) add(x mdKey) {
	if len(k.h) < k.max {
		k.h = append(k.h, x)
		k.up(len(k.h) - 1)
		return
	}
	if len(k.h) == 0 || !x.less(k.h[0]) {
		return
	}
	k.h[0] = x
	k.down(0)
}

func (k *mdKeep) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !k.h[p].less(k.h[i]) {
			return
		}
		k.h[p], k.h[i] = k.h[i], k.h[p]
		i = p
	}
}

func (k *mdKeep) down(i int) {
	for {
		c := 2*i + 1
		if c >= len(k.h) {
			return
		}
		if c+1 < len(k.h) && k.h[c].less(k.h[c+1]) {
			c++
		}
		if !k.h[i].less(k.h[c]) {
			return
		}
		k.h[i], k.h[c] = k.h[c], k.h[i]
		i = c
	}
}

// sorted returns the kept findings in report order.
func (k *mdKeep) sorted() translator.Findings {
	h := append([]mdKey(nil), k.h...)
	sort.Slice(h, func(i, j int) bool { return h[i].less(h[j]) })
	out := make(translator.Findings, len(h))
	for i, x := range h {
		out[i] = x.f
	}
	return out
}

// mdCompact is what a listed finding needs (findingItem, ignoredItem,
// expiredItem, mdLocation and the sort): not its runbook.
func mdCompact(f *translator.Finding) *translator.Finding {
	c := &translator.Finding{Tool: f.Tool, Code: f.Code, Severity: f.Severity, Message: f.Message,
		Location: f.Location, Resource: f.Resource, Located: f.Located, LocatedText: f.LocatedText, OutsideDiff: f.OutsideDiff}
	if f.Suppressed != nil {
		s := *f.Suppressed
		c.Suppressed = &s
	}
	return c
}

// mdState is what the report holds between Begin and End.
type mdState struct {
	run    *translator.Run
	seq    int
	byKey  map[string]*mdGroup
	groups []*mdGroup
	// total, counts and failing are over every finding.
	total   int
	counts  translator.Counts
	failing int
	ignored mdKeep
	nIgn    int
	expired mdKeep
	nExp    int
}

func newMDState(run *translator.Run) *mdState {
	return &mdState{run: run, byKey: map[string]*mdGroup{},
		ignored: mdKeep{max: mdMaxItemsPerGroup}, expired: mdKeep{max: mdMaxItemsPerGroup}}
}

func (st *mdState) add(f *translator.Finding) {
	if f == nil {
		return
	}
	seq := st.seq
	st.seq++
	st.total++
	st.counts.Add(f)
	if st.run.Failing(f) {
		st.failing++
	}
	if f.Ignored() {
		st.nIgn++
		st.ignored.add(mdKey{mdCompact(f), seq})
		return
	}
	if expired(f) {
		st.nExp++
		st.expired.add(mdKey{mdCompact(f), seq})
	}
	k := groupKey(f)
	g := st.byKey[k]
	if g == nil {
		g = &mdGroup{key: k, codes: map[string]mdKey{}, keep: mdKeep{max: mdMaxItemsPerGroup}}
		st.byKey[k] = g
		st.groups = append(st.groups, g)
	}
	x := mdKey{f, seq}
	if g.first == nil || x.less(mdKey{g.first, g.firstSeq}) {
		g.first, g.firstSeq, g.rb = f, seq, f.Runbook
	}
	// Does this finding render the body the others do? Rendered for the
	// comparison and not kept: the report shows one body per group.
	if f.Runbook != nil && !g.differ {
		body, _ := f.Runbook.Rendered()
		switch {
		case !g.hasBody:
			g.body, g.hasBody = body, true
		case body != g.body:
			g.differ, g.body = true, ""
		}
	}
	g.n++
	if f.Severity > g.maxSev {
		g.maxSev = f.Severity
	}
	c := mdKey{mdCompact(f), seq}
	g.keep.add(c)
	tc := toolCodeMD(f)
	if prev, ok := g.codes[tc]; !ok || c.less(prev) {
		g.codes[tc] = mdKey{&translator.Finding{Tool: f.Tool, Code: f.Code, Message: f.Message, Location: f.Location}, seq}
	}
}

// finish orders the groups as sorting the whole run would: most severe
// first, then the biggest, then by title, then by first finding.
func (st *mdState) finish() []*mdGroup {
	for _, g := range st.groups {
		g.first.Runbook.Resolve() // the body shown for the group
		g.title = g.first.TitleOrCode()
		g.items = g.keep.sorted()
		g.codeList = g.codeList[:0]
		for tc := range g.codes {
			g.codeList = append(g.codeList, tc)
		}
		sort.Slice(g.codeList, func(i, j int) bool { return g.codes[g.codeList[i]].less(g.codes[g.codeList[j]]) })
	}
	groups := append([]*mdGroup(nil), st.groups...)
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if a.maxSev != b.maxSev {
			return a.maxSev > b.maxSev
		}
		if a.n != b.n {
			return a.n > b.n
		}
		if a.title != b.title {
			return a.title < b.title
		}
		return mdKey{a.first, a.firstSeq}.less(mdKey{b.first, b.firstSeq})
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
func (m *Markdown) Report(_ context.Context, run *translator.Run) error { return report(m, run) }

// Begin implements Streamer.
func (m *Markdown) Begin(run *translator.Run) error {
	if m.Out == nil {
		return fmt.Errorf("write markdown report: no output")
	}
	m.st = newMDState(run)
	return nil
}

// Write implements Streamer: the finding is tallied, and kept (compact)
// only while it is among the first of its group.
func (m *Markdown) Write(f *translator.Finding) error {
	if m.st == nil {
		return fmt.Errorf("write markdown report: Write before Begin")
	}
	m.st.add(f)
	return nil
}

// End implements Streamer: it writes the report.
func (m *Markdown) End(run *translator.Run) error {
	if m.st == nil {
		return fmt.Errorf("write markdown report: End before Begin")
	}
	st := m.st
	m.st = nil
	if _, err := io.WriteString(m.Out, m.render(st, run)); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

// Render returns the report, at most MaxBytes long.
func (m *Markdown) Render(run *translator.Run) string {
	st := newMDState(run)
	for _, f := range sortedFindings(run) {
		st.add(f)
	}
	return m.render(st, run)
}

func (m *Markdown) render(st *mdState, run *translator.Run) string {
	max := m.MaxBytes
	if max <= 0 {
		max = DefaultMarkdownMaxBytes
	}
	l := run.Lang
	footer := m.footer(run)
	// Room kept for the truncation notice and the footer.
	const noticeRoom = 400
	header := m.header(run, st)
	budget := max - noticeRoom - len(footer) - len(header)

	// Sections get shares of the budget in priority order, so that a long
	// table or ignore list cannot starve the runbooks; what a section leaves
	// unused goes to the runbook details, which get the rest.
	notes, notesShown := listSection(budget/8, messages.T(l, "md.notes"), noteItems(l, run.Notes), len(run.Notes), messages.Get(l, "md.more_notes"))
	ign, ignShown := ignoredSection(l, budget/8, st.ignored.sorted(), st.nIgn, st.expired.sorted(), st.nExp)
	groups := st.finish()
	table := tableSection(l, budget/5, groups)
	b := &mdBuf{limit: budget - len(notes) - len(ign) - len(table)}
	shown := ignShown
	if len(groups) > 0 {
		b.add(messages.T(l, "md.what_to_do"))
		for _, g := range groups {
			shown += m.details(l, b, g)
		}
	}
	notesDropped := len(run.Notes) - notesShown

	b2 := &mdBuf{limit: max}
	b2.WriteString(header + table + b.String() + ign + notes)
	b = b2
	out := b.String()
	notice := ""
	if hidden := st.total - shown; hidden > 0 || notesDropped > 0 {
		notice = truncationNotice(l, hidden, st.total, notesDropped, max)
	}
	out += notice + footer
	if len(out) > max {
		// Only reachable when MaxBytes is smaller than the header itself.
		out = markdown.Cut(out, max, "\n\n"+truncationNotice(l, st.total, st.total, len(run.Notes), max))
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

func noteItems(l string, notes []string) []string {
	out := make([]string, len(notes))
	for i, n := range notes {
		out[i] = "- " + esc(truncateIn(l, n, mdMaxMessageBytes)) + "\n"
	}
	return out
}

// ignoredSection lists ignored findings (counted as shown) and then the
// expired exceptions (already listed with their runbook, so not counted).
func ignoredSection(l string, limit int, ignored translator.Findings, nIgnored int, expiredOnes translator.Findings, nExpired int) (string, int) {
	head := messages.T(l, "md.ignored", nIgnored)
	if nExpired > 0 {
		head = messages.T(l, "md.ignored_expired", nIgnored, nExpired)
	}
	var items []string
	for _, f := range ignored {
		items = append(items, ignoredItem(l, f))
	}
	text, n := listSection(limit, head, items, nIgnored, messages.Get(l, "md.more_ignored"))
	if nExpired == 0 {
		return text, n
	}
	var exp []string
	for _, f := range expiredOnes {
		exp = append(exp, expiredItem(l, f))
	}
	if text == "" {
		ex, _ := listSection(limit, head, exp, nExpired, messages.Get(l, "md.more_expired"))
		return ex, 0
	}
	ex, _ := listSection(limit-len(text), "", exp, nExpired, messages.Get(l, "md.more_expired"))
	if ex != "" {
		text = strings.TrimSuffix(text, "\n") + ex
	}
	return text, n
}

// tableSection is the by-runbook table, bounded in rows and bytes.
func tableSection(l string, limit int, groups []*mdGroup) string {
	if len(groups) == 0 {
		return ""
	}
	b := &mdBuf{limit: limit - 80}
	if !b.add(messages.T(l, "md.table_head")) {
		return ""
	}
	rows := 0
	for _, g := range groups {
		if rows == mdMaxTableRows || !b.add(tableRow(l, g)) {
			break
		}
		rows++
	}
	if rows < len(groups) {
		b.WriteString(messages.T(l, "md.table_more", len(groups)-rows))
	}
	b.WriteString("\n")
	return b.String()
}

func truncationNotice(l string, hidden, total, notes, max int) string {
	var parts []string
	if hidden > 0 {
		parts = append(parts, messages.T(l, "md.hidden", hidden, total))
	}
	if notes > 0 {
		parts = append(parts, messages.T(l, "md.notes_hidden", notes))
	}
	return messages.T(l, "md.truncated", strings.Join(parts, messages.Get(l, "md.join")), max)
}

func (m *Markdown) header(run *translator.Run, st *mdState) string {
	name := m.Heading
	if name == "" {
		name = "runbook-translator"
	}
	name = esc(name)
	level := code(run.FailLevel.String())
	failing := st.failing
	l := run.Lang
	var b strings.Builder
	switch {
	case run.InputFailed:
		b.WriteString(messages.T(l, "md.head_input", name))
	case run.FailLevel == translator.SeverityNone:
		b.WriteString(messages.T(l, "md.head_none", name, level))
	case failing > 0:
		b.WriteString(messages.T(l, "md.head_fail", name, level))
		key := messages.Key("md.failing")
		if run.RequireRunbook {
			key = "md.failing_rb"
		}
		b.WriteString(messages.N(l, key, failing))
	default:
		b.WriteString(messages.T(l, "md.head_pass", name, level))
	}
	c := st.counts
	b.WriteString(messages.T(l, "md.counts", c.Error, c.Warning, c.Info, c.Ignored))
	if n, e, fx, ok := run.BaselineCounts(); ok {
		b.WriteString(messages.T(l, "md.baseline", n, e, fx))
	}
	if c.Total == 0 {
		b.WriteString(messages.T(l, "md.no_findings"))
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
func tableRow(l string, g *mdGroup) string {
	codes := g.codeList
	more := ""
	if len(codes) > 5 {
		more = messages.T(l, "md.more_codes", len(codes)-5)
		codes = codes[:5]
	}
	var locs []string
	for i, f := range g.items {
		if i == 3 {
			locs = append(locs, messages.T(l, "md.more_locations", g.n-3))
			break
		}
		locs = append(locs, mdLocation(l, f))
	}
	return fmt.Sprintf("| %s | %d | %s%s | %s |\n", esc(g.title), g.n,
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
func (m *Markdown) details(l string, b *mdBuf, g *mdGroup) int {
	n := g.n
	summary := fmt.Sprintf("<details><summary>%s %s (%s)</summary>\n\n",
		sevLabel(g.maxSev), htmlText(g.title), messages.N(l, "md.n_findings", n))
	const closing = "</details>\n\n"

	body := ""
	if g.rb != nil {
		if g.rb.Error != "" {
			body = messages.T(l, "md.template_failed", esc(oneLine(g.rb.Error))) +
				esc(truncateIn(l, g.rb.Body, mdMaxMessageBytes)) + "\n\n"
		} else if s := strings.TrimSpace(g.rb.Body); s != "" {
			body = s + "\n\n"
		}
		if g.differ {
			body = messages.T(l, "md.differ") + body
		}
		if g.rb.IsFallback() {
			body = messages.T(l, "md.fallback") + body
		}
		if g.rb.Owner != "" {
			body += messages.T(l, "md.owner", esc(g.rb.Owner))
		}
		var links []string
		for _, l := range g.rb.Links {
			if safeLink(l) {
				links = append(links, "<"+l+">")
			}
		}
		if len(links) > 0 {
			body += messages.T(l, "md.see", strings.Join(links, ", "))
		}
	}
	body += messages.T(l, "md.findings")
	// Room for the "… n more not shown" line.
	const moreRoom = 60
	first := findingItem(l, g.items[0])
	if !b.fits(len(summary) + len(body) + len(first) + len(closing) + moreRoom) {
		body = messages.T(l, "md.body_omitted")
		if !b.fits(len(summary) + len(body) + len(first) + len(closing) + moreRoom) {
			return 0
		}
	}
	b.WriteString(summary)
	b.WriteString(body)
	shown := 0
	for _, f := range g.items {
		item := findingItem(l, f)
		if shown == mdMaxItemsPerGroup || !b.fits(len(item)+len(closing)+moreRoom) {
			break
		}
		b.WriteString(item)
		shown++
	}
	if shown < n {
		b.WriteString(messages.T(l, "md.more_not_shown", n-shown))
	}
	b.WriteString("\n" + closing)
	return shown
}

// findingItem is one list item: severity, location, tool and code, message.
func findingItem(l string, f *translator.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- **%s** %s %s: %s", messages.Severity(l, jsonSeverity(f.Severity)), mdLocation(l, f),
		toolCodeMD(f), esc(truncateIn(l, f.Message, mdMaxMessageBytes)))
	if f.Resource != "" {
		b.WriteString(messages.T(l, "md.resource", code(f.Resource)))
	}
	if f.Located != "" {
		b.WriteString(" (" + esc(located(l, f)) + ")")
	}
	if f.OutsideDiff {
		b.WriteString(messages.T(l, "md.outside_diff"))
	}
	if expired(f) {
		b.WriteString(messages.T(l, "md.expired_mark", esc(expiryDate(f))))
	}
	b.WriteString("\n")
	return b.String()
}

func ignoredItem(l string, f *translator.Finding) string {
	s := f.Suppressed
	reason := esc(oneLine(s.Reason))
	if reason == "" {
		reason = messages.T(l, "md.reason_none")
	}
	exp := messages.T(l, "md.no_expiry")
	if s.Expires != "" {
		exp = messages.T(l, "md.expires", esc(s.Expires))
	}
	src := ""
	if s.Source != "" {
		src = " (" + esc(s.Source) + ")"
	}
	if d, ok := s.ExpiresSoon(); ok {
		src += " ⏳ **" + messages.Expiry(l, d) + "**"
	}
	return messages.T(l, "md.ignored_item", mdLocation(l, f), toolCodeMD(f),
		esc(truncateIn(l, f.Message, mdMaxMessageBytes)), reason, exp, src)
}

func expiredItem(l string, f *translator.Finding) string {
	return messages.T(l, "md.expired_item",
		esc(expiryDate(f)), mdLocation(l, f), toolCodeMD(f),
		esc(oneLine(f.Suppressed.Reason)))
}

// mdLocation renders `path:line` as a code span.
func mdLocation(l string, f *translator.Finding) string {
	switch {
	case f.Path == "":
		return messages.T(l, "md.no_file")
	case f.Line <= 0:
		return code(f.Path) + messages.T(l, "md.no_line")
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
