package markdown

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// cutSample is Markdown as the Japanese catalog writes it: full-width
// text with code spans, emphasis, a link, an entity, a fence and a
// <details> element.
const cutSample = "**何が問題か** コンテナが `securityContext.privileged: true` で動いています。" +
	"[Pod Security Standards](https://kubernetes.io/ja/docs/concepts/security/pod-security-standards/) の Baseline に違反します。\n\n" +
	"<details><summary>修正方法</summary>\n\n" +
	"```yaml\nsecurityContext:\n  privileged: false # 特権を外す\n```\n\n" +
	"値は &lt;none&gt; にせず、`allowPrivilegeEscalation: false` も設定してください。\n\n" +
	"</details>\n"

// TestCutEveryOffset cuts the sample at every length: the result fits,
// is valid UTF-8, starts with a prefix of the sample, ends with the
// notice, and leaves no code span, emphasis, link, entity or tag open
// on its last line, and no fence or <details> open.
func TestCutEveryOffset(t *testing.T) {
	const notice = "\n\n*… 省略*\n"
	for max := len(notice); max <= len(cutSample)+1; max++ {
		got := Cut(cutSample, max, notice)
		if max >= len(cutSample) {
			if got != cutSample {
				t.Fatalf("max %d: a sample that fits was changed", max)
			}
			continue
		}
		if len(got) > max || !utf8.ValidString(got) || !strings.HasSuffix(got, notice) {
			t.Fatalf("max %d: %d bytes, valid %v: %q", max, len(got), utf8.ValidString(got), got)
		}
		body := strings.TrimSuffix(got, notice)
		kept := body
		for _, closer := range []string{"\n\n</details>\n", "</summary>", "```\n"} {
			if strings.HasSuffix(kept, closer) && !strings.HasPrefix(cutSample, kept) {
				kept = strings.TrimSuffix(kept, closer)
			}
		}
		if !strings.HasPrefix(cutSample, kept) {
			t.Fatalf("max %d: not a prefix of the sample: %q", max, body)
		}
		if strings.Count(body, "```")%2 != 0 {
			t.Errorf("max %d: fence left open: %q", max, body)
		}
		if strings.Count(body, "<details>") != strings.Count(body, "</details>") || strings.Count(body, "<summary>") != strings.Count(body, "</summary>") {
			t.Errorf("max %d: <details> or <summary> left open: %q", max, body)
		}
		last := kept[strings.LastIndexByte(kept, '\n')+1:]
		if strings.HasPrefix(last, "```") || strings.Contains(kept, "```yaml\n") && strings.Count(kept, "```")%2 == 1 {
			continue // inside the fence: code, no inline markup
		}
		if strings.Count(last, "`")%2 != 0 || strings.Count(last, "**")%2 != 0 {
			t.Errorf("max %d: code span or emphasis left open: %q", max, last)
		}
		if strings.Count(last, "[") != strings.Count(last, "]") || strings.Count(last, "](") != strings.Count(last, ")") {
			t.Errorf("max %d: link left open: %q", max, last)
		}
		if i := strings.LastIndexByte(last, '&'); i >= 0 && !strings.Contains(last[i:], ";") {
			t.Errorf("max %d: entity cut: %q", max, last)
		}
		if strings.Count(last, "<") != strings.Count(last, ">") {
			t.Errorf("max %d: tag cut: %q", max, last)
		}
	}
}

// TestCutKeepsCombiningMarks: a cut never separates a character from the
// mark that combines with it (か + U+3099 is が) or an emoji from its
// variation selector.
func TestCutKeepsCombiningMarks(t *testing.T) {
	s := strings.Repeat("か\u3099⚠\ufe0f", 20)
	for max := 1; max < len(s); max++ {
		got := Cut(s, max, "")
		if len(got) > max {
			t.Fatalf("max %d: %d bytes", max, len(got))
		}
		if r, _ := utf8.DecodeLastRuneInString(got); got != "" && r != '\ufe0f' && r != '\u3099' {
			t.Fatalf("max %d: cut after %q: %q", max, r, got)
		}
	}
}

// TestCutLongLine: one line longer than the budget is cut inside it,
// before the code span the budget ends in, not at the start.
func TestCutLongLine(t *testing.T) {
	s := strings.Repeat("設定を確認してください。", 20) + "`kubectl get pods -A`" + strings.Repeat("あ", 50)
	max := strings.Index(s, "`") + 10
	got := Cut(s, max, "…")
	if want := strings.Repeat("設定を確認してください。", 20) + "…"; got != want {
		t.Errorf("Cut = %q, want %q", got, want)
	}
}

// TestCutTinyMax: a budget smaller than the notice gives the notice cut.
func TestCutTinyMax(t *testing.T) {
	if got := Cut("あいうえお", 4, "……"); got != "…" {
		t.Errorf("Cut = %q", got)
	}
}

// TestCutNested: cutting before a bracket left open leaves the emphasis
// around it open too, so the cut moves before that as well.
func TestCutNested(t *testing.T) {
	s := "前置き。**注意 [リンク** の説明 です。"
	max := strings.Index(s, "の説明") + len("の説明") + len("…")
	if got, want := Cut(s, max, "…"), "前置き。…"; got != want {
		t.Errorf("Cut = %q, want %q", got, want)
	}
}
