package parsers

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
)

func init() {
	Register(Format{
		Name:        "tfsec",
		Aliases:     []string{"tfsec-json"},
		Tool:        "tfsec",
		Description: "tfsec JSON report",
		Example:     "tfsec --format json . > tfsec.json",
		Detect:      detectTFSec,
		New: func(opts Options) (Parser, error) {
			return &tfsecParser{opts: opts}, nil
		},
	})
}

// detectTFSec: {"results": null} when clean, otherwise results carrying
// both rule_id and long_id.
func detectTFSec(head []byte) int {
	if !firstKeyIs(head, "results") {
		return 0
	}
	h := headTrim(head)
	rest := strings.TrimLeft(strings.TrimPrefix(strings.TrimLeft(string(h[1:]), " \t\r\n"), `"results"`), " \t\r\n")
	if strings.HasPrefix(rest, ":") && strings.HasPrefix(strings.TrimLeft(rest[1:], " \t\r\n"), "null") {
		return 2
	}
	if hasJSONKey(head, "rule_id") && hasJSONKey(head, "long_id") {
		return 2
	}
	return 0
}

// tfsec scan status values (defsec scan.Status): only failures are findings;
// ignored results appear with --include-ignored and are kept as suppressed.
const (
	tfsecFailed  = 0
	tfsecPassed  = 1
	tfsecIgnored = 2
)

type tfsecResult struct {
	RuleID          string   `json:"rule_id"`
	LongID          string   `json:"long_id"`
	RuleDescription string   `json:"rule_description"`
	Impact          string   `json:"impact"`
	Resolution      string   `json:"resolution"`
	Links           []string `json:"links"`
	Description     string   `json:"description"`
	Severity        string   `json:"severity"`
	Status          int      `json:"status"`
	Resource        string   `json:"resource"`
	Location        struct {
		Filename  string `json:"filename"`
		StartLine int    `json:"start_line"`
		EndLine   int    `json:"end_line"`
	} `json:"location"`
}

type tfsecParser struct{ opts Options }

// Parse implements Parser.
//
// Code is the long ID (aws-s3-block-public-acls): it is what tfsec users
// write in "#tfsec:ignore:" comments and the only ID in tfsec's SARIF and
// checkstyle output, so findings keep one identity across tfsec formats.
// The AVD rule ID (AVD-AWS-0086) and its trivy spelling (AWS-0086) are
// aliases, so a catalog entry written for trivy's check matches too.
func (p *tfsecParser) Parse(r io.Reader, emit func(*translator.Finding) error) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return &ParseError{Format: "tfsec", File: p.opts.File, Offset: -1, Err: err}
	}
	// A map, not a struct: encoding/json matches struct fields without
	// regard to case, and trivy's "Results" must not pass for "results".
	var top map[string]json.RawMessage
	if err := UnmarshalJSON("tfsec", p.opts.File, data, &top); err != nil {
		return err
	}
	raw, ok := top["results"]
	if !ok {
		return &ParseError{Format: "tfsec", File: p.opts.File, Line: 1, Offset: 0,
			Err: errors.New("not tfsec output: the object has no results key")}
	}
	var results []tfsecResult
	if err := json.Unmarshal(raw, &results); err != nil {
		// Decode the whole input again so that the error has an offset.
		var full struct {
			Results []tfsecResult `json:"results"`
		}
		if err2 := UnmarshalJSON("tfsec", p.opts.File, data, &full); err2 != nil {
			return err2
		}
		return &ParseError{Format: "tfsec", File: p.opts.File, Offset: -1, Err: err}
	}
	for i := range results {
		if results[i].RuleID == "" && results[i].LongID == "" {
			return &ParseError{Format: "tfsec", File: p.opts.File, Offset: -1,
				Err: fmt.Errorf("not tfsec output: result %d has neither rule_id nor long_id", i)}
		}
	}
	for i := range results {
		x := &results[i]
		if x.Status == tfsecPassed {
			continue
		}
		f := &translator.Finding{
			Tool:         "tfsec",
			Code:         x.LongID,
			Severity:     mapToolSeverity(x.Severity),
			ToolSeverity: x.Severity,
			Message:      x.Description,
			Title:        x.RuleDescription,
			Remediation:  x.Resolution,
			Resource:     x.Resource,
		}
		if f.Code == "" {
			f.Code = x.RuleID
		}
		if f.Message == "" {
			f.Message = x.RuleDescription
		}
		addAlias(f, x.RuleID)
		addAlias(f, strings.TrimPrefix(x.RuleID, "AVD-"))
		if len(x.Links) > 0 {
			f.URL = x.Links[0]
		}
		f.Path = CleanPath(x.Location.Filename, p.opts.BaseDir)
		f.Line, f.EndLine = x.Location.StartLine, x.Location.EndLine
		f.SetExtra("impact", x.Impact)
		if x.Status == tfsecIgnored {
			f.Suppressed = &translator.Suppression{Reason: "ignored in the source with a tfsec:ignore comment", Source: "tfsec"}
		}
		if err := emit(f); err != nil {
			return err
		}
	}
	return nil
}
