package reporters

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// TestGoldenJapaneseSARIF: the SARIF log of the hostile fixture in
// Japanese (sarif.ja.golden.json; -update rewrites it) differs from the
// English one only in the rules' help, which GitHub code scanning shows to
// people: results, properties and every other field are the same bytes.
func TestGoldenJapaneseSARIF(t *testing.T) {
	opts := Options{ReadFile: readFixtureFile} // as sarif.golden.json
	en := render(t, "sarif", opts, fixtureRun())
	run := fixtureRun()
	run.Lang = "ja"
	ja := render(t, "sarif", opts, run)
	golden(t, "sarif.ja.golden.json", ja)
	if !strings.Contains(string(ja), "このルールの Runbook は指摘ごとに書かれています") {
		t.Error("the Japanese SARIF has no Japanese generic help")
	}
	noHelp := func(b []byte) string {
		var log map[string]any
		if err := json.Unmarshal(b, &log); err != nil {
			t.Fatal(err)
		}
		helps := 0
		for _, r := range log["runs"].([]any) {
			for _, rule := range r.(map[string]any)["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any) {
				if _, ok := rule.(map[string]any)["help"]; ok {
					delete(rule.(map[string]any), "help")
					helps++
				}
			}
		}
		if helps == 0 {
			t.Fatal("no rule help in the SARIF log: the test checks nothing")
		}
		out, _ := json.Marshal(log)
		return string(out)
	}
	if e, j := noHelp(en), noHelp(ja); e != j {
		t.Errorf("SARIF changes with the language outside the rules' help:\n%s", firstDiff(e, j))
	}
}

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
	for _, name := range []string{"json", "gitlab-codequality", "summary"} {
		en := render(t, name, Options{}, fixtureRun())
		run := fixtureRun()
		run.Lang = "ja"
		if ja := render(t, name, Options{}, run); !bytes.Equal(en, ja) {
			t.Errorf("%s changes with the language:\n%s", name, firstDiff(string(en), string(ja)))
		}
	}
}
