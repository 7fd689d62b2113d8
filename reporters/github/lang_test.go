package github

import (
	"context"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
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
