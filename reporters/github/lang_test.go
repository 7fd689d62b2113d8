package github

import (
	"context"
	"fmt"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
)

// TestJapaneseAnnotationsAndCheckRun: the annotation text, the check run's
// title and the built-in job summary follow the run's language; the
// workflow command's syntax and properties do not.
func TestJapaneseAnnotationsAndCheckRun(t *testing.T) {
	f := &translator.Finding{Severity: translator.SeverityError, Tool: "t", Code: "C", Message: "m", Resource: "Deployment/web",
		Location: translator.Location{Path: "a.yaml"}, Runbook: &translator.Runbook{ID: "x", Title: "特権コンテナ", Owner: "@acme/platform"}}
	got := WorkflowCommand(f, "ja")
	want := "::error file=a.yaml,line=1,title=特権コンテナ::m (行番号の報告なし)%0A%0At C (Deployment/web)%0ARunbook: 特権コンテナ (x)、担当 @acme/platform"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	run := &translator.Run{Findings: translator.Findings{f}, Lang: "ja"}
	if got := checkTitle(run); got != "エラー 1 件、警告 0 件、通知 0 件" {
		t.Errorf("check title = %q", got)
	}
	if got := checkTitle(&translator.Run{Lang: "ja"}); got != "指摘はありません" {
		t.Errorf("empty check title = %q", got)
	}
	s, err := annBasicSummary(context.Background(), run, 1<<20)
	if err != nil || !strings.Contains(s, "- **エラー** `a.yaml` 特権コンテナ: m\n") {
		t.Errorf("job summary = %q, %v", s, err)
	}
	if got := pathlessText("ja", translator.Findings{f}); !strings.HasPrefix(got, "### ファイルのない指摘 (1)\n") {
		t.Errorf("pathless = %q", got)
	}
	if en := WorkflowCommand(f, ""); !strings.Contains(en, "(no line reported)") || !strings.Contains(en, ", owner @acme/platform") {
		t.Errorf("English = %s", en)
	}
}

// TestJapaneseDiffLimitReason: a file GitHub lists without a patch (the
// fake leaves "patch" out when a file has none, as GitHub does for
// binary files and diffs too large to show:
// https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files)
// has its finding in the summary with the reason in the run's language;
// an English run keeps the English reason.
func TestJapaneseDiffLimitReason(t *testing.T) {
	for _, tc := range []struct{ lang, want, not string }{
		{"ja", "GitHub からこのファイルのパッチが送られてきませんでした", "GitHub sent no patch"},
		{"", "GitHub sent no patch for this file (a binary file, or a diff too large to show): its lines are not known", "パッチ"},
	} {
		e := newEnv(t)
		e.srv.AddPR(fakegithub.PR{Number: 7, Head: "head1", Files: []fakegithub.File{
			{Filename: "k8s/web.yaml", Status: "added", Patch: addedPatch(40)},
			{Filename: "big.json", Status: "modified"},
		}})
		fs := translator.Findings{find("big.json", 2, "G1", "secret in a large file")}
		fs.AssignFingerprints()
		r := NewReviewer(e.gh, "acme", "infra", 7, "head1", e.opts)
		if err := r.Report(context.Background(), &translator.Run{Findings: fs, FailLevel: translator.SeverityError, Lang: tc.lang}); err != nil {
			t.Fatal(err)
		}
		s := e.summary()
		if !strings.Contains(s, tc.want) || strings.Contains(s, tc.not) {
			t.Errorf("lang %q: summary has no reason %q (or has %q):\n%s", tc.lang, tc.want, tc.not, s)
		}
		if len(e.ours()) != 0 {
			t.Errorf("lang %q: a finding in a file without a patch went inline", tc.lang)
		}
	}
}

// TestJapaneseCutListingReason: past the 3,000 files GET /pulls/{n}/files
// lists ("Responses include a maximum of 3000 files",
// https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files;
// the fake cuts there and answers changed_files with every file), a
// finding in an unlisted file is in the summary with the reason in the
// run's language.
func TestJapaneseCutListingReason(t *testing.T) {
	files := make([]fakegithub.File, 0, 3001)
	for i := 0; i < 3000; i++ {
		files = append(files, fakegithub.File{Filename: fmt.Sprintf("a/%04d.txt", i), Status: "modified", Patch: "@@ -1 +1 @@\n-a\n+b"})
	}
	files = append(files, fakegithub.File{Filename: "z/last.yaml", Status: "added", Patch: addedPatch(5)})
	e := newEnv(t)
	e.srv.AddPR(fakegithub.PR{Number: 7, Head: "head1", Files: files})
	fs := translator.Findings{find("z/last.yaml", 2, "G1", "past the cut")}
	fs.AssignFingerprints()
	r := NewReviewer(e.gh, "acme", "infra", 7, "head1", e.opts)
	if err := r.Report(context.Background(), &translator.Run{Findings: fs, FailLevel: translator.SeverityError, Lang: "ja"}); err != nil {
		t.Fatal(err)
	}
	want := "GitHub の一覧にはプルリクエストの変更ファイル 3001 件のうち最初の 3000 件しかなく、このファイルは含まれていません"
	if s := e.summary(); !strings.Contains(s, want) {
		t.Errorf("summary lacks %q:\n%s", want, s)
	}
}
