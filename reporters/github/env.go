package github

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/runbook-translator/runbook-translator/reporters/forge/transport"
)

// DefaultAPIURL is the REST API of github.com.
const DefaultAPIURL = "https://api.github.com"

// tokenVars are the variables a token is read from, first set wins:
// our own (so a workflow can pass a GitHub App token without touching the
// others), the Actions GITHUB_TOKEN, the GitHub CLI's GH_TOKEN, and last
// ATLANTIS_GH_TOKEN. Atlantis gives custom run steps no token of their own;
// they inherit the server's environment, so ATLANTIS_GH_TOKEN is there only
// when the server was configured through it. It is usually a personal access
// token, which can comment but cannot create check runs (GitHub Apps only):
// github-check then fails with ErrNoWriteAccess.
var tokenVars = []string{"RUNBOOK_TRANSLATOR_GITHUB_TOKEN", "GITHUB_TOKEN", "GH_TOKEN", "ATLANTIS_GH_TOKEN"}

// tokenRedacted replaces a token wherever it would be shown.
const tokenRedacted = transport.Redacted

// Token is a envSecret: every way of printing or encoding it shows
// "[REDACTED]". NewClient is the only reader of its value.
type Token string

// String implements fmt.Stringer.
func (Token) String() string { return tokenRedacted }

// GoString implements fmt.GoStringer.
func (Token) GoString() string { return strconv.Quote(tokenRedacted) }

// Format implements fmt.Formatter, so %v, %s, %q, %x and the others all redact.
func (t Token) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		io.WriteString(f, strconv.Quote(tokenRedacted))
		return
	}
	io.WriteString(f, tokenRedacted)
}

// MarshalText implements encoding.TextMarshaler (JSON, YAML, logs).
func (Token) MarshalText() ([]byte, error) { return []byte(tokenRedacted), nil }

// Context is where a GitHub reporter runs: the repository, pull request and
// commit, the API, and the token. It is built by ContextFromEnv; printing it
// never shows the token.
type Context struct {
	// Token authenticates API calls; "" when none is set.
	Token Token
	// TokenVar names the variable the token came from.
	TokenVar string
	// APIURL is the REST API root: DefaultAPIURL, or
	// https://HOST/api/v3 on GitHub Enterprise Server.
	APIURL string
	// Owner and Repo are the base repository.
	Owner, Repo string
	// PR is the pull request number; 0 outside a pull request.
	PR int
	// SHA is the commit to report on: the pull request's head commit (not
	// the merge commit GITHUB_SHA names on pull_request events).
	SHA string
	// HeadRepo is the "owner/name" the pull request comes from.
	HeadRepo string
	// Fork is true when the pull request comes from another repository:
	// its GITHUB_TOKEN is read-only, so github-check cannot work.
	Fork bool
	// EventName is GITHUB_EVENT_NAME ("pull_request", "push", ...).
	EventName string
	// StepSummary is the job summary file ($GITHUB_STEP_SUMMARY).
	StepSummary string
	// Atlantis is true when the context came from Atlantis variables.
	Atlantis bool
	// RequestTimeout bounds each API request
	// (RUNBOOK_TRANSLATOR_REQUEST_TIMEOUT); 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// MaxWait is the total wait of one request between its retries
	// (RUNBOOK_TRANSLATOR_MAX_WAIT); 0 means transport.DefaultMaxWait.
	MaxWait time.Duration
}

// Variables that tune how long the reporters wait on the API (see
// reporters/forge/transport).
const (
	RequestTimeoutVar = transport.RequestTimeoutVar
	MaxWaitVar        = transport.MaxWaitVar
)

// String describes the context without its token.
func (c Context) String() string {
	tok := "none"
	if c.Token != "" {
		tok = tokenRedacted + " from " + c.TokenVar
	}
	return fmt.Sprintf("github %s/%s pr=%d sha=%s fork=%t api=%s token=%s", c.Owner, c.Repo, c.PR, c.SHA, c.Fork, c.APIURL, tok)
}

// GoString implements fmt.GoStringer without the token.
func (c Context) GoString() string { return "github.Context{" + c.String() + "}" }

// Format implements fmt.Formatter: every verb prints String (the token is
// also tokenRedacted by its own type, this keeps %+v and %#v short and safe).
func (c Context) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, c.GoString())
		return
	}
	io.WriteString(f, c.String())
}

// Overrides are flag values that win over the environment.
type Overrides struct {
	// APIURL for GitHub Enterprise Server, e.g. https://ghe.example.com/api/v3.
	APIURL string
	// Repo is "owner/name".
	Repo string
	// PR is the pull request number.
	PR int
	// SHA is the commit to report on.
	SHA string
}

// ContextFromEnv reads the GitHub Actions (or Atlantis) environment through
// getenv; overrides win. It reads:
//
//   - the token: RUNBOOK_TRANSLATOR_GITHUB_TOKEN, GITHUB_TOKEN, GH_TOKEN,
//     ATLANTIS_GH_TOKEN, first set wins (a missing token is NewClient's
//     error, since github-annotations needs none);
//   - GITHUB_API_URL (default https://api.github.com);
//   - GITHUB_REPOSITORY (owner/name);
//   - GITHUB_EVENT_PATH: the event JSON's pull_request.number,
//     pull_request.head.sha, and head.repo.full_name against
//     base.repo.full_name for Fork;
//   - GITHUB_SHA (when the event names no head commit), GITHUB_EVENT_NAME,
//     GITHUB_STEP_SUMMARY;
//   - outside Actions, Atlantis's custom run step variables BASE_REPO_OWNER,
//     BASE_REPO_NAME, HEAD_REPO_OWNER, HEAD_REPO_NAME, PULL_NUM, HEAD_COMMIT,
//     and the server's ATLANTIS_GH_HOSTNAME for GitHub Enterprise;
//   - RUNBOOK_TRANSLATOR_REQUEST_TIMEOUT and RUNBOOK_TRANSLATOR_MAX_WAIT.
//
// An error names the variable (or flag) that is missing or malformed.
func ContextFromEnv(getenv func(string) string, over Overrides) (Context, error) {
	var c Context
	p, errs := transport.PolicyFromEnv(getenv)
	if len(errs) > 0 {
		return c, errs[0]
	}
	c.RequestTimeout, c.MaxWait = p.RequestTimeout, p.MaxWait
	for _, v := range tokenVars {
		if t := strings.TrimSpace(getenv(v)); t != "" {
			c.Token, c.TokenVar = Token(t), v
			break
		}
	}
	c.StepSummary = getenv("GITHUB_STEP_SUMMARY")
	c.EventName = getenv("GITHUB_EVENT_NAME")
	atlantis := getenv("GITHUB_ACTIONS") != "true" && getenv("BASE_REPO_OWNER") != "" && getenv("PULL_NUM") != ""

	// API URL.
	c.APIURL = getenv("GITHUB_API_URL")
	if c.APIURL == "" && atlantis {
		if h := getenv("ATLANTIS_GH_HOSTNAME"); h != "" && h != "github.com" {
			c.APIURL = "https://" + h + "/api/v3"
		}
	}
	if over.APIURL != "" {
		c.APIURL = over.APIURL
	}
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	c.APIURL = strings.TrimRight(c.APIURL, "/")
	if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return c, fmt.Errorf("parse GITHUB_API_URL %q: want an http(s) URL such as https://ghe.example.com/api/v3", c.APIURL)
	}

	// Repository, pull request and commit.
	var repo, repoVar string
	var prSHA string
	switch {
	case atlantis:
		c.Atlantis = true
		name := getenv("BASE_REPO_NAME")
		if name == "" {
			return c, errors.New("read Atlantis environment: BASE_REPO_NAME is not set")
		}
		repo, repoVar = getenv("BASE_REPO_OWNER")+"/"+name, "BASE_REPO_OWNER/BASE_REPO_NAME"
		n, err := strconv.Atoi(getenv("PULL_NUM"))
		if err != nil || n <= 0 {
			return c, fmt.Errorf("read Atlantis environment: PULL_NUM %q is not a pull request number", getenv("PULL_NUM"))
		}
		c.PR = n
		prSHA = getenv("HEAD_COMMIT")
		if ho, hn := getenv("HEAD_REPO_OWNER"), getenv("HEAD_REPO_NAME"); ho != "" && hn != "" {
			c.HeadRepo = ho + "/" + hn
			c.Fork = !strings.EqualFold(c.HeadRepo, repo)
		}
	default:
		repo, repoVar = getenv("GITHUB_REPOSITORY"), "GITHUB_REPOSITORY"
		if p := getenv("GITHUB_EVENT_PATH"); p != "" {
			ev, err := envReadEvent(p)
			if err != nil {
				return c, err
			}
			if c.EventName == WorkflowRunEvent {
				// The second stage of the fork pattern (event.go).
				if prSHA, err = c.fromWorkflowRun(p); err != nil {
					return c, err
				}
			}
			if pr := ev.PullRequest; pr != nil {
				c.PR = pr.Number
				prSHA = pr.Head.SHA
				base := pr.Base.Repo.FullName
				if base == "" {
					base = ev.Repository.FullName
				}
				if base == "" {
					base = repo
				}
				if pr.Head.Repo == nil {
					// The fork was deleted: GitHub sends head.repo null.
					c.Fork = true
				} else {
					c.HeadRepo = pr.Head.Repo.FullName
					c.Fork = !strings.EqualFold(c.HeadRepo, base)
				}
			}
		}
	}
	if over.Repo != "" {
		repo, repoVar = over.Repo, "--repo"
	}
	if repo == "" {
		return c, errors.New("read GitHub environment: GITHUB_REPOSITORY is not set (or pass --repo owner/name)")
	}
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return c, fmt.Errorf("read GitHub environment: %s %q is not owner/name", repoVar, repo)
	}
	c.Owner, c.Repo = owner, name
	if over.PR != 0 {
		c.PR = over.PR
	}
	c.SHA = prSHA
	if c.SHA == "" {
		c.SHA = getenv("GITHUB_SHA")
	}
	if over.SHA != "" {
		c.SHA = over.SHA
	}
	if c.SHA == "" {
		v := "GITHUB_SHA"
		if atlantis {
			v = "HEAD_COMMIT"
		}
		return c, fmt.Errorf("read GitHub environment: %s is not set (or pass --sha)", v)
	}
	return c, nil
}

// envEvent is the part of a webhook event payload the context needs.
type envEvent struct {
	PullRequest *struct {
		Number int `json:"number"`
		Head   struct {
			SHA  string `json:"sha"`
			Repo *struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"head"`
		Base struct {
			Repo struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"base"`
	} `json:"pull_request"`
	Repository struct {
		FullName string `json:"full_name"`
	} `json:"repository"`
}

// maxEventBytes bounds the event file read; GitHub caps webhook payloads at
// 25 MB.
const maxEventBytes = 32 << 20

func envReadEvent(path string) (*envEvent, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read GITHUB_EVENT_PATH: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxEventBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read GITHUB_EVENT_PATH %s: %w", path, err)
	}
	if len(b) > maxEventBytes {
		return nil, fmt.Errorf("read GITHUB_EVENT_PATH %s: larger than %d bytes", path, maxEventBytes)
	}
	var ev envEvent
	if err := json.Unmarshal(b, &ev); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("parse GITHUB_EVENT_PATH %s at byte %d: %w", path, se.Offset, err)
		}
		return nil, fmt.Errorf("parse GITHUB_EVENT_PATH %s: %w", path, err)
	}
	return &ev, nil
}

// NewClient returns a go-github client for the context. Its transport is
// the one forge transport (reporters/forge/transport): the token is sent
// as a bearer token only to the API origin (every credential header is
// removed from a request, redirects included, that goes to another host,
// port, or from https to http); every answer, whatever its status, has
// the token removed from its body and headers (a proxy or server that
// echoes the Authorization header, a 3xx body, a Location, a GraphQL 200
// with errors[] cannot leak it into errors or logs). The context's
// RequestTimeout and MaxWait go with the client, so every reporter built
// on it (the review and the check run alike) honours them. A non-default
// API URL selects GitHub Enterprise (WithEnterpriseURLs).
func NewClient(ctx Context) (*gh.Client, error) {
	if ctx.Token == "" {
		return nil, fmt.Errorf("create GitHub client: no token; set one of %s", strings.Join(tokenVars, ", "))
	}
	api := ctx.APIURL
	if api == "" {
		api = DefaultAPIURL
	}
	token := string(ctx.Token)
	tr, err := transport.NewTransport(api, func(h http.Header) { h.Set("Authorization", "Bearer "+token) },
		transport.Policy{RequestTimeout: ctx.RequestTimeout, MaxWait: ctx.MaxWait}, token)
	if err != nil {
		return nil, fmt.Errorf("create GitHub client: API URL %q is not a URL", api)
	}
	timeout := ctx.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	// The client's Timeout bounds every request, the answer's body
	// included, for every reporter built on it: an API that stops
	// answering must not hang CI until the job is killed.
	hc := &http.Client{Timeout: timeout, Transport: tr, CheckRedirect: transport.CheckRedirect}
	c := gh.NewClient(hc)
	if strings.TrimRight(api, "/") == DefaultAPIURL {
		return c, nil
	}
	upload := strings.TrimRight(api, "/")
	if strings.HasSuffix(upload, "/api/v3") {
		upload = strings.TrimSuffix(upload, "/api/v3") + "/api/uploads"
	}
	c, err = c.WithEnterpriseURLs(api+"/", upload+"/")
	if err != nil {
		return nil, fmt.Errorf("create GitHub client: %w", err)
	}
	return c, nil
}
