package reporters

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestTextNoColourCodesWithoutColor(t *testing.T) {
	for _, verbose := range []bool{false, true} {
		out := string(render(t, "local", Options{Verbose: verbose}, fixtureRun()))
		if strings.ContainsRune(out, 0x1b) {
			t.Errorf("verbose=%v: output contains ESC although Color is false:\n%q", verbose, out)
		}
		if strings.ContainsRune(out, 0x202e) {
			t.Errorf("verbose=%v: right-to-left override reached the terminal", verbose)
		}
		// The hostile message's text survives, minus its escape sequences.
		if !strings.Contains(out, "RED evil") || !strings.Contains(out, "<script>alert(1)</script>") {
			t.Errorf("verbose=%v: hostile message not shown as text", verbose)
		}
	}
}

func TestTextColourOnlyAroundOurText(t *testing.T) {
	out := string(render(t, "local", Options{Color: true}, fixtureRun()))
	if !strings.Contains(out, ansiRed) || !strings.Contains(out, ansiReset) {
		t.Fatalf("Color=true but no colour codes:\n%s", out)
	}
	// The message's own "\x1b[2J" (clear screen) and "\x1b[31m" must be gone.
	if strings.Contains(out, "\x1b[2J") || strings.Contains(out, "\x1b[31mRED") {
		t.Errorf("the message's escape sequences reached the terminal")
	}
}

func TestTextIgnoredSection(t *testing.T) {
	out := string(render(t, "local", Options{}, fixtureRun()))
	i := strings.Index(out, "\nIgnored (1)\n")
	if i < 0 {
		t.Fatalf("no Ignored (1) section:\n%s", out)
	}
	active, rest := out[:i], out[i:]
	if strings.Contains(active, "CKV_K8S_16") {
		t.Errorf("ignored finding listed among the active ones")
	}
	for _, want := range []string{"k8s/batch/job.yaml:1  checkov CKV_K8S_16", "reason: legacy batch job needs host devices", "expires 2026-12-31"} {
		if !strings.Contains(rest, want) {
			t.Errorf("Ignored section lacks %q", want)
		}
	}
	for _, want := range []string{
		"exception expired on 2025-03-31",
		"k8s/web app/deployment.yaml (no line)  conftest K8S-013",
		"k8s/web app/deployment.yaml:30:16  kube-linter latest-tag",
		"(no file)  kubeconform",
		"(generic fallback: no catalog entry for this code)",
	} {
		if !strings.Contains(active, want) {
			t.Errorf("active part lacks %q", want)
		}
	}
	last := out[strings.LastIndex(strings.TrimRight(out, "\n"), "\n")+1:]
	if want := "4 errors, 2 warnings, 1 info, 1 ignored. FAIL: 4 findings at or above fail level \"error\".\n"; last != want {
		t.Errorf("summary = %q, want %q", last, want)
	}
}

func TestTextVerdicts(t *testing.T) {
	cases := []struct {
		level   translator.Severity
		require bool
		want    string
	}{
		{translator.SeverityNone, false, `PASS (fail level "none": never fails).`},
		{translator.SeverityError, false, `FAIL: 4 findings at or above fail level "error".`},
		{translator.SeverityWarning, false, `FAIL: 6 findings at or above fail level "warning".`},
		{translator.SeverityError, true, `FAIL: 5 findings at or above fail level "error" or without a runbook.`},
	}
	for _, c := range cases {
		run := fixtureRun()
		run.FailLevel, run.RequireRunbook = c.level, c.require
		out := string(render(t, "local", Options{}, run))
		if !strings.Contains(out, c.want) {
			t.Errorf("level %v require %v: want %q in summary, got:\n%s", c.level, c.require, c.want, out[strings.LastIndex(out[:len(out)-1], "\n"):])
		}
	}
	// Only the ignored finding is at error level: the run passes.
	run := fixtureRun()
	var keep translator.Findings
	for _, f := range run.Findings {
		if f.Ignored() || f.Severity < translator.SeverityError {
			keep = append(keep, f)
		}
	}
	run.Findings = keep
	out := string(render(t, "local", Options{}, run))
	if !strings.Contains(out, `PASS: nothing at or above fail level "error".`) {
		t.Errorf("want PASS, got:\n%s", out)
	}
	run.Findings = nil
	run.Notes = nil
	out = string(render(t, "local", Options{}, run))
	if !strings.HasPrefix(out, "No findings.\n") || !strings.Contains(out, "0 errors, 0 warnings, 0 info, 0 ignored. PASS") {
		t.Errorf("empty run:\n%s", out)
	}
}

func TestTextVerboseShowsRunbookBodies(t *testing.T) {
	plain := string(render(t, "local", Options{}, fixtureRun()))
	verbose := string(render(t, "local", Options{Verbose: true}, fixtureRun()))
	const line = "             securityContext:\n"
	if strings.Contains(plain, "securityContext:") {
		t.Errorf("runbook body shown without Verbose")
	}
	if !strings.Contains(verbose, line) {
		t.Errorf("verbose output lacks the indented runbook body line %q", line)
	}
}

// syncBuffer is a bytes.Buffer safe for the streamer's flush timer; first
// is closed on the first write.
type syncBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	first chan struct{}
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() == 0 && len(p) > 0 {
		close(s.first)
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestTextStreaming(t *testing.T) {
	run := fixtureRun()
	buf := &syncBuffer{first: make(chan struct{})}
	s := NewText(Options{Out: buf})
	meta := *run
	meta.Findings = nil // a streaming run does not hold its findings
	if err := s.Begin(&meta); err != nil {
		t.Fatal(err)
	}
	for i := len(run.Findings) - 1; i >= 0; i-- { // any order
		if err := s.Write(run.Findings[i]); err != nil {
			t.Fatal(err)
		}
		if i == len(run.Findings)-1 {
			// It reaches the output without End (a timer flushes it).
			select {
			case <-buf.first:
			case <-time.After(30 * time.Second):
				t.Errorf("first active finding not written before End")
			}
		}
	}
	if err := s.End(&meta); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	i := strings.Index(out, "\nIgnored (1)\n")
	if i < 0 || strings.Contains(out[:i], "CKV_K8S_16") {
		t.Errorf("streamed ignored finding not kept for the Ignored section:\n%s", out)
	}
	if !strings.Contains(out, "4 errors, 2 warnings, 1 info, 1 ignored. FAIL: 4 findings") {
		t.Errorf("streamed summary wrong:\n%s", out)
	}
	for _, f := range run.Findings {
		if !strings.Contains(out, location("", f)+"  "+toolCode(f)) {
			t.Errorf("streamed output lacks %s", location("", f))
		}
	}
}

func TestTerminalSanitizer(t *testing.T) {
	in := "a\x1b[1;31mb\x1b]0;title\x07c\u009b2Jd\u202ee\u2066f\x00g\rh"
	if got, want := terminal(in), "ab]0;titlec2Jdefgh"; got != want {
		t.Errorf("terminal(%q) = %q, want %q", in, got, want)
	}
}
