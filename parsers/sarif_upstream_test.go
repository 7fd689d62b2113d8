package parsers

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// TestSARIFUpstream parses every SARIF log of other projects in
// testdata/sarif/upstream (microsoft/sarif-sdk and microsoft/sarif-tutorials,
// see its README) and checks what the SARIF 2.1.0 spec says a reader makes
// of each one. The expectations are worked out here from the raw JSON, not
// from our parser:
//   - a log whose version is not 2.1.0 is refused with "unsupported SARIF
//     version" (§3.13.2), never read as 2.1.0 with its locations lost;
//   - a run whose invocation failed with error notifications and has no
//     results is an error, not a clean scan (§3.14.23, §3.20.14);
//   - one finding per result, in order, except kind pass/notApplicable/
//     informational/review/open, level none, and baselineState "absent"
//     (§3.27.9, §3.27.10, §3.27.24);
//   - the message is message.text, or the messageStrings entry that
//     message.id names, with {n} replaced by arguments[n] (§3.11);
//   - the code is ruleId, rule.id, or the id of the rule that ruleIndex or
//     rule.index points to (§3.27.5-7);
//   - the path is the first location's artifact URI when it has one.
func TestSARIFUpstream(t *testing.T) {
	files, err := filepath.Glob("../testdata/sarif/upstream/*.sarif*")
	if err != nil || len(files) < 60 {
		t.Fatalf("upstream samples: %d files, %v", len(files), err)
	}
	ok := 0
	for _, file := range files {
		if problems := checkUpstreamSARIF(t, file); len(problems) == 0 {
			ok++
		} else {
			t.Errorf("%s: %s", filepath.Base(file), strings.Join(problems, "; "))
		}
	}
	t.Logf("%d of %d upstream SARIF samples parse as the spec says", ok, len(files))
}

var placeholder = regexp.MustCompile(`\{[0-9]+\}`)

func checkUpstreamSARIF(t *testing.T, file string) (problems []string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New("sarif", Options{File: filepath.Base(file)})
	if err != nil {
		t.Fatal(err)
	}
	var fs []*translator.Finding
	perr := p.Parse(bytes.NewReader(data), func(f *translator.Finding) error { fs = append(fs, f); return nil })
	var log map[string]any
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), &log); err != nil {
		// One sdk sample is not JSON at all (a trailing comma): an error
		// with a position, never findings.
		var pe *ParseError
		if !errors.As(perr, &pe) || pe.Offset < 0 {
			return []string{"invalid JSON: want a ParseError with an offset, got " + errString(perr)}
		}
		return nil
	}

	if v, _ := log["version"].(string); v != "2.1.0" {
		if perr == nil || !strings.Contains(perr.Error(), "unsupported SARIF version") {
			return []string{"version " + v + ": want an unsupported-version error, got " + errString(perr)}
		}
		if len(fs) != 0 {
			return []string{"findings emitted before the unsupported-version error"}
		}
		return nil
	}
	runs, _ := log["runs"].([]any)
	type want struct {
		msg, code string
		hasPath   bool
		args      bool
	}
	var wants []want
	failed := false
	for _, r := range runs {
		run, _ := r.(map[string]any)
		tool, _ := run["tool"].(map[string]any)
		driver, _ := tool["driver"].(map[string]any)
		rules, _ := driver["rules"].([]any)
		results, hasResults := run["results"].([]any)
		if !hasResults && invocationFailed(run) {
			failed = true
		}
		for _, x := range results {
			res, _ := x.(map[string]any)
			kind, _ := res["kind"].(string)
			level, _ := res["level"].(string)
			if kind != "" && kind != "fail" && level == "" {
				level = "none"
			}
			ruleID, _ := res["ruleId"].(string)
			var idx any = res["ruleIndex"]
			if ref, ok := res["rule"].(map[string]any); ok {
				if ruleID == "" {
					ruleID, _ = ref["id"].(string)
				}
				if idx == nil && ref["toolComponent"] == nil {
					idx = ref["index"]
				}
			}
			var rule map[string]any
			if n, ok := idx.(float64); ok && int(n) >= 0 && int(n) < len(rules) {
				rule, _ = rules[int(n)].(map[string]any)
			}
			if rule == nil && ruleID != "" {
				for _, y := range rules {
					if rr, _ := y.(map[string]any); rr["id"] == ruleID {
						rule = rr
						break
					}
				}
			}
			if ruleID == "" && rule != nil {
				ruleID, _ = rule["id"].(string)
			}
			if level == "" && rule != nil {
				if dc, ok := rule["defaultConfiguration"].(map[string]any); ok {
					level, _ = dc["level"].(string)
				}
			}
			if level == "none" || kind == "pass" || kind == "notApplicable" || res["baselineState"] == "absent" {
				continue
			}
			msg, _ := res["message"].(map[string]any)
			text, _ := msg["text"].(string)
			var args []any
			args, _ = msg["arguments"].([]any)
			if text == "" {
				if id, _ := msg["id"].(string); id != "" && rule != nil {
					if ms, ok := rule["messageStrings"].(map[string]any); ok {
						if m, ok := ms[id].(map[string]any); ok {
							text, _ = m["text"].(string)
						}
					}
				}
			}
			for i, a := range args {
				s, _ := a.(string)
				text = strings.ReplaceAll(text, "{"+itoa(i)+"}", s)
			}
			hasPath := false
			if locs, ok := res["locations"].([]any); ok && len(locs) > 0 {
				l0, _ := locs[0].(map[string]any)
				if pl, ok := l0["physicalLocation"].(map[string]any); ok {
					if al, ok := pl["artifactLocation"].(map[string]any); ok {
						u, _ := al["uri"].(string)
						hasPath = u != "" && u != "." && u != "./"
					}
				}
			}
			wants = append(wants, want{msg: text, code: ruleID, hasPath: hasPath, args: len(args) > 0})
		}
	}
	if failed {
		if perr == nil || !strings.Contains(perr.Error(), "reports that the tool failed") {
			return []string{"failed invocation without results: want an error, got " + errString(perr)}
		}
		return nil
	}
	if perr != nil {
		return []string{"parse error: " + perr.Error()}
	}
	if len(fs) != len(wants) {
		return []string{"got " + itoa(len(fs)) + " findings, the spec gives " + itoa(len(wants))}
	}
	for i, w := range wants {
		f := fs[i]
		if w.msg != "" && !strings.HasPrefix(f.Message, strings.TrimSpace(w.msg)) && f.Message != w.msg {
			problems = append(problems, "result "+itoa(i)+": message "+quote(f.Message)+", want "+quote(w.msg))
		}
		if w.args && placeholder.MatchString(f.Message) && !placeholder.MatchString(w.msg) {
			problems = append(problems, "result "+itoa(i)+": placeholder left in "+quote(f.Message))
		}
		if w.code != "" && f.Code != w.code {
			problems = append(problems, "result "+itoa(i)+": code "+quote(f.Code)+", want "+quote(w.code))
		}
		if w.hasPath && f.Path == "" {
			problems = append(problems, "result "+itoa(i)+": no path")
		}
	}
	return problems
}

func invocationFailed(run map[string]any) bool {
	invs, _ := run["invocations"].([]any)
	for _, x := range invs {
		inv, _ := x.(map[string]any)
		if ok, isBool := inv["executionSuccessful"].(bool); isBool && !ok {
			for _, k := range []string{"toolExecutionNotifications", "toolConfigurationNotifications"} {
				ns, _ := inv[k].([]any)
				for _, n := range ns {
					nm, _ := n.(map[string]any)
					if l, _ := nm["level"].(string); l == "" || l == "error" {
						return true
					}
				}
			}
		}
	}
	return false
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return `"` + s + `"`
}
