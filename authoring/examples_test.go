package authoring

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunExamplesBuiltinAndExampleCatalogsPass(t *testing.T) {
	for _, paths := range [][]string{nil, {org, repo}} {
		c, err := Load(paths, false)
		if err != nil {
			t.Fatal(err)
		}
		res := RunExamples(c)
		p, f := res.Counts()
		if f != 0 || p == 0 {
			t.Errorf("%v: %d passed, %d failed:\n%s", paths, p, f, out(res))
		}
	}
}

func TestRunExamplesFailures(t *testing.T) {
	c, err := Load([]string{"../testdata/catalogs/failing"}, false)
	if err != nil {
		t.Fatal(err)
	}
	res := RunExamples(c)
	got := out(res)
	for _, want := range []string{
		"FAIL ../testdata/catalogs/failing/catalog.yaml:13: stolen example 1\n" +
			`    the finding (tool "kube-linter", code "privileged-container") is taken by entry "pss-privileged" (builtin:pod-security.yaml:`,
		"FAIL ../testdata/catalogs/failing/catalog.yaml:27: missing-text example 1\n" +
			"    body does not contain \"replicas: 3\"\n    got:\n    | Fix `Deployment/web`:\n",
		"FAIL ../testdata/catalogs/failing/catalog.yaml:43: wrong-want example 1\n" +
			"    body differs from want:\n    --- want\n    +++ got\n      One\n    - Two ACME-12\n    + Two ACME-011\n      Three\n",
		"PASS ../testdata/catalogs/failing/catalog.yaml:62: passes example 1\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks\n%s\n--- output:\n%s", want, got)
		}
	}
	if strings.Contains(got, `does not contain "Fix`) {
		t.Errorf("a contained line is reported missing:\n%s", got)
	}
	if !strings.HasSuffix(got, "\n1 passed, 3 failed\n") {
		t.Errorf("summary line missing:\n%s", got)
	}
}

func out(r *TestResult) string {
	var b strings.Builder
	_ = r.Write(&b)
	return b.String()
}

func TestDiff(t *testing.T) {
	got := Diff("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nX\nf\ng\nh\n", 40)
	want := "--- want\n+++ got\n  c\n  d\n- e\n+ X\n  f\n  g\n"
	if got != want {
		t.Errorf("Diff =\n%s\nwant\n%s", got, want)
	}
	long := Diff(strings.Repeat("a\n", 100), strings.Repeat("b\n", 100), 10)
	if n := strings.Count(long, "\n"); n != 11 || !strings.Contains(long, "more diff lines") {
		t.Errorf("Diff not bounded: %d lines\n%s", n, long)
	}
}

// An example's manifest and fixed text check the entry's first fix: a
// fixed text the fix does not produce fails with the difference, and a
// fix that does not apply fails with the reason.
func TestExampleFixIsChecked(t *testing.T) {
	dir := t.TempDir()
	cat := `entries:
  - id: ro
    title: Writable root file system
    match: [{tool: kube-score, codes: [container-security-context-readonlyrootfilesystem]}]
    links: [https://kubernetes.io/docs/tasks/configure-pod-container/security-context/]
    body: "Set it: ` + "`readOnlyRootFilesystem: true`" + `"
    fix:
      - description: Mount the root file system read-only
        edits:
          - set: spec.containers[name=$container].securityContext.readOnlyRootFilesystem
            value: true
    examples:
      - finding: {tool: kube-score, code: container-security-context-readonlyrootfilesystem, message: m, resource: Pod/p, extra: {container: app}}
        manifest: |
          kind: Pod
          metadata: {name: p}
          spec:
            containers:
              - name: app  # the app
                image: app:1
        fixed: |
          kind: Pod
          metadata: {name: p}
          spec:
            containers:
              - name: app  # the app
                image: app:1
                securityContext:
                  readOnlyRootFilesystem: true
      - finding: {tool: kube-score, code: container-security-context-readonlyrootfilesystem, message: m, resource: Pod/p, extra: {container: app}}
        manifest: |
          kind: Pod
          metadata: {name: p}
          spec:
            containers:
              - name: app
        fixed: |
          kind: Pod
      - finding: {tool: kube-score, code: container-security-context-readonlyrootfilesystem, message: m, resource: Pod/p, extra: {container: other}}
        manifest: |
          kind: Pod
          metadata: {name: p}
          spec:
            containers:
              - name: app
`
	p := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(p, []byte(cat), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load([]string{p}, true)
	if err != nil {
		t.Fatal(err)
	}
	res := RunExamples(c)
	if len(res.Results) != 3 {
		t.Fatalf("%d results", len(res.Results))
	}
	if r := res.Results[0]; !r.Passed() {
		t.Errorf("example 1: %v", r.Failures)
	}
	if r := res.Results[1]; r.Passed() || !strings.Contains(strings.Join(r.Failures, "\n"), "+      securityContext:") {
		t.Errorf("example 2: want the difference, got %v", r.Failures)
	}
	if r := res.Results[2]; r.Passed() || !strings.Contains(strings.Join(r.Failures, "\n"), "has no such item") {
		t.Errorf("example 3: want why the fix does not apply, got %v", r.Failures)
	}
}
