package reporters

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	translator "github.com/runbook-translator/runbook-translator"
)

func init() {
	Register("gitlab-codequality", "GitLab Code Quality report (artifacts:reports:codequality)",
		func(opts Options) (Reporter, error) {
			if err := writerOrErr(opts.Out, "gitlab-codequality"); err != nil {
				return nil, err
			}
			return NewCodeQuality(opts.Out), nil
		})
}

// cqMaxMessageRunes keeps descriptions short: GitLab shows the description
// as one plain-text line in the merge request widget.
const cqMaxMessageRunes = 300

// cqNoPath stands in for location.path, which GitLab requires, when the tool
// reported no file (the description then says so).
const cqNoPath = "."

// CodeQuality is the "gitlab-codequality" reporter: the GitLab Code Quality
// report, a JSON array of {description, check_name, fingerprint, severity,
// location {path, lines {begin}}}, the fields GitLab reads (see
// https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format).
//
// Ignored findings are left out: the format has no suppression, and GitLab
// would show them as new problems. Fingerprints are unique per item because
// GitLab keeps only the first item of a fingerprint; they do not depend on
// the line, so a finding that moved is not shown as resolved-and-new.
type CodeQuality struct {
	out io.Writer
}

var _ Reporter = (*CodeQuality)(nil)

// NewCodeQuality returns the GitLab Code Quality reporter writing to out.
func NewCodeQuality(out io.Writer) *CodeQuality { return &CodeQuality{out: out} }

type cqIssue struct {
	Description string     `json:"description"`
	CheckName   string     `json:"check_name"`
	Fingerprint string     `json:"fingerprint"`
	Severity    string     `json:"severity"`
	Location    cqLocation `json:"location"`
}

type cqLocation struct {
	Path  string  `json:"path"`
	Lines cqLines `json:"lines"`
}

type cqLines struct {
	Begin int `json:"begin"`
}

// Report implements Reporter.
func (c *CodeQuality) Report(_ context.Context, run *translator.Run) error {
	if c.out == nil {
		return fmt.Errorf("write gitlab-codequality report: no output")
	}
	enc := json.NewEncoder(c.out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(BuildCodeQuality(run)); err != nil {
		return fmt.Errorf("write gitlab-codequality report: %w", err)
	}
	return nil
}

// BuildCodeQuality returns the Code Quality items of the active findings,
// sorted; an empty run gives an empty array (not null).
func BuildCodeQuality(run *translator.Run) any {
	out := []cqIssue{}
	used := map[string]bool{}
	for _, f := range sortedFindings(run).Active() {
		out = append(out, cqIssue{
			Description: cqDescription(f),
			CheckName:   checkName(f),
			Fingerprint: uniqueFingerprint(f, used),
			Severity:    cqSeverity(f),
			Location:    cqLocationOf(f),
		})
	}
	return out
}

// cqSeverity maps Severity.CodeQuality(): a scanner's own CRITICAL (Trivy,
// tfsec, checkov) is SeverityCritical and so Code Quality "critical"; a
// catalog that lowered the severity wins (the tool's own word is not read
// here). An unknown severity is info, as Findings.Count counts it.
func cqSeverity(f *translator.Finding) string {
	if f.Severity < translator.SeverityInfo {
		return translator.SeverityInfo.CodeQuality()
	}
	return f.Severity.CodeQuality()
}

func cqLocationOf(f *translator.Finding) cqLocation {
	l := cqLocation{Path: f.Path, Lines: cqLines{Begin: f.Line}}
	if l.Path == "" {
		l.Path = cqNoPath
	}
	if l.Lines.Begin < 1 {
		l.Lines.Begin = 1 // GitLab requires lines.begin >= 1
	}
	return l
}

// cqDescription is the message on one line, bounded, then what is missing
// from the location, then the runbook title and its first link.
func cqDescription(f *translator.Finding) string {
	d := shorten(oneLine(terminal(f.Message)), cqMaxMessageRunes)
	if d == "" {
		d = shorten(oneLine(terminal(f.TitleOrCode())), cqMaxMessageRunes)
	}
	switch {
	case f.Path == "":
		d += " (no file reported)"
	case f.Line <= 0:
		d += " (no line reported)"
	}
	if expired(f) {
		d += " (exception expired on " + oneLine(terminal(expiryDate(f))) + ")"
	}
	if rb := f.Runbook; rb != nil {
		d += " Runbook: " + shorten(oneLine(terminal(rb.Title)), 120)
		if len(rb.Links) > 0 && absoluteURI(rb.Links[0]) {
			d += " " + rb.Links[0]
		} else if absoluteURI(f.URL) {
			d += " " + f.URL
		}
	}
	return d
}

// uniqueFingerprint returns the finding's fingerprint, made unique within the
// report if it is empty or repeated (GitLab drops later duplicates).
func uniqueFingerprint(f *translator.Finding, used map[string]bool) string {
	fp := f.Fingerprint
	if fp == "" {
		fp = "nofp"
	}
	cand := fp
	for n := 2; used[cand]; n++ {
		cand = fmt.Sprintf("%s-dup%d", fp, n)
	}
	used[cand] = true
	return cand
}

// checkName is "tool:code", or the tool alone when it gives no code.
func checkName(f *translator.Finding) string {
	if f.Code == "" {
		return f.Tool
	}
	return f.Tool + ":" + f.Code
}
