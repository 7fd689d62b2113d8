package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Reply is one complete answer: its status, headers and whole body
// (already redacted when it came through a Transport).
type Reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// Request is one API call as the policy sees it.
type Request struct {
	// Method and Path name the request in errors ("POST /repos/o/r/pulls/1/reviews").
	Method, Path string
	// Idempotent requests are retried after a 5xx, a network error or a
	// timeout; any other request then fails with *UnknownOutcomeError,
	// because the forge may have applied it (a POST whose answer was
	// lost must not be sent blindly again: the caller looks first).
	Idempotent bool
	// Send makes one attempt under ctx, which carries the per-attempt
	// deadline. It returns the answer (any status), or an error when there
	// was no complete answer.
	Send func(ctx context.Context) (*Reply, error)
	// Describe turns an error answer into the forge's error (status,
	// message, and sentinel errors such as "no write access"); nil means
	// *StatusError. Its message is redacted by the Client.
	Describe func(*Reply) error
	// Settled, when set on a request that is not idempotent, is asked
	// after an unknown outcome whether the forge applied the request
	// after all (it reads the forge's state). True: Do returns a nil
	// Reply and no error. False: the request is sent again, within the
	// attempts and the wait budget. Without Settled an unknown outcome is
	// returned as *UnknownOutcomeError.
	Settled func(ctx context.Context) (bool, error)
}

// StatusError is an error answer, described by nothing better.
type StatusError struct {
	Method, Path string
	Reply        *Reply
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Reply.Status, http.StatusText(e.Reply.Status))
}

// UnknownOutcomeError is a failed write that the forge may nevertheless
// have applied (a 5xx, a connection reset, no answer in time): the caller
// looks at the forge's state (lists again) before sending it again, so a
// retry never duplicates a comment.
type UnknownOutcomeError struct{ Err error }

func (e *UnknownOutcomeError) Error() string { return "outcome unknown: " + e.Err.Error() }
func (e *UnknownOutcomeError) Unwrap() error { return e.Err }

// OutcomeUnknown marks the error for the comment lifecycle
// (lifecycle.OutcomeUnknown): the write may have happened, so it re-lists
// before writing again.
func (e *UnknownOutcomeError) OutcomeUnknown() bool { return true }

// RateLimitError is a rate limit that asks for a longer wait than the
// request's wait budget has left: the request fails at once instead of holding
// CI.
type RateLimitError struct {
	// Wait is what the forge asked for; Left what the budget had left of
	// Limit.
	Wait, Left, Limit time.Duration
	Err               error
}

func (e *RateLimitError) Error() string {
	if e.Left < e.Limit {
		return fmt.Sprintf("%s (rate limited for %s, over the %s wait limit, %s of it left)", e.Err, e.Wait.Round(time.Second), e.Limit, e.Left.Round(time.Second))
	}
	return fmt.Sprintf("%s (rate limited for %s, over the %s wait limit)", e.Err, e.Wait.Round(time.Second), e.Limit)
}
func (e *RateLimitError) Unwrap() error { return e.Err }

// GaveUpError is the last failure of a request whose attempts, or the
// wait budget, ran out.
type GaveUpError struct {
	Attempts int
	// Budget is true when the wait budget, not the attempts, ran out.
	Budget bool
	Err    error
}

func (e *GaveUpError) Error() string {
	if e.Budget {
		return fmt.Sprintf("gave up after %d attempts (wait limit spent): %s", e.Attempts, e.Err)
	}
	return fmt.Sprintf("gave up after %d attempts: %s", e.Attempts, e.Err)
}
func (e *GaveUpError) Unwrap() error { return e.Err }

// ErrTimeout is an attempt that got no complete answer within the
// per-request timeout. It is treated as a connection reset: a read is
// retried, a write's outcome is unknown.
var ErrTimeout = errors.New("no answer in time")

// Client applies a Policy to requests. It is safe for concurrent use:
// while a rate limit is in force every request waits, so that one 429
// does not turn into one per worker.
type Client struct {
	policy Policy
	redact *Redactor

	mu    sync.Mutex
	pause time.Time
}

// NewClient returns a Client for p (defaults filled in) that redacts
// errors with r (nil: token shapes only).
func NewClient(p Policy, r *Redactor) *Client {
	return &Client{policy: p.WithDefaults(), redact: r}
}

// Policy is the client's policy, defaults filled in.
func (c *Client) Policy() Policy { return c.policy }

// Redactor is the client's redactor (nil: token shapes only).
func (c *Client) Redactor() *Redactor { return c.redact }

// Backoff is the policy's wait before try attempt+1 (from 0), jitter
// included: for callers that wait themselves before looking at the
// forge's state after an unknown outcome.
func (c *Client) Backoff(attempt int) time.Duration { return c.policy.backoff(attempt) }

// Do performs r under the policy:
//   - a rate limit (see RateLimitWait) is retried for every request, the
//     forge applied nothing; when it asks for longer than the request's
//     wait budget (MaxWait, all its waits together) has left,
//     *RateLimitError at once;
//   - a 5xx, a network error or a timeout is retried with backoff for an
//     idempotent request; for any other, *UnknownOutcomeError;
//   - any other error answer is Describe's error, not retried;
//   - when the attempts run out, *GaveUpError with the last failure.
//
// Every error's message is redacted. A 2xx answer is returned as it is; a
// 3xx that http.Client did not follow is an error answer.
func (c *Client) Do(ctx context.Context, r Request) (*Reply, error) {
	reply, err := c.do(ctx, r)
	return reply, c.redact.Error(err)
}

func (c *Client) do(ctx context.Context, r Request) (*Reply, error) {
	p := c.policy
	describe := func(rep *Reply) error {
		if r.Describe != nil {
			return r.Describe(rep)
		}
		return &StatusError{Method: r.Method, Path: r.Path, Reply: rep}
	}
	waited := time.Duration(0)
	for attempt := 0; ; attempt++ {
		d, err := c.waitPause(ctx, p.MaxWait-waited)
		if err != nil {
			return nil, err
		}
		waited += d
		reply, err := c.once(ctx, r)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var last error
		var wait time.Duration
		switch {
		case err != nil:
			last = fmt.Errorf("%s %s: %w", r.Method, r.Path, err)
			if !r.Idempotent {
				if done, serr := c.settle(ctx, r, last); done || serr != nil {
					return nil, serr
				}
			}
			wait = p.backoff(attempt)
		case reply.Status < 300:
			return reply, nil
		default:
			last = describe(reply)
			if w, limited := RateLimitWait(reply, p.Clock.Now(), attempt); limited {
				if w == 0 {
					w = p.backoff(attempt)
				}
				if left := p.MaxWait - waited; w > left {
					return nil, &RateLimitError{Wait: w, Left: max(left, 0), Limit: p.MaxWait, Err: last}
				}
				wait = w
				c.setPause(p.Clock.Now().Add(w))
				break
			}
			if reply.Status < 500 {
				// A client error, or a 3xx http.Client did not follow:
				// final.
				return nil, last
			}
			if !r.Idempotent {
				if done, serr := c.settle(ctx, r, last); done || serr != nil {
					return nil, serr
				}
			}
			wait = p.backoff(attempt)
		}
		if attempt+1 >= p.MaxAttempts {
			return nil, &GaveUpError{Attempts: attempt + 1, Err: last}
		}
		// Backoff waits are cut to what the budget has left.
		if wait = min(wait, p.MaxWait-waited); wait <= 0 {
			return nil, &GaveUpError{Attempts: attempt + 1, Budget: true, Err: last}
		}
		waited += wait
		if err := p.Clock.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// settle decides what follows an unknown outcome of a write: without
// Settled, *UnknownOutcomeError; with it, done when the write was applied,
// neither done nor an error when it must be sent again.
func (c *Client) settle(ctx context.Context, r Request, last error) (bool, error) {
	if r.Settled == nil {
		return false, &UnknownOutcomeError{last}
	}
	done, err := r.Settled(ctx)
	if err != nil {
		return false, &UnknownOutcomeError{fmt.Errorf("%w (and checking whether it was applied: %w)", last, err)}
	}
	return done, nil
}

// Send is the Send of a Request made through an http.Client: it sends
// req and reads the whole answer (at most MaxBody). A connection that
// breaks mid-answer is an error, as no answer at all is.
func Send(hc *http.Client, req *http.Request) (*Reply, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	if len(b) > MaxBody {
		return nil, fmt.Errorf("read answer: %w", errTooLarge)
	}
	return &Reply{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// IsRateLimit reports whether an error answer is a rate limit.
func IsRateLimit(r *Reply) bool {
	_, ok := RateLimitWait(r, time.Time{}, 0)
	return ok
}

// Clip bounds a message taken from an answer body to 1 KiB, cut at a
// character boundary.
func Clip(s string) string {
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

// once makes one attempt under the per-attempt timeout. A deadline of
// the attempt (not of ctx) becomes ErrTimeout.
func (c *Client) once(ctx context.Context, r Request) (*Reply, error) {
	rctx, cancel := context.WithTimeout(ctx, c.policy.RequestTimeout)
	defer cancel()
	reply, err := r.Send(rctx)
	if ctx.Err() == nil && rctx.Err() != nil {
		return nil, fmt.Errorf("%w (%s)", ErrTimeout, c.policy.RequestTimeout)
	}
	if err != nil {
		return nil, err
	}
	if reply == nil {
		return nil, errors.New("no answer")
	}
	return reply, nil
}

func (c *Client) setPause(t time.Time) {
	c.mu.Lock()
	if t.After(c.pause) {
		c.pause = t
	}
	c.mu.Unlock()
}

// waitPause holds a request back while a rate limit another request met
// is in force, at most max; it returns how long it waited.
func (c *Client) waitPause(ctx context.Context, max time.Duration) (time.Duration, error) {
	c.mu.Lock()
	until := c.pause
	c.mu.Unlock()
	d := min(until.Sub(c.policy.Clock.Now()), max)
	if d <= 0 {
		return 0, nil
	}
	return d, c.policy.Clock.Sleep(ctx, d)
}
