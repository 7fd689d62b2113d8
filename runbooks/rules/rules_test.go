package rules

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestBuiltinLists(t *testing.T) {
	ls, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	// One list per tool the issue names; each has default rules.
	want := []string{"gitleaks", "hadolint", "kube-linter", "kube-score", "polaris", "shellcheck", "tflint", "tfsec", "trivy"}
	var got []string
	for _, l := range ls {
		got = append(got, l.Tool)
		if len(l.Defaults()) == 0 {
			t.Errorf("%s: no default rules", l.Tool)
		}
		if len(l.Source.Commit) != 40 {
			t.Errorf("%s: source commit %q is not a full hash", l.Tool, l.Source.Commit)
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("tools %v, want %v", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	for name, tc := range map[string]struct{ src, want string }{
		"unknown key": {"tool: x\nsource: {repo: r, commit: c}\nrules: [{id: a, title: t, default: true, colour: red}]\n", "field colour not found"},
		"no tool":     {"source: {repo: r, commit: c}\nrules: [{id: a}]\n", "no tool"},
		"no source":   {"tool: x\nrules: [{id: a}]\n", "source needs repo and commit"},
		"no rules":    {"tool: x\nsource: {repo: r, commit: c}\n", "no rules"},
		"no id":       {"tool: x\nsource: {repo: r, commit: c}\nrules: [{title: t}]\n", "rule 1 has no id"},
		"duplicate":   {"tool: x\nsource: {repo: r, commit: c}\nrules: [{id: a}, {id: a}]\n", `rule 2 repeats the id "a" of rule 1`},
		"not yaml":    {"tool: [\n", "parse rule list x.yaml"},
	} {
		_, err := Parse("x.yaml", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
	_, err := loadFS(fstest.MapFS{
		"a.yaml": {Data: []byte("tool: x\nsource: {repo: r, commit: c}\nrules: [{id: a}]\n")},
		"b.yaml": {Data: []byte("tool: x\nsource: {repo: r, commit: c}\nrules: [{id: b}]\n")},
	})
	if err == nil || !strings.Contains(err.Error(), `both for tool "x"`) {
		t.Errorf("two lists for one tool: %v", err)
	}
}
