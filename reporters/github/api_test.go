package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
)

// apiFor returns the api of a client built by NewClient for an API at
// base (the path GitHub Enterprise uses), as the reporters get it.
func apiFor(t *testing.T, base string, env map[string]string) *api {
	t.Helper()
	vars := map[string]string{"GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": chkSHA,
		"GITHUB_TOKEN": envSecret, "GITHUB_API_URL": base + "/api/v3"}
	for k, v := range env {
		vars[k] = v
	}
	c, err := ContextFromEnv(envOf(vars), Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	client, err := NewClient(c)
	if err != nil {
		t.Fatal(err)
	}
	return &api{c: client, clock: &chkClock{}, maxRetries: 4, maxWait: 2 * time.Minute}
}

// TestRedirectAnswerBodyRedacted: a 3xx that is not followed (300, or a
// 304) becomes an error built from its body; a body echoing the token
// once reached stderr, since only status >= 400 was scrubbed (issue 8,
// item 3).
func TestRedirectAnswerBodyRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusMultipleChoices)
		fmt.Fprintf(w, `{"message":"pick one, %s"}`, r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	a := apiFor(t, srv.URL, nil)
	var out map[string]any
	_, err := a.do(context.Background(), http.MethodGet, "repos/acme/infra", nil, &out, true)
	if err == nil {
		t.Fatal("a 300 answer is no error")
	}
	if strings.Contains(err.Error(), envSecret) || !strings.Contains(err.Error(), tokenRedacted) {
		t.Errorf("error %q", err)
	}
}

// TestRedirectLocationWithTokenRedacted: a redirect to a URL carrying the
// token, which then fails, named the URL (and the token) in the error.
func TestRedirectLocationWithTokenRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		w.Header().Set("Location", "http://127.0.0.1:1/login?token="+url.QueryEscape(tok))
		w.WriteHeader(http.StatusFound)
	}))
	defer srv.Close()
	a := apiFor(t, srv.URL, nil)
	_, err := a.do(context.Background(), http.MethodGet, "repos/acme/infra", nil, nil, true)
	if err == nil {
		t.Fatal("no error from a redirect to a closed port")
	}
	if strings.Contains(err.Error(), envSecret) {
		t.Errorf("error shows the token: %v", err)
	}
}

// TestGraphQLErrorsRedacted: GitHub answers GraphQL errors with HTTP 200
// and errors[].message; one echoing the token reached stderr (issue 8,
// item 3). The fake's EchoToken puts it into the FORBIDDEN message of a
// refused mutation.
func TestGraphQLErrorsRedacted(t *testing.T) {
	srv := fakegithub.New(t, "acme", "infra")
	srv.EchoToken = true
	srv.SetReadOnly(403)
	a := apiFor(t, srv.URL, nil)
	err := a.graphql(context.Background(), `mutation($threadId: ID!) { resolveReviewThread(input: {threadId: $threadId}) { thread { id } } }`,
		map[string]any{"threadId": "PRRT_1"}, nil)
	if err == nil {
		t.Fatal("refused mutation is no error")
	}
	if strings.Contains(err.Error(), envSecret) || !errors.Is(err, ErrNoWriteAccess) {
		t.Errorf("error %q", err)
	}
}

// TestCrossHostRedirectSendsNoToken: the token goes to the API origin
// only, a redirect to another host or port gets no Authorization.
func TestCrossHostRedirectSendsNoToken(t *testing.T) {
	var mu sync.Mutex
	var got []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("Authorization"))
		mu.Unlock()
		fmt.Fprint(w, `{}`)
	}))
	defer other.Close()
	u, _ := url.Parse(other.URL)
	for _, target := range []string{other.URL, "http://localhost:" + u.Port()} {
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target+"/elsewhere", http.StatusTemporaryRedirect)
		}))
		a := apiFor(t, api.URL, nil)
		if _, err := a.do(context.Background(), http.MethodGet, "repos/acme/infra", nil, nil, true); err != nil {
			t.Fatal(err)
		}
		api.Close()
	}
	if len(got) != 2 || got[0] != "" || got[1] != "" {
		t.Errorf("redirect targets got Authorization %q", got)
	}
}

// TestMaxWaitReachesCheckRun: RUNBOOK_TRANSLATOR_MAX_WAIT is honoured by
// github-check as built by cmd (NewClient, NewCheckRun): a secondary rate
// limit asking for a minute fails at once with a 5s limit. It once
// reached only github-pr-review, and github-check waited up to 3 minutes.
func TestMaxWaitReachesCheckRun(t *testing.T) {
	srv := fakegithub.New(t, "acme", "infra")
	c, err := ContextFromEnv(envOf(map[string]string{"GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": chkSHA,
		"GITHUB_TOKEN": envSecret, "GITHUB_API_URL": srv.URL + "/api/v3", MaxWaitVar: "5s"}), Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	client, err := NewClient(c)
	if err != nil {
		t.Fatal(err)
	}
	cr := NewCheckRun(client, c.Owner, c.Repo, c.SHA)
	clock := &chkClock{now: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}
	cr.Now, cr.Sleep = clock.Now, clock.Sleep
	srv.Inject(fakegithub.Fault{Method: "POST", Path: "check-runs$", Status: 403, Secondary: true, RetryAfter: "60"})
	_, err = cr.Post(context.Background(), &translator.Run{Findings: chkFindings(1, translator.SeverityError)})
	if err == nil || !strings.Contains(err.Error(), "over the 5s wait limit") || len(clock.waits) != 0 {
		t.Errorf("err = %v, waits %v", err, clock.waits)
	}
}
