package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	orgCat  = "../../testdata/catalogs/org"
	repoCat = "../../testdata/catalogs/repo"
)

func testFactory() (*Factory, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &Factory{
		IO:     &IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut},
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	}, out, errOut
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return -1
}

func TestRunbooksFlagParsing(t *testing.T) {
	f, _, _ := testFactory()
	var lint *RunbooksLintOptions
	c := NewCmdRunbooksLint(f, func(o *RunbooksLintOptions) error { lint = o; return nil })
	c.SetArgs([]string{"--strict", "a", "b"})
	if err := c.Execute(); err != nil || !lint.Strict || strings.Join(lint.Paths, ",") != "a,b" {
		t.Errorf("lint flags: %+v, %v", lint, err)
	}
	var prev *RunbooksPreviewOptions
	c = NewCmdRunbooksPreview(f, func(o *RunbooksPreviewOptions) error { prev = o; return nil })
	c.SetArgs([]string{})
	if err := c.Execute(); err != nil || prev.Output != "runbooks-preview.html" {
		t.Errorf("preview default output: %+v, %v", prev, err)
	}
	c = NewCmdRunbooksCoverage(f, func(*RunbooksCoverageOptions) error { return nil })
	c.SetArgs([]string{"-f", "nope", "x.json"})
	if err := c.Execute(); exitCode(err) != ExitUsage || !strings.Contains(err.Error(), "valid formats") {
		t.Errorf("unknown format: %v", err)
	}
	c = NewCmdRunbooksCoverage(f, func(*RunbooksCoverageOptions) error { return nil })
	c.SetArgs([]string{})
	if err := c.Execute(); err == nil {
		t.Error("coverage without FILE accepted")
	}
}

func TestRunbooksLintRun(t *testing.T) {
	f, out, errOut := testFactory()
	if err := runbooksLintRun(&RunbooksLintOptions{IO: f.IO}); err != nil {
		t.Fatalf("built-in catalog: %v\n%s", err, out)
	}
	if out.Len() != 0 || !strings.Contains(errOut.String(), "0 errors, 0 warnings") {
		t.Errorf("built-in: out %q err %q", out, errOut)
	}

	f, out, _ = testFactory()
	err := runbooksLintRun(&RunbooksLintOptions{IO: f.IO, Paths: []string{orgCat, repoCat}})
	if err != nil || out.Len() != 0 {
		t.Errorf("org+repo: %v\n%s", err, out)
	}

	f, out, _ = testFactory()
	err = runbooksLintRun(&RunbooksLintOptions{IO: f.IO, Paths: []string{"../../testdata/catalogs/broken"}})
	if exitCode(err) != ExitUsage || !strings.Contains(err.Error(), "3 errors") {
		t.Errorf("broken: exit %d, %v", exitCode(err), err)
	}
	if first, _, _ := strings.Cut(out.String(), "\n"); first != `../../testdata/catalogs/broken/catalog.yaml:8: error: unknown key "entries[0].link" (did you mean "links"?)` {
		t.Errorf("first line %q", first)
	}

	// Warnings only: exit 0, or 1 with --strict.
	dir := t.TempDir()
	cat := filepath.Join(dir, "warn.yaml")
	if err := os.WriteFile(cat, []byte("entries:\n  - id: w\n    title: W\n    match: [{tool: conftest, codes: [W-1]}]\n    body: no fix here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, out, _ = testFactory()
	if err := runbooksLintRun(&RunbooksLintOptions{IO: f.IO, Paths: []string{cat}}); err != nil {
		t.Errorf("warnings only: %v", err)
	}
	if want := cat + ":2: warning: entry \"w\": no fix"; !strings.HasPrefix(out.String(), want) || strings.Count(out.String(), "\n") != 2 {
		t.Errorf("warnings output:\n%s\nwant it to start with %s", out, want)
	}
	f, _, _ = testFactory()
	if err := runbooksLintRun(&RunbooksLintOptions{IO: f.IO, Paths: []string{cat}, Strict: true}); exitCode(err) != ExitFindings {
		t.Errorf("--strict: exit %d (%v), want 1", exitCode(err), err)
	}
}

func TestRunbooksTestRun(t *testing.T) {
	f, out, _ := testFactory()
	if err := runbooksTestRun(&RunbooksTestOptions{IO: f.IO}); err != nil {
		t.Fatalf("built-in examples: %v\n%s", err, out)
	}
	if !strings.HasSuffix(out.String(), " passed, 0 failed\n") {
		t.Errorf("built-in summary: %q", out.String()[max(0, out.Len()-60):])
	}
	f, out, _ = testFactory()
	if err := runbooksTestRun(&RunbooksTestOptions{IO: f.IO, Paths: []string{orgCat, repoCat}}); err != nil || !strings.HasSuffix(out.String(), "\n4 passed, 0 failed\n") {
		t.Errorf("org+repo: %v\n%s", err, out)
	}
	f, out, _ = testFactory()
	err := runbooksTestRun(&RunbooksTestOptions{IO: f.IO, Paths: []string{"../../testdata/catalogs/failing"}})
	if exitCode(err) != ExitFindings || !strings.HasSuffix(out.String(), "\n1 passed, 3 failed\n") || !strings.Contains(out.String(), `taken by entry "pss-privileged"`) {
		t.Errorf("failing: exit %d\n%s", exitCode(err), out)
	}
	f, _, _ = testFactory()
	if err := runbooksTestRun(&RunbooksTestOptions{IO: f.IO, Paths: []string{"../../testdata/catalogs/broken"}}); exitCode(err) != ExitUsage {
		t.Errorf("broken catalog: exit %d, want 2", exitCode(err))
	}
}

func TestRunbooksCoverageRun(t *testing.T) {
	fixture := "../../testdata/kube-linter/k8s-shop.shop-config.json"
	f, out, _ := testFactory()
	o := &RunbooksCoverageOptions{IO: f.IO, Files: []string{fixture}}
	o.load = o.Catalog.load
	if err := runbooksCoverageRun(o); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if !strings.HasPrefix(lines[1], "7      kube-linter  shop-internal-registry      default-kube-linter") ||
		!strings.Contains(out.String(), "kube-linter  83        73       88.0%") {
		t.Errorf("table:\n%s", out)
	}

	// With the organisation and repository layers, as --runbooks gives them.
	f, out, _ = testFactory()
	o = &RunbooksCoverageOptions{IO: f.IO, Files: []string{fixture}, JSON: true}
	o.Catalog.Runbooks = []string{orgCat, repoCat}
	o.load = o.Catalog.load
	if err := runbooksCoverageRun(o); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Gaps  []any `json:"gaps"`
		Tools []struct {
			Share float64 `json:"share"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || len(rep.Gaps) != 0 || rep.Tools[0].Share != 100 {
		t.Errorf("json with org+repo: %v\n%s", err, out)
	}

	f, _, _ = testFactory()
	o = &RunbooksCoverageOptions{IO: f.IO, Files: []string{"../../testdata/catalogs/README.md"}}
	o.load = o.Catalog.load
	if err := runbooksCoverageRun(o); exitCode(err) != ExitUsage || !strings.Contains(err.Error(), "README.md") {
		t.Errorf("undetectable input: %v", err)
	}
}

func TestRunbooksPreviewRun(t *testing.T) {
	dir := t.TempDir()
	for _, paths := range [][]string{nil, {orgCat, repoCat}} {
		f, out, _ := testFactory()
		dst := filepath.Join(dir, "p.html")
		if err := runbooksPreviewRun(&RunbooksPreviewOptions{IO: f.IO, Paths: paths, Output: dst}); err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(out.String()) != dst {
			t.Errorf("printed %q, want %q", out, dst)
		}
		page, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"<nav id=\"toc\">", "<details><summary>Details</summary>"} {
			if !bytes.Contains(page, []byte(want)) {
				t.Errorf("%v: page lacks %q", paths, want)
			}
		}
		if paths != nil && !bytes.Contains(page, []byte("Workload has no team label")) {
			t.Errorf("org entry missing from the preview")
		}
	}
	f, _, _ := testFactory()
	if err := runbooksPreviewRun(&RunbooksPreviewOptions{IO: f.IO, Output: filepath.Join(dir, "no", "such", "dir.html")}); exitCode(err) != ExitUsage {
		t.Errorf("unwritable output: %v", err)
	}
}

func TestRunbooksListLayers(t *testing.T) {
	f, out, _ := testFactory()
	o := &RunbooksListOptions{IO: f.IO}
	o.Catalog.Runbooks = []string{orgCat, repoCat}
	o.load = o.Catalog.load
	if err := runbooksListRun(o); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"org-team-label ",
		"2. ../../testdata/catalogs/org: 3 entries from 1 files\n   replaces k8s-anti-affinity (builtin:workload-hygiene.yaml:",
		"   disables k8s-probes-identical (builtin:workload-hygiene.yaml:",
		"3. ../../testdata/catalogs/repo: 2 entries from 1 files\n   replaces org-internal-registry (../../testdata/catalogs/org/kubernetes.yaml:32) with ../../testdata/catalogs/repo/runbooks.yaml:4\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("list lacks %q", want)
		}
	}
	if strings.Contains(out.String(), "\nk8s-probes-identical ") {
		t.Error("a disabled entry is listed")
	}

	f, out, _ = testFactory()
	o = &RunbooksListOptions{IO: f.IO, JSON: true}
	o.Catalog.Runbooks = []string{orgCat, repoCat}
	o.load = o.Catalog.load
	if err := runbooksListRun(o); err != nil {
		t.Fatal(err)
	}
	var doc listJSON
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Layers) != 3 || len(doc.Layers[1].Disabled) != 1 || doc.Layers[1].Disabled[0].ID != "k8s-probes-identical" || len(doc.Layers[2].Replaced) != 1 {
		t.Errorf("layers: %+v", doc.Layers)
	}
	found := false
	for _, e := range doc.Entries {
		if e.ID == "org-team-label" {
			found = e.Layer == orgCat && e.OwnerFromCodeowners && e.Match[0].Tool == "kube-linter" && e.Examples == 1
		}
	}
	if !found {
		t.Error("org-team-label missing or wrong in JSON")
	}
}

func TestRunbooksMainExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"runbooks", "lint"}, ExitOK},
		{[]string{"runbooks", "lint", "../../testdata/catalogs/broken"}, ExitUsage},
		{[]string{"runbooks", "test", "../../testdata/catalogs/failing"}, ExitFindings},
		{[]string{"runbooks", "test", orgCat, repoCat}, ExitOK},
	} {
		var out, errOut bytes.Buffer
		if got := Main(tc.args, strings.NewReader(""), &out, &errOut, func(string) string { return "" }); got != tc.code {
			t.Errorf("%v: exit %d, want %d\n%s%s", tc.args, got, tc.code, out.String(), errOut.String())
		}
	}
}
