package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/cells"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/reporters"
)

// The findings must always be readable in the job log, whatever the forge
// did. With only PR/MR reporters, an API failure used to leave stdout
// empty and one line on stderr. Now, after the reporters ran:
//   - when a forge reporter failed or posted nothing (a stale head), the
//     whole local report goes to stderr;
//   - otherwise, in CI, a digest: the counts and at most digestMax
//     findings, the most severe first, one line each.
// Nothing is printed when a local report already went to stdout (-r
// local, or the GitLab fallback). stderr, not stdout: stdout may hold a
// machine format or the github-annotations workflow commands, and stderr
// is neutralised against workflow commands in GitHub Actions (guard.go).

// digestMax bounds the digest printed on a successful CI run: the summary
// comment has the rest.
const digestMax = 50

// digestWidth bounds one digest line's message.
const digestWidth = 160

// inCI reports whether the run is a CI job: GitHub Actions and GitLab CI
// set CI=true (and GITHUB_ACTIONS, GITLAB_CI).
func (o *ReviewOptions) inCI() bool {
	return o.Getenv("CI") == "true" || o.Getenv("GITHUB_ACTIONS") == "true" || o.Getenv("GITLAB_CI") == "true"
}

// logFindings prints the findings for the job log when only forge
// reporters saw them; failed names the forge reporters that did not
// deliver.
func (s reporterSet) logFindings(ctx context.Context, o *ReviewOptions, run *translator.Run, failed []string) {
	if !s.hasForge() || o.localPrinted {
		return
	}
	for _, r := range s {
		if r.spec.Name == "local" && (r.spec.Path == "" || r.spec.Path == "-") {
			return
		}
	}
	w := o.IO.ErrOut
	if len(failed) > 0 {
		fmt.Fprintf(w, "runbook-translator: %s\n", messages.T(run.Lang, "log.undelivered", strings.Join(failed, ", ")))
		local, err := reporters.New("local", reporters.Options{Out: w, Verbose: o.Verbose, ReadFile: o.readCheckout})
		if err == nil {
			err = local.Report(ctx, run)
		}
		if err != nil {
			fmt.Fprintf(w, "runbook-translator: local report: %v\n", err)
		}
		return
	}
	if o.inCI() {
		writeDigest(w, run)
	}
}

// writeDigest prints the counts and the most severe findings, one line
// each, bounded.
func writeDigest(w io.Writer, run *translator.Run) {
	c := run.Findings.Count()
	active := append(translator.Findings(nil), run.Findings.Active()...)
	fmt.Fprintf(w, "runbook-translator: %s\n", messages.T(run.Lang, "log.digest", c.Total, c.Error, c.Warning, c.Info, c.Ignored))
	sort.SliceStable(active, func(i, j int) bool { return active[i].Severity > active[j].Severity })
	for i, f := range active {
		if i == digestMax {
			fmt.Fprintf(w, "  %s\n", messages.T(run.Lang, "log.digest_more", len(active)-digestMax))
			break
		}
		where := f.Path
		if where == "" {
			where = "-"
		}
		if f.Line > 0 {
			where = fmt.Sprintf("%s:%d", where, f.Line)
		}
		fmt.Fprintf(w, "  %s %s  %s %s  %s\n", cells.PadRight(messages.Severity(run.Lang, f.Severity.String()), 8), where, f.Tool, f.Code, firstLine(f.Message, digestWidth))
	}
}

// firstLine is the first line of s, cut to at most n runes.
func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
