package parsers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

func init() {
	Register(Format{
		Name:        "gator",
		Tool:        "gator",
		Description: "Gatekeeper gator test JSON (violations with constraint and violating object)",
		Example:     "gator test -f templates/ -f constraints/ -f k8s/ -o json",
		Detect:      detectGatorJSON,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseGatorJSON(opts, r, emit)
			}), nil
		},
	})
	Register(Format{
		Name:        "gator-yaml",
		Tool:        "gator",
		Description: "Gatekeeper gator test YAML (the same results as gator JSON)",
		Example:     "gator test -f templates/ -f constraints/ -f k8s/ -o yaml",
		Detect:      detectGatorYAML,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseGatorYAML(opts, r, emit)
			}), nil
		},
	})
}

// gatorViolation is the part of a gator result a finding needs, common to
// the JSON and YAML outputs.
type gatorViolation struct {
	Msg               string
	Details           any
	ConstraintKind    string
	ConstraintName    string
	EnforcementAction string
	Object            gatorObject
}

type gatorObject struct {
	APIVersion string `json:"apiVersion" yaml:"apiVersion"`
	Kind       string `json:"kind" yaml:"kind"`
	Metadata   struct {
		Name      string `json:"name" yaml:"name"`
		Namespace string `json:"namespace" yaml:"namespace"`
	} `json:"metadata" yaml:"metadata"`
}

type gatorConstraint struct {
	Kind     string `json:"kind" yaml:"kind"`
	Metadata struct {
		Name string `json:"name" yaml:"name"`
	} `json:"metadata" yaml:"metadata"`
	Spec struct {
		EnforcementAction string `json:"enforcementAction" yaml:"enforcementAction"`
	} `json:"spec" yaml:"spec"`
}

// gatorJSONResult is one element of `gator test -o json` (v3.23).
type gatorJSONResult struct {
	Msg      string `json:"msg"`
	Metadata struct {
		Details any `json:"details"`
	} `json:"metadata"`
	Constraint        gatorConstraint `json:"constraint"`
	EnforcementAction string          `json:"enforcementAction"`
	ViolatingObject   gatorObject     `json:"violatingObject"`
}

// gatorYAMLResult is one item of `gator test -o yaml`: the result nests the
// constraint under "object" and spells enforcementaction in lower case.
type gatorYAMLResult struct {
	Result *struct {
		Msg      string `yaml:"msg"`
		Metadata struct {
			Details any `yaml:"details"`
		} `yaml:"metadata"`
		Constraint struct {
			Object gatorConstraint `yaml:"object"`
		} `yaml:"constraint"`
		EnforcementAction string `yaml:"enforcementaction"`
	} `yaml:"result"`
	ViolatingObject gatorObject `yaml:"violatingObject"`
}

// detectGatorJSON looks for an array with gator's violatingObject and
// enforcementAction keys. A clean run prints "null", which nothing detects.
func detectGatorJSON(head []byte) int {
	h := trimHead(head)
	if len(h) == 0 || h[0] != '[' {
		return 0
	}
	if containsAll(h, `"violatingObject"`, `"enforcementAction"`, `"constraint"`) {
		return 2
	}
	return 0
}

var gatorYAMLStart = lazyre.New(`^-\s+\{?result:`)

// detectGatorYAML looks for a list whose first item starts with "result:"
// (block style) or "{result:" (flow style) and mentions violatingObject.
func detectGatorYAML(head []byte) int {
	h := trimHead(head)
	if gatorYAMLStart().Match(h) && containsAll(h, "violatingObject:") {
		return 2
	}
	return 0
}

func parseGatorJSON(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	const format = "gator"
	data, err := io.ReadAll(r)
	if err != nil {
		return &ParseError{Format: format, File: opts.File, Offset: -1, Err: err}
	}
	els, err := jsonArrayElements(format, opts.File, data)
	if err != nil {
		return err
	}
	for i, el := range els {
		var x gatorJSONResult
		if err := decodeElement(format, opts.File, data, i, el, &x, "msg", "constraint", "violatingObject"); err != nil {
			return err
		}
		v := gatorViolation{
			Msg: x.Msg, Details: x.Metadata.Details,
			ConstraintKind: x.Constraint.Kind, ConstraintName: x.Constraint.Metadata.Name,
			EnforcementAction: x.EnforcementAction, Object: x.ViolatingObject,
		}
		if v.EnforcementAction == "" {
			v.EnforcementAction = x.Constraint.Spec.EnforcementAction
		}
		if err := emit(gatorFinding(opts, v)); err != nil {
			return err
		}
	}
	return nil
}

var yamlErrorLineRE = lazyre.New(`line (\d+)`)

// parseErrorFromYAML turns a yaml.v3 error about body into a *ParseError
// with its line; lineOffset is added for input lines skipped before body.
func parseErrorFromYAML(format, file string, body []byte, err error, lineOffset int) *ParseError {
	pe := &ParseError{Format: format, File: file, Offset: -1, Err: err}
	if m := yamlErrorLineRE().FindStringSubmatch(err.Error()); m != nil {
		if n, e := strconv.Atoi(m[1]); e == nil {
			pe.Line = n + lineOffset
		}
	}
	if pe.Line <= 0 {
		pe.Line = yamlFallbackLine(body, err.Error()) + lineOffset
	}
	return pe
}

func parseGatorYAML(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	const format = "gator-yaml"
	data, err := io.ReadAll(r)
	if err != nil {
		return &ParseError{Format: format, File: opts.File, Offset: -1, Err: err}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return &ParseError{Format: format, File: opts.File, Line: 1, Offset: 0, Err: ErrEmptyInput}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return parseErrorFromYAML(format, opts.File, data, err, 0)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return &ParseError{Format: format, File: opts.File, Line: extra.Line, Offset: -1,
			Err: errors.New("more than one YAML document: not gator output")}
	} else if !errors.Is(err, io.EOF) {
		return parseErrorFromYAML(format, opts.File, data, err, 0)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil // gator prints null when clean
	}
	if root.Kind != yaml.SequenceNode {
		return &ParseError{Format: format, File: opts.File, Line: root.Line, Offset: -1,
			Err: errors.New("want a YAML list of gator results")}
	}
	for i, item := range root.Content {
		var x gatorYAMLResult
		if err := item.Decode(&x); err != nil {
			return &ParseError{Format: format, File: opts.File, Line: item.Line, Offset: -1,
				Err: fmt.Errorf("item %d: %w", i, err)}
		}
		if x.Result == nil {
			return &ParseError{Format: format, File: opts.File, Line: item.Line, Offset: -1,
				Err: fmt.Errorf("item %d: missing \"result\": not gator output", i)}
		}
		v := gatorViolation{
			Msg: x.Result.Msg, Details: x.Result.Metadata.Details,
			ConstraintKind: x.Result.Constraint.Object.Kind, ConstraintName: x.Result.Constraint.Object.Metadata.Name,
			EnforcementAction: x.Result.EnforcementAction, Object: x.ViolatingObject,
		}
		if v.EnforcementAction == "" {
			v.EnforcementAction = x.Result.Constraint.Object.Spec.EnforcementAction
		}
		if err := emit(gatorFinding(opts, v)); err != nil {
			return err
		}
	}
	return nil
}

// gatorFinding normalises one violation. The rule code is taken from the
// message (konstraint style "GK-101: ..."; opts.CodePattern), else it is the
// constraint kind; kind and constraint name are aliases either way. gator
// gives no file name (it reads whole folders), so Path is empty and Resource
// identifies the object; the locate stage can find it.
func gatorFinding(opts Options, v gatorViolation) *translator.Finding {
	code, rest := CodeFromMessage(opts.CodePattern, v.Msg)
	var aliases []string
	if code == "" {
		code, rest = v.ConstraintKind, v.Msg
	} else if v.ConstraintKind != "" {
		aliases = append(aliases, v.ConstraintKind)
	}
	if v.ConstraintName != "" && v.ConstraintName != code {
		aliases = append(aliases, v.ConstraintName)
	}
	f := &translator.Finding{
		Tool:         "gator",
		Code:         code,
		Aliases:      aliases,
		Severity:     gatorSeverity(v.EnforcementAction),
		ToolSeverity: v.EnforcementAction,
		Message:      rest,
		Resource:     kubeResource(v.Object.Kind, v.Object.Metadata.Namespace, v.Object.Metadata.Name),
	}
	if f.Message == "" {
		f.Message = v.Msg
	}
	if f.Message == "" {
		f.Message = "violates constraint " + v.ConstraintKind + "/" + v.ConstraintName
	}
	f.SetExtra("enforcement_action", v.EnforcementAction)
	f.SetExtra("constraint", v.ConstraintName)
	f.SetExtra("constraint_kind", v.ConstraintKind)
	f.SetExtra("namespace", v.Object.Metadata.Namespace)
	f.SetExtra("api_version", v.Object.APIVersion)
	if d := gatorDetails(v.Details); d != "" {
		f.SetExtra("details", d)
	}
	if f.Extra["container"] == "" {
		f.SetExtra("container", ContainerFromMessage(v.Msg))
	}
	return f
}

// gatorDetails renders metadata.details (whatever the Rego rule returned) as
// compact JSON with sorted keys; "" when empty.
func gatorDetails(d any) string {
	switch t := d.(type) {
	case nil:
		return ""
	case map[string]any:
		if len(t) == 0 {
			return ""
		}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return ""
	}
	return string(b)
}

// gatorSeverity maps enforcementAction: deny blocks admission (error), warn
// admits with a warning, dryrun only records. Anything else (scoped actions
// of newer Gatekeeper) is treated as deny.
func gatorSeverity(action string) translator.Severity {
	switch action {
	case "warn":
		return translator.SeverityWarning
	case "dryrun":
		return translator.SeverityInfo
	}
	return translator.SeverityError
}
