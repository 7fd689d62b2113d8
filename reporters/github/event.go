package github

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// The two-stage workflow_run pattern for pull requests from forks: a
// `pull_request` workflow, whose token is read-only for forks, scans the
// checkout and uploads the tool output as an artifact; a second workflow
// `on: workflow_run` runs in the base repository with a token that can
// write, downloads the artifact and runs `review -r github-pr-review`
// (docs/forges.md). Its GITHUB_EVENT_PATH is a workflow_run payload
// (https://docs.github.com/en/webhooks/webhook-events-and-payloads#workflow_run),
// and GITHUB_SHA is the default branch's head there, not the commit the
// artifact is about.

// WorkflowRunEvent is GITHUB_EVENT_NAME for the second stage.
const WorkflowRunEvent = "workflow_run"

// workflowRun is the part of a workflow_run payload the context needs.
type workflowRun struct {
	WorkflowRun *struct {
		// Event is what triggered the first stage ("pull_request").
		Event string `json:"event"`
		// HeadSHA is the commit the first stage ran on: the pull
		// request's head for a pull_request run.
		HeadSHA        string `json:"head_sha"`
		HeadBranch     string `json:"head_branch"`
		HeadRepository *struct {
			FullName string `json:"full_name"`
		} `json:"head_repository"`
		Repository struct {
			FullName string `json:"full_name"`
		} `json:"repository"`
		// PullRequests lists the pull requests of head_branch. GitHub
		// leaves it empty when the pull request comes from a fork
		// (https://github.com/actions/runner/issues/3444,
		// https://github.com/github/docs/issues/22501): the number must
		// then come from the first stage (--pr), and the reviewer's head
		// check makes sure that pull request's head is head_sha.
		PullRequests []struct {
			Number int `json:"number"`
			Head   struct {
				SHA string `json:"sha"`
			} `json:"head"`
		} `json:"pull_requests"`
	} `json:"workflow_run"`
	Repository struct {
		FullName string `json:"full_name"`
	} `json:"repository"`
}

// fromWorkflowRun fills the pull request number (when the payload names
// it), the head repository and Fork from a workflow_run payload, and
// returns the commit to report on: workflow_run.head_sha. It is called by
// ContextFromEnv when GITHUB_EVENT_NAME is workflow_run.
func (c *Context) fromWorkflowRun(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read GITHUB_EVENT_PATH: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxEventBytes+1))
	if err != nil {
		return "", fmt.Errorf("read GITHUB_EVENT_PATH %s: %w", path, err)
	}
	if len(b) > maxEventBytes {
		return "", fmt.Errorf("read GITHUB_EVENT_PATH %s: larger than %d bytes", path, maxEventBytes)
	}
	var ev workflowRun
	if err := json.Unmarshal(b, &ev); err != nil {
		return "", fmt.Errorf("parse GITHUB_EVENT_PATH %s (a workflow_run event): %w", path, err)
	}
	run := ev.WorkflowRun
	if run == nil {
		return "", errors.New("read GITHUB_EVENT_PATH: GITHUB_EVENT_NAME is workflow_run but the payload has no workflow_run object")
	}
	if run.HeadSHA == "" {
		return "", errors.New("read GITHUB_EVENT_PATH: the workflow_run payload has no head_sha")
	}
	if run.Event != "pull_request" && run.Event != "pull_request_target" {
		// A push or a schedule: no pull request to comment on unless
		// --pr names one (and its head is head_sha).
		return run.HeadSHA, nil
	}
	base := run.Repository.FullName
	if base == "" {
		base = ev.Repository.FullName
	}
	if run.HeadRepository == nil {
		c.Fork = true // the fork was deleted
	} else {
		c.HeadRepo = run.HeadRepository.FullName
		c.Fork = base != "" && !strings.EqualFold(c.HeadRepo, base)
	}
	var match []int
	for _, pr := range run.PullRequests {
		if strings.EqualFold(pr.Head.SHA, run.HeadSHA) {
			match = append(match, pr.Number)
		}
	}
	switch {
	case len(match) == 1:
		c.PR = match[0]
	case len(match) == 0 && len(run.PullRequests) == 1:
		// The pull request moved on since; the head check says so.
		c.PR = run.PullRequests[0].Number
	}
	return run.HeadSHA, nil
}
