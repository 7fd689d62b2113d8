package sarifcheck

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

const good = `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t","rules":[{"id":"R1","properties":{"tags":["security"],"security-severity":"9.5"}}]}},
"results":[{"ruleId":"R1","ruleIndex":0,"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.tf"}}}]}]}]}`

func ids(t *testing.T, doc string) []string {
	t.Helper()
	ps, err := Check(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.Rule.ID)
	}
	return out
}

func TestGoodLogPasses(t *testing.T) {
	if got := ids(t, good); len(got) != 0 {
		t.Errorf("problems in a good log: %v", got)
	}
	if got := ids(t, `{"version":"2.1.0","runs":[]}`); len(got) != 0 {
		t.Errorf("empty runs: %v", got)
	}
}

// results builds a run with n results written by res(i).
func results(n int, res func(i int) string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(res(i))
	}
	return b.String()
}

const okResult = `{"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"}}}]}`

// Every rule can fail: one log per rule, each breaking exactly it.
func TestEveryRuleFires(t *testing.T) {
	defer func(n int64) { gzipLimit = n }(gzipLimit)
	gzipLimit = 100 << 10
	repeat := func(n int, s string) string { return results(n, func(int) string { return s }) }
	randomMsgs := func(n int) string {
		return results(n, func(int) string {
			b := make([]byte, 600)
			rand.Read(b)
			return `{"message":{"text":"` + hex.EncodeToString(b) + `"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"}}}]}`
		})
	}
	manyRuns := func(n int) string {
		return results(n, func(i int) string { return fmt.Sprintf(`{"tool":{"driver":{"name":"t%d"}},"results":[]}`, i) })
	}
	cases := map[string]string{
		RuleVersion.ID: `{"version":"2.0.0","runs":[]}`,
		RuleRuns.ID:    `{"version":"2.1.0","runs":[` + manyRuns(21) + `]}`,
		RuleResults.ID: `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[` + repeat(25001, okResult) + `]}]}`,
		RuleRules.ID:   `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t","rules":[` + results(25001, func(i int) string { return fmt.Sprintf(`{"id":"R%d"}`, i) }) + `]}},"results":[]}]}`,
		RuleExt.ID:     `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"},"extensions":[` + repeat(101, `{"name":"x"}`) + `]},"results":[]}]}`,
		RuleLocs.ID:    `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[{"message":{"text":"m"},"locations":[` + repeat(1001, `{"physicalLocation":{"artifactLocation":{"uri":"a"}}}`) + `]}]}]}`,
		RuleTags.ID:    `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t","rules":[{"id":"R","properties":{"tags":[` + repeat(21, `"x"`) + `]}}]}},"results":[]}]}`,
		RuleSize.ID:    `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[` + randomMsgs(200) + `]}]}`,
		RuleLoc.ID:     `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[{"message":{"text":"m"},"locations":[{"logicalLocations":[{"fullyQualifiedName":"Deployment/web"}]}]}]}]}`,
		RuleMessage.ID: `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[{"message":{"text":" "},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"}}}]}]}]}`,
		RuleRuleRef.ID: `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t","rules":[{"id":"A"},{"id":"B"}]}},"results":[{"ruleId":"A","ruleIndex":1,"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"}}}]}]}]}`,
		RuleRuleIDs.ID: `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t","rules":[{"id":"A"},{"id":"A"}]}},"results":[]}]}`,
		RuleRunID.ID:   `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[]},{"tool":{"driver":{"name":"t"}},"results":[]}]}`,
		RuleSecSev.ID:  `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t","rules":[{"id":"A","properties":{"security-severity":"11"}}]}},"results":[]}]}`,
	}
	for want, doc := range cases {
		got := ids(t, doc)
		found := false
		for _, g := range got {
			if g == want {
				found = true
			} else if !(want == RuleResults.ID && g == RuleResults.ID) {
				t.Errorf("%s: also broke %s", want, g)
			}
		}
		if !found {
			t.Errorf("%s: not detected (got %v)", want, got)
		}
	}
	// Two runs of one tool with distinct categories are fine.
	two := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"automationDetails":{"id":"a/"},"results":[]},{"tool":{"driver":{"name":"t"}},"automationDetails":{"id":"b/"},"results":[]}]}`
	if got := ids(t, two); len(got) != 0 {
		t.Errorf("distinct categories: %v", got)
	}
}

func TestNotJSONIsAnError(t *testing.T) {
	if _, err := Check(strings.NewReader("not json")); err == nil {
		t.Error("no error for non-JSON input")
	}
}
