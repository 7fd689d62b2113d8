package github

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/markdown"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/reporters"
)

// JobSummaryMaxBytes is GitHub's limit of the job summary: "The maximum
// size of the summary for a step is 1 MiB"; a larger one is not uploaded
// and the step shows an error instead.
const JobSummaryMaxBytes = 1 << 20

// Annotations is the "github-annotations" reporter: GitHub Actions workflow
// commands on Out, one per active finding,
//
//	::error file=PATH,line=L,endLine=E,col=C,endColumn=EC,title=TITLE::MESSAGE
//
// (::warning and ::notice per severity), which the runner turns into
// annotations on the commit, plus the Markdown summary appended to the job
// summary. It needs no token, so it is the fallback when a check run cannot
// be created (pull requests from forks).
//
// Escaping is the Actions toolkit's (packages/core/src/command.ts):
// properties escape % CR LF : , as %25 %0D %0A %3A %2C, the message escapes
// % CR LF. Untrusted text therefore never contains a line break, and the
// runner only recognises a command at the start of a line, so a message such
// as "\n::add-mask::x" or "::set-env name=X::y" stays text inside this
// command. Control characters and ANSI escapes are dropped first.
//
// stop-commands: the reporter does not wrap its output in
// ::stop-commands::TOKEN / ::TOKEN:: — that pauses command processing, which
// would disable these very annotations. Its own output needs no pausing, as
// shown above. Untrusted output printed earlier in the same step (a
// scanner's raw log) could itself contain ::stop-commands:: and silence
// these annotations; run the scanner and this reporter in separate steps or
// pass the scanner output by file.
//
// The runner shows at most MaxShownPerStep annotations of each kind per step
// (and 50 per job) on the pull request; the rest are in the log, and the job
// summary lists everything. Ignored findings are not annotated but appear
// in the job summary.
type Annotations struct {
	// Out receives the workflow commands (the step's stdout).
	Out io.Writer
	// JobSummaryPath is the file the job summary is appended to; cmd
	// passes $GITHUB_STEP_SUMMARY. Empty means no job summary.
	JobSummaryPath string
	// Summary renders the job summary; nil means the built-in summary.
	Summary SummaryFunc
}

var _ reporters.Reporter = (*Annotations)(nil)

// MaxShownPerStep is how many annotations of each kind GitHub shows per
// step: "10 warning annotations, 10 error annotations, and 10 notice
// annotations per step; 50 annotations per job" (actions/toolkit,
// docs/problem-matchers.md, "Limitations"). The reporter says how many more
// there are and where they are.
const MaxShownPerStep = 10

// Report implements reporters.Reporter.
func (a *Annotations) Report(ctx context.Context, run *translator.Run) error {
	if a.Out == nil {
		return errors.New("github-annotations: no output writer")
	}
	w := bufio.NewWriter(a.Out)
	fs := annSorted(run.Findings)
	var errs, warns, notices int
	for _, f := range fs {
		if f.Ignored() {
			continue
		}
		switch f.Severity.GitHubAnnotationLevel() {
		case "failure":
			errs++
		case "warning":
			warns++
		default:
			notices++
		}
	}
	// The pull request shows the first 10 of each kind and hides the rest
	// without a word: say so first, so that this notice is one of the 10.
	if hidden := max(errs-MaxShownPerStep, 0) + max(warns-MaxShownPerStep, 0) + max(notices+1-MaxShownPerStep, 0); hidden > 0 {
		where := messages.T(run.Lang, "ann.where_log")
		if a.JobSummaryPath != "" {
			where = messages.T(run.Lang, "ann.where_summary")
		}
		msg := messages.T(run.Lang, "ann.hidden", MaxShownPerStep, MaxShownPerStep, MaxShownPerStep, hidden, where)
		w.WriteString(workflowCommand("notice", [][2]string{{"title", "runbook-translator"}}, msg) + "\n")
	}
	for _, f := range fs {
		if f.Ignored() {
			continue
		}
		w.WriteString(WorkflowCommand(f, run.Lang))
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write annotations: %w", err)
	}
	if a.JobSummaryPath == "" {
		return nil
	}
	return a.appendJobSummary(ctx, run)
}

// appendJobSummary appends the summary to the job summary file, bounded so
// that the file stays within JobSummaryMaxBytes (other tools of the same
// step may have written to it already).
func (a *Annotations) appendJobSummary(ctx context.Context, run *translator.Run) error {
	var have int64
	if st, err := os.Stat(a.JobSummaryPath); err == nil {
		have = st.Size()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("write job summary: %w", err)
	}
	budget := JobSummaryMaxBytes - int(have) - 1 // the leading newline
	if budget < 256 {
		return fmt.Errorf("write job summary: %s already holds %d bytes of GitHub's 1 MiB step limit", a.JobSummaryPath, have)
	}
	s, err := annRenderSummary(ctx, a.Summary, run, budget)
	if err != nil {
		return fmt.Errorf("write job summary: %w", err)
	}
	if have > 0 {
		s = "\n" + s
	}
	f, err := os.OpenFile(a.JobSummaryPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("write job summary: %w", err)
	}
	if _, err := f.WriteString(s); err != nil {
		f.Close()
		return fmt.Errorf("write job summary: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write job summary: %w", err)
	}
	return nil
}

// workflowLevel maps a severity to a workflow command.
func workflowLevel(s translator.Severity) string {
	switch s.GitHubAnnotationLevel() {
	case "failure":
		return "error"
	case "warning":
		return "warning"
	}
	return "notice"
}

// WorkflowCommand renders the workflow command of one finding (without the
// trailing newline), its own words in lang. A finding without a path gets
// no file property.
func WorkflowCommand(f *translator.Finding, lang string) string {
	var props [][2]string
	noLine := false
	if f.Path != "" {
		start, end, nl := annotationLines(f)
		noLine = nl
		props = append(props, [2]string{"file", f.Path}, [2]string{"line", strconv.Itoa(start)})
		if end != start {
			props = append(props, [2]string{"endLine", strconv.Itoa(end)})
		}
		if col, endCol := annotationColumns(f, start, end); col > 0 {
			props = append(props, [2]string{"col", strconv.Itoa(col)}, [2]string{"endColumn", strconv.Itoa(endCol)})
		}
	}
	props = append(props, [2]string{"title", annotationTitle(f)})
	return workflowCommand(workflowLevel(f.Severity), props, annotationMessage(lang, f, noLine))
}

// workflowCommand formats "::name k=v,k=v::message" as the toolkit's
// Command.toString does: properties with an empty value are left out.
func workflowCommand(name string, props [][2]string, msg string) string {
	var b strings.Builder
	b.WriteString("::" + name)
	first := true
	for _, p := range props {
		if p[1] == "" {
			continue
		}
		if first {
			b.WriteByte(' ')
			first = false
		} else {
			b.WriteByte(',')
		}
		b.WriteString(p[0] + "=" + EscapeProperty(p[1]))
	}
	b.WriteString("::" + EscapeData(msg))
	return b.String()
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// EscapeData escapes a workflow command message as the Actions toolkit's
// escapeData: % -> %25, CR -> %0D, LF -> %0A. Other control characters and
// ANSI escapes are dropped first.
func EscapeData(s string) string { return dataEscaper.Replace(markdown.Sanitize(s)) }

// EscapeProperty escapes a workflow command property value as the Actions
// toolkit's escapeProperty: % -> %25, CR -> %0D, LF -> %0A, : -> %3A,
// , -> %2C. Other control characters and ANSI escapes are dropped first.
func EscapeProperty(s string) string { return propertyEscaper.Replace(markdown.Sanitize(s)) }
