package parsers

import (
	"encoding/json"
	"io"
	"sort"
	"strconv"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
	"github.com/runbook-translator/runbook-translator/messages"
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
	Fix       *struct {
		Replacements []shellcheckReplacement `json:"replacements"`
	} `json:"fix"`
}

// shellcheckReplacement is one replacement of a json1 fix
// (src/ShellCheck/Formatter/JSON1.hs, ToJSON Replacement).
type shellcheckReplacement struct {
	Line        int    `json:"line"`
	Column      int    `json:"column"`
	EndLine     int    `json:"endLine"`
	EndColumn   int    `json:"endColumn"`
	Replacement string `json:"replacement"`
	Precedence  int    `json:"precedence"`
	// InsertionPoint is "beforeStart" or "afterEnd": where later text
	// inserted at the same place goes.
	InsertionPoint string `json:"insertionPoint"`
}

var (
	shellcheckJSON1Start  = lazyre.New(`^\{\s*"comments"\s*:\s*\[`)
	shellcheckIntCode     = lazyre.New(`"code"\s*:\s*\d`)
	shellcheckCommentsKey = lazyre.New(`"comments"\s*:\s*\[`)
)

// detectShellcheckJSON1 looks for the {"comments": [ wrapper of json1.
func detectShellcheckJSON1(head []byte) int {
	if shellcheckJSON1Start().Match(trimHead(head)) {
		return 2
	}
	return 0
}

// detectShellcheckJSON looks for an array of comments with an integer code
// and endLine/endColumn (hadolint's JSON, also an array, has string codes
// and no end positions).
func detectShellcheckJSON(head []byte) int {
	h := trimHead(head)
	if len(h) > 0 && h[0] == '[' && containsAll(h, `"endLine"`, `"endColumn"`, `"level"`) && shellcheckIntCode().Match(h) {
		return 2
	}
	return 0
}

// parseShellcheck reads json1 (wrapped) or json (bare array). Codes become
// "SC2086"; error and warning keep their level, info and style are info.
// A comment's fix becomes the finding's fix (shellcheckFix).
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
		if loc := shellcheckCommentsKey().FindIndex(data); loc != nil {
			base = int64(loc[1] - 1)
		}
	}
	els, err := jsonArrayElements(format, opts.File, arr)
	if err != nil {
		return err
	}
	files := newFileCache(opts)
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
		if c.Fix != nil && len(c.Fix.Replacements) > 0 {
			unit := unitRunes
			if !wrapped {
				unit = unitTabbed
			}
			shellcheckFix(f, c.Fix.Replacements, files, unit)
		}
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

// shellcheckFix turns a json1 or json fix into the finding's fix.
// ShellCheck's columns count characters; json1 counts a tab as one (its
// output goes through makeNonVirtual, src/ShellCheck/Formatter/Format.hs,
// which undoes the tab stops of 8), json does not (unitTabbed). Ranges end
// before endColumn (Fixer.hs doReplace);
// they become byte columns with the script's text. Several insertions at
// one place are one edit, ordered as ShellCheck applies them: highest
// precedence first, and text inserted later at the same place goes after
// a "beforeStart" insertion and before an "afterEnd" one
// (Fixer.hs applyReplacement2). A fix that cannot be converted is left
// out and FixNote says why.
func shellcheckFix(f *translator.Finding, reps []shellcheckReplacement, files *fileCache, unit int) {
	drop := func(why messages.Msg) {
		f.FixNoteText = messages.M("pfix.sc", why)
		f.FixNote = f.FixNoteText.In(messages.Default)
	}
	if f.Path == "" {
		drop(messages.M("pfix.sc_no_file"))
		return
	}
	text, err := files.get(f.Path)
	if err != nil {
		drop(messages.M("pfix.sc_unread", f.Path, messages.Of(err)))
		return
	}
	type rep struct {
		translator.Edit
		prec   int
		before bool
		order  int
	}
	var rs []rep
	for i, r := range reps {
		sc, err := text.byteColumn(r.Line, r.Column, unit)
		if err != nil {
			drop(messages.M("pfix.sc_starts", i+1, messages.Of(err), f.Path))
			return
		}
		ec, err := text.byteColumn(r.EndLine, r.EndColumn, unit)
		if err != nil {
			drop(messages.M("pfix.sc_ends", i+1, messages.Of(err), f.Path))
			return
		}
		e := translator.Edit{Path: f.Path, StartLine: r.Line, StartColumn: sc, EndLine: r.EndLine, EndColumn: ec, Text: r.Replacement}
		if e.EndLine < e.StartLine || (e.EndLine == e.StartLine && e.EndColumn < e.StartColumn) {
			drop(messages.M("pfix.sc_order", i+1))
			return
		}
		rs = append(rs, rep{Edit: e, prec: r.Precedence, before: r.InsertionPoint == "beforeStart", order: i})
	}
	// ShellCheck applies `reverse $ sortWith repPrecedence`: descending
	// precedence, and among equals the later replacement first.
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].prec != rs[j].prec {
			return rs[i].prec > rs[j].prec
		}
		return rs[i].order > rs[j].order
	})
	type key struct{ l, c int }
	var edits []translator.Edit
	at := map[key]int{}        // insertion point -> index in edits
	beforeLen := map[key]int{} // bytes of "beforeStart" text at it
	for _, r := range rs {
		k := key{r.StartLine, r.StartColumn}
		zero := r.EndLine == r.StartLine && r.EndColumn == r.StartColumn
		if i, ok := at[k]; ok && zero {
			e := &edits[i]
			off := beforeLen[k]
			e.Text = e.Text[:off] + r.Text + e.Text[off:]
			if r.before {
				beforeLen[k] += len(r.Text)
			}
			continue
		}
		if zero {
			at[k] = len(edits)
			if r.before {
				beforeLen[k] = len(r.Text)
			}
		}
		edits = append(edits, r.Edit)
	}
	sort.SliceStable(edits, func(i, j int) bool {
		a, b := edits[i], edits[j]
		return a.StartLine < b.StartLine || (a.StartLine == b.StartLine && a.StartColumn < b.StartColumn)
	})
	for i := 1; i < len(edits); i++ {
		p, c := edits[i-1], edits[i]
		if c.StartLine < p.EndLine || (c.StartLine == p.EndLine && c.StartColumn < p.EndColumn) ||
			(c.StartLine == p.StartLine && c.StartColumn == p.StartColumn) {
			drop(messages.M("pfix.sc_overlap", c.StartLine, c.StartColumn))
			return
		}
	}
	f.Fixes = []translator.Fix{{Source: "shellcheck", Edits: edits}}
}
