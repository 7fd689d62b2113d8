package fakegithub

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

// TestSecondaryLimits: the 81st content-generating request within a
// minute gets 403 with retry-after and a "secondary rate limit" message;
// reads are not limited; once the window moved on, writes pass again; the
// 501st within an hour is refused too.
func TestSecondaryLimits(t *testing.T) {
	srv, _ := newFake(t)
	// go-github refuses requests itself for a while after a secondary
	// limit (by the wall clock): a fresh client per request.
	client := func() *github.Client {
		c, err := github.NewClient(nil).WithEnterpriseURLs(srv.URL+"/", srv.URL+"/")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	srv.Now = func() time.Time { return now }
	srv.SecondaryLimits = DocumentedSecondaryLimits
	ctx := context.Background()
	post := func() error {
		_, _, err := client().Issues.CreateComment(ctx, "acme", "infra", 7, &github.IssueComment{Body: github.String("x")})
		return err
	}
	for i := 0; i < 80; i++ {
		if err := post(); err != nil {
			t.Fatalf("write %d: %v", i+1, err)
		}
	}
	err := post()
	// go-github recognises the answer as a secondary limit by its message.
	var ae *github.AbuseRateLimitError
	if !errors.As(err, &ae) || ae.Response.StatusCode != http.StatusForbidden || ae.GetRetryAfter() != time.Minute {
		t.Fatalf("81st write: %v, want 403 with retry-after 60", err)
	}
	if _, _, err := client().Issues.ListComments(ctx, "acme", "infra", 7, nil); err != nil {
		t.Errorf("a read was limited: %v", err)
	}
	if srv.SecondaryHits() != 1 {
		t.Errorf("hits = %d, want 1", srv.SecondaryHits())
	}
	// Six more minutes of 80 writes each: 560 in the hour, the 501st refused.
	refused := 0
	for m := 1; m <= 6; m++ {
		now = now.Add(time.Minute)
		for i := 0; i < 80; i++ {
			if post() != nil {
				refused++
			}
		}
	}
	if refused != 6*80-(500-80) {
		t.Errorf("refused %d writes in the next six minutes, want %d (the hourly limit)", refused, 6*80-(500-80))
	}
}
