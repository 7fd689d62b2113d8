package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// checkCaller sends the check-run requests. Requests are built by the
// go-github client (base URL, auth transport, headers) but sent through its
// http.Client rather than its service methods: go-github refuses requests on
// its own while a rate limit it saw is in force, measured on the wall clock,
// which a test clock cannot advance. Retries here honour retry-after and
// x-ratelimit-reset on the injectable clock instead.
type checkCaller struct {
	c          *gh.Client
	now        func() time.Time
	sleep      func(ctx context.Context, d time.Duration) error
	maxRetries int
	maxWait    time.Duration
	// writes counts the write requests sent (each attempt).
	writes int
}

// errCheckAmbiguous marks a failed write that GitHub may have applied (a
// 5xx or a broken connection): the caller checks the state before retrying.
var errCheckAmbiguous = errors.New("outcome unknown")

// checkStatusError is an error answer of the Checks API.
type checkStatusError struct {
	method, path string
	status       int
	msg          string
}

func (e *checkStatusError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.method, e.path, e.status, e.msg)
}

// send makes one attempt. It returns errCheckAmbiguous (wrapped) for a 5xx
// or network error, the wait for a rate limit, or a final error.
func (a *checkCaller) send(ctx context.Context, method, path string, body, out any) (wait time.Duration, err error) {
	req, err := a.c.NewRequest(method, path, body)
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	if method != http.MethodGet {
		a.writes++
	}
	resp, err := a.c.Client().Do(req.WithContext(ctx))
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, fmt.Errorf("%w: %s /%s: %w", errCheckAmbiguous, method, path, err)
	}
	defer resp.Body.Close()
	cerr := gh.CheckResponse(resp)
	if cerr == nil {
		if out != nil {
			if err := json.NewDecoder(io.LimitReader(resp.Body, 32<<20)).Decode(out); err != nil && err != io.EOF {
				return 0, fmt.Errorf("decode %s /%s: %w", method, path, err)
			}
		}
		return 0, nil
	}
	se := &checkStatusError{method: method, path: "/" + path, status: resp.StatusCode, msg: checkErrorMessage(cerr)}
	if w, limited := a.rateLimitWait(resp, cerr); limited {
		return max(w, time.Second), se
	}
	switch {
	case resp.StatusCode >= 500:
		return 0, fmt.Errorf("%w: %w", errCheckAmbiguous, se)
	case method != http.MethodGet && (resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusNotFound):
		return 0, fmt.Errorf("%w: %w", ErrNoWriteAccess, se)
	}
	return 0, se
}

// do sends a request, retrying rate limits (GitHub applied nothing) and
// ambiguous failures (5xx, broken connection). After an ambiguous failure,
// settled, when not nil, looks at GitHub's state and returns true when the
// write was applied after all, so it is not repeated; out is then left
// unfilled.
func (a *checkCaller) do(ctx context.Context, method, path string, body, out any, settled func() (bool, error)) error {
	backoff := time.Second
	for attempt := 0; ; attempt++ {
		wait, err := a.send(ctx, method, path, body, out)
		if err == nil {
			return nil
		}
		switch {
		case wait > 0:
			if wait > a.maxWait {
				return fmt.Errorf("%w (rate limited for %s, over the %s wait limit)", err, wait.Round(time.Second), a.maxWait)
			}
		case errors.Is(err, errCheckAmbiguous):
			if settled != nil {
				done, serr := settled()
				if serr == nil && done {
					return nil
				}
			}
			wait = backoff
			backoff *= 2
		default:
			return err
		}
		if attempt >= a.maxRetries {
			return fmt.Errorf("give up after %d attempts: %w", attempt+1, err)
		}
		if err := a.sleep(ctx, min(wait, a.maxWait)); err != nil {
			return err
		}
	}
}

// rateLimitWait says whether an error answer is a rate limit, and how long
// to wait: retry-after when given; x-ratelimit-reset when the primary limit
// is exhausted; otherwise a minute, as GitHub asks for secondary limits
// ("wait at least one minute before retrying").
func (a *checkCaller) rateLimitWait(resp *http.Response, err error) (time.Duration, bool) {
	var rl *gh.RateLimitError
	var ab *gh.AbuseRateLimitError
	limited := resp.StatusCode == http.StatusTooManyRequests || errors.As(err, &rl) || errors.As(err, &ab) ||
		(resp.StatusCode == http.StatusForbidden && (resp.Header.Get("Retry-After") != "" ||
			resp.Header.Get("X-RateLimit-Remaining") == "0" ||
			strings.Contains(strings.ToLower(err.Error()), "rate limit")))
	if !limited {
		return 0, false
	}
	if s := strings.TrimSpace(resp.Header.Get("Retry-After")); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true
		}
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		if n, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			return time.Unix(n, 0).Sub(a.now()) + time.Second, true
		}
	}
	return time.Minute, true
}

// checkErrorMessage is GitHub's message with its error details.
func checkErrorMessage(err error) string {
	var er *gh.ErrorResponse
	if errors.As(err, &er) {
		msg := er.Message
		for _, e := range er.Errors {
			d := e.Message
			if d == "" {
				d = strings.TrimSpace(e.Field + " " + e.Code)
			}
			if d != "" {
				msg += ": " + d
			}
		}
		return msg
	}
	var rl *gh.RateLimitError
	if errors.As(err, &rl) {
		return rl.Message
	}
	var ab *gh.AbuseRateLimitError
	if errors.As(err, &ab) {
		return ab.Message
	}
	return err.Error()
}

// checkSleep waits for d or until ctx is done.
func checkSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
