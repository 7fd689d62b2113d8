package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A rule that breaks the ignore_policy, or its own checks, is a config
// error naming the file and the rule's line (issue 13).
func TestIgnorePolicyErrorsNameTheLine(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		doc  string
		want []string
	}{
		{"ignore:\n  - code: A1\n    reason: x\n    expires: 2999-01-01\n    link: https://t/1\n\n  # no expiry\n  - code: A2\n    reason: y\n    link: https://t/2\nignore_policy:\n  max_expiry: 90d\n",
			[]string{`c.yaml:2: ignore[0]: expires 2999-01-01 is later than the ignore_policy's max_expiry of 90d`, `c.yaml:8: ignore[1]: no expires: the ignore_policy allows at most 90d`}},
		{"ignore_policy:\n  require: [link|approved_by]\nignore:\n  - code: A1\n    reason: x\n  - code: A2\n    reason: x\n    approved_by: sec\n",
			[]string{`c.yaml:4: ignore[0]: missing link or approved_by: the ignore_policy requires one of them`}},
		{"fail_level: error\nignore:\n  - code: A1\n    expires: 2999-01-01\n  - reason: everything\n",
			[]string{`c.yaml:3: ignore[0]: missing reason`, `c.yaml:5: ignore[1]: matches every finding`}},
		{"ignore_policy:\n  max_expiry: 3 months\n  require: [ticket]\n",
			[]string{`c.yaml:1: ignore_policy: max_expiry: duration "3 months": want a number of days or weeks`, `c.yaml:1: ignore_policy: require[0]: "ticket" is not a rule field`}},
	} {
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, []byte(tc.doc), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := run(t, "", "review", "-c", p, "--fail-level", "none", "../../testdata/trivy/config-k8s-shop.json")
		if code != ExitUsage {
			t.Errorf("%q: exit %d, want %d; stderr %s", tc.doc, code, ExitUsage, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, filepath.Dir(p)+"/"+w) {
				t.Errorf("%q: no %q in stderr:\n%s", tc.doc, w, stderr)
			}
		}
		if n := strings.Count(stderr, "ignore["); n != strings.Count(strings.Join(tc.want, "\n"), "ignore[") {
			t.Errorf("%q: %d rule errors, want %d:\n%s", tc.doc, n, len(tc.want), stderr)
		}
	}
}
