package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// envVar is one environment variable the tool reads.
type envVar struct{ name, group, use string }

// environment lists every variable the tool reads (TestHelpEnvironmentListsEveryVariable
// checks it against the getenv calls in the source). Tokens are marked: their
// values never appear in output (guard.go, the forge transports).
var environment = []envVar{
	{"RUNBOOK_TRANSLATOR_GITHUB_TOKEN", "GitHub", "token (secret); first of RUNBOOK_TRANSLATOR_GITHUB_TOKEN, GITHUB_TOKEN, GH_TOKEN, ATLANTIS_GH_TOKEN wins"},
	{"GITHUB_TOKEN", "GitHub", "token (secret): the Actions token needs pull-requests: write (github-pr-review) or checks: write (github-check)"},
	{"GH_TOKEN", "GitHub", "token (secret), the GitHub CLI's variable"},
	{"ATLANTIS_GH_TOKEN", "GitHub", "token (secret) inherited by Atlantis run steps"},
	{"GITHUB_API_URL", "GitHub", "API root (GitHub Enterprise); --api-url overrides"},
	{"GITHUB_REPOSITORY", "GitHub", "owner/name; --repo overrides"},
	{"GITHUB_EVENT_PATH", "GitHub", "event payload: pull request number, head commit, fork or not; workflow_run payloads too"},
	{"GITHUB_EVENT_NAME", "GitHub", "pull_request, pull_request_target, workflow_run, push ..."},
	{"GITHUB_SHA", "GitHub", "commit of the run when the payload has no pull request head; --sha overrides"},
	{"GITLAB_CI", "GitLab", "\"true\" in GitLab CI: the job log gets a digest of the findings"},
	{"GITHUB_ACTIONS", "GitHub", "\"true\" in Actions: workflow commands in the log are neutralised, github-annotations is the fallback"},
	{"GITHUB_STEP_SUMMARY", "GitHub", "file the job summary (Markdown) is appended to"},
	{"GITLAB_TOKEN", "GitLab", "token (secret) with api scope, Developer role to resolve discussions"},
	{"ATLANTIS_GITLAB_TOKEN", "GitLab", "token (secret) inherited by Atlantis run steps"},
	{"CI_JOB_TOKEN", "GitLab", "job token (secret); read, but most GitLab versions do not let it write notes"},
	{"CI_API_V4_URL", "GitLab", "API root; --api-url overrides"},
	{"CI_PROJECT_ID", "GitLab", "project; --repo overrides"},
	{"CI_MERGE_REQUEST_PROJECT_ID", "GitLab", "the merge request's project (preferred over CI_PROJECT_ID)"},
	{"CI_MERGE_REQUEST_IID", "GitLab", "merge request number (merge request pipelines only); --pr overrides"},
	{"CI_COMMIT_SHA", "GitLab", "commit of the pipeline; the merge commit in merged-results pipelines"},
	{"CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", "GitLab", "the MR's source commit in merged-results and merge-train pipelines, preferred over CI_COMMIT_SHA"},
	{"CI_REGISTRY_PASSWORD", "GitLab", "never read for use; its value is redacted from output (secret)"},
	{"CI_DEPLOY_PASSWORD", "GitLab", "never read for use; its value is redacted from output (secret)"},
	{"ACTIONS_RUNTIME_TOKEN", "GitHub", "never read for use; its value is redacted from output (secret)"},
	{"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "GitHub", "never read for use; its value is redacted from output (secret)"},
	{"BASE_REPO_OWNER", "Atlantis", "repository owner in Atlantis run steps"},
	{"BASE_REPO_NAME", "Atlantis", "repository name in Atlantis run steps"},
	{"PULL_NUM", "Atlantis", "pull request number in Atlantis run steps"},
	{"HEAD_COMMIT", "Atlantis", "head commit in Atlantis run steps"},
	{"HEAD_REPO_OWNER", "Atlantis", "owner of the head repository (a fork when it differs)"},
	{"HEAD_REPO_NAME", "Atlantis", "name of the head repository"},
	{"ATLANTIS_GH_HOSTNAME", "Atlantis", "GitHub Enterprise host of the Atlantis server"},
	{"ATLANTIS_TERRAFORM_VERSION", "Atlantis", "set in Atlantis steps: a passing run's output is kept short"},
	{"RUNBOOK_TRANSLATOR_REQUEST_TIMEOUT", "Run", "bound of one API request, a Go duration (default 30s)"},
	{"RUNBOOK_TRANSLATOR_MAX_WAIT", "Run", "longest wait for a rate limit before giving up, a Go duration (default 2m)"},
	{"RUNBOOK_TRANSLATOR_STREAM", "Run", "1 forces the streaming path, 0 the batch path (default: chosen by the reporters)"},
	{"GOGC", "Run", "Go's garbage collector target; when it is unset, 400 until the first collection (a short run needs none), then Go's default 100"},
	{"NO_COLOR", "Run", "any value turns colour off in the local report (no-color.org)"},
	{"LC_ALL", "Run", "language of runbooks and reports after --lang and the config's lang (ja_JP.UTF-8 gives Japanese); the first of LC_ALL, LC_MESSAGES, LANG that is set decides, so LC_ALL=C gives English"},
	{"LC_MESSAGES", "Run", "language fallback after LC_ALL"},
	{"LANG", "Run", "language fallback after LC_ALL and LC_MESSAGES"},
}

func helpEnvironment() string {
	var b strings.Builder
	b.WriteString("Environment variables runbook-translator reads. Flags override them.\n")
	b.WriteString("Values of the variables marked (secret) never appear in its output or logs.\n")
	group := ""
	for _, v := range environment {
		if v.group != group {
			group = v.group
			fmt.Fprintf(&b, "\n%s:\n", group)
		}
		fmt.Fprintf(&b, "  %-36s %s\n", v.name, v.use)
	}
	return b.String()
}

const helpExitCodes = `Exit codes of runbook-translator review:

  0  nothing at or above --fail-level (default error); --fail-level none always gives 0
     unless another code below applies
  1  findings at or above --fail-level
  2  usage, config, catalog or input error: an unknown flag, format or reporter; a config or
     catalog that does not load (the message names the file and line); tool output that
     does not parse (the message names the format and the line or byte offset)
  3  a reporter could not deliver (API outage, no write access without a fallback) although
     the findings would not fail the run; the local report still lists every finding

A code of 1 wins over 3: failing findings are reported as failing even when a comment
could not be posted. Other commands exit 0 on success and 2 on a usage or input error;
'runbooks lint' and 'runbooks test' exit 1 when they find a problem.
`

// newHelpTopic returns a help-only command: cobra lists it under
// "Additional help topics" and prints it for 'help NAME'.
func newHelpTopic(name, short string, long func() string) *cobra.Command {
	c := &cobra.Command{Use: name, Short: short}
	c.SetHelpFunc(func(cmd *cobra.Command, _ []string) {
		fmt.Fprint(cmd.OutOrStdout(), long())
	})
	return c
}

func helpTopics() []*cobra.Command {
	return []*cobra.Command{
		newHelpTopic("environment", "Environment variables, tokens included", helpEnvironment),
		newHelpTopic("exit-codes", "What each exit code means", func() string { return helpExitCodes }),
		newHelpTopic("reviewdog", "reviewdog's flags and what to use instead", helpReviewdog),
	}
}
