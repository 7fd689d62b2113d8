// Package fakeforge is the machinery the stateful forge fakes
// (internal/fakegithub, internal/fakegitlab) share: the fault queue and
// how a fault is played around a request (stall, connection reset, error
// answer, write applied then failed), the echo of the caller's token,
// offset pagination, and validation against an OpenAPI contract. The
// fakes keep their forge's endpoints, state and error bodies.
//
// Options and their sources: OPTIONS.md.
package fakeforge

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"
)

// Fault is an injected failure for the next matching requests. The fakes
// alias it (fakegithub.Fault, fakegitlab.Fault); fields one forge does not
// have are ignored by the other, as their comments say.
//
// What each fault models: rate limits (GitHub's primary and secondary
// limits, https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api;
// GitLab's 429 with Retry-After and RateLimit-* headers,
// https://docs.gitlab.com/security/rate_limits/), 5xx and gateway timeouts
// that may come after the write was applied
// (https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#timeouts),
// connection resets and stalls longer than the client's timeout.
type Fault struct {
	// Method and Path select requests: Method "" matches any, Path is a
	// regular expression over the path (GitHub: without /api/v3; GitLab:
	// below /api/v4, project segment as sent), "" matches any.
	Method, Path string
	// Times is how many requests fail; 0 means 1.
	Times int
	// Skip lets the first Skip matching requests through unharmed, so
	// that a fault hits in the middle of a batch of writes.
	Skip int
	// Status is the response status (403, 429, 500, 502, ...).
	Status int
	// Message is the error message; a default is used when empty.
	Message string
	// RetryAfter sets the Retry-After header (seconds) when not empty.
	RetryAfter string
	// PrimaryLimit (GitHub) sends x-ratelimit-remaining: 0 and
	// x-ratelimit-reset ResetIn from now, as for an exhausted primary rate
	// limit.
	PrimaryLimit bool
	// ResetIn is how far ahead the limit resets: GitHub's
	// x-ratelimit-reset with PrimaryLimit; GitLab's RateLimit-Reset and
	// RateLimit-ResetTime on a 429 (zero leaves the RateLimit-* headers
	// out).
	ResetIn time.Duration
	// Secondary (GitHub) marks the error as a secondary rate limit (its
	// message and documentation_url).
	Secondary bool
	// Reset closes the connection without a response.
	Reset bool
	// AfterApply performs the request before failing: the write happened
	// but the client cannot know (a gateway timeout).
	AfterApply bool
	// EchoToken puts the token the request carried into the error message,
	// as a careless proxy or error page might.
	EchoToken bool
	// Stall holds the request this long (or until the client gives up)
	// before answering: after applying it with AfterApply, before
	// anything otherwise. With no Status and no Reset the request is then
	// answered normally, as a slow server would.
	Stall time.Duration

	re *regexp.Regexp
}

// Faults is a queue of faults, safe for concurrent use.
type Faults struct {
	mu   sync.Mutex
	list []*Fault
}

// Inject queues a fault.
func (q *Faults) Inject(f Fault) {
	if f.Times == 0 {
		f.Times = 1
	}
	if f.Path != "" {
		f.re = regexp.MustCompile(f.Path)
	}
	q.mu.Lock()
	q.list = append(q.list, &f)
	q.mu.Unlock()
}

// Clear drops the faults not yet used.
func (q *Faults) Clear() {
	q.mu.Lock()
	q.list = nil
	q.mu.Unlock()
}

// Take returns the first fault that matches a request, using it up, or
// nil. A matching fault with Skip left lets this request through.
func (q *Faults) Take(method, path string) *Fault {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, f := range q.list {
		if (f.Method == "" || f.Method == method) && (f.re == nil || f.re.MatchString(path)) {
			if f.Skip > 0 {
				f.Skip--
				return nil
			}
			f.Times--
			if f.Times <= 0 {
				q.list = append(q.list[:i], q.list[i+1:]...)
			}
			return f
		}
	}
	return nil
}

// Player plays faults for one fake: T reports failures, WriteFault writes
// the forge's error answer for a fault with a Status.
type Player struct {
	T          testing.TB
	Name       string
	WriteFault func(w http.ResponseWriter, r *http.Request, f *Fault)
}

// Before plays the part of f that comes before the request is handled
// (nothing for AfterApply). It returns the fault left for After and
// whether the request is over: answered with the fault, reset, or given
// up by the client during a stall (then it is not applied: applying it
// after the client may have listed again would race with it).
func (p Player) Before(w http.ResponseWriter, r *http.Request, f *Fault) (*Fault, bool) {
	if f == nil || f.AfterApply {
		return f, false
	}
	Stall(r, f.Stall)
	switch {
	case f.Reset:
		p.ResetConn(w)
		return nil, true
	case f.Status != 0:
		p.WriteFault(w, r, f)
		return nil, true
	}
	if r.Context().Err() != nil {
		return nil, true
	}
	return nil, false // a slow answer, then the normal one
}

// After handles the request with handle and then plays f (an AfterApply
// fault, or nil): the work is done, then the answer is lost (reset), an
// error (Status), or late (Stall only).
func (p Player) After(w http.ResponseWriter, r *http.Request, f *Fault, handle func(http.ResponseWriter)) {
	if f == nil {
		handle(w)
		return
	}
	buf := httptest.NewRecorder()
	handle(buf)
	Stall(r, f.Stall)
	switch {
	case f.Reset:
		p.ResetConn(w)
	case f.Status != 0:
		p.WriteFault(w, r, f)
	default: // applied, slow, then answered
		for k, v := range buf.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(buf.Code)
		_, _ = w.Write(buf.Body.Bytes())
	}
}

// Stall waits d or until the client gives up on the request.
func Stall(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

// ResetConn closes the connection under w without an answer.
func (p Player) ResetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		p.T.Errorf("%s: cannot hijack connection", p.Name)
		return
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// EchoWriter is the ResponseWriter of a fake with EchoToken: the fake adds
// Token to the message of its error answers, as a careless proxy or error
// page might.
type EchoWriter struct {
	http.ResponseWriter
	Token string
}

// Hijack lets ResetConn close the connection under the wrapper.
func (e *EchoWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := e.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("cannot hijack connection")
	}
	return hj.Hijack()
}

// Echoed returns the token to echo into w's error answers, if w echoes.
func Echoed(w http.ResponseWriter) (string, bool) {
	e, ok := w.(*EchoWriter)
	if !ok {
		return "", false
	}
	return e.Token, true
}

// Controls are what a test switches on a fake from outside the forge's
// API: the faults it queues and read-only mode. A fake's Server embeds
// them, so Inject, ClearFaults and SetReadOnly are the fake's own. Safe
// for concurrent use.
type Controls struct {
	faults   Faults
	mu       sync.Mutex
	readOnly int
}

// Inject queues a fault.
func (c *Controls) Inject(f Fault) { c.faults.Inject(f) }

// ClearFaults drops the faults not yet used.
func (c *Controls) ClearFaults() { c.faults.Clear() }

// SetReadOnly makes every write fail with status (403 or 404), as with a
// token that may read but not write: the read-only token of a pull
// request from a fork on GitHub, a token that may read but not comment
// on GitLab; 0 restores writes.
func (c *Controls) SetReadOnly(status int) {
	c.mu.Lock()
	c.readOnly = status
	c.mu.Unlock()
}

// Switched takes the fault due for a request (nil if none, see
// Faults.Take) and returns it with the read-only status.
func (c *Controls) Switched(method, path string) (*Fault, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.faults.Take(method, path), c.readOnly
}
