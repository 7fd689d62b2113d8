// Package transport owns the HTTP policy of the forge reporters (GitHub and
// GitLab) once: retries with backoff, rate-limit waits (Retry-After,
// x-ratelimit-reset, RateLimit-Reset), a total wait budget, per-request
// timeouts, the "outcome unknown" classification of writes, pagination,
// and the token handling of the wire: credentials only to the API origin,
// and secrets redacted from every answer and every error, whatever the
// status.
//
// The forge packages keep only endpoints and payloads: they build a
// request, hand it to Client.Do with a Send function that performs one
// attempt, and turn the final answer into their own error type.
package transport

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Defaults of the one policy, used by both forges.
const (
	// DefaultMaxAttempts is how often one request is tried, the first time
	// included: four retries.
	DefaultMaxAttempts = 5
	// DefaultBaseDelay is the wait after the first 5xx or network error;
	// it doubles per attempt (1s, 2s, 4s, 8s).
	DefaultBaseDelay = time.Second
	// DefaultMaxWait is the total one request may spend waiting between
	// its retries, all its waits together (RUNBOOK_TRANSLATOR_MAX_WAIT
	// overrides it). A rate limit that asks for longer than what is left
	// fails at once instead of holding CI.
	DefaultMaxWait = 2 * time.Minute
	// DefaultRequestTimeout bounds one attempt, the answer's body
	// included. GitHub gives up on a request after 10 seconds (and
	// answers 502); GitLab's Puma worker timeout is 60 seconds; 30
	// seconds covers a slow instance while a hung connection still fails
	// well within a CI job.
	DefaultRequestTimeout = 30 * time.Second
	// SecondaryLimitWait is the wait after a rate limit that names no
	// time: "wait for at least one minute before retrying", doubling per
	// attempt (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit,
	// https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#handle-rate-limit-errors-appropriately).
	SecondaryLimitWait = time.Minute
)

// Clock is time as the policy sees it; tests inject one that does not
// sleep.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}

// WallClock is the real clock.
var WallClock Clock = wallClock{}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Policy bounds how requests are tried. Zero fields take the defaults
// above; WithDefaults fills them in.
type Policy struct {
	// MaxAttempts is how often one request is tried, the first time
	// included; 0 means DefaultMaxAttempts.
	MaxAttempts int
	// BaseDelay is the first backoff wait; 0 means DefaultBaseDelay.
	BaseDelay time.Duration
	// MaxWait is the total wait of one request between its retries; 0
	// means DefaultMaxWait.
	MaxWait time.Duration
	// RequestTimeout bounds each attempt; 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Clock is used for waits and rate-limit resets; nil means WallClock.
	Clock Clock
	// NoJitter turns off the up to 10% jitter added to backoff waits
	// (tests that compare waits use it).
	NoJitter bool
}

// WithDefaults returns p with its zero fields set to the defaults.
func (p Policy) WithDefaults() Policy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxWait <= 0 {
		p.MaxWait = DefaultMaxWait
	}
	if p.RequestTimeout <= 0 {
		p.RequestTimeout = DefaultRequestTimeout
	}
	if p.Clock == nil {
		p.Clock = WallClock
	}
	return p
}

// Override returns p with the settings of o that are set: o is what the
// environment set (PolicyFromEnv: RequestTimeout, MaxWait), p a
// reporter's defaults.
func (p Policy) Override(o Policy) Policy {
	if o.RequestTimeout > 0 {
		p.RequestTimeout = o.RequestTimeout
	}
	if o.MaxWait > 0 {
		p.MaxWait = o.MaxWait
	}
	return p
}

// Backoff is the wait before try attempt+1 (attempt counts from 0) after
// a 5xx or network error: base doubling per attempt, capped at 1024 times
// base.
func Backoff(base time.Duration, attempt int) time.Duration {
	if base <= 0 {
		base = DefaultBaseDelay
	}
	return base << min(max(attempt, 0), 10)
}

// backoff is Backoff with the policy's base and, unless NoJitter, up to
// 10% jitter so that concurrent workers do not retry in step.
func (p Policy) backoff(attempt int) time.Duration {
	d := Backoff(p.BaseDelay, attempt)
	if p.NoJitter {
		return d
	}
	return d + time.Duration(rand.Int64N(int64(d)/10+1))
}

// Variables that tune how long the forge reporters wait on the API; values
// are Go durations ("30s", "2m"). Only cmd reads the environment; it hands
// its getenv to the forges' ContextFromEnv/ConfigFromEnv, which use
// PolicyFromEnv.
const (
	// RequestTimeoutVar bounds each API request, answer included.
	RequestTimeoutVar = "RUNBOOK_TRANSLATOR_REQUEST_TIMEOUT"
	// MaxWaitVar is the total wait of one request between its retries; a
	// rate limit that asks for longer than what is left fails the request
	// at once.
	MaxWaitVar = "RUNBOOK_TRANSLATOR_MAX_WAIT"
)

// PolicyFromEnv reads RequestTimeoutVar and MaxWaitVar through getenv;
// unset fields stay 0 (the defaults). Each error names its variable.
func PolicyFromEnv(getenv func(string) string) (Policy, []error) {
	var p Policy
	var errs []error
	for _, v := range []struct {
		name string
		dst  *time.Duration
	}{{RequestTimeoutVar, &p.RequestTimeout}, {MaxWaitVar, &p.MaxWait}} {
		s := strings.TrimSpace(getenv(v.name))
		if s == "" {
			continue
		}
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("read %s: %q is not a positive duration such as 30s or 2m", v.name, s))
			continue
		}
		*v.dst = d
	}
	return p, errs
}
