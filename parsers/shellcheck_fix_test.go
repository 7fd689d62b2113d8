package parsers

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/patch"
)

// TestShellcheckFixesMatchShellcheck applies every fix read from the json1
// fixtures and compares the scripts with what ShellCheck itself makes of
// its fixes (`shellcheck -f diff`, applied with git apply), then runs
// ShellCheck on the fixed scripts: the fixed comments are gone and no new
// one appeared. It needs shellcheck and git (apt install shellcheck).
func TestShellcheckFixesMatchShellcheck(t *testing.T) {
	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck not installed")
	}
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	dir := "../testdata/shellcheck-fix"
	for _, c := range []struct{ input, script string }{
		{"unicode.sh.json1", "unicode.sh"},
		{"scripts.json1", "release.sh"},
		{"scripts.json1", "rotate-logs.sh"},
	} {
		t.Run(c.script, func(t *testing.T) {
			fs, err := parseFile(filepath.Join(dir, c.input), goldenCase{Format: "shellcheck", Files: dir})
			if err != nil {
				t.Fatal(err)
			}
			src, err := os.ReadFile(filepath.Join(dir, c.script))
			if err != nil {
				t.Fatal(err)
			}
			var edits []translator.Edit
			fixed := map[string]int{}
			for _, f := range fs {
				if f.Path != c.script || len(f.Fixes) == 0 {
					continue
				}
				if f.FixNote != "" {
					t.Errorf("%s:%d: %s", f.Path, f.Line, f.FixNote)
				}
				edits = append(edits, f.Fixes[0].Edits...)
				fixed[f.Code]++
			}
			if len(edits) == 0 {
				t.Fatal("no fixes read")
			}
			ours, err := patch.Apply(src, edits)
			if err != nil {
				t.Fatal(err)
			}

			tmp := t.TempDir()
			os.WriteFile(filepath.Join(tmp, c.script), src, 0o644)
			cmd := exec.Command(sc, "-f", "diff", c.script)
			cmd.Dir = tmp
			d, _ := cmd.Output() // exit 1: there are comments
			ap := exec.Command(git, "apply", "-")
			ap.Dir, ap.Stdin = tmp, bytes.NewReader(d)
			if out, err := ap.CombinedOutput(); err != nil {
				t.Fatalf("git apply shellcheck's diff: %v\n%s\n%s", err, out, d)
			}
			want, _ := os.ReadFile(filepath.Join(tmp, c.script))
			if !bytes.Equal(ours, want) {
				t.Errorf("fixes applied here:\n%s\nshellcheck -f diff:\n%s", patch.Unified(c.script, want, ours), d)
			}

			// Scanning the fixed script again: the fixed codes are gone.
			os.WriteFile(filepath.Join(tmp, c.script), ours, 0o644)
			rescan := exec.Command(sc, "-f", "json1", c.script)
			rescan.Dir = tmp
			out, _ := rescan.Output()
			var after translator.Findings
			p, _ := New("shellcheck", Options{})
			if err := p.Parse(bytes.NewReader(out), func(f *translator.Finding) error { after = append(after, f); return nil }); err != nil {
				t.Fatal(err)
			}
			before := map[string]int{}
			for _, f := range fs {
				if f.Path == c.script {
					before[f.Code]++
				}
			}
			for _, f := range after {
				if before[f.Code]-fixed[f.Code] <= 0 {
					t.Errorf("after the fixes %s:%d %s %s", f.Path, f.Line, f.Code, strings.TrimSpace(f.Message))
				}
				before[f.Code]--
			}
		})
	}
}

// TestShellcheckJSONAndJSON1FixesAgree: -f json keeps virtual columns (a
// tab to the next multiple of 8), -f json1 real ones; both become the same
// byte edits.
func TestShellcheckJSONAndJSON1FixesAgree(t *testing.T) {
	dir := "../testdata/shellcheck-fix"
	a, err := parseFile(filepath.Join(dir, "unicode.sh.json1"), goldenCase{Format: "shellcheck", Files: dir})
	if err != nil {
		t.Fatal(err)
	}
	b, err := parseFile(filepath.Join(dir, "unicode.sh.json"), goldenCase{Format: "shellcheck-json", Files: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("%d and %d findings", len(a), len(b))
	}
	n := 0
	for i := range a {
		if !reflect.DeepEqual(a[i].Fixes, b[i].Fixes) {
			t.Errorf("%s:%d %s: json1 %+v, json %+v", a[i].Path, a[i].Line, a[i].Code, a[i].Fixes, b[i].Fixes)
		}
		n += len(a[i].Fixes)
	}
	if n != 6 {
		t.Errorf("%d fixes, want 6", n)
	}
}
