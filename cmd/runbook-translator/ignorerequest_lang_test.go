package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// jaConfig is baseConfig with lang: ja, as a team that reviews in
// Japanese has it on the base branch.
const jaConfig = "lang: ja\n" + baseConfig

const jaRequest = "/runbook-translator ignore 30d accepted until the Q3 migration @everyone <b>x</b>"

// The config's lang on the base branch makes the reply, the pull request
// and its commit Japanese; the untrusted reason is escaped as in English.
func TestIgnoreRequestGitHubJapanese(t *testing.T) {
	g := newGHException(t)
	g.fake.SetBranch("main", map[string]string{".runbook-translator.yaml": jaConfig, ".github/CODEOWNERS": codeowners})
	code, out, stderr := g.ask(g.root.ID, "alice", jaRequest)
	if code != 0 || len(g.fake.OpenedPulls()) != 1 {
		t.Fatalf("exit %d, out %q: %s", code, out, stderr)
	}
	pr := g.fake.OpenedPulls()[0]
	reply := g.lastReply()
	for what, c := range map[string]struct{ text, want string }{
		"reply":       {reply, "✅ 例外を申請しました (30 日間、"},
		"reply link":  {reply, "/pull/"},
		"title":       {pr.Title, "を例外に追加"},
		"title path":  {pr.Title, "runbook-translator: " + g.root.Path + " の "},
		"body intro":  {pr.Body, "alice が \\#7 で例外を申請しました: "},
		"body row":    {pr.Body, "| 理由 | accepted until the Q3 migration @\u200beveryone"},
		"body outro":  {pr.Body, "マージすると設定ファイルにルールが追加されます。"},
		"body expiry": {pr.Body, "| 有効期限 | "},
	} {
		if !strings.Contains(c.text, c.want) {
			t.Errorf("%s: %q does not contain %q", what, c.text, c.want)
		}
	}
	for what, text := range map[string]string{"title": pr.Title, "body": pr.Body, "reply": reply} {
		if strings.Contains(text, "@everyone") || strings.Contains(text, "<b>") {
			t.Errorf("%s carries the reason unescaped: %q", what, text)
		}
		if strings.Contains(text, "Exception requested") || strings.Contains(text, "Merging this") || strings.Contains(text, ": ignore ") {
			t.Errorf("%s is English: %q", what, text)
		}
	}
	// The machine-read parts do not change: stdout, the branch name.
	if !strings.HasPrefix(out, "opened ") || !strings.HasPrefix(pr.Head, "runbook-translator/ignore-") {
		t.Errorf("out %q, branch %q", out, pr.Head)
	}
}

// The commit message is in the language of the run too: --dry-run shows
// the commit the contents API would receive.
func TestIgnoreRequestGitHubJapaneseCommit(t *testing.T) {
	g := newGHException(t)
	id := g.fake.Reply(g.root.ID, "alice", "/runbook-translator ignore 30d accepted until the Q3 migration")
	code, out, stderr := g.run(id, g.root.ID, "--dry-run", "--lang", "ja")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var put struct{ Message string }
	_, rest, ok := strings.Cut(out, "PUT /repos/acme/shop/contents/.runbook-translator.yaml\n")
	if !ok {
		t.Fatalf("no commit in the dry run:\n%s", out)
	}
	line, _, _ := strings.Cut(rest, "\n")
	if err := json.Unmarshal([]byte(line), &put); err != nil {
		t.Fatalf("%v: %s", err, line)
	}
	if !strings.HasPrefix(put.Message, "runbook-translator: "+g.root.Path+" の ") || !strings.Contains(put.Message, "\n\n申請者: alice (#7、") ||
		!strings.Contains(put.Message, "\n有効期限: ") {
		t.Errorf("commit message = %q", put.Message)
	}
}

// --lang wins over the config's lang; the locale decides when neither
// names one.
func TestIgnoreRequestLangPrecedence(t *testing.T) {
	g := newGHException(t)
	g.fake.SetBranch("main", map[string]string{".runbook-translator.yaml": jaConfig, ".github/CODEOWNERS": codeowners})
	if code, _, stderr := g.ask(g.root.ID, "bob", "/runbook-translator ignore 30d accepted risk", "--lang", "en"); code != 0 ||
		!strings.Contains(g.lastReply(), "Exception not requested") {
		t.Fatalf("--lang en over lang: ja: exit %d, reply %q: %s", code, g.lastReply(), stderr)
	}
	g.fake.SetBranch("main", map[string]string{".runbook-translator.yaml": baseConfig, ".github/CODEOWNERS": codeowners})
	env := g.env
	g.env = func(k string) string {
		if k == "LANG" {
			return "ja_JP.UTF-8"
		}
		return env(k)
	}
	if code, _, stderr := g.ask(g.root.ID, "bob", "/runbook-translator ignore 30d accepted risk"); code != 0 ||
		!strings.Contains(g.lastReply(), "例外は申請されませんでした") {
		t.Fatalf("LANG=ja_JP.UTF-8: exit %d, reply %q: %s", code, g.lastReply(), stderr)
	}
	if code, _, stderr := g.ask(g.root.ID, "bob", "/runbook-translator ignore 30d accepted risk", "--lang", "jp"); code != ExitUsage ||
		!strings.Contains(stderr, "valid languages are en, ja") {
		t.Fatalf("--lang jp: exit %d: %s", code, stderr)
	}
	// A lang the tool lacks in the base's config is refused, in the
	// locale's language, and nothing is written.
	g.fake.SetBranch("main", map[string]string{".runbook-translator.yaml": "lang: jp\n" + baseConfig})
	if code, _, stderr := g.ask(g.root.ID, "alice", "/runbook-translator ignore 30d accepted risk"); code != 0 ||
		!strings.Contains(g.lastReply(), "ツールが対応していない言語") || !strings.Contains(g.lastReply(), `設定ファイルの lang: "jp" は対応していない言語です`) {
		t.Fatalf("lang: jp: exit %d, reply %q: %s", code, g.lastReply(), stderr)
	}
	g.nothingWritten()
}

// A request made in English is found by the same request in Japanese:
// the branch and the search for the open pull request do not depend on
// the language.
func TestIgnoreRequestGitHubAcrossLanguages(t *testing.T) {
	g := newGHException(t)
	if code, _, stderr := g.ask(g.root.ID, "alice", jaRequest); code != 0 || len(g.fake.OpenedPulls()) != 1 ||
		!strings.Contains(g.lastReply(), "Exception requested") {
		t.Fatalf("en: exit %d, reply %q: %s", code, g.lastReply(), stderr)
	}
	code, out, stderr := g.ask(g.root.ID, "alice", jaRequest, "--lang", "ja")
	if code != 0 || len(g.fake.OpenedPulls()) != 1 || len(g.fake.Branches()) != 2 || !strings.Contains(out, "already requested") {
		t.Fatalf("ja: exit %d, %d pulls, branches %v, out %q: %s", code, len(g.fake.OpenedPulls()), g.fake.Branches(), out, stderr)
	}
	if r := g.lastReply(); !strings.HasPrefix(r, "ℹ️ この指摘の例外はすでに申請されています: ") || !strings.Contains(r, fmt.Sprintf("/pull/%d\n", g.fake.OpenedPulls()[0].Number)) {
		t.Errorf("reply = %q", r)
	}
}

// Three refusals in Japanese, the language from the base's config: one
// found before the base is read (access), one of the command, one of the
// policy.
func TestIgnoreRequestGitHubJapaneseRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, who, body, config string
		want                    []string
	}{
		{"read access", "bob", "/runbook-translator ignore 30d accepted risk", jaConfig,
			[]string{"例外を申請できるのは、リポジトリに write 権限を持つユーザーだけです。bob の権限: read 権限。"}},
		{"malformed duration", "alice", "/runbook-translator ignore 30 days accepted risk", jaConfig,
			[]string{"期間は 30d のように日数で指定してください (1d〜3650d)", "(例: "}},
		{"policy max_expiry", "alice", "/runbook-translator ignore 90d accepted risk", "lang: ja\nignore_policy:\n  max_expiry: 30d\nignore: []\n",
			[]string{"このルールは main の .runbook-translator.yaml の ignore_policy に違反するため、何も変更していません: ", "max_expiry"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGHException(t)
			g.fake.SetBranch("main", map[string]string{".runbook-translator.yaml": tc.config})
			code, out, stderr := g.ask(g.root.ID, tc.who, tc.body)
			if code != 0 || !strings.Contains(out, "refused") {
				t.Fatalf("exit %d, out %q: %s", code, out, stderr)
			}
			reply := strings.ReplaceAll(g.lastReply(), "\\", "")
			if !strings.HasPrefix(reply, "❌ **例外は申請されませんでした。** ") {
				t.Errorf("reply = %q", reply)
			}
			for _, w := range tc.want {
				if !strings.Contains(reply, w) {
					t.Errorf("reply = %q, want %q", reply, w)
				}
			}
			g.nothingWritten()
		})
	}
}

func TestIgnoreRequestGitLabJapanese(t *testing.T) {
	g := newGLException(t)
	g.fake.SetBranch("main", map[string]string{".runbook-translator.yaml": jaConfig, "CODEOWNERS": glCodeowners})
	code, out, stderr := g.ask(g.root.ID, "alice", "/runbook-translator ignore 14d accepted until the Q3 migration @all")
	if code != 0 || len(g.fake.OpenedMergeRequests()) != 1 {
		t.Fatalf("exit %d, out %q: %s", code, out, stderr)
	}
	mr := g.fake.OpenedMergeRequests()[0]
	reply := g.lastReply(g.root.ID)
	for what, c := range map[string]struct{ text, want string }{
		"reply":      {reply, "✅ 例外を申請しました (14 日間、"},
		"reply link": {reply, "/-/merge_requests/"},
		"group note": {reply, "CODEOWNERS のオーナー @\u200bplatform-group/sec は GitLab のユーザーではないため、レビューを依頼していません"},
		"title":      {mr.Title, "を例外に追加"},
		"body intro": {mr.Description, "alice が \\!7 で例外を申請しました: "},
		"body row":   {mr.Description, "| 理由 | accepted until the Q3 migration @\u200ball"},
	} {
		if !strings.Contains(c.text, c.want) {
			t.Errorf("%s: %q does not contain %q", what, c.text, c.want)
		}
	}
	for what, text := range map[string]string{"title": mr.Title, "body": mr.Description, "reply": reply} {
		if strings.Contains(text, "@all") {
			t.Errorf("%s carries the reason unescaped: %q", what, text)
		}
	}

	// The same request in English finds the Japanese one.
	g.fake.SetBranch("main", map[string]string{".runbook-translator.yaml": baseConfig, "CODEOWNERS": glCodeowners})
	code, out, stderr = g.ask(g.root.ID, "alice", "/runbook-translator ignore 14d accepted until the Q3 migration @all")
	if code != 0 || len(g.fake.OpenedMergeRequests()) != 1 || !strings.Contains(out, "already requested") ||
		!strings.Contains(g.lastReply(g.root.ID), "An exception for this finding is already requested") {
		t.Fatalf("en after ja: exit %d, %d MRs, reply %q: %s", code, len(g.fake.OpenedMergeRequests()), g.lastReply(g.root.ID), stderr)
	}
}

func TestIgnoreRequestGitLabJapaneseRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, who, body, config string
		args                    []string
		want                    []string
	}{
		{"reporter role", "bob", "/runbook-translator ignore 30d accepted risk", jaConfig, nil,
			[]string{"例外を申請できるのは、リポジトリに write 権限を持つユーザーだけです。bob の権限: Reporter ロール。"}},
		{"no reason, --lang ja", "alice", "/runbook-translator ignore 30d", baseConfig, []string{"--lang", "ja"},
			[]string{"理由は必須です: `/runbook-translator ignore <days>d <reason>` (例: "}},
		{"policy invalid", "alice", "/runbook-translator ignore 10d accepted risk", "lang: ja\nignore_policy:\n  require: [ticket]\n", nil,
			[]string{"ignore_policy 自体が不正です: "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGLException(t)
			g.fake.SetBranch("main", map[string]string{".runbook-translator.yaml": tc.config})
			code, out, stderr := g.ask(g.root.ID, tc.who, tc.body, tc.args...)
			if code != 0 || !strings.Contains(out, "refused") {
				t.Fatalf("exit %d, out %q: %s", code, out, stderr)
			}
			reply := strings.ReplaceAll(g.lastReply(g.root.ID), "\\", "")
			if !strings.HasPrefix(reply, "❌ **例外は申請されませんでした。** ") {
				t.Errorf("reply = %q", reply)
			}
			for _, w := range tc.want {
				if !strings.Contains(reply, w) {
					t.Errorf("reply = %q, want %q", reply, w)
				}
			}
			if len(g.fake.OpenedMergeRequests()) != 0 || len(g.fake.Branches()) != 1 {
				t.Errorf("written: %v", g.fake.Branches())
			}
		})
	}
}
