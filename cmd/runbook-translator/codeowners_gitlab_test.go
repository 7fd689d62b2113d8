package main

import (
	"strings"
	"testing"
)

// On GitLab, review reads CODEOWNERS the way GitLab does: sections with
// default owners, every matching section contributing
// (https://docs.gitlab.com/user/project/codeowners/reference/#sections).
// On GitHub the same file is not a CODEOWNERS file GitHub reads ([Section]
// lines are not GitHub syntax, and .gitlab/ is not a GitHub location).
func TestReviewReadsGitLabCodeowners(t *testing.T) {
	files := map[string]string{
		".gitlab/CODEOWNERS": "[Shell] @acme/shell-team\n*.sh\n\n[Docs]\n*.md @acme/docs\n",
		"catalog.yaml": `entries:
  - id: org-quoting
    title: Quote variables
    match:
      - tool: shellcheck
        codes: [SC2086]
    owner_from_codeowners: true
    body: Quote it.
`,
	}
	in := "a.sh:1:1: warning: x [SC2086]\n"
	args := []string{"review", "-f", "shellcheck-gcc", "-r", "json", "--fail-level", "none", "--runbooks", "catalog.yaml", "--trust-checkout"}

	checkout(t, files)
	code, out, stderr := runHostile(t, map[string]string{"GITLAB_CI": "true"}, in, args...)
	if code != ExitOK || !strings.Contains(out, `"owner":"@acme/shell-team"`) {
		t.Fatalf("GitLab CI: exit %d, want the Shell section's default owner\n%s\n%s", code, out, stderr)
	}

	checkout(t, files)
	code, out, stderr = runHostile(t, nil, in, args...)
	if code != ExitOK || strings.Contains(out, "@acme/shell-team") {
		t.Fatalf("outside GitLab: exit %d, the GitLab file must not give owners\n%s\n%s", code, out, stderr)
	}
}
