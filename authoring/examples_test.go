package authoring

import (
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
