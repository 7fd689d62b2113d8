package lifecycle

import (
	"context"
	"testing"
	"time"
)

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }
func (c *clock) Sleep(_ context.Context, d time.Duration) error {
	c.now = c.now.Add(d)
	return nil
}

// TestPacerKeepsGitHubSecondaryLimits: 600 writes paced to GitHub's
// documented limits never put more than 1 write in a second, 80 in a
// minute or 500 in an hour.
func TestPacerKeepsGitHubSecondaryLimits(t *testing.T) {
	c := &clock{now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	limits := []Limit{{N: 1, Per: time.Second}, {N: 80, Per: time.Minute}, {N: 500, Per: time.Hour}} // with the best-practice second
	p := newPacer(c, limits)
	var at []time.Time
	for range 600 {
		if err := p.wait(context.Background(), 2*time.Minute); err != nil {
			t.Fatal(err)
		}
		at = append(at, c.now)
	}
	for _, l := range limits {
		for i := range at {
			n := 0
			for j := i; j < len(at) && at[j].Sub(at[i]) < l.Per; j++ {
				n++
			}
			if n > l.N {
				t.Fatalf("%d writes within %s from write %d, limit %d", n, l.Per, i, l.N)
			}
		}
	}
	if got := at[len(at)-1].Sub(at[0]); got < time.Hour {
		t.Errorf("600 writes took %s, want over an hour (500 an hour)", got)
	}
}

// TestPacerWithoutLimitsNeverWaits: no limits (a dry run) cost nothing.
func TestPacerWithoutLimitsNeverWaits(t *testing.T) {
	c := &clock{now: time.Unix(0, 0)}
	p := newPacer(c, nil)
	for range 100 {
		_ = p.wait(context.Background(), time.Minute)
	}
	if c.now != time.Unix(0, 0) {
		t.Errorf("waited %s", c.now.Sub(time.Unix(0, 0)))
	}
}

// TestIdentityIs: an id decides when both sides have one (a GitLab user
// renamed keeps its notes); otherwise the login, case-insensitively.
func TestIdentityIs(t *testing.T) {
	self := Identity{Login: "bot", ID: 7}
	for _, c := range []struct {
		a    Author
		want bool
	}{
		{Author{Login: "bot", ID: 7}, true},
		{Author{Login: "renamed", ID: 7}, true},
		{Author{Login: "bot", ID: 8}, false},
		{Author{Login: "BOT"}, true},
		{Author{Login: "mallory"}, false},
		{Author{}, false},
	} {
		if got := self.Is(c.a); got != c.want {
			t.Errorf("%+v: %v, want %v", c.a, got, c.want)
		}
	}
	if (Identity{}).Is(Author{}) {
		t.Error("an empty identity owns comments without author")
	}
}
