package runbooks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const td = "../testdata/runbooks/"

// TestLoadErrors checks that each kind of strict-loading error names the
// file and the line of the entry, matcher or key it is about, and that all
// problems of a file are reported together.
func TestLoadErrors(t *testing.T) {
	cases := []struct {
		file string
		want []string // each "LINE: substring"
	}{
		{"unknown-key.yaml", []string{
			`8: unknown key "entries[1].matchs" (did you mean "match"?)`,
			`9: unknown key "entries[1].match[0].tol" (did you mean "tool"?)`,
		}},
		{"dup-id.yaml", []string{`6: entry "twice": duplicate id (first at line 2)`}},
		{"dup-matcher.yaml", []string{
			`11: entry "second": duplicate matcher: tool "trivy" code "ksv-17" is already matched by entry "first" (` + td + "bad/dup-matcher.yaml:2)",
		}},
		{"missing.yaml", []string{
			"2: entry #1: missing id",
			`5: entry "no-title": missing title`,
			`8: entry "no-body": missing body`,
			`11: entry "no-match": missing match`,
		}},
		{"bad-severity.yaml", []string{`4: entry "sev": invalid severity "blocker"`}},
		{"bad-regexp.yaml", []string{`6: entry "re": match[1]: invalid message pattern`}},
		{"bad-template.yaml", []string{`7: entry "tmpl": body: template: tmpl:2: function "nosuchfunc" not defined`}},
		{"bad-matcher.yaml", []string{
			`5: entry "m": match[0]: needs codes, message or default: true`,
			`6: entry "m": match[1]: default: true needs a tool`,
			`7: entry "m": match[2]: set only one of codes, message and default`,
		}},
		{"syntax.yaml", []string{"3: found unexpected end of stream"}},
		{"many.yaml", []string{
			`4: entry "one": invalid severity "loud"`,
			`6: entry "one": body: template: one:1: unclosed action`,
			`7: entry "one": duplicate id (first at line 2)`,
			`9: entry "one": duplicate matcher: code "a-1"`,
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			path := td + "bad/" + c.file
			l, err := LoadFile(path)
			if err == nil {
				t.Fatalf("LoadFile(%s) = %d entries, want an error", c.file, len(l.Entries()))
			}
			if l != nil {
				t.Errorf("LoadFile returned a layer with the error")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(c.want) {
				t.Errorf("got %d errors, want %d:\n%v", len(lines), len(c.want), err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), path+":"+w) {
					t.Errorf("error does not contain %q:\n%v", path+":"+w, err)
				}
			}
		})
	}
}

func TestLoadDirOrderAndSources(t *testing.T) {
	l, err := LoadDir(td + "dir")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{td + "dir/a.yml", td + "dir/b.yaml"}
	if strings.Join(l.Files, ",") != strings.Join(want, ",") {
		t.Errorf("Files = %v, want %v (sorted, .yml and .yaml, no .txt)", l.Files, want)
	}
	es := l.Entries()
	if len(es) != 2 || es[0].ID != "a-entry" || es[1].ID != "b-entry" {
		t.Fatalf("entries = %+v", es)
	}
	if es[0].Source != td+"dir/a.yml:2" {
		t.Errorf("Source = %q", es[0].Source)
	}
}

func TestLoadDirDuplicatesAcrossFiles(t *testing.T) {
	_, err := LoadDir(td + "dupdir")
	if err == nil {
		t.Fatal("want an error for an id and a matcher defined twice in one layer")
	}
	for _, w := range []string{
		td + `dupdir/two.yaml:6: entry "same": duplicate id (also in ` + td + "dupdir/one.yaml:2)",
		td + `dupdir/two.yaml:12: entry "claims-x1": duplicate matcher: code "x-1" is already matched by entry "same"`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not contain %q:\n%v", w, err)
		}
	}
}

func TestLoadPathsAndMissing(t *testing.T) {
	c, err := Load(td+"dir", td+"precedence.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Entry("a-entry") == nil || c.Entry("trivy-ksv-17") == nil {
		t.Errorf("Load did not merge a directory and a file")
	}
	_, err = Load(td+"nope.yaml", td+"bad/dup-id.yaml")
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") || !strings.Contains(err.Error(), "dup-id.yaml:6") {
		t.Errorf("Load errors = %v, want both paths reported", err)
	}
}

func TestLoadEmptyAndMultiDocument(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.yaml")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if l, err := LoadFile(empty); err != nil || len(l.Entries()) != 0 {
		t.Errorf("empty file: %v, %v", l, err)
	}
	multi := filepath.Join(dir, "multi.yaml")
	if err := os.WriteFile(multi, []byte("entries: []\n---\nentries: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(multi); err == nil || !strings.Contains(err.Error(), "more than one YAML document") {
		t.Errorf("multi-document file: err = %v", err)
	}
}
