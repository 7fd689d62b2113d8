package reporters

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// TestGoldenJapanese: the human reports of the hostile fixture run in
// Japanese (go test ./reporters -update rewrites them), and the machine
// formats byte for byte the same as in English.
func TestGoldenJapanese(t *testing.T) {
	for _, c := range []struct {
		reporter, file string
		opts           Options
	}{
		{"local", "local-verbose.ja.golden.txt", Options{Verbose: true, ReadFile: readFixtureFile}},
		{"markdown", "markdown.ja.golden.md", Options{}},
	} {
		t.Run(c.file, func(t *testing.T) {
			run := fixtureRun()
			run.Lang = "ja"
			out := render(t, c.reporter, c.opts, run)
			golden(t, c.file, out)
			if c.reporter != "markdown" {
				return
			}
			var html bytes.Buffer
			if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert(out, &html); err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"<h3>無視した指摘 (1) と期限切れの例外 (1)</h3>", "<th>Runbook</th>\n<th style=\"text-align:right\">件数</th>"} {
				if !strings.Contains(html.String(), want) {
					t.Errorf("rendered Japanese Markdown lacks %q", want)
				}
			}
		})
	}
	for _, name := range []string{"json", "sarif", "gitlab-codequality", "summary"} {
		en := render(t, name, Options{}, fixtureRun())
		run := fixtureRun()
		run.Lang = "ja"
		if ja := render(t, name, Options{}, run); !bytes.Equal(en, ja) {
			t.Errorf("%s changes with the language:\n%s", name, firstDiff(string(en), string(ja)))
		}
	}
}
