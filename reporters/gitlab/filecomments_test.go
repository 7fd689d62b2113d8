package gitlab

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// TestFileComments: with FileComments a finding in a changed file, on a
// line the diff does not show, gets a thread on the whole file
// (position_type file, accepted by the fake only for a file of the
// version's diff and without lines); a finding in a file the merge
// request does not change still goes to the summary. An identical re-run
// writes nothing, and the fix resolves the file thread.
func TestFileComments(t *testing.T) {
	e := standard(t)
	fileOpts := func(o *Options) { o.FileComments = true }
	fs := func() translator.Findings {
		return translator.Findings{
			finding("k8s/web.yaml", 18, "KL-1", "outside the hunks"),
			finding("README.md", 1, "KL-2", "not in the merge request"),
		}
	}
	if err := e.run(fs(), fileOpts); err != nil {
		t.Fatal(err)
	}
	ours := e.ours()
	if len(ours) != 1 {
		t.Fatalf("%d threads of ours, want 1 file thread", len(ours))
	}
	p := ours[0].Notes[0].Position
	if p == nil || p.PositionType != "file" || p.NewPath != "k8s/web.yaml" || p.NewLine != nil {
		t.Fatalf("thread position = %+v, want a file position on k8s/web.yaml", p)
	}
	sums := e.summaries()
	if len(sums) != 1 || !strings.Contains(sums[0], "README.md") || strings.Contains(sums[0], "outside the hunks") {
		t.Errorf("summary should list README.md only:\n%v", sums)
	}
	e.srv.ResetCounts()
	if err := e.run(fs(), fileOpts); err != nil {
		t.Fatal(err)
	}
	if w := e.srv.Counts().Writes; w != 0 {
		t.Errorf("identical re-run made %d writes, want 0", w)
	}
	if err := e.run(fs()[1:], fileOpts); err != nil {
		t.Fatal(err)
	}
	if d := e.ours(); len(d) != 1 || !d[0].Resolved() {
		t.Errorf("the fixed file thread is not resolved: %+v", d)
	}
}

// TestFileCommentsOff: without the option the same finding is a summary
// line and no thread is opened.
func TestFileCommentsOff(t *testing.T) {
	e := standard(t)
	if err := e.run(translator.Findings{finding("k8s/web.yaml", 18, "KL-1", "outside the hunks")}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.ours()); n != 0 {
		t.Errorf("%d threads, want 0", n)
	}
	if s := e.summaries(); len(s) != 1 || !strings.Contains(s[0], "outside the hunks") {
		t.Errorf("summary: %v", s)
	}
}

// TestFileCommentAfterPush: a push leaves the file thread on its diff
// version (the fake's stricter reading); the reporter closes it and opens
// one on the newest version, so exactly one live file thread remains.
func TestFileCommentAfterPush(t *testing.T) {
	e := standard(t)
	fileOpts := func(o *Options) { o.FileComments = true }
	fs := func() translator.Findings {
		return translator.Findings{finding("k8s/web.yaml", 18, "KL-1", "outside the hunks")}
	}
	if err := e.run(fs(), fileOpts); err != nil {
		t.Fatal(err)
	}
	head := e.repo.commit(nil) // a new commit, the same diff
	e.srv.Push(mrIID, e.repo.version(e.base, head))
	if err := e.run(fs(), fileOpts); err != nil {
		t.Fatal(err)
	}
	open, closed := 0, 0
	for _, d := range e.ours() {
		switch p := d.Notes[0].Position; {
		case p.PositionType != "file":
			t.Errorf("a thread of type %s", p.PositionType)
		case d.Resolved():
			closed++
		case p.HeadSHA == head:
			open++
		default:
			t.Errorf("an open file thread on the old version %s", p.HeadSHA)
		}
	}
	if open != 1 || closed != 1 {
		t.Errorf("%d open and %d closed file threads, want 1 and 1", open, closed)
	}
}
