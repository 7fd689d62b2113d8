package runbooks

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks/rules"
)

// The built-in catalog is product content: these tests check that every
// entry is well-formed, renders, tells the reader how to fix the problem and
// how to ask for an exception, and that the catalog covers the codes real
// tools print (testdata/catalog-coverage, copied from the shared corpus).

// builtinDir holds the built-in catalog; defaults.yaml (per-tool default
// entries) is written and tested separately.
const builtinDir = "builtin"

type catalogEntry struct {
	File  string
	Entry Entry
}

// loadBuiltinContent decodes every builtin/*.yaml except defaults.yaml with
// unknown fields rejected.
func loadBuiltinContent(t *testing.T) []catalogEntry {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(builtinDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []catalogEntry
	files := 0
	for _, p := range paths {
		if filepath.Base(p) == "defaults.yaml" {
			continue
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		var f File
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("decode %s: %v", p, err)
		}
		if len(f.Disable) > 0 {
			t.Errorf("%s: the built-in catalog must not disable entries", p)
		}
		files++
		for _, e := range f.Entries {
			out = append(out, catalogEntry{File: filepath.Base(p), Entry: e})
		}
	}
	if files == 0 {
		t.Fatalf("no catalog files in %s", builtinDir)
	}
	return out
}

// stubFuncs stands in for the engine's template functions. The catalog may
// only call functions from this list; parsing fails on any other name.
// findingData builds the finding a body is rendered against.
func findingData(tool, code, message, path string, line int, resource string, extra map[string]string) *translator.Finding {
	return &translator.Finding{
		Tool: tool, Code: code, Message: message, Location: translator.Location{Path: path, Line: line},
		Resource: resource, Severity: translator.SeverityError, ToolSeverity: "HIGH", Extra: extra,
	}
}

// renderBody renders an entry's body with the engine's own template
// functions and escaped finding data, as the runbooks stage does.
func renderBody(e Entry, f *translator.Finding) (string, error) {
	tmpl, err := newTemplate(e.ID).Parse(e.Body)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, NewData(f, nil)); err != nil {
		return "", err
	}
	return b.String(), nil
}

var fenceLine = regexp.MustCompile("(?m)^```")

func TestBuiltinCatalogContent(t *testing.T) {
	entries := loadBuiltinContent(t)
	if len(entries) < 80 {
		t.Errorf("built-in catalog has %d entries, want at least 80", len(entries))
	}
	ids := map[string]string{}
	matchers := map[string]string{}
	withExamples := 0
	for _, ce := range entries {
		e := ce.Entry
		where := ce.File + ":" + e.ID
		if e.ID == "" || e.Title == "" {
			t.Errorf("%s: entry without id or title", where)
		}
		if prev, dup := ids[e.ID]; dup {
			t.Errorf("duplicate id %q in %s and %s", e.ID, prev, ce.File)
		}
		ids[e.ID] = ce.File
		if len(e.Match) == 0 {
			t.Errorf("%s: no matchers", where)
		}
		for _, m := range e.Match {
			if m.Tool == "" {
				t.Errorf("%s: a built-in matcher must name its tool", where)
			}
			if m.Default {
				t.Errorf("%s: per-tool defaults belong in defaults.yaml", where)
			}
			if len(m.Codes) == 0 && m.Message == "" {
				t.Errorf("%s: matcher for %s has neither codes nor message", where, m.Tool)
			}
			if m.Message != "" {
				if _, err := regexp.Compile(m.Message); err != nil {
					t.Errorf("%s: message pattern: %v", where, err)
				}
			}
			for _, c := range m.Codes {
				key := m.Tool + " " + translator.NormalizeCode(c)
				if prev, dup := matchers[key]; dup {
					t.Errorf("duplicate matcher %s %q: in %s and %s", m.Tool, c, prev, where)
				}
				matchers[key] = where
			}
		}
		switch e.Severity {
		case "", "info", "warning", "error":
		default:
			t.Errorf("%s: severity %q", where, e.Severity)
		}
		if len(e.Links) == 0 {
			t.Errorf("%s: no links", where)
		}
		for _, l := range e.Links {
			u, err := url.Parse(l)
			if err != nil || u.Scheme != "https" || u.Host == "" {
				t.Errorf("%s: link %q is not an https URL", where, l)
			}
		}
		for _, want := range []string{"**What is wrong.**", "**Why it matters.**", "**How to fix it.**", ".runbook-translator.yaml"} {
			if !strings.Contains(e.Body, want) {
				t.Errorf("%s: body lacks %q", where, want)
			}
		}
		// A fix snippet in the source; the exception snippet comes from
		// {{ignoreexample .}} or is written out (checked on the rendered body).
		if n := len(fenceLine.FindAllString(e.Body, -1)); n < 2 || n%2 != 0 {
			t.Errorf("%s: body has %d fence lines, want an even number >= 2", where, n)
		}
		// Untrusted values never go inside a fence.
		for i, block := range fencedBlocks(e.Body) {
			if strings.Contains(block, "{{.") || strings.Contains(block, "{{with") || strings.Contains(block, "{{code") {
				t.Errorf("%s: fenced block %d renders finding data", where, i)
			}
		}
		full := findingData("trivy", "KSV-0017", "Container 'agent' of DaemonSet 'node-agent' should set 'securityContext.privileged' to false",
			"k8s/node-agent.yaml", 40, "DaemonSet/node-agent", map[string]string{"container": "agent"})
		bare := findingData("tflint", "x", "", "", 0, "", nil)
		for _, data := range []*translator.Finding{full, bare} {
			out, err := renderBody(e, data)
			if err != nil {
				t.Errorf("%s: render: %v", where, err)
				continue
			}
			for _, want := range []string{"ignore:", "reason:", "expires:"} {
				if !strings.Contains(out, want) {
					t.Errorf("%s: rendered body lacks the exception snippet (%q)", where, want)
				}
			}
			if n := len(fenceLine.FindAllString(out, -1)); n < 4 {
				t.Errorf("%s: rendered body has %d fence lines, want a fix and an exception snippet", where, n)
			}
			if strings.Contains(out, "<no value>") {
				t.Errorf("%s: rendered body contains <no value>", where)
			}
			if strings.Contains(out, "****") || strings.Contains(strings.ReplaceAll(out, "```", ""), "``") {
				t.Errorf("%s: rendered body has an empty emphasis or code span", where)
			}
		}
		if len(e.Examples) > 0 {
			withExamples++
		}
		for i, ex := range e.Examples {
			f := ex.Finding
			if !entryMatches(e, f.Tool, f.Code) {
				t.Errorf("%s: example %d (%s %s) is not matched by the entry", where, i, f.Tool, f.Code)
			}
			out, err := renderBody(e, findingData(f.Tool, f.Code, f.Message, f.Path, f.Line, f.Resource, f.Extra))
			if err != nil {
				t.Errorf("%s: example %d: %v", where, i, err)
				continue
			}
			if len(ex.Contains) == 0 && ex.Want == "" && ex.Fixed == "" {
				t.Errorf("%s: example %d checks nothing", where, i)
			}
			for _, c := range ex.Contains {
				if !strings.Contains(out, c) {
					t.Errorf("%s: example %d: rendered body lacks %q", where, i, c)
				}
			}
		}
	}
	if withExamples < 20 {
		t.Errorf("%d entries have examples, want at least 20", withExamples)
	}
	t.Logf("%d entries, %d tool+code matchers, %d entries with examples", len(entries), len(matchers), withExamples)
}

func entryMatches(e Entry, tool, code string) bool {
	for _, m := range e.Match {
		if m.Tool != "" && m.Tool != tool {
			continue
		}
		for _, c := range m.Codes {
			if translator.NormalizeCode(c) == translator.NormalizeCode(code) {
				return true
			}
		}
	}
	return false
}

// fencedBlocks returns the contents of the ``` blocks of a Markdown body.
func fencedBlocks(body string) []string {
	var blocks []string
	var cur strings.Builder
	in := false
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "```") {
			if in {
				blocks = append(blocks, cur.String())
				cur.Reset()
			}
			in = !in
			continue
		}
		if in {
			cur.WriteString(line + "\n")
		}
	}
	return blocks
}

// pssControls maps every Kubernetes Pod Security Standards control
// (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
// Baseline and Restricted, to the entry that explains it.
var pssControls = []struct{ control, id string }{
	{"baseline: HostProcess", "pss-host-process"},
	{"baseline: host namespaces", "pss-host-namespaces"},
	{"baseline: privileged containers", "pss-privileged"},
	{"baseline: capabilities", "pss-capabilities-added"},
	{"baseline: hostPath volumes", "pss-host-path"},
	{"baseline: host ports", "pss-host-ports"},
	{"baseline: AppArmor", "pss-apparmor"},
	{"baseline: SELinux", "pss-selinux"},
	{"baseline: /proc mount type", "pss-proc-mount"},
	{"baseline: seccomp", "pss-seccomp"},
	{"baseline: sysctls", "pss-sysctls"},
	{"restricted: volume types", "pss-volume-types"},
	{"restricted: privilege escalation", "pss-privilege-escalation"},
	{"restricted: running as non-root", "pss-run-as-non-root"},
	{"restricted: running as non-root user", "pss-run-as-user-root"},
	{"restricted: seccomp", "pss-seccomp"},
	{"restricted: capabilities (drop ALL)", "pss-capabilities-drop-all"},
}

func TestBuiltinCatalogCoversPodSecurityStandards(t *testing.T) {
	byID := map[string]Entry{}
	for _, ce := range loadBuiltinContent(t) {
		byID[ce.Entry.ID] = ce.Entry
	}
	for _, c := range pssControls {
		e, ok := byID[c.id]
		if !ok {
			t.Errorf("PSS control %q: no entry %q", c.control, c.id)
			continue
		}
		linked := false
		for _, l := range e.Links {
			if strings.HasPrefix(l, "https://kubernetes.io/docs/concepts/security/pod-security-standards/") {
				linked = true
			}
		}
		if !linked {
			t.Errorf("PSS control %q: entry %q does not link the Pod Security Standards", c.control, c.id)
		}
		if !entryHasTool(e, "trivy") && !entryHasTool(e, "kyverno") {
			t.Errorf("PSS control %q: entry %q matches neither trivy nor kyverno", c.control, c.id)
		}
	}
}

func entryHasTool(e Entry, tool string) bool {
	for _, m := range e.Match {
		if m.Tool == tool && len(m.Codes) > 0 {
			return true
		}
	}
	return false
}

// fixtureCodes extracts the distinct rule codes per tool from the real
// outputs in testdata/catalog-coverage. The decoding is deliberately ad hoc:
// the real parsers live in package parsers.
func fixtureCodes(t *testing.T) map[string]map[string]bool {
	t.Helper()
	root := filepath.Join("testdata", "catalog-coverage")
	codes := map[string]map[string]bool{}
	add := func(tool, code string) {
		if code == "" {
			return
		}
		if codes[tool] == nil {
			codes[tool] = map[string]bool{}
		}
		codes[tool][code] = true
	}
	read := func(tool string) [][]byte {
		paths, err := filepath.Glob(filepath.Join(root, tool, "*"))
		if err != nil || len(paths) == 0 {
			t.Fatalf("no fixtures for %s", tool)
		}
		var out [][]byte
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		return out
	}
	decode := func(tool string, b []byte, v any) {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s fixture: %v", tool, err)
		}
	}
	policyID := regexp.MustCompile(`^([A-Z][A-Z0-9]*-[0-9]+):`)

	for _, b := range read("conftest") {
		var results []struct {
			Failures []struct{ Msg string } `json:"failures"`
			Warnings []struct{ Msg string } `json:"warnings"`
		}
		decode("conftest", b, &results)
		for _, r := range results {
			for _, m := range append(r.Failures, r.Warnings...) {
				if sm := policyID.FindStringSubmatch(m.Msg); sm != nil {
					add("conftest", sm[1])
				}
			}
		}
	}
	for _, b := range read("trivy") {
		var sarif struct {
			Runs []struct {
				Results []struct {
					RuleID string `json:"ruleId"`
				} `json:"results"`
			} `json:"runs"`
		}
		decode("trivy", b, &sarif)
		for _, r := range sarif.Runs {
			for _, res := range r.Results {
				add("trivy", res.RuleID)
			}
		}
	}
	for _, b := range read("kube-linter") {
		var out struct {
			Reports []struct{ Check string } `json:"Reports"`
		}
		decode("kube-linter", b, &out)
		for _, r := range out.Reports {
			add("kube-linter", r.Check)
		}
	}
	for _, b := range read("kube-score") {
		var objs []struct {
			Checks []struct {
				Check struct {
					ID string `json:"id"`
				} `json:"check"`
				Grade   int  `json:"grade"`
				Skipped bool `json:"skipped"`
			} `json:"checks"`
		}
		decode("kube-score", b, &objs)
		for _, o := range objs {
			for _, c := range o.Checks {
				if !c.Skipped && c.Grade < 10 {
					add("kube-score", c.Check.ID)
				}
			}
		}
	}
	for _, b := range read("tflint") {
		var out struct {
			Issues []struct {
				Rule struct{ Name string } `json:"rule"`
			} `json:"issues"`
		}
		decode("tflint", b, &out)
		for _, i := range out.Issues {
			add("tflint", i.Rule.Name)
		}
	}
	for _, b := range read("tfsec") {
		var out struct {
			Results []struct {
				RuleID string `json:"rule_id"`
				LongID string `json:"long_id"`
			} `json:"results"`
		}
		decode("tfsec", b, &out)
		for _, r := range out.Results {
			add("tfsec", r.RuleID)
			add("tfsec", r.LongID)
		}
	}
	for _, b := range read("gitleaks") {
		var out []struct{ RuleID string }
		decode("gitleaks", b, &out)
		for _, r := range out {
			add("gitleaks", r.RuleID)
		}
	}
	for _, b := range read("actionlint") {
		var out []struct{ Kind string }
		decode("actionlint", b, &out)
		for _, r := range out {
			add("actionlint", r.Kind)
		}
	}
	for _, b := range read("shellcheck") {
		var out struct {
			Comments []struct{ Code int } `json:"comments"`
		}
		decode("shellcheck", b, &out)
		for _, c := range out.Comments {
			add("shellcheck", "SC"+strconv.Itoa(c.Code))
		}
	}
	for _, b := range read("polaris") {
		type result struct {
			ID      string
			Success bool
		}
		var out struct {
			Results []struct {
				Results   map[string]result
				PodResult *struct {
					Results          map[string]result
					ContainerResults []struct{ Results map[string]result }
				}
			}
		}
		decode("polaris", b, &out)
		for _, r := range out.Results {
			maps := []map[string]result{r.Results}
			if r.PodResult != nil {
				maps = append(maps, r.PodResult.Results)
				for _, c := range r.PodResult.ContainerResults {
					maps = append(maps, c.Results)
				}
			}
			for _, m := range maps {
				for id, res := range m {
					if !res.Success {
						add("polaris", id)
					}
				}
			}
		}
	}
	for _, b := range read("dockerfilelint") {
		var out struct {
			Files []struct {
				Issues []struct{ Title string } `json:"issues"`
			} `json:"files"`
		}
		decode("dockerfilelint", b, &out)
		for _, f := range out.Files {
			for _, i := range f.Issues {
				// dockerfilelint has no IDs; the code is the title slug.
				add("dockerfilelint", strings.ReplaceAll(strings.ToLower(i.Title), " ", "-"))
			}
		}
	}
	for _, b := range read("gator") {
		var out []struct{ Msg string }
		decode("gator", b, &out)
		for _, r := range out {
			if sm := policyID.FindStringSubmatch(r.Msg); sm != nil {
				add("gator", sm[1])
			}
		}
	}
	return codes
}

func TestBuiltinCatalogCoverage(t *testing.T) {
	covered := map[string]bool{}
	for _, ce := range loadBuiltinContent(t) {
		for _, m := range ce.Entry.Match {
			for _, c := range m.Codes {
				covered[m.Tool+" "+translator.NormalizeCode(c)] = true
			}
		}
	}
	// Tools whose fixture codes must be covered at >= 70%.
	asserted := map[string]bool{"conftest": true, "trivy": true, "kube-linter": true, "kube-score": true, "tflint": true, "tfsec": true}
	codes := fixtureCodes(t)
	tools := make([]string, 0, len(codes))
	for tool := range codes {
		tools = append(tools, tool)
	}
	sort.Strings(tools)
	for tool := range asserted {
		if len(codes[tool]) == 0 {
			t.Errorf("%s: no codes extracted from the fixtures", tool)
		}
	}
	for _, tool := range tools {
		var hit, miss []string
		for code := range codes[tool] {
			if covered[tool+" "+translator.NormalizeCode(code)] {
				hit = append(hit, code)
			} else {
				miss = append(miss, code)
			}
		}
		sort.Strings(miss)
		total := len(hit) + len(miss)
		pct := 100 * float64(len(hit)) / float64(total)
		t.Logf("%-15s %3d/%3d distinct codes covered (%5.1f%%); not covered: %s", tool, len(hit), total, pct, strings.Join(miss, ", "))
		if asserted[tool] && pct < 70 {
			t.Errorf("%s: %.1f%% of fixture codes covered, want >= 70%%", tool, pct)
		}
	}
}

// coverageFiles are the catalog files written for issue 14 against the rule
// lists in runbooks/rules; every code they match must be a rule of its
// tool's list, so a typo cannot leave an entry that nothing reaches.
var coverageFiles = map[string]bool{
	"k8s-more.yaml": true, "terraform-more.yaml": true, "hadolint-more.yaml": true, "shell-more.yaml": true,
	"secrets-providers.yaml": true, "cloud-aws-more.yaml": true, "cloud-azure.yaml": true, "cloud-google.yaml": true,
	"cloud-other.yaml": true, "kubernetes-more.yaml": true, "kubernetes-cis.yaml": true, "dockerfile-more.yaml": true,
}

func TestCoverageEntriesMatchListedRules(t *testing.T) {
	lists, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]map[string]bool{}
	for _, l := range lists {
		m := map[string]bool{}
		for _, r := range l.Rules {
			m[translator.NormalizeCode(r.ID)] = true
			for _, a := range r.Aliases {
				m[translator.NormalizeCode(a)] = true
			}
		}
		known[l.Tool] = m
	}
	// hadolint runs ShellCheck on every RUN instruction and reports any of
	// its codes, not only the ones its README lists.
	for c := range known["shellcheck"] {
		known["hadolint"][c] = true
	}
	// Codes the ShellCheck source at the listed commit no longer has, that
	// older releases (and hadolint, whose README lists them) still print:
	// SC2039 was split into SC3xxx codes (cfd68ee) and SC1068 replaced by
	// SC2283 and friends (fbb14d6), both in 0.7.2; SC1000 is not in the
	// current source either.
	for _, c := range []string{"SC2039", "SC1068", "SC1000"} {
		known["shellcheck"][translator.NormalizeCode(c)] = true
	}
	seen := map[string]bool{}
	for _, ce := range loadBuiltinContent(t) {
		if !coverageFiles[ce.File] {
			continue
		}
		seen[ce.File] = true
		for _, m := range ce.Entry.Match {
			k := known[m.Tool]
			if k == nil {
				t.Errorf("%s: %s matches tool %q, which has no rule list", ce.File, ce.Entry.ID, m.Tool)
				continue
			}
			for _, c := range m.Codes {
				if !k[translator.NormalizeCode(c)] {
					t.Errorf("%s: %s matches %s %q, which is not in runbooks/rules/%s.yaml", ce.File, ce.Entry.ID, m.Tool, c, m.Tool)
				}
			}
		}
	}
	for f := range coverageFiles {
		if !seen[f] {
			t.Errorf("%s: no entries loaded", f)
		}
	}
}
