package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Config errors name YAML keys and suggest the nearest one, never Go types
// (issue 15: "Config and catalog errors name YAML keys, never Go types").
func TestConfigErrorsNameYAMLKeys(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ doc, want string }{
		{"fail_levl: error\n", `:1: unknown key "fail_levl" (did you mean "fail_level"?)`},
		{"inputs:\n  - path: a.json\n    fromat: trivy\n", `:3: unknown key "inputs[0].fromat" (did you mean "format"?)`},
		{"fail_level: [error]\n", `:1: "fail_level" must be a string, not a list`},
		{"mentions: sometimes\n", `:1: "mentions" must be true or false, not a string ("sometimes")`},
		{"- fail_level: error\n", `:1: expected a mapping (with keys fail_level,`},
	} {
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, []byte(tc.doc), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := run(t, "", "review", "-c", p, "--fail-level", "none", "../../testdata/trivy/config-k8s-shop.json")
		if code != ExitUsage || !strings.Contains(stderr, p+tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want %q", tc.doc, code, stderr, tc.want)
		}
		if strings.Contains(stderr, "main.") || strings.Contains(stderr, "!!") || strings.Contains(stderr, "not found in type") {
			t.Errorf("%q: Go type or YAML tag in %q", tc.doc, stderr)
		}
	}
}

// Under --lang ja a config the decoder refuses is explained in Japanese:
// the prefix, the unknown key and its suggestion, the kinds of value; the
// keys and values stay as written.
func TestConfigErrorsInJapanese(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ doc, want string }{
		{"fail_levl: error\n", `:1: 不明なキー "fail_levl" ("fail_level" の誤りではありませんか?)`},
		{"bogus: 1\n", `:1: 不明なキー "bogus"。ここで使えるキー: base_dir,`},
		{"fail_level: [error]\n", `:1: "fail_level" には 文字列 を指定してください (リスト が指定されています)`},
		{"mentions: sometimes\n", `:1: "mentions" には true または false を指定してください (文字列 ("sometimes") が指定されています)`},
		{"- fail_level: error\n", `:1: ここには マッピング (キー: fail_level,`},
	} {
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, []byte(tc.doc), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := run(t, "", "review", "--lang", "ja", "-c", p, "--fail-level", "none", "../../testdata/trivy/config-k8s-shop.json")
		if code != ExitUsage || !strings.Contains(stderr, "設定ファイル: "+p+tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want %q", tc.doc, code, stderr, tc.want)
		}
		for _, en := range []string{"unknown key", "must be", "expected", "valid keys", "did you mean", "config:"} {
			if strings.Contains(stderr, en) {
				t.Errorf("%q: English %q in %q", tc.doc, en, stderr)
			}
		}
	}
}
