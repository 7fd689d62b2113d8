package reporters

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/cells"
)

// TestTextJapaneseColumns: translated severity names are padded by
// display cells, so the location column starts at the same terminal
// column on every finding's first line, in both languages, batch and
// streamed.
func TestTextJapaneseColumns(t *testing.T) {
	fs := translator.Findings{}
	for i, s := range []translator.Severity{translator.SeverityCritical, translator.SeverityError, translator.SeverityWarning, translator.SeverityInfo} {
		fs = append(fs, &translator.Finding{Tool: "trivy", Code: "KSV-1", Severity: s, Message: "m",
			Location: translator.Location{Path: "a.yaml", Line: i + 1}})
	}
	for _, c := range []struct {
		lang   string
		stream bool
	}{{"", false}, {"ja", false}, {"ja", true}} {
		lang := c.lang
		var out bytes.Buffer
		run := &translator.Run{Findings: fs, FailLevel: translator.SeverityError, Lang: lang}
		txt := NewText(Options{Out: &out})
		if c.stream {
			if err := txt.Begin(run); err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				if err := txt.Write(f); err != nil {
					t.Fatal(err)
				}
			}
			if err := txt.End(run); err != nil {
				t.Fatal(err)
			}
		} else if err := txt.Report(context.Background(), run); err != nil {
			t.Fatal(err)
		}
		col := -1
		heads := 0
		for _, l := range strings.Split(out.String(), "\n") {
			i := strings.Index(l, "a.yaml:")
			if i < 0 || !strings.HasPrefix(l, "  ") {
				continue
			}
			heads++
			c := cells.Width(l[:i])
			if col >= 0 && c != col {
				t.Errorf("lang %q: location at cell %d, want %d: %q", lang, c, col, l)
			}
			col = c
		}
		if heads != 4 {
			t.Errorf("lang %q: %d finding lines:\n%s", lang, heads, out.String())
		}
		if lang == "ja" && !strings.Contains(out.String(), "  重大     a.yaml:1  trivy KSV-1\n") {
			t.Errorf("ja report:\n%s", out.String())
		}
	}
}

// TestJapaneseTruncationMark: a message over the per-item bound is cut at
// a character with the mark in the run's language, in the local report
// (batch and streamed) and in the Markdown report.
func TestJapaneseTruncationMark(t *testing.T) {
	msg := strings.Repeat("コンテナが特権モードで動いています。", 200) // 10,800 bytes
	for _, lang := range []string{"en", "ja"} {
		fs := translator.Findings{{Tool: "trivy", Code: "KSV-0017", Severity: translator.SeverityError, Message: msg,
			Location: translator.Location{Path: "a.yaml", Line: 1}}}
		run := &translator.Run{Findings: fs, FailLevel: translator.SeverityError, Lang: lang}
		want, other := "… (省略)", "(truncated)"
		if lang == "en" {
			want, other = other, want
		}
		var txt bytes.Buffer
		if err := NewText(Options{Out: &txt}).Report(context.Background(), run); err != nil {
			t.Fatal(err)
		}
		md := (&Markdown{}).Render(run)
		for name, out := range map[string]string{"local": txt.String(), "markdown": md} {
			if !strings.Contains(out, want) || strings.Contains(out, other) {
				t.Errorf("%s %s: mark %q not there (or %q is):\n%.300s", lang, name, want, other, out)
			}
			if !utf8.ValidString(out) {
				t.Errorf("%s %s: invalid UTF-8", lang, name)
			}
		}
	}
}
