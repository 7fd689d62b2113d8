package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/ignore"
)

const addConfig = `# Team config.
fail_level: error   # gate

# Accepted findings.
ignore:
  - code: KSV-0001  # legacy
    reason: 'kept: as written'
    expires: 2026-01-31
# Reporters.
reporters:
  - name: text
`

// addRun runs `ignore add` on a config holding doc ("" for none) on
// 2026-01-02, returning the file afterwards (nil when absent), stdout
// and the error.
func addRun(t *testing.T, doc string, o IgnoreAddOptions) (file []byte, stdout string, err error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "c.yaml")
	if doc != "" {
		if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	f, out, _ := testFactory()
	o.IO, o.Now, o.ConfigPath = f.IO, f.Now, p
	err = ignoreAddRun(&o)
	file, _ = os.ReadFile(p)
	if st, serr := os.Stat(p); serr == nil && doc != "" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode changed to %v", st.Mode())
	}
	return file, strings.ReplaceAll(out.String(), filepath.ToSlash(p), "c.yaml"), err
}

// `ignore add` appends the rule, keeps the rest, prints the diff (issue 13).
func TestIgnoreAdd(t *testing.T) {
	o := IgnoreAddOptions{Rule: ignore.Rule{Code: "KSV-0017", Path: "charts/agent/**", Reason: "needs: host access # SEC-1", ApprovedBy: "platform"}, Expires: "30d"}
	file, diff, err := addRun(t, addConfig, o)
	if err != nil {
		t.Fatal(err)
	}
	added := `  - code: KSV-0017
    path: "charts/agent/**"
    reason: "needs: host access # SEC-1"
    expires: 2026-02-01
    approved_by: platform
`
	if want := strings.Replace(addConfig, "# Reporters.", added+"# Reporters.", 1); string(file) != want {
		t.Errorf("file:\n%s\nwant:\n%s", file, want)
	}
	wantDiff := `--- a/c.yaml
+++ b/c.yaml
@@ -6,6 +6,11 @@
   - code: KSV-0001  # legacy
     reason: 'kept: as written'
     expires: 2026-01-31
+` + strings.ReplaceAll(strings.TrimSuffix(added, "\n"), "\n", "\n+") + `
 # Reporters.
 reporters:
   - name: text
`
	if diff != wantDiff {
		t.Errorf("diff:\n%s\nwant:\n%s", diff, wantDiff)
	}
}

// Adding a rule for findings an existing rule already matches (renewing
// an expired exception) works, with a warning naming the old rule.
func TestIgnoreAddWarnsAboutSameFindings(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte(addConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := testFactory()
	o := &IgnoreAddOptions{IO: f.IO, Now: f.Now, ConfigPath: p, Rule: ignore.Rule{Code: "KSV001", Reason: "renewed"}, Expires: "10d"}
	if err := ignoreAddRun(o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "c.yaml:6: ignore[0] already matches the same findings (expires 2026-01-31)") {
		t.Errorf("stderr %q", errOut)
	}
}

func TestIgnoreAddNewFileAndDryRun(t *testing.T) {
	o := IgnoreAddOptions{Rule: ignore.Rule{Code: "A1", Reason: "r"}, Expires: "2026-03-31"}
	file, diff, err := addRun(t, "", o)
	if err != nil || string(file) != "ignore:\n  - code: A1\n    reason: r\n    expires: 2026-03-31\n" {
		t.Fatalf("new config %q, %v", file, err)
	}
	if !strings.HasPrefix(diff, "--- /dev/null\n+++ b/c.yaml\n@@ -0,0 +1,4 @@\n+ignore:\n") {
		t.Errorf("diff %q", diff)
	}
	o.DryRun = true
	file, diff, err = addRun(t, addConfig, o)
	if err != nil || string(file) != addConfig || !strings.Contains(diff, "+  - code: A1\n") {
		t.Errorf("dry run wrote %q (diff %q, %v)", file, diff, err)
	}
}

// Every refusal leaves the file as it was and names what is wrong.
func TestIgnoreAddRefusals(t *testing.T) {
	policy := "ignore_policy:\n  max_expiry: 30d\n  require: [link|approved_by]\n"
	rule := ignore.Rule{Code: "A1", Reason: "r"}
	for _, c := range []struct {
		name, doc string
		o         IgnoreAddOptions
		want      string
	}{
		{"past date", addConfig, IgnoreAddOptions{Rule: rule, Expires: "2026-01-01"}, "--expires: 2026-01-01 is in the past (today is 2026-01-02)"},
		{"malformed duration", addConfig, IgnoreAddOptions{Rule: rule, Expires: "30 days"}, `--expires: "30 days": want a duration (30d, 2w) or a date (YYYY-MM-DD)`},
		{"months", addConfig, IgnoreAddOptions{Rule: rule, Expires: "1m"}, `want a duration`},
		{"catch-all", addConfig, IgnoreAddOptions{Rule: ignore.Rule{Path: "**", Reason: "r"}, Expires: "3d"}, "rule: matches every finding"},
		{"too long for the policy", policy, IgnoreAddOptions{Rule: ignore.Rule{Code: "A1", Reason: "r", Link: "https://t/1"}, Expires: "31d"},
			"c.yaml, nothing written: expires 2026-02-02 is later than the ignore_policy's max_expiry of 30d (2026-02-01 at the latest)"},
		{"required field", policy, IgnoreAddOptions{Rule: rule, Expires: "30d"}, "missing link or approved_by: the ignore_policy requires one of them"},
		{"anchor", "ignore: &rules\n  - code: B\n    reason: x\n", IgnoreAddOptions{Rule: rule, Expires: "3d"}, "c.yaml:1: ignore: has an anchor (&rules)"},
		{"flow", "fail_level: error\nignore: [{code: B, reason: x}]\n", IgnoreAddOptions{Rule: rule, Expires: "3d"}, "c.yaml:2: ignore: is a flow list ([...])"},
		{"does not parse", "ignore:\n  - code: B\n   reason: x\n", IgnoreAddOptions{Rule: rule, Expires: "3d"}, "c.yaml"},
		{"bad config", "ignore:\n  - code: B\n", IgnoreAddOptions{Rule: rule, Expires: "3d"}, "c.yaml:2: ignore[0]: missing reason"},
	} {
		t.Run(c.name, func(t *testing.T) {
			file, out, err := addRun(t, c.doc, c.o)
			if exitCode(err) != ExitUsage {
				t.Fatalf("err %v (exit %d), want a usage error", err, exitCode(err))
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q lacks %q", err, c.want)
			}
			if string(file) != c.doc || out != "" {
				t.Errorf("wrote %q / printed %q", file, out)
			}
		})
	}
}

func TestIgnoreAddFlags(t *testing.T) {
	f, _, _ := testFactory()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"A1", "--expires", "30d"}, "--reason is required"},
		{[]string{"A1", "--reason", "r"}, "--expires is required"},
		{[]string{"--reason", "r", "--expires", "3d"}, "accepts 1 arg(s)"},
	} {
		cmd := NewCmdIgnoreAdd(f, func(*IgnoreAddOptions) error { return nil })
		cmd.SetArgs(c.args)
		if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
	var got *IgnoreAddOptions
	cmd := NewCmdIgnoreAdd(f, func(o *IgnoreAddOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"KSV-0017", "--tool", "trivy", "--path", "k8s/**", "--resource", "Deployment/x", "--reason", "r", "--expires", "2w", "--link", "https://t/1", "--approved-by", "sec", "-c", "x.yaml"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := ignore.Rule{Code: "KSV-0017", Tool: "trivy", Path: "k8s/**", Resource: "Deployment/x", Reason: "r", Link: "https://t/1", ApprovedBy: "sec"}
	if got.Rule != want || got.Expires != "2w" || got.ConfigPath != "x.yaml" {
		t.Errorf("options %+v", got)
	}
}
