package suggest

import "testing"

func TestNearest(t *testing.T) {
	keys := []string{"fail_level", "filter_mode", "inputs", "runbooks", "reporters", "ignore"}
	for _, tc := range []struct{ in, want string }{
		{"fail_levl", "fail_level"},
		{"failLevel", "fail_level"}, // case is ignored: one edit
		{"runbook", "runbooks"},
		{"reporter", "reporters"},
		{"ignroe", "ignore"},
		{"entirely_different", ""},
		{"x", ""},
	} {
		got := Nearest(tc.in, keys)
		if got != tc.want {
			t.Errorf("Nearest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := DidYouMean("trivvy", []string{"trivy", "tflint"}); got != ` (did you mean "trivy"?)` {
		t.Errorf("DidYouMean = %q", got)
	}
	if got := DidYouMean("trivy", []string{"trivy"}); got != "" {
		t.Errorf("exact name suggested itself: %q", got)
	}
}

// The distance the rename fix (fix/rename.go) chooses field names by: a
// swap of neighbours counts one.
func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"lables", "labels", 1}, {"hostpic", "hostipc", 1}, {"hostpic", "hostpid", 1}, {"imag", "image", 1}, {"abc", "abc", 0}, {"replicacount", "replicas", 5}} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
