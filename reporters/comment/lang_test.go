package comment

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// TestLanguageChangeKeepsTheMarker: a body in Japanese carries the same
// marker identity (fingerprint, tool) as the English one, only its hash
// differs, so the lifecycle edits the comment instead of posting another;
// and Title reads the title back from either, for Fixed.
func TestLanguageChangeKeepsTheMarker(t *testing.T) {
	f := finding("m")
	f.Runbook.Title = "特権コンテナ"
	en, me := Inline(f, Options{})
	ja, mj := Inline(f, Options{Lang: "ja"})
	if me.FP != mj.FP || me.Tool != mj.Tool || me.Kind != mj.Kind {
		t.Errorf("marker identity changed with the language: %+v vs %+v", me, mj)
	}
	if me.Hash == mj.Hash {
		t.Error("the hash does not change with the language: a re-run in another language would leave the old words")
	}
	if p, ok := Parse(ja); !ok || p.FP != f.Fingerprint {
		t.Errorf("Parse(ja) = %+v, %v", p, ok)
	}
	for _, want := range []string{"**🔴 エラー** · 特権コンテナ\n", "リソース: `Deployment/web`", "担当: @\u200bacme/platform-security", "<summary>詳細</summary>", "- ツール: `trivy`", "- フィンガープリント: `0123456789abcdef`"} {
		if !strings.Contains(ja, want) {
			t.Errorf("ja body lacks %q:\n%s", want, ja)
		}
	}
	if Title(en) != "特権コンテナ" || Title(ja) != "特権コンテナ" {
		t.Errorf("Title: en %q, ja %q", Title(en), Title(ja))
	}
	old, _ := Parse(en)
	fixed, fm := Fixed(old, Title(en), "k8s/web.yaml:12 の指摘は報告されなくなりました。", Options{Lang: "ja"})
	if !strings.HasPrefix(fixed, "✅ **修正済み**: ~~特権コンテナ~~\n\n") || fm.FP != old.FP || fm.State != StateFixed {
		t.Errorf("ja fixed = %q %+v", fixed, fm)
	}
}

// TestSummaryJapanese: the summary's headings, counts and reasons.
func TestSummaryJapanese(t *testing.T) {
	a := finding("outside")
	b := finding("ignored")
	b.Fingerprint = "fedcba9876543210"
	b.Suppressed = &translator.Suppression{Reason: "承認済み", Expires: "2099-01-01"}
	body, m := SummaryBody(Summary{Findings: translator.Findings{a, b}, NotInline: []Entry{{Finding: a, Reason: Reason("ja", ReasonOutsideDiff)}}}, Options{Lang: "ja"})
	for _, want := range []string{
		"| エラー | 警告 | 情報 | 無視 | インライン |\n|---:|---:|---:|---:|---:|\n| 1 | 0 | 0 | 1 | 0 |",
		"### インラインに表示していない指摘 (1)\n\n- **エラー** `trivy KSV-0017` `k8s/web.yaml:12`: outside — 差分の範囲外\n",
		"### 無視した指摘 (1)\n\n- **エラー** `trivy KSV-0017` `k8s/web.yaml:12`: ignored — 承認済み (2099-01-01 まで)",
		"### Runbook\n\n- `pss-privileged` Privileged container",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("ja summary lacks %q:\n%s", want, body)
		}
	}
	if !m.IsSummary() {
		t.Errorf("marker = %+v", m)
	}
	if Reason("en", ReasonNoLine) != ReasonNoLine || Reason("ja", "a forge's own words") != "a forge's own words" {
		t.Error("Reason changes English or unknown reasons")
	}
}

// TestFixSectionJapanese: the fix section's words follow its Lang.
func TestFixSectionJapanese(t *testing.T) {
	x := &Fix{Source: "runbook:pss-privileged", Suggestion: "suggestion", Lines: []string{"privileged: false"}, Lang: "ja"}
	if got := x.Markdown(); !strings.HasPrefix(got, "**修正の提案** (`runbook:pss-privileged`)\n\n```suggestion\nprivileged: false\n```\n") {
		t.Errorf("suggestion = %q", got)
	}
	p := &Prepared{Diff: "--- a\n+++ b\n", Why: "理由", Lang: "ja"}
	if got := p.View("", "").Markdown(); !strings.HasPrefix(got, "**修正**\n\n提案としては示していません: 理由\n\n") {
		t.Errorf("diff view = %q", got)
	}
	if got := PrepareFix(&translator.Finding{Location: translator.Location{Path: "a.yaml"}, Fixes: []translator.Fix{{}}}, nil, nil, "ja"); got == nil || got.Why != "レポーターからチェックアウトのファイルを読めないため、修正を確認できませんでした" {
		t.Errorf("PrepareFix without a checkout = %+v", got)
	}
}

// TestJapaneseFixApplyErrors: why a fix cannot be suggested is worded in
// the comment's language down to the patch's own reason (an edit past
// the end of the file, two edits that overlap), positions as written.
func TestJapaneseFixApplyErrors(t *testing.T) {
	read := func(string) ([]byte, error) { return []byte("a: 1\n"), nil }
	for _, c := range []struct {
		edits   []translator.Edit
		ja, en  string
		notInJa string
	}{
		{[]translator.Edit{{Path: "a.yaml", StartLine: 9, StartColumn: 1, EndLine: 9, EndColumn: 2, Text: "x"}},
			"位置 9:1: ファイルは 1 行しかありません", "position 9:1: the file has 1 lines", "the file has"},
		{[]translator.Edit{{Path: "a.yaml", StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 3, Text: "x"}, {Path: "a.yaml", StartLine: 1, StartColumn: 2, EndLine: 1, EndColumn: 4, Text: "y"}},
			"編集箇所が重なっています", "edits overlap", "overlap"},
	} {
		f := &translator.Finding{Tool: "t", Code: "c", Location: translator.Location{Path: "a.yaml", Line: 1},
			Fixes: []translator.Fix{{Source: "s", Edits: c.edits}}}
		ja := PrepareFix(f, read, nil, "ja")
		en := PrepareFix(f, read, nil, "en")
		if ja == nil || !strings.Contains(ja.Why, c.ja) || strings.Contains(ja.Why, c.notInJa) {
			t.Errorf("ja: %+v, want %q", ja, c.ja)
		}
		if en == nil || !strings.Contains(en.Why, c.en) {
			t.Errorf("en: %+v, want %q", en, c.en)
		}
	}
}
