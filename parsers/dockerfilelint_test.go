package parsers

import "testing"

func TestDockerfilelintBadInput(t *testing.T) {
	checkBadInput(t, "dockerfilelint", "dockerfilelint", "storefront.json", 0,
		`{"totalIssues": 0}`, `[]`,
		`{"files":[{"file":"Dockerfile","issues":[{"line":"four","title":"x"}]}]}`)
}

func TestDockerfilelintDetect(t *testing.T) {
	checkDetected(t, "dockerfilelint", "dockerfilelint")
}

func TestDockerfilelintNumericLine(t *testing.T) {
	fs, err := parseWith(t, "dockerfilelint",
		[]byte(`{"files":[{"file":"Dockerfile","issues":[{"line":12,"category":"Clarity","title":"Base Image Latest Tag","description":"d"}]}]}`), Options{})
	if err != nil || len(fs) != 1 || fs[0].Line != 12 || fs[0].Code != "base-image-latest-tag" {
		t.Fatalf("%+v %v", fs, err)
	}
}

func TestTitleSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Base Image Latest Tag":           "base-image-latest-tag",
		"Missing parameter for `apt-get`": "missing-parameter-for-apt-get",
		"Deprecated as of Docker 1.13":    "deprecated-as-of-docker-1-13",
	} {
		if got := titleSlug(in); got != want {
			t.Errorf("titleSlug(%q) = %q, want %q", in, got, want)
		}
	}
}
