package gitlab

import (
	"fmt"
	"strings"
	"testing"
)

func getenv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigFromEnv(t *testing.T) {
	ci := map[string]string{
		"CI_API_V4_URL": "https://gitlab.example.com/api/v4/", "CI_PROJECT_ID": "1234",
		"CI_MERGE_REQUEST_IID": "56", "CI_COMMIT_SHA": "abcdef0123456789", "GITLAB_TOKEN": testToken,
		"CI_JOB_TOKEN": "glcbt-64_jobtoken0123456789abcdef",
	}
	c, err := ConfigFromEnv(getenv(ci), Config{})
	if err != nil {
		t.Fatal(err)
	}
	want := Config{BaseURL: "https://gitlab.example.com/api/v4", Project: "1234", MergeRequestIID: 56, Token: testToken, HeadSHA: "abcdef0123456789"}
	if c != want {
		t.Errorf("config = %+v", c)
	}

	// The merge request's own project wins over the pipeline's (a fork's
	// pipeline runs in the parent project); the job token is the fallback.
	ci["CI_MERGE_REQUEST_PROJECT_ID"] = "99"
	delete(ci, "GITLAB_TOKEN")
	c, err = ConfigFromEnv(getenv(ci), Config{})
	if err != nil || c.Project != "99" || !c.JobToken || c.Token != ci["CI_JOB_TOKEN"] {
		t.Errorf("job token config = %+v, %v", c, err)
	}

	// Overrides win.
	c, err = ConfigFromEnv(getenv(ci), Config{Project: "group/app", MergeRequestIID: 3, Token: "glpat-override-0123456789ab", HeadSHA: "ff"})
	if err != nil || c.Project != "group/app" || c.MergeRequestIID != 3 || c.JobToken || c.Token != "glpat-override-0123456789ab" || c.HeadSHA != "ff" {
		t.Errorf("overridden config = %+v, %v", c, err)
	}

	// Defaults and errors; the token never appears in them.
	_, err = ConfigFromEnv(getenv(map[string]string{"GITLAB_TOKEN": testToken, "CI_MERGE_REQUEST_IID": "x"}), Config{})
	if err == nil || !strings.Contains(err.Error(), "CI_PROJECT_ID") || !strings.Contains(err.Error(), `"x" is not a merge request number`) {
		t.Errorf("err = %v", err)
	}
	_, err = ConfigFromEnv(getenv(map[string]string{"CI_PROJECT_ID": "1"}), Config{})
	if err == nil || !strings.Contains(err.Error(), "CI_MERGE_REQUEST_IID") || !strings.Contains(err.Error(), "GITLAB_TOKEN") {
		t.Errorf("err = %v", err)
	}
	c, _ = ConfigFromEnv(getenv(map[string]string{"CI_PROJECT_ID": "1", "CI_MERGE_REQUEST_IID": "2", "GITLAB_TOKEN": testToken}), Config{})
	if c.BaseURL != DefaultBaseURL {
		t.Errorf("base URL = %q", c.BaseURL)
	}
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v %s", c, c, c, c)} {
		if strings.Contains(s, testToken) || !strings.Contains(s, "[REDACTED]") {
			t.Errorf("config printed as %q", s)
		}
	}
}

func TestNewClientAuth(t *testing.T) {
	e := standard(t)
	// A job token is sent as JOB-TOKEN; the fake accepts only its token,
	// so a job client with the right token reads fine.
	e.srv.Token = "glcbt-64_jobtoken0123456789abcdef"
	r, err := New(Config{BaseURL: e.srv.URL + "/api/v4", Project: projectPath, MergeRequestIID: mrIID, Token: e.srv.Token, JobToken: true},
		Options{Retry: RetryPolicy{Clock: e.clock}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.latestVersion(t.Context()); err != nil || e.srv.LastAuthHeader() != "JOB-TOKEN" {
		t.Errorf("job token read: %v, sent as %s", err, e.srv.LastAuthHeader())
	}
	if _, err := NewClient(Config{BaseURL: "::not a url", Token: testToken}); err == nil || strings.Contains(err.Error(), testToken) {
		t.Errorf("bad URL: err = %v", err)
	}
}

func TestContextOldLines(t *testing.T) {
	p := "--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n+top\n a\n b\n-c\n+d\n@@ -10,2 +11,2 @@ func\n x\n-y\n+z\n\\ No newline at end of file\n"
	got, err := contextOldLines(stripFileHeaders(p))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "map[2:1 3:2 11:10]" {
		t.Errorf("context lines = %v", got)
	}
	if _, err := contextOldLines("@@ bogus @@\n"); err == nil {
		t.Error("bad hunk header accepted")
	}
}

func TestConfigFromAtlantisEnv(t *testing.T) {
	env := map[string]string{
		"BASE_REPO_OWNER":       "platform/infra",
		"BASE_REPO_NAME":        "live",
		"PULL_NUM":              "42",
		"HEAD_COMMIT":           "0123abc",
		"ATLANTIS_GITLAB_TOKEN": "glpat-atlantis-secret",
		"CI_API_V4_URL":         "https://gitlab.example.com/api/v4",
	}
	c, err := ConfigFromEnv(func(k string) string { return env[k] }, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Project != "platform/infra/live" || c.MergeRequestIID != 42 || c.HeadSHA != "0123abc" || c.Token != "glpat-atlantis-secret" || c.JobToken {
		t.Errorf("config from Atlantis variables: %s project=%s iid=%d sha=%s", c, c.Project, c.MergeRequestIID, c.HeadSHA)
	}
}
