package runbooks

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// values: and catalog_value: are checked strictly, every problem at its
// line: names, literals bounded as fix values are, no "$" strings (they
// would read as finding placeholders), and edits that take a catalog value
// take nothing else but from:.
func TestLoadRejectsBadValues(t *testing.T) {
	long := strings.Repeat("x", maxFixValue+1)
	_, err := loadString(t, `values:
  CPU: 100m
  cpu_request: $container
  probe:
    httpGet: {path: /healthz, port: "${port}"}
  empty:
  long: `+long+`
  lines: "a\nb"
  deep: {a: {b: {c: {d: {e: {f: {g: {h: {i: 1}}}}}}}}}
entries:
  - id: e
    title: t
    match: [{codes: [F-1]}]
    body: b
    fix:
      - description: d
        edits:
          - fill: spec.priorityClassName
            catalog_value: Priority-Class
          - fill: spec.priorityClassName
            catalog_value: priority_class
            value: standard
          - delete: spec.hostPID
            catalog_value: priority_class
    examples:
      - finding: {tool: x, code: F-1, message: m}
        contains: [b]
        values:
          priority_class: $object_name
`)
	if err == nil {
		t.Fatal("bad values loaded")
	}
	want := []string{
		`t.yaml:2: values: "CPU" is not a value name`,
		`t.yaml:3: values: cpu_request: "$container" at line 3: a value is a literal, and a string starting with $ would read as a finding placeholder`,
		`t.yaml:4: values: probe: "${port}" at line 5: a value is a literal`,
		`t.yaml:6: values: empty: empty; give the value or leave the name out`,
		`t.yaml:7: values: long: value must be a non-empty string of one line, at most 256 bytes`,
		`t.yaml:8: values: lines: value must be a non-empty string of one line`,
		`t.yaml:9: values: deep: value is larger than 64 nodes or deeper than 8 levels`,
		`t.yaml:18: entry "e": fix[0].edits[0]: fill: catalog_value "Priority-Class" is not a value name`,
		`t.yaml:20: entry "e": fix[0].edits[1]: fill: give value or catalog_value, not both`,
		`t.yaml:23: entry "e": fix[0].edits[2]: delete takes no value`,
		`t.yaml:29: entry "e": example 1: values: priority_class: "$object_name" at line 29: a value is a literal`,
	}
	wantProblems(t, err, want)
}

// A layer sets a name once; more than maxValues names is refused.
func TestLoadValuesLimits(t *testing.T) {
	l := &Layer{Name: "t"}
	if err := l.add("a.yaml", []byte("values:\n  priority_class: standard\n")); err != nil {
		t.Fatal(err)
	}
	err := l.add("b.yaml", []byte("values:\n  priority_class: batch\n"))
	if err == nil || !strings.Contains(err.Error(), "b.yaml:2: values: priority_class is set twice in this layer (also at a.yaml:2)") {
		t.Errorf("duplicate in a layer: %v", err)
	}
	var b strings.Builder
	b.WriteString("values:\n")
	for i := 0; i <= maxValues; i++ {
		b.WriteString("  v" + strings.Repeat("x", i%3) + "_" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ": 1\n")
	}
	if _, err := loadString(t, b.String()); err == nil || !strings.Contains(err.Error(), "t.yaml:2: values: 65 names, at most 64") {
		t.Errorf("too many values: %v", err)
	}
}

// Later layers override earlier ones name by name; WithLang keeps them.
func TestMergeValues(t *testing.T) {
	org, err := loadString(t, "values:\n  cpu_request: 100m\n  liveness_probe:\n    httpGet: {path: /healthz, port: http}\n")
	if err != nil {
		t.Fatal(err)
	}
	repo, err := loadString(t, "values:\n  cpu_request: 250m\n")
	if err != nil {
		t.Fatal(err)
	}
	c := Merge(org, repo)
	if v, ok := c.Values().Get("cpu_request"); !ok || v != "250m" {
		t.Errorf("cpu_request = %v, %v; want the later layer's 250m", v, ok)
	}
	want := map[string]any{"httpGet": map[string]any{"path": "/healthz", "port": "http"}}
	if v, _ := c.Values().Get("liveness_probe"); !reflect.DeepEqual(v, want) {
		t.Errorf("liveness_probe = %#v", v)
	}
	if src := c.Values()["cpu_request"].Source; src != "t.yaml:2" {
		t.Errorf("source %q", src)
	}
	if _, ok := c.Values().Get("memory_limit"); ok {
		t.Error("memory_limit is set")
	}
	ja := c.WithLang("ja")
	if !reflect.DeepEqual(ja.Values(), c.Values()) {
		t.Error("WithLang dropped the values")
	}
}

// The built-in catalog sets no values (they are the organisation's), and
// the example organisation catalog sets every name the built-in entries
// take, so the proof with it (cmd/runbook-translator/fix_values_proof_test.go)
// covers each of them.
func TestBuiltinValueNames(t *testing.T) {
	b, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Values()) > 0 {
		t.Fatalf("the built-in catalog sets values: %v", b.Values().Names())
	}
	used := map[string]bool{}
	for _, e := range b.Entries() {
		for _, fx := range e.Fix {
			for _, ed := range fx.Edits {
				for _, n := range ed.CatalogNames() {
					used[n] = true
				}
			}
		}
	}
	var names []string
	for n := range used {
		names = append(names, n)
	}
	sort.Strings(names)
	org, err := LoadPath("../testdata/catalogs/org-values")
	if err != nil {
		t.Fatal(err)
	}
	if got := org.Values().Names(); !reflect.DeepEqual(got, names) {
		t.Errorf("testdata/catalogs/org-values sets %v; the built-in entries take %v", got, names)
	}
	if len(names) < 10 {
		t.Errorf("the built-in entries take only %v", names)
	}
}

// wantProblems checks that err, a load error of one line per problem,
// holds each of want and no other problem.
func wantProblems(t *testing.T, err error, want []string) {
	t.Helper()
	got := err.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
	if n := strings.Count(got, "\n") + 1; n != len(want) {
		t.Errorf("%d problems, want %d:\n%s", n, len(want), got)
	}
}

// A table (strings to strings, for catalog_map:) may hold up to
// maxTableEntries entries, where another structured value stops at
// maxFixNodes nodes; its entries are checked like literals.
func TestLoadValuesTables(t *testing.T) {
	table := func(n int) string {
		var b strings.Builder
		b.WriteString("values:\n  image_mirrors:\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "    img%d:1.0: registry.example.internal/mirror/img%d:1.0.0\n", i, i)
		}
		return b.String()
	}
	l, err := loadString(t, table(500))
	if err != nil {
		t.Fatalf("a table of 500 images: %v", err)
	}
	if m, _ := l.Values()["image_mirrors"].V.(map[string]any); len(m) != 500 || m["img7:1.0"] != "registry.example.internal/mirror/img7:1.0.0" {
		t.Errorf("table decoded as %d entries", len(m))
	}
	if _, err := loadString(t, table(maxTableEntries+1)); err == nil || !strings.Contains(err.Error(), "values: image_mirrors: a table of 1025 entries, at most 1024") {
		t.Errorf("too long a table: %v", err)
	}
	if _, err := loadString(t, "values:\n  image_mirrors:\n    nginx: \""+strings.Repeat("x", 300)+"\"\n"); err == nil || !strings.Contains(err.Error(), "at most 256 bytes (line 3)") {
		t.Errorf("a long table value: %v", err)
	}
	// not a table (a number among the values): the node bound holds
	var b strings.Builder
	b.WriteString("values:\n  big:\n")
	for i := 0; i < 70; i++ {
		fmt.Fprintf(&b, "    k%d: %d\n", i, i)
	}
	if _, err := loadString(t, b.String()); err == nil || !strings.Contains(err.Error(), "larger than 64 nodes") {
		t.Errorf("a large non-table value: %v", err)
	}
}
