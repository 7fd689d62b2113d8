package main

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
	"unicode"
)

// hasJapanese reports whether s holds kana or kanji.
func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}

// Under --lang ja a fix note is one language throughout: the JSON
// fix_note (English by design, for machines and logs) words the fix's
// description in English too, not its translation, and the local report
// shows the note in Japanese, description and reason alike. A values.yaml
// fix of a chart is described in the catalog's language throughout.
func TestFixNotesAreOneLanguage(t *testing.T) {
	args := []string{"review", "--lang", "ja", "--fail-level", "none", "--base-dir", "../../testdata/inputs", "-f", "conftest", "../../testdata/conftest/k8s-shop.json"}
	code, out, errOut := runEnv(t, func(string) string { return "" }, append(args, "-r", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	notes, valuesFixes := 0, 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var f struct {
			FixNote string `json:"fix_note"`
		}
		if json.Unmarshal(sc.Bytes(), &f) != nil || f.FixNote == "" {
			continue
		}
		notes++
		if hasJapanese(f.FixNote) {
			t.Errorf("JSON fix_note mixes Japanese into its English: %q", f.FixNote)
		}
	}
	if notes == 0 {
		t.Fatal("no fix_note in the JSON report: the test checks nothing")
	}
	code, out, errOut = runEnv(t, func(string) string { return "" }, append(args, "-r", "local", "-v")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "the organisation catalog") || strings.Contains(l, "Add the organisation") {
			t.Errorf("English fix note in a ja local report: %q", strings.TrimSpace(l))
		}
	}
	// the chart's values fixes
	code, out, errOut = runEnv(t, func(string) string { return "" }, "review", "--lang", "ja", "--fail-level", "none", "--base-dir", "../../testdata/inputs",
		"-f", "conftest", "../../testdata/conftest/helm-shop-rendered.json", "-r", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	sc = bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var f struct {
			Fixes []struct{ Description string }
		}
		if json.Unmarshal(sc.Bytes(), &f) != nil {
			continue
		}
		for _, fx := range f.Fixes {
			if !strings.Contains(fx.Description, "values.yaml") {
				continue
			}
			valuesFixes++
			if strings.Contains(fx.Description, "the chart's default value") {
				t.Errorf("a Japanese values fix described half in English: %q", fx.Description)
			}
		}
	}
	if valuesFixes == 0 {
		t.Fatal("no values.yaml fix in the chart's report: the test checks nothing")
	}
}
