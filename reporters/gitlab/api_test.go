package gitlab

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCrossHostRedirectSendsNoToken: client-go sets Private-Token (or
// Job-Token) on the request, and Go's http.Client copies every header but
// Authorization and Cookie to a redirect, so a redirect to another host
// once received the token (issue 8, item 4). Checked for a project token
// and a job token, a redirect to another host name and to another port.
func TestCrossHostRedirectSendsNoToken(t *testing.T) {
	var mu sync.Mutex
	var got []http.Header
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Clone())
		mu.Unlock()
		fmt.Fprint(w, `{"id": 1, "username": "elsewhere"}`)
	}))
	defer other.Close()
	u, _ := url.Parse(other.URL)
	for _, job := range []bool{false, true} {
		for _, target := range []string{other.URL, "http://localhost:" + u.Port()} {
			got = nil
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target+"/landing", http.StatusFound)
			}))
			cl, err := NewClient(Config{BaseURL: api.URL + "/api/v4", Token: testToken, JobToken: job})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := cl.Users.CurrentUser(); err != nil {
				t.Fatal(err)
			}
			api.Close()
			if len(got) != 1 {
				t.Fatalf("redirect target saw %d requests", len(got))
			}
			for _, k := range []string{"Private-Token", "Job-Token", "Authorization", "Cookie"} {
				if v := got[0].Get(k); v != "" {
					t.Errorf("job token %t, redirect to %s: %s: %s sent", job, target, k, v)
				}
			}
		}
	}
}

// TestSameHostRedirectKeepsToken: a redirect within the API origin (a
// renamed project) still authenticates.
func TestSameHostRedirectKeepsToken(t *testing.T) {
	var seen string
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v4/user", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/api/v4/users/1", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/api/v4/users/1", func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Get("Private-Token")
		fmt.Fprint(w, `{"id": 1}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cl, err := NewClient(Config{BaseURL: srv.URL + "/api/v4", Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := cl.Users.CurrentUser(); err != nil {
		t.Fatal(err)
	}
	if seen != testToken {
		t.Errorf("same-origin redirect carried Private-Token %q", seen)
	}
}

// TestErrorAnswerRedacted: a 3xx answer that is not followed and echoes
// the token becomes an error without it.
func TestErrorAnswerRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "https://elsewhere.example/?private_token="+r.Header.Get("Private-Token"))
		w.WriteHeader(http.StatusMultipleChoices)
		fmt.Fprintf(w, `{"message": "token %s"}`, r.Header.Get("Private-Token"))
	}))
	defer srv.Close()
	d, err := New(Config{BaseURL: srv.URL + "/api/v4", Project: "1", MergeRequestIID: 1, Token: testToken, HeadSHA: "abc"},
		Options{Retry: RetryPolicy{Clock: newClock()}, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.latestVersion(context.Background())
	if err == nil || strings.Contains(err.Error(), testToken) {
		t.Errorf("err = %v", err)
	}
}
