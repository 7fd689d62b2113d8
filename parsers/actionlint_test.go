package parsers

import "testing"

func TestActionlintBadInput(t *testing.T) {
	checkBadInput(t, "actionlint", "actionlint", "all-workflows.json", 0,
		`{"message": "x"}`, `[{"message": "x"}]`)
}

func TestActionlintDetect(t *testing.T) {
	checkDetected(t, "actionlint", "actionlint", "lint.json")
}

func TestActionlintShellcheckCode(t *testing.T) {
	fs, err := parseWith(t, "actionlint", readFixture(t, "actionlint", "build-and-deploy.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range fs {
		if f.Code == "SC2045" {
			n++
			if len(f.Aliases) != 1 || f.Aliases[0] != "shellcheck" || f.Extra["shellcheck_level"] != "error" ||
				f.Line != 33 || f.Column != 9 {
				t.Errorf("got %+v", f)
			}
		}
		if f.Code == "shellcheck" {
			t.Errorf("shellcheck kind without SC code: %s", f.Message)
		}
	}
	if n != 1 {
		t.Errorf("%d SC2045 findings, want 1", n)
	}
}
