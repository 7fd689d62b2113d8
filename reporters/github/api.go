package github

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/runbook-translator/runbook-translator/reporters/forge/transport"
)

// ErrNoWriteAccess means the token cannot write to the pull request: GitHub
// answered a write with 403 or 404 (a pull request from a fork, a read-only
// GITHUB_TOKEN). Nothing of the run is lost: the caller falls back to a
// reporter that needs no write access to the pull request
// (github-annotations).
var ErrNoWriteAccess = errors.New("no write access to the pull request")

// Clock is time as the reviewer sees it; tests inject one that does not
// sleep.
type Clock = transport.Clock

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time { return transport.WallClock.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	return transport.WallClock.Sleep(ctx, d)
}

// APIError is a GitHub error answer the reviewer does not retry (422 and
// other client errors, or a failure left after the retries).
type APIError struct {
	Method, Path string
	Status       int
	// Message is GitHub's message with its error details, e.g.
	// "Unprocessable Entity: pull_request_review_thread.line must be part of the diff".
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, e.Message)
}

// ambiguousError is a failed write that GitHub may nevertheless have
// applied (a 5xx, a connection reset, no answer in time): the caller
// re-lists before posting again, so a retry never duplicates a comment.
type ambiguousError = transport.UnknownOutcomeError

// api sends requests built by go-github's client (base URL, auth, headers)
// through its http.Client under the one forge policy
// (reporters/forge/transport). It does not use the client's service
// methods, because go-github refuses requests on its own while a rate
// limit it saw is in force, measured on the wall clock; the policy
// honours retry-after and x-ratelimit-reset on an injectable clock
// instead. What the environment set on the client (NewClient:
// RUNBOOK_TRANSLATOR_MAX_WAIT, RUNBOOK_TRANSLATOR_REQUEST_TIMEOUT) wins
// over the fields here, which are the reporter's defaults.
type api struct {
	c          *gh.Client
	clock      Clock
	maxRetries int
	maxWait    time.Duration
	// timeout bounds each attempt, answer body included; 0 means
	// transport.DefaultRequestTimeout.
	timeout time.Duration
	dry     io.Writer
	// writes counts the write requests sent, each attempt.
	writes int

	once sync.Once
	tc   *transport.Client
}

// client is the policy client, built on first use from the fields.
func (a *api) client() *transport.Client {
	a.once.Do(func() {
		p := transport.Policy{MaxAttempts: a.maxRetries + 1, MaxWait: a.maxWait, RequestTimeout: a.timeout, Clock: a.clock}
		var red *transport.Redactor
		if env, r, ok := transport.PolicyOf(a.c.Client()); ok {
			p, red = p.Override(env), r
		}
		a.tc = transport.NewClient(p, red)
	})
	return a.tc
}

// write reports whether a request changes state (and is printed, not sent,
// in a dry run).
func write(method string, body any) bool {
	if method == http.MethodGet {
		return false
	}
	if q, ok := body.(graphQLRequest); ok {
		return strings.HasPrefix(strings.TrimSpace(q.Query), "mutation")
	}
	return true
}

// do sends one request and decodes the answer into out. Idempotent
// requests are retried on 5xx and network errors; all requests are retried
// on rate limits (GitHub applied nothing). A non-idempotent request that
// fails ambiguously returns an *ambiguousError without retrying.
func (a *api) do(ctx context.Context, method, path string, body any, out any, idempotent bool) (http.Header, error) {
	return a.request(ctx, method, path, body, out, idempotent, nil)
}

// request is do with settled: when not nil, an ambiguous failure of a
// write is settled by it (true: applied after all, out is left unfilled;
// false: sent again) instead of returned.
func (a *api) request(ctx context.Context, method, path string, body any, out any, idempotent bool, settled func(context.Context) (bool, error)) (http.Header, error) {
	isWrite := write(method, body)
	if isWrite && a.dry != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		fmt.Fprintf(a.dry, "%s %s\n%s\n", method, displayPath(a.c, path), a.client().Redactor().String(string(b)))
		return nil, nil
	}
	if _, err := a.c.NewRequest(method, path, body); err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	shown := displayPath(a.c, path)
	reply, err := a.client().Do(ctx, transport.Request{
		Method: method, Path: shown, Idempotent: idempotent, Settled: settled,
		Send: func(ctx context.Context) (*transport.Reply, error) {
			req, err := a.c.NewRequest(method, path, body)
			if err != nil {
				return nil, err
			}
			if isWrite {
				a.writes++
			}
			return transport.Send(a.c.Client(), req.WithContext(ctx))
		},
		Describe: func(r *transport.Reply) error {
			ae := &APIError{Method: method, Path: shown, Status: r.Status, Message: a.tc.Redactor().String(errorMessage(r))}
			if isWrite && (r.Status == http.StatusForbidden || r.Status == http.StatusNotFound) && !transport.IsRateLimit(r) {
				return fmt.Errorf("%w: %w", ErrNoWriteAccess, ae)
			}
			return ae
		},
	})
	if err != nil || reply == nil {
		return nil, err
	}
	if out != nil && len(bytes.TrimSpace(reply.Body)) > 0 {
		if derr := json.Unmarshal(reply.Body, out); derr != nil {
			// A complete answer that is not the JSON expected: not retried.
			return nil, fmt.Errorf("decode %s %s: %w", method, shown, derr)
		}
	}
	return reply.Header, nil
}

// errorMessage is GitHub's message with its error details, from an error
// body {"message": ..., "errors": [{"message"|"field","code"} or "..."]}
// (https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api);
// a body that is not JSON is shown clipped, an empty one as the status.
func errorMessage(r *transport.Reply) string {
	var v struct {
		Message string            `json:"message"`
		Errors  []json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(r.Body, &v) != nil || (v.Message == "" && len(v.Errors) == 0) {
		if s := transport.Clip(strings.TrimSpace(string(r.Body))); s != "" {
			return s
		}
		return http.StatusText(r.Status)
	}
	msg := v.Message
	for _, raw := range v.Errors {
		var d string
		if json.Unmarshal(raw, &d) != nil {
			var e struct{ Message, Field, Code string }
			_ = json.Unmarshal(raw, &e)
			d = e.Message
			if d == "" {
				d = strings.TrimSpace(e.Field + " " + e.Code)
			}
		}
		if d != "" {
			msg += ": " + d
		}
	}
	return transport.Clip(msg)
}

// backoff is the wait before retry attempt+1 after a 5xx or network error:
// 1s, 2s, 4s, ... (the policy's, without jitter).
func backoff(attempt int) time.Duration {
	return transport.Backoff(transport.DefaultBaseDelay, attempt)
}

// displayPath is the path of a request relative to the API root, for
// dry-run output and errors: "/repos/o/r/pulls/1/reviews".
func displayPath(c *gh.Client, p string) string {
	if i := strings.Index(p, "://"); i >= 0 {
		base := c.BaseURL.String()
		if strings.HasPrefix(p, base) {
			return "/" + strings.TrimPrefix(p, base)
		}
		return p
	}
	return "/" + strings.TrimPrefix(p, "/")
}

// list reads every page of a list endpoint, following Link rel="next".
func list[T any](ctx context.Context, a *api, path string) ([]T, error) {
	all, _, err := listPages[T](ctx, a, path)
	return all, err
}

// listPages is list that also says how many pages it read (see
// transport.Paginate on why that matters).
func listPages[T any](ctx context.Context, a *api, path string) ([]T, int, error) {
	var all []T
	pages, err := transport.Paginate(ctx, func(ctx context.Context, next string) (string, error) {
		if next != "" {
			path = next
		}
		var page []T
		h, err := a.do(ctx, http.MethodGet, path, nil, &page, true)
		if err != nil {
			return "", err
		}
		all = append(all, page...)
		return transport.NextLink(h), nil
	})
	return all, pages, err
}

// graphQLRequest is the body of a GraphQL call.
type graphQLRequest struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

// graphQLURL is the GraphQL endpoint beside the REST base URL:
// https://api.github.com/graphql, or https://HOST/api/graphql on GitHub
// Enterprise Server (REST under /api/v3/).
func graphQLURL(c *gh.Client) string {
	u := *c.BaseURL
	if strings.HasSuffix(u.Path, "/api/v3/") {
		u.Path = strings.TrimSuffix(u.Path, "v3/") + "graphql"
		return u.String()
	}
	return c.BaseURL.ResolveReference(&url.URL{Path: "graphql"}).String()
}

// graphql runs a query or mutation and decodes its data into out. GitHub
// answers GraphQL errors with HTTP 200 and errors[]
// (https://docs.github.com/en/graphql/guides/forming-calls-with-graphql);
// their messages may echo what was sent, so they are redacted like every
// other error.
func (a *api) graphql(ctx context.Context, query string, vars map[string]any, out any) error {
	var resp struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	req := graphQLRequest{Query: query, Variables: vars}
	if _, err := a.do(ctx, http.MethodPost, graphQLURL(a.c), req, &resp, true); err != nil {
		return err
	}
	if write(http.MethodPost, req) && a.dry != nil {
		return nil
	}
	if len(resp.Errors) > 0 {
		var msgs []string
		for _, e := range resp.Errors {
			msgs = append(msgs, e.Message)
		}
		err := errors.New("graphql: " + a.client().Redactor().String(transport.Clip(strings.Join(msgs, "; "))))
		if resp.Errors[0].Type == "FORBIDDEN" {
			return fmt.Errorf("%w: %w", ErrNoWriteAccess, err)
		}
		return err
	}
	if out != nil && len(resp.Data) > 0 {
		if err := json.Unmarshal(bytes.TrimSpace(resp.Data), out); err != nil {
			return fmt.Errorf("decode graphql data: %w", err)
		}
	}
	return nil
}
