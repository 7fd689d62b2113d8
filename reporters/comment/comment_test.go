package comment

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	translator "github.com/runbook-translator/runbook-translator"
)

func finding(msg string) *translator.Finding {
	return &translator.Finding{
		Tool: "trivy", Code: "KSV-0017", Severity: translator.SeverityError,
		Message:  msg,
		Location: translator.Location{Path: "k8s/web.yaml", Line: 12},
		Resource: "Deployment/web", URL: "https://avd.aquasec.com/misconfig/ksv017",
		Fingerprint: "0123456789abcdef",
		Runbook: &translator.Runbook{ID: "pss-privileged", Title: "Privileged container",
			Body: "Set `privileged: false`.", Owner: "@acme/platform-security",
			Links: []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/"}},
	}
}

func TestInlineRoundTrip(t *testing.T) {
	body, m := Inline(finding("Container 'web' should set 'securityContext.privileged' to false"), Options{})
	got, ok := Parse(body)
	if !ok {
		t.Fatalf("no marker in\n%s", body)
	}
	if got.FP != "0123456789abcdef" || got.Tool != "trivy" || got.Hash != m.Hash || got.Hash == "" || got.IsSummary() {
		t.Errorf("marker = %+v, want fp, tool and hash %s", got, m.Hash)
	}
	for _, want := range []string{"**🔴 Error** · Privileged container", "Set `privileged: false`.",
		"<details><summary>Details</summary>", "- Tool: `trivy`", "- Code: `KSV-0017`",
		"<https://avd.aquasec.com/misconfig/ksv017>", "- Fingerprint: `0123456789abcdef`", "Resource: `Deployment/web`"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if !strings.HasSuffix(body, `<!-- runbook-translator: {"fp":"0123456789abcdef","tool":"trivy","h":"`+m.Hash+`","v":1} -->`) {
		t.Errorf("body does not end with the marker:\n%s", body)
	}
	// Same finding, same hash; a changed message, another hash.
	_, m2 := Inline(finding("Container 'web' should set 'securityContext.privileged' to false"), Options{})
	_, m3 := Inline(finding("changed"), Options{})
	if m2.Hash != m.Hash || m3.Hash == m.Hash {
		t.Errorf("hashes: same %s/%s, changed %s", m.Hash, m2.Hash, m3.Hash)
	}
}

func TestInlineHostile(t *testing.T) {
	fake := `<!-- runbook-translator: {"fp":"evil","tool":"x","h":"1","v":1} -->`
	cases := map[string]string{
		"close":   "end --> of comment",
		"marker":  "hi " + fake,
		"open":    "hide <!-- everything",
		"mention": "ping @org/team and @alice",
		"html":    `<img src=x onerror=alert(1)>`,
		"fence":   "```\n</details>\n```",
	}
	for name, msg := range cases {
		t.Run(name, func(t *testing.T) {
			f := finding(msg)
			f.Runbook.Body = "runbook says " + fake + " and <!-- hidden -->"
			body, _ := Inline(f, Options{})
			m, ok := Parse(body)
			if !ok || m.FP != "0123456789abcdef" {
				t.Fatalf("marker = %+v, %v; hostile text took over", m, ok)
			}
			above := body[:strings.LastIndex(body, "<!-- runbook-translator:")]
			if strings.Contains(above, "<!--") || strings.Contains(above, "-->") {
				t.Errorf("comment delimiter above the marker:\n%s", above)
			}
			for _, bad := range []string{"<img", "@org/team", "@alice", "\n```\n</details>"} {
				if strings.Contains(above, bad) {
					t.Errorf("body contains %q unescaped:\n%s", bad, above)
				}
			}
		})
	}
}

func TestOwnerMentions(t *testing.T) {
	f := finding("m")
	off, _ := Inline(f, Options{})
	on, _ := Inline(f, Options{Mentions: true})
	if strings.Contains(off, "Owner: @acme/platform-security") || !strings.Contains(off, "@\u200bacme") {
		t.Errorf("owner pinged without Mentions:\n%s", off)
	}
	if !strings.Contains(on, "Owner: @acme/platform-security\n") {
		t.Errorf("owner not pinged with Mentions:\n%s", on)
	}
	f.Runbook.Owner = "@acme/team <img src=x>"
	on, _ = Inline(f, Options{Mentions: true})
	if strings.Contains(on, "<img") || strings.Contains(on, "Owner: @acme") {
		t.Errorf("an owner that is not a plain handle must be escaped:\n%s", on)
	}
}

func TestInlineHugeInput(t *testing.T) {
	f := finding(strings.Repeat("<&>`@x ", 200<<10/7))
	f.Runbook.Body = strings.Repeat("runbook text ", 100<<10/13)
	body, m := Inline(f, Options{})
	if utf8.RuneCountInString(body) > MaxBody || len(body) > MaxBody {
		t.Fatalf("body is %d bytes, over %d", len(body), MaxBody)
	}
	if got, ok := Parse(body); !ok || got.Hash != m.Hash {
		t.Fatal("marker lost by truncation")
	}
	if !strings.Contains(body, "truncated") {
		t.Error("no visible truncation notice")
	}
	if !strings.Contains(body, "- Fingerprint:") {
		t.Error("details dropped by truncation")
	}
}

func TestParseRejects(t *testing.T) {
	for _, b := range []string{
		"",
		"plain comment",
		`<!-- runbook-translator: {"fp":"a","v":2} -->`,
		`<!-- runbook-translator: not json -->`,
		`<!-- runbook-translator: {"fp":"a","v":1} --> human text after`,
		`<!-- runbook-translator: {"fp":"a","v":1}`,
	} {
		if m, ok := Parse(b); ok {
			t.Errorf("Parse(%q) = %+v, want no marker", b, m)
		}
	}
	// Two markers: the last one counts.
	m, ok := Parse(`<!-- runbook-translator: {"fp":"a","v":1} --> x <!-- runbook-translator: {"fp":"b","v":1} -->`)
	if !ok || m.FP != "b" {
		t.Errorf("Parse two markers = %+v, %v, want fp b", m, ok)
	}
}

func TestFixed(t *testing.T) {
	body, m := Inline(finding("m"), Options{})
	old, _ := Parse(body)
	fixed, fm := Fixed(old, Title(body), "No longer reported.", Options{})
	got, ok := Parse(fixed)
	if !ok || got.State != StateFixed || got.FP != m.FP || got.Hash != fm.Hash {
		t.Errorf("fixed marker = %+v", got)
	}
	if !strings.Contains(fixed, "~~Privileged container~~") {
		t.Errorf("fixed body lost the title:\n%s", fixed)
	}
}

func TestSummary(t *testing.T) {
	a := finding("outside <b>")
	b := finding("ignored")
	b.Fingerprint = "fp-b"
	b.Suppressed = &translator.Suppression{Reason: "accepted risk @bob", Expires: "2030-01-01"}
	fs := translator.Findings{a, b}
	body, m := SummaryBody(Summary{
		Findings:  fs,
		NotInline: []Entry{{Finding: a, Reason: ReasonOutsideDiff}},
		Notes:     []string{"left open: a human replied"},
		Rejected:  map[string]string{"x": "line --> must be part of the diff"},
		SHA:       "abc",
	}, Options{})
	got, ok := Parse(body)
	if !ok || !got.IsSummary() || got.Hash != m.Hash || got.SHA != "abc" || got.Rejected["x"] != "line --> must be part of the diff" {
		t.Fatalf("summary marker = %+v, %v", got, ok)
	}
	for _, want := range []string{"| 1 | 0 | 0 | 1 | 0 |", "### Not shown inline (1)", "outside the diff",
		"### Ignored (1)", "accepted risk @\u200bbob (until 2030-01-01)", "### Notes", "### Runbooks", "`pss-privileged` Privileged container"} {
		if !strings.Contains(body, want) {
			t.Errorf("summary lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "<b>") {
		t.Error("message not escaped")
	}
	again, m2 := SummaryBody(Summary{Findings: fs, NotInline: []Entry{{Finding: a, Reason: ReasonOutsideDiff}},
		Notes: []string{"left open: a human replied"}, Rejected: map[string]string{"x": "line --> must be part of the diff"}, SHA: "abc"}, Options{})
	if again != body || m2.Hash != m.Hash {
		t.Error("summary is not deterministic")
	}
}

func TestSummaryBounded(t *testing.T) {
	var fs translator.Findings
	var es []Entry
	for i := 0; i < 5000; i++ {
		f := finding(fmt.Sprintf("finding %d %s", i, strings.Repeat("x", 200)))
		f.Fingerprint = fmt.Sprint(i)
		fs = append(fs, f)
		es = append(es, Entry{Finding: f, Reason: ReasonOutsideDiff})
	}
	body, _ := SummaryBody(Summary{Findings: fs, NotInline: es}, Options{})
	if len(body) > MaxBody {
		t.Fatalf("summary is %d bytes, over %d", len(body), MaxBody)
	}
	if !strings.Contains(body, "more lines not shown") {
		t.Error("no visible truncation notice")
	}
	if _, ok := Parse(body); !ok {
		t.Error("marker lost")
	}
}
