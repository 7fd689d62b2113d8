package parsers

import (
	"encoding/json"
	"testing"
)

func TestShellcheckBadInput(t *testing.T) {
	checkBadInput(t, "shellcheck", "shellcheck", "all-scripts.json1", 0,
		`[]`, `{"issues": []}`, `{"comments": [{"file": "a.sh"}]}`)
	checkBadInput(t, "shellcheck-json", "shellcheck", "all-scripts.json", 0,
		`{"comments": []}`, `[{"code": "SC2086"}]`)
}

func TestShellcheckDetect(t *testing.T) {
	checkDetected(t, "shellcheck", "shellcheck")
	checkDetected(t, "shellcheck", "shellcheck-json")
}

// json and json1 of one run give the same findings.
func TestShellcheckJSONMatchesJSON1(t *testing.T) {
	a, err := parseWith(t, "shellcheck", readFixture(t, "shellcheck", "all-scripts.json1"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := parseWith(t, "shellcheck-json", readFixture(t, "shellcheck", "all-scripts.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) || len(a) != 35 {
		t.Errorf("json1 (%d) and json (%d) differ", len(a), len(b))
	}
}

// A shape error in json1 points into the comments array.
func TestShellcheckShapeErrorOffset(t *testing.T) {
	in := []byte("{\"comments\":[\n{\"file\":\"a.sh\",\"line\":1,\"level\":\"info\",\"code\":1,\"message\":\"m\"},\n{\"file\":\"a.sh\"}]}")
	_, err := parseWith(t, "shellcheck", in, Options{})
	pe, ok := err.(*ParseError)
	if !ok || pe.Line != 3 {
		t.Fatalf("want a ParseError at line 3, got %v", err)
	}
}
