// Package sarifcheck checks a SARIF log against what GitHub code scanning
// documents about ingesting one, beyond the OASIS SARIF 2.1.0 schema (which
// the tests check separately): the upload limits, the fields whose absence
// makes GitHub refuse the whole upload, and the run identity rules. Each
// rule quotes the sentence it comes from. Where GitHub's documents differ,
// the check is the stricter reading.
//
// It is a test and CI helper: it reads the whole log into memory.
package sarifcheck

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Rule is one documented ingestion rule.
type Rule struct {
	ID string
	// Source is the document and the sentence the rule comes from.
	Source string
}

// The rules. Limits are from the table in GitHub's REST API description of
// "Upload an analysis as SARIF data" (POST /repos/{owner}/{repo}/code-scanning/sarifs):
// "SARIF upload supports a maximum number of entries per the following data
// objects, and an analysis will be rejected if any of these objects is above
// its maximum value."
var (
	RuleVersion = Rule{"version", `docs.github.com sarif-support-for-code-scanning: "you'll need to ensure that uploaded files use the SARIF 2.1.0 version"`}
	RuleRuns    = Rule{"runs", `REST API upload table: "Runs per file | 20"; GitHub's ingestion schema (turboscan v2_1_0): runs "must be present for all submitted SARIF files, though it may be an empty array"`}
	RuleResults = Rule{"results", `REST API upload table: "Results per run | 25,000"; the earlier text of the same page: "any SARIF uploads with more than 25,000 results are rejected" (checked per file, the stricter reading)`}
	RuleRules   = Rule{"rules", `REST API upload table: "Rules per run | 25,000"`}
	RuleExt     = Rule{"extensions", `REST API upload table: "Tool extensions per run | 100"`}
	RuleLocs    = Rule{"locations-per-result", `REST API upload table: "Location per result | 1,000"`}
	RuleTags    = Rule{"tags", `REST API upload table: "Tags per rule | 20"`}
	RuleSize    = Rule{"size", `docs.github.com troubleshooting-sarif-uploads/file-too-large: a SARIF file "larger than the maximum size of 10 MB" is refused; the limit applies to the gzip-compressed file`}
	RuleLoc     = Rule{"physical-location", `GitHub refuses the upload with "locationFromSarifResult: expected artifact location" / "expected a physical location" for a result without one (runbook-translator issue 11; gemaraproj/gemara pull request #182)`}
	RuleMessage = Rule{"message", `SARIF 2.1.0 §3.27.11: a result "SHALL contain a message property"; code scanning shows message.text as the alert's text`}
	RuleRuleRef = Rule{"rule-reference", `SARIF 2.1.0 §3.27.6/§3.27.7: ruleIndex points into tool.driver.rules and, with ruleId, SHALL name the same rule; docs.github.com: "The ruleId for a result has to be the same across analysis"`}
	RuleRuleIDs = Rule{"rule-ids", `SARIF 2.1.0 §3.49.3: a reportingDescriptor id is unique within its tool component (code scanning keys alerts by it)`}
	RuleRunID   = Rule{"run-identity", `github.blog changelog 2024-05-06 "Code Scanning will stop combining runs from a single upload": runs "for the same tool and category within the same file" make "the upload of the SARIF file ... fail"`}
	RuleSecSev  = Rule{"security-severity", `github.blog changelog 2021-07-19: security-severity is a score from 0.0 to 10.0 ("Critical 9.0 – 10.0"); GitHub reads it from rules[].properties["security-severity"] as a string`}
)

// Limits, from the rules above.
const (
	MaxRuns       = 20
	MaxResults    = 25000
	MaxRules      = 25000
	MaxExtensions = 100
	MaxLocations  = 1000
	MaxTags       = 20
	MaxGzipBytes  = 10 << 20
)

// gzipLimit is MaxGzipBytes; a variable so that tests need not build 10 MB.
var gzipLimit int64 = MaxGzipBytes

// Problem is one broken rule.
type Problem struct {
	Rule Rule
	// Where is a JSON path into the log, e.g. "runs[0].results[3]".
	Where string
	Msg   string
}

func (p Problem) String() string {
	if p.Where == "" {
		return fmt.Sprintf("%s: %s", p.Rule.ID, p.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", p.Rule.ID, p.Where, p.Msg)
}

type log struct {
	Version *string `json:"version"`
	Runs    *[]run  `json:"runs"`
}

type run struct {
	Tool struct {
		Driver     component   `json:"driver"`
		Extensions []component `json:"extensions"`
	} `json:"tool"`
	AutomationDetails *struct {
		ID string `json:"id"`
	} `json:"automationDetails"`
	Results []result `json:"results"`
}

type component struct {
	Name  string     `json:"name"`
	Rules []ruleDesc `json:"rules"`
}

type ruleDesc struct {
	ID         string `json:"id"`
	Properties struct {
		Tags     []string        `json:"tags"`
		Security json.RawMessage `json:"security-severity"`
	} `json:"properties"`
}

type result struct {
	RuleID    *string `json:"ruleId"`
	RuleIndex *int    `json:"ruleIndex"`
	Rule      *struct {
		ID    *string `json:"id"`
		Index *int    `json:"index"`
	} `json:"rule"`
	Message *struct {
		Text *string `json:"text"`
		ID   *string `json:"id"`
	} `json:"message"`
	Locations []struct {
		PhysicalLocation *struct {
			ArtifactLocation *struct {
				URI *string `json:"uri"`
			} `json:"artifactLocation"`
		} `json:"physicalLocation"`
	} `json:"locations"`
}

// Check reads a SARIF log and returns every broken rule; an error is
// returned only when the input is not a JSON object at all.
func Check(r io.Reader) ([]Problem, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read sarif: %w", err)
	}
	var l log
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("parse sarif: %w", err)
	}
	var ps []Problem
	add := func(rule Rule, where, format string, a ...any) {
		ps = append(ps, Problem{Rule: rule, Where: where, Msg: fmt.Sprintf(format, a...)})
	}
	if l.Version == nil || *l.Version != "2.1.0" {
		v := "absent"
		if l.Version != nil {
			v = strconv.Quote(*l.Version)
		}
		add(RuleVersion, "version", "version is %s, want \"2.1.0\"", v)
	}
	if l.Runs == nil {
		add(RuleRuns, "runs", "no runs array")
		return ps, nil
	}
	runs := *l.Runs
	if len(runs) > MaxRuns {
		add(RuleRuns, "runs", "%d runs, at most %d", len(runs), MaxRuns)
	}
	total := 0
	identity := map[string]int{}
	for i, rn := range runs {
		at := fmt.Sprintf("runs[%d]", i)
		cat := ""
		if rn.AutomationDetails != nil {
			cat = rn.AutomationDetails.ID
		}
		key := rn.Tool.Driver.Name + "\x00" + cat
		if j, dup := identity[key]; dup {
			add(RuleRunID, at, "same tool %q and category %q as runs[%d]", rn.Tool.Driver.Name, cat, j)
		} else {
			identity[key] = i
		}
		total += len(rn.Results)
		if len(rn.Results) > MaxResults {
			add(RuleResults, at, "%d results, at most %d", len(rn.Results), MaxResults)
		}
		if len(rn.Tool.Extensions) > MaxExtensions {
			add(RuleExt, at, "%d tool extensions, at most %d", len(rn.Tool.Extensions), MaxExtensions)
		}
		rules := rn.Tool.Driver.Rules
		if len(rules) > MaxRules {
			add(RuleRules, at, "%d rules, at most %d", len(rules), MaxRules)
		}
		ids := map[string]int{}
		for k, ru := range rules {
			rat := fmt.Sprintf("%s.tool.driver.rules[%d]", at, k)
			if j, dup := ids[ru.ID]; dup {
				add(RuleRuleIDs, rat, "rule id %q also at rules[%d]", ru.ID, j)
			} else {
				ids[ru.ID] = k
			}
			if len(ru.Properties.Tags) > MaxTags {
				add(RuleTags, rat, "%d tags, at most %d", len(ru.Properties.Tags), MaxTags)
			}
			if len(ru.Properties.Security) > 0 {
				checkSecuritySeverity(ru.Properties.Security, func(msg string) { add(RuleSecSev, rat, "%s", msg) })
			}
		}
		for k, res := range rn.Results {
			rat := fmt.Sprintf("%s.results[%d]", at, k)
			if res.Message == nil || ((res.Message.Text == nil || strings.TrimSpace(*res.Message.Text) == "") && res.Message.ID == nil) {
				add(RuleMessage, rat, "no message text")
			}
			if len(res.Locations) == 0 {
				add(RuleLoc, rat, "no locations")
			}
			if len(res.Locations) > MaxLocations {
				add(RuleLocs, rat, "%d locations, at most %d", len(res.Locations), MaxLocations)
			}
			for m, loc := range res.Locations {
				if loc.PhysicalLocation == nil || loc.PhysicalLocation.ArtifactLocation == nil ||
					loc.PhysicalLocation.ArtifactLocation.URI == nil || *loc.PhysicalLocation.ArtifactLocation.URI == "" {
					add(RuleLoc, fmt.Sprintf("%s.locations[%d]", rat, m), "no physicalLocation.artifactLocation.uri")
				}
			}
			checkRuleRef(res, rules, func(msg string) { add(RuleRuleRef, rat, "%s", msg) })
		}
	}
	if total > MaxResults {
		add(RuleResults, "runs", "%d results in the file, at most %d", total, MaxResults)
	}
	if n := gzipSize(data); n > gzipLimit {
		add(RuleSize, "", "%d bytes gzip-compressed, at most %d", n, gzipLimit)
	}
	return ps, nil
}

func checkSecuritySeverity(raw json.RawMessage, bad func(string)) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		bad(fmt.Sprintf("security-severity %s is not a string", raw))
		return
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || v > 10 {
		bad(fmt.Sprintf("security-severity %q is not a score from 0.0 to 10.0", s))
	}
}

func checkRuleRef(res result, rules []ruleDesc, bad func(string)) {
	id, index := res.RuleID, res.RuleIndex
	if res.Rule != nil {
		if id == nil {
			id = res.Rule.ID
		}
		if index == nil {
			index = res.Rule.Index
		}
	}
	if index == nil || *index == -1 {
		return
	}
	if *index < 0 || *index >= len(rules) {
		bad(fmt.Sprintf("ruleIndex %d outside the %d rules of the driver", *index, len(rules)))
		return
	}
	if id != nil && rules[*index].ID != *id {
		bad(fmt.Sprintf("ruleIndex %d is rule %q, ruleId says %q", *index, rules[*index].ID, *id))
	}
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// gzipSize is the size of data compressed with gzip's default level (what
// `gzip -c` and the upload-sarif action produce).
func gzipSize(data []byte) int64 {
	var c counter
	zw := gzip.NewWriter(&c)
	_, _ = io.Copy(zw, bytes.NewReader(data))
	_ = zw.Close()
	return c.n
}
