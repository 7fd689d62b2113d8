package runbooks

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// parsedTools are the tools whose output runbook-translator parses; each
// has a per-tool default entry in builtin/defaults.yaml.
var parsedTools = []string{
	"conftest", "trivy", "tflint", "tfsec", "checkov", "kube-linter", "kube-score",
	"kubeconform", "gitleaks", "hadolint", "gator", "kyverno", "polaris", "actionlint",
	"dockerfilelint", "shellcheck", "yamllint",
}

func builtinCatalog(t *testing.T) *Catalog {
	t.Helper()
	l, err := Builtin()
	if err != nil {
		t.Fatalf("built-in catalog: %v", err)
	}
	return Merge(l)
}

// TestBuiltin asserts properties that hold however many entry files the
// built-in catalog has.
func TestBuiltin(t *testing.T) {
	c := builtinCatalog(t)
	for _, tool := range parsedTools {
		e, lvl := c.Find(tool, "zz-no-such-rule-9999")
		if lvl != LevelDefault || e == nil || e.ID != "default-"+tool {
			t.Errorf("tool %s: Find = %v (%v), want its default entry", tool, e, lvl)
		}
		// Tool names match case-insensitively.
		if e2, _ := c.Find(strings.ToUpper(tool), "zz"); e2 != e {
			t.Errorf("tool %s: upper-case tool name did not find the default", tool)
		}
	}
	for _, e := range c.Entries() {
		if !strings.HasPrefix(e.Source, "builtin:") {
			t.Errorf("entry %s: Source %q lacks the builtin: prefix", e.ID, e.Source)
		}
	}
	if err := c.CheckExamples(); err != nil {
		t.Errorf("built-in examples:\n%v", err)
	}
}

// TestBuiltinRendersHostileFindings renders every built-in entry for a
// finding full of hostile text: no entry may fail, print "<no value>", or
// let the text out of escaping.
func TestBuiltinRendersHostileFindings(t *testing.T) {
	c := builtinCatalog(t)
	for _, ce := range append(append([]*centry(nil), c.live...), fallback) {
		tool, code := "demo", "DEMO-1"
		for _, m := range ce.Match {
			if m.Tool != "" {
				tool = m.Tool
			}
			if len(m.Codes) > 0 {
				code = m.Codes[0]
				break
			}
		}
		for _, withExtra := range []bool{false, true} {
			f := &translator.Finding{
				Tool: tool, Code: code, Message: hostile, Resource: "Deployment/<img src=x>@org/team",
				Location: translator.Location{Path: "k8s/[x](https://evil.example).yaml", Line: 3},
				Title:    hostile, Remediation: hostile, URL: "javascript:alert(1)",
			}
			if withExtra {
				for _, k := range []string{"package", "installed_version", "fixed_version", "namespace", "enforcement_action", "policy_query"} {
					f.SetExtra(k, hostile)
				}
				f.Aliases = []string{hostile}
			}
			rb := render(ce, f, nil)
			if rb.Error != "" {
				t.Errorf("entry %s: %s", ce.ID, rb.Error)
				continue
			}
			if strings.Contains(rb.Body, "<no value>") {
				t.Errorf("entry %s: body shows <no value>:\n%s", ce.ID, rb.Body)
			}
			prose := stripCode(rb.Body)
			for _, bad := range []string{"<script>", "<img", "@org/team", "[link](", "[x](", "javascript:"} {
				if strings.Contains(prose, bad) {
					t.Errorf("entry %s: %q outside code:\n%s", ce.ID, bad, rb.Body)
				}
			}
		}
	}
}

// stripCode removes fenced code blocks and inline code spans, leaving the
// Markdown prose where untrusted text must appear escaped.
func stripCode(s string) string {
	var prose strings.Builder
	fence := ""
	for _, line := range strings.SplitAfter(s, "\n") {
		t := strings.TrimLeft(line, " ")
		if run := len(t) - len(strings.TrimLeft(t, "`")); run >= 3 {
			if fence == "" {
				fence = t[:run]
				continue
			}
			if run >= len(fence) && strings.TrimSpace(t[run:]) == "" {
				fence = ""
				continue
			}
		}
		if fence == "" {
			prose.WriteString(line)
		}
	}
	s = prose.String()
	var out strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '`' || (i > 0 && s[i-1] == '\\') {
			out.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == '`' {
			j++
		}
		delim := s[i:j]
		end := strings.Index(s[j:], delim)
		for end >= 0 && j+end+len(delim) < len(s) && s[j+end+len(delim)] == '`' {
			next := strings.Index(s[j+end+len(delim):], delim)
			if next < 0 {
				end = -1
				break
			}
			end += len(delim) + next
		}
		if end < 0 {
			out.WriteString(delim)
			i = j
			continue
		}
		i = j + end + len(delim)
	}
	return out.String()
}

func TestStripCode(t *testing.T) {
	in := "a `x<script>` b ``y`<img`` c\n```\n@org/team\n```\nd \\`<e>"
	if got, want := stripCode(in), "a  b  c\nd \\`<e>"; got != want {
		t.Errorf("stripCode = %q, want %q", got, want)
	}
}
