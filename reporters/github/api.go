package github

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// ErrNoWriteAccess means the token cannot write to the pull request: GitHub
// answered a write with 403 or 404 (a pull request from a fork, a read-only
// GITHUB_TOKEN). Nothing of the run is lost: the caller falls back to a
// reporter that needs no write access to the pull request
// (github-annotations).
var ErrNoWriteAccess = errors.New("no write access to the pull request")

// Clock is time as the reviewer sees it; tests inject one that does not
// sleep.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
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
// applied (a 5xx, a connection reset): the caller re-lists before posting
// again, so a retry never duplicates a comment.
type ambiguousError struct{ err error }

func (e *ambiguousError) Error() string { return "outcome unknown: " + e.err.Error() }
func (e *ambiguousError) Unwrap() error { return e.err }

// api sends requests built by go-github's client (base URL, auth, headers)
// through its http.Client, and owns retries. It does not use the client's
// service methods, because go-github refuses requests on its own while a
// rate limit it saw is in force, measured on the wall clock; the reviewer's
// retries honour retry-after and x-ratelimit-reset on an injectable clock
// instead.
type api struct {
	c          *gh.Client
	clock      Clock
	maxRetries int
	maxWait    time.Duration
	// timeout bounds each attempt, answer body included; 0 means none.
	timeout time.Duration
	dry     io.Writer
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
	isWrite := write(method, body)
	if isWrite && a.dry != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		fmt.Fprintf(a.dry, "%s %s\n%s\n", method, displayPath(a.c, path), b)
		return nil, nil
	}
	var last error
	for attempt := 0; ; attempt++ {
		req, err := a.c.NewRequest(method, path, body)
		if err != nil {
			return nil, fmt.Errorf("build request: %w", err)
		}
		resp, cerr, err := a.once(ctx, req, out)
		var wait time.Duration
		var de *decodeError
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.As(err, &de):
			return nil, de.err
		case err != nil:
			// A network error or no answer in time: the request may have
			// reached GitHub, so a write's outcome is unknown.
			last = fmt.Errorf("%s %s: %w", method, displayPath(a.c, path), err)
			if !idempotent {
				return nil, &ambiguousError{last}
			}
			wait = backoff(attempt)
		case cerr == nil:
			return resp.Header, nil
		default:
			last = a.apiError(method, path, resp, cerr)
			var rateLimited bool
			wait, rateLimited = a.rateLimitWait(resp, cerr, attempt)
			switch {
			case rateLimited:
				if wait > a.maxWait {
					return nil, fmt.Errorf("%w (rate limited for %s, over the %s wait limit)", last, wait.Round(time.Second), a.maxWait)
				}
			case resp.StatusCode >= 500:
				if !idempotent {
					return nil, &ambiguousError{last}
				}
				wait = backoff(attempt)
			case isWrite && (resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusNotFound):
				return nil, fmt.Errorf("%w: %w", ErrNoWriteAccess, last)
			default:
				return nil, last
			}
		}
		if attempt >= a.maxRetries {
			return nil, fmt.Errorf("gave up after %d attempts: %w", attempt+1, last)
		}
		if err := a.clock.Sleep(ctx, min(wait, a.maxWait)); err != nil {
			return nil, err
		}
	}
}

// decodeError is a complete answer that is not the JSON expected: not
// retried.
type decodeError struct{ err error }

func (e *decodeError) Error() string { return e.err.Error() }

// errTimeout is a request that got no complete answer within the
// per-request timeout.
var errTimeout = errors.New("no answer in time")

// once sends req with the per-request timeout and reads the whole answer:
// an error answer as cerr (go-github's error types), a success decoded
// into out. err is a failure to get an answer at all: a network error, or
// errTimeout when the server did not answer, or stopped sending, in time
// (a hung API must not hang CI). The parent ctx's own errors come back
// as they are.
func (a *api) once(ctx context.Context, req *http.Request, out any) (resp *http.Response, cerr, err error) {
	rctx := ctx
	if a.timeout > 0 {
		var cancel context.CancelFunc
		rctx, cancel = context.WithTimeout(ctx, a.timeout)
		defer cancel()
	}
	timedOut := func(err error) error {
		if ctx.Err() == nil && rctx.Err() != nil {
			return fmt.Errorf("%w (%s)", errTimeout, a.timeout)
		}
		return err
	}
	resp, err = a.c.Client().Do(req.WithContext(rctx))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) && ue.Timeout() && ctx.Err() == nil {
			return nil, nil, fmt.Errorf("%w (%s)", errTimeout, a.timeout)
		}
		return nil, nil, timedOut(err)
	}
	defer resp.Body.Close()
	if cerr := gh.CheckResponse(resp); cerr != nil {
		if rctx.Err() != nil && ctx.Err() == nil {
			return nil, nil, timedOut(cerr) // the error body was cut off
		}
		return resp, cerr, nil
	}
	if out != nil {
		if derr := json.NewDecoder(resp.Body).Decode(out); derr != nil && derr != io.EOF {
			if rctx.Err() != nil || ctx.Err() != nil {
				return nil, nil, timedOut(derr)
			}
			var ne net.Error
			if errors.As(derr, &ne) || errors.Is(derr, io.ErrUnexpectedEOF) {
				return nil, nil, derr // the connection broke mid-answer
			}
			return nil, nil, &decodeError{fmt.Errorf("decode %s %s: %w", req.Method, displayPath(a.c, req.URL.String()), derr)}
		}
	}
	return resp, nil, nil
}

// backoff is the wait before retry attempt+1 after a 5xx or network error:
// 1s, 2s, 4s, ...
func backoff(attempt int) time.Duration {
	return time.Second << min(attempt, 10)
}

// rateLimitWait says whether an error answer is a rate limit, and how long
// to wait: retry-after when given; x-ratelimit-reset when the primary limit
// is exhausted; otherwise at least a minute, as GitHub asks for secondary
// limits, doubling per attempt.
func (a *api) rateLimitWait(resp *http.Response, err error, attempt int) (time.Duration, bool) {
	var rl *gh.RateLimitError
	var ab *gh.AbuseRateLimitError
	limited := resp.StatusCode == http.StatusTooManyRequests || errors.As(err, &rl) || errors.As(err, &ab) ||
		(resp.StatusCode == http.StatusForbidden && (resp.Header.Get("Retry-After") != "" ||
			strings.Contains(strings.ToLower(err.Error()), "rate limit")))
	if !limited {
		return 0, false
	}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true
		}
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		if n, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			d := time.Unix(n, 0).Sub(a.clock.Now()) + time.Second
			return max(d, time.Second), true
		}
	}
	return time.Minute << min(attempt, 4), true
}

func (a *api) apiError(method, path string, resp *http.Response, err error) *APIError {
	msg := err.Error()
	var er *gh.ErrorResponse
	if errors.As(err, &er) {
		msg = er.Message
		for _, e := range er.Errors {
			d := e.Message
			if d == "" {
				d = strings.TrimSpace(e.Field + " " + e.Code)
			}
			if d != "" {
				msg += ": " + d
			}
		}
	}
	var rl *gh.RateLimitError
	if errors.As(err, &rl) {
		msg = rl.Message
	}
	var ab *gh.AbuseRateLimitError
	if errors.As(err, &ab) {
		msg = ab.Message
	}
	return &APIError{Method: method, Path: displayPath(a.c, path), Status: resp.StatusCode, Message: msg}
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

var nextLink = regexp.MustCompile(`<([^>]+)>;\s*rel="next"`)

// list reads every page of a list endpoint, following Link rel="next".
func list[T any](ctx context.Context, a *api, path string) ([]T, error) {
	all, _, err := listPages[T](ctx, a, path)
	return all, err
}

// listPages is list that also says how many pages it read. GitHub pages
// by offset: when someone deletes an item while a listing is under way,
// later items shift back and one is skipped at each page boundary; when
// someone adds one, an item is seen twice. A single page cannot skip.
func listPages[T any](ctx context.Context, a *api, path string) ([]T, int, error) {
	var all []T
	pages := 0
	for path != "" {
		pages++
		var page []T
		h, err := a.do(ctx, http.MethodGet, path, nil, &page, true)
		if err != nil {
			return all, pages, err
		}
		all = append(all, page...)
		path = ""
		if m := nextLink.FindStringSubmatch(h.Get("Link")); m != nil {
			path = m[1]
		}
	}
	return all, pages, nil
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

// graphql runs a query or mutation and decodes its data into out.
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
		err := fmt.Errorf("graphql: %s", strings.Join(msgs, "; "))
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
