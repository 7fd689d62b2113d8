package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// modifyTrivy writes a copy of the real Trivy fixture (testdata/trivy/
// config-k8s-shop.json, trivy 0.58 config scan, see testdata/trivy/cases.yaml)
// with one misconfiguration removed (catalog.yaml's first), one added (a
// copy of storefront.yaml's KSV-0015 finding under checkout.yaml, which had
// none) and one moved three lines down (jobs.yaml's first), as a second
// commit of the same repository would produce. add=false leaves out the
// added one.
func modifyTrivy(t *testing.T, dir string, add bool) string {
	t.Helper()
	raw, err := os.ReadFile(td + "trivy/config-k8s-shop.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	results := doc["Results"].([]any)
	byTarget := map[string]map[string]any{}
	for _, r := range results {
		m := r.(map[string]any)
		byTarget[m["Target"].(string)] = m
	}
	mis := func(target string) []any {
		v, _ := byTarget[target]["Misconfigurations"].([]any)
		return v
	}
	byTarget["catalog.yaml"]["Misconfigurations"] = mis("catalog.yaml")[1:]
	moved := mis("jobs.yaml")[0].(map[string]any)["CauseMetadata"].(map[string]any)
	moved["StartLine"] = moved["StartLine"].(float64) + 3
	moved["EndLine"] = moved["EndLine"].(float64) + 3
	if add {
		var added map[string]any
		for _, m := range mis("storefront.yaml") {
			if mm := m.(map[string]any); mm["ID"] == "KSV-0015" {
				b, _ := json.Marshal(mm)
				_ = json.Unmarshal(b, &added)
			}
		}
		if added == nil {
			t.Fatal("fixture has no storefront.yaml KSV-0015")
		}
		byTarget["checkout.yaml"]["Misconfigurations"] = []any{added}
	}
	// Each result is written with Target, Class and Type first, as Trivy
	// writes them: the trivy parser reads Kubernetes misconfigurations
	// differently when Type comes after them (encoding/json sorts map keys).
	var buf strings.Builder
	// ArtifactName and ArtifactType before Results, as Trivy writes them:
	// they make the Targets repository paths (k8s/...).
	buf.WriteString(`{"SchemaVersion":2,"ArtifactName":"k8s","ArtifactType":"filesystem","Results":[`)
	for i, r := range results {
		m := r.(map[string]any)
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('{')
		first := true
		for _, k := range append([]string{"Target", "Class", "Type"}, "Misconfigurations", "MisconfSummary") {
			v, ok := m[k]
			if !ok {
				continue
			}
			if !first {
				buf.WriteByte(',')
			}
			first = false
			kb, _ := json.Marshal(k)
			vb, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			buf.Write(kb)
			buf.WriteByte(':')
			buf.Write(vb)
		}
		buf.WriteByte('}')
	}
	buf.WriteString("]}")
	out := []byte(buf.String())
	p := filepath.Join(dir, "head.json")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// readJSONL decodes a -r json output.
func readJSONL(t *testing.T, p string) []map[string]any {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func TestBaselineEndToEnd(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.json")
	// Run 1: the base branch writes its -r json.
	if code, _, stderr := run(t, "", "review", "-f", "trivy", td+"trivy/config-k8s-shop.json", "-r", "json="+base, "--fail-level", "none"); code != 0 {
		t.Fatalf("run 1: exit %d: %s", code, stderr)
	}
	before := readJSONL(t, base)
	if len(before) < 10 {
		t.Fatalf("run 1 wrote %d findings", len(before))
	}
	for _, f := range before {
		if _, ok := f["baseline"]; ok {
			t.Fatalf("run without --baseline has a baseline key: %v", f)
		}
	}

	// Run 2: the pull request, compared with run 1.
	head := modifyTrivy(t, dir, true)
	cur := filepath.Join(dir, "cur.json")
	sum, md := filepath.Join(dir, "summary.json"), filepath.Join(dir, "summary.md")
	code, stdout, stderr := run(t, "", "review", "-f", "trivy", head, "--baseline", base, "-r", "json="+cur, "-r", "local", "-r", "summary="+sum, "-r", "markdown="+md, "--fail-level", "none", "--no-color")
	if code != 0 {
		t.Fatalf("run 2: exit %d: %s", code, stderr)
	}
	after := readJSONL(t, cur)
	if len(after) != len(before) {
		t.Fatalf("run 2 has %d findings, want %d (one removed, one added)", len(after), len(before))
	}
	counts := map[string]int{}
	for _, f := range after {
		counts[f["baseline"].(string)]++
		switch {
		case f["baseline"] == "new" && (f["path"] != "k8s/checkout.yaml" || f["code"] != "KSV-0015"):
			t.Errorf("new finding is not the added one: %v %v", f["path"], f["code"])
		case f["path"] == "k8s/jobs.yaml" && f["baseline"] != "existing":
			t.Errorf("finding in jobs.yaml (one moved) is %v", f["baseline"])
		}
	}
	if counts["new"] != 1 || counts["existing"] != len(before)-1 || len(counts) != 2 {
		t.Fatalf("counts %v, want 1 new, %d existing", counts, len(before)-1)
	}
	want := "1 new, " + itoa(len(before)-1) + " existing, 1 fixed"
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "; "+want+". PASS") {
		t.Errorf("the local report's last line does not say %q: %q", want, last)
	}
	var doc struct {
		Baseline *struct {
			New, Existing, Fixed int
			FailOn               string `json:"fail_on"`
		}
	}
	if b, err := os.ReadFile(sum); err != nil || json.Unmarshal(b, &doc) != nil || doc.Baseline == nil ||
		doc.Baseline.New != 1 || doc.Baseline.Existing != len(before)-1 || doc.Baseline.Fixed != 1 || doc.Baseline.FailOn != "all" {
		t.Errorf("summary baseline %+v (%v)", doc.Baseline, err)
	}
	if b, _ := os.ReadFile(md); !strings.Contains(string(b), "**1 new**, "+want[len("1 new, "):]) {
		t.Errorf("markdown does not give the counts:\n%.600s", b)
	}

	// --fail-on new: the added finding is Trivy LOW (info); the existing
	// ones reach critical.
	for _, c := range []struct {
		failOn, level string
		add           bool
		want          int
	}{
		{"new", "info", true, 1},      // the new one fails the run
		{"new", "warning", true, 0},   // below the level: existing errors do not count
		{"all", "warning", true, 1},   // default: everything counts
		{"new", "info", false, 0},     // no new finding: existing ones never fail
		{"all", "critical", false, 1}, // without --fail-on new the old criticals fail
	} {
		h := modifyTrivy(t, t.TempDir(), c.add)
		code, _, stderr := run(t, "", "review", "-f", "trivy", h, "--baseline", base, "--fail-on", c.failOn, "--fail-level", c.level, "-r", "json="+filepath.Join(t.TempDir(), "o.json"))
		if code != c.want {
			t.Errorf("--fail-on %s --fail-level %s add=%v: exit %d, want %d: %s", c.failOn, c.level, c.add, code, c.want, stderr)
		}
	}
}

func TestBaselineSARIFEndToEnd(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.sarif")
	if code, _, stderr := run(t, "", "review", "-f", "trivy", td+"trivy/config-k8s-shop.json", "-r", "sarif="+base, "--fail-level", "none"); code != 0 {
		t.Fatalf("run 1: exit %d: %s", code, stderr)
	}
	cur := filepath.Join(dir, "cur.json")
	code, _, stderr := run(t, "", "review", "-f", "trivy", modifyTrivy(t, dir, true), "--baseline", base, "--fail-on", "new", "--fail-level", "info", "-r", "json="+cur)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, stderr)
	}
	n := 0
	for _, f := range readJSONL(t, cur) {
		if f["baseline"] == "new" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d new against the SARIF baseline, want 1", n)
	}
}

func TestBaselineBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"tool report", []string{"--baseline", td + "trivy/config-k8s-shop.json"}, "config-k8s-shop.json:1: not a baseline: one JSON document"},
		{"sarif version", []string{"--baseline", write("v.sarif", `{"version":"2.2.0","runs":[]}`)}, `SARIF version "2.2.0" is not supported`},
		{"other sarif", []string{"--baseline", write("o.sarif", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"a","message":{"text":"m"}}]}]}`)}, `runs[0].results[0] has no partialFingerprints "runbookTranslator/v1"`},
		{"fingerprint version", []string{"--baseline", write("f.json", `{"tool":"t","code":"c","path":"p","fingerprint":"abc"}`+"\n")}, `f.json:1: fingerprint "abc" is not of a known version`},
		{"bad line", []string{"--baseline", write("b.json", `{"tool":"t","code":"c","path":"p","fingerprint":"0123456789abcdef"}`+"\n{oops\n")}, "b.json:2: not a -r json record"},
		{"missing", []string{"--baseline", filepath.Join(dir, "none.json")}, "--baseline: "},
		{"fail-on value", []string{"--fail-on", "some"}, `--fail-on: unknown value "some"`},
		{"fail-on without baseline", []string{"--fail-on", "new"}, "--fail-on new needs --baseline"},
	}
	for _, c := range cases {
		args := append([]string{"review", "-f", "trivy", td + "trivy/config-k8s-shop.json", "-r", "json=" + filepath.Join(dir, "out.json")}, c.args...)
		code, stdout, stderr := run(t, "", args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 and %q", c.name, code, stderr, c.want)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "out.json")); len(b) > 0 || stdout != "" {
			t.Errorf("%s: something was reported despite the bad baseline", c.name)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func lastBytes(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// The PR summary through the stateful GitHub fake (its requests checked
// against the OpenAPI description): the counts, the fixed finding with a
// thank-you, the existing ones not shown inline folded.
func TestBaselinePRSummary(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.json")
	if code, _, stderr := run(t, "", "review", "-f", "trivy", td+"trivy/config-k8s-shop.json", "-r", "json="+base, "--fail-level", "none"); code != 0 {
		t.Fatalf("run 1: exit %d: %s", code, stderr)
	}
	g := newGHRig(t)
	code, _, stderr := runChecked(t, g.env(t.TempDir()), "review", "-f", "trivy", modifyTrivy(t, dir, true), "--baseline", base, "--fail-on", "new", "-r", "github-pr-review")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var body string
	for _, c := range g.fake.IssueComments(7) {
		body += c.Body
	}
	for _, want := range []string{
		"Against the base branch: **1 new**, 137 existing, 1 fixed.",
		"### Fixed (1): thank you!\n\n- **warning** `trivy KSV-0001` `k8s/catalog.yaml:29`",
		"<details><summary>Existing findings not shown inline (",
		"</details>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("summary lacks %q:\n%.3000s", want, body)
		}
	}
}
