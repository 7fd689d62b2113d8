package transport

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// CredentialHeaders are the request headers that carry a credential to a
// forge: Authorization (GitHub's token or Bearer, GitLab's OAuth),
// Private-Token and Job-Token (GitLab,
// https://docs.gitlab.com/api/rest/authentication/), and Cookie. Go's
// http.Client drops only Authorization and Cookie on a redirect to another
// domain, and keeps them for a subdomain or another port
// (net/http shouldCopyHeaderOnRedirect); Transport drops all of them on
// every request that leaves the API origin.
var CredentialHeaders = []string{"Authorization", "Private-Token", "Job-Token", "Cookie", "Cookie2"}

// MaxBody bounds an answer body the transport reads (it reads the whole
// body to redact it). A page of 100 GitHub review comments of 65,536
// characters each is under 27 MiB.
const MaxBody = 64 << 20

// Transport is the http.RoundTripper of a forge client. For each request
// (redirects included, which http.Client sends through it hop by hop) it:
//   - removes every credential header when the request leaves the API
//     origin (another host or port, or https downgraded to http), and
//     otherwise lets Auth set them;
//   - reads the whole answer, whatever its status, and removes the
//     secrets from its body and from every header (Location included), so
//     that a 3xx, a GraphQL 200 with errors[] or a redirect echoing the
//     token cannot bring it into an error or a log;
//   - redacts the message of a transport error.
type Transport struct {
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Origin is the API's scheme and host (port included), e.g.
	// https://api.github.com; credentials go nowhere else.
	Origin *url.URL
	// Auth, when set, adds the credential headers to a request for the
	// origin.
	Auth func(http.Header)
	// Redact removes the secrets from answers and errors.
	Redact *Redactor
	// Policy is the retry policy explicitly configured for clients built
	// on this transport (from the environment); see PolicyOf.
	Policy Policy
}

// NewTransport returns a Transport for the API at apiURL.
func NewTransport(apiURL string, auth func(http.Header), p Policy, secrets ...string) (*Transport, error) {
	u, err := url.Parse(apiURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("parse API URL %q: want an http(s) URL", apiURL)
	}
	return &Transport{Origin: &url.URL{Scheme: u.Scheme, Host: u.Host}, Auth: auth, Redact: NewRedactor(secrets...), Policy: p}, nil
}

// SameOrigin reports whether u may receive the credentials of an API at
// origin: the same host and port, and no downgrade from https to http.
func SameOrigin(origin, u *url.URL) bool {
	if origin == nil || u == nil {
		return false
	}
	if !strings.EqualFold(hostPort(origin), hostPort(u)) {
		return false
	}
	return !(strings.EqualFold(origin.Scheme, "https") && !strings.EqualFold(u.Scheme, "https"))
}

// hostPort is u's host with its port, the scheme's default port made
// explicit so that https://h and https://h:443 compare equal.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return strings.ToLower(u.Hostname()) + ":" + port
}

// StripCredentials removes every credential header from h.
func StripCredentials(h http.Header) {
	for _, k := range CredentialHeaders {
		h.Del(k)
	}
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if SameOrigin(t.Origin, r.URL) {
		if t.Auth != nil {
			t.Auth(r.Header)
		}
	} else {
		StripCredentials(r.Header)
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(r)
	if err != nil {
		return nil, t.Redact.Error(err)
	}
	t.Redact.Header(resp.Header)
	if resp.Body == nil || resp.Body == http.NoBody {
		return resp, nil
	}
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	resp.Body.Close()
	if rerr != nil {
		// The connection broke, or the deadline passed, mid-answer: no
		// complete answer, as for a network error.
		return nil, t.Redact.Error(fmt.Errorf("read answer: %w", rerr))
	}
	if len(b) > MaxBody {
		return nil, fmt.Errorf("read answer: %w", errTooLarge)
	}
	b = t.Redact.Bytes(b)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	resp.Header.Del("Content-Length")
	return resp, nil
}

var errTooLarge = fmt.Errorf("answer larger than %d bytes", MaxBody)

// PolicyOf returns the Policy and Redactor of the Transport hc sends
// through, when it is one (a client built by a forge's NewClient): so
// that every reporter built on that client, whatever its own defaults,
// honours what the environment set.
func PolicyOf(hc *http.Client) (Policy, *Redactor, bool) {
	if hc == nil {
		return Policy{}, nil, false
	}
	rt := hc.Transport
	for rt != nil {
		if t, ok := rt.(*Transport); ok {
			return t.Policy, t.Redact, true
		}
		u, ok := rt.(interface{ Unwrap() http.RoundTripper })
		if !ok {
			break
		}
		rt = u.Unwrap()
	}
	return Policy{}, nil, false
}

// CheckRedirect is an http.Client CheckRedirect that, besides Go's limit
// of 10 redirects, removes the credential headers from a redirect that
// leaves the origin of the first request (Transport does it too; this
// covers a client whose transport is not a Transport).
func CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if len(via) > 0 && !SameOrigin(via[0].URL, req.URL) {
		StripCredentials(req.Header)
	}
	return nil
}
