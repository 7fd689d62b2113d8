package parsers

import (
	"errors"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// Behaviours of the new input formats that the recorded fixtures do not
// show. Each literal follows the document its comment names.

// Workflow commands: docs.github.com "Workflow commands for GitHub
// Actions" and actions/toolkit packages/core/src/command.ts (escapeData:
// % -> %25, \r -> %0D, \n -> %0A; escapeProperty adds : -> %3A, , -> %2C).
func TestWorkflowCommandsEscapes(t *testing.T) {
	in := "::group::lint\n" +
		"::add-mask::s3cr3t-value\n" +
		"::error file=dir%2Cx/a%3Ab.go,line=3,col=7,endLine=4,endColumn=2,title=Bad thing::100%25 wrong%0Asecond line %250A stays\n" +
		"::warning file=b.go,line=1::plain\n" +
		"::notice::no properties\n" +
		"##[error]legacy form\n" +
		"::debug::not a finding\n" +
		"::endgroup::\n"
	fs := mustParse(t, "github-workflow-commands", in)
	if len(fs) != 4 {
		t.Fatalf("got %d findings, want 4: %+v", len(fs), fs)
	}
	e := fs[0]
	if e.Path != "dir,x/a:b.go" || e.Line != 3 || e.Column != 7 || e.EndLine != 4 || e.EndColumn != 2 || e.Title != "Bad thing" ||
		e.Message != "100% wrong\nsecond line %0A stays" || e.Severity != translator.SeverityError {
		t.Errorf("error: %+v", e)
	}
	if fs[1].Severity != translator.SeverityWarning || fs[2].Severity != translator.SeverityInfo || fs[3].Message != "legacy form" {
		t.Errorf("levels: %+v", fs[1:])
	}
	for _, f := range fs {
		if strings.Contains(f.Message, "s3cr3t") {
			t.Errorf("add-mask value in a finding: %+v", f)
		}
	}
	_, err := psParse(t, "github-workflow-commands", Options{}, []byte("::error file=a.go,line=x::m\n"))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 1 {
		t.Errorf("bad line property: %v", err)
	}
	_, err = psParse(t, "github-workflow-commands", Options{}, []byte("just text\n"))
	if err == nil {
		t.Error("text without any workflow command read as clean")
	}
}

// conftest output/github.go: a policy location in another file is printed
// twice, the copy at the tested file prefixed "(ORIGINATING FROM ...)".
func TestWorkflowCommandsConftestOriginating(t *testing.T) {
	in := "::group::Testing \"k8s/a.yaml\" against 2 policies in namespace \"main\"\n" +
		"::error file=policy/x.rego,line=12::P1: Deployment/a: bad\n" +
		"::error file=k8s/a.yaml,line=1::(ORIGINATING FROM policy/x.rego:12) P1: Deployment/a: bad\n" +
		"::notice file=k8s/a.yaml,line=1::P2: Deployment/a: excused\n" +
		"::notice file=k8s/a.yaml,line=1::Test was skipped: why\n" +
		"::notice file=k8s/a.yaml,line=1::Number of successful checks: 0\n" +
		"::endgroup::\n2 tests, 0 passed, 0 warnings, 1 failure, 1 exception\n"
	fs := mustParse(t, "github-workflow-commands", in)
	if len(fs) != 2 || fs[0].Line != 12 || fs[0].Code != "P1" || fs[0].Extra["policy_namespace"] != "main" || !fs[1].Ignored() {
		t.Errorf("%+v", fs)
	}
}

// TAP 13 (testanything.org/tap-version-13-specification.html): TODO and
// SKIP directives are not failures, "Bail out!" stops the run, YAML
// diagnostics belong to the point before them.
func TestTAPDirectives(t *testing.T) {
	in := "TAP version 13\n1..5\n" +
		"not ok 1 - real failure\n  ---\n  message: \"expected 1, got 2\"\n  ...\n" +
		"not ok 2 - known # TODO not done yet\n" +
		"not ok 3 - skipped # SKIP no network\n" +
		"ok 4 - fine\n" +
		"not ok 5 - has a \\# hash\n"
	fs := mustParse(t, "tap", in)
	if len(fs) != 2 || fs[0].Message != "real failure\nexpected 1, got 2" || fs[1].Message != "has a # hash" || fs[0].Tool != "tap" {
		t.Errorf("%+v", fs)
	}
	_, err := psParse(t, "tap", Options{}, []byte("1..2\nnot ok 1 - x\nBail out! database down\n"))
	if err == nil || !strings.Contains(err.Error(), "bailed out") {
		t.Errorf("bail out: %v", err)
	}
}

// JUnit: the common schema (testsuites/testsuite/testcase with failure,
// error, skipped); file and line attributes as pytest and others write them.
func TestJUnitGeneric(t *testing.T) {
	in := `<?xml version="1.0"?><testsuites><testsuite name="s">
	<testcase classname="pkg.T" name="test_a" file="tests/a.py" line="12"><failure message="assert 1 == 2" type="AssertionError">trace here</failure></testcase>
	<testcase classname="pkg.T" name="test_b"><error message="boom"/></testcase>
	<testcase classname="pkg.T" name="test_c"><skipped/></testcase>
	<testcase classname="pkg.T" name="test_d"/></testsuite></testsuites>`
	fs := mustParse(t, "junit", in)
	if len(fs) != 2 || fs[0].Path != "tests/a.py" || fs[0].Line != 12 || fs[0].Code != "test_a" || fs[0].Message != "trace here" ||
		fs[0].Title != "assert 1 == 2" || fs[1].Message != "boom" || fs[1].ToolSeverity != "error" {
		t.Errorf("%+v", fs)
	}
	if _, err := psParse(t, "junit", Options{}, []byte(`<testsuite><testcase name="x"><failure>`)); err == nil {
		t.Error("truncated XML read without error")
	}
}

// GitLab Code Quality (docs.gitlab.com/ci/testing/code_quality): lines or
// positions, the five severities.
func TestCodeQualityShapes(t *testing.T) {
	in := `[{"description":"d1","check_name":"c1","fingerprint":"f1","severity":"blocker","location":{"path":"a.py","lines":{"begin":3,"end":5}}},
	{"type":"issue","description":"d2","check_name":"c2","fingerprint":"f2","severity":"minor","location":{"path":"./b.py","positions":{"begin":{"line":7,"column":2}}}},
	{"description":"d3","check_name":"c3","fingerprint":"f3","severity":"info","location":{"path":"c.py","lines":{"begin":1}}},
	{"type":"measurement","name":"x","value":1}]`
	fs := mustParse(t, "codequality", in)
	if len(fs) != 3 || fs[0].Severity != translator.SeverityCritical || fs[0].EndLine != 5 || fs[1].Path != "b.py" || fs[1].Column != 2 ||
		fs[1].Severity != translator.SeverityWarning || fs[2].Severity != translator.SeverityInfo || fs[0].Tool != "codequality" {
		t.Errorf("%+v", fs)
	}
	if _, err := psParse(t, "codequality", Options{}, []byte(`[{"fingerprint":"x"}]`)); err == nil {
		t.Error("an issue without description or check_name read without error")
	}
}
