package fakegitlab

import "testing"

// TestFilePositionValid: a file position names a file of a version's diff
// and carries no line.
func TestFilePositionValid(t *testing.T) {
	vs := []Version{{BaseSHA: "b", StartSHA: "s", HeadSHA: "h", Diffs: []Diff{{OldPath: "old.tf", NewPath: "new.tf", Diff: "@@ -1 +1 @@\n-x\n+y\n"}}}}
	one := 1
	for _, tc := range []struct {
		name string
		p    Position
		want bool
	}{
		{"file of the diff", Position{PositionType: "file", BaseSHA: "b", StartSHA: "s", HeadSHA: "h", NewPath: "new.tf", OldPath: "old.tf"}, true},
		{"new path only", Position{PositionType: "file", BaseSHA: "b", StartSHA: "s", HeadSHA: "h", NewPath: "new.tf"}, true},
		{"file not in the diff", Position{PositionType: "file", BaseSHA: "b", StartSHA: "s", HeadSHA: "h", NewPath: "README.md"}, false},
		{"wrong old path", Position{PositionType: "file", BaseSHA: "b", StartSHA: "s", HeadSHA: "h", NewPath: "new.tf", OldPath: "x"}, false},
		{"with a line", Position{PositionType: "file", BaseSHA: "b", StartSHA: "s", HeadSHA: "h", NewPath: "new.tf", NewLine: &one}, false},
		{"not a version", Position{PositionType: "file", BaseSHA: "b", StartSHA: "s", HeadSHA: "other", NewPath: "new.tf"}, false},
		{"text type", Position{PositionType: "text", BaseSHA: "b", StartSHA: "s", HeadSHA: "h", NewPath: "new.tf", OldPath: "old.tf"}, false},
	} {
		if got := filePositionValid(&tc.p, vs); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
