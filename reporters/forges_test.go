package reporters

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

var errRefused = errors.New("refused")

type stubReporter struct {
	err   error
	calls *[]string
	name  string
	notes []string
}

func (s stubReporter) Report(_ context.Context, run *translator.Run) error {
	*s.calls = append(*s.calls, s.name)
	if s.notes != nil {
		copy(s.notes, run.Notes)
	}
	return s.err
}

// TestForgeRegistry: a registered forge reporter is built with its
// fallback, which delivers only when the forge refuses writes; names are
// unique across local and forge reporters.
func TestForgeRegistry(t *testing.T) {
	var calls []string
	var primaryErr error
	name := "test-forge-registry"
	RegisterForge(Forge{
		Name:        name,
		Description: "a test forge",
		New: func(ForgeOptions) (Reporter, error) {
			return stubReporter{err: primaryErr, calls: &calls, name: "primary"}, nil
		},
		Fallback:      func(ForgeOptions) (Reporter, error) { return stubReporter{calls: &calls, name: "fallback"}, nil },
		FallbackName:  "the stub",
		NoWriteAccess: func(err error) bool { return errors.Is(err, errRefused) },
	})
	if !IsForge(name) || ForgeDescription(name) != "a test forge" || IsForge("local") {
		t.Fatalf("registry: IsForge %t, description %q", IsForge(name), ForgeDescription(name))
	}
	var log bytes.Buffer
	for _, c := range []struct {
		err       error
		want      string
		wantError bool
	}{
		{nil, "primary", false},
		{errRefused, "primary fallback", false},
		{errors.New("outage"), "primary", true},
	} {
		calls, primaryErr = nil, c.err
		r, err := NewForge(name, ForgeOptions{Log: &log})
		if err != nil {
			t.Fatal(err)
		}
		err = r.Report(context.Background(), &translator.Run{})
		if got := strings.Join(calls, " "); got != c.want || (err != nil) != c.wantError {
			t.Errorf("primary error %v: calls %q, err %v; want %q, error %t", c.err, got, err, c.want, c.wantError)
		}
	}
	if !strings.Contains(log.String(), "no write access (refused); reporting through the stub instead") {
		t.Errorf("no fallback log line: %q", log.String())
	}
	if _, err := NewForge("no-such-forge", ForgeOptions{}); err == nil {
		t.Error("an unknown forge reporter built")
	}
	for _, dup := range []string{name, "local"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("registering %q twice did not panic", dup)
				}
			}()
			RegisterForge(Forge{Name: dup})
		}()
	}
}

func TestWithNotesKeepsTheRun(t *testing.T) {
	var calls []string
	seen := make([]string, 2)
	run := &translator.Run{Notes: []string{"a"}}
	if err := WithNotes(stubReporter{calls: &calls, name: "r", notes: seen}, "b").Report(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	if seen[0] != "a" || seen[1] != "b" || len(run.Notes) != 1 {
		t.Errorf("reporter saw %q; the caller's notes are now %q", seen, run.Notes)
	}
}
