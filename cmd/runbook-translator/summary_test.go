package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
	"github.com/runbook-translator/runbook-translator/reporters"
)

// The summary's verdict and counts agree with the exit code and with each
// other, on the batch path and the streaming path alike.
func TestSummaryReporterAgreesWithExitCode(t *testing.T) {
	k8s := "../../testdata/conftest/k8s-shop.json"
	var batch *reporters.SummaryCounts
	for _, tc := range []struct {
		name   string
		args   []string
		stream string
		code   int
		want   string
	}{
		{"fails", []string{"--fail-level", "error"}, "", ExitFindings, "fail"},
		{"passes at none", []string{"--fail-level", "none"}, "", ExitOK, "pass"},
		{"batch at warning", []string{"--fail-level", "warning"}, "0", ExitFindings, "fail"},
		{"streamed at warning", []string{"--fail-level", "warning"}, "1", ExitFindings, "fail"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"review", "-r", "summary", "-f", "conftest"}, tc.args...)
			var out, errOut bytes.Buffer
			code := Main(append(args, k8s), strings.NewReader(""), &out, &errOut, func(k string) string {
				if k == streamEnv {
					return tc.stream
				}
				return ""
			})
			stdout, stderr := out.String(), errOut.String()
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, stderr)
			}
			var d reporters.SummaryDoc
			if err := json.Unmarshal([]byte(stdout), &d); err != nil {
				t.Fatalf("%v:\n%s", err, stdout)
			}
			c := d.Counts
			if d.Verdict != tc.want || d.Schema != reporters.SummarySchema || c.Total == 0 ||
				c.Critical+c.Error+c.Warning+c.Info+c.Ignored != c.Total || (c.Failing > 0) != (tc.want == "fail") {
				t.Fatalf("summary %+v", d)
			}
			sum := 0
			for _, tc := range d.ByTool {
				sum += tc.Total
			}
			if tc.stream == "0" {
				batch = &c
			}
			if tc.stream == "1" && (batch == nil || *batch != c) {
				t.Fatalf("streamed counts %+v differ from batch %+v", c, batch)
			}
			if sum != c.Total || len(d.Tools) != 1 || d.Tools[0] != "conftest" {
				t.Fatalf("by_tool does not add up: %+v", d)
			}
		})
	}
}

// A run that ends with an input error reports what it read but never says
// PASS (issue 15: "A run that ends with an input error must not print PASS
// first"), in the local report, the summary and Markdown.
func TestInputErrorIsNeverAPass(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "conftest-results.json")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ reporter, want string }{
		{"local", "INCOMPLETE: an input could not be read"},
		{"summary", `"verdict": "error"`},
		{"markdown", "incomplete, an input could not be read"},
	} {
		code, stdout, stderr := run(t, "", "review", "-r", tc.reporter, "-f", "conftest", "../../testdata/conftest/k8s-shop.json", empty)
		if code != ExitUsage || !strings.Contains(stdout, tc.want) || strings.Contains(stdout, "PASS") || strings.Contains(stdout, ": passes") {
			t.Errorf("%s: exit %d, stdout:\n%s\nstderr: %s", tc.reporter, code, stdout, stderr)
		}
	}
}

// The summary says how each PR/MR reporter did (issue 15: "what was not
// posted"): here GitHub refuses every review, so nothing is delivered and
// the findings are counted as not posted; the token never appears.
func TestSummarySaysWhatWasNotPosted(t *testing.T) {
	g := newGHRig(t)
	g.fake.Inject(fakegithub.Fault{Method: "POST", Path: `/reviews$`, Status: 500, Times: 1000})
	sum := filepath.Join(t.TempDir(), "summary.json")
	code, _, stderr := runChecked(t, g.env(t.TempDir()), "review", "-f", "trivy", faultInput, "-r", "github-pr-review", "-r", "summary="+sum, "--fail-level", "none")
	if code != ExitReporter {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var d reporters.SummaryDoc
	b, err := os.ReadFile(sum)
	if err != nil || json.Unmarshal(b, &d) != nil {
		t.Fatalf("summary: %v\n%s", err, b)
	}
	if len(d.Reporters) != 1 || d.Reporters[0].Reporter != "github-pr-review" || d.Reporters[0].Delivered ||
		d.Reporters[0].NotPosted == 0 || d.NotPosted != d.Reporters[0].NotPosted || d.Reporters[0].Error == "" {
		t.Fatalf("deliveries: %+v", d.Reporters)
	}
	if strings.Contains(string(b), fakeToken) {
		t.Fatal("the token is in the summary")
	}
}

// Report files get the token redaction stdout gets: a scanner message that
// carries the token's value (a leaked env dump, say) never reaches a report
// file either.
func TestReportFilesAreRedacted(t *testing.T) {
	const token = "ghs_0123456789abcdefREDACTME"
	dir := t.TempDir()
	in := filepath.Join(dir, "lint.txt")
	if err := os.WriteFile(in, []byte("a.sh:1:1: env says GITHUB_TOKEN="+token+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.jsonl")
	var stdout, stderr bytes.Buffer
	code := Main([]string{"review", "--fail-level", "none", "--efm", "%f:%l:%c: %m", "--tool", "lint", "-r", "json=" + out, in},
		strings.NewReader(""), &stdout, &stderr, func(k string) string {
			if k == "GITHUB_TOKEN" {
				return token
			}
			return ""
		})
	b, err := os.ReadFile(out)
	if code != ExitOK || err != nil || !strings.Contains(string(b), "GITHUB_TOKEN=***") || strings.Contains(string(b), token) {
		t.Fatalf("exit %d, %v:\n%s", code, err, b)
	}
}
