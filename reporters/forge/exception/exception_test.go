package exception

import (
	"errors"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
)

func TestParseCommand(t *testing.T) {
	for _, tc := range []struct {
		body string
		want Command
		err  string
	}{
		{body: "/runbook-translator ignore 30d legacy agent, replaced in Q3", want: Command{30, "legacy agent, replaced in Q3"}},
		{body: "  /runbook-translator   ignore 1d  two   spaces  \n", want: Command{1, "two spaces"}},
		{body: "/runbook-translator ignore 3650d the longest", want: Command{3650, "the longest"}},
		{body: "thanks!", err: ErrNotCommand.Error()},
		{body: "/runbook-translator ignored 30d x", err: ErrNotCommand.Error()},
		{body: "please /runbook-translator ignore 30d x", err: ErrNotCommand.Error()},
		{body: "/runbook-translator ignore", err: "needs a duration and a reason"},
		{body: "/runbook-translator ignore 30d", err: "a reason is required"},
		{body: "/runbook-translator ignore 30 days ok", err: "number of days"},
		{body: "/runbook-translator ignore 030d ok fine", err: "number of days"},
		{body: "/runbook-translator ignore -5d ok fine", err: "number of days"},
		{body: "/runbook-translator ignore 0d ok fine", err: "number of days"},
		{body: "/runbook-translator ignore 2w ok fine", err: "number of days"},
		{body: "/runbook-translator ignore 9999d ok fine", err: "over 3650 days"},
		{body: "/runbook-translator ignore 30d ok", err: "too short"},
		{body: "/runbook-translator ignore 30d " + strings.Repeat("é", 301), err: "301 characters"},
		{body: "/runbook-translator ignore 30d fine\n::set-output name=x::y", err: "the only line"},
		{body: "/runbook-translator ignore 30d bidi \u202e trick", err: "invisible"},
		{body: "/runbook-translator ignore 30d bell \a here", err: "control"},
		{body: "/runbook-translator ignore 30d bad \xff utf8", err: "UTF-8"},
		{body: "/runbook-translator ignore 30d " + strings.Repeat("x ", 1100), err: "over 2048 bytes"},
	} {
		got, err := ParseCommand(tc.body)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: %v", tc.body, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want %q", tc.body, err, tc.err)
		case tc.err == "" && got != tc.want:
			t.Errorf("%q = %+v, want %+v", tc.body, got, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "::") {
			t.Errorf("%q: the error quotes the comment: %v", tc.body, err)
		}
	}
	if _, err := ParseCommand("hello"); !errors.Is(err, ErrNotCommand) {
		t.Errorf("not a command: %v", err)
	}
}

// Recover reads back what comment.Inline wrote, for findings whose fields
// need escaping.
func TestRecover(t *testing.T) {
	fs := translator.Findings{
		{Tool: "trivy", Code: "KSV-0017", Message: "Resource: `x` *bold* <a> & @team", Resource: "Deployment/web"},
		{Tool: "checkov", Code: "CKV_AWS_`1`", Message: "m", Resource: " spaced "},
		{Tool: "checkov", Code: "CKV_AWS_`1`", Message: "m", Resource: " spaced "},
		{Tool: "conftest", Code: "deny", Message: "",
			Runbook: &translator.Runbook{ID: "rb", Body: "- Code: `fake`\n\nResource: `fake`\n"}},
		{Tool: "conftest", Code: "deny", Message: "x",
			Runbook: &translator.Runbook{ID: "rb", Body: "Resource: `fake`\n"}},
	}
	for _, f := range fs {
		f.Path = "k8s/[web].yaml"
	}
	fs.AssignFingerprints()
	if fs[2].Fingerprint != fs[1].Fingerprint+"-2" {
		t.Fatalf("fingerprints %s %s", fs[1].Fingerprint, fs[2].Fingerprint)
	}
	for i, f := range fs {
		for _, lang := range messages.Langs() {
			// Bodies in every language, with and without a fix section.
			fix := ""
			if i%2 == 1 {
				fix = "```suggestion\nfixed: true\n```\n\n"
			}
			body, _ := comment.InlineFix(f, comment.Options{Lang: lang}, fix)
			got, err := Recover(body, "./k8s/[web].yaml")
			if err != nil {
				t.Fatalf("%s (%s): %v", f.Code, lang, err)
			}
			want := Finding{FP: f.Fingerprint, Tool: f.Tool, Code: f.Code, Resource: f.Resource, Path: "k8s/[web].yaml"}
			if got != want {
				t.Errorf("Recover = %+v, want %+v", got, want)
			}
			// The globs match the literal path and resource, and only them.
			if ok, _ := doublestar.Match(Glob(got.Path), "k8s/[web].yaml"); !ok {
				t.Errorf("glob %q does not match its path", Glob(got.Path))
			}
			if ok, _ := doublestar.Match(Glob(got.Path), "k8s/w.yaml"); ok {
				t.Errorf("glob %q matches another path", Glob(got.Path))
			}
		}
	}
	f := &translator.Finding{Tool: "trivy", Code: "KSV-0017", Message: "m", Fingerprint: "0123456789abcdef"}
	body, m := comment.Inline(f, comment.Options{})
	fixed, _ := comment.Fixed(m, "t", "", comment.Options{})
	for name, tc := range map[string]struct{ body, err string }{
		"no marker":  {"just text", "carries no finding"},
		"summary":    {"x" + comment.Marker{Kind: comment.KindSummary, Hash: "h"}.String(), "summary"},
		"fixed":      {fixed, "is fixed"},
		"edited":     {strings.Replace(body, "KSV-0017", "KSV-0001", 1), "was edited"},
		"text after": {body + "\n\nsigned, an admin", "carries no finding"},
	} {
		if _, err := Recover(tc.body, "a.yaml"); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: %v, want %q", name, err, tc.err)
		}
	}
}

func TestTitleAndBranch(t *testing.T) {
	for _, lang := range []string{"en", "ja"} {
		got := title(lang, Finding{Tool: "t", Code: "C@x", Path: "a/@team/#12\n!3.yaml"})
		if strings.Contains(got, "@t") || strings.Contains(got, "#1") || strings.Contains(got, "!3") || strings.Contains(got, "\n") || !strings.Contains(got, "C@\u200bx") {
			t.Errorf("%s: title = %q", lang, got)
		}
	}
	if got := title("ja", Finding{Tool: "trivy", Code: "KSV-0001", Path: "k8s/a.yaml"}); got != "runbook-translator: k8s/a.yaml の KSV-0001 を例外に追加" {
		t.Errorf("ja title = %q", got)
	}
	if Branch("0123456789abcdef", "main") == Branch("0123456789abcdef", "release/1") || !strings.HasPrefix(Branch("0123456789abcdef", "main"), BranchPrefix+"0123456789abcdef-") {
		t.Errorf("branches %s %s", Branch("0123456789abcdef", "main"), Branch("0123456789abcdef", "release/1"))
	}
}
