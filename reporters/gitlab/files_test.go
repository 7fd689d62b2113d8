package gitlab

import (
	"strings"
	"testing"

	gl "gitlab.com/gitlab-org/api/client-go/v2"
)

// TestModelDegradesPerFile: GitLab's answer for files over its diff limits
// (diff "" with too_large or collapsed,
// https://docs.gitlab.com/api/merge_requests/#list-merge-request-diffs) and
// a diff that cannot be read make only their own file unknown; model used
// to fail the whole review on the last.
func TestModelDegradesPerFile(t *testing.T) {
	dm, info := model([]*gl.MergeRequestDiff{
		{OldPath: "ok.yaml", NewPath: "ok.yaml", Diff: "@@ -1,2 +1,2 @@\n a\n-b\n+c\n"},
		{OldPath: "big.yaml", NewPath: "big.yaml", TooLarge: true},
		{OldPath: "folded.yaml", NewPath: "folded.yaml", Collapsed: true},
		{OldPath: "bad.yaml", NewPath: "bad.yaml", Diff: "@@ -132,7 +132,7 @@ module Test @@ -1000,7 +1000,7 @@ module Test"},
		{OldPath: "hdr.yaml", NewPath: "hdr.yaml", Diff: "@@ nonsense @@\n+x\n"},
		{OldPath: "empty.txt", NewPath: "empty.txt", NewFile: true},
	})
	for path, want := range map[string]string{
		"ok.yaml":     "",
		"big.yaml":    "too large",
		"folded.yaml": "collapsed",
		"bad.yaml":    "could not be read",
		"hdr.yaml":    "could not be read",
		"empty.txt":   "",
	} {
		got := dm.Unknown(path)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("%s: Unknown = %q, want %q", path, got, want)
		}
	}
	if dm.Line("ok.yaml", 2) == 0 || info["ok.yaml"].oldLines[1] != 1 {
		t.Errorf("the readable diff lost its lines: %v", info["ok.yaml"])
	}
	if dm.Unknown("ok.yaml") != "" || !strings.Contains(dm.Unknown("big.yaml"), "too large") {
		t.Errorf("reasons: %q, %q", dm.Unknown("ok.yaml"), dm.Unknown("big.yaml"))
	}
}
