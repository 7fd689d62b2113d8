package parsers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	translator "github.com/runbook-translator/runbook-translator"
)

func init() {
	Register(Format{
		Name:        "dockerfilelint",
		Tool:        "dockerfilelint",
		Description: "dockerfilelint JSON (-j): issues per Dockerfile, titles but no rule IDs",
		Example:     "dockerfilelint -j Dockerfile",
		Detect:      detectDockerfilelint,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseDockerfilelint(opts, r, emit)
			}), nil
		},
	})
}

type dockerfilelintReport struct {
	Files []struct {
		File   string            `json:"file"`
		Issues []json.RawMessage `json:"issues"`
	} `json:"files"`
}

type dockerfilelintIssue struct {
	// Line is a string in dockerfilelint 1.8 ("4"); a number is accepted too.
	Line        json.RawMessage `json:"line"`
	Content     string          `json:"content"`
	Category    string          `json:"category"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
}

// detectDockerfilelint looks for the files array and totalIssues or
// issues_count.
func detectDockerfilelint(head []byte) int {
	h := trimHead(head)
	if len(h) > 0 && h[0] == '{' && containsAll(h, `"files"`) &&
		(containsAll(h, `"totalIssues"`) || containsAll(h, `"issues_count"`)) {
		return 2
	}
	return 0
}

// parseDockerfilelint emits one error finding per issue: dockerfilelint has
// no severities and exits with the number of issues, so each one fails the
// run; its category (Possible Bug, Clarity, Optimization, Deprecation) is
// kept as ToolSeverity and Extra["category"]. It has no rule IDs either: the
// code is a slug of the title ("Base Image Latest Tag" ->
// "base-image-latest-tag").
func parseDockerfilelint(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	const format = "dockerfilelint"
	data, err := io.ReadAll(r)
	if err != nil {
		return &ParseError{Format: format, File: opts.File, Offset: -1, Err: err}
	}
	var rep dockerfilelintReport
	if err := decodeObject(format, opts.File, data, &rep, "files"); err != nil {
		return err
	}
	cursor := 0 // issues appear in data in order; find each for error offsets
	for _, file := range rep.Files {
		for i, raw := range file.Issues {
			off := int64(-1)
			if j := bytes.Index(data[cursor:], raw); j >= 0 {
				off = int64(cursor + j)
				cursor += j + len(raw)
			}
			var is dockerfilelintIssue
			if err := json.Unmarshal(raw, &is); err != nil {
				return shapeError(format, opts.File, data, off, "%s issue %d: %v", file.File, i, err)
			}
			line, err := dockerfilelintLine(is.Line)
			if err != nil {
				return shapeError(format, opts.File, data, off, "%s issue %d: %v", file.File, i, err)
			}
			f := &translator.Finding{
				Tool:         "dockerfilelint",
				Code:         titleSlug(is.Title),
				Severity:     translator.SeverityError,
				ToolSeverity: is.Category,
				Title:        is.Title,
				Message:      is.Description,
			}
			if f.Message == "" {
				f.Message = is.Title
			}
			f.Path = CleanPath(file.File, opts.BaseDir)
			f.Line = line
			f.SetExtra("category", is.Category)
			f.SetExtra("instruction", is.Content)
			if err := emit(f); err != nil {
				return err
			}
		}
	}
	return nil
}

// dockerfilelintLine reads the line, a JSON string or number; absent is 0.
func dockerfilelintLine(raw json.RawMessage) (int, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return 0, nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("line %s is not a line number", string(raw))
	}
	return n, nil
}

// titleSlug lowercases a title and joins its words (letters and digits)
// with dashes: "Missing parameter for `apt-get`" -> "missing-parameter-for-apt-get".
func titleSlug(title string) string {
	words := strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return strings.Join(words, "-")
}
