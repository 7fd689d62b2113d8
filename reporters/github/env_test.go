package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
	"github.com/runbook-translator/runbook-translator/reporters/forge/transport"
)

const envSecret = "ghs_0123456789abcdefSECRETtoken"

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// envWriteEvent writes a pull_request event payload with the fields of
// GitHub's webhook payload the context reads; head is null for a deleted fork.
func envWriteEvent(t *testing.T, head any) string {
	t.Helper()
	ev := map[string]any{
		"action": "synchronize", "number": 42,
		"pull_request": map[string]any{
			"number": 42, "state": "open",
			"head": map[string]any{"ref": "feature", "sha": "headsha1", "repo": head},
			"base": map[string]any{"ref": "main", "sha": "basesha1", "repo": map[string]any{"full_name": "acme/infra"}},
		},
		"repository": map[string]any{"full_name": "acme/infra"},
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestContextFromActions(t *testing.T) {
	same := envWriteEvent(t, map[string]any{"full_name": "acme/infra"})
	fork := envWriteEvent(t, map[string]any{"full_name": "mallory/infra"})
	deleted := envWriteEvent(t, nil)
	base := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": "mergesha",
		"GITHUB_TOKEN": envSecret, "GITHUB_STEP_SUMMARY": "/tmp/summary", "GITHUB_EVENT_NAME": "pull_request"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		name string
		env  map[string]string
		over Overrides
		want Context
	}{
		{"pull request", with("GITHUB_EVENT_PATH", same), Overrides{},
			Context{TokenVar: "GITHUB_TOKEN", APIURL: DefaultAPIURL, Owner: "acme", Repo: "infra", PR: 42, SHA: "headsha1", HeadRepo: "acme/infra"}},
		{"fork", with("GITHUB_EVENT_PATH", fork), Overrides{},
			Context{TokenVar: "GITHUB_TOKEN", APIURL: DefaultAPIURL, Owner: "acme", Repo: "infra", PR: 42, SHA: "headsha1", HeadRepo: "mallory/infra", Fork: true}},
		{"deleted fork", with("GITHUB_EVENT_PATH", deleted), Overrides{},
			Context{TokenVar: "GITHUB_TOKEN", APIURL: DefaultAPIURL, Owner: "acme", Repo: "infra", PR: 42, SHA: "headsha1", Fork: true}},
		{"push", with("GITHUB_EVENT_NAME", "push"), Overrides{},
			Context{TokenVar: "GITHUB_TOKEN", APIURL: DefaultAPIURL, Owner: "acme", Repo: "infra", SHA: "mergesha"}},
		{"token order", with("RUNBOOK_TRANSLATOR_GITHUB_TOKEN", "app-token", "GH_TOKEN", "cli"), Overrides{},
			Context{TokenVar: "RUNBOOK_TRANSLATOR_GITHUB_TOKEN", APIURL: DefaultAPIURL, Owner: "acme", Repo: "infra", SHA: "mergesha"}},
		{"GH_TOKEN", with("GITHUB_TOKEN", "", "GH_TOKEN", "cli"), Overrides{},
			Context{TokenVar: "GH_TOKEN", APIURL: DefaultAPIURL, Owner: "acme", Repo: "infra", SHA: "mergesha"}},
		{"enterprise", with("GITHUB_API_URL", "https://ghe.example.com/api/v3/"), Overrides{},
			Context{TokenVar: "GITHUB_TOKEN", APIURL: "https://ghe.example.com/api/v3", Owner: "acme", Repo: "infra", SHA: "mergesha"}},
		{"overrides win", with("GITHUB_EVENT_PATH", same), Overrides{APIURL: "https://ghe.example.com/api/v3", Repo: "other/repo", PR: 7, SHA: "flagsha"},
			Context{TokenVar: "GITHUB_TOKEN", APIURL: "https://ghe.example.com/api/v3", Owner: "other", Repo: "repo", PR: 7, SHA: "flagsha", HeadRepo: "acme/infra"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ContextFromEnv(envOf(c.env), c.over)
			if err != nil {
				t.Fatal(err)
			}
			if got.Token == "" {
				t.Error("no token")
			}
			got.Token, got.StepSummary, got.EventName = "", "", ""
			if got != c.want {
				t.Errorf("got  %#v\nwant %#v", got, c.want)
			}
		})
	}
}

func TestContextFromAtlantis(t *testing.T) {
	env := map[string]string{"BASE_REPO_OWNER": "acme", "BASE_REPO_NAME": "infra", "HEAD_REPO_OWNER": "mallory",
		"HEAD_REPO_NAME": "infra", "PULL_NUM": "12", "HEAD_COMMIT": "atlsha", "ATLANTIS_GH_TOKEN": envSecret,
		"ATLANTIS_GH_HOSTNAME": "ghe.example.com"}
	got, err := ContextFromEnv(envOf(env), Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Atlantis || got.Owner != "acme" || got.Repo != "infra" || got.PR != 12 || got.SHA != "atlsha" || !got.Fork ||
		got.TokenVar != "ATLANTIS_GH_TOKEN" || got.APIURL != "https://ghe.example.com/api/v3" {
		t.Errorf("%#v", got)
	}
}

func TestContextErrorsNameTheVariable(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(bad, []byte(`{"pull_request": {"number": 1,`), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		env  map[string]string
		over Overrides
		want string
	}{
		{map[string]string{"GITHUB_SHA": "s"}, Overrides{}, "GITHUB_REPOSITORY"},
		{map[string]string{"GITHUB_REPOSITORY": "acme"}, Overrides{}, "GITHUB_REPOSITORY \"acme\" is not owner/name"},
		{map[string]string{"GITHUB_REPOSITORY": "acme/infra"}, Overrides{}, "GITHUB_SHA"},
		{map[string]string{"GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": "s"}, Overrides{Repo: "x/y/z"}, "--repo"},
		{map[string]string{"GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": "s", "GITHUB_API_URL": "ghe.example.com"}, Overrides{}, "GITHUB_API_URL"},
		{map[string]string{"GITHUB_REPOSITORY": "acme/infra", "GITHUB_EVENT_PATH": "/nonexistent/event.json"}, Overrides{}, "GITHUB_EVENT_PATH"},
		{map[string]string{"GITHUB_REPOSITORY": "acme/infra", "GITHUB_EVENT_PATH": bad}, Overrides{}, "parse GITHUB_EVENT_PATH " + bad},
		{map[string]string{"BASE_REPO_OWNER": "acme", "BASE_REPO_NAME": "infra", "PULL_NUM": "3"}, Overrides{}, "HEAD_COMMIT"},
		{map[string]string{"BASE_REPO_OWNER": "acme", "PULL_NUM": "3"}, Overrides{}, "BASE_REPO_NAME"},
		{map[string]string{"BASE_REPO_OWNER": "acme", "BASE_REPO_NAME": "infra", "PULL_NUM": "x"}, Overrides{}, "PULL_NUM"},
	}
	for _, c := range cases {
		_, err := ContextFromEnv(envOf(c.env), c.over)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("env %v: err = %v, want it to name %s", c.env, err, c.want)
		}
	}
	if _, err := NewClient(Context{Owner: "acme", Repo: "infra"}); err == nil || !strings.Contains(err.Error(), "GITHUB_TOKEN") {
		t.Errorf("NewClient without token: %v", err)
	}
}

func TestTokenNeverPrinted(t *testing.T) {
	c, err := ContextFromEnv(envOf(map[string]string{"GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": "s", "GITHUB_TOKEN": envSecret}), Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%T %v", "%d", "%10.3s"} {
		outs = append(outs, fmt.Sprintf(verb, c), fmt.Sprintf(verb, &c), fmt.Sprintf(verb, c.Token), fmt.Sprintf(verb, []any{c.Token}))
	}
	outs = append(outs, c.String(), c.GoString(), string(js), fmt.Sprint(c), fmt.Sprintln(c.Token), fmt.Errorf("ctx %v: %w", c, errors.New("x")).Error())
	for _, s := range outs {
		if strings.Contains(s, envSecret) || strings.Contains(s, fmt.Sprintf("%x", envSecret)) || strings.Contains(s, fmt.Sprintf("%X", envSecret)) {
			t.Errorf("token printed: %s", s)
		}
	}
	if !strings.Contains(c.String(), "[REDACTED] from GITHUB_TOKEN") {
		t.Errorf("String() = %s", c.String())
	}
}

func TestNewClientAgainstFake(t *testing.T) {
	srv := fakegithub.New(t, "acme", "infra")
	var mu sync.Mutex
	var auth []string
	inner := srv.Config.Handler
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		inner.ServeHTTP(w, r)
	})
	c, err := ContextFromEnv(envOf(map[string]string{"GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": chkSHA,
		"GITHUB_TOKEN": envSecret, "GITHUB_API_URL": srv.URL + "/api/v3"}), Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	client, err := NewClient(c)
	if err != nil {
		t.Fatal(err)
	}
	if got := client.BaseURL.String(); got != srv.URL+"/api/v3/" {
		t.Errorf("base URL %s", got)
	}
	cr := NewCheckRun(client, c.Owner, c.Repo, c.SHA)
	cr.Sleep = (&chkClock{}).Sleep
	run := &translator.Run{Findings: chkFindings(2, translator.SeverityError), FailLevel: translator.SeverityError}
	if _, err := cr.Post(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	if len(auth) != 1 || auth[0] != "Bearer "+envSecret {
		t.Errorf("authorization headers %q", auth)
	}

	// The fake echoes the token in error bodies: a plain 422, a refused
	// write, and a 5xx that exhausts the retries.
	for _, f := range []fakegithub.Fault{
		{Method: "POST", Status: 422, Message: "Bad token " + envSecret},
		{Method: "POST", Status: 403, Message: "Resource not accessible by integration (token " + envSecret + ")"},
		{Method: "POST", Status: 502, Message: "upstream said " + envSecret, Times: 10},
	} {
		srv.Inject(f)
		cr.MaxRetries = 1
		_, err := cr.Post(context.Background(), run)
		if err == nil {
			t.Fatalf("status %d: no error", f.Status)
		}
		if strings.Contains(err.Error(), envSecret) || !strings.Contains(err.Error(), tokenRedacted) {
			t.Errorf("status %d: error %q", f.Status, err)
		}
		if f.Status == 403 && !errors.Is(err, ErrNoWriteAccess) {
			t.Errorf("403: %v is not ErrNoWriteAccess", err)
		}
		srv.ClearFaults()
	}
}

func TestNewClientHosts(t *testing.T) {
	cases := map[string]string{
		DefaultAPIURL:                    "https://api.github.com/",
		"https://ghe.example.com/api/v3": "https://ghe.example.com/api/v3/",
		"https://api.acme.ghe.com":       "https://api.acme.ghe.com/",
	}
	for api, want := range cases {
		c, err := NewClient(Context{Token: envSecret, APIURL: api})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.BaseURL.String(); got != want {
			t.Errorf("%s: base URL %s, want %s", api, got, want)
		}
	}
	// The token goes to the API host only.
	c, err := NewClient(Context{Token: envSecret, APIURL: DefaultAPIURL})
	if err != nil {
		t.Fatal(err)
	}
	tr := c.Client().Transport.(*transport.Transport)
	tr.Base = envRoundTripFunc(func(r *http.Request) (*http.Response, error) {
		if h := r.Header.Get("Authorization"); h != "" {
			return nil, fmt.Errorf("authorization sent to %s", r.URL.Host)
		}
		return &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}}, nil
	})
	req, _ := http.NewRequest("GET", "https://objects.githubusercontent.com/x", nil)
	if _, err := tr.RoundTrip(req); err != nil {
		t.Error(err)
	}
}

type envRoundTripFunc func(*http.Request) (*http.Response, error)

func (f envRoundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
