package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const td = "../../testdata/"

// run executes the CLI in-process with buffers.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(args, strings.NewReader(stdin), &out, &errOut, func(string) string { return "" })
	return code, out.String(), errOut.String()
}

func TestFormatPairing(t *testing.T) {
	cases := []struct {
		args []string
		want []string // path:format
	}{
		{[]string{"-f", "trivy", "a.json", "-f", "tflint", "b.json", "c.json"}, []string{"a.json:trivy", "b.json:tflint", "c.json:tflint"}},
		{[]string{"-f", "conftest", "a", "b"}, []string{"a:conftest", "b:conftest"}},
		{[]string{"a.json", "-f", "trivy"}, []string{"a.json:trivy"}},
		{[]string{"a", "b"}, []string{"a:", "b:"}},
		{[]string{"-f", "trivy"}, []string{"-:trivy"}},
		{[]string{"--efm", "%f:%l: %m", "x.txt"}, []string{"x.txt:efm"}},
		{nil, []string{"-:"}},
	}
	for _, c := range cases {
		f := &Factory{IO: &IOStreams{}, Getenv: func(string) string { return "" }}
		var got []string
		cmd := NewCmdReview(f, func(o *ReviewOptions) error {
			ins, err := o.resolveInputs(&Config{})
			if err != nil {
				return err
			}
			for _, in := range ins {
				got = append(got, in.Path+":"+in.Format)
			}
			return nil
		})
		cmd.SetArgs(c.args)
		if err := cmd.Execute(); err != nil {
			t.Errorf("%v: %v", c.args, err)
			continue
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("%v: inputs %v, want %v", c.args, got, c.want)
		}
	}
}

func TestSeveralFormatsNoFileIsAnError(t *testing.T) {
	code, _, stderr := run(t, "", "review", "-f", "trivy", "-f", "tflint")
	if code != ExitUsage || !strings.Contains(stderr, "standard input has one format") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

func TestUnknownNamesListValidOnes(t *testing.T) {
	code, _, stderr := run(t, "", "review", "-f", "nope", td+"trivy/config-docker.json")
	if code != ExitUsage || !strings.Contains(stderr, "valid formats:") || !strings.Contains(stderr, "trivy") {
		t.Errorf("unknown format: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, "", "review", "-r", "nope", td+"trivy/config-docker.json")
	if code != ExitUsage || !strings.Contains(stderr, "valid reporters:") || !strings.Contains(stderr, "json") {
		t.Errorf("unknown reporter: exit %d, stderr %q", code, stderr)
	}
}

func TestExitCodes(t *testing.T) {
	k8s := td + "conftest/k8s-shop.json"
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"errors fail", []string{"review", "-f", "conftest", k8s}, ExitFindings},
		{"fail-level none", []string{"review", "-f", "conftest", "--fail-level", "none", k8s}, ExitOK},
		{"clean input", []string{"review", "-f", "conftest", td + "conftest/k8s-checkout-clean.json"}, ExitOK},
		{"warnings below error", []string{"review", td + "conftest/node-agent.hygiene-warn-only.fail-on-warn.json"}, ExitOK},
		{"warnings at warning", []string{"review", "--fail-level", "warning", td + "conftest/node-agent.hygiene-warn-only.fail-on-warn.json"}, ExitFindings},
		{"require-runbook fails generic", []string{"review", "--no-builtin", "--require-runbook", td + "conftest/node-agent.hygiene-warn-only.fail-on-warn.json"}, ExitFindings},
		{"bad fail level", []string{"review", "--fail-level", "fatal", k8s}, ExitUsage},
		{"missing file", []string{"review", "-f", "conftest", "does-not-exist.json"}, ExitUsage},
	}
	for _, c := range cases {
		if code, _, stderr := run(t, "", c.args...); code != c.want {
			t.Errorf("%s: exit %d, want %d (stderr %q)", c.name, code, c.want, stderr)
		}
	}
}

func TestTruncatedInputNamesFormatAndLine(t *testing.T) {
	data, err := os.ReadFile(td + "conftest/k8s-shop.json")
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, string(data[:len(data)/2]), "review", "-f", "conftest")
	if code != ExitUsage {
		t.Fatalf("exit %d, want %d", code, ExitUsage)
	}
	if !strings.Contains(stderr, "parse conftest input stdin at line") {
		t.Errorf("error does not name the format and line: %q", stderr)
	}
}

func TestAutoDetectSaysWhichFormat(t *testing.T) {
	code, _, stderr := run(t, "", "review", "--fail-level", "none", td+"trivy/config-docker.json")
	if code != ExitOK || !strings.Contains(stderr, "detected format trivy") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	// Empty input without -f: a crashed scanner in a pipe must not pass
	// (issue 15); --allow-empty says it may be empty; "[]" is a clean run.
	code, stdout, stderr := run(t, "   \n", "review")
	if code != ExitUsage || !strings.Contains(stderr, "empty input: a scanner that failed writes nothing too") || strings.Contains(stdout, "PASS") {
		t.Errorf("empty stdin: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, _, stderr = run(t, "   \n", "review", "--allow-empty"); code != ExitOK || !strings.Contains(stderr, "empty input, no findings (--allow-empty)") {
		t.Errorf("empty stdin with --allow-empty: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr = run(t, "[]\n", "review"); code != ExitOK {
		t.Errorf("an empty JSON document: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, "", "review", "-f", "trivy")
	if code != ExitUsage || !strings.Contains(stderr, "parse trivy input") {
		t.Errorf("empty stdin with a JSON format must be an error: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr = run(t, "", "review", "-f", "shellcheck-gcc"); code != ExitOK {
		t.Errorf("a clean text-format run is empty: exit %d, stderr %q", code, stderr)
	}
}

func TestJSONReporterCarriesEveryFinding(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	code, stdout, stderr := run(t, "", "review", "-f", "conftest", td+"conftest/k8s-shop.json", "-f", "trivy", td+"trivy/config-k8s-shop.json", "-r", "json="+out, "-r", "local")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "errors") {
		t.Errorf("local report missing on stdout: %q", stdout[:min(200, len(stdout))])
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, tools := 0, map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m struct {
			Tool    string `json:"tool"`
			Runbook struct {
				ID   string `json:"id"`
				Body string `json:"body"`
			} `json:"runbook"`
		}
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		if m.Runbook.ID == "" || m.Runbook.Body == "" {
			t.Errorf("line %d has no runbook", n+1)
		}
		tools[m.Tool]++
		n++
	}
	// conftest reported 82 findings, trivy 138 (fixture README).
	if tools["conftest"] != 82 || tools["trivy"] != 138 {
		t.Errorf("findings per tool %v, want conftest 82, trivy 138", tools)
	}
}

func TestTwoReportersOnStdoutIsAnError(t *testing.T) {
	code, _, stderr := run(t, "", "review", "-r", "json", "-r", "sarif", td+"trivy/config-docker.json")
	if code != ExitUsage || !strings.Contains(stderr, "stdout") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

func TestConfigIgnoresWithExpiry(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg.yaml")
	write := func(s string) {
		if err := os.WriteFile(cfg, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in := td + "conftest/k8s-shop.json"
	// K8S-013 (privileged) fires once, on the node-agent DaemonSet.
	write(`ignore:
  - code: K8S-013
    reason: node agent needs it, approved by platform
    expires: 2999-01-01
  - code: NOPE-1
    reason: matches nothing
`)
	code, stdout, stderr := run(t, "", "review", "-c", cfg, "-r", "json", in)
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "ignore rule matched nothing") || !strings.Contains(stderr, "NOPE-1") {
		t.Errorf("no warning for the unused ignore: %q", stderr)
	}
	if n := strings.Count(stdout, `"reason":"node agent needs it`); n != 1 {
		t.Errorf("%d findings carry the ignore reason, want 1", n)
	}

	write(`ignore:
  - code: K8S-013
    reason: node agent needs it
    expires: 2001-01-01
`)
	code, stdout, _ = run(t, "", "review", "-c", cfg, "-r", "json", in)
	if code != ExitFindings || !strings.Contains(stdout, `"expired":true`) {
		t.Errorf("an expired ignore must not suppress: exit %d", code)
	}

	write("ignore:\n  - code: K8S-013\n")
	if code, _, stderr := run(t, "", "review", "-c", cfg, in); code != ExitUsage || !strings.Contains(stderr, "reason") {
		t.Errorf("ignore without reason: exit %d, stderr %q", code, stderr)
	}
	write("fail_levle: error\n")
	if code, _, stderr := run(t, "", "review", "-c", cfg, in); code != ExitUsage || !strings.Contains(stderr, "fail_levle") {
		t.Errorf("unknown config key: exit %d, stderr %q", code, stderr)
	}
}

func TestBrokenCatalogIsAUsageErrorWithFileAndLine(t *testing.T) {
	dir := t.TempDir()
	cat := filepath.Join(dir, "org.yaml")
	body := "entries:\n  - id: broken\n    title: Broken\n    match:\n      - codes: [X1]\n    body: \"{{.Nope\"\n"
	if err := os.WriteFile(cat, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "", "review", "--runbooks", cat, td+"trivy/config-docker.json")
	if code != ExitUsage || !strings.Contains(stderr, "org.yaml:") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

func TestRunbooksShow(t *testing.T) {
	code, stdout, _ := run(t, "", "runbooks", "show", "KSV017", "--tool", "trivy")
	if code != ExitOK || !strings.Contains(stdout, "entry: pss-privileged") {
		t.Fatalf("exit %d: %s", code, stdout)
	}
	code, _, stderr := run(t, "", "runbooks", "show", "NOT-A-CODE")
	if code != ExitOK || !strings.Contains(stderr, "generic fallback") {
		t.Errorf("fallback: exit %d, stderr %q", code, stderr)
	}
}

func TestFormatsListsExamples(t *testing.T) {
	code, stdout, _ := run(t, "", "formats")
	if code != ExitOK {
		t.Fatal(code)
	}
	for _, want := range []string{"conftest", "trivy", "sarif", "efm", "e.g. trivy", "gitlab-codequality"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("formats output lacks %q", want)
		}
	}
}

func TestCleanJSONWithoutFormatIsNoFindings(t *testing.T) {
	for _, in := range []string{"[]\n", "null\n"} {
		if code, _, stderr := run(t, in, "review"); code != ExitOK || !strings.Contains(stderr, "no findings") {
			t.Errorf("%q: exit %d, stderr %q", in, code, stderr)
		}
	}
}

func TestPathPrefixAppliesToTheFilesAfterIt(t *testing.T) {
	code, stdout, stderr := run(t, "", "review", "--fail-level", "none", "-r", "json",
		"-f", "conftest", td+"conftest/k8s-shop.json", "-f", "trivy", "--path-prefix", "k8s", td+"trivy/config-k8s-shop.json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var m struct{ Tool, Path string }
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if m.Path != "" && !strings.HasPrefix(m.Path, "k8s/") {
			t.Errorf("%s finding path %q lacks k8s/ (conftest paths have it; trivy's get it from --path-prefix)", m.Tool, m.Path)
		}
	}
}
