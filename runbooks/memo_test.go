package runbooks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func goldenFindings(t *testing.T) []translator.Finding {
	t.Helper()
	paths, err := filepath.Glob("../testdata/*/*.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var out []translator.Finding
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var fs []translator.Finding
		if json.Unmarshal(data, &fs) == nil {
			out = append(out, fs...)
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d golden findings", len(out))
	}
	return out
}

// builtinEntries is the built-in catalog's live entries after the
// fallback: what the renderer tests run every path over.
func builtinEntries(t *testing.T) []*centry {
	t.Helper()
	l, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return append([]*centry{fallback}, Merge(l).live...)
}

// TestMemoMatchesExecution renders every built-in entry (and the fallback)
// for real findings and for variants that differ in one value each, with
// the memo and without: the bodies must be identical. A key that missed a
// value the template reads would hand a later variant an earlier body.
func TestMemoMatchesExecution(t *testing.T) {
	entries := builtinEntries(t)
	golden := goldenFindings(t)
	var fs []translator.Finding
	for i := 0; i < len(golden); i += 1 + len(golden)/50 {
		f := golden[i]
		fs = append(fs, f)
		for _, mut := range []func(*translator.Finding){
			func(f *translator.Finding) { f.Path = "other/" + f.Path },
			func(f *translator.Finding) { f.Line += 7 },
			func(f *translator.Finding) { f.Resource = "Deployment/other" },
			func(f *translator.Finding) { f.SetExtra("container", "sidecar") },
			func(f *translator.Finding) { f.Severity = translator.SeverityError },
			func(f *translator.Finding) { f.Code = f.Code + "X" },
		} {
			g := f
			g.Extra = nil
			for k, v := range f.Extra {
				g.SetExtra(k, v)
			}
			mut(&g)
			fs = append(fs, g)
		}
	}
	memoised := 0
	for _, ce := range entries {
		if _, ok := memoKeyOf(ce, &fs[0], nil); ok {
			memoised++
		}
		for i := range fs {
			memoEnabled = false
			want := render(ce, &fs[i], nil)
			memoEnabled = true
			got := render(ce, &fs[i], nil)
			if got.Body != want.Body || got.Error != want.Error {
				t.Fatalf("entry %s, finding %d (%s %s %s:%d): memo body differs:\n%s\n--- want ---\n%s",
					ce.ID, i, fs[i].Tool, fs[i].Code, fs[i].Path, fs[i].Line, got.Body, want.Body)
			}
		}
	}
	if memoised < len(entries)/2 {
		t.Errorf("only %d of %d entries are memoised", memoised, len(entries))
	}
	t.Logf("%d of %d entries memoised; %d findings each", memoised, len(entries), len(fs))
}

func TestMemoFields(t *testing.T) {
	for _, tc := range []struct {
		body string
		want []string // nil: not memoised
	}{
		{"{{.Message}} {{code .Raw.Code}}", []string{"Code", "Message"}},
		{"{{with .Path}}in {{code .}}{{end}}{{with $.Line}}:{{.}}{{end}}", []string{"Line", "Path"}},
		{"{{.Extra.fixed_version | default \"n/a\"}}", []string{"Extra.fixed_version"}},
		{"{{ignoreexample .}}", []string{"Code", "Path", "Resource", "Tool"}},
		{"{{range .Aliases}}{{.}}{{end}}", nil},
		{"{{$x := .Message}}{{$x}}", nil},
		{"{{.}}", nil},
		{"{{with .Extra}}{{.fixed_version}}{{end}}", nil},
		{"{{define \"x\"}}a{{end}}{{template \"x\"}}", nil},
	} {
		tmpl, err := newTemplate("t").Parse(tc.body)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := memoFields(tmpl)
		if tc.want == nil {
			if ok {
				t.Errorf("%q: memoised with %v, want not memoised", tc.body, got)
			}
			continue
		}
		if !ok || len(got) != len(tc.want) {
			t.Errorf("%q: got %v (ok=%v), want %v", tc.body, got, ok, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%q: got %v, want %v", tc.body, got, tc.want)
			}
		}
	}
}
