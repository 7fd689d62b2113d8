package authoring

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const (
	org  = "../testdata/catalogs/org"
	repo = "../testdata/catalogs/repo"
)

func TestLintBuiltinIsClean(t *testing.T) {
	res := Lint(nil, false)
	if res.Entries < 150 {
		t.Fatalf("linted %d entries; the built-in catalog has more", res.Entries)
	}
	for _, p := range res.Problems {
		t.Errorf("built-in catalog: %s", p)
	}
}

func TestLintOrgAndRepoCatalogs(t *testing.T) {
	res := Lint([]string{org, repo}, false)
	if res.Entries != 4 {
		t.Errorf("linted %d entries, want the 4 surviving entries of org and repo", res.Entries)
	}
	for _, p := range res.Problems {
		t.Errorf("example catalogs: %s", p)
	}
}

func TestLintReportsEachKindOfProblem(t *testing.T) {
	res := Lint([]string{"../testdata/catalogs/lint"}, false)
	const file = "../testdata/catalogs/lint/catalog.yaml"
	want := []struct {
		line int
		sev  Severity
		text string
	}{
		{3, Warning, `entry "no-link-no-fix": no fix`},
		{3, Warning, `entry "no-link-no-fix": no links`},
		{13, Warning, `no parser reports tool "kubelinter" (did you mean "kube-linter"?)`},
		{23, Error, `message pattern "denied^because" can never match`},
		{30, Error, `entry "breaks-at-render": body fails to render for a sample finding`},
		{42, Error, `example 1: body fails to render`},
		{42, Warning, `example 1 checks nothing`},
		{43, Warning, `its matcher tool "kube-linter" code "latest-tag" takes over from entry "k8s-image-tag-mutable" (builtin:`},
		{53, Warning, `disable: no earlier catalog layer defines entry "no-such-entry"`},
	}
	if len(res.Problems) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(res.Problems), len(want), dump(res))
	}
	for i, w := range want {
		if i >= len(res.Problems) {
			break
		}
		p := res.Problems[i]
		if p.File != file || p.Line != w.line || p.Severity != w.sev || !strings.Contains(p.Message, w.text) {
			t.Errorf("problem %d = %s\nwant %s:%d: %s: …%s…", i, p, file, w.line, w.sev, w.text)
		}
	}
	if res.Errors() != 3 || res.Warnings() != 6 {
		t.Errorf("errors %d warnings %d, want 3 and 6", res.Errors(), res.Warnings())
	}
	if !sort.SliceIsSorted(res.Problems, func(i, j int) bool { return res.Problems[i].Line < res.Problems[j].Line }) {
		t.Errorf("problems not sorted by line:\n%s", dump(res))
	}
}

func TestLintStrictLoadErrorsHaveFileAndLine(t *testing.T) {
	res := Lint([]string{"../testdata/catalogs/broken"}, false)
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	want := []string{
		`../testdata/catalogs/broken/catalog.yaml:8: error: unknown key "entries[0].link" (did you mean "links"?)`,
		"../testdata/catalogs/broken/catalog.yaml:18: error: entry \"bad-template\": body: template: bad-template:3: unexpected EOF",
		"../testdata/catalogs/broken/catalog.yaml:21: error: entry \"bad-pattern\": match[0]: invalid message pattern: error parsing regexp: missing closing ): `deny((`",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res := Lint([]string{"../testdata/catalogs/missing"}, false); res.Errors() != 1 || !strings.Contains(res.Problems[0].Message, "no such file") {
		t.Errorf("missing path: %s", dump(res))
	}
}

func dump(r *LintResult) string {
	var b strings.Builder
	_ = r.Write(&b)
	return b.String()
}

func TestNeverMatches(t *testing.T) {
	for _, tc := range []struct {
		re   string
		dead bool
	}{
		{`^GK-103: .*host(IPC|Network|PID) is not allowed`, false},
		{`denied^because`, true},
		{`(?m)denied\n^because`, false},
		{`end$ more`, true},
		{`end$`, false},
		{`a|b^c`, false},
		{`x^y|b^c`, true},
		{`[^\x00-\x{10FFFF}]`, true},
		{`.*^start`, false},
	} {
		if got := NeverMatches(tc.re) != ""; got != tc.dead {
			t.Errorf("NeverMatches(%q) = %v, want %v", tc.re, got, tc.dead)
		}
	}
}

func TestMatchingStringMatches(t *testing.T) {
	for _, re := range []string{
		`^GK-103: .*host(IPC|Network|PID) is not allowed`,
		`(?i)privileged\s+container`,
		`image "(?P<image>[^"]+)" uses tag latest`,
		`^[A-Z]{3}-\d{3}$`,
	} {
		s, ok := MatchingString(re)
		if !ok || !mustMatch(t, re, s) {
			t.Errorf("MatchingString(%q) = %q, %v: does not match", re, s, ok)
		}
	}
}

func TestLintBadLocateHint(t *testing.T) {
	dir := t.TempDir()
	cat := "entries:\n  - id: bad-hint\n    title: Bad hint\n    match:\n      - {tool: trivy, codes: [KSV-9999]}\n    links: [https://example.com]\n    locate: \"spec.containers[name=\"\n    body: |\n      Fix it.\n\n      ```yaml\n      a: b\n      ```\n"
	p := filepath.Join(dir, "hint.yaml")
	if err := os.WriteFile(p, []byte(cat), 0o644); err != nil {
		t.Fatal(err)
	}
	res := Lint([]string{p}, true)
	found := false
	for _, pr := range res.Problems {
		if pr.Severity == Error && strings.Contains(pr.Message, "locate") && pr.Line > 0 {
			found = true
		}
	}
	if !found {
		t.Errorf("a bad locate hint is not an error with a line: %+v", res.Problems)
	}
}

// Organisation values: the example values catalog is clean (the built-in
// entries take every name it sets); a misspelt value and a catalog_value
// no layer sets are warnings at their lines, and the example's own
// values: apply its fix.
func TestLintValues(t *testing.T) {
	res := Lint([]string{"../testdata/catalogs/org-values"}, false)
	for _, p := range res.Problems {
		t.Errorf("org-values: %s", p)
	}
	res = Lint([]string{"../testdata/catalogs/lint-values"}, false)
	const file = "../testdata/catalogs/lint-values/catalog.yaml"
	want := []string{
		file + ":6: warning: values: no entry's fix takes priority_clas (catalog_value: priority_clas); is the name misspelt?",
		file + ":8: warning: entry \"acme-priority\": fix[0] takes the value priority_class, which no catalog layer sets (they set cpu_request, priority_clas): the alternative is never suggested",
	}
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
