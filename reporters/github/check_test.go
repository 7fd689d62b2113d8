package github

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	gh "github.com/google/go-github/v60/github"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
)

const chkSHA = "0123456789abcdef0123456789abcdef01234567"

// chkRecorder keeps the bodies of the requests a client sends.
type chkRecorder struct {
	mu     sync.Mutex
	bodies []string
	base   http.RoundTripper
}

func (r *chkRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(b))
		r.mu.Lock()
		r.bodies = append(r.bodies, req.Method+" "+string(b))
		r.mu.Unlock()
	}
	return r.base.RoundTrip(req)
}

// chkClock records the waits instead of sleeping.
type chkClock struct {
	now   time.Time
	waits []time.Duration
}

func (c *chkClock) Now() time.Time { return c.now }
func (c *chkClock) Sleep(_ context.Context, d time.Duration) error {
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	return nil
}

func newCheckFake(t *testing.T) (*fakegithub.Server, *CheckRun, *chkRecorder, *chkClock) {
	t.Helper()
	srv := fakegithub.New(t, "acme", "infra")
	rec := &chkRecorder{base: http.DefaultTransport}
	c, err := gh.NewClient(&http.Client{Transport: rec}).WithEnterpriseURLs(srv.URL+"/", srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	clock := &chkClock{now: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}
	srv.Now = clock.Now
	cr := NewCheckRun(c, "acme", "infra", chkSHA)
	cr.Now, cr.Sleep = clock.Now, clock.Sleep
	return srv, cr, rec, clock
}

// findings returns n findings with distinct paths and lines.
func chkFindings(n int, sev translator.Severity) translator.Findings {
	var fs translator.Findings
	for i := 0; i < n; i++ {
		fs = append(fs, &translator.Finding{Tool: "trivy", Code: "KSV-0017", Severity: sev,
			Message:  fmt.Sprintf("Container 'web' of Deployment 'web-%03d' should set 'securityContext.privileged' to false", i),
			Location: translator.Location{Path: fmt.Sprintf("k8s/app-%03d.yaml", i), Line: i%40 + 1},
			Resource: fmt.Sprintf("Deployment/web-%03d", i),
			Runbook: &translator.Runbook{ID: "pss-privileged", Title: "Privileged container",
				Body: "Set `securityContext.privileged: false`.", Links: []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/"}}})
	}
	return fs
}

func chkIgnored(f *translator.Finding) *translator.Finding {
	f.Suppressed = &translator.Suppression{Reason: "accepted risk", Source: "config"}
	return f
}

func TestCheckConclusion(t *testing.T) {
	warn := chkFindings(1, translator.SeverityWarning)
	errF := chkFindings(1, translator.SeverityError)
	ign := translator.Findings{chkIgnored(chkFindings(1, translator.SeverityError)[0])}
	fallback := chkFindings(1, translator.SeverityWarning)
	fallback[0].Runbook = &translator.Runbook{ID: translator.FallbackID, Title: "Generic", Body: "b"}
	cases := []struct {
		name     string
		fs       translator.Findings
		level    translator.Severity
		require  bool
		want     string
		wantText string
	}{
		{"error at fail level error", errF, translator.SeverityError, false, ConclusionFailure, "1 error, 0 warnings, 0 notices"},
		{"warning at fail level warning", warn, translator.SeverityWarning, false, ConclusionFailure, "0 errors, 1 warning, 0 notices"},
		{"warning below fail level error", warn, translator.SeverityError, false, ConclusionNeutral, "0 errors, 1 warning, 0 notices"},
		{"error with fail level none", errF, translator.SeverityNone, false, ConclusionNeutral, "1 error"},
		{"only ignored", ign, translator.SeverityInfo, false, ConclusionSuccess, "(1 ignored)"},
		{"no findings", nil, translator.SeverityInfo, false, ConclusionSuccess, "No findings"},
		{"fallback with require-runbook", fallback, translator.SeverityError, true, ConclusionFailure, "1 warning"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, cr, _, _ := newCheckFake(t)
			run := &translator.Run{Findings: tc.fs, FailLevel: tc.level, RequireRunbook: tc.require}
			out, err := cr.Post(context.Background(), run)
			if err != nil {
				t.Fatal(err)
			}
			runs := srv.CheckRuns()
			if len(runs) != 1 {
				t.Fatalf("%d check runs, want 1", len(runs))
			}
			got := runs[0]
			if got.Conclusion != tc.want || out.Conclusion != tc.want || got.Status != "completed" {
				t.Errorf("conclusion %q (outcome %q), status %q; want %q, completed", got.Conclusion, out.Conclusion, got.Status, tc.want)
			}
			if got.Name != DefaultCheckName || got.HeadSHA != chkSHA {
				t.Errorf("name %q sha %q", got.Name, got.HeadSHA)
			}
			if !strings.Contains(got.Title, tc.wantText) {
				t.Errorf("title %q does not contain %q", got.Title, tc.wantText)
			}
			if n := len(got.Annotations); n != len(run.Findings.Active()) {
				t.Errorf("%d annotations, want %d (ignored findings are not annotated)", n, len(run.Findings.Active()))
			}
		})
	}
}

type chkWireAnnotation struct {
	Path            string `json:"path"`
	StartLine       int    `json:"start_line"`
	EndLine         int    `json:"end_line"`
	StartColumn     int    `json:"start_column"`
	EndColumn       int    `json:"end_column"`
	AnnotationLevel string `json:"annotation_level"`
	Message         string `json:"message"`
	Title           string `json:"title"`
	RawDetails      string `json:"raw_details"`
}

func chkAnnotationsOf(t *testing.T, run fakegithub.CheckRun) []chkWireAnnotation {
	t.Helper()
	var out []chkWireAnnotation
	for _, raw := range run.Annotations {
		var a chkWireAnnotation
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func TestCheckAnnotationBatches(t *testing.T) {
	for _, n := range []int{0, 1, 50, 51, 120} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			srv, cr, _, _ := newCheckFake(t)
			run := &translator.Run{Findings: chkFindings(n, translator.SeverityError), FailLevel: translator.SeverityError}
			out, err := cr.Post(context.Background(), run)
			if err != nil {
				t.Fatal(err)
			}
			wantReq := max(1, (n+maxAnnotationsPerRequest-1)/maxAnnotationsPerRequest)
			counts := srv.Counts()
			if counts.Writes != wantReq || out.Writes != wantReq {
				t.Errorf("%d writes (outcome %d), want %d", counts.Writes, out.Writes, wantReq)
			}
			if counts.ByMethod["POST"] != 1 || counts.ByMethod["PATCH"] != wantReq-1 {
				t.Errorf("requests %v, want 1 POST and %d PATCH", counts.ByMethod, wantReq-1)
			}
			runs := srv.CheckRuns()
			if len(runs) != 1 {
				t.Fatalf("%d check runs", len(runs))
			}
			if want := map[bool]string{true: ConclusionFailure, false: ConclusionSuccess}[n > 0]; runs[0].Status != "completed" || runs[0].Conclusion != want {
				t.Errorf("status %q conclusion %q", runs[0].Status, runs[0].Conclusion)
			}
			got := map[string]bool{}
			for _, a := range chkAnnotationsOf(t, runs[0]) {
				got[fmt.Sprintf("%s:%d", a.Path, a.StartLine)] = true
				if a.AnnotationLevel != "failure" || a.Title != "Privileged container" || !strings.Contains(a.Message, "Runbook: Privileged container (pss-privileged)") {
					t.Errorf("annotation %+v", a)
				}
			}
			if len(runs[0].Annotations) != n {
				t.Errorf("%d annotations in the fake, want %d", len(runs[0].Annotations), n)
			}
			for _, f := range run.Findings {
				if !got[fmt.Sprintf("%s:%d", f.Path, f.Line)] {
					t.Errorf("no annotation for %s:%d", f.Path, f.Line)
				}
			}
		})
	}
}

func TestCheckAnnotationFields(t *testing.T) {
	srv, cr, rec, _ := newCheckFake(t)
	fs := translator.Findings{
		{Tool: "hadolint", Code: "DL3008", Severity: translator.SeverityWarning, Message: "Pin versions in apt get install.",
			Location: translator.Location{Path: "Dockerfile", Line: 4, Column: 1, EndColumn: 12}},
		{Tool: "kube-linter", Code: "no-read-only-root-fs", Severity: translator.SeverityInfo, Message: "container \"web\" does not have a read-only root file system",
			Location: translator.Location{Path: "k8s/web.yaml"}, Resource: "Deployment/web"},
		{Tool: "tflint", Code: "aws_instance_invalid_type", Severity: translator.SeverityError, Message: "\"t1.2xlarge\" is an invalid value as instance_type",
			Location: translator.Location{Path: "main.tf", Line: 3, Column: 5, EndLine: 5, EndColumn: 2}},
		{Tool: "conftest", Code: "K8S-013", Severity: translator.SeverityError, Message: "policy-wide deny without a file"},
	}
	run := &translator.Run{Findings: fs, FailLevel: translator.SeverityError}
	out, err := cr.Post(context.Background(), run)
	if err != nil {
		t.Fatal(err)
	}
	if out.Annotations != 3 || out.Unannotated != 1 {
		t.Errorf("outcome %+v", out)
	}
	anns := chkAnnotationsOf(t, srv.CheckRuns()[0])
	byPath := map[string]chkWireAnnotation{}
	for _, a := range anns {
		byPath[a.Path] = a
	}
	if a := byPath["Dockerfile"]; a.StartLine != 4 || a.EndLine != 4 || a.StartColumn != 1 || a.EndColumn != 12 || a.AnnotationLevel != "warning" {
		t.Errorf("Dockerfile: %+v", a)
	}
	if a := byPath["k8s/web.yaml"]; a.StartLine != 1 || a.EndLine != 1 || !strings.Contains(a.Message, "(no line reported)") || a.AnnotationLevel != "notice" || a.StartColumn != 0 {
		t.Errorf("no line: %+v", a)
	}
	if a := byPath["main.tf"]; a.StartLine != 3 || a.EndLine != 5 || a.StartColumn != 0 || a.EndColumn != 0 || a.AnnotationLevel != "failure" {
		t.Errorf("multi-line must carry no columns: %+v", a)
	}
	// output.text lists the finding without a path.
	var text string
	for _, b := range rec.bodies {
		if strings.HasPrefix(b, "POST ") {
			var in struct{ Output struct{ Text string } }
			if err := json.Unmarshal([]byte(strings.TrimPrefix(b, "POST ")), &in); err != nil {
				t.Fatal(err)
			}
			text = in.Output.Text
		}
	}
	if !strings.Contains(text, "policy-wide deny without a file") || !strings.Contains(text, "`conftest K8S-013`") {
		t.Errorf("output.text = %q", text)
	}
}

func TestCheckLongTextsBounded(t *testing.T) {
	srv, cr, _, _ := newCheckFake(t)
	cr.Summary = func(_ context.Context, _ *translator.Run, max int) (string, error) {
		return strings.Repeat("é", 70000), nil // 140,000 bytes, whatever max says
	}
	fs := chkFindings(1, translator.SeverityError)
	fs[0].Message = strings.Repeat("m", 100000)
	fs[0].Runbook.Body = strings.Repeat("b", 100000)
	fs[0].Runbook.Title = strings.Repeat("t", 400)
	if _, err := cr.Post(context.Background(), &translator.Run{Findings: fs, FailLevel: translator.SeverityError}); err != nil {
		t.Fatal(err)
	}
	got := srv.CheckRuns()[0]
	if len(got.Summary) > checkMaxOutput || !strings.HasSuffix(got.Summary, "(summary truncated to fit GitHub's size limit)\n") {
		t.Errorf("summary of %d bytes, ends %q", len(got.Summary), got.Summary[max(0, len(got.Summary)-60):])
	}
	a := chkAnnotationsOf(t, got)[0]
	if len(a.Message) > annotationMaxMessage || len(a.RawDetails) > annotationMaxMessage || len([]rune(a.Title)) > annotationMaxTitle {
		t.Errorf("message %d, details %d, title %d runes", len(a.Message), len(a.RawDetails), len([]rune(a.Title)))
	}
}

func TestCheckNoWriteAccess(t *testing.T) {
	for _, status := range []int{403, 404} {
		srv, cr, _, _ := newCheckFake(t)
		srv.SetReadOnly(status)
		_, err := cr.Post(context.Background(), &translator.Run{Findings: chkFindings(3, translator.SeverityError)})
		if !errors.Is(err, ErrNoWriteAccess) {
			t.Errorf("%d: err = %v, want ErrNoWriteAccess", status, err)
		}
		if c := srv.Counts(); c.Writes != 1 {
			t.Errorf("%d: %d writes; a refused write must not be retried", status, c.Writes)
		}
	}
}

func TestCheckRetries(t *testing.T) {
	t.Run("5xx then success", func(t *testing.T) {
		srv, cr, _, clock := newCheckFake(t)
		srv.Inject(fakegithub.Fault{Method: "POST", Path: "check-runs$", Status: 502, Times: 2})
		out, err := cr.Post(context.Background(), &translator.Run{Findings: chkFindings(3, translator.SeverityError)})
		if err != nil {
			t.Fatal(err)
		}
		if len(srv.CheckRuns()) != 1 || out.Writes != 3 || len(clock.waits) != 2 {
			t.Errorf("%d runs, %d writes, waits %v", len(srv.CheckRuns()), out.Writes, clock.waits)
		}
	})
	t.Run("PATCH applied despite 502 is not repeated", func(t *testing.T) {
		srv, cr, _, _ := newCheckFake(t)
		srv.Inject(fakegithub.Fault{Method: "PATCH", Status: 502, AfterApply: true})
		if _, err := cr.Post(context.Background(), &translator.Run{Findings: chkFindings(120, translator.SeverityError)}); err != nil {
			t.Fatal(err)
		}
		if n := len(srv.CheckRuns()[0].Annotations); n != 120 {
			t.Errorf("%d annotations, want 120 (no duplicates)", n)
		}
		if c := srv.Counts(); c.ByMethod["PATCH"] != 2 || c.ByMethod["GET"] != 1 {
			t.Errorf("requests %v: want 2 PATCH and one GET to check", c.ByMethod)
		}
	})
	t.Run("PATCH not applied is retried", func(t *testing.T) {
		srv, cr, _, _ := newCheckFake(t)
		srv.Inject(fakegithub.Fault{Method: "PATCH", Status: 500})
		if _, err := cr.Post(context.Background(), &translator.Run{Findings: chkFindings(120, translator.SeverityError)}); err != nil {
			t.Fatal(err)
		}
		if n := len(srv.CheckRuns()[0].Annotations); n != 120 {
			t.Errorf("%d annotations, want 120", n)
		}
	})
	t.Run("secondary rate limit honours retry-after", func(t *testing.T) {
		srv, cr, _, clock := newCheckFake(t)
		srv.Inject(fakegithub.Fault{Method: "POST", Status: 403, Secondary: true, RetryAfter: "30"})
		if _, err := cr.Post(context.Background(), &translator.Run{Findings: chkFindings(1, translator.SeverityError)}); err != nil {
			t.Fatal(err)
		}
		if len(clock.waits) != 1 || clock.waits[0] != 30*time.Second || len(srv.CheckRuns()) != 1 {
			t.Errorf("waits %v, %d runs", clock.waits, len(srv.CheckRuns()))
		}
	})
	t.Run("primary rate limit waits for the reset", func(t *testing.T) {
		srv, cr, _, clock := newCheckFake(t)
		srv.Inject(fakegithub.Fault{Method: "POST", Status: 403, PrimaryLimit: true, ResetIn: 90 * time.Second})
		if _, err := cr.Post(context.Background(), &translator.Run{Findings: chkFindings(1, translator.SeverityError)}); err != nil {
			t.Fatal(err)
		}
		if len(clock.waits) != 1 || clock.waits[0] != 91*time.Second {
			t.Errorf("waits %v, want [1m31s]", clock.waits)
		}
	})
	t.Run("rate limit longer than MaxWait fails", func(t *testing.T) {
		srv, cr, _, _ := newCheckFake(t)
		cr.MaxWait = time.Minute
		srv.Inject(fakegithub.Fault{Method: "POST", Status: 429, RetryAfter: "3600"})
		_, err := cr.Post(context.Background(), &translator.Run{Findings: chkFindings(1, translator.SeverityError)})
		if err == nil || !strings.Contains(err.Error(), "over the 1m0s wait limit") || errors.Is(err, ErrNoWriteAccess) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("persistent 5xx gives up", func(t *testing.T) {
		srv, cr, _, _ := newCheckFake(t)
		cr.MaxRetries = 2
		srv.Inject(fakegithub.Fault{Method: "POST", Status: 503, Times: 10})
		_, err := cr.Post(context.Background(), &translator.Run{Findings: chkFindings(1, translator.SeverityError)})
		if err == nil || !strings.Contains(err.Error(), "gave up after 3 attempts") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestCheckDryRun(t *testing.T) {
	srv, cr, _, _ := newCheckFake(t)
	var buf bytes.Buffer
	cr.DryRun = &buf
	out, err := cr.Post(context.Background(), &translator.Run{Findings: chkFindings(51, translator.SeverityError), FailLevel: translator.SeverityError})
	if err != nil {
		t.Fatal(err)
	}
	if c := srv.Counts(); c.Reads+c.Writes != 0 {
		t.Errorf("dry run sent %d requests", c.Reads+c.Writes)
	}
	s := buf.String()
	if strings.Count(s, "POST /repos/acme/infra/check-runs\n") != 1 || strings.Count(s, "PATCH /repos/acme/infra/check-runs/{check_run_id}\n") != 1 {
		t.Errorf("dry run output:\n%.500s", s)
	}
	if out.ID != 0 || !strings.Contains(s, `"conclusion": "failure"`) {
		t.Errorf("outcome %+v", out)
	}
}

func TestCheckUnmodifiedFindings(t *testing.T) {
	_, cr, _, _ := newCheckFake(t)
	fs := chkFindings(3, translator.SeverityError)
	fs[0], fs[2] = fs[2], fs[0]
	before := []string{fs[0].Path, fs[1].Path, fs[2].Path}
	if _, err := cr.Post(context.Background(), &translator.Run{Findings: fs}); err != nil {
		t.Fatal(err)
	}
	if after := []string{fs[0].Path, fs[1].Path, fs[2].Path}; strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("the run's findings were reordered: %v -> %v", before, after)
	}
}
