package transport

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

const secret = "glpat-0123456789abcdefghij"

// headerLog records the credential headers each request carried.
type headerLog struct {
	mu   sync.Mutex
	seen []http.Header
}

func (l *headerLog) handler(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	h := http.Header{}
	for _, k := range CredentialHeaders {
		if v := r.Header.Values(k); len(v) > 0 {
			h[k] = v
		}
	}
	l.seen = append(l.seen, h)
	l.mu.Unlock()
	fmt.Fprint(w, `{}`)
}

// otherHost returns u with its host replaced by localhost: the same
// listener, another host name (both servers listen on 127.0.0.1).
func otherHost(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = "localhost:" + u.Port()
	return u.String()
}

// TestRedirectToOtherHostDropsCredentials: every credential header is
// removed on a redirect to another host and to another port of the same
// host, whoever set it (the request itself, as client-go sets
// Private-Token and Job-Token, or Auth). Go alone keeps Private-Token and
// Job-Token, and keeps Authorization for another port.
func TestRedirectToOtherHostDropsCredentials(t *testing.T) {
	var other headerLog
	b := httptest.NewServer(http.HandlerFunc(other.handler))
	defer b.Close()
	for name, target := range map[string]string{
		"other host": otherHost(t, b.URL) + "/landing",
		"other port": b.URL + "/landing",
	} {
		t.Run(name, func(t *testing.T) {
			other.seen = nil
			a := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target, http.StatusFound)
			}))
			defer a.Close()
			tr, err := NewTransport(a.URL+"/api/v4", func(h http.Header) { h.Set("Authorization", "Bearer "+secret) }, Policy{}, secret)
			if err != nil {
				t.Fatal(err)
			}
			hc := &http.Client{Transport: tr}
			req, _ := http.NewRequest(http.MethodGet, a.URL+"/api/v4/user", nil)
			req.Header.Set("Private-Token", secret)
			req.Header.Set("Job-Token", secret)
			req.Header.Set("Cookie", "_gitlab_session="+secret)
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if len(other.seen) != 1 {
				t.Fatalf("redirect target saw %d requests", len(other.seen))
			}
			if len(other.seen[0]) != 0 {
				t.Errorf("credentials sent to %s: %v", target, other.seen[0])
			}
		})
	}
}

// TestSameOriginKeepsCredentials: a redirect within the API origin keeps
// the token (GitLab redirects a renamed project's API path).
func TestSameOriginKeepsCredentials(t *testing.T) {
	var log headerLog
	mux := http.NewServeMux()
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusMovedPermanently) })
	mux.HandleFunc("/new", log.handler)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	tr, _ := NewTransport(srv.URL, func(h http.Header) { h.Set("Authorization", "Bearer "+secret) }, Policy{}, secret)
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL + "/old")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(log.seen) != 1 || log.seen[0].Get("Authorization") != "Bearer "+secret {
		t.Errorf("same-origin redirect lost the token: %v", log.seen)
	}
}

func TestSameOrigin(t *testing.T) {
	o, _ := url.Parse("https://gitlab.example.com")
	for raw, want := range map[string]bool{
		"https://gitlab.example.com/api/v4":     true,
		"https://GITLAB.example.com:443/x":      true,
		"http://gitlab.example.com/x":           false, // downgrade
		"https://gitlab.example.com:8443/x":     false,
		"https://evil.gitlab.example.com/x":     false, // Go keeps Authorization for subdomains
		"https://gitlab.example.com.evil.com/x": false,
	} {
		u, _ := url.Parse(raw)
		if got := SameOrigin(o, u); got != want {
			t.Errorf("SameOrigin(%s) = %t, want %t", raw, got, want)
		}
	}
}

// TestCheckRedirect covers a client whose transport is not a Transport.
func TestCheckRedirect(t *testing.T) {
	first, _ := http.NewRequest("GET", "https://api.github.com/x", nil)
	next, _ := http.NewRequest("GET", "https://elsewhere.example/x", nil)
	for _, k := range CredentialHeaders {
		next.Header.Set(k, secret)
	}
	if err := CheckRedirect(next, []*http.Request{first}); err != nil {
		t.Fatal(err)
	}
	for _, k := range CredentialHeaders {
		if next.Header.Get(k) != "" {
			t.Errorf("%s kept on a cross-host redirect", k)
		}
	}
}

// TestAnswersRedactedWhateverTheStatus: the token is removed from the
// body and every header of 2xx, 3xx and 4xx answers (the transport once
// scrubbed only status >= 400).
func TestAnswersRedactedWhateverTheStatus(t *testing.T) {
	for _, status := range []int{200, 300, 304, 404, 502} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Echo", r.Header.Get("Authorization"))
				w.Header().Set("Location", "https://elsewhere.example/?token="+secret)
				w.WriteHeader(status)
				if status != 304 {
					fmt.Fprintf(w, `{"message":"you sent %s","errors":[{"message":"%s"}]}`, r.Header.Get("Authorization"), secret)
				}
			}))
			defer srv.Close()
			tr, _ := NewTransport(srv.URL, func(h http.Header) { h.Set("Authorization", "Bearer "+secret) }, Policy{}, secret)
			req, _ := http.NewRequest("GET", srv.URL+"/x", nil)
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(b), secret) {
				t.Errorf("body: %s", b)
			}
			for k, vs := range resp.Header {
				for _, v := range vs {
					if strings.Contains(v, secret) {
						t.Errorf("header %s: %s", k, v)
					}
				}
			}
			if status != 304 && !strings.Contains(string(b), Redacted) {
				t.Errorf("body not redacted but altered: %s", b)
			}
		})
	}
}

// TestRedirectLocationRedacted: a redirect whose Location carries the
// token is followed with the token redacted, so the URL in a later error
// (http.Client names it) does not show it.
func TestRedirectLocationRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "http://127.0.0.1:1/?private_token="+secret)
		w.WriteHeader(http.StatusFound)
	}))
	defer srv.Close()
	tr, _ := NewTransport(srv.URL, nil, Policy{}, secret)
	_, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err == nil {
		t.Fatal("no error from a redirect to a closed port")
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error shows the token: %v", err)
	}
}

// TestTransportErrorRedacted: a transport error that names the token (a
// proxy URL, a dial error) is redacted, and still unwraps to its cause.
func TestTransportErrorRedacted(t *testing.T) {
	cause := errors.New("proxyconnect tcp: user " + secret)
	tr := &Transport{Base: rtFunc(func(*http.Request) (*http.Response, error) { return nil, cause }), Redact: NewRedactor(secret)}
	req, _ := http.NewRequest("GET", "https://x.example", nil)
	_, err := tr.RoundTrip(req)
	if err == nil || strings.Contains(err.Error(), secret) || !errors.Is(err, cause) {
		t.Errorf("err = %v", err)
	}
}

func TestRedactor(t *testing.T) {
	r := NewRedactor("s3cr3t/+=", "abc")
	in := "a s3cr3t/+= b " + url.QueryEscape("s3cr3t/+=") + " c abc ghp_" + strings.Repeat("A", 36) + " glcbt-" + strings.Repeat("x", 20)
	got := r.String(in)
	for _, leak := range []string{"s3cr3t", "ghp_A", "glcbt-x"} {
		if strings.Contains(got, leak) {
			t.Errorf("String kept %q: %s", leak, got)
		}
	}
	if !strings.Contains(got, " abc ") {
		t.Errorf("a secret under 4 characters was redacted: %s", got)
	}
	if b := r.Secret("quoting ghp_" + strings.Repeat("B", 36)); !strings.Contains(b, "ghp_B") {
		t.Errorf("Secret redacted a token shape from a body: %s", b)
	}
	var nilR *Redactor
	if nilR.String("ghp_"+strings.Repeat("C", 36)) != Redacted {
		t.Error("nil redactor keeps token shapes")
	}
}

func TestPolicyOf(t *testing.T) {
	tr, _ := NewTransport("https://api.github.com", nil, Policy{MaxWait: 7}, secret)
	p, r, ok := PolicyOf(&http.Client{Transport: tr})
	if !ok || p.MaxWait != 7 || !r.Secrets() {
		t.Errorf("PolicyOf = %v %v %v", p, r, ok)
	}
	if _, _, ok := PolicyOf(&http.Client{}); ok {
		t.Error("PolicyOf found a policy on a plain client")
	}
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
