package reporters

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/messages"
)

func init() {
	Register("local", "terminal report grouped by file, for developers and CI logs",
		func(opts Options) (Reporter, error) {
			if err := writerOrErr(opts.Out, "local"); err != nil {
				return nil, err
			}
			return NewText(opts), nil
		})
}

// ANSI SGR codes, used only when Options.Color is set.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

// indent is where the detail lines of a finding start, under its message.
const indent = "           "

// Text is the "local" reporter: the terminal report a developer reads in a
// CI log. Report groups active findings by file, then line; ignored findings
// get their own section; a summary line ends the report.
//
// As a Streamer it prints each active finding as it arrives, without file
// grouping (each block carries its full path:line:col), and keeps ignored
// findings, tallies and the verdict for End.
//
// Every untrusted string (message, path, resource, code, reason) goes through
// terminal(), so a message cannot move the cursor or recolour the terminal.
type Text struct {
	opts Options
	w    *bufio.Writer
	df   *delayedFlusher // under w: one write(2) per flushDelay, not per finding

	// streaming state
	run    *translator.Run
	counts translator.Counts
	// outside counts findings OnlyInDiff left out.
	outside int
	failing int
	ignored translator.Findings
	// grouped: a collected run, printed under one heading per file (prev).
	grouped bool
	prev    string

	scratch []byte // per-finding line building (textfast.go)
	labels  textLabels
}

var (
	_ Reporter = (*Text)(nil)
	_ Streamer = (*Text)(nil)
)

// NewText returns the local terminal reporter.
func NewText(opts Options) *Text { return &Text{opts: opts} }

// ShowsRunbookBodies implements BodyShower: bodies (and a failed
// template's note) appear only with Verbose.
func (t *Text) ShowsRunbookBodies() bool { return t.opts.Verbose }

var _ BodyShower = (*Text)(nil)

// IgnoresFingerprints implements FingerprintFree: the terminal report
// prints no fingerprint.
func (t *Text) IgnoresFingerprints() bool { return true }

var _ FingerprintFree = (*Text)(nil)

// Report implements Reporter.
func (t *Text) Report(_ context.Context, run *translator.Run) error { return report(t, run) }

// Begin implements Streamer. A collected run (Findings set, sorted) is
// grouped by file: a heading names each file once. A streamed one is not
// (each block carries its full path:line:col).
func (t *Text) Begin(run *translator.Run) error {
	if t.opts.Out == nil {
		return fmt.Errorf("write local report: no output")
	}
	t.df = newDelayedFlusher(t.opts.Out)
	t.w = bufio.NewWriter(t.df)
	t.run = run
	t.grouped = run.Findings != nil
	t.prev = "\x00"
	t.counts = translator.Counts{}
	t.failing = 0
	t.outside = 0
	t.ignored = nil
	t.labels = textLabels{}
	return nil
}

// Write implements Streamer: an active finding is printed at once (and
// reaches the output within flushDelay, so a CI log shows it), an ignored
// one is kept for End.
func (t *Text) Write(f *translator.Finding) error {
	if t.w == nil {
		return fmt.Errorf("write local report: Write before Begin")
	}
	t.counts.Add(f)
	if f.Ignored() {
		t.ignored = append(t.ignored, f)
		return nil
	}
	if t.run != nil && t.run.Failing(f) {
		t.failing++
	}
	if t.opts.OnlyInDiff && f.OutsideDiff {
		t.outside++
		return nil
	}
	if t.grouped && f.Path != t.prev {
		if t.prev != "\x00" {
			t.w.WriteString("\n")
		}
		t.prev = f.Path
		name := terminal(f.Path)
		if name == "" {
			name = messages.T(t.lang(), "text.no_file")
		}
		t.w.WriteString(t.paint(ansiBold, name) + "\n")
	}
	t.finding(f)
	if err := t.w.Flush(); err != nil {
		return fmt.Errorf("write local report: %w", err)
	}
	return nil
}

// End implements Streamer.
func (t *Text) End(run *translator.Run) error {
	if t.w == nil {
		return fmt.Errorf("write local report: End before Begin")
	}
	t.ignored.Sort()
	return t.end(run)
}

func (t *Text) end(run *translator.Run) error {
	w := t.w
	l := t.lang()
	if t.counts.Total == 0 {
		w.WriteString(messages.T(l, messages.NoFindings) + "\n")
	}
	if len(t.ignored) > 0 {
		fmt.Fprintf(w, "\n%s\n", t.paint(ansiBold, messages.T(l, "text.ignored", len(t.ignored))))
		for _, f := range t.ignored {
			t.ignoredFinding(f)
		}
	}
	if len(run.Notes) > 0 {
		fmt.Fprintf(w, "\n%s\n", t.paint(ansiBold, messages.T(l, "text.notes")))
		for _, n := range run.Notes {
			t.lines("  - ", "    ", truncateIn(t.lang(), terminal(n), maxMessageBytes), "")
		}
	}
	if t.outside > 0 {
		fmt.Fprintf(w, "\n%s\n", messages.N(l, "text.outside", t.outside))
	}
	w.WriteString("\n" + t.summary(run) + "\n")
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write local report: %w", err)
	}
	if err := t.df.Flush(); err != nil {
		return fmt.Errorf("write local report: %w", err)
	}
	return nil
}

// finding prints one active finding:
//
//	error    path:12:9  trivy KSV-0017
//	         message
//	         resource: Deployment/web
//	         runbook: Privileged container
func (t *Text) finding(f *translator.Finding) {
	l := t.lang()
	lb := t.label()
	t.writeHead(lb.severity(t, f.Severity), f) // "  %-8s %s  %s\n": severity, location, tool and code
	t.lines(indent, indent, truncateIn(t.lang(), terminalFast(f.Message), maxMessageBytes), "")
	if f.Resource != "" {
		t.lines(lb.resource, indent+"  ", terminalFast(f.Resource), ansiDim)
	}
	if f.Located != "" {
		t.lines(lb.located, indent+"  ", terminalFast(located(l, f)), ansiDim)
	}
	if expired(f) {
		note := messages.T(l, "text.expired", terminal(expiryDate(f)))
		if r := terminal(oneLine(f.Suppressed.Reason)); r != "" {
			note += messages.T(l, "text.reason_was", r)
		}
		t.lines(indent+"! ", indent+"  ", note, ansiYellow)
	}
	t.runbook(f)
	if t.opts.Verbose {
		t.fix(f) // text_fix.go
	}
}

func (t *Text) runbook(f *translator.Finding) {
	rb := f.Runbook
	l := t.lang()
	lb := t.label()
	if rb == nil {
		t.lines(lb.runbook, indent+"  ", messages.T(l, "text.runbook_none"), ansiDim)
		return
	}
	t.lines(lb.runbook, indent+"  ", lb.title(l, rb.Title, rb.IsFallback()), ansiCyan)
	if rb.Error != "" {
		t.lines(indent+"! ", indent+"  ", messages.T(l, "text.template_failed", terminal(oneLine(rb.Error))), ansiYellow)
	}
	if t.opts.Verbose && strings.TrimSpace(rb.Body) != "" {
		body := strings.TrimRight(terminal(rb.Body), "\n")
		t.lines(indent+"  ", indent+"  ", body, "")
	}
	if t.opts.Verbose && len(rb.Links) > 0 {
		t.lines(indent+messages.T(l, "text.see"), indent+"     ", terminal(strings.Join(rb.Links, "\n")), ansiDim)
	}
}

func (t *Text) ignoredFinding(f *translator.Finding) {
	fmt.Fprintf(t.w, "  %s  %s\n", terminal(location(t.lang(), f)), terminal(toolCode(f)))
	t.lines(indent, indent, truncateIn(t.lang(), terminal(f.Message), maxMessageBytes), "")
	s := f.Suppressed
	l := t.lang()
	why := messages.T(l, "text.reason", terminal(oneLine(s.Reason)))
	if s.Reason == "" {
		why = messages.T(l, "text.reason_none")
	}
	if s.Expires != "" {
		why += messages.T(l, "text.expires", terminal(s.Expires))
	} else {
		why += messages.T(l, "text.no_expiry")
	}
	if s.Source != "" {
		why += " (" + terminal(oneLine(s.Source)) + ")"
	}
	t.lines(indent, indent, why, ansiDim)
	if d, ok := s.ExpiresSoon(); ok {
		t.lines(indent+"! ", indent+"  ", messages.Expiry(l, d), ansiYellow)
	}
	if s.Link != "" {
		t.lines(indent+messages.T(l, "text.see"), indent+"     ", terminal(oneLine(s.Link)), ansiDim)
	}
}

// summary is the last line: counts and the verdict at the fail level.
func (t *Text) summary(run *translator.Run) string {
	c := t.counts
	l := run.Lang
	counts := messages.T(l, "text.counts", messages.N(l, "text.n_errors", c.Error), messages.N(l, "text.n_warnings", c.Warning), c.Info, c.Ignored)
	if n, e, fx, ok := run.BaselineCounts(); ok {
		counts += messages.T(l, "text.baseline", n, e, fx)
	}
	switch {
	case run.InputFailed:
		return messages.T(l, "text.verdict_input", counts, t.paint(ansiRed+ansiBold, messages.T(l, "text.incomplete")))
	case run.FailLevel == translator.SeverityNone:
		return messages.T(l, "text.verdict_none", counts, t.paint(ansiGreen, messages.T(l, "text.pass")))
	case t.failing > 0:
		key := messages.Key("text.why_failing")
		if run.RequireRunbook {
			key = "text.why_failing_rb"
		}
		why := messages.N(l, key, t.failing, run.FailLevel.String())
		return messages.T(l, "text.verdict_fail", counts, t.paint(ansiRed+ansiBold, messages.T(l, "text.fail")), why)
	}
	return messages.T(l, "text.verdict_pass", counts, t.paint(ansiGreen, messages.T(l, "text.pass")), run.FailLevel.String())
}

// lines prints text with first as the prefix of its first line and rest as
// the prefix of the others, in colour when enabled.
func (t *Text) lines(first, rest, text, color string) {
	w := t.w
	p := first
	for {
		l, next, more := strings.Cut(text, "\n")
		l = strings.TrimRight(l, " \t")
		if l == "" {
			w.WriteString(strings.TrimRight(p, " "))
		} else {
			w.WriteString(p)
			if t.opts.Color && color != "" {
				w.WriteString(t.paint(color, l))
			} else {
				w.WriteString(l)
			}
		}
		w.WriteByte('\n')
		if !more {
			return
		}
		text, p = next, rest
	}
}

// lang is the run's language ("" before Begin: English).
func (t *Text) lang() string {
	if t.run == nil {
		return ""
	}
	return t.run.Lang
}

func (t *Text) paint(code, s string) string {
	if !t.opts.Color || code == "" || s == "" {
		return s
	}
	return code + s + ansiReset
}

func sevColor(s translator.Severity) string {
	switch {
	case s >= translator.SeverityError:
		return ansiRed + ansiBold
	case s == translator.SeverityWarning:
		return ansiYellow
	}
	return ansiCyan
}

// writerOrErr guards factories against a nil Out.
func writerOrErr(w io.Writer, name string) error {
	if w == nil {
		return fmt.Errorf("create %s reporter: no output writer", name)
	}
	return nil
}
