package main

import (
	"bufio"
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
	"github.com/runbook-translator/runbook-translator/internal/fakegitlab"
	"github.com/runbook-translator/runbook-translator/markdown"
)

// A Japanese reader of a --lang ja run should meet no English sentence of
// the tool's own: englishIn finds what is left of one after removing what
// stays as written in every language (code spans and fences, URLs, paths,
// codes, commands, YAML keys, and the tool output the findings quote).

// keep is the text a report quotes as the scanners wrote it: messages,
// codes, paths, resources, the tools' own fix descriptions and notes of
// their output that are not the tool's words, and the lines of the
// scanned files (a diff's context).
type keep struct {
	whole []string            // removed wherever they occur
	lines map[string]struct{} // whole lines (trimmed), e.g. file content
}

func (k *keep) add(ss ...string) {
	for _, s := range ss {
		s = strings.TrimSpace(s)
		if len(s) < 2 {
			continue
		}
		one := strings.Join(strings.Fields(s), " ")
		k.whole = append(k.whole, s, one, markdown.Escape(s), markdown.Escape(one))
	}
}

func (k *keep) addLines(text string) {
	if k.lines == nil {
		k.lines = map[string]struct{}{}
	}
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			k.lines[l] = struct{}{}
		}
	}
}

// addJSON adds what the findings of a JSON Lines report quote from the
// tools: everything but the runbook and the tool's words (located,
// fix_note are English by design in JSON, see englishInJSON).
func (k *keep) addJSON(t *testing.T, jsonl string) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(jsonl))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var f struct {
			Tool, Code, Message, Path, Resource, Title, Remediation string
			Extra                                                   map[string]string
			Fixes                                                   []struct{ Description, Source string }
		}
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			continue // the summary line
		}
		k.add(f.Tool, f.Code, f.Message, f.Path, f.Resource, f.Title, f.Remediation)
		// The message as the local report wraps it, line by line.
		k.addLines(f.Message)
		for _, v := range f.Extra {
			k.add(v)
		}
		for _, fx := range f.Fixes {
			if !strings.HasPrefix(fx.Source, "runbook:") {
				k.add(fx.Description) // the tool's, as it wrote it
			}
		}
	}
}

// addFiles adds every line of the files under dir (the diffs' context).
func (k *keep) addFiles(t *testing.T, dir string) {
	t.Helper()
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil && len(b) < 1<<20 {
			k.addLines(string(b))
		}
		return nil
	})
}

var (
	fence    = regexp.MustCompile("^\\s*(```|~~~)")
	codeSpan = regexp.MustCompile("(``[^`]+``|`[^`\n]+`)")
	urlRe    = regexp.MustCompile(`(https?|file)://[^\s)\]>"'|]+`)
	// A path or file name (a/b, x.yaml), a dotted or underscored name
	// (securityContext.privileged, ignore_policy), a flag (--lang) and a
	// YAML key at the start of a line ("reason:") stay as written.
	pathRe  = regexp.MustCompile(`(^|[\s(（「"'])(--?[a-z][\w-]*|[\w.@~-]*[/\\][\w./\\@~*-]*|[\w-]+(\.[\w-]+)+|\w+_\w+)`)
	yamlKey = regexp.MustCompile(`^\s*-?\s*[\w.-]+:(\s|$)`)
	// A run of ASCII words: letters with ' or - inside, separated by
	// spaces and light punctuation.
	wordRun = regexp.MustCompile(`[A-Za-z][A-Za-z'’-]*(?:[ ,;:]+[A-Za-z][A-Za-z'’-]*)+`)
	lower   = regexp.MustCompile(`^[a-z][a-z'’-]+$`)
)

// sentenceLike reports whether a run of ASCII words reads as English
// prose: three words or more, two of them lower-case words (a name such
// as "Pod Security Standards" or "fail level" is not).
func sentenceLike(run string) bool {
	words := strings.FieldsFunc(run, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == ':' })
	if len(words) < 3 {
		return false
	}
	n := 0
	for _, w := range words {
		if lower.MatchString(w) {
			n++
		}
	}
	return n >= 2
}

// englishIn returns the English sentences (runs of words) of a report
// meant for a Japanese reader, after removing what stays as written.
func englishIn(text string, k *keep) []string {
	// Longest first, so a message is removed before a word of it.
	whole := append([]string(nil), k.whole...)
	sort.Slice(whole, func(i, j int) bool { return len(whole[i]) > len(whole[j]) })
	var out []string
	inFence := false
	diff := -1 // the indentation of the local report's diff being read
	for _, line := range strings.Split(text, "\n") {
		if fence.MatchString(line) {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		l := strings.TrimSpace(line)
		ind := len(line) - len(strings.TrimLeft(line, " "))
		// The local report's diff (file content, as the fix changes it):
		// from "--- a/" to the first line indented less.
		if strings.HasPrefix(l, "--- a/") {
			diff = ind
			continue
		}
		if diff >= 0 {
			if l == "" || ind >= diff {
				continue
			}
			diff = -1
		}
		if _, ok := k.lines[l]; ok {
			continue
		}
		if len(l) > 1 && (l[0] == '+' || l[0] == '-') {
			if _, ok := k.lines[strings.TrimSpace(l[1:])]; ok {
				continue
			}
		}
		for _, w := range whole {
			if w != "" && strings.Contains(l, w) {
				l = strings.ReplaceAll(l, w, " ")
			}
		}
		l = codeSpan.ReplaceAllString(l, " ")
		l = urlRe.ReplaceAllString(l, " ")
		l = strings.ReplaceAll(l, `\`, "")
		l = html.UnescapeString(l)
		l = yamlKey.ReplaceAllString(l, " ")
		l = pathRe.ReplaceAllString(l, "$1 ")
		for _, run := range wordRun.FindAllString(l, -1) {
			if sentenceLike(run) {
				out = append(out, run)
			}
		}
	}
	return out
}

// TestEnglishInFindsEnglish: the detector is not one that cannot fail.
// Each English text below was shown by a --lang ja run before it was
// translated; what stays as written is not reported.
func TestEnglishInFindsEnglish(t *testing.T) {
	k := &keep{}
	k.add("deployment catalog-api in shop namespace is using the default security context, which allows root privileges", "Deployment/catalog-api")
	k.addLines("      periodSeconds: 20\n  securityContext:\n")
	for _, english := range []string{
		"           修正案: Give the pod a security context with the runtime's default seccomp profile (runbook:k8s-security-context-missing)",
		"           修正案: 提案なし: left out of the SARIF log's fixes: fix 1: it changes \"/home/lsp/src/main.cpp\", not a file in the repository",
		"warning: k8s/catalog.yaml: no object found for the finding",
		"❌ **例外は申請されませんでした。** the comment you replied to carries no finding of the bot",
		"| 理由 | the reason is too short |",
	} {
		if got := englishIn(english, k); len(got) == 0 {
			t.Errorf("not found: %q", english)
		}
	}
	for _, ja := range []string{
		"           deployment catalog-api in shop namespace is using the default security context, which allows root privileges",
		"           リソース: Deployment/catalog-api",
		"**修正方法** `securityContext.allowPrivilegeEscalation: false` を設定してください。",
		"```yaml\nreason: \"why this is acceptable here\"\n```",
		"FAIL: fail level \"error\" 以上の指摘が 66 件あります。",
		"参照: https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"Restricted の Pod Security Standards に従ってください",
		"             +  securityContext:",
		"              periodSeconds: 20",
	} {
		if got := englishIn(ja, k); len(got) != 0 {
			t.Errorf("%q: reported %q", ja, got)
		}
	}
}

// TestEnglishInFlagsAnEnglishRun: the detector, over the same sample as
// TestJapaneseRunsHaveNoEnglish with its keep list, reports an English
// run: the fix descriptions, the runbooks' prose, the report's own words
// (so a ja key that falls back to English would be reported too).
func TestEnglishInFlagsAnEnglishRun(t *testing.T) {
	dir, err := filepath.Abs(td + "inputs")
	if err != nil {
		t.Fatal(err)
	}
	jsonPath := filepath.Join(t.TempDir(), "r.jsonl")
	args := append([]string{"review", "--lang", "en", "--fail-level", "none", "-v", "-r", "local", "-r", "json=" + jsonPath}, sampleArgs(t)...)
	code, out, stderr := runEnv(t, func(string) string { return "" }, args...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	k := &keep{}
	k.addFiles(t, dir)
	k.addJSON(t, string(b))
	got := strings.Join(englishIn(out, k), "\n")
	for _, want := range []string{"Drop every capability", "Why it matters", "Need an exception", "Keep the reason specific and the expiry short"} {
		if !strings.Contains(got, want) {
			t.Errorf("the English run's %q is not reported", want)
		}
	}
	// The tool's words are not: the messages of the findings.
	if strings.Contains(got, "is using the default security context") {
		t.Errorf("a finding's message is reported")
	}
}

// leaks collects the English of the runs by where it was seen.
type leaks map[string]map[string]int

func (l leaks) check(where, text string, k *keep) {
	for _, s := range englishIn(text, k) {
		if l[s] == nil {
			l[s] = map[string]int{}
		}
		l[s][where]++
	}
}

func (l leaks) report(t *testing.T) {
	t.Helper()
	var ss []string
	for s := range l {
		ss = append(ss, s)
	}
	sort.Strings(ss)
	for _, s := range ss {
		var ws []string
		for w, n := range l[s] {
			ws = append(ws, w+"×"+strconv.Itoa(n))
		}
		sort.Strings(ws)
		t.Errorf("English in a ja run: %q (%s)", s, strings.Join(ws, ", "))
	}
}

// jsonHuman is the text of a JSON Lines report that people read: the
// runbook's title and body and the runbook fixes' descriptions. located
// and fix_note are English in every language by design (docs: "JSON keeps
// the English text"), the summary line is counts.
func jsonHuman(t *testing.T, jsonl string) string {
	t.Helper()
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(jsonl))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var f struct {
			Runbook *struct{ Title, Body string }
			Fixes   []struct{ Description, Source string }
		}
		if json.Unmarshal(sc.Bytes(), &f) != nil {
			continue
		}
		if f.Runbook != nil {
			b.WriteString(f.Runbook.Title + "\n" + f.Runbook.Body + "\n")
		}
		for _, fx := range f.Fixes {
			if strings.HasPrefix(fx.Source, "runbook:") {
				b.WriteString(fx.Description + "\n")
			}
		}
	}
	return b.String()
}

// fixtureRun is one review of committed fixtures: the files it reads and
// the inputs, relative to dir.
type fixtureRun struct {
	name, dir string
	args      []string
}

// TestJapaneseRunsHaveNoEnglish runs the README's sample and the fixtures
// whose findings carry fixes and fix notes with --lang ja through every
// report a person reads (local, local -v, Markdown, JSON, the pull
// request's comments and summary on the fake GitHub and GitLab, fix
// --dry-run, ignore request's replies) and fails on each English sentence
// left, with where it was seen.
func TestJapaneseRunsHaveNoEnglish(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every report")
	}
	found := leaks{}
	k := &keep{}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	runs := []fixtureRun{
		{"sample", abs(td + "inputs"), []string{"-f", "conftest", abs(td + "conftest/k8s-shop.json"), "-f", "trivy", abs(td + "trivy/config-k8s-shop.json")}},
		{"sarif-fixes", abs(td + "sarif-fixes"), []string{"-f", "sarif", "staticcheck.sarif", "sarif-sdk-ai-example.sarif", "sarif-sdk-clang-tidy.sarif", "sarif-sdk-two-results-with-fixes.sarif"}},
		{"shellcheck-fix", abs(td + "shellcheck-fix"), []string{"-f", "shellcheck", "unicode.sh.json1", "scripts.json1", "-f", "shellcheck-json", "unicode.sh.json"}},
		{"terraform", abs(td + "inputs"), []string{"-f", "tfsec", abs(td + "tfsec/terraform-all.json"), "-f", "trivy", abs(td + "trivy/config-terraform.json")}},
		{"rdjson-suggestions", abs(td + "rdjson-suggestions"), []string{"-f", "rdjsonl", "--tool", "suggestion-test", "suggestions.jsonl"}},
	}
	noEnv := func(string) string { return "" }
	for _, r := range runs {
		k.addFiles(t, r.dir)
		tmp := t.TempDir()
		jsonPath, mdPath := filepath.Join(tmp, "r.jsonl"), filepath.Join(tmp, "r.md")
		// The tools' words first (English is fine there), from JSON.
		args := append([]string{"review", "--lang", "ja", "--fail-level", "none", "--base-dir", r.dir, "-r", "json=" + jsonPath}, r.args...)
		func() {
			t.Chdir(r.dir)
			if code, _, stderr := runEnv(t, noEnv, args...); code != ExitOK {
				t.Fatalf("%s json: exit %d: %s", r.name, code, stderr)
			}
		}()
		b, err := os.ReadFile(jsonPath)
		if err != nil {
			t.Fatal(err)
		}
		k.addJSON(t, string(b))
		found.check(r.name+" json", jsonHuman(t, string(b)), k)

		for _, flags := range [][]string{{"-r", "local"}, {"-r", "local", "-v"}, {"-r", "markdown=" + mdPath}} {
			args := append([]string{"review", "--lang", "ja", "--fail-level", "none", "--base-dir", r.dir}, flags...)
			code, out, stderr := runEnv(t, noEnv, append(args, r.args...)...)
			if code != ExitOK {
				t.Fatalf("%s %v: exit %d: %s", r.name, flags, code, stderr)
			}
			what := r.name + " " + strings.Join(flags, " ")
			if flags[1] == "markdown="+mdPath {
				md, err := os.ReadFile(mdPath)
				if err != nil {
					t.Fatal(err)
				}
				out, what = string(md), r.name+" markdown"
			}
			found.check(what, out, k)
			found.check(r.name+" stderr", stderr, k)
		}
		// fix --dry-run prints the diff it would apply: Japanese by the
		// locale, and by --lang ja over an English locale.
		locale := func(lang string) env {
			return func(k string) string {
				if k == "LANG" {
					return lang
				}
				return ""
			}
		}
		for _, v := range []struct {
			env  env
			args []string
		}{{locale("ja_JP.UTF-8"), nil}, {locale("en_US.UTF-8"), []string{"--lang", "ja"}}} {
			args := append(append([]string{"fix", "--dry-run", "--base-dir", r.dir}, v.args...), r.args...)
			code, out, stderr := runEnv(t, v.env, args...)
			if code != ExitOK && code != ExitFixSkipped {
				t.Fatalf("%s fix --dry-run %v: exit %d: %s", r.name, v.args, code, stderr)
			}
			if !strings.Contains(out+stderr, "runbook-translator: ") || !regexp.MustCompile(`\p{Han}|\p{Hiragana}|\p{Katakana}`).MatchString(stderr) {
				t.Errorf("%s fix --dry-run %v: stderr not in Japanese:\n%s", r.name, v.args, stderr)
			}
			found.check(r.name+" fix --dry-run", out, k)
			found.check(r.name+" fix --dry-run stderr", stderr, k)
		}
	}

	// The sample on a pull request of the fake GitHub and a merge request
	// of the fake GitLab: every inline comment and the summary.
	sample := append([]string{"review", "--lang", "ja", "--fail-level", "none"}, sampleArgs(t)...)
	fake := fakegithub.New(t, "acme", "shop")
	fake.AddPR(fakegithub.PR{Number: 7, Head: "abc123", Files: []fakegithub.File{prFiles()}})
	if code, _, stderr := runEnv(t, githubEnv(t, fake, 7, "abc123"), append(sample, "-r", "github-pr-review")...); code != ExitOK {
		t.Fatalf("github: exit %d: %s", code, stderr)
	} else {
		found.check("github stderr", stderr, k)
	}
	for _, c := range fake.ReviewComments(7) {
		found.check("github inline", c.Body, k)
	}
	for _, c := range fake.IssueComments(7) {
		found.check("github summary", c.Body, k)
	}

	gl := fakegitlab.New(t, 42, "acme/shop")
	gl.Token = fakeGitLabToken
	gl.Push(7, fakegitlab.Version{ID: 1, BaseSHA: "base1", StartSHA: "base1", HeadSHA: "head1",
		Diffs: []fakegitlab.Diff{{OldPath: "k8s/storefront.yaml", NewPath: "k8s/storefront.yaml", NewFile: true, Diff: prFiles().Patch}}})
	if code, _, stderr := runEnv(t, gitlabEnv(gl, "7"), append(sample, "-r", "gitlab-mr-discussion")...); code != ExitOK {
		t.Fatalf("gitlab: exit %d: %s", code, stderr)
	} else {
		found.check("gitlab stderr", stderr, k)
	}
	for _, d := range gl.Discussions(7) {
		for _, n := range d.Notes {
			found.check("gitlab discussion", n.Body, k)
		}
	}

	// ignore request: refusals of each kind, and a request made.
	g := newGHException(t)
	k.add(g.root.Path)
	for _, body := range []string{
		"/runbook-translator ignore 30d",
		"/runbook-translator ignore 30 accepted risk",
		"/runbook-translator ignore 9999d accepted risk",
		"/runbook-translator ignore 30d ok",
		"/runbook-translator ignore 30d accepted\nsecond line",
	} {
		_, _, stderr := g.ask(g.root.ID, "alice", body, "--lang", "ja")
		reply := g.lastReply()
		found.check("ignore request reply", reply, k)
		found.check("ignore request log", stderr, k)
		// The usage is a code span, as typed: not escaped into
		// \`... &lt;days&gt;\` (which GitHub shows with the backslashes'
		// backticks and no code).
		noStrayMarkup(t, "reply to "+body, reply)
		if body == "/runbook-translator ignore 30d" && !strings.Contains(reply, "`/runbook-translator ignore <days>d <reason>`") {
			t.Errorf("the usage is not a code span: %q", reply)
		}
	}
	g.ask(g.root.ID, "bob", "/runbook-translator ignore 30d accepted risk", "--lang", "ja")
	found.check("ignore request reply", g.lastReply(), k)
	// The policy on the base branch refuses a 30-day exception.
	g.fake.SetBranch("main", map[string]string{".runbook-translator.yaml": "ignore_policy:\n  max_expiry: 10d\n" + baseConfig, ".github/CODEOWNERS": codeowners})
	g.ask(g.root.ID, "alice", "/runbook-translator ignore 30d accepted risk", "--lang", "ja")
	if r := g.lastReply(); !strings.Contains(strings.ReplaceAll(r, `\`, ""), "max_expiry 10d を超えています") {
		t.Errorf("policy refusal: %q", r)
	} else {
		found.check("ignore request reply", r, k)
	}
	// An invalid policy on the base branch: the refusal words what is
	// wrong with it in Japanese, the YAML keys as written.
	g.fake.SetBranch("main", map[string]string{".runbook-translator.yaml": "ignore_policy:\n  max_expiry: 3m\n  require: [reasn]\n" + baseConfig, ".github/CODEOWNERS": codeowners})
	g.ask(g.root.ID, "alice", "/runbook-translator ignore 30d accepted risk", "--lang", "ja")
	k.add("code, tool, path, resource, reason, expires, link, approved_by, requested_by") // the YAML keys a rule has
	if r := g.lastReply(); !strings.Contains(r, "ignore_policy 自体が不正です") || !strings.Contains(r, "max\\_expiry") || !strings.Contains(r, "ルールのフィールドではありません") {
		t.Errorf("invalid policy refusal: %q", r)
	} else {
		found.check("ignore request reply", r, k)
	}
	g.fake.SetBranch("main", map[string]string{".runbook-translator.yaml": baseConfig, ".github/CODEOWNERS": codeowners})
	k.add("accepted until the Q3 migration")
	if code, _, stderr := g.ask(g.root.ID, "alice", "/runbook-translator ignore 30d accepted until the Q3 migration", "--lang", "ja"); code != 0 {
		t.Fatalf("ignore request: exit %d: %s", code, stderr)
	} else {
		found.check("ignore request log", stderr, k)
	}
	found.check("ignore request reply", g.lastReply(), k)
	for _, p := range g.fake.OpenedPulls() {
		found.check("ignore request pull request", p.Title+"\n"+p.Body, k)
	}

	// Config errors of the ignore_policy and the ignore rules, in review
	// and fix with --lang ja: what is wrong is worded in Japanese, the
	// paths and YAML keys as written.
	jaText := regexp.MustCompile(`\p{Han}|\p{Hiragana}|\p{Katakana}`)
	for name, cfg := range map[string]string{
		"invalid config": "ignore_policy:\n  max_expiry: 3m\n  warn_within: 99999d\n  require: [reasn]\nignore:\n  - tool: trivy\n    expires: soon\n  - reason: r\n    code: \"--\"\n  - reason: r\n    path: \"k8s/[\"\n  - reason: everything\n",
		"policy breach":  "ignore_policy:\n  max_expiry: 10d\n  require: [link]\nignore:\n  - tool: trivy\n    reason: accepted\n    expires: 2099-01-01\n",
	} {
		p := filepath.Join(t.TempDir(), "rt.yaml")
		if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range []string{"review", "fix"} {
			if name == "policy breach" && cmd == "fix" {
				continue // fix does not check the policy
			}
			code, _, stderr := runEnv(t, noEnv, cmd, "--lang", "ja", "--config", p, "-f", "trivy", abs(td+"trivy/config-k8s-shop.json"))
			if code != ExitUsage || !jaText.MatchString(stderr) {
				t.Errorf("%s %s: exit %d, stderr not in Japanese: %s", cmd, name, code, stderr)
			}
			found.check(cmd+" "+name, stderr, k)
		}
	}
	found.report(t)
}
