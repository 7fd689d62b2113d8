package github

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
)

// checkout is the files of the analysed commit, as a reader of
// repository-relative paths (what cmd passes as ReadFile).
type checkout map[string]string

func (c checkout) read(p string) ([]byte, error) {
	s, ok := c[p]
	if !ok {
		return nil, fmt.Errorf("open %s: %w", p, os.ErrNotExist)
	}
	return []byte(s), nil
}

// webYAML is k8s/web.yaml as addedPatch(40) adds it.
func webYAML() string {
	var b strings.Builder
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	return b.String()
}

// mainTF is main.tf at the head of tfPatch: lines 10-16 are the hunk's.
func mainTF() string {
	var b strings.Builder
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "# %d\n", i)
	}
	b.WriteString("  a = 1\n  b = 2\n  c = 3\n  acl = \"public-read\"\n  d = 4\n  e = 5\n  f = 6\n}\n")
	return b.String()
}

func withFix(f *translator.Finding, desc string, edits ...translator.Edit) *translator.Finding {
	f.Fixes = []translator.Fix{{Description: desc, Source: "runbook:" + f.Runbook.ID, Edits: edits}}
	return f
}

func edit(path string, l1, c1, l2, c2 int, text string) translator.Edit {
	return translator.Edit{Path: path, StartLine: l1, StartColumn: c1, EndLine: l2, EndColumn: c2, Text: text}
}

// byCode returns the bot's comment about the finding with code.
func (e *env) byCode(code string) fakegithub.ReviewComment {
	e.t.Helper()
	for _, c := range e.ours() {
		if strings.Contains(c.Body, "`"+code+"`") {
			return c
		}
	}
	e.t.Fatalf("no comment for %s", code)
	return fakegithub.ReviewComment{}
}

func fixFindings() translator.Findings {
	return translator.Findings{
		// A one-line change on the finding's own line.
		withFix(find("k8s/web.yaml", 5, "KSV-5", "run as root"), "set runAsNonRoot",
			edit("k8s/web.yaml", 5, 1, 5, 7, "runAsNonRoot: true")),
		// An insertion below line 7: anchored on line 7, away from the
		// finding's line 3.
		withFix(find("k8s/web.yaml", 3, "KSV-3", "no seccomp"), "add seccompProfile",
			edit("k8s/web.yaml", 8, 1, 8, 1, "seccompProfile: RuntimeDefault\n")),
		// Two lines: a multi-line comment 10-11.
		withFix(find("k8s/web.yaml", 10, "KSV-10", "privileged"), "",
			edit("k8s/web.yaml", 10, 6, 10, 8, "ten"), edit("k8s/web.yaml", 11, 6, 11, 8, "eleven")),
		// Backticks in the replacement need a longer fence.
		withFix(find("k8s/web.yaml", 20, "KSV-20", "fence"), "",
			edit("k8s/web.yaml", 20, 1, 21, 1, "```\n")),
		// The fix changes line 9 of main.tf, which the diff does not show.
		withFix(find("main.tf", 13, "AVD-AWS-1", "public acl"), "set acl private",
			edit("main.tf", 13, 9, 13, 22, `"private"`), edit("main.tf", 9, 1, 10, 1, "")),
	}
}

func TestSuggestions(t *testing.T) {
	e := newEnv(t)
	files := checkout{"k8s/web.yaml": webYAML(), "main.tf": mainTF()}
	e.opts.ReadFile = files.read
	if err := e.report(fixFindings()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		code        string
		start, line int
		body        string
	}{
		{"KSV-5", 0, 5, "**Suggested fix** (`runbook:rb-KSV-5`): set runAsNonRoot\n\n```suggestion\nrunAsNonRoot: true\n```\n"},
		{"KSV-3", 0, 7, "```suggestion\nline 7\nseccompProfile: RuntimeDefault\n```\n"},
		{"KSV-10", 10, 11, "```suggestion\nline ten\nline eleven\n```\n"},
		{"KSV-20", 0, 20, "````suggestion\n```\n````\n"},
		{"AVD-AWS-1", 0, 13, "Not offered as a suggestion: it changes lines 9–13, and line 9 is not shown in the pull request's diff"},
	} {
		c := e.byCode(tc.code)
		if c.Line == nil || *c.Line != tc.line || (tc.start == 0) != (c.StartLine == nil) || (c.StartLine != nil && *c.StartLine != tc.start) {
			t.Errorf("%s: comment on %v..%v, want %d..%d", tc.code, c.StartLine, c.Line, tc.start, tc.line)
		}
		if !strings.Contains(c.Body, tc.body) {
			t.Errorf("%s: body lacks %q:\n%s", tc.code, tc.body, c.Body)
		}
	}
	tf := e.byCode("AVD-AWS-1").Body
	if !strings.Contains(tf, "```diff\n--- a/main.tf\n+++ b/main.tf\n@@ -6,11 +6,10 @@\n # 6\n # 7\n # 8\n-# 9\n   a = 1\n") ||
		!strings.Contains(tf, "-  acl = \"public-read\"\n+  acl = \"private\"\n") {
		t.Errorf("main.tf comment lacks the patch as a diff block:\n%s", tf)
	}

	// A re-run with the same fixes writes nothing: the suggestion is part
	// of the body and its hash.
	e.srv.ResetCounts()
	if err := e.report(fixFindings()); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("unchanged re-run made %d writes: %v", c.Writes, e.srv.Log())
	}

	// A changed fix edits that comment, and only it.
	fs := fixFindings()
	fs[0].Fixes[0].Edits[0].Text = "runAsNonRoot: yes"
	e.srv.ResetCounts()
	if err := e.report(fs); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.ByMethod["PATCH"] != 1 || c.ByMethod["POST"] != 0 {
		t.Errorf("a changed fix made %v, want one edit: %v", c.ByMethod, e.srv.Log())
	}
	if b := e.byCode("KSV-5").Body; !strings.Contains(b, "```suggestion\nrunAsNonRoot: yes\n```") {
		t.Errorf("edited body:\n%s", b)
	}
}

// TestSuggestionNeedsTheHeadsLines: the checkout is not the head (GitHub's
// merge commit, checked out by default): a line the fix replaces differs
// from what the pull request's diff shows, so no suggestion is made.
func TestSuggestionNeedsTheHeadsLines(t *testing.T) {
	e := newEnv(t)
	web := strings.Replace(webYAML(), "line 5\n", "line 5 as the base branch changed it\n", 1)
	e.opts.ReadFile = checkout{"k8s/web.yaml": web}.read
	fs := translator.Findings{withFix(find("k8s/web.yaml", 5, "KSV-5", "run as root"), "",
		edit("k8s/web.yaml", 5, 1, 5, 7, "runAsNonRoot: true"))}
	if err := e.report(fs); err != nil {
		t.Fatal(err)
	}
	b := e.byCode("KSV-5").Body
	if strings.Contains(b, "```suggestion") || strings.Contains(b, "```diff") {
		t.Errorf("a fix computed from other lines was shown:\n%s", b)
	}
	if !strings.Contains(b, "line 5 of k8s/web.yaml in the checkout is not what the request's head has there") {
		t.Errorf("body does not say why there is no suggestion:\n%s", b)
	}
}

func TestSuggestionUnreadableOrStale(t *testing.T) {
	e := newEnv(t)
	e.opts.ReadFile = func(string) ([]byte, error) { return nil, errors.New("read k8s/web.yaml: file too large") }
	fs := translator.Findings{
		withFix(find("k8s/web.yaml", 5, "KSV-5", "run as root"), "", edit("k8s/web.yaml", 5, 1, 5, 7, "x")),
		// A fix past the end of the file (it was computed from another
		// version of it).
		withFix(find("k8s/web.yaml", 6, "KSV-6", "gone"), "", edit("k8s/web.yaml", 99, 1, 99, 2, "x")),
	}
	if err := e.report(fs); err != nil {
		t.Fatal(err)
	}
	if b := e.byCode("KSV-5").Body; !strings.Contains(b, "could not be read from the checkout (read k8s/web.yaml: file too large)") {
		t.Errorf("unreadable file:\n%s", b)
	}
	e2 := newEnv(t)
	e2.opts.ReadFile = checkout{"k8s/web.yaml": webYAML()}.read
	if err := e2.report(fs); err != nil {
		t.Fatal(err)
	}
	if b := e2.byCode("KSV-6").Body; !strings.Contains(b, "the fix does not apply to k8s/web.yaml in the checkout (edit start: position 99:1: the file has 40 lines)") {
		t.Errorf("stale fix:\n%s", b)
	}
}
