package yamlerr

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type input struct {
	Path string   `yaml:"path"`
	EFM  []string `yaml:"efm"`
}

type config struct {
	FailLevel string  `yaml:"fail_level"`
	Inputs    []input `yaml:"inputs"`
	Mentions  bool    `yaml:"mentions"`
	Count     int
}

func explainAll(t *testing.T, doc string) []string {
	t.Helper()
	var c config
	dec := yaml.NewDecoder(bytes.NewReader([]byte(doc)))
	dec.KnownFields(true)
	err := dec.Decode(&c)
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		t.Fatalf("want a TypeError, got %v", err)
	}
	e := New([]byte(doc), &c)
	var out []string
	for _, m := range te.Errors {
		line, text := e.Explain(m)
		if line == 0 {
			t.Errorf("no line in %q", m)
		}
		if strings.Contains(text, "yamlerr.") || strings.Contains(text, "main.") || strings.Contains(text, "!!") {
			t.Errorf("Go type or YAML tag leaked: %q", text)
		}
		out = append(out, text)
	}
	return out
}

func TestUnknownKeyNamesPathAndSuggests(t *testing.T) {
	got := explainAll(t, "fail_levl: error\ninputs:\n  - path: a.json\n    efn: ['%f']\npath: x\ncolour: red\n")
	want := []string{
		`unknown key "fail_levl" (did you mean "fail_level"?)`,
		`unknown key "inputs[0].efn" (did you mean "efm"?)`,
		`unknown key "path" (path goes under inputs:)`,
		`unknown key "colour"; valid keys here: count, fail_level, inputs, mentions`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestWrongKindNamesKeyAndKinds(t *testing.T) {
	got := explainAll(t, "fail_level: [a]\nmentions: maybe\ninputs: {path: x}\ncount: many\n")
	want := []string{
		`"fail_level" must be a string, not a list`,
		`"mentions" must be true or false, not a string ("maybe")`,
		`"inputs" must be a list, not a mapping`,
		`"count" must be a whole number, not a string ("many")`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestTopLevelKind(t *testing.T) {
	got := explainAll(t, "- a\n- b\n")
	if len(got) != 1 || !strings.HasPrefix(got[0], "expected a mapping (with keys fail_level, inputs, mentions, count) here, not a list") {
		t.Fatalf("got %q", got)
	}
}
