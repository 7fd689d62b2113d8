package parsers

import (
	"encoding/json"
	"io"
	"regexp"
	"strconv"

	translator "github.com/runbook-translator/runbook-translator"
)

func init() {
	Register(Format{
		Name:        "shellcheck",
		Aliases:     []string{"shellcheck-json1"},
		Tool:        "shellcheck",
		Description: "ShellCheck json1 ({\"comments\": [...]})",
		Example:     "shellcheck -f json1 scripts/*.sh",
		Detect:      detectShellcheckJSON1,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseShellcheck(opts, "shellcheck", true, r, emit)
			}), nil
		},
	})
	Register(Format{
		Name:        "shellcheck-json",
		Tool:        "shellcheck",
		Description: "ShellCheck json (a bare array of comments)",
		Example:     "shellcheck -f json scripts/*.sh",
		Detect:      detectShellcheckJSON,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseShellcheck(opts, "shellcheck-json", false, r, emit)
			}), nil
		},
	})
}

type shellcheckComment struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	EndLine   int    `json:"endLine"`
	Column    int    `json:"column"`
	EndColumn int    `json:"endColumn"`
	Level     string `json:"level"`
	Code      int    `json:"code"`
	Message   string `json:"message"`
}

var (
	shellcheckJSON1Start  = regexp.MustCompile(`^\{\s*"comments"\s*:\s*\[`)
	shellcheckIntCode     = regexp.MustCompile(`"code"\s*:\s*\d`)
	shellcheckCommentsKey = regexp.MustCompile(`"comments"\s*:\s*\[`)
)

// detectShellcheckJSON1 looks for the {"comments": [ wrapper of json1.
func detectShellcheckJSON1(head []byte) int {
	if shellcheckJSON1Start.Match(trimHead(head)) {
		return 2
	}
	return 0
}

// detectShellcheckJSON looks for an array of comments with an integer code
// and endLine/endColumn (hadolint's JSON, also an array, has string codes
// and no end positions).
func detectShellcheckJSON(head []byte) int {
	h := trimHead(head)
	if len(h) > 0 && h[0] == '[' && containsAll(h, `"endLine"`, `"endColumn"`, `"level"`) && shellcheckIntCode.Match(h) {
		return 2
	}
	return 0
}

// parseShellcheck reads json1 (wrapped) or json (bare array). Codes become
// "SC2086"; error and warning keep their level, info and style are info.
// Suggested fixes are ignored.
func parseShellcheck(opts Options, format string, wrapped bool, r io.Reader, emit func(*translator.Finding) error) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return &ParseError{Format: format, File: opts.File, Offset: -1, Err: err}
	}
	arr := data
	base := int64(0)
	if wrapped {
		var w struct {
			Comments json.RawMessage `json:"comments"`
		}
		if err := decodeObject(format, opts.File, data, &w, "comments"); err != nil {
			return err
		}
		arr = w.Comments
		// Offsets below are relative to the comments array.
		if loc := shellcheckCommentsKey.FindIndex(data); loc != nil {
			base = int64(loc[1] - 1)
		}
	}
	els, err := jsonArrayElements(format, opts.File, arr)
	if err != nil {
		return err
	}
	for i, el := range els {
		el.Offset += base
		var c shellcheckComment
		if err := decodeElement(format, opts.File, data, i, el, &c, "code", "level", "line", "message"); err != nil {
			return err
		}
		code := "SC" + strconv.Itoa(c.Code)
		f := &translator.Finding{
			Tool:         "shellcheck",
			Code:         code,
			Severity:     shellcheckSeverity(c.Level),
			ToolSeverity: c.Level,
			Message:      c.Message,
			URL:          "https://www.shellcheck.net/wiki/" + code,
		}
		f.Path = CleanPath(c.File, opts.BaseDir)
		f.Line, f.Column, f.EndLine, f.EndColumn = c.Line, c.Column, c.EndLine, c.EndColumn
		clampPositions(&f.Location)
		if err := emit(f); err != nil {
			return err
		}
	}
	return nil
}

// shellcheckSeverity maps ShellCheck levels; info and style are advice.
func shellcheckSeverity(level string) translator.Severity {
	switch level {
	case "error":
		return translator.SeverityError
	case "warning":
		return translator.SeverityWarning
	}
	return translator.SeverityInfo
}
