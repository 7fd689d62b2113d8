package gitlab

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/runbook-translator/runbook-translator/reporters/forge/transport"
)

// DefaultBaseURL is the API root used when CI_API_V4_URL is not set.
const DefaultBaseURL = "https://gitlab.com/api/v4"

// Config is what the reporter needs to reach a merge request. Its String
// and GoString never show the token, so a Config can be logged.
type Config struct {
	// BaseURL is the API root, e.g. https://gitlab.example.com/api/v4
	// (CI_API_V4_URL).
	BaseURL string
	// Project is the numeric id or the full path of the project that owns
	// the merge request (CI_MERGE_REQUEST_PROJECT_ID, else CI_PROJECT_ID).
	Project string
	// MergeRequestIID is the merge request's number in its project
	// (CI_MERGE_REQUEST_IID).
	MergeRequestIID int64
	// Token is the API token (GITLAB_TOKEN, else CI_JOB_TOKEN).
	Token string
	// JobToken says Token is a CI job token, sent as JOB-TOKEN. Job tokens
	// reach only a few API endpoints; notes and discussions are not among
	// them on most GitLab versions, so writes fail and the reporter returns
	// ErrNoWriteAccess. Set GITLAB_TOKEN (a project access token with the
	// api scope and the Developer role, which may also resolve threads) for
	// inline comments.
	JobToken bool
	// HeadSHA is the analysed commit: the merge request's source commit
	// (CI_MERGE_REQUEST_SOURCE_BRANCH_SHA) in merged-results and
	// merge-train pipelines, CI_COMMIT_SHA otherwise. See headSHA.
	HeadSHA string
	// PipelineSHA is CI_COMMIT_SHA when it is not HeadSHA: the merge
	// commit a merged-results or merge-train pipeline runs on. A job that
	// scanned that commit's tree has line numbers of another tree than
	// the one the threads are placed on (see docs/forges.md).
	PipelineSHA string
	// RequestTimeout bounds each API request
	// (RUNBOOK_TRANSLATOR_REQUEST_TIMEOUT); 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// MaxWait is the total wait of one request between its retries
	// (RUNBOOK_TRANSLATOR_MAX_WAIT); 0 means RetryPolicy's default.
	MaxWait time.Duration
}

// String describes the config with the token redacted.
func (c Config) String() string {
	kind := "token"
	if c.JobToken {
		kind = "job token"
	}
	tok := "unset"
	if c.Token != "" {
		tok = "[REDACTED]"
	}
	return fmt.Sprintf("gitlab %s project %s !%d at %s (%s %s)", c.BaseURL, c.Project, c.MergeRequestIID, short(c.HeadSHA), kind, tok)
}

// GoString is String, so that %#v does not print the token either.
func (c Config) GoString() string { return c.String() }

// ConfigFromEnv builds the config from GitLab CI's predefined variables,
// read through getenv (os.Getenv in cmd; only cmd reads the environment).
// Non-zero fields of overrides (flags) win over the environment. Errors
// name the variable to set and never contain the token.
func ConfigFromEnv(getenv func(string) string, overrides Config) (Config, error) {
	env := func(names ...string) string {
		for _, n := range names {
			if v := strings.TrimSpace(getenv(n)); v != "" {
				return v
			}
		}
		return ""
	}
	c := Config{
		BaseURL: env("CI_API_V4_URL"),
		Project: env("CI_MERGE_REQUEST_PROJECT_ID", "CI_PROJECT_ID"),
		Token:   env("GITLAB_TOKEN", "ATLANTIS_GITLAB_TOKEN"),
	}
	c.HeadSHA, c.PipelineSHA = headSHA(env)
	// Atlantis custom run steps: the base repository and pull number.
	if c.Project == "" && env("BASE_REPO_OWNER") != "" && env("BASE_REPO_NAME") != "" {
		c.Project = env("BASE_REPO_OWNER") + "/" + env("BASE_REPO_NAME")
	}
	iidVar := "CI_MERGE_REQUEST_IID"
	if env(iidVar) == "" && env("PULL_NUM") != "" {
		iidVar = "PULL_NUM"
	}
	if c.Token == "" {
		if c.Token = env("CI_JOB_TOKEN"); c.Token != "" {
			c.JobToken = true
		}
	}
	var errs []error
	p, perrs := transport.PolicyFromEnv(getenv)
	errs = append(errs, perrs...)
	c.RequestTimeout, c.MaxWait = p.RequestTimeout, p.MaxWait
	if s := env(iidVar); s != "" && overrides.MergeRequestIID == 0 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("read %s: %q is not a merge request number", iidVar, s))
			n = -1
		}
		c.MergeRequestIID = n
	}
	if overrides.BaseURL != "" {
		c.BaseURL = overrides.BaseURL
	}
	if overrides.Project != "" {
		c.Project = overrides.Project
	}
	if overrides.MergeRequestIID != 0 {
		c.MergeRequestIID = overrides.MergeRequestIID
	}
	if overrides.Token != "" {
		c.Token, c.JobToken = overrides.Token, overrides.JobToken
	}
	if overrides.HeadSHA != "" {
		c.HeadSHA = overrides.HeadSHA
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.Project == "" {
		errs = append(errs, errors.New("no project: set CI_PROJECT_ID or pass the project id or path"))
	}
	if c.MergeRequestIID == 0 {
		errs = append(errs, errors.New("no merge request: CI_MERGE_REQUEST_IID is set only in merge request pipelines"))
	}
	if c.Token == "" {
		errs = append(errs, errors.New("no token: set GITLAB_TOKEN (api scope); CI_JOB_TOKEN cannot write notes"))
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("configure gitlab-mr-discussion: %w", errors.Join(errs...))
	}
	return c, nil
}

// headSHA picks the commit the findings are placed on. In a merged-results
// or merge-train pipeline CI_COMMIT_SHA is the merge commit GitLab made for
// the pipeline, which is no diff version of the merge request: a position
// with it as head_sha is refused, and compared with the latest version's
// head every run looked stale. There CI_MERGE_REQUEST_SOURCE_BRANCH_SHA is
// the source branch's head, which is; it is empty in other merge request
// pipelines, where CI_COMMIT_SHA is the source head
// (https://docs.gitlab.com/ci/variables/predefined_variables/). Atlantis
// gives HEAD_COMMIT. pipeline is CI_COMMIT_SHA when it differs from head.
func headSHA(env func(...string) string) (head, pipeline string) {
	commit := env("CI_COMMIT_SHA")
	if src := env("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"); src != "" {
		if commit == src {
			commit = ""
		}
		return src, commit
	}
	if commit != "" {
		return commit, ""
	}
	return env("HEAD_COMMIT"), ""
}

// NewClient returns a client-go client for the config: PRIVATE-TOKEN auth
// for a token, JOB-TOKEN for a job token. Its HTTP client sends through
// the one forge transport (reporters/forge/transport): client-go sets the
// token header on every request, and Go's http.Client copies it to a
// redirect (it drops only Authorization and Cookie, and those only for
// another domain), so the transport removes every credential header from
// a request to another host or port, or from https to http; and it
// removes the token from every answer's body and headers, whatever the
// status. The reporter does its own retries; the client's are switched
// off per request. opts come after the transport's, so a caller's
// gl.WithHTTPClient replaces it (tests only).
func NewClient(c Config, opts ...gl.ClientOptionFunc) (*gl.Client, error) {
	tr, err := transport.NewTransport(c.BaseURL, nil,
		transport.Policy{RequestTimeout: c.RequestTimeout, MaxWait: c.MaxWait}, c.Token)
	if err != nil {
		return nil, fmt.Errorf("create gitlab client: %s", transport.NewRedactor(c.Token).String(err.Error()))
	}
	hc := &http.Client{Transport: tr, CheckRedirect: transport.CheckRedirect}
	opts = append([]gl.ClientOptionFunc{gl.WithBaseURL(c.BaseURL), gl.WithHTTPClient(hc)}, opts...)
	var cl *gl.Client
	if c.JobToken {
		cl, err = gl.NewJobClient(c.Token, opts...)
	} else {
		cl, err = gl.NewClient(c.Token, opts...)
	}
	if err != nil {
		// client-go's errors name the URL, never the token; redact anyway.
		return nil, fmt.Errorf("create gitlab client: %s", transport.NewRedactor(c.Token).String(err.Error()))
	}
	return cl, nil
}

// New builds the reporter from a config: the client, the merge request,
// the analysed commit, and the token as a secret to redact.
func New(c Config, opts Options, clientOpts ...gl.ClientOptionFunc) (*Discussions, error) {
	cl, err := NewClient(c, clientOpts...)
	if err != nil {
		return nil, err
	}
	if opts.HeadSHA == "" {
		opts.HeadSHA = c.HeadSHA
	}
	if opts.RequestTimeout == 0 {
		opts.RequestTimeout = c.RequestTimeout
	}
	if opts.Retry.MaxWait == 0 {
		opts.Retry.MaxWait = c.MaxWait
	}
	opts.Secrets = append(opts.Secrets, c.Token)
	return NewDiscussions(cl, c.Project, c.MergeRequestIID, opts), nil
}
