package main

import (
	"testing"

	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
	"github.com/runbook-translator/runbook-translator/internal/fakegitlab"
)

// TestFileCommentsFlag drives --file-comments through Main: findings in a
// file the pull request changes, on lines its one small hunk does not
// show, get file-level review comments (subject_type file); without the
// flag they get none.
func TestFileCommentsFlag(t *testing.T) {
	input := td + "trivy/config-k8s-shop.json"
	small := fakegithub.File{Filename: "k8s/node-agent.yaml", Status: "modified", Patch: "@@ -1,2 +1,2 @@\n-old\n+line 1\n line 2\n"}
	for _, tc := range []struct {
		flag      []string
		wantFiles bool
	}{{nil, false}, {[]string{"--file-comments"}, true}} {
		fake := fakegithub.New(t, "acme", "shop")
		fake.AddPR(fakegithub.PR{Number: 7, Head: "abc123", Files: []fakegithub.File{small}})
		args := append([]string{"review", "-f", "trivy", input, "-r", "github-pr-review"}, tc.flag...)
		if code, _, stderr := runEnv(t, githubEnv(t, fake, 7, "abc123"), args...); code != ExitFindings {
			t.Fatalf("%v: exit %d: %s", tc.flag, code, stderr)
		}
		files := 0
		for _, c := range fake.ReviewComments(7) {
			if c.SubjectType == "file" {
				files++
				if c.Path != "k8s/node-agent.yaml" || c.Line != nil {
					t.Errorf("file comment on %s line %v", c.Path, c.Line)
				}
			}
		}
		if (files > 0) != tc.wantFiles {
			t.Errorf("%v: %d file-level comments, want some: %v", tc.flag, files, tc.wantFiles)
		}
	}
}

// TestFileCommentsFlagGitLab: the same flag gives gitlab-mr-discussion
// threads on the whole file (position_type file) for findings outside the
// hunk of a changed file.
func TestFileCommentsFlagGitLab(t *testing.T) {
	input := td + "trivy/config-k8s-shop.json"
	for _, tc := range []struct {
		flag      []string
		wantFiles bool
	}{{nil, false}, {[]string{"--file-comments"}, true}} {
		fake := fakegitlab.New(t, 42, "acme/shop")
		fake.Token = fakeGitLabToken
		fake.Push(7, fakegitlab.Version{ID: 1, BaseSHA: "base1", StartSHA: "base1", HeadSHA: "head1",
			Diffs: []fakegitlab.Diff{{OldPath: "k8s/node-agent.yaml", NewPath: "k8s/node-agent.yaml", Diff: "@@ -1,2 +1,2 @@\n-old\n+line 1\n line 2\n"}}})
		args := append([]string{"review", "-f", "trivy", input, "-r", "gitlab-mr-discussion"}, tc.flag...)
		if code, _, stderr := runEnv(t, gitlabEnv(fake, "7"), args...); code != ExitFindings {
			t.Fatalf("%v: exit %d: %s", tc.flag, code, stderr)
		}
		files := 0
		for _, d := range fake.Discussions(7) {
			if p := d.Notes[0].Position; p != nil && p.PositionType == "file" && d.Notes[0].AuthorID == fakegitlab.BotID {
				files++
			}
		}
		if (files > 0) != tc.wantFiles {
			t.Errorf("%v: %d file threads, want some: %v", tc.flag, files, tc.wantFiles)
		}
	}
}
