package github

import (
	"context"
	"net/http"
	"sync"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// checkCaller sends the check-run requests through api, under the one
// forge policy (reporters/forge/transport): go-github builds them (base
// URL, auth transport, headers), its service methods are not used (they
// refuse requests on the wall clock while a rate limit is in force).
// maxRetries and maxWait are the check run's defaults; what the
// environment set on the client (NewClient: RUNBOOK_TRANSLATOR_MAX_WAIT,
// RUNBOOK_TRANSLATOR_REQUEST_TIMEOUT) wins over them.
type checkCaller struct {
	c          *gh.Client
	now        func() time.Time
	sleep      func(ctx context.Context, d time.Duration) error
	maxRetries int
	maxWait    time.Duration
	// writes counts the write requests sent (each attempt).
	writes int

	once sync.Once
	a    *api
}

// api is the request sender, built on first use.
func (c *checkCaller) api() *api {
	c.once.Do(func() {
		clk := Clock(realClock{})
		if c.now != nil && c.sleep != nil {
			clk = funcClock{now: c.now, sleep: c.sleep}
		}
		c.a = &api{c: c.c, clock: clk, maxRetries: c.maxRetries, maxWait: c.maxWait}
	})
	return c.a
}

// send makes a request (a read, to settle an ambiguous write) and decodes
// its answer into out. The wait it returns is always 0: waits happen
// inside, under the policy.
func (c *checkCaller) send(ctx context.Context, method, path string, body, out any) (time.Duration, error) {
	_, err := c.api().do(ctx, method, path, body, out, method == http.MethodGet)
	c.writes = c.a.writes
	return 0, err
}

// do sends a request, retrying rate limits (GitHub applied nothing) and
// ambiguous failures (5xx, broken connection). After an ambiguous failure,
// settled, when not nil, looks at GitHub's state and returns true when the
// write was applied after all, so it is not repeated; out is then left
// unfilled. Without settled an ambiguous write is sent again (check.go
// decides that a duplicate check run is harmless).
func (c *checkCaller) do(ctx context.Context, method, path string, body, out any, settled func() (bool, error)) error {
	s := func(context.Context) (bool, error) { return false, nil }
	if settled != nil {
		s = func(context.Context) (bool, error) { return settled() }
	}
	_, err := c.api().request(ctx, method, path, body, out, method == http.MethodGet, s)
	c.writes = c.a.writes
	return err
}

// funcClock is a Clock made of the check run's Now and Sleep.
type funcClock struct {
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

func (f funcClock) Now() time.Time                                   { return f.now() }
func (f funcClock) Sleep(ctx context.Context, d time.Duration) error { return f.sleep(ctx, d) }

// checkSleep waits for d or until ctx is done.
func checkSleep(ctx context.Context, d time.Duration) error {
	return realClock{}.Sleep(ctx, d)
}
