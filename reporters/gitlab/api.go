package gitlab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/runbook-translator/runbook-translator/reporters/forge/transport"
)

// ErrNoWriteAccess means the token may not comment on the merge request:
// GitLab answered a write with 403 or 404, or any request with 401 or 403
// (a CI_JOB_TOKEN, whose API access does not include notes and
// discussions; a Reporter-role token, which cannot resolve threads; a
// revoked token). Nothing of the run is lost: the caller falls back to the
// local report and GitLab Code Quality output.
var ErrNoWriteAccess = errors.New("no write access to the merge request")

// Clock is time as the reporter sees it; tests inject one that does not
// sleep.
type Clock = transport.Clock

// RetryPolicy bounds how failed requests are retried: the one forge
// policy (reporters/forge/transport). The client's own retries
// (go-retryablehttp, on the wall clock) are switched off for every request
// the reporter makes, so that this policy is the only one.
type RetryPolicy struct {
	// MaxAttempts is how often one request is tried, the first time
	// included; 0 means transport.DefaultMaxAttempts (5).
	MaxAttempts int
	// BaseDelay is the wait after the first 5xx or network error; it
	// doubles per attempt. 0 means 1s.
	BaseDelay time.Duration
	// MaxWait is the total one request may wait between its retries; a rate
	// limit that asks for longer than what is left fails at once. 0 means
	// transport.DefaultMaxWait (2 minutes).
	MaxWait time.Duration
	// Clock is used for waits; nil means the wall clock.
	Clock Clock
}

func (p RetryPolicy) transport() transport.Policy {
	return transport.Policy{MaxAttempts: p.MaxAttempts, BaseDelay: p.BaseDelay, MaxWait: p.MaxWait, Clock: p.Clock}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	t := p.transport().WithDefaults()
	return RetryPolicy{MaxAttempts: t.MaxAttempts, BaseDelay: t.BaseDelay, MaxWait: t.MaxWait, Clock: t.Clock}
}

// APIError is a GitLab error answer that is not retried (400 and other
// client errors), or the last failure once retries ran out.
type APIError struct {
	Method, Path string
	// Status is the HTTP status; 0 for a network error.
	Status int
	// Message is GitLab's message, with secrets redacted, e.g.
	// `400 Bad request - Note {:line_code=>["can't be blank", ...]}`.
	Message string
}

// Error is "METHOD /api/v4/path: status message".
func (e *APIError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("%s %s: %s", e.Method, e.Path, e.Message)
	}
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, e.Message)
}

// ambiguousError is a failed write that GitLab may nevertheless have
// applied (a 5xx, a connection reset, no answer in time): the caller
// re-lists before creating again, so a retry never duplicates a thread.
type ambiguousError = transport.UnknownOutcomeError

// noClientRetry disables the client's built-in retries for one request.
func noClientRetry(context.Context, *http.Response, error) (bool, error) { return false, nil }

// request is one API call: its display form (for dry runs and errors) and
// the client call that performs it.
type request struct {
	method string
	// path is relative to /api/v4, project segment URL-encoded.
	path string
	// body is printed in a dry run: what the client sends as JSON.
	body any
	// idempotent requests are retried after 5xx and network errors.
	idempotent bool
	do         func(opts ...gl.RequestOptionFunc) (*gl.Response, error)
}

// api sends requests through client-go's service methods under the one
// forge policy.
type api struct {
	policy RetryPolicy
	// timeout bounds each attempt, answer body included; 0 means
	// transport.DefaultRequestTimeout.
	timeout time.Duration
	dry     io.Writer
	secrets []string

	once  sync.Once
	tc    *transport.Client
	dryMu sync.Mutex
}

// client is the policy client, built on first use.
func (a *api) client() *transport.Client {
	a.once.Do(func() {
		p := a.policy.transport()
		p.RequestTimeout = a.timeout
		a.tc = transport.NewClient(p, transport.NewRedactor(a.secrets...))
	})
	return a.tc
}

func (a *api) isWrite(r request) bool { return r.method != http.MethodGet }

// call performs r with retries. Rate limits (429) are retried for every
// request: GitLab applied nothing. 5xx and network errors are retried for
// idempotent requests; a non-idempotent one returns *ambiguousError.
// 401/403 on anything, and 404 on a write, return ErrNoWriteAccess.
func (a *api) call(ctx context.Context, r request) (*gl.Response, error) {
	path := "/api/v4/" + r.path
	if a.isWrite(r) && a.dry != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		a.dryMu.Lock()
		fmt.Fprintf(a.dry, "%s %s\n%s\n", r.method, path, a.redact(string(b)))
		a.dryMu.Unlock()
		return nil, nil
	}
	var resp *gl.Response
	_, err := a.client().Do(ctx, transport.Request{
		Method: r.method, Path: path, Idempotent: r.idempotent,
		Send: func(ctx context.Context) (*transport.Reply, error) {
			var err error
			resp, err = r.do(gl.WithContext(ctx), gl.WithRequestRetry(noClientRetry))
			var er *gl.ErrorResponse
			switch {
			case errors.As(err, &er):
				rep := &transport.Reply{Status: er.StatusCode, Body: er.Body}
				if er.Response != nil {
					rep.Header = er.Response.Header
				}
				return rep, nil
			case err != nil:
				return nil, err
			}
			// client-go accepted the answer (2xx or 304) and decoded it.
			rep := &transport.Reply{Status: http.StatusOK}
			if resp != nil && resp.Response != nil {
				rep.Header = resp.Header
			}
			return rep, nil
		},
		Describe: func(rep *transport.Reply) error {
			ae := &APIError{Method: r.method, Path: path, Status: rep.Status, Message: transport.Clip(a.redact(errorMessage(rep)))}
			switch {
			case transport.IsRateLimit(rep):
			case rep.Status == http.StatusUnauthorized || rep.Status == http.StatusForbidden,
				rep.Status == http.StatusNotFound && a.isWrite(r):
				return fmt.Errorf("%w: %w", ErrNoWriteAccess, ae)
			}
			return ae
		},
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// backoff is the policy's wait before attempt+1 (attempt counts from 1)
// after a 5xx or network error, jitter included.
func (a *api) backoff(attempt int) time.Duration {
	return a.client().Backoff(attempt - 1)
}

// errorMessage is GitLab's message from an error body: {"message": "..."},
// {"message": {"field": ["..."]}} or {"error": "..."}
// (https://docs.gitlab.com/api/rest/troubleshooting/); plain text bodies
// (a 429 from Rack::Attack, an HTML error page) are used as they are.
func errorMessage(rep *transport.Reply) string {
	var v struct {
		Message json.RawMessage `json:"message"`
		Error   string          `json:"error"`
	}
	if json.Unmarshal(rep.Body, &v) == nil {
		var s string
		if json.Unmarshal(v.Message, &s) == nil && s != "" {
			return s
		}
		if len(v.Message) > 0 && string(v.Message) != "null" {
			return string(v.Message)
		}
		if v.Error != "" {
			return v.Error
		}
	}
	if b := strings.TrimSpace(string(rep.Body)); b != "" {
		return b
	}
	return http.StatusText(rep.Status)
}

// redact removes the configured secrets and anything shaped like a forge
// token from text that may be shown: error messages, dry-run output and
// summary reasons. GitLab and proxies in front of it sometimes echo request
// headers back in error bodies.
func (a *api) redact(s string) string {
	return a.client().Redactor().String(s)
}

// listAll reads every page of a list endpoint (offset pagination,
// following X-Next-Page; keyset pagination, following Link rel="next").
func listAll[T any](ctx context.Context, a *api, method, path string,
	fetch func(page int64, opts ...gl.RequestOptionFunc) ([]T, *gl.Response, error)) ([]T, error) {
	all, _, err := listPages(ctx, a, method, path, fetch)
	return all, err
}

// listPages is listAll that also says how many pages it read (see
// transport.Paginate on why that matters). The cursor is the next page
// number, or "link:" and the keyset URL.
func listPages[T any](ctx context.Context, a *api, method, path string,
	fetch func(page int64, opts ...gl.RequestOptionFunc) ([]T, *gl.Response, error)) ([]T, int, error) {
	var all []T
	pages, err := transport.Paginate(ctx, func(ctx context.Context, cursor string) (string, error) {
		page, link := int64(1), ""
		if l, ok := strings.CutPrefix(cursor, "link:"); ok {
			link = l
		} else if cursor != "" {
			page, _ = strconv.ParseInt(cursor, 10, 64)
		}
		var items []T
		resp, err := a.call(ctx, request{method: method, path: path, idempotent: true,
			do: func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
				if link != "" {
					opts = append(opts, gl.WithKeysetPaginationParameters(link))
				}
				var resp *gl.Response
				var err error
				items, resp, err = fetch(page, opts...)
				return resp, err
			}})
		if err != nil {
			return "", err
		}
		all = append(all, items...)
		switch {
		case resp != nil && resp.NextPage > page:
			return strconv.FormatInt(resp.NextPage, 10), nil
		case resp != nil && resp.NextLink != "" && resp.NextLink != link:
			return "link:" + resp.NextLink, nil
		}
		return "", nil
	})
	return all, pages, err
}
