package ignore

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite ignore/testdata/edit/*.golden.* from the *.yaml inputs")

// editRule is added to every file under testdata/edit: its reason and path
// need quoting.
var editRule = Rule{
	Code: "KSV-0017", Tool: "trivy", Path: "charts/legacy/**", Resource: "Deployment/legacy-*",
	Reason:  "legacy agent: needs host access # see SEC-123",
	Expires: "2027-03-31", Link: "https://tracker.example/SEC-123",
	ApprovedBy: "platform-team", RequestedBy: "octocat",
}

type config struct {
	Ignore []Rule `yaml:"ignore"`
}

func readRules(t *testing.T, src []byte) []Rule {
	t.Helper()
	var c config
	if err := yaml.Unmarshal(src, &c); err != nil {
		t.Fatalf("output does not decode: %v\n%s", err, src)
	}
	return c.Ignore
}

// TestAddRuleGolden walks testdata/edit: each <case>.yaml gets editRule
// added, and the result must equal <case>.golden.yaml, or the refusal must
// equal <case>.golden.err. Beyond the goldens, every success must be the
// input with bytes only inserted (or an empty value removed from the key
// line), and read back with the rule appended.
func TestAddRuleGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/edit/*.yaml")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range inputs {
		if strings.Contains(in, ".golden.") {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(in), ".yaml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			out, err := AddRule(src, filepath.Base(in), editRule)
			base := strings.TrimSuffix(in, ".yaml")
			var got []byte
			goldenPath := base + ".golden.yaml"
			if err != nil {
				var ee *EditError
				if !errors.As(err, &ee) {
					t.Errorf("error is %T, want *EditError", err)
				}
				if out != nil {
					t.Errorf("refusal returned output")
				}
				got = []byte(err.Error() + "\n")
				goldenPath = base + ".golden.err"
			} else {
				got = out
				var before config
				if yaml.Unmarshal(src, &before) == nil {
					rules := readRules(t, out)
					want := append(before.Ignore, editRule)
					if len(rules) != len(want) {
						t.Fatalf("read back %d rules, want %d", len(rules), len(want))
					}
					for i := range want {
						if rules[i] != want[i] {
							t.Errorf("rule %d = %+v, want %+v", i, rules[i], want[i])
						}
					}
				}
				if !isSubsequence(src, out) && !removedEmptyValue(src, out) {
					t.Errorf("output does not keep every input byte in order")
				}
			}
			if *update {
				_ = os.Remove(base + ".golden.yaml")
				_ = os.Remove(base + ".golden.err")
				if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, rerr := os.ReadFile(goldenPath)
			if rerr != nil {
				t.Fatalf("%v (got, with error %v:\n%s)", rerr, err, got)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("got:\n%s\nwant (%s):\n%s", got, goldenPath, want)
			}
		})
	}
}

// isSubsequence reports whether out is src with bytes inserted only, in
// one place.
func isSubsequence(src, out []byte) bool {
	p := 0
	for p < len(src) && p < len(out) && src[p] == out[p] {
		p++
	}
	n := len(out) - len(src)
	return n > 0 && bytes.Equal(src[p:], out[p+n:])
}

func TestAddRuleRefusesBadRule(t *testing.T) {
	src := []byte("ignore: []\n")
	for name, r := range map[string]Rule{
		"no reason":    {Code: "A1"},
		"catch-all":    {Reason: "x", Path: "**"},
		"bad date":     {Code: "A1", Reason: "x", Expires: "31.03.2027"},
		"invalid utf8": {Code: "A1", Reason: "bad \xff byte"},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := AddRule(src, "c.yaml", r)
			if err == nil || out != nil {
				t.Fatalf("AddRule = %q, %v; want a refusal", out, err)
			}
			if !strings.HasPrefix(err.Error(), "c.yaml: ") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

// TestQuoteHostile: values from a pull-request comment read back exactly,
// and never as anything but a string.
func TestQuoteHostile(t *testing.T) {
	for _, s := range []string{
		"a: b", "# not a comment", "x #y", "*alias", "&anchor", "!!binary x", "!tag", "- item", "? key",
		"[flow]", "{flow}", "'single'", `"double"`, `back\slash`, "line\nbreak", "trailing\n", "\n",
		" leading space", "trailing space ", "tab\there", "cr\rhere", "nel\u0085here", "ls\u2028ps\u2029",
		"nbsp\u00a0", "bom\ufeff", "zero\u200bwidth", "bell\a", "nul\x00", "del\x7f", "emoji 🔥", "日本語の理由",
		"true", "null", "~", "1e3", "0x1F", "2027-03-31", "2027-03-31T00:00:00Z", "---", "...", "%YAML 1.2",
		"@at", "`tick", "|", ">", "key: |\n  block", "\U0010FFFF", "\uFFFD", "<<",
	} {
		doc := "reason: " + Quote(s) + "\n"
		var v struct{ Reason string }
		if err := yaml.Unmarshal([]byte(doc), &v); err != nil {
			t.Errorf("Quote(%q) = %s: %v", s, doc, err)
			continue
		}
		if v.Reason != s {
			t.Errorf("Quote(%q) = %s reads back %q", s, doc, v.Reason)
		}
		var n yaml.Node
		_ = yaml.Unmarshal([]byte(doc), &n)
		if tag := n.Content[0].Content[1].Tag; tag != "!!str" && tag != "!!timestamp" {
			t.Errorf("Quote(%q) = %s resolves to %s", s, doc, tag)
		}
	}
	if got := Quote("KSV-0017"); got != "KSV-0017" {
		t.Errorf("Quote(KSV-0017) = %s, want it plain", got)
	}
}

// FuzzAddRule: for any reason (and requester), the output parses, the new
// rule reads back equal, and every byte of the input is kept.
func FuzzAddRule(f *testing.F) {
	inputs := []string{"", "ignore: []\n", "fail_level: error\n"}
	for _, p := range []string{"comments-everywhere", "indentless", "indent4", "missing", "bare-key", "crlf", "no-final-newline", "block-scalar-last"} {
		b, err := os.ReadFile("testdata/edit/" + p + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		inputs = append(inputs, string(b))
	}
	for i, s := range []string{"plain", "a: b # c", "*x\n&y\n!z", "日本語", "\u2028", " ", "\"'\\"} {
		f.Add(uint8(i), s, "octocat")
	}
	f.Fuzz(func(t *testing.T, which uint8, reason, requester string) {
		src := []byte(inputs[int(which)%len(inputs)])
		r := Rule{Code: "KSV-0017", Reason: reason, RequestedBy: requester, Expires: "2027-03-31"}
		out, err := AddRule(src, "c.yaml", r)
		if err != nil {
			if strings.TrimSpace(reason) == "" || !validUTF8(reason, requester) {
				return
			}
			t.Fatalf("AddRule(%q, %q): %v", reason, requester, err)
		}
		rules := readRules(t, out)
		if len(rules) == 0 || rules[len(rules)-1] != r {
			t.Fatalf("read back %+v, want %+v\n%s", rules, r, out)
		}
		if !isSubsequence(src, out) && !bytes.HasPrefix(src, []byte("ignore: []")) {
			t.Fatalf("input bytes changed:\n%s\n---\n%s", src, out)
		}
	})
}

func validUTF8(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

// FuzzAddRuleConfig: for any config text, AddRule either refuses with an
// *EditError or returns the text with bytes only added (or the empty
// value of the key line removed) that reads back with the rule appended.
func FuzzAddRuleConfig(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/edit/*.yaml")
	for _, in := range inputs {
		if b, err := os.ReadFile(in); err == nil && !strings.Contains(in, ".golden.") {
			f.Add(b)
		}
	}
	r := Rule{Code: "KSV-0017", Reason: "a: b # c\n*d", Expires: "2027-03-31"}
	f.Fuzz(func(t *testing.T, src []byte) {
		out, err := AddRule(src, "c.yaml", r)
		if err != nil {
			var ee *EditError
			if !errors.As(err, &ee) || out != nil {
				t.Fatalf("refusal %T %v with output %q", err, err, out)
			}
			return
		}
		var before, after map[string]any
		if yaml.Unmarshal(src, &before) != nil {
			t.Fatalf("edited a config that does not parse: %q", src)
		}
		if err := yaml.Unmarshal(out, &after); err != nil {
			t.Fatalf("output does not parse: %v\n%q", err, out)
		}
		rules := readRules(t, out)
		if len(rules) == 0 || rules[len(rules)-1] != r {
			t.Fatalf("last rule %+v\n%q", rules, out)
		}
		if !isSubsequence(src, out) && !removedEmptyValue(src, out) {
			t.Fatalf("input bytes changed:\n%q\n%q", src, out)
		}
	})
}

// removedEmptyValue reports whether out is src with an empty ignore value
// ([], ~ or null) removed from the key line, with or without the spaces
// before it, and bytes inserted.
func removedEmptyValue(src, out []byte) bool {
	k := bytes.Index(src, []byte("ignore:"))
	if k < 0 {
		return false
	}
	for _, v := range []string{"[]", "~", "null", "Null", "NULL"} {
		i := bytes.Index(src[k:], []byte(v))
		if i < 0 {
			continue
		}
		i += k
		from := i
		for from > k+len("ignore:") && src[from-1] == ' ' {
			from--
		}
		to := i + len(v)
		for to < len(src) && src[to] == ' ' {
			to++
		}
		for _, cut := range [][2]int{{i, i + len(v)}, {from, i + len(v)}, {from, to}} {
			c := append(append([]byte(nil), src[:cut[0]]...), src[cut[1]:]...)
			if isSubsequence(c, out) {
				return true
			}
		}
	}
	return false
}
