package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock never sleeps; it records the waits and moves time on.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func newClock() *fakeClock { return &fakeClock{now: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

func (c *fakeClock) total() time.Duration {
	var t time.Duration
	for _, d := range c.waits {
		t += d
	}
	return t
}

// script answers attempts in turn; the last answer repeats.
type script struct {
	replies []func() (*Reply, error)
	n       int
}

func (s *script) send(context.Context) (*Reply, error) {
	f := s.replies[min(s.n, len(s.replies)-1)]
	s.n++
	return f()
}

func status(code int, hdr ...string) func() (*Reply, error) {
	return func() (*Reply, error) {
		h := http.Header{}
		for i := 0; i+1 < len(hdr); i += 2 {
			h.Set(hdr[i], hdr[i+1])
		}
		return &Reply{Status: code, Header: h}, nil
	}
}

func body(code int, b string) func() (*Reply, error) {
	return func() (*Reply, error) { return &Reply{Status: code, Header: http.Header{}, Body: []byte(b)}, nil }
}

func netErr() (*Reply, error) { return nil, errors.New("connection reset by peer") }

func TestRateLimitWaits(t *testing.T) {
	clock := newClock()
	reset := strconv.FormatInt(clock.Now().Add(20*time.Second).Unix(), 10)
	cases := map[string]struct {
		first func() (*Reply, error)
		wait  time.Duration
	}{
		// https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
		"github secondary 403":     {body(403, `{"message":"You have exceeded a secondary rate limit"}`), time.Minute},
		"github secondary 429":     {body(429, `{"message":"You have exceeded a secondary rate limit"}`), time.Minute},
		"github 403 retry-after":   {status(403, "Retry-After", "30"), 30 * time.Second},
		"github primary exhausted": {status(403, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset), 21 * time.Second},
		"github 429 retry-after":   {status(429, "Retry-After", "7"), 7 * time.Second},
		// https://docs.gitlab.com/security/rate_limits/ (Retry-After, RateLimit-Reset)
		"gitlab 429 ratelimit-reset": {status(429, "RateLimit-Reset", reset), 21 * time.Second},
		"gitlab 429 http date":       {status(429, "Retry-After", clock.Now().Add(9*time.Second).UTC().Format(http.TimeFormat)), 9 * time.Second},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			clk := newClock()
			s := &script{replies: []func() (*Reply, error){c.first, status(200)}}
			cl := NewClient(Policy{Clock: clk}, nil)
			if _, err := cl.Do(context.Background(), Request{Method: "POST", Path: "/x", Send: s.send}); err != nil {
				t.Fatal(err)
			}
			if len(clk.waits) != 1 || clk.waits[0] != c.wait {
				t.Errorf("waits %v, want [%s]", clk.waits, c.wait)
			}
		})
	}
}

// TestMaxWaitIsATotal: MaxWait bounds all the waits of one request
// together; a rate limit over what is left fails at once, backoff waits
// are cut to what is left.
func TestMaxWaitIsATotal(t *testing.T) {
	clk := newClock()
	cl := NewClient(Policy{Clock: clk, MaxWait: 45 * time.Second, MaxAttempts: 10}, nil)
	s := &script{replies: []func() (*Reply, error){status(429, "Retry-After", "30"), status(429, "Retry-After", "30"), status(200)}}
	_, err := cl.Do(context.Background(), Request{Method: "GET", Path: "/b", Idempotent: true, Send: s.send})
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.Left != 15*time.Second || !strings.Contains(err.Error(), "over the 45s wait limit") {
		t.Fatalf("err = %v", err)
	}
	if clk.total() != 30*time.Second {
		t.Errorf("waited %s in all, want 30s", clk.total())
	}
	// Another request has its own budget.
	clk.waits = nil
	s = &script{replies: []func() (*Reply, error){status(502)}}
	_, err = cl.Do(context.Background(), Request{Method: "GET", Path: "/c", Idempotent: true, Send: s.send})
	var gu *GaveUpError
	if !errors.As(err, &gu) || !gu.Budget {
		t.Fatalf("err = %v", err)
	}
	if clk.total() != 45*time.Second {
		t.Errorf("waited %s in all, want the 45s budget", clk.total())
	}
}

// TestBare429BacksOff: a 429 without Retry-After or reset headers (a
// proxy's) is backed off like a 5xx; GitHub's "at least a minute" is for
// its secondary limits.
func TestBare429BacksOff(t *testing.T) {
	clk := newClock()
	s := &script{replies: []func() (*Reply, error){status(429), status(200)}}
	if _, err := NewClient(Policy{Clock: clk, NoJitter: true}, nil).Do(context.Background(), Request{Method: "POST", Path: "/x", Send: s.send}); err != nil {
		t.Fatal(err)
	}
	if len(clk.waits) != 1 || clk.waits[0] != DefaultBaseDelay {
		t.Errorf("waits %v", clk.waits)
	}
}

// TestUnknownOutcome: a write whose answer was lost or was a 5xx is not
// sent again blindly; a read is retried.
func TestUnknownOutcome(t *testing.T) {
	for name, first := range map[string]func() (*Reply, error){"5xx": status(502), "reset": netErr} {
		t.Run(name, func(t *testing.T) {
			s := &script{replies: []func() (*Reply, error){first, status(201)}}
			cl := NewClient(Policy{Clock: newClock()}, nil)
			_, err := cl.Do(context.Background(), Request{Method: "POST", Path: "/notes", Send: s.send})
			var uo *UnknownOutcomeError
			if !errors.As(err, &uo) || s.n != 1 {
				t.Errorf("err = %v after %d attempts, want UnknownOutcomeError after 1", err, s.n)
			}
			s = &script{replies: []func() (*Reply, error){first, status(200)}}
			if _, err := cl.Do(context.Background(), Request{Method: "GET", Path: "/notes", Idempotent: true, Send: s.send}); err != nil || s.n != 2 {
				t.Errorf("read: err = %v after %d attempts", err, s.n)
			}
		})
	}
	t.Run("settled", func(t *testing.T) {
		for _, applied := range []bool{true, false} {
			s := &script{replies: []func() (*Reply, error){status(502), status(200)}}
			cl := NewClient(Policy{Clock: newClock()}, nil)
			reply, err := cl.Do(context.Background(), Request{Method: "PATCH", Path: "/runs/1", Send: s.send,
				Settled: func(context.Context) (bool, error) { return applied, nil }})
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 1, false: 2}[applied]; s.n != want || (applied != (reply == nil)) {
				t.Errorf("applied=%t: %d attempts, reply %v", applied, s.n, reply)
			}
		}
	})
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	s := &script{replies: []func() (*Reply, error){status(503)}}
	cl := NewClient(Policy{Clock: newClock(), MaxAttempts: 3}, nil)
	_, err := cl.Do(context.Background(), Request{Method: "GET", Path: "/x", Idempotent: true, Send: s.send})
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 attempts") || s.n != 3 {
		t.Errorf("err = %v after %d attempts", err, s.n)
	}
}

func TestClientErrorsAreFinal(t *testing.T) {
	for _, code := range []int{300, 400, 403, 404, 422} {
		s := &script{replies: []func() (*Reply, error){status(code), status(200)}}
		cl := NewClient(Policy{Clock: newClock()}, nil)
		_, err := cl.Do(context.Background(), Request{Method: "GET", Path: "/x", Idempotent: true, Send: s.send})
		var se *StatusError
		if !errors.As(err, &se) || se.Reply.Status != code || s.n != 1 {
			t.Errorf("%d: err = %v after %d attempts", code, err, s.n)
		}
	}
}

// TestPerAttemptTimeout: an attempt that gets no answer in time is
// ErrTimeout, retried for a read.
func TestPerAttemptTimeout(t *testing.T) {
	n := 0
	send := func(ctx context.Context) (*Reply, error) {
		n++
		if n == 1 {
			<-ctx.Done() // a hung server
			return nil, ctx.Err()
		}
		return &Reply{Status: 200}, nil
	}
	cl := NewClient(Policy{Clock: newClock(), RequestTimeout: time.Millisecond}, nil)
	if _, err := cl.Do(context.Background(), Request{Method: "GET", Path: "/x", Idempotent: true, Send: send}); err != nil || n != 2 {
		t.Errorf("read: err = %v after %d attempts", err, n)
	}
	n = 0
	_, err := cl.Do(context.Background(), Request{Method: "POST", Path: "/x", Send: send})
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("write: err = %v, want ErrTimeout", err)
	}
}

// TestErrorsRedacted: an error built from an answer that echoes the token
// does not show it.
func TestErrorsRedacted(t *testing.T) {
	s := &script{replies: []func() (*Reply, error){body(400, secret)}}
	cl := NewClient(Policy{Clock: newClock()}, NewRedactor(secret))
	_, err := cl.Do(context.Background(), Request{Method: "GET", Path: "/x", Idempotent: true, Send: s.send,
		Describe: func(r *Reply) error { return fmt.Errorf("said %s", r.Body) }})
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("err = %v", err)
	}
}

func TestPaginate(t *testing.T) {
	var got []string
	n, err := Paginate(context.Background(), func(_ context.Context, c string) (string, error) {
		got = append(got, c)
		switch c {
		case "":
			return "2", nil
		case "2":
			return "3", nil
		}
		return "2", nil // a server that points back
	})
	if err != nil || n != 3 || strings.Join(got, ",") != ",2,3" {
		t.Errorf("pages %d %q, err %v", n, got, err)
	}
	n, err = Paginate(context.Background(), func(_ context.Context, c string) (string, error) {
		i, _ := strconv.Atoi(c)
		return strconv.Itoa(i + 1), nil
	})
	if err == nil || n != MaxPages {
		t.Errorf("endless listing: %d pages, err %v", n, err)
	}
	h := http.Header{}
	h.Add("Link", `<https://api.github.com/x?page=3>; rel="next", <https://api.github.com/x?page=9>; rel="last"`)
	if got := NextLink(h); got != "https://api.github.com/x?page=3" {
		t.Errorf("NextLink = %q", got)
	}
}
