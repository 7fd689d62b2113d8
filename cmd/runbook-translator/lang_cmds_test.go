package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/internal/cells"
)

// teamSeccomp replaces the built-in pss-seccomp entry by id with one that
// has no Japanese translation: a Japanese run shows it in English.
const teamSeccomp = `entries:
  - id: pss-seccomp
    title: Seccomp profile (team rule)
    match:
      - {tool: trivy, codes: [KSV-0030, KSV-0104]}
    body: |
      Set the team's seccomp profile:

      ` + "```yaml" + `
      securityContext:
        seccompProfile: {type: RuntimeDefault}
      ` + "```" + `
    links: [https://kubernetes.io/docs/tutorials/security/seccomp/]
`

func teamCatalog(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "team.yaml"), []byte(teamSeccomp), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestRunbooksShowLang: show --lang ja renders the translation, the
// Japanese fallback for an unknown code, and notes an entry that has no
// translation; an unknown language is a usage error naming the valid ones.
func TestRunbooksShowLang(t *testing.T) {
	code, out, _ := run(t, "", "runbooks", "show", "KSV-0104", "--tool", "trivy", "--lang", "ja")
	if code != ExitOK || !strings.HasPrefix(out, "# seccomp プロファイルがない、または Unconfined\n") {
		t.Errorf("exit %d:\n%.300s", code, out)
	}
	code, out, _ = run(t, "", "runbooks", "show", "NOPE-1", "--lang", "ja")
	if code != ExitOK || !strings.Contains(out, "(NOPE-1 の指摘の例)") || !strings.Contains(out, "*`NOPE-1` に対応する Runbook エントリはまだありません。*") {
		t.Errorf("ja fallback: exit %d:\n%s", code, out)
	}
	code, out, stderr := run(t, "", "runbooks", "show", "KSV-0104", "--tool", "trivy", "--lang", "ja", "--runbooks", teamCatalog(t))
	if code != ExitOK || !strings.HasPrefix(out, "# Seccomp profile (team rule)\n") || !strings.Contains(stderr, "entry pss-seccomp has no ja translation") {
		t.Errorf("untranslated: exit %d:\n%.200s\nstderr: %s", code, out, stderr)
	}
	if code, _, stderr := run(t, "", "runbooks", "show", "KSV-0104", "--lang", "fr"); code != ExitUsage || !strings.Contains(stderr, "valid languages are en, ja") {
		t.Errorf("--lang fr: exit %d: %s", code, stderr)
	}
}

// TestRunbooksLintNotesTranslations: lint notes the entries a Japanese
// run shows in English, without making them problems.
func TestRunbooksLintNotesTranslations(t *testing.T) {
	code, _, stderr := run(t, "", "runbooks", "lint", "--no-builtin", teamCatalog(t))
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "note: 1 of 1 entries have no ja translation (a ja run shows them in English): pss-seccomp\n") {
		t.Errorf("no translation note: %s", stderr)
	}
}

// TestRunbooksCoverageLang: coverage of real Trivy output with --lang ja
// counts the findings whose entry is not translated.
func TestRunbooksCoverageLang(t *testing.T) {
	in := td + "trivy/config-k8s-shop.json"
	code, out, stderr := run(t, "", "runbooks", "coverage", "--lang", "ja", "-f", "trivy", in)
	if code != ExitOK || strings.Contains(out, "translation") {
		t.Errorf("built-in catalog: exit %d: %s%s", code, out, stderr)
	}
	code, out, stderr = run(t, "", "runbooks", "coverage", "--lang", "ja", "--runbooks", teamCatalog(t), "-f", "trivy", in)
	if code != ExitOK || !strings.Contains(out, "findings get an entry with no ja translation (shown in English in a ja run): pss-seccomp\n") {
		t.Errorf("team catalog: exit %d:\n%s%s", code, out, stderr)
	}
	code, out, _ = run(t, "", "runbooks", "coverage", "--lang", "ja", "--json", "--runbooks", teamCatalog(t), "-f", "trivy", in)
	if code != ExitOK || !strings.Contains(out, `"untranslated_entries": [`) || !strings.Contains(out, `"lang": "ja"`) {
		t.Errorf("json: exit %d:\n%.500s", code, out)
	}
	if code, _, stderr := run(t, "", "runbooks", "coverage", "--lang", "jp", "-f", "trivy", in); code != ExitUsage || !strings.Contains(stderr, "valid languages are en, ja") {
		t.Errorf("--lang jp: exit %d: %s", code, stderr)
	}
}

// TestJapaneseRunNotes: the run's notes (an ignore rule that matched
// nothing) are in the report's language, in the streamed local report and
// in the batch Markdown report; the warning on stderr is in it too (the
// job log is read by the same people; "warning:" stays for grep).
func TestJapaneseRunNotes(t *testing.T) {
	in, err := filepath.Abs(td + "trivy/config-k8s-shop.json")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	cfg := "lang: ja\nignore:\n  - {tool: trivy, code: NOPE-1, reason: gone, expires: 2099-01-01}\n"
	if err := os.WriteFile(".runbook-translator.yaml", []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	const note = "どの指摘にも一致しなかった ignore ルールがあります: tool=trivy code=NOPE-1"
	for _, reps := range [][]string{{"-r", "local"}, {"-r", "local", "-r", "markdown=r.md"}} {
		code, out, stderr := run(t, "", append([]string{"review", "--fail-level", "none", "-f", "trivy", in}, reps...)...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", reps, code, stderr)
		}
		if !strings.Contains(out, "\n注記\n  - "+note+"\n") {
			t.Errorf("%v: local report lacks the Japanese note:\n%s", reps, out[max(0, len(out)-600):])
		}
		if !strings.Contains(stderr, "runbook-translator: warning: "+note+"\n") {
			t.Errorf("%v: stderr = %s", reps, stderr)
		}
	}
	md, err := os.ReadFile("r.md")
	if err != nil || !strings.Contains(string(md), "### 注記\n\n- "+note) {
		t.Errorf("markdown report lacks the Japanese note (%v)", err)
	}
}

// TestRunbooksPreviewLang: preview --lang ja shows the comments a
// Japanese run posts: the translation where there is one, the English
// body where not, the comment's own words in Japanese.
func TestRunbooksPreviewLang(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(langCatalog), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "p.html")
	if code, _, stderr := run(t, "", "runbooks", "preview", "--no-builtin", "--lang", "ja", "-o", out, dir); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<html lang="ja">`, "<summary>詳細</summary>", "特権で動いています", "Other thing."} {
		if !strings.Contains(string(b), want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if code, _, _ := run(t, "", "runbooks", "preview", "--lang", "xx", "-o", out); code != ExitUsage {
		t.Errorf("--lang xx: exit %d", code)
	}
}

// TestIgnoreListWideColumns: a rule whose path holds Japanese keeps the
// REASON column aligned (tables count display cells, internal/cells).
func TestIgnoreListWideColumns(t *testing.T) {
	t.Chdir(t.TempDir())
	cfg := "ignore:\n  - {code: K8S-010, path: k8s/在庫.yaml, reason: 移行中}\n  - {code: K8S-011, path: k8s/stock.yaml, reason: legacy}\n"
	if err := os.WriteFile(".runbook-translator.yaml", []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "", "ignore", "list")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	col := -1
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		i := strings.Index(l, "移行中")
		if i < 0 {
			i = strings.Index(l, "legacy")
		}
		if i < 0 {
			i = strings.Index(l, "REASON")
		}
		if i < 0 {
			continue
		}
		w := cells.Width(l[:i])
		if col >= 0 && w != col {
			t.Errorf("REASON at cell %d, want %d:\n%s", w, col, out)
		}
		col = w
	}
	if col < 0 {
		t.Fatalf("no table:\n%s", out)
	}
}
