package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/parsers"
)

// The proof that a fix fixes (issue 12): on the real inputs of the corpus
// (testdata/inputs, copied from it byte for byte), run each scanner CI can
// install, apply every suggested fix with `runbook-translator fix`, run
// every scanner again, and check that the fixed findings are gone and that
// no scanner reports anything it did not report before. The commands are
// those of the corpus (testdata/inputs/README.md and the corpus's
// commands.tsv).

// proofScanner is one scanner run over the copied inputs.
type proofScanner struct {
	name   string // the run, in the figures; the tool too unless tool is set
	tool   string // the tool, as found on PATH or in $GOPATH/bin ("" = name)
	format string // the runbook-translator input format of its output
	args   []string
	// terraform marks a Terraform scanner (the others read Kubernetes
	// manifests); the figures are kept apart.
	terraform bool
	// fixGoal is the least share of the findings with a specific runbook
	// that get a suggestion: what the built-in catalog reaches today
	// (rounded down), so that losing a fix fails the test (the 80% is not reachable
	// here: see the closing note of issue 12 for what cannot be fixed).
	// With helm the findings on the chart's stream go to its templates,
	// where a fix is made only where every line it reads and writes is
	// literal YAML (most of our chart's labels, security contexts and
	// resources come from helpers and values; what is written by exactly
	// {{- toYaml .Values.x | nindent N }} or key: {{ .Values.x }} is fixed
	// in the chart's values.yaml), so the floors are the shares with the
	// chart rendered: Conftest 36 of 126, kube-score 32 of 73 (7 and 9 of
	// them in the templates).
	fixGoal float64
}

var proofScanners = []proofScanner{
	{name: "conftest", format: "conftest", args: []string{"test", "--no-color", "--all-namespaces", "-p", "policy/lib", "-p", "policy/kubernetes", "-o", "json", "k8s", "helm/shop-rendered.yaml"}, fixGoal: 0.28},
	{name: "kube-score", format: "kube-score", args: []string{"score", "-o", "json", "k8s/catalog.yaml", "k8s/checkout.yaml", "k8s/jobs.yaml", "k8s/node-agent.yaml", "k8s/rbac.yaml", "k8s/storefront.yaml", "helm/shop-rendered.yaml"}, fixGoal: 0.43},
	{name: "kubeconform", format: "kubeconform", args: []string{"-n", "1", "-kubernetes-version", "1.27.0", "-schema-location", "kubeconform-schemas/{{ .NormalizedKubernetesVersion }}{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json", "-strict", "-output", "json", "k8s", "helm/shop-rendered.yaml"}, fixGoal: 1},
	{name: "tfsec", format: "tfsec", args: []string{"--no-color", "--no-module-downloads", "-f", "json", "terraform"}, terraform: true, fixGoal: 0.65},
	// trivy: the corpus's commands (testdata/trivy/cases.yaml);
	// --skip-check-update with an empty cache (scan) takes the checks built
	// into the binary, as the corpus did: nothing is downloaded. Not on
	// helm/shop-rendered.yaml: trivy's findings there come with the
	// stream's lines and their fixes edit the stream, not the templates,
	// so the next render undoes all of them (38 of 38 were still reported
	// when it was scanned too).
	{name: "trivy", tool: "trivy", format: "trivy", args: []string{"config", "--skip-check-update", "--disable-telemetry", "--quiet", "--config-data", "trivy/data", "-f", "json", "k8s"}, fixGoal: 0.75},
	{name: "trivy-terraform", tool: "trivy", format: "trivy", args: []string{"config", "--skip-check-update", "--disable-telemetry", "--quiet", "-f", "json", "terraform"}, terraform: true, fixGoal: 0.66},
}

// binary is the tool the scanner runs.
func (s proofScanner) binary() string {
	if s.tool != "" {
		return s.tool
	}
	return s.name
}

// proofTree copies the inputs the scanners read into a fresh directory.
// With helm (its path), the chart helm/shop is copied too and
// helm/shop-rendered.yaml is helm's rendering of it (renderChart), so that
// the findings on the stream go to the templates and their fixes are made
// there; without, helm/shop-rendered.yaml is the corpus's committed stream
// and no chart.
func proofTree(t *testing.T, helm string) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"k8s", "policy", "terraform", "kubeconform-schemas", "trivy"} {
		copyDir(t, filepath.Join("../../testdata/inputs", d), filepath.Join(dir, d))
	}
	if helm != "" {
		copyDir(t, "../../testdata/inputs/helm/shop", filepath.Join(dir, "helm/shop"))
		renderChart(t, helm, dir)
		return dir
	}
	if err := os.MkdirAll(filepath.Join(dir, "helm"), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../../testdata/inputs/helm/shop-rendered.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "helm/shop-rendered.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// renderChart writes helm/shop-rendered.yaml in dir from the chart
// helm/shop there, with the release name of testdata/inputs/README.md:
// `helm template shop helm/shop`. Helm's own directories are temporary,
// so nothing is read from or written to the user's.
func renderChart(t *testing.T, helm, dir string) {
	t.Helper()
	out := helmTemplate(t, helm, dir)
	if err := os.WriteFile(filepath.Join(dir, "helm/shop-rendered.yaml"), out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// helmTemplate runs `helm template shop helm/shop` in dir.
func helmTemplate(t *testing.T, helm, dir string) []byte {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(helm, "template", "shop", "helm/shop")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"HELM_CACHE_HOME="+filepath.Join(home, "cache"),
		"HELM_CONFIG_HOME="+filepath.Join(home, "config"),
		"HELM_DATA_HOME="+filepath.Join(home, "data"),
		"KUBECONFIG="+filepath.Join(home, "kubeconfig"))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("helm template shop helm/shop: %v\n%s", err, errOut.String())
	}
	return out.Bytes()
}

// scan runs the scanner in dir and returns its output and findings.
// pristine holds the findings of each scanner on the unchanged proof tree
// (proofTree), by scanner and helm binary: every proof starts from the same
// tree, and the scans before a fix were half of the proofs' scanner runs.
// The findings are read, never changed (keys, inherited); their paths are
// relative to the tree they were scanned in, like those of every tree.
var pristine struct {
	sync.Mutex
	m map[string]translator.Findings
}

func pristineScan(t *testing.T, s proofScanner, bin, dir, helm string) translator.Findings {
	t.Helper()
	key := s.name + "\x00" + bin + "\x00" + helm
	pristine.Lock()
	defer pristine.Unlock()
	if fs, ok := pristine.m[key]; ok {
		return fs
	}
	_, fs := scan(t, s, bin, dir)
	if pristine.m == nil {
		pristine.m = map[string]translator.Findings{}
	}
	pristine.m[key] = fs
	return fs
}

func scan(t *testing.T, s proofScanner, bin, dir string) ([]byte, translator.Findings) {
	t.Helper()
	cmd := exec.Command(bin, s.args...)
	cmd.Dir = dir
	if s.binary() == "trivy" {
		// an empty cache: the checks come from the binary (--skip-check-update)
		cmd.Env = append(os.Environ(), "TRIVY_CACHE_DIR="+t.TempDir())
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
		t.Fatalf("%s: %v\n%s", s.name, err, errOut.String())
	}
	ft, err := parsers.Lookup(s.format)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ft.New(parsers.Options{BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var fs translator.Findings
	if err := p.Parse(bytes.NewReader(out.Bytes()), func(f *translator.Finding) error {
		fs = append(fs, f)
		return nil
	}); err != nil {
		t.Fatalf("parse %s output: %v\n%s", s.name, err, out.String())
	}
	return out.Bytes(), fs
}

// proofKey identifies a finding across runs: tool, rule, file, object,
// container and message. A kube-score finding is one per check and object,
// naming every container that fails it ("sysctl-tuner,agent") in its
// container and message: with one container fixed it is the same finding,
// so for kube-score the key is the check and the object.
func proofKey(f *translator.Finding) string {
	msg, container := f.Message, f.Extra["container"]
	if f.Tool == "kube-score" {
		msg, container = "", ""
	}
	return strings.Join([]string{f.Tool, translator.NormalizeCode(f.Code), f.Path, f.Resource, container, msg}, "\x00")
}

// inherited returns the object that f's object was made from, when a fix
// added that object (a PodDisruptionBudget or ServiceAccount appended for
// a workload, named like it and carrying its labels) and the scanner
// reported the very same finding, message and all, for the original
// before: the new object inherits a gap of its workload (a required label
// it does not have either), which is not a change the fix made. Strict:
// the original must be in the same file, and the new object's
// metadata.labels (read from the fixed file in dir) must equal the
// original's, so the finding comes from the labels the fix copied and
// from nothing the fix wrote itself. "" otherwise.
func inherited(f *translator.Finding, before translator.Findings, dir string) string {
	kind, name, ok := strings.Cut(f.Resource, "/")
	if !ok {
		return ""
	}
	for _, b := range before {
		if b.Resource == f.Resource {
			return "" // the object was there before: a new finding of it is new
		}
	}
	src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
	if err != nil {
		return ""
	}
	docs := locate.Documents(src)
	labels := func(resource string) (map[string]string, bool) {
		d, ok := locate.FindDocument(docs, resource, "")
		if !ok {
			return nil, false
		}
		var obj struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
		}
		if err := d.Root.Decode(&obj); err != nil {
			return nil, false
		}
		return obj.Metadata.Labels, true
	}
	added, ok := labels(f.Resource)
	if !ok {
		return ""
	}
	for _, b := range before {
		bk, bn, ok := strings.Cut(b.Resource, "/")
		if !ok || bn != name || bk == kind || b.Tool != f.Tool || b.Code != f.Code || b.Path != f.Path {
			continue
		}
		if strings.ReplaceAll(b.Message, b.Resource, f.Resource) != f.Message {
			continue
		}
		if orig, ok := labels(b.Resource); ok && maps.Equal(orig, added) {
			return b.Resource
		}
	}
	return ""
}

func keys(fs translator.Findings) map[string]int {
	out := map[string]int{}
	for _, f := range fs {
		out[proofKey(f)]++
	}
	return out
}

// proofScanners' tools and helm, as found; with CI=true a missing one
// fails the test.
func proofTools(t *testing.T) (bins map[string]string, helm string) {
	t.Helper()
	bins = map[string]string{}
	for _, s := range proofScanners {
		if p, ok := lookTool(s.binary()); ok {
			bins[s.name] = p
		} else if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (.ci/run installs it)", s.binary())
		}
	}
	// With helm the chart is in the tree and rendered before each scan
	// (proofTree, renderChart); without, the committed stream is scanned.
	helm, ok := lookTool("helm")
	if !ok {
		if os.Getenv("CI") == "true" {
			t.Fatal("helm is not installed (.ci/run installs it)")
		}
		t.Log("helm is not installed: the committed helm/shop-rendered.yaml is scanned, without its chart")
	}
	return bins, helm
}

// proof is what one run of the proof loop counted.
type proof struct {
	findings, specific, withFix, inChart, gone, kept, added int
	// alone counts the suggestions without args (the built-in catalog
	// alone), when prove was given args.
	alone struct{ specific, withFix int }
}

// prove runs the proof loop for scanner s in a fresh tree: every installed
// scanner before, the suggestions and `runbook-translator fix` for s's
// findings (with args, such as --runbooks, given to both), the chart
// rendered again, every scanner after. A new finding of any scanner is an
// error of t.
func prove(t *testing.T, s proofScanner, bins map[string]string, helm string, args ...string) proof {
	t.Helper()
	var r proof
	dir := proofTree(t, helm)
	// every installed scanner, before (the pristine tree is the same for
	// every proof: scanned once per scanner and process)
	before := map[string]translator.Findings{}
	for _, o := range proofScanners {
		if bins[o.name] != "" {
			before[o.name] = pristineScan(t, o, bins[o.name], dir, helm)
		}
	}
	out, _ := scan(t, s, bins[s.name], dir)
	input := filepath.Join(t.TempDir(), s.name+".json")
	if err := os.WriteFile(input, out, 0o644); err != nil {
		t.Fatal(err)
	}
	// what the fix stage suggests, finding by finding
	fs := suggested(t, s.format, input, dir, args...)
	if len(args) > 0 {
		// the same output with the built-in catalog alone, for comparison
		r.alone.specific, r.alone.withFix, _ = suggestionShare(suggested(t, s.format, input, dir))
	}
	specific, withFix, inChart := 0, 0, 0
	fixedKeys := map[string]int{}
	for _, f := range fs {
		if f.Runbook == nil || f.Runbook.IsFallback() || f.Runbook.Generic {
			continue
		}
		specific++
		if len(f.Fixes) > 0 {
			withFix++
			fixedKeys[proofKey(f)]++
			if strings.HasPrefix(f.Fixes[0].Edits[0].Path, "helm/shop/") {
				inChart++
			}
		}
	}
	logUnsuggested(t, fs)
	// apply them with the command itself
	var stdout, stderr bytes.Buffer
	code := Main(append([]string{"fix", "-f", s.format, input, "--base-dir", dir}, args...), strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
	if code != 0 && code != ExitFixSkipped {
		t.Fatalf("fix exit %d:\n%s", code, stderr.String())
	}
	t.Logf("fix: %s", strings.TrimSpace(stderr.String()))
	if helm != "" {
		// the fixes in the templates reach the stream by a new render
		renderChart(t, helm, dir)
	}
	// every installed scanner, after
	gone, kept, added := 0, 0, 0
	for _, o := range proofScanners {
		if bins[o.name] == "" {
			continue
		}
		_, after := scan(t, o, bins[o.name], dir)
		was := keys(before[o.name])
		for _, f := range after {
			k := proofKey(f)
			if was[k] == 0 {
				if from := inherited(f, before[o.name], dir); from != "" {
					t.Logf("the fixes of %s added %s, which %s reports as it reports %s (the labels it copied): %s", s.name, f.Resource, o.name, from, f.Message)
					continue
				}
				t.Errorf("the fixes of %s made %s report a new finding: %s %s %s: %s", s.name, o.name, f.Code, f.Path, f.Resource, f.Message)
				added++
				continue
			}
			was[k]--
		}
		if o.name != s.name {
			continue
		}
		now := keys(after)
		for k, n := range fixedKeys {
			left := min(n, now[k])
			kept += left
			gone += n - left
			if left > 0 {
				t.Logf("still reported after its fix: %s", strings.ReplaceAll(k, "\x00", " | "))
			}
		}
	}
	r.findings, r.specific, r.withFix, r.inChart = len(fs), specific, withFix, inChart
	r.gone, r.kept, r.added = gone, kept, added
	return r
}

func share(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func TestFixesFixTheRealFindings(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real scanners")
	}
	bins, helm := proofTools(t)
	var report []string
	for _, s := range proofScanners {
		if bins[s.name] == "" {
			t.Logf("%s is not installed: %s skipped", s.binary(), s.name)
			continue
		}
		t.Run(s.name, func(t *testing.T) {
			r := prove(t, s, bins, helm)
			line := fmt.Sprintf("%s: %d findings, %d with a specific runbook, %d with a suggestion (%.0f%%, %d in the chart's templates); %d of them gone after the fix (%.0f%%); %d new findings (any scanner)",
				s.name, r.findings, r.specific, r.withFix, 100*share(r.withFix, r.specific), r.inChart, r.gone, 100*share(r.gone, r.withFix), r.added)
			report = append(report, line)
			t.Log(line)
			if share(r.withFix, r.specific) < s.fixGoal {
				t.Errorf("%.0f%% of the findings with a specific runbook get a suggestion, want at least %.0f%%", 100*share(r.withFix, r.specific), 100*s.fixGoal)
			}
			if r.withFix > 0 && share(r.gone, r.withFix) < 0.95 {
				t.Errorf("only %d of %d fixed findings are gone when %s runs again, want 95%%", r.gone, r.withFix, s.name)
			}
		})
	}
	sort.Strings(report)
	t.Logf("figures:\n%s", strings.Join(report, "\n"))
}

// The scanners that cannot be installed here (kube-linter and polaris are
// not Go-installable offline) are measured on their committed outputs: the
// share of findings with a specific runbook that get a suggestion. Whether
// those fixes clear the findings is not checked for them; the floors are
// what the built-in catalog reaches today. Trivy's committed outputs are
// measured too, so that a machine without trivy (a 13-minute build on two
// free CPUs, an hour on a loaded machine) still counts its suggestions;
// TestFixesFixTheRealFindings re-runs it where it is installed.
func TestFixSuggestionsOnCommittedOutputs(t *testing.T) {
	for _, c := range committedOutputs {
		t.Run(c.name, func(t *testing.T) {
			input, dir := committedInput(t, c)
			fs := suggested(t, c.format, input, dir, c.args...)
			specific, withFix, _ := suggestionShare(fs)
			logUnsuggested(t, fs)
			share := float64(withFix) / float64(max(specific, 1))
			t.Logf("%s: %d findings, %d with a specific runbook, %d with a suggestion (%.0f%%)", c.name, len(fs), specific, withFix, 100*share)
			if share < c.goal {
				t.Errorf("%.0f%% get a suggestion, want at least %.0f%%", 100*share, 100*c.goal)
			}
		})
	}
}

// committedOutput is a committed output of a tool, with the floor of the
// share of its findings with a specific runbook that get a suggestion from
// the built-in catalog.
type committedOutput struct {
	name, format, output string
	args                 []string
	goal                 float64
}

var committedOutputs = []committedOutput{
	{"trivy", "trivy", "../../testdata/trivy/config-k8s-shop.json", []string{"--path-prefix", "k8s"}, 0.75},
	{"trivy-terraform", "trivy", "../../testdata/trivy/config-terraform.json", []string{"--path-prefix", "terraform"}, 0.66},
	{"kube-linter", "kube-linter", "../../testdata/kube-linter/k8s-shop.json", nil, 0.66},
	{"polaris", "polaris", "../../testdata/polaris/k8s-shop.json", nil, 0.61},
}

// committedInput writes c's output, its paths moved into a fresh proof
// tree, and returns it and the tree.
func committedInput(t *testing.T, c committedOutput) (input, dir string) {
	t.Helper()
	dir = proofTree(t, "")
	b, err := os.ReadFile(c.output)
	if err != nil {
		t.Fatal(err)
	}
	// the corpus's neutral prefix for the folder the tools ran in
	b = bytes.ReplaceAll(b, []byte("/ci/workspace/fixtures/inputs"), []byte(dir))
	input = filepath.Join(t.TempDir(), "out.json")
	if err := os.WriteFile(input, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return input, dir
}

// logUnsuggested logs the findings with a specific runbook that get no
// suggestion, grouped by code and entry, with why: the entry has no fix:
// block, or the FixNote of the first alternative (the closing note of
// issue 12 lists these).
func logUnsuggested(t *testing.T, fs translator.Findings) {
	t.Helper()
	groups := map[string]int{}
	for _, f := range fs {
		if f.Runbook == nil || f.Runbook.IsFallback() || f.Runbook.Generic || len(f.Fixes) > 0 {
			continue
		}
		why := f.FixNote
		if why == "" {
			why = "the entry has no fix: block"
		}
		groups[fmt.Sprintf("%s (%s): %s", f.Code, f.Runbook.ID, why)]++
	}
	lines := make([]string, 0, len(groups))
	for k, n := range groups {
		lines = append(lines, fmt.Sprintf("%3d %s", n, k))
	}
	sort.Strings(lines)
	if len(lines) > 0 {
		t.Logf("no suggestion:\n%s", strings.Join(lines, "\n"))
	}
}

// suggested runs the fix command's pipeline (no writing) and returns the
// findings with their fixes.
func suggested(t *testing.T, format, input, dir string, args ...string) translator.Findings {
	t.Helper()
	var opts *FixOptions
	f := &Factory{IO: &IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}, Getenv: func(string) string { return "" }, Now: time.Now}
	c := NewCmdFix(f, func(o *FixOptions) error { opts = o; return nil })
	c.SetArgs(append(append([]string{}, args...), "-f", format, input, "--base-dir", dir, "--dry-run"))
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	sess, err := prepareFixes(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.close()
	return sess.findings
}
