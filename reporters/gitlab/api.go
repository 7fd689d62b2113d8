package gitlab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"
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

// RetryPolicy bounds how failed requests are retried. The client's own
// retries (go-retryablehttp, on the wall clock) are switched off for every
// request the reporter makes, so that this policy is the only one.
type RetryPolicy struct {
	// MaxAttempts is how often one request is tried, the first time
	// included; 0 means 5.
	MaxAttempts int
	// BaseDelay is the wait after the first 5xx or network error; it
	// doubles per attempt. 0 means 1s.
	BaseDelay time.Duration
	// MaxWait caps one wait; a rate limit that asks for longer fails at
	// once. 0 means 2 minutes.
	MaxWait time.Duration
	// Clock is used for waits; nil means the wall clock.
	Clock Clock
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 5
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = time.Second
	}
	if p.MaxWait <= 0 {
		p.MaxWait = 2 * time.Minute
	}
	if p.Clock == nil {
		p.Clock = realClock{}
	}
	return p
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
// applied (a 5xx, a connection reset): the caller re-lists before creating
// again, so a retry never duplicates a thread.
type ambiguousError struct{ err error }

func (e *ambiguousError) Error() string { return "outcome unknown: " + e.err.Error() }
func (e *ambiguousError) Unwrap() error { return e.err }

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

// api sends requests through client-go's service methods and owns retries.
type api struct {
	policy RetryPolicy
	// timeout bounds each attempt, answer body included; 0 means none.
	timeout time.Duration
	dry     io.Writer
	secrets []string

	mu    sync.Mutex
	pause time.Time // no request before this time (a rate limit)
}

func (a *api) isWrite(r request) bool { return r.method != http.MethodGet }

// call performs r with retries. Rate limits (429) are retried for every
// request: GitLab applied nothing. 5xx and network errors are retried for
// idempotent requests; a non-idempotent one returns *ambiguousError.
// 401/403 on anything, and 404 on a write, return ErrNoWriteAccess.
func (a *api) call(ctx context.Context, r request) (*gl.Response, error) {
	if a.isWrite(r) && a.dry != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		a.mu.Lock()
		fmt.Fprintf(a.dry, "%s /api/v4/%s\n%s\n", r.method, r.path, a.redact(string(b)))
		a.mu.Unlock()
		return nil, nil
	}
	clock := a.policy.Clock
	var last error
	for attempt := 1; ; attempt++ {
		if err := a.waitPause(ctx); err != nil {
			return nil, err
		}
		resp, err := a.once(ctx, r)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		status := 0
		var er *gl.ErrorResponse
		if errors.As(err, &er) {
			status = er.StatusCode
		}
		last = a.apiError(r, status, err)
		if errors.Is(err, errTimeout) {
			// Treated as a connection reset: a read is retried, a write's
			// outcome is unknown and the caller lists before re-creating.
			last = &APIError{Method: r.method, Path: "/api/v4/" + r.path, Message: err.Error()}
		}
		wait := a.backoff(attempt)
		switch {
		case status == http.StatusTooManyRequests:
			var hdr http.Header
			if er.Response != nil {
				hdr = er.Response.Header
			}
			if w, ok := rateLimitWait(hdr, clock.Now()); ok {
				if w > a.policy.MaxWait {
					return nil, fmt.Errorf("%w (rate limited for %s, over the %s wait limit)", last, w.Round(time.Second), a.policy.MaxWait)
				}
				wait = w
			}
			a.setPause(clock.Now().Add(wait))
		case status == http.StatusUnauthorized || status == http.StatusForbidden,
			status == http.StatusNotFound && a.isWrite(r):
			return nil, fmt.Errorf("%w: %w", ErrNoWriteAccess, last)
		case status >= 500 || status == 0:
			if !r.idempotent {
				return nil, &ambiguousError{last}
			}
		default:
			return nil, last
		}
		if attempt >= a.policy.MaxAttempts {
			return nil, fmt.Errorf("gave up after %d attempts: %w", attempt, last)
		}
		if err := clock.Sleep(ctx, min(wait, a.policy.MaxWait)); err != nil {
			return nil, err
		}
	}
}

// errTimeout is a request that got no complete answer within the
// per-request timeout.
var errTimeout = errors.New("no answer in time")

// once makes one attempt of r, bounded by the per-request timeout: client
// -go reads and decodes the whole answer inside r.do, so the deadline
// covers a server that stops sending half-way too. A hung API must not
// hang CI.
func (a *api) once(ctx context.Context, r request) (*gl.Response, error) {
	rctx := ctx
	if a.timeout > 0 {
		var cancel context.CancelFunc
		rctx, cancel = context.WithTimeout(ctx, a.timeout)
		defer cancel()
	}
	resp, err := r.do(gl.WithContext(rctx), gl.WithRequestRetry(noClientRetry))
	if err != nil && ctx.Err() == nil && rctx.Err() != nil {
		return nil, fmt.Errorf("%w (%s)", errTimeout, a.timeout)
	}
	return resp, err
}

// backoff is the wait before attempt+1 after a 5xx or network error:
// BaseDelay doubling per attempt, with up to 10% jitter so that workers do
// not retry in step.
func (a *api) backoff(attempt int) time.Duration {
	d := a.policy.BaseDelay << min(attempt-1, 10)
	return d + time.Duration(rand.Int64N(int64(d)/10+1))
}

func (a *api) setPause(t time.Time) {
	a.mu.Lock()
	if t.After(a.pause) {
		a.pause = t
	}
	a.mu.Unlock()
}

// waitPause holds every worker back while a rate limit is in force, so that
// one 429 does not turn into one per worker.
func (a *api) waitPause(ctx context.Context) error {
	a.mu.Lock()
	until := a.pause
	a.mu.Unlock()
	if d := until.Sub(a.policy.Clock.Now()); d > 0 {
		return a.policy.Clock.Sleep(ctx, min(d, a.policy.MaxWait))
	}
	return nil
}

// rateLimitWait reads how long GitLab asks to wait: Retry-After (seconds),
// else RateLimit-Reset (Unix time). Without either the caller backs off.
func rateLimitWait(h http.Header, now time.Time) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	if s := strings.TrimSpace(h.Get("Retry-After")); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true
		}
		if t, err := http.ParseTime(s); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	if n, err := strconv.ParseInt(h.Get("RateLimit-Reset"), 10, 64); err == nil && n > 0 {
		return max(time.Unix(n, 0).Sub(now)+time.Second, time.Second), true
	}
	return 0, false
}

func (a *api) apiError(r request, status int, err error) *APIError {
	msg := err.Error()
	var er *gl.ErrorResponse
	if errors.As(err, &er) {
		msg = errorMessage(er)
	}
	return &APIError{Method: r.method, Path: "/api/v4/" + r.path, Status: status, Message: clipMsg(a.redact(strings.TrimSpace(msg)))}
}

// errorMessage is GitLab's message from an error body: {"message": "..."},
// {"message": {"field": ["..."]}} or {"error": "..."}; plain text bodies
// (a 429 from Rack::Attack, an HTML error page) are used as they are.
func errorMessage(er *gl.ErrorResponse) string {
	var v struct {
		Message json.RawMessage `json:"message"`
		Error   string          `json:"error"`
	}
	if json.Unmarshal(er.Body, &v) == nil {
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
	if b := strings.TrimSpace(string(er.Body)); b != "" {
		return b
	}
	if er.Message != "" {
		return er.Message
	}
	return http.StatusText(er.StatusCode)
}

// tokenLike matches GitLab token formats (glpat-, glcbt-, gldt-, glptt-,
// glrt-, ...), so that a token the reporter was not told about is still
// kept out of errors and output.
var tokenLike = regexp.MustCompile(`\bgl[a-z]{2,6}-[A-Za-z0-9_.\-]{16,}`)

// redact removes the configured secrets and anything shaped like a GitLab
// token from text that may be shown: error messages, dry-run output and
// summary reasons. GitLab and proxies in front of it sometimes echo request
// headers back in error bodies.
func (a *api) redact(s string) string {
	for _, sec := range a.secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[REDACTED]")
		}
	}
	return tokenLike.ReplaceAllString(s, "[REDACTED]")
}

// clipMsg bounds an error message taken from a response body.
func clipMsg(s string) string {
	const n = 1024
	if len(s) <= n {
		return s
	}
	for n := n; n > 0; n-- {
		if s[n]&0xC0 != 0x80 {
			return s[:n] + "…"
		}
	}
	return ""
}

// maxPages bounds a listing, so that a server that always names a next
// page cannot keep the reporter busy: 1000 pages of 100 is far above what
// one merge request holds.
const maxPages = 1000

// listAll reads every page of a list endpoint (offset pagination,
// following X-Next-Page; keyset pagination, following Link rel="next").
func listAll[T any](ctx context.Context, a *api, method, path string,
	fetch func(page int64, opts ...gl.RequestOptionFunc) ([]T, *gl.Response, error)) ([]T, error) {
	all, _, err := listPages(ctx, a, method, path, fetch)
	return all, err
}

// listPages is listAll that also says how many pages it read. With offset
// pagination, an item deleted by someone else while a listing is under
// way shifts later items back, and one is skipped at each page boundary;
// an item added makes one appear twice. A single page cannot skip.
func listPages[T any](ctx context.Context, a *api, method, path string,
	fetch func(page int64, opts ...gl.RequestOptionFunc) ([]T, *gl.Response, error)) ([]T, int, error) {
	var all []T
	page := int64(1)
	var next string
	for n := 0; n < maxPages; n++ {
		var items []T
		p, link := page, next
		resp, err := a.call(ctx, request{method: method, path: path, idempotent: true,
			do: func(opts ...gl.RequestOptionFunc) (*gl.Response, error) {
				if link != "" {
					opts = append(opts, gl.WithKeysetPaginationParameters(link))
				}
				var resp *gl.Response
				var err error
				items, resp, err = fetch(p, opts...)
				return resp, err
			}})
		if err != nil {
			return all, n + 1, err
		}
		all = append(all, items...)
		switch {
		case resp != nil && resp.NextPage > page:
			page, next = resp.NextPage, ""
		case resp != nil && resp.NextLink != "" && resp.NextLink != link:
			next = resp.NextLink
		default:
			return all, n + 1, nil
		}
	}
	return all, maxPages, fmt.Errorf("list %s: more than %d pages", path, maxPages)
}
