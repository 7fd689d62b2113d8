package runbooks

import (
	"strings"
	"testing"
)

// A fix: block is checked strictly, every problem at the line of its fix
// or edit.
func TestLoadRejectsBadFixes(t *testing.T) {
	_, err := LoadFile(td + "bad/bad-fix.yaml")
	if err == nil {
		t.Fatal("bad-fix.yaml loaded")
	}
	want := []string{
		`bad-fix.yaml:7: entry "fx": fix[0]: needs a one-line description`,
		`bad-fix.yaml:7: entry "fx": fix[0]: needs at least one edit`,
		`bad-fix.yaml:11: entry "fx": fix[1].edits[0]: give only one of set, fill, delete, add, rename and document`,
		`bad-fix.yaml:13: unknown key "entries[0].fix[1].edits[1].frob"`,
		`bad-fix.yaml:14: entry "fx": fix[1].edits[2]: needs one of set, fill, delete, add or rename (a field path), or document`,
		`bad-fix.yaml:15: entry "fx": fix[1].edits[3]: set: parse field path "spec.containers[name=web": unterminated [`,
		`bad-fix.yaml:17: entry "fx": fix[1].edits[4]: set: "spec.containers[name=web]" must end in a key`,
		`bad-fix.yaml:19: entry "fx": fix[1].edits[5]: delete takes no value`,
		`bad-fix.yaml:21: entry "fx": fix[1].edits[6]: set needs a value`,
		`bad-fix.yaml:22: entry "fx": fix[1].edits[7]: add: value must be a string, number or boolean, not a mapping`,
		`bad-fix.yaml:24: entry "fx": fix[1].edits[8]: add: "spec.hostPID|spec.hostIPC": a fix edits one field`,
		`bad-fix.yaml:26: entry "fx": fix[1].edits[9]: set: value "$" is not $name or ${name}`,
		`bad-fix.yaml:28: entry "fx": fix[1].edits[10]: fill: give value or from, not both`,
		`bad-fix.yaml:31: entry "fx": fix[1].edits[11]: set: $selector_labels is a mapping: use it inside a mapping value`,
		`bad-fix.yaml:33: entry "fx": fix[1].edits[12]: document needs apiVersion`,
		`bad-fix.yaml:34: entry "fx": fix[1].edits[13]: set: value has an empty mapping at line 35`,
		`bad-fix.yaml:36: entry "fx": fix[2]: tools: " " is not a tool name`,
		`bad-fix.yaml:42: entry "fx": fix[3].edits[0]: rename takes no value or from`,
		`bad-fix.yaml:44: entry "fx": fix[3].edits[1]: rename: $selector_labels is a mapping, not the finding's JSON pointers`,
		`bad-fix.yaml:45: entry "fx": fix[3].edits[2]: rename: to: "labels: x" must be a plain key`,
		`bad-fix.yaml:47: entry "fx": fix[3].edits[3]: set: to: is for rename`,
		`bad-fix.yaml:50: entry "fx": fix[3].edits[4]: rename: to: must be a key name (a string)`,
	}
	got := err.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
}

// A good fix block loads, and its value keeps its YAML type.
func TestLoadFix(t *testing.T) {
	l, err := loadString(t, `entries:
  - id: ok
    title: t
    match: [{codes: [F-1]}]
    body: b
    fix:
      - description: Run as non-root
        edits:
          - set: spec.containers[name=$container].securityContext.runAsNonRoot
            value: true
          - set: spec.securityContext.runAsUser
            value: 10001
          - add: spec.containers[*].securityContext.capabilities.drop
            value: ALL
          - delete: spec.hostPID
`)
	if err != nil {
		t.Fatal(err)
	}
	fx := l.Entries()[0].Fix[0]
	if v, ok := fx.Edits[0].Value.(bool); !ok || !v {
		t.Errorf("value = %#v, want true", fx.Edits[0].Value)
	}
	if v, ok := fx.Edits[1].Value.(int); !ok || v != 10001 {
		t.Errorf("value = %#v, want 10001", fx.Edits[1].Value)
	}
	if op, p := fx.Edits[3].Op(); op != "delete" || p != "spec.hostPID" {
		t.Errorf("Op() = %s %s", op, p)
	}
}

func loadString(t *testing.T, s string) (*Layer, error) {
	t.Helper()
	l := &Layer{Name: "t"}
	return l, l.add("t.yaml", []byte(s))
}
