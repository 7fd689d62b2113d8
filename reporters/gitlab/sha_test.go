package gitlab

import "testing"

// TestHeadSHAInMergedResultsPipelines: in merged-results and merge-train
// pipelines CI_COMMIT_SHA is the merge commit and
// CI_MERGE_REQUEST_SOURCE_BRANCH_SHA the source head, which is what
// threads are placed on; elsewhere the source variable is empty
// (https://docs.gitlab.com/ci/variables/predefined_variables/).
func TestHeadSHAInMergedResultsPipelines(t *testing.T) {
	cases := []struct {
		name           string
		env            map[string]string
		head, pipeline string
	}{
		{"merge request pipeline", map[string]string{"CI_COMMIT_SHA": "src"}, "src", ""},
		{"merged results", map[string]string{"CI_COMMIT_SHA": "merge", "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": "src"}, "src", "merge"},
		{"both the same", map[string]string{"CI_COMMIT_SHA": "src", "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": "src"}, "src", ""},
		{"atlantis", map[string]string{"HEAD_COMMIT": "atl"}, "atl", ""},
	}
	for _, c := range cases {
		env := map[string]string{"CI_PROJECT_ID": "42", "CI_MERGE_REQUEST_IID": "7", "GITLAB_TOKEN": "t"}
		for k, v := range c.env {
			env[k] = v
		}
		cfg, err := ConfigFromEnv(func(k string) string { return env[k] }, Config{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if cfg.HeadSHA != c.head || cfg.PipelineSHA != c.pipeline {
			t.Errorf("%s: head %q pipeline %q, want %q %q", c.name, cfg.HeadSHA, cfg.PipelineSHA, c.head, c.pipeline)
		}
	}
	cfg, _ := ConfigFromEnv(func(k string) string {
		return map[string]string{"CI_PROJECT_ID": "42", "CI_MERGE_REQUEST_IID": "7", "GITLAB_TOKEN": "t",
			"CI_COMMIT_SHA": "merge", "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": "src"}[k]
	}, Config{HeadSHA: "flag"})
	if cfg.HeadSHA != "flag" {
		t.Errorf("--sha does not win: %q", cfg.HeadSHA)
	}
}
