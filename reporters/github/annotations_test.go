package github

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/reporters"
)

var updateAnnotations = flag.Bool("update-annotations", false, "rewrite the github-annotations golden files")

// annRepresentativeRun mixes the cases the reporter must handle: a range with
// columns, a multi-line range, no line, no path, an ignored finding, an
// expired exception, a fallback runbook and hostile text.
func annRepresentativeRun() *translator.Run {
	fs := translator.Findings{
		{Tool: "trivy", Code: "KSV-0017", Severity: translator.SeverityError, ToolSeverity: "HIGH",
			Message:  "Container 'web' of Deployment 'web' should set 'securityContext.privileged' to false",
			Location: translator.Location{Path: "k8s/web.yaml", Line: 21, EndLine: 23}, Resource: "Deployment/web",
			Runbook: &translator.Runbook{ID: "pss-privileged", Title: "Privileged container", Owner: "@acme/platform-security",
				Body:  "**Deployment/web** runs a privileged container.\n\nSet `securityContext.privileged: false`.\n",
				Links: []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/"}}},
		{Tool: "hadolint", Code: "DL3008", Severity: translator.SeverityWarning, ToolSeverity: "warning",
			Message:  "Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`",
			Location: translator.Location{Path: "images/api/Dockerfile", Line: 4, Column: 1, EndColumn: 38},
			Runbook:  &translator.Runbook{ID: translator.FallbackID, Title: "hadolint DL3008", Body: "See https://github.com/hadolint/hadolint/wiki/DL3008\n"}},
		{Tool: "kube-linter", Code: "no-read-only-root-fs", Severity: translator.SeverityInfo,
			Message:  "container \"web\" does not have a read-only root file system",
			Location: translator.Location{Path: "k8s/web.yaml"}, Resource: "Deployment/web",
			Runbook:    &translator.Runbook{ID: "read-only-root", Title: "Read-only root file system", Body: "Set `readOnlyRootFilesystem: true`.\n"},
			Suppressed: &translator.Suppression{Reason: "until the cache moves", Expires: "2024-03-01", Expired: true}},
		{Tool: "conftest", Code: "", Severity: translator.SeverityError,
			Message: "50% of replicas, path a,b: ok\n::set-env name=X::y\r\n::add-mask::secret",
			Runbook: &translator.Runbook{ID: "replicas", Title: "Replicas: HA, at least 2", Body: "Run two replicas.\n"}},
		{Tool: "gitleaks", Code: "aws-access-token", Severity: translator.SeverityError, Message: "AWS access token found",
			Location:   translator.Location{Path: "config/dev.env", Line: 2},
			Suppressed: &translator.Suppression{Reason: "test fixture, revoked key", Source: "config"}},
		{Tool: "tflint", Code: "terraform_required_version", Severity: translator.SeverityWarning,
			Message:  "terraform \"required_version\" attribute is required",
			Location: translator.Location{Path: "infra/a,b:c%.tf", Line: 1, Column: 1, EndLine: 1, EndColumn: 1}},
	}
	return &translator.Run{Findings: fs, FailLevel: translator.SeverityError, Tools: []string{"trivy", "hadolint", "kube-linter", "conftest", "gitleaks", "tflint"},
		Now: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), Version: "test"}
}

func annGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "annotations", name)
	if *updateAnnotations {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./reporters/github -update-annotations)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestAnnotationsGolden(t *testing.T) {
	var out bytes.Buffer
	summary := filepath.Join(t.TempDir(), "step_summary.md")
	a := &Annotations{Out: &out, JobSummaryPath: summary}
	if err := a.Report(context.Background(), annRepresentativeRun()); err != nil {
		t.Fatal(err)
	}
	annGolden(t, "representative.commands.txt", out.Bytes())
	s, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	annGolden(t, "representative.summary.md", s)

	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d commands, want 5 (one per active finding, none for the ignored one)", len(lines))
	}
	if strings.Contains(out.String(), "aws-access-token") || !strings.Contains(string(s), "AWS access token found") {
		t.Error("the ignored finding must be in the job summary and not annotated")
	}
}

func TestEscaping(t *testing.T) {
	// Expected values computed with the toolkit's escapeData and
	// escapeProperty (packages/core/src/command.ts).
	cases := []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"%0A", "%250A", "%250A"},
		{"a\nb", "a%0Ab", "a%0Ab"},
		{"a\r\nb", "a%0Ab", "a%0Ab"}, // CR is a control character: dropped before escaping
		{"k8s/a,b:c.yaml", "k8s/a,b:c.yaml", "k8s/a%2Cb%3Ac.yaml"},
		{"::set-env name=X::y", "::set-env name=X::y", "%3A%3Aset-env name=X%3A%3Ay"},
		{"\x1b[31mred\x1b[0m", "red", "red"},
	}
	for _, c := range cases {
		if got := EscapeData(c.in); got != c.data {
			t.Errorf("EscapeData(%q) = %q, want %q", c.in, got, c.data)
		}
		if got := EscapeProperty(c.in); got != c.prop {
			t.Errorf("EscapeProperty(%q) = %q, want %q", c.in, got, c.prop)
		}
	}
}

// annRunnerCommands parses output as the Actions runner does: a command is a
// line starting with "::", its name runs to the first space or "::".
func annRunnerCommands(out string) []string {
	var names []string
	for _, l := range strings.FieldsFunc(out, func(r rune) bool { return r == '\n' || r == '\r' }) {
		l = strings.TrimLeft(l, " \t")
		if !strings.HasPrefix(l, "::") {
			continue
		}
		rest := l[2:]
		end := strings.Index(rest, "::")
		if sp := strings.IndexByte(rest, ' '); sp >= 0 && (end < 0 || sp < end) {
			end = sp
		}
		if end < 0 {
			continue
		}
		names = append(names, rest[:end])
	}
	return names
}

func TestNoCommandInjection(t *testing.T) {
	hostile := []string{
		"x\n::set-env name=X::y",
		"x\r::add-mask::secret",
		"x\r\n::stop-commands::tok\n::warning::fake",
		"x\u2028::error::y",
		"::add-mask::at the start",
		"%0A::set-output name=a::b",
	}
	for _, h := range hostile {
		f := &translator.Finding{Tool: h, Code: h, Severity: translator.SeverityError, Message: h, Resource: h,
			Location: translator.Location{Path: h, Line: 3},
			Runbook:  &translator.Runbook{ID: h, Title: h, Body: h, Links: []string{h}}}
		for _, ff := range []*translator.Finding{f, {Severity: translator.SeverityWarning, Message: h, Title: h}} {
			var out bytes.Buffer
			if err := (&Annotations{Out: &out}).Report(context.Background(), &translator.Run{Findings: translator.Findings{ff}}); err != nil {
				t.Fatal(err)
			}
			names := annRunnerCommands(out.String())
			want := map[translator.Severity]string{translator.SeverityError: "error", translator.SeverityWarning: "warning"}[ff.Severity]
			if len(names) != 1 || names[0] != want || strings.Count(out.String(), "\n") != 1 {
				t.Errorf("message %q: the runner sees commands %q in\n%s", h, names, out.String())
			}
		}
	}
}

func TestWorkflowCommandShapes(t *testing.T) {
	cases := []struct {
		f    *translator.Finding
		want string
	}{
		{&translator.Finding{Severity: translator.SeverityWarning, Tool: "t", Code: "C", Message: "m",
			Location: translator.Location{Path: "a.yaml", Line: 2, Column: 3, EndColumn: 9}},
			"::warning file=a.yaml,line=2,col=3,endColumn=9,title=t C::m%0A%0At C"},
		{&translator.Finding{Severity: translator.SeverityInfo, Tool: "t", Code: "C", Message: "m",
			Location: translator.Location{Path: "a.yaml", Line: 2, EndLine: 4, Column: 3}},
			"::notice file=a.yaml,line=2,endLine=4,title=t C::m%0A%0At C"},
		{&translator.Finding{Severity: translator.SeverityError, Tool: "t", Message: "m", Location: translator.Location{Path: "a.yaml"}},
			"::error file=a.yaml,line=1,title=t::m (no line reported)%0A%0At"},
		{&translator.Finding{Severity: translator.SeverityError, Tool: "t", Message: "m"},
			"::error title=t::m%0A%0At"},
	}
	for _, c := range cases {
		if got := WorkflowCommand(c.f, ""); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
}

func TestJobSummaryBounded(t *testing.T) {
	big := func(_ context.Context, _ *translator.Run, max int) (string, error) {
		return strings.Repeat("x", 2*JobSummaryMaxBytes), nil // ignores max
	}
	t.Run("empty file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "summary.md")
		a := &Annotations{Out: &bytes.Buffer{}, JobSummaryPath: p, Summary: big}
		if err := a.Report(context.Background(), annRepresentativeRun()); err != nil {
			t.Fatal(err)
		}
		st, _ := os.Stat(p)
		b, _ := os.ReadFile(p)
		if st.Size() > JobSummaryMaxBytes || !strings.Contains(string(b), "summary truncated") {
			t.Errorf("%d bytes, notice present: %t", st.Size(), strings.Contains(string(b), "summary truncated"))
		}
	})
	t.Run("appends to earlier content", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "summary.md")
		earlier := "# earlier step output\n" + strings.Repeat("y", JobSummaryMaxBytes/2)
		if err := os.WriteFile(p, []byte(earlier), 0o644); err != nil {
			t.Fatal(err)
		}
		a := &Annotations{Out: &bytes.Buffer{}, JobSummaryPath: p, Summary: big}
		if err := a.Report(context.Background(), annRepresentativeRun()); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(p)
		if len(b) > JobSummaryMaxBytes || !strings.HasPrefix(string(b), earlier+"\n") {
			t.Errorf("%d bytes; earlier content kept: %t", len(b), strings.HasPrefix(string(b), earlier))
		}
	})
	t.Run("full file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "summary.md")
		if err := os.WriteFile(p, bytes.Repeat([]byte("z"), JobSummaryMaxBytes-10), 0o644); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		err := (&Annotations{Out: &out, JobSummaryPath: p}).Report(context.Background(), annRepresentativeRun())
		if err == nil || !strings.Contains(err.Error(), "1 MiB") {
			t.Errorf("err = %v", err)
		}
		if out.Len() == 0 {
			t.Error("annotations must still be written when the summary does not fit")
		}
	})
}

// annStubReporter writes a fixed Markdown body, ignoring its byte budget,
// as a misbehaving renderer would.
type annStubReporter struct {
	w   io.Writer
	max int
}

func (s *annStubReporter) Report(_ context.Context, run *translator.Run) error {
	_, err := fmt.Fprintf(s.w, "## stub (budget %d)\n%s", s.max, strings.Repeat("z", 2*JobSummaryMaxBytes))
	return err
}

func TestReporterSummary(t *testing.T) {
	var gotMax int
	sum := ReporterSummary(func(w io.Writer, max int) reporters.Reporter {
		gotMax = max
		return &annStubReporter{w: w, max: max}
	})
	p := filepath.Join(t.TempDir(), "summary.md")
	if err := (&Annotations{Out: io.Discard, JobSummaryPath: p, Summary: sum}).Report(context.Background(), annRepresentativeRun()); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if gotMax != JobSummaryMaxBytes-1 || len(b) > JobSummaryMaxBytes || !strings.HasPrefix(string(b), "## stub (budget 1048575)") {
		t.Errorf("budget %d, %d bytes written", gotMax, len(b))
	}
}

// Past GitHub's 10 error and 10 warning annotations per step the reporter
// says how many more there are and where to find them (issue 15).
func TestAnnotationsSayWhatGitHubHides(t *testing.T) {
	mk := func(n int, sev translator.Severity) translator.Findings {
		var fs translator.Findings
		for i := 0; i < n; i++ {
			fs = append(fs, &translator.Finding{Tool: "t", Code: fmt.Sprintf("C%d", i), Severity: sev, Message: "m",
				Location: translator.Location{Path: "a.yaml", Line: i + 1}})
		}
		return fs
	}
	for _, tc := range []struct {
		fs   translator.Findings
		want string
	}{
		{mk(10, translator.SeverityError), ""},
		{append(mk(12, translator.SeverityError), mk(11, translator.SeverityWarning)...), "3 more are in the job log, and the job summary"},
	} {
		var out bytes.Buffer
		a := &Annotations{Out: &out, JobSummaryPath: filepath.Join(t.TempDir(), "s.md")}
		if err := a.Report(context.Background(), &translator.Run{Findings: tc.fs}); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		if tc.want == "" && strings.Contains(got, "::notice title=runbook-translator::") {
			t.Errorf("notice without need:\n%s", got)
		}
		if tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("no notice %q:\n%s", tc.want, got)
		}
	}
}
