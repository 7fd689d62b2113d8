package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// envCallee says which calls read the environment: getenv, Getenv, env (the
// GitLab context's first-set-wins helper) and durationEnv.
var envCallee = regexp.MustCompile(`(?i)^(getenv|env|durationenv|lookupenv)$`)

var envName = regexp.MustCompile(`^[A-Z][A-Z0-9_]{2,}$`)

// sourceEnvVars walks the non-test Go files of the packages the binary is
// made of and returns every upper-case string literal passed to an env
// reader, or named by a var or const whose name ends in Var, Vars or Env.
func sourceEnvVars(t *testing.T) map[string]string {
	t.Helper()
	found := map[string]string{}
	fset := token.NewFileSet()
	for _, dir := range []string{".", "../../reporters", "../../runbooks", "../../parsers", "../../messages", "../../internal/repofs"} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, p, nil, 0)
			if err != nil {
				return err
			}
			add := func(e ast.Expr) {
				if bl, ok := e.(*ast.BasicLit); ok && bl.Kind == token.STRING {
					if s, err := strconv.Unquote(bl.Value); err == nil && envName.MatchString(s) {
						found[s] = p
					}
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					name := ""
					switch fn := n.Fun.(type) {
					case *ast.Ident:
						name = fn.Name
					case *ast.SelectorExpr:
						name = fn.Sel.Name
					}
					if envCallee.MatchString(name) {
						for _, a := range n.Args {
							add(a)
						}
					}
				case *ast.ValueSpec:
					for i, id := range n.Names {
						if strings.HasSuffix(id.Name, "Vars") || strings.HasSuffix(id.Name, "Var") || strings.HasSuffix(id.Name, "Env") {
							if i < len(n.Values) {
								ast.Inspect(n.Values[i], func(m ast.Node) bool {
									if e, ok := m.(ast.Expr); ok {
										add(e)
									}
									return true
								})
							}
						}
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return found
}

func TestHelpEnvironmentListsEveryVariable(t *testing.T) {
	code, out, _ := run(t, "", "help", "environment")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	vars := sourceEnvVars(t)
	for _, must := range []string{"GITHUB_TOKEN", "GITLAB_TOKEN", "RUNBOOK_TRANSLATOR_MAX_WAIT", "LANG"} {
		if _, ok := vars[must]; !ok {
			t.Fatalf("the source scan missed %s: the scan is broken", must)
		}
	}
	for v, file := range vars {
		if !strings.Contains(out, "\n  "+v+" ") {
			t.Errorf("%s (read in %s) is missing from 'help environment'", v, file)
		}
	}
	for _, v := range environment {
		if strings.Contains(v.use, "secret") {
			found := false
			for _, s := range secretVars {
				found = found || s == v.name
			}
			if !found {
				t.Errorf("%s is called a secret but guard.go does not redact it", v.name)
			}
		}
	}
	for _, s := range secretVars {
		if !strings.Contains(out, "\n  "+s+" ") {
			t.Errorf("redacted variable %s is not documented", s)
		}
	}
}

func TestHelpExitCodes(t *testing.T) {
	code, out, _ := run(t, "", "help", "exit-codes")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, c := range []int{ExitOK, ExitFindings, ExitUsage, ExitReporter} {
		if !strings.Contains(out, "\n  "+strconv.Itoa(c)+"  ") {
			t.Errorf("exit code %d is not explained:\n%s", c, out)
		}
	}
}

func TestReviewdogFlagsNameTheRightOne(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"review", "-reporter=local"}, "--reporter"},
		{[]string{"review", "-efm=%f:%l: %m"}, "--efm"},
		{[]string{"review", "-efm", "%f:%l: %m"}, "--efm"},
		{[]string{"review", "-filter-mode=added"}, "--filter-mode"},
		{[]string{"review", "-name=golint"}, "--tool"},
		{[]string{"review", "-fail-on-error"}, "--fail-level error"},
	} {
		code, _, stderr := run(t, "", tc.args...)
		if code != ExitUsage || !strings.Contains(stderr, "reviewdog's flag") || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "eporter") && !strings.Contains(stderr, "-reporter") {
			t.Errorf("%v: exit %d, stderr %q; want a usage error naming %s", tc.args, code, stderr, tc.want)
		}
	}
	// After "--" an argument is a file name, and short flags still work.
	if err := reviewdogHint([]string{"review", "--", "-reporter=local"}); err != nil {
		t.Errorf("a file after -- was taken for a flag: %v", err)
	}
	if err := reviewdogHint([]string{"review", "-f=trivy", "-r", "json", "-v"}); err != nil {
		t.Errorf("short flags were refused: %v", err)
	}
}

func TestVersionPrintsCommitAndDate(t *testing.T) {
	old := [3]string{Version, Commit, Date}
	Version, Commit, Date = "v1.2.3", "0123abc", "2026-12-02T00:00:00Z"
	t.Cleanup(func() { Version, Commit, Date = old[0], old[1], old[2] })
	code, out, _ := run(t, "", "version")
	if code != ExitOK || !strings.HasPrefix(out, "runbook-translator v1.2.3\ncommit: 0123abc\ndate: 2026-12-02T00:00:00Z\n") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestCompletionOffersFlagValues(t *testing.T) {
	code, out, _ := run(t, "", "__complete", "review", "--filter-mode", "")
	if code != ExitOK || !strings.Contains(out, "diff_context\n") || !strings.Contains(out, "nofilter\n") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, out, _ = run(t, "", "__complete", "review", "-f", "triv")
	if code != ExitOK || !strings.Contains(out, "trivy\n") || strings.Contains(out, "conftest\n") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// Unknown -f and -r names get the nearest valid one (issue 15).
func TestUnknownNamesSuggestTheNearest(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"review", "-f", "trivvy", "x.json"}, `unknown input format "trivvy" (did you mean "trivy"?)`},
		{[]string{"review", "-r", "jsn", "x.json"}, `unknown reporter "jsn" (did you mean "json"?)`},
		{[]string{"review", "-r", "github-pr-reveiw", "x.json"}, `(did you mean "github-pr-review"?)`},
	} {
		code, _, stderr := run(t, "", tc.args...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, stderr)
		}
	}
}
