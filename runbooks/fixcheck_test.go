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
		`bad-fix.yaml:11: entry "fx": fix[1].edits[0]: give only one of set, fill, replace, delete, add, rename and document`,
		`bad-fix.yaml:13: unknown key "entries[0].fix[1].edits[1].frob"`,
		`bad-fix.yaml:14: entry "fx": fix[1].edits[2]: needs one of set, fill, replace, delete, add or rename (a field path), or document`,
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

// replace: takes a scalar value or a catalog value, like set, and is
// checked as strictly: no mapping or list, no from:, one op per edit.
func TestLoadReplace(t *testing.T) {
	l, err := loadString(t, `entries:
  - id: ok
    title: t
    match: [{codes: [F-1]}]
    body: b
    fix:
      - description: Replace a root uid where it is set
        edits:
          - replace: spec.securityContext.runAsUser
            value: 10001
          - replace: spec.containers[name=$container].securityContext.runAsGroup
            value: $gid
          - replace: spec.priorityClassName
            catalog_value: priority_class
`)
	if err != nil {
		t.Fatal(err)
	}
	fx := l.Entries()[0].Fix[0]
	if op, p := fx.Edits[0].Op(); op != "replace" || p != "spec.securityContext.runAsUser" {
		t.Errorf("Op() = %s %s", op, p)
	}
	if v, ok := fx.Edits[0].Value.(int); !ok || v != 10001 {
		t.Errorf("value = %#v, want 10001", fx.Edits[0].Value)
	}
	_, err = loadString(t, `entries:
  - id: fx
    title: t
    match: [{codes: [F-1]}]
    body: b
    fix:
      - description: d
        edits:
          - replace: spec.securityContext
            value: {runAsUser: 10001}
          - replace: spec.securityContext.runAsUser
            from: spec.securityContext.fsGroup
          - replace: spec.securityContext.runAsUser
          - replace: spec.securityContext.runAsUser
            set: spec.securityContext.runAsUser
            value: 1
          - replace: spec.securityContext.supplementalGroups
            value: [10001]
          - replace: spec.priorityClassName
            catalog_value: priority_class
            value: standard
          - replace: spec.hostPID|spec.hostIPC
            value: false
          - replace: spec.containers[name=web]
            value: x
          - replace: spec.selector.matchLabels
            value: $selector_labels
          - replace: spec.hostPID
            value: false
            to: hostIPC
`)
	if err == nil {
		t.Fatal("bad replace edits loaded")
	}
	want := []string{
		`t.yaml:9: entry "fx": fix[0].edits[0]: replace: value must be a string, number or boolean, not a mapping`,
		`t.yaml:11: entry "fx": fix[0].edits[1]: replace takes value or catalog_value, not from`,
		`t.yaml:13: entry "fx": fix[0].edits[2]: replace needs a value (a string, number or boolean) or catalog_value`,
		`t.yaml:14: entry "fx": fix[0].edits[3]: give only one of set, fill, replace, delete, add, rename and document`,
		`t.yaml:17: entry "fx": fix[0].edits[4]: replace: value must be a string, number or boolean, not a list`,
		`t.yaml:19: entry "fx": fix[0].edits[5]: replace: give value or catalog_value, not both`,
		`t.yaml:22: entry "fx": fix[0].edits[6]: replace: "spec.hostPID|spec.hostIPC": a fix edits one field`,
		`t.yaml:24: entry "fx": fix[0].edits[7]: replace: "spec.containers[name=web]" must end in a key`,
		`t.yaml:26: entry "fx": fix[0].edits[8]: replace: $selector_labels is a mapping`,
		`t.yaml:28: entry "fx": fix[0].edits[9]: replace: to: is for rename`,
	}
	wantProblems(t, err, want)
}

// if_value limits a replace to one present value: a scalar literal, with
// replace only.
func TestLoadReplaceIfValue(t *testing.T) {
	l, err := loadString(t, `entries:
  - id: ok
    title: t
    match: [{codes: [F-1]}]
    body: b
    fix:
      - description: Replace a root uid where it is set to 0
        edits:
          - replace: spec.securityContext.runAsUser
            if_value: 0
            value: 10001
`)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := l.Entries()[0].Fix[0].Edits[0].IfValue.(int); !ok || v != 0 {
		t.Errorf("if_value = %#v, want 0", l.Entries()[0].Fix[0].Edits[0].IfValue)
	}
	_, err = loadString(t, `entries:
  - id: fx
    title: t
    match: [{codes: [F-1]}]
    body: b
    fix:
      - description: d
        edits:
          - set: spec.securityContext.runAsUser
            if_value: 0
            value: 10001
          - replace: spec.securityContext.runAsUser
            if_value: [0]
            value: 10001
          - replace: spec.securityContext.runAsUser
            if_value: $uid
            value: 10001
          - replace: spec.securityContext.runAsUser
            if_value:
            value: 10001
`)
	if err == nil {
		t.Fatal("bad if_value edits loaded")
	}
	want := []string{
		`t.yaml:9: entry "fx": fix[0].edits[0]: set: if_value is for replace`,
		`t.yaml:12: entry "fx": fix[0].edits[1]: replace: if_value must be a string, number or boolean, not a list`,
		`t.yaml:15: entry "fx": fix[0].edits[2]: replace: if_value "$uid" is a literal, not a $name`,
		`t.yaml:18: entry "fx": fix[0].edits[3]: replace: if_value must be a string, number or boolean, not null`,
	}
	wantProblems(t, err, want)
}

// WithPath changes the path of the edit's own operation, nothing else.
func TestFixEditWithPath(t *testing.T) {
	for _, e := range []FixEdit{{Set: "a"}, {Fill: "a"}, {Replace: "a", IfValue: 0}, {Delete: "a"}, {Add: "a"}, {Rename: "a"}} {
		op, _ := e.Op()
		got := e.WithPath("b.c")
		if gop, p := got.Op(); gop != op || p != "b.c" {
			t.Errorf("%s: WithPath gives %s %s", op, gop, p)
		}
		if got.IfValue != e.IfValue {
			t.Errorf("%s: WithPath changed if_value", op)
		}
	}
}
