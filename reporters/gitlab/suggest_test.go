package gitlab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/fakegitlab"
)

func fixed(f *translator.Finding, edits ...translator.Edit) *translator.Finding {
	f.Fixes = []translator.Fix{{Source: "hadolint", Edits: edits}}
	return f
}

func dockerEdit(l1, c1, l2, c2 int, text string) translator.Edit {
	return translator.Edit{Path: "Dockerfile", StartLine: l1, StartColumn: c1, EndLine: l2, EndColumn: c2, Text: text}
}

// noteAt returns the bot's thread on new_line n of Dockerfile.
func (e *env) noteAt(n int) fakegitlab.Discussion {
	e.t.Helper()
	for _, d := range e.ours() {
		p := d.Notes[0].Position
		if p != nil && p.NewPath == "Dockerfile" && p.NewLine != nil && *p.NewLine == n {
			return d
		}
	}
	e.t.Fatalf("no thread on Dockerfile:%d", n)
	return fakegitlab.Discussion{}
}

func TestGitLabSuggestions(t *testing.T) {
	e := standard(t)
	read := func(p string) ([]byte, error) { return os.ReadFile(filepath.Join(e.repo.dir, filepath.FromSlash(p))) }
	fs := func() translator.Findings {
		return translator.Findings{
			// On the commented line: -0+0.
			fixed(finding("Dockerfile", 3, "DL3002", "last USER should not be root"), dockerEdit(3, 6, 3, 10, "app")),
			// The fix is two lines above the commented line: the block
			// covers 3..5 and repeats 4 and 5 unchanged.
			fixed(finding("Dockerfile", 5, "DL3025", "use JSON notation"), dockerEdit(3, 1, 4, 1, "USER nobody\n")),
		}
	}
	if err := e.run(fs(), func(o *Options) { o.ReadFile = read }); err != nil {
		t.Fatal(err)
	}
	if b := e.noteAt(3).Notes[0].Body; !strings.Contains(b, "**Suggested fix** (`hadolint`)\n\n```suggestion:-0+0\nUSER app\n```\n") {
		t.Errorf("line 3:\n%s", b)
	}
	if b := e.noteAt(5).Notes[0].Body; !strings.Contains(b, "```suggestion:-2+0\nUSER nobody\nCOPY . /app\nCMD [\"/app/run\"]\n```\n") {
		t.Errorf("line 5:\n%s", b)
	}
	e.srv.ResetCounts()
	if err := e.run(fs(), func(o *Options) { o.ReadFile = read }); err != nil {
		t.Fatal(err)
	}
	if c := e.srv.Counts(); c.Writes != 0 {
		t.Errorf("unchanged re-run made %d writes: %v", c.Writes, e.srv.Log())
	}
}

// TestGitLabSuggestionCheckoutDiffers: the checkout's line 3 is not the
// head's: no suggestion, and the thread says why.
func TestGitLabSuggestionCheckoutDiffers(t *testing.T) {
	e := standard(t)
	read := func(p string) ([]byte, error) {
		return []byte("FROM alpine\nRUN apk add curl\nUSER root # base branch\nCOPY . /app\nCMD [\"/app/run\"]\n"), nil
	}
	fs := translator.Findings{fixed(finding("Dockerfile", 3, "DL3002", "root"), dockerEdit(3, 6, 3, 10, "app"))}
	if err := e.run(fs, func(o *Options) { o.ReadFile = read }); err != nil {
		t.Fatal(err)
	}
	b := e.noteAt(3).Notes[0].Body
	if strings.Contains(b, "```suggestion") || !strings.Contains(b, "line 3 of Dockerfile in the checkout is not what the request's head has there") {
		t.Errorf("body:\n%s", b)
	}
}
