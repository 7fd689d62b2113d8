package reporters

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestMarkdownEscapesUntrustedText(t *testing.T) {
	out := string(render(t, "markdown", Options{}, fixtureRun()))
	if strings.Contains(strings.ToLower(out), "<script") {
		t.Errorf("raw <script in Markdown")
	}
	if regexp.MustCompile(`@org/team|@acme/`).MatchString(out) {
		t.Errorf("unbroken @mention in Markdown")
	}
	if strings.Contains(out, "\n## injected") || strings.Contains(out, "\n```\n## injected") {
		t.Errorf("hostile message broke out into a heading")
	}
	for _, bad := range []string{"\x1b", "\u202e"} {
		if strings.Contains(out, bad) {
			t.Errorf("Markdown contains %q", bad)
		}
	}
	// Every fence the catalog opened is closed: an even number of ``` lines.
	fences := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "```") {
			fences++
		}
	}
	if fences%2 != 0 {
		t.Errorf("odd number of fence lines (%d)", fences)
	}
	if o, c := strings.Count(out, "<details>"), strings.Count(out, "</details>"); o != c || o != 6 {
		t.Errorf("<details> %d, </details> %d, want 6 each", o, c)
	}
}

func TestMarkdownBodyOncePerRunbook(t *testing.T) {
	out := string(render(t, "markdown", Options{}, fixtureRun()))
	// pss-privileged covers the trivy, conftest (and the ignored checkov)
	// findings: its body appears once.
	if n := strings.Count(out, "runs a privileged container"); n != 1 {
		t.Errorf("privileged body appears %d times, want 1", n)
	}
	if !strings.Contains(out, "<details><summary>🔴 Privileged container (2 findings)</summary>") {
		t.Errorf("no details block for the privileged runbook")
	}
	for _, want := range []string{
		"## ❌ runbook-translator: fails at fail level `error`",
		"| 4 | 2 | 1 | 1 |",
		"### Ignored (1) and expired exceptions (1)",
		"Reason: legacy batch job needs host devices; tracked in PLAT-123; expires 2026-12-31",
		"⚠️ **exception expired on 2025-03-31**",
		"- Ignore rule \\#3 in .runbook-translator.yaml",
		"`k8s/web app/deployment.yaml` (no line)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
}

// bigRun has n findings of distinct fallback codes with long messages.
func bigRun(n int) *translator.Run {
	run := fixtureRun()
	for i := 0; i < n; i++ {
		run.Findings = append(run.Findings, &translator.Finding{
			Tool: "tflint", Code: fmt.Sprintf("rule_%04d", i%120), Severity: translator.SeverityWarning,
			Message:  strings.Repeat("long message é ", 40) + fmt.Sprint(i),
			Location: translator.Location{Path: fmt.Sprintf("infra/mod%03d/main.tf", i), Line: i%50 + 1},
			Runbook:  &translator.Runbook{ID: translator.FallbackID, Title: "fallback", Body: strings.Repeat("Generic guidance. ", 30)},
		})
	}
	run.Findings.Sort()
	run.Findings.AssignFingerprints()
	return run
}

func TestMarkdownSizeCap(t *testing.T) {
	run := bigRun(3000)
	total := len(run.Findings)
	for _, max := range []int{0, 20000, 3000} {
		md := &Markdown{MaxBytes: max}
		out := md.Render(run)
		limit := max
		if limit == 0 {
			limit = DefaultMarkdownMaxBytes
		}
		if len(out) > limit {
			t.Errorf("MaxBytes %d: report is %d bytes", max, len(out))
		}
		if !utf8.ValidString(out) {
			t.Errorf("MaxBytes %d: cut inside a rune", max)
		}
		m := regexp.MustCompile(`\*\*Truncated:\*\* (\d+) of (\d+) findings are not shown`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("MaxBytes %d: no truncation notice", max)
		}
		// The notice counts exactly the findings that are not listed.
		listed := 0
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "- **") || (strings.HasPrefix(l, "- `") && strings.Contains(l, "Reason:")) {
				listed++
			}
		}
		if m[1] != fmt.Sprint(total-listed) || m[2] != fmt.Sprint(total) {
			t.Errorf("MaxBytes %d: notice says %s of %s, listed %d of %d", max, m[1], m[2], listed, total)
		}
		if strings.Contains(out, "Findings:\n\n- …") {
			t.Errorf("MaxBytes %d: a runbook block lists no finding", max)
		}
		if o, c := strings.Count(out, "<details>"), strings.Count(out, "</details>"); o != c {
			t.Errorf("MaxBytes %d: unbalanced details (%d/%d)", max, o, c)
		}
	}
	// Smaller than the header: still bounded, still says so.
	out := (&Markdown{MaxBytes: 300}).Render(run)
	if len(out) > 300 || !strings.Contains(out, "Truncated") {
		t.Errorf("MaxBytes 300: %d bytes, notice present: %v", len(out), strings.Contains(out, "Truncated"))
	}
	// A run that fits has no notice.
	if out := (&Markdown{}).Render(fixtureRun()); strings.Contains(out, "Truncated") {
		t.Errorf("notice on a report that fits")
	}
}

func TestMarkdownStatus(t *testing.T) {
	run := fixtureRun()
	run.FailLevel = translator.SeverityNone
	if out := (&Markdown{}).Render(run); !strings.HasPrefix(out, "## ✅ runbook-translator: passes (fail level `none` never fails)") {
		t.Errorf("fail level none: %q", out[:80])
	}
	empty := &translator.Run{FailLevel: translator.SeverityWarning}
	out := (&Markdown{Heading: "IaC checks"}).Render(empty)
	if !strings.HasPrefix(out, "## ✅ IaC checks: passes at fail level `warning`") || !strings.Contains(out, "No findings.") {
		t.Errorf("empty run:\n%s", out)
	}
}

func TestMarkdownTemplateErrorBodyEscaped(t *testing.T) {
	run := &translator.Run{FailLevel: translator.SeverityError, Findings: translator.Findings{{
		Tool: "conftest", Code: "X1", Severity: translator.SeverityError, Message: "<img src=x onerror=alert(1)>",
		Runbook: &translator.Runbook{ID: "broken", Title: "Broken entry", Body: "<img src=x onerror=alert(1)>", Error: "template: body:1: unexpected }"},
	}}}
	out := (&Markdown{}).Render(run)
	if strings.Contains(out, "<img") {
		t.Errorf("raw message of a failed template inserted unescaped:\n%s", out)
	}
}

func TestCellEscapesPipesInCodeSpans(t *testing.T) {
	if got := cell("`a|b` \\| c"); got != "`a\\|b` \\| c" {
		t.Errorf("cell = %q", got)
	}
}

func TestHTMLText(t *testing.T) {
	got := htmlText("@org/team <b>&#39; #12\n")
	if want := "@\u200borg/team &lt;b&gt;&amp;#\u200b39; #\u200b12"; got != want {
		t.Errorf("htmlText = %q, want %q", got, want)
	}
}

// streamRun builds a run with many findings per entry (more than a group
// lists), identical sort keys arriving apart, ignored and expired ones, and
// an entry whose body differs per finding.
func streamRun() *translator.Run {
	run := bigRun(3000)
	for i := 0; i < 400; i++ {
		f := &translator.Finding{Tool: "trivy", Code: fmt.Sprintf("KSV-%03d", i%9), Severity: translator.Severity(i % 4),
			Message: fmt.Sprintf("object %d", i%37), Location: translator.Location{Path: fmt.Sprintf("k8s/%02d.yaml", i%13), Line: i % 5},
			Runbook: &translator.Runbook{ID: fmt.Sprintf("entry-%d", i%3), Title: fmt.Sprintf("Entry %d", i%3), Body: fmt.Sprintf("Fix object %d.", i%2)}}
		switch i % 11 {
		case 0:
			f.Suppressed = &translator.Suppression{Reason: fmt.Sprintf("accepted %d", i), Expires: "2030-01-01"}
		case 1:
			f.Suppressed = &translator.Suppression{Reason: "was accepted", Expires: "2020-01-01", Expired: true}
		}
		run.Findings = append(run.Findings, f)
	}
	run.Notes = []string{"a note"}
	return run
}

// Issue 10: the Markdown report streams (the pipeline writes findings in
// input order) and holds per entry its counts, one body and the first
// mdMaxItemsPerGroup findings; what it writes is byte for byte the report
// of the sorted run.
func TestMarkdownStreamMatchesReport(t *testing.T) {
	run := streamRun()
	for _, max := range []int{0, 20000} {
		want := (&Markdown{MaxBytes: max}).Render(run)
		// Reverse, then interleave: nothing like sorted order.
		in := append(translator.Findings(nil), run.Findings...)
		for i, j := 0, len(in)-1; i < j; i, j = i+1, j-1 {
			in[i], in[j] = in[j], in[i]
		}
		var shuffled translator.Findings
		for i := 0; i < len(in); i += 2 {
			shuffled = append(shuffled, in[i])
		}
		for i := 1; i < len(in); i += 2 {
			shuffled = append(shuffled, in[i])
		}
		var out strings.Builder
		m := &Markdown{Out: &out, MaxBytes: max}
		streamed := *run
		streamed.Findings = nil // streamed: the reporter sees findings only in Write
		if err := m.Begin(&streamed); err != nil {
			t.Fatal(err)
		}
		for _, f := range shuffled {
			if err := m.Write(f); err != nil {
				t.Fatal(err)
			}
		}
		st := m.st
		for _, g := range st.groups {
			if len(g.keep.h) > mdMaxItemsPerGroup {
				t.Fatalf("group %s holds %d findings", g.key, len(g.keep.h))
			}
			for _, k := range g.keep.h {
				if k.f.Runbook != nil {
					t.Fatalf("group %s keeps a finding with its runbook", g.key)
				}
			}
		}
		if len(st.ignored.h) > mdMaxItemsPerGroup || len(st.expired.h) > mdMaxItemsPerGroup {
			t.Fatalf("holds %d ignored, %d expired", len(st.ignored.h), len(st.expired.h))
		}
		if err := m.End(&streamed); err != nil {
			t.Fatal(err)
		}
		if out.String() != want {
			t.Errorf("MaxBytes %d: streamed report differs from the sorted one:\n%s\n--- sorted ---\n%s", max, out.String(), want)
		}
		if !strings.Contains(want, "_Rendered for the first finding below") || !strings.Contains(want, "expired exceptions") {
			t.Fatalf("MaxBytes %d: the run does not exercise differing bodies and expired exceptions", max)
		}
	}
}
