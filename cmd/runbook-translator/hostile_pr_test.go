package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The hostile-PR suite (issue 8, SECURITY.md): each case is something the
// author of a pull request can put in its checkout, run end to end through
// Main in a checkout the test makes its working directory.

const hostileToken = "ghs_hostileTokenValue1234567890"

// checkout makes a temporary checkout, chdirs into it and writes files.
func checkout(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

// runHostile runs Main with a token in the environment, bounded in time,
// and fails when the token shows up anywhere.
func runHostile(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	getenv := func(k string) string {
		if k == "GITHUB_TOKEN" {
			return hostileToken
		}
		return env[k]
	}
	type res struct {
		code     int
		out, err string
	}
	done := make(chan res, 1)
	go func() {
		var out, errOut bytes.Buffer
		code := Main(args, strings.NewReader(stdin), &out, &errOut, getenv)
		done <- res{code, out.String(), errOut.String()}
	}()
	select {
	case r := <-done:
		if strings.Contains(r.out+r.err, hostileToken) {
			t.Fatalf("the token appears in the output:\n%s\n%s", r.out, r.err)
		}
		return r.code, r.out, r.err
	case <-time.After(60 * time.Second):
		t.Fatal("the run did not finish within 60 s")
	}
	return 0, "", ""
}

// Item 2: a config in the checkout names /proc/self/environ as an input
// with an errorformat that would print the token in a comment.
func TestHostileConfigReadsOutsideTheRepository(t *testing.T) {
	for name, cfg := range map[string]string{
		"environ input":    "inputs:\n  - path: /proc/self/environ\n    efm: ['%.%#GITHUB_TOKEN=%m']\n",
		"relative escape":  "inputs:\n  - path: ../../../../../../etc/passwd\n    efm: ['%m']\n",
		"catalog /etc":     "runbooks: [/etc/shadow]\n",
		"catalog escape":   "runbooks: [../../../../../../etc]\n",
		"report outside":   "reporters:\n  - name: json\n    path: /tmp/rt-hostile-report.json\n",
		"base_dir outside": "base_dir: /\n",
	} {
		t.Run(name, func(t *testing.T) {
			checkout(t, map[string]string{".runbook-translator.yaml": cfg})
			code, out, stderr := runHostile(t, nil, "a.sh:1:1: warning: x [SC2086]\n", "review", "-f", "shellcheck-gcc")
			if code != ExitUsage {
				t.Fatalf("exit %d, want %d (config error)\nstdout %s\nstderr %s", code, ExitUsage, out, stderr)
			}
			if !strings.Contains(stderr, "outside the repository") {
				t.Errorf("stderr does not say why: %s", stderr)
			}
			if strings.Contains(out+stderr, "root:") {
				t.Errorf("a file outside the repository was read:\n%s%s", out, stderr)
			}
		})
	}
	if _, err := os.Stat("/tmp/rt-hostile-report.json"); err == nil {
		os.Remove("/tmp/rt-hostile-report.json")
		t.Error("the untrusted config wrote a report outside the checkout")
	}
}

// Item 2: the same config is fine when the checkout is trusted, or when a
// flag names the file (the workflow is trusted).
func TestTrustedSourcesMayNameOutsideFiles(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "sc.txt")
	os.WriteFile(outside, []byte("a.sh:1:1: warning: x [SC2086]\n"), 0o644)
	checkout(t, map[string]string{".runbook-translator.yaml": "inputs:\n  - path: " + outside + "\n    format: shellcheck-gcc\n"})
	if code, _, stderr := runHostile(t, nil, "", "review", "-r", "json", "--fail-level", "none"); code != ExitUsage {
		t.Fatalf("untrusted: exit %d, want 2: %s", code, stderr)
	}
	code, out, stderr := runHostile(t, nil, "", "review", "--trust-checkout", "-r", "json", "--fail-level", "none")
	if code != ExitOK || !strings.Contains(out, "SC2086") {
		t.Fatalf("--trust-checkout: exit %d\n%s\n%s", code, out, stderr)
	}
	os.Remove(".runbook-translator.yaml")
	code, out, stderr = runHostile(t, nil, "", "review", "-f", "shellcheck-gcc", outside, "-r", "json", "--fail-level", "none")
	if code != ExitOK || !strings.Contains(out, "SC2086") {
		t.Fatalf("flag-named file: exit %d\n%s\n%s", code, out, stderr)
	}
}

// Item 2: mentions: true in the checkout's config cannot make the bot ping.
func TestHostileConfigCannotTurnOnMentions(t *testing.T) {
	checkout(t, map[string]string{".runbook-translator.yaml": "mentions: true\n"})
	var o *ReviewOptions
	cmd := NewCmdReview(&Factory{IO: &IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}, Getenv: func(string) string { return "" }, Now: time.Now}, func(ro *ReviewOptions) error { o = ro; return nil })
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	tr, err := newTrust(wd, false, "")
	if err != nil {
		t.Fatal(err)
	}
	defer tr.close()
	cfg, err := loadConfig(t.Context(), "", wd, tr)
	if err != nil {
		t.Fatal(err)
	}
	o.applyConfig(cfg)
	if o.Forge.Mentions {
		t.Fatal("mentions: true from the checkout's config turned mentions on")
	}
	if len(cfg.notes) == 0 || !strings.Contains(cfg.notes[0].in(""), "mentions") {
		t.Errorf("no note says mentions were ignored: %v", cfg.notes)
	}
	// A catalog inside the checkout turns mentions off even when a flag
	// turned them on: its owners are the PR's to write.
	code, _, stderr := runHostile(t, nil, "a.sh:1:1: warning: x [SC2086]\n", "review", "-f", "shellcheck-gcc", "--mentions",
		"--runbooks", writeCatalog(t), "--fail-level", "none")
	if code != ExitOK || !strings.Contains(stderr, "mentions are off") {
		t.Errorf("exit %d; stderr does not say mentions are off: %s", code, stderr)
	}
}

func writeCatalog(t *testing.T) string {
	t.Helper()
	os.MkdirAll("catalog", 0o755)
	body := "entries:\n  - id: pr-entry\n    title: From the PR\n    owner: '@org/everyone'\n    match: [{tool: shellcheck, codes: [SC2086]}]\n    body: hello\n"
	if err := os.WriteFile("catalog/x.yaml", []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return "catalog"
}

// Item 7: symlinks to /dev/zero or /etc/passwd, and FIFOs, committed in the
// checkout under the names the run reads.
func TestHostileSymlinksAndFIFOs(t *testing.T) {
	for name, setup := range map[string]func(){
		"config -> /dev/zero":   func() { os.Symlink("/dev/zero", ".runbook-translator.yaml") },
		"config -> /etc/passwd": func() { os.Symlink("/etc/passwd", ".runbook-translator.yaml") },
		"config FIFO":           func() { syscall.Mkfifo(".runbook-translator.yaml", 0o644) },
		"catalog -> /dev/zero": func() {
			os.WriteFile(".runbook-translator.yaml", []byte("runbooks: [cat.yaml]\n"), 0o644)
			os.Symlink("/dev/zero", "cat.yaml")
		},
		"catalog FIFO": func() {
			os.WriteFile(".runbook-translator.yaml", []byte("runbooks: [cat.yaml]\n"), 0o644)
			syscall.Mkfifo("cat.yaml", 0o644)
		},
		"input FIFO": func() {
			os.WriteFile(".runbook-translator.yaml", []byte("inputs: [{path: out.txt, format: shellcheck-gcc}]\n"), 0o644)
			syscall.Mkfifo("out.txt", 0o644)
		},
		"input -> /etc/passwd": func() {
			os.WriteFile(".runbook-translator.yaml", []byte("inputs: [{path: out.txt, efm: ['%m']}]\n"), 0o644)
			os.Symlink("/etc/passwd", "out.txt")
		},
	} {
		t.Run(name, func(t *testing.T) {
			checkout(t, nil)
			setup()
			code, out, stderr := runHostile(t, nil, "", "review", "-r", "json")
			if code != ExitUsage {
				t.Fatalf("exit %d, want 2\nstdout %s\nstderr %s", code, out, stderr)
			}
			if strings.Contains(out+stderr, "root:") {
				t.Errorf("/etc/passwd was read:\n%s%s", out, stderr)
			}
		})
	}
}

// Item 7: a report path that the PR committed as a symlink out of the
// checkout is not followed.
func TestHostileReportSymlink(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(outside, []byte("keep"), 0o644)
	checkout(t, nil)
	os.Symlink(outside, "report.json")
	code, _, stderr := runHostile(t, nil, "a.sh:1:1: warning: x [SC2086]\n", "review", "-f", "shellcheck-gcc", "-r", "json=report.json")
	if code != ExitUsage {
		t.Fatalf("exit %d, want 2: %s", code, stderr)
	}
	if b, _ := os.ReadFile(outside); string(b) != "keep" {
		t.Fatalf("the file outside the checkout was overwritten: %q", b)
	}
}

// Item 7: CODEOWNERS that is a symlink to /dev/zero is never read when no
// entry uses it (it used to be read on every run).
func TestHostileCodeownersNotReadUnlessUsed(t *testing.T) {
	checkout(t, nil)
	os.MkdirAll(".github", 0o755)
	os.Symlink("/dev/zero", ".github/CODEOWNERS")
	code, out, stderr := runHostile(t, nil, "a.sh:1:1: warning: x [SC2086]\n", "review", "-f", "shellcheck-gcc", "-r", "json", "--fail-level", "none")
	if code != ExitOK || !strings.Contains(out, "SC2086") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
}

// Item 9: a file the PR adds under the name of the diff command is never
// read as the diff; --diff-file reads files.
func TestHostileDiffFileNamedLikeTheCommand(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := checkout(t, map[string]string{"a.sh": "echo one\n"})
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "base"}} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	os.WriteFile("a.sh", []byte("echo one\necho $two\n"), 0o644)
	// The forged "diff" claims line 1 was added; the real change adds line 2.
	os.WriteFile("git diff HEAD", []byte("--- a/a.sh\n+++ b/a.sh\n@@ -0,0 +1 @@\n+echo one\n"), 0o644)
	in := "a.sh:1:1: warning: one [SC2000]\na.sh:2:6: warning: two [SC2086]\n"
	code, out, stderr := runHostile(t, nil, in, "review", "-f", "shellcheck-gcc", "--diff", "git diff HEAD", "-r", "json", "--fail-level", "none")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		inside := !strings.Contains(l, `"outside_diff":true`)
		if strings.Contains(l, `"code":"SC2086"`) != inside {
			t.Errorf("the diff came from the forged file, not git: %s", l)
		}
	}
}

// Item 5: newlines in messages, paths and tool names cannot put a
// workflow command at the start of a line in the GitHub Actions log.
func TestHostileWorkflowCommandsNeutralised(t *testing.T) {
	checkout(t, nil)
	in := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x\n::add-mask::y"}},"results":[{"ruleId":"R1","level":"error","message":{"text":"bad\n::error file=a,line=1::forged\n  ::warning::indented\n##[error]legacy"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a\n::notice::p.yaml"},"region":{"startLine":1}}}]}]}]}`
	env := map[string]string{"GITHUB_ACTIONS": "true"}
	for _, r := range []string{"local", "markdown", "json", "sarif"} {
		code, out, stderr := runHostile(t, env, in, "review", "-f", "sarif", "-r", r, "-v", "--fail-level", "none")
		if code != ExitOK {
			t.Fatalf("-r %s: exit %d: %s", r, code, stderr)
		}
		for _, stream := range []string{out, stderr} {
			for _, l := range strings.Split(stream, "\n") {
				if strings.HasPrefix(strings.TrimSpace(l), "::") || strings.Contains(l, "##[") {
					t.Errorf("-r %s: a workflow command reaches the log: %q", r, l)
				}
			}
		}
	}
}

// Item 3 (defence in depth): a token in the input never reaches a stream.
func TestTokenRedactedAtTheStreams(t *testing.T) {
	checkout(t, nil)
	in := "a.sh:1:1: warning: token " + hostileToken + " leaked [SC2086]\n"
	for _, r := range []string{"local", "json", "markdown"} {
		code, _, stderr := runHostile(t, nil, in, "review", "-f", "shellcheck-gcc", "-r", r, "-v", "--fail-level", "none")
		if code != ExitOK {
			t.Fatalf("-r %s: exit %d: %s", r, code, stderr)
		}
	}
}

// Item 6: a line of 2^63-1 from the input does not hang the diff filter.
func TestHostileHugeLineNumbers(t *testing.T) {
	checkout(t, nil)
	os.WriteFile("change.diff", []byte("--- a/a.sh\n+++ b/a.sh\n@@ -1 +1,2 @@\n x\n+y\n"), 0o644)
	in := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[{"ruleId":"R","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.sh"},"region":{"startLine":9223372036854775807,"endLine":9223372036854775807}}}]},{"ruleId":"R2","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.sh"},"region":{"startLine":1,"endLine":2147483647}}}]}]}]}`
	code, out, stderr := runHostile(t, nil, in, "review", "-f", "sarif", "--diff-file", "change.diff", "-r", "json", "--fail-level", "none")
	if code != ExitOK || strings.Count(out, "\n") != 2 {
		t.Fatalf("exit %d, want 0 with 2 findings\n%s\n%s", code, out, stderr)
	}
}
