package parsers

import (
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestDetectHadolint(t *testing.T) { testDetect(t, "hadolint") }

func TestHadolintLevels(t *testing.T) {
	for level, want := range map[string]translator.Severity{
		"error": translator.SeverityError, "warning": translator.SeverityWarning,
		"info": translator.SeverityInfo, "style": translator.SeverityInfo,
	} {
		if got := hadolintSeverity(level); got != want {
			t.Errorf("%s -> %v, want %v", level, got, want)
		}
	}
	fs, err := parseBytes(t, "hadolint", readFile(t, "../testdata/hadolint/quangh0409-pretty.json"), Options{})
	if err != nil || len(fs) != 3 {
		t.Fatalf("%d findings, %v", len(fs), err)
	}
	if fs[0].Code != "SC2225" || fs[0].URL != "https://www.shellcheck.net/wiki/SC2225" || fs[1].URL != "https://github.com/hadolint/hadolint/wiki/DL3059" {
		t.Errorf("codes or URLs: %+v %+v", fs[0], fs[1])
	}
}

func TestHadolintStdinHasNoPath(t *testing.T) {
	fs, err := parseBytes(t, "hadolint", readFile(t, "../testdata/hadolint/hamzamaan-stdin.json"), Options{})
	if err != nil || len(fs) != 1 || fs[0].Path != "" || fs[0].Line != 7 {
		t.Fatalf("%+v %v", fs, err)
	}
}
