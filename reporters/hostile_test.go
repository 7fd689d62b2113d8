package reporters

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	translator "github.com/runbook-translator/runbook-translator"
)

// Hostile-input suite for the local reporters: a set of findings whose
// message, path, resource, code and title are written to break a renderer
// goes through every reporter. Each must write safe output, and no finding
// may be lost: every fingerprint is in the json lines, the SARIF results and
// (active ones) the Code Quality report, and every finding's marker is in
// the local and Markdown reports.

// hostileTexts are untrusted strings written to break a renderer.
var hostileTexts = []string{
	`<details><summary>x</summary><img src=x onerror=alert(1)><script>alert(1)</script></details>`,
	"cc @org/team and @admin, mail a@b.c",
	"```\n## injected heading\n```\n~~~\n",
	"--> <!-- runbook-translator fingerprint=deadbeef --> <!--",
	`{{.Tool}} {{template "x"}} {{range .}}{{end}} ${{ secrets.TOKEN }}`,
	"a\x00b\x01c\x7f",
	"\xff\xfe\xc3 invalid UTF-8",
	"\x1b[2J\x1b[31mred\x1b[0m \x1b]8;;http://x\x07link \u202eevil \u009b31m",
	"| a | b |\n|---|---|",
	"[x](javascript:alert(1)) ![i](http://x/i.png)",
	"`a` ``b`` ```c``` ` lone \\`",
	"line1\r\nline2\rline3",
	"é then NUL\x00, BEL\x07, CR\r after non-ASCII",
}

// hostilePaths are paths a tool could report.
var hostilePaths = []string{
	"../../etc/passwd",
	"/etc/passwd",
	`C:\repo\x.tf`,
	`\\server\share\x.tf`,
	"k8s/web `app`|x/<script>.yaml",
	"@org/team/x.yaml",
	"",
}

// markerOf is an alphanumeric marker no escaping changes.
func markerOf(i int) string { return fmt.Sprintf("Mk%04dq", i) }

// hostileRun builds a run with a finding per (text, path) pair: each
// carries its marker in the message, some are ignored or have an expired
// exception, some have a runbook whose template failed, one message is
// 10 MB.
func hostileRun() *translator.Run {
	var fs translator.Findings
	i := 0
	for ti, text := range hostileTexts {
		for pi, p := range hostilePaths {
			f := &translator.Finding{
				Tool:     []string{"conftest", "trivy", "kube-linter\x1b[31m", "<b>tool</b>"}[i%4],
				Code:     []string{"K8S-001", "`x`|y", "@org/team", "{{.Code}}", ""}[i%5],
				Severity: translator.Severity(1 + i%3),
				Message:  markerOf(i) + " " + text,
				Location: translator.Location{Path: p, Line: i % 7, Column: i % 3},
				Resource: hostileTexts[(ti+pi)%len(hostileTexts)],
				Title:    hostileTexts[(ti+2*pi)%len(hostileTexts)],
				URL:      []string{"https://example.com/rule", "javascript:alert(1)", ""}[i%3],
			}
			switch i % 6 {
			case 1:
				f.Suppressed = &translator.Suppression{Reason: text, Expires: "2099-01-01", Source: "config"}
			case 2:
				f.Suppressed = &translator.Suppression{Reason: text, Expires: "2020-01-01", Source: "config", Expired: true}
			}
			switch i % 4 {
			case 0:
				f.Runbook = &translator.Runbook{ID: "rb-1", Title: "Fix " + text, Body: "Set `privileged: false`.\n",
					Links: []string{"https://example.com/doc", "javascript:alert(1)", "https://x/<script>"}, Owner: "@acme/security"}
			case 1:
				f.Runbook = &translator.Runbook{ID: "rb-2", Error: "template: " + text, Body: f.Message}
			case 2:
				f.Runbook = &translator.Runbook{ID: translator.FallbackID, Title: "Generic", Body: "No entry.\n"}
			}
			fs = append(fs, f)
			i++
		}
	}
	fs = append(fs, &translator.Finding{
		Tool: "sarif", Code: "BIG", Severity: translator.SeverityError,
		Message:  markerOf(i) + " " + strings.Repeat("<script>@org ", 10<<20/13),
		Location: translator.Location{Path: "big.tf", Line: 1},
	})
	fs.Sort()
	fs.AssignFingerprints()
	return &translator.Run{
		Findings: fs, FailLevel: translator.SeverityError, Tools: []string{"conftest", "trivy"},
		Notes: []string{"note " + hostileTexts[0], "note " + hostileTexts[1]},
		Now:   time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Version: "v0.0.0-test",
	}
}

// renderHostile runs the named reporter over run.
func renderHostile(t testing.TB, name string, run *translator.Run) string {
	t.Helper()
	var buf bytes.Buffer
	r, err := New(name, Options{Out: &buf})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Report(context.Background(), run); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return buf.String()
}

func TestHostileFindingsReachEveryReporter(t *testing.T) {
	run := hostileRun()
	if len(Names()) < 5 {
		t.Fatalf("only %d local reporters registered: %v", len(Names()), Names())
	}
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			out := renderHostile(t, name, run)
			checkReport(t, name, run, out, true)
		})
	}
}

// checkReport checks one report of run. markers asks for every finding's
// marker in the human reports (false when messages are fuzzed).
func checkReport(t testing.TB, name string, run *translator.Run, out string, markers bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s: invalid UTF-8 in output", name)
	}
	fps := map[string]bool{}
	active := map[string]bool{}
	for _, f := range run.Findings {
		fps[f.Fingerprint] = true
		if !f.Ignored() {
			active[f.Fingerprint] = true
		}
	}
	switch name {
	case "json":
		got := map[string]bool{}
		sc := bufio.NewScanner(strings.NewReader(out))
		sc.Buffer(nil, 64<<20)
		lines := 0
		for sc.Scan() {
			lines++
			var x struct {
				Fingerprint string `json:"fingerprint"`
			}
			if err := json.Unmarshal(sc.Bytes(), &x); err != nil {
				t.Fatalf("json line %d is not JSON: %v", lines, err)
			}
			got[x.Fingerprint] = true
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		if lines != len(run.Findings) {
			t.Errorf("json: %d lines, %d findings", lines, len(run.Findings))
		}
		sameSet(t, name, got, fps)
	case "sarif":
		var log struct {
			Runs []struct {
				Results []struct {
					PartialFingerprints map[string]string `json:"partialFingerprints"`
					Suppressions        []any             `json:"suppressions"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal([]byte(out), &log); err != nil {
			t.Fatalf("sarif: not JSON: %v", err)
		}
		got := map[string]bool{}
		n := 0
		for _, r := range log.Runs {
			for _, res := range r.Results {
				n++
				for _, v := range res.PartialFingerprints {
					got[v] = true
				}
			}
		}
		if n != len(run.Findings) {
			t.Errorf("sarif: %d results, %d findings", n, len(run.Findings))
		}
		sameSet(t, name, got, fps)
	case "summary":
		var d SummaryDoc
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatalf("summary: not JSON: %v", err)
		}
		if d.Counts.Total != len(run.Findings) || d.Counts.Total-d.Counts.Ignored != len(active) {
			t.Errorf("summary: counts %+v for %d findings, %d active", d.Counts, len(run.Findings), len(active))
		}
		if len(d.Notes) != len(run.Notes) {
			t.Errorf("summary: %d notes, run has %d", len(d.Notes), len(run.Notes))
		}
	case "gitlab-codequality":
		var issues []struct {
			Fingerprint string `json:"fingerprint"`
			Description string `json:"description"`
		}
		if err := json.Unmarshal([]byte(out), &issues); err != nil {
			t.Fatalf("codequality: not JSON: %v", err)
		}
		got := map[string]bool{}
		for _, is := range issues {
			got[is.Fingerprint] = true
			checkPlain(t, name, is.Description)
		}
		sameSet(t, name, got, active)
	case "markdown":
		if len(out) > DefaultMarkdownMaxBytes {
			t.Errorf("markdown: %d bytes, over the %d cap", len(out), DefaultMarkdownMaxBytes)
		}
		checkMarkdown(t, out)
		if markers {
			missing := 0
			for i := range run.Findings {
				if !strings.Contains(out, markerOf(i)) {
					missing++
				}
			}
			// The report is capped: a finding it leaves out must be counted
			// in the truncation notice.
			if missing > 0 && !strings.Contains(out, fmt.Sprintf("%d of %d findings are not shown", missing, len(run.Findings))) {
				t.Errorf("markdown: %d findings missing without a matching truncation notice", missing)
			}
		}
	case "local":
		checkPlain(t, name, out)
		if len(out) > 2<<20 {
			t.Errorf("local: %d bytes: a message was not bounded", len(out))
		}
	default:
		t.Fatalf("no hostile checks for reporter %s: add them", name)
	}
	if markers && name == "local" {
		for i := range run.Findings {
			if !strings.Contains(out, markerOf(i)) {
				t.Errorf("%s: finding %s lost", name, markerOf(i))
			}
		}
	}
}

func sameSet(t testing.TB, name string, got, want map[string]bool) {
	t.Helper()
	for k := range want {
		if !got[k] {
			t.Errorf("%s: finding %s lost", name, k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("%s: unexpected fingerprint %q", name, k)
		}
	}
}

// checkPlain checks text meant for a terminal or a plain-text field: no
// escape sequences, no C0/C1 controls but newline and tab, no bidi
// overrides.
func checkPlain(t testing.TB, name, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%s: invalid UTF-8", name)
	}
	for i, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			t.Fatalf("%s: unsafe character %U at byte %d: %q", name, r, i, clip(s[max(0, i-40):], 80))
		}
	}
}

var (
	allowedTag = regexp.MustCompile(`^<(/?details>|/?summary>|/?sub>|https?://[^\s<>]+>)`)
	mentionRE  = regexp.MustCompile(`@[A-Za-z0-9_-]`)
)

// checkMarkdown checks that outside code spans and fenced blocks (where
// GitHub and GitLab show text literally) the only HTML is the reporter's own
// tags and autolinks, no @mention is linked, no HTML comment is opened or
// closed, and no control character is left.
func checkMarkdown(t testing.TB, md string) {
	t.Helper()
	checkPlain(t, "markdown", md)
	prose := stripCode(md)
	for i := strings.IndexByte(prose, '<'); i >= 0; i = nextIndex(prose, '<', i) {
		if !allowedTag.MatchString(prose[i:]) {
			t.Fatalf("markdown: raw HTML %q", clip(prose[i:], 60))
		}
	}
	if m := mentionRE.FindStringIndex(prose); m != nil {
		t.Fatalf("markdown: unbroken mention %q", clip(prose[max(0, m[0]-20):], 60))
	}
	if strings.Contains(prose, "-->") || strings.Contains(strings.ToLower(prose), "<script") {
		t.Fatalf("markdown: comment close or script outside code")
	}
	for _, l := range strings.Split(prose, "\n") {
		if strings.HasPrefix(l, "## injected") {
			t.Fatalf("markdown: injected heading %q", l)
		}
	}
}

func nextIndex(s string, c byte, i int) int {
	j := strings.IndexByte(s[i+1:], c)
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// stripCode removes fenced code blocks and code spans (CommonMark: a run of
// n backticks up to the next run of exactly n; a backslash outside a span
// makes the next character literal).
func stripCode(md string) string {
	var out strings.Builder
	fence := ""
	for _, line := range strings.SplitAfter(md, "\n") {
		trim := strings.TrimLeft(line, " ")
		if fence != "" {
			if strings.HasPrefix(trim, fence) && strings.Trim(strings.TrimLeft(trim, fence[:1]), " \t\n") == "" {
				fence = ""
			}
			continue
		}
		if len(line)-len(trim) <= 3 && (strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~")) {
			n := 0
			for n < len(trim) && trim[n] == trim[0] {
				n++
			}
			fence = trim[:n]
			continue
		}
		for i := 0; i < len(line); {
			switch line[i] {
			case '\\':
				end := min(i+2, len(line))
				out.WriteString(line[i:end])
				i = end
				continue
			case '`':
				n := 0
				for i+n < len(line) && line[i+n] == '`' {
					n++
				}
				if j := closingRun(line, i+n, n); j >= 0 {
					i = j + n
					continue
				}
				out.WriteString(line[i : i+n])
				i += n
				continue
			}
			out.WriteByte(line[i])
			i++
		}
	}
	return out.String()
}

// closingRun finds the next run of exactly n backticks in s from start.
func closingRun(s string, start, n int) int {
	for i := start; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == '`' {
			j++
		}
		if j-i == n {
			return i
		}
		i = j
	}
	return -1
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// TestStripCode makes sure the checker itself sees through code spans and
// fences, and not through escaped backticks.
func TestStripCode(t *testing.T) {
	cases := map[string]string{
		"a `<b>` c\n":             "a  c\n",
		"a `` x ` y `` c\n":       "a  c\n",
		"a \\`<b>\\` c\n":         "a \\`<b>\\` c\n",
		"```yaml\n<b>\n```\nz\n":  "z\n",
		"a ` lone <b>\n":          "a ` lone <b>\n",
		"~~~\n```\n<b>\n~~~\nz\n": "z\n",
	}
	for in, want := range cases {
		if got := stripCode(in); got != want {
			t.Errorf("stripCode(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzReporters renders a run with a fuzzed message, path, resource, code
// and title through every local reporter: no panic, no error, JSON and
// SARIF valid with every finding, Markdown without raw HTML or mentions
// outside code, local output without control characters.
func FuzzReporters(f *testing.F) {
	for i, s := range hostileTexts {
		f.Add(s, hostilePaths[i%len(hostilePaths)], hostileTexts[(i+1)%len(hostileTexts)], "K8S-001", s)
	}
	f.Fuzz(func(t *testing.T, msg, path, resource, code, title string) {
		fs := translator.Findings{
			{Tool: "conftest", Code: code, Severity: translator.SeverityError, Message: msg, Title: title,
				Location: translator.Location{Path: path, Line: 3}, Resource: resource,
				Runbook: &translator.Runbook{ID: "rb", Title: title, Body: "Fix it.\n", Links: []string{"https://example.com/x"}}},
			{Tool: "trivy", Code: code, Severity: translator.SeverityWarning, Message: msg, Title: title,
				Location: translator.Location{Path: path}, Resource: resource,
				Suppressed: &translator.Suppression{Reason: msg, Expires: "2020-01-01", Expired: true},
				// Error is never empty here: a runbook without Error has a
				// rendered (trusted) catalog body, and msg is not one.
				Runbook: &translator.Runbook{ID: "rb-err", Error: "template failed: " + title, Body: msg}},
			{Tool: "kube-linter", Code: code, Severity: translator.SeverityInfo, Message: msg, Title: title,
				Location: translator.Location{Path: path, Line: 1, Column: 2}, Resource: resource,
				Suppressed: &translator.Suppression{Reason: msg, Source: "config"}},
		}
		fs.Sort()
		fs.AssignFingerprints()
		run := &translator.Run{Findings: fs, FailLevel: translator.SeverityWarning, Notes: []string{msg}, Version: title}
		for _, name := range Names() {
			out := renderHostile(t, name, run)
			checkReport(t, name, run, out, false)
		}
	})
}

// TestCodeQualityBlankMessageTitleSanitized is the regression test for a
// blank message: the description fell back to the title (or tool and code)
// without dropping control characters (found by FuzzReporters).
func TestCodeQualityBlankMessageTitleSanitized(t *testing.T) {
	run := &translator.Run{Findings: translator.Findings{{
		Tool: "trivy", Code: "X\x1b[2J", Severity: translator.SeverityError, Message: " ", Title: "\x10title\u202e",
		Location: translator.Location{Path: "a.tf", Line: 1}, Fingerprint: "fp",
		Suppressed: &translator.Suppression{Expires: "2020-01-01\x07", Expired: true},
	}}}
	out := renderHostile(t, "gitlab-codequality", run)
	checkReport(t, "gitlab-codequality", run, out, false)
	if !strings.Contains(out, "title") {
		t.Fatalf("title missing from the description: %s", out)
	}
}
