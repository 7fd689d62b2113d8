package runbooks

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestWithLangFixDescriptions: a Japanese catalog shows the translated
// descriptions of an entry's fixes and the same edits; the English
// catalog's entry is not changed; a translation with more descriptions
// than fixes is a load error.
func TestWithLangFixDescriptions(t *testing.T) {
	b, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	c := Merge(b)
	ja := c.WithLang("ja")
	en := c.Entry("pss-seccomp")
	got := ja.Entry("pss-seccomp")
	if en == nil || got == nil || len(got.Fix) != 2 {
		t.Fatalf("entries: %v %v", en, got)
	}
	if en.Fix[0].Description != "Use the runtime's default seccomp profile" || got.Fix[0].Description != "ランタイムのデフォルトの seccomp プロファイルを使う" {
		t.Errorf("descriptions: en %q, ja %q", en.Fix[0].Description, got.Fix[0].Description)
	}
	if len(got.Fix[1].Edits) != len(en.Fix[1].Edits) || !reflect.DeepEqual(got.Fix[1].Edits[0], en.Fix[1].Edits[0]) {
		t.Errorf("edits changed: %+v vs %+v", got.Fix[1].Edits, en.Fix[1].Edits)
	}
	// Every built-in fix has a Japanese description.
	for _, e := range ja.Entries() {
		for i, fx := range e.Fix {
			if !hasKana(fx.Description) {
				t.Errorf("%s fix %d: no Japanese description: %q", e.ID, i+1, fx.Description)
			}
		}
	}

	dir := t.TempDir()
	p := filepath.Join(dir, "c.yaml")
	cat := `entries:
  - id: x
    title: X
    match: [{codes: [X1]}]
    body: x
    fix:
      - description: Turn it off
        edits: [{set: spec.x, value: false}]
    translations:
      ja: {title: X, body: x, fix: [無効にする, 余分]}
`
	if err := os.WriteFile(p, []byte(cat), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), `translation "ja": 2 fix descriptions for 1 fixes`) {
		t.Errorf("err = %v", err)
	}
}

func hasKana(s string) bool {
	for _, r := range s {
		if r >= 0x3040 && r <= 0x30ff {
			return true
		}
	}
	return false
}
