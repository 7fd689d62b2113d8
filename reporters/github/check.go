package github

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/markdown"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/reporters"
)

// DefaultCheckName is the name of the check run unless told otherwise.
const DefaultCheckName = "runbook-translator"

// maxAnnotationsPerRequest = 50: "The Checks API limits the number of
// annotations to a maximum of 50 per API request. To create more than 50
// annotations, you have to make multiple requests to the Update a check run
// endpoint." A request with 51 gets 422.
const maxAnnotationsPerRequest = 50

// checkMaxOutput is the limit of output.summary and output.text:
// "Maximum length: 65535 characters." Bounding bytes keeps under it
// whatever the characters are.
const checkMaxOutput = 65535

// Conclusions of the check run. A run that fails (run.Failed) concludes
// failure. A run that does not fail concludes neutral when active findings
// below the fail level remain (there is something to look at; branch
// protection treats neutral as passing), and success when nothing active
// is left: ignored findings are accepted exceptions, so a run with only
// ignored findings is a success.
const (
	ConclusionFailure = "failure"
	ConclusionNeutral = "neutral"
	ConclusionSuccess = "success"
)

// CheckRun is the "github-check" reporter: one check run on the head commit
// whose annotations carry every active finding, with the Markdown summary as
// its output. Creating check runs needs a GitHub App token with
// checks:write (the GITHUB_TOKEN of Actions is one, except on pull requests
// from forks); without it Report returns an error wrapping
// ErrNoWriteAccess and cmd falls back to github-annotations.
type CheckRun struct {
	// Client is the API client (see NewClient); its base URL selects
	// github.com or GitHub Enterprise.
	Client *gh.Client
	// Owner, Repo and SHA say where the check run goes: the pull request's
	// head commit.
	Owner, Repo, SHA string
	// Name is the check name; "" means DefaultCheckName.
	Name string
	// DetailsURL links the check to, e.g., the Actions run; optional.
	DetailsURL string
	// Summary renders output.summary; nil means the built-in summary.
	Summary SummaryFunc
	// DryRun, when set, receives the requests that would be sent
	// ("METHOD path" and the JSON body); nothing is sent.
	DryRun io.Writer
	// Now and Sleep are the clock for retries; time.Now and a real sleep
	// when nil.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxRetries is how often one request is retried (rate limits, 5xx);
	// 0 means 5.
	MaxRetries int
	// MaxWait caps one wait; a rate limit that resets later fails the
	// report. 0 means 3 minutes.
	MaxWait time.Duration
}

var _ reporters.Reporter = (*CheckRun)(nil)

// NewCheckRun returns the reporter for the check run on owner/repo at sha.
func NewCheckRun(c *gh.Client, owner, repo, sha string) *CheckRun {
	return &CheckRun{Client: c, Owner: owner, Repo: repo, SHA: sha}
}

// CheckOutcome is what Post did.
type CheckOutcome struct {
	// ID is the check run id (0 in a dry run).
	ID int64
	// Conclusion is failure, neutral or success.
	Conclusion string
	// Annotations is the number of annotations sent.
	Annotations int
	// Unannotated is the number of active findings without a path, listed
	// in output.text instead.
	Unannotated int
	// Writes is the number of write requests sent, retries included.
	Writes int
}

// Report implements reporters.Reporter.
func (c *CheckRun) Report(ctx context.Context, run *translator.Run) error {
	_, err := c.Post(ctx, run)
	return err
}

// Conclusion is the check run conclusion of a run (see the constants).
func Conclusion(run *translator.Run) string {
	switch {
	case run.Failed():
		return ConclusionFailure
	case len(run.Findings.Active()) > 0:
		return ConclusionNeutral
	}
	return ConclusionSuccess
}

// checkTitle is output.title: the counts, e.g. "2 errors, 1 warning, 0
// notices (1 ignored)", or "No findings".
func checkTitle(run *translator.Run) string {
	c := run.Findings.Count()
	if c.Total == 0 {
		return messages.T(run.Lang, "ann.no_findings")
	}
	return annCounts(run.Lang, c)
}

// Post creates the check run: one POST with the first 50 annotations, then
// one PATCH per further 50; the last request completes the run with its
// conclusion. With n annotations that is max(1, ceil(n/50)) requests.
func (c *CheckRun) Post(ctx context.Context, run *translator.Run) (*CheckOutcome, error) {
	if c.Owner == "" || c.Repo == "" || c.SHA == "" {
		return nil, fmt.Errorf("create check run: owner, repository and head SHA are required")
	}
	if c.Client == nil && c.DryRun == nil {
		return nil, fmt.Errorf("create check run: no API client")
	}
	name := c.Name
	if name == "" {
		name = DefaultCheckName
	}
	summary, err := annRenderSummary(ctx, c.Summary, run, checkMaxOutput)
	if err != nil {
		return nil, fmt.Errorf("create check run: %w", err)
	}
	var anns []*gh.CheckRunAnnotation
	var pathless translator.Findings
	for _, f := range annSorted(run.Findings) {
		if f.Ignored() {
			continue
		}
		if f.Path == "" {
			pathless = append(pathless, f)
			continue
		}
		anns = append(anns, checkAnnotation(run.Lang, f))
	}
	out := &CheckOutcome{Conclusion: Conclusion(run), Annotations: len(anns), Unannotated: len(pathless)}
	output := func(batch []*gh.CheckRunAnnotation) *gh.CheckRunOutput {
		o := &gh.CheckRunOutput{Title: gh.String(checkTitle(run)), Summary: gh.String(summary), Annotations: batch}
		if t := pathlessText(run.Lang, pathless); t != "" {
			o.Text = gh.String(t)
		}
		return o
	}
	batches := [][]*gh.CheckRunAnnotation{nil}
	if len(anns) > 0 {
		batches = batches[:0]
		for i := 0; i < len(anns); i += maxAnnotationsPerRequest {
			batches = append(batches, anns[i:min(i+maxAnnotationsPerRequest, len(anns))])
		}
	}
	now := c.Now
	if now == nil {
		now = time.Now
	}
	sleep := c.Sleep
	if sleep == nil {
		sleep = checkSleep
	}
	api := &checkCaller{c: c.Client, now: now, sleep: sleep, maxRetries: c.MaxRetries, maxWait: c.MaxWait}
	if api.maxRetries == 0 {
		api.maxRetries = 5
	}
	if api.maxWait == 0 {
		api.maxWait = 3 * time.Minute
	}
	base := fmt.Sprintf("repos/%s/%s/check-runs", c.Owner, c.Repo)

	last := len(batches) == 1
	create := gh.CreateCheckRunOptions{Name: name, HeadSHA: c.SHA, Output: output(batches[0]),
		StartedAt: &gh.Timestamp{Time: now().UTC().Truncate(time.Second)}}
	if c.DetailsURL != "" {
		create.DetailsURL = gh.String(c.DetailsURL)
	}
	if last {
		create.Status, create.Conclusion = gh.String("completed"), gh.String(out.Conclusion)
		create.CompletedAt = &gh.Timestamp{Time: now().UTC().Truncate(time.Second)}
	} else {
		create.Status = gh.String("in_progress")
	}
	if c.DryRun != nil {
		if err := c.dry(http.MethodPost, "/"+base, create); err != nil {
			return nil, err
		}
	} else {
		var cr gh.CheckRun
		// A create that fails ambiguously is retried: at worst GitHub keeps
		// two runs of the same name on the commit, and shows the latest.
		if err := api.do(ctx, http.MethodPost, base, create, &cr, nil); err != nil {
			out.Writes = api.writes
			return out, fmt.Errorf("create check run: %w", err)
		}
		out.ID = cr.GetID()
	}

	sent := len(batches[0])
	for i := 1; i < len(batches); i++ {
		upd := gh.UpdateCheckRunOptions{Name: name, Output: output(batches[i])}
		if i == len(batches)-1 {
			upd.Status, upd.Conclusion = gh.String("completed"), gh.String(out.Conclusion)
			upd.CompletedAt = &gh.Timestamp{Time: now().UTC().Truncate(time.Second)}
		}
		if c.DryRun != nil {
			if err := c.dry(http.MethodPatch, "/"+base+"/{check_run_id}", upd); err != nil {
				return nil, err
			}
			sent += len(batches[i])
			continue
		}
		path := fmt.Sprintf("%s/%d", base, out.ID)
		want := sent + len(batches[i])
		// Annotations are appended, so repeating an applied PATCH would
		// duplicate them: after a 5xx, annotations_count tells whether it
		// went through.
		settled := func() (bool, error) {
			var cr gh.CheckRun
			if _, err := api.send(ctx, http.MethodGet, path, nil, &cr); err != nil {
				return false, err
			}
			return cr.GetOutput().GetAnnotationsCount() >= want, nil
		}
		if err := api.do(ctx, http.MethodPatch, path, upd, nil, settled); err != nil {
			out.Writes = api.writes
			return out, fmt.Errorf("update check run %d: %w", out.ID, err)
		}
		sent = want
	}
	out.Writes = api.writes
	return out, nil
}

// dry prints a request instead of sending it.
func (c *CheckRun) dry(method, path string, body any) error {
	b, err := json.MarshalIndent(body, "", "  ")
	if err != nil {
		return fmt.Errorf("encode request: %w", err)
	}
	if _, err := fmt.Fprintf(c.DryRun, "%s %s\n%s\n", method, path, b); err != nil {
		return fmt.Errorf("write dry run: %w", err)
	}
	return nil
}

// checkAnnotation is the annotation of one finding that has a path.
func checkAnnotation(l string, f *translator.Finding) *gh.CheckRunAnnotation {
	start, end, noLine := annotationLines(f)
	a := &gh.CheckRunAnnotation{
		Path:            gh.String(f.Path),
		StartLine:       gh.Int(start),
		EndLine:         gh.Int(end),
		AnnotationLevel: gh.String(f.Severity.GitHubAnnotationLevel()),
		Message:         gh.String(annotationMessage(l, f, noLine)),
	}
	if t := annotationTitle(f); t != "" {
		a.Title = gh.String(t)
	}
	if col, endCol := annotationColumns(f, start, end); col > 0 {
		a.StartColumn, a.EndColumn = gh.Int(col), gh.Int(endCol)
	}
	if d := annotationDetails(l, f); d != "" {
		a.RawDetails = gh.String(d)
	}
	return a
}

// pathlessText is output.text: the active findings that have no path and
// so cannot be annotated, bounded to the output limit.
func pathlessText(l string, fs translator.Findings) string {
	if len(fs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(messages.T(l, "ann.pathless", len(fs)))
	for _, f := range fs {
		fmt.Fprintf(&b, "- **%s** %s: %s", messages.Severity(l, f.Severity.String()), markdown.Escape(annOneLine(f.TitleOrCode())), markdown.Escape(annOneLine(f.Message)))
		if f.Resource != "" {
			b.WriteString(" (" + markdown.Code(f.Resource) + ")")
		}
		if tc := strings.TrimSpace(f.Tool + " " + f.Code); tc != "" {
			b.WriteString(" — " + markdown.Code(tc))
		}
		b.WriteString("\n")
	}
	return markdown.Cut(b.String(), checkMaxOutput, messages.T(l, "ann.list_truncated"))
}
