package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// langCatalog has one entry translated correctly, one whose translation
// drops the YAML line its example asks for and leaves a code span open,
// and one without a translation (tested in English, counted on stderr).
const langCatalog = `entries:
  - id: lang-ok
    title: Privileged container
    match:
      - {tool: trivy, codes: [LANG-1]}
    body: |
      **What is wrong.** {{with .Resource}}**{{.}}**{{else}}This object{{end}} runs privileged. Set it off:

      ` + "```yaml" + `
      privileged: false
      ` + "```" + `
    translations:
      ja:
        title: 特権コンテナ
        body: |
          **何が問題か** {{with .Resource}}**{{.}}** は{{else}}このオブジェクトは{{end}}特権で動いています。無効にしてください:

          ` + "```yaml" + `
          privileged: false
          ` + "```" + `
    examples:
      - finding: {tool: trivy, code: LANG-1, resource: Deployment/web}
        contains: ['privileged: false', Set it off]
  - id: lang-broken
    title: Host network
    match:
      - {tool: trivy, codes: [LANG-2]}
    body: |
      Set ` + "`hostNetwork: false`" + `.
    translations:
      ja:
        title: ホストネットワーク
        body: |
          ` + "`hostNetwork を無効にしてください。" + `
    examples:
      - finding: {tool: trivy, code: LANG-2}
        contains: ['hostNetwork: false']
  - id: lang-missing
    title: Other
    match:
      - {tool: trivy, codes: [LANG-3]}
    body: Other thing.
    examples:
      - finding: {tool: trivy, code: LANG-3}
        contains: [Other thing]
`

func TestRunbooksTestLang(t *testing.T) {
	f, out, errOut := testFactory()
	if err := runbooksTestRun(&RunbooksTestOptions{IO: f.IO, Lang: "ja"}); err != nil {
		t.Fatalf("built-in examples in ja: %v\n%s", err, out)
	}
	// Every translated entry passes in ja; entries not yet translated (the
	// generated cloud, CIS and secret-provider files) fall back to English
	// and are counted on stderr (authoring's TestBuiltinJapaneseComplete
	// holds the translated files at 100%).
	if !strings.HasSuffix(out.String(), " passed, 0 failed\n") || !regexp.MustCompile(`^\d+ passed`).MatchString(lastLine(out.String())) {
		t.Errorf("built-in in ja: %q / %q", out.String()[max(0, out.Len()-60):], errOut)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(langCatalog), 0o600); err != nil {
		t.Fatal(err)
	}
	f, out, errOut = testFactory()
	err := runbooksTestRun(&RunbooksTestOptions{IO: f.IO, Paths: []string{dir}, Lang: "ja"})
	got := out.String()
	if exitCode(err) != ExitFindings || !strings.HasSuffix(got, "\n2 passed, 1 failed\n") {
		t.Fatalf("ja: exit %d\n%s", exitCode(err), got)
	}
	for _, want := range []string{
		"FAIL ", "lang-broken example 1",
		`ja body does not contain "hostNetwork: false" (code in the default body)`,
		"ja body leaves a code span open: 1 backticks outside fenced blocks",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("ja output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Set it off") {
		t.Errorf("a prose contains line was checked against the ja body:\n%s", got)
	}
	if !strings.Contains(errOut.String(), "1 entries with examples have no ja translation") {
		t.Errorf("stderr: %q", errOut)
	}

	// The same catalog passes in English: the broken part is the translation.
	f, out, _ = testFactory()
	if err := runbooksTestRun(&RunbooksTestOptions{IO: f.IO, Paths: []string{dir}}); err != nil || !strings.HasSuffix(out.String(), "\n3 passed, 0 failed\n") {
		t.Errorf("en: %v\n%s", err, out)
	}

	f, _, _ = testFactory()
	if err := runbooksTestRun(&RunbooksTestOptions{IO: f.IO, Lang: "fr"}); exitCode(err) != ExitUsage || !strings.Contains(err.Error(), "valid languages are en, ja") {
		t.Errorf("unknown language: exit %d, %v", exitCode(err), err)
	}

	var o *RunbooksTestOptions
	c := NewCmdRunbooksTest(f, func(x *RunbooksTestOptions) error { o = x; return nil })
	c.SetArgs([]string{"--lang", "ja", "p"})
	if err := c.Execute(); err != nil || o.Lang != "ja" || strings.Join(o.Paths, ",") != "p" {
		t.Errorf("--lang flag: %+v, %v", o, err)
	}
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
