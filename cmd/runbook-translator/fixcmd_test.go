package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// fixTree copies the corpus manifests into a fresh base dir.
func fixTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	copyDir(t, "../../testdata/inputs/k8s", filepath.Join(dir, "k8s"))
	return dir
}

func runFix(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(append([]string{"fix"}, args...), strings.NewReader(""), &out, &errOut, func(string) string { return "" })
	return code, out.String(), errOut.String()
}

func TestFixDryRunPrintsTheDiffAndWritesNothing(t *testing.T) {
	dir := fixTree(t)
	before := readFile(t, filepath.Join(dir, "k8s/node-agent.yaml"))
	code, out, errOut := runFix(t, "--dry-run", "-f", "conftest", "../../testdata/conftest/k8s-shop.json", "--base-dir", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(out, "--- a/k8s/catalog.yaml\n+++ b/k8s/catalog.yaml\n@@ ") {
		t.Errorf("stdout does not start with the diff:\n%s", out)
	}
	for _, want := range []string{"-      hostPID: true\n", "-            privileged: true\n", "+            privileged: false\n", "+            readOnlyRootFilesystem: true\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("diff lacks %q", want)
		}
	}
	if !strings.Contains(errOut, "would apply 29 of 29 fixes to 4 files") {
		t.Errorf("stderr: %s", errOut)
	}
	if readFile(t, filepath.Join(dir, "k8s/node-agent.yaml")) != before {
		t.Error("--dry-run changed a file")
	}
}

func TestFixAppliesWhatTheFiltersSelect(t *testing.T) {
	dir := fixTree(t)
	orig := map[string]string{}
	for _, f := range []string{"catalog.yaml", "jobs.yaml", "node-agent.yaml", "storefront.yaml"} {
		orig[f] = readFile(t, filepath.Join(dir, "k8s", f))
	}
	code, out, errOut := runFix(t, "-f", "conftest", "../../testdata/conftest/k8s-shop.json", "--base-dir", dir,
		"--code", "K8S-014", "--code", "k8s-013", "--tool", "conftest", "--path", "k8s/node-*.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "applied 4 of 4 fixes to 1 files") {
		t.Errorf("stderr: %s", errOut)
	}
	got := readFile(t, filepath.Join(dir, "k8s/node-agent.yaml"))
	want := strings.Replace(strings.Replace(orig["node-agent.yaml"], "      hostNetwork: true\n      hostIPC: true\n      hostPID: true\n", "", 1),
		"            privileged: true\n", "            privileged: false\n", 1)
	if got != want {
		t.Errorf("node-agent.yaml after fix:\n%s", got)
	}
	if !strings.Contains(out, "--- a/k8s/node-agent.yaml") || strings.Contains(out, "catalog.yaml") {
		t.Errorf("diff:\n%s", out)
	}
	for _, f := range []string{"catalog.yaml", "jobs.yaml", "storefront.yaml"} {
		if readFile(t, filepath.Join(dir, "k8s", f)) != orig[f] {
			t.Errorf("%s changed, the filters exclude it", f)
		}
	}
	// nothing selected: exit 0 and says so
	code, out, errOut = runFix(t, "-f", "conftest", "../../testdata/conftest/k8s-shop.json", "--base-dir", dir, "--tool", "trivy")
	if code != 0 || out != "" || !strings.Contains(errOut, "no suggested fixes") {
		t.Errorf("exit %d, out %q, err %q", code, out, errOut)
	}
	if code, _, errOut := runFix(t, "-f", "conftest", "../../testdata/conftest/k8s-shop.json", "--base-dir", dir, "--path", "k8s/[bad"); code != ExitUsage || !strings.Contains(errOut, "not a valid glob") {
		t.Errorf("bad glob: exit %d, %s", code, errOut)
	}
}

func TestFixWritesNothingAfterAnInputError(t *testing.T) {
	dir := fixTree(t)
	bad := filepath.Join(t.TempDir(), "bad.json")
	good := readFile(t, "../../testdata/conftest/k8s-shop.json")
	if err := os.WriteFile(bad, []byte(good[:len(good)/2]), 0o644); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, filepath.Join(dir, "k8s/node-agent.yaml"))
	code, out, _ := runFix(t, "-f", "conftest", bad, "--base-dir", dir)
	if code != ExitUsage || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	if readFile(t, filepath.Join(dir, "k8s/node-agent.yaml")) != before {
		t.Error("a half-read input changed a file")
	}
}

// Overlapping fixes: a tool's fix that overlaps one already taken is
// skipped and named; a runbook's is computed again on the changed file; a
// fix of a file outside the base dir is refused.
func TestPlanFixesOverlapsAndOutside(t *testing.T) {
	dir := t.TempDir()
	src := "kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: app:1\n"
	if err := os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	tr, err := newTrust(dir, false, "")
	if err != nil {
		t.Fatal(err)
	}
	defer tr.close()
	cat, err := runbooks.Load(fixCatalog(t, `entries:
  - id: ro
    title: t
    match: [{codes: [RO]}]
    body: b
    fix:
      - description: read-only root
        edits:
          - set: spec.containers[name=$container].securityContext.readOnlyRootFilesystem
            value: true
  - id: nr
    title: t
    match: [{codes: [NR]}]
    body: b
    fix:
      - description: non-root
        edits:
          - set: spec.containers[name=$container].securityContext.runAsNonRoot
            value: true
`))
	if err != nil {
		t.Fatal(err)
	}
	ins := func(text string) translator.Edit {
		return translator.Edit{Path: "p.yaml", StartLine: 8, StartColumn: 1, EndLine: 8, EndColumn: 1, Text: text}
	}
	runbookFinding := func(code string) *translator.Finding {
		f := &translator.Finding{Tool: "t", Code: code, Resource: "Pod/p", Location: translator.Location{Path: "p.yaml", Line: 6}, Extra: map[string]string{"container": "app"}}
		f.Runbook = cat.Render(f)
		return f
	}
	ro, nr := runbookFinding("RO"), runbookFinding("NR")
	ro.Fixes = []translator.Fix{{Source: "runbook:ro", Edits: []translator.Edit{ins("    securityContext:\n      readOnlyRootFilesystem: true\n")}}}
	nr.Fixes = []translator.Fix{{Source: "runbook:nr", Edits: []translator.Edit{ins("    securityContext:\n      runAsNonRoot: true\n")}}}
	tool1 := &translator.Finding{Tool: "lint", Code: "L1", Location: translator.Location{Path: "p.yaml", Line: 7},
		Fixes: []translator.Fix{{Source: "lint", Edits: []translator.Edit{{Path: "p.yaml", StartLine: 7, StartColumn: 16, EndLine: 7, EndColumn: 17, Text: "2"}}}}}
	tool2 := &translator.Finding{Tool: "lint", Code: "L2", Location: translator.Location{Path: "p.yaml", Line: 7},
		Fixes: []translator.Fix{{Source: "lint", Edits: []translator.Edit{{Path: "p.yaml", StartLine: 7, StartColumn: 5, EndLine: 7, EndColumn: 17, Text: "image: app:3"}}}}}
	outside := &translator.Finding{Tool: "lint", Code: "L3",
		Fixes: []translator.Fix{{Source: "lint", Edits: []translator.Edit{{Path: "../x.yaml", StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 1, Text: "x"}}}}}
	res, err := planFixes(tr, cat, translator.Findings{ro, tool1, tool2, nr, outside})
	if err != nil {
		t.Fatal(err)
	}
	want := "kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: app:2\n    securityContext:\n      readOnlyRootFilesystem: true\n      runAsNonRoot: true\n"
	if got := res.now["p.yaml"]; got != want {
		t.Errorf("p.yaml:\n%s\nwant:\n%s", got, want)
	}
	if res.applied != 3 || len(res.skipped) != 2 {
		t.Fatalf("applied %d, skipped %+v", res.applied, res.skipped)
	}
	if s := res.skipped[0]; s.f != tool2 || !strings.Contains(s.why.In("en"), "overlaps another fix") {
		t.Errorf("skipped[0] = %s: %s", describeFinding(s.f), s.why.In("en"))
	}
	if s := res.skipped[1]; s.f != outside || !strings.Contains(s.why.In("en"), "outside") {
		t.Errorf("skipped[1] = %s: %s", describeFinding(s.f), s.why.In("en"))
	}
}

func fixCatalog(t *testing.T, s string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
