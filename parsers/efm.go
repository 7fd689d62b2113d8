package parsers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/reviewdog/errorformat"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

// This file reads line-oriented text output through errorformat patterns
// (Vim's 'errorformat', as implemented by github.com/reviewdog/errorformat).
//
// errorformat compiles and matches the patterns; the line loop and the
// quickfix state machine (multi-line %A/%C/%Z messages, %P/%Q file stacks)
// are ours, ported from errorformat's Scanner, because that Scanner
//
//   - reads with a bufio.Scanner and stops silently at the first line over
//     64 KiB (bufio.ErrTooLong is never reported), losing the rest of the input;
//   - keeps every entry it ever produced in a list, so memory grows with the
//     input instead of staying flat;
//   - drops a pending multi-line entry when the next line matches no
//     pattern (it returns the unmatched line twice instead), which would
//     silently lose a finding;
//   - does not say which input line an entry came from.
//
// TestEFMMatchesErrorformat checks that, apart from those defects, both give
// the same entries for every errorformat built-in format's own test input.

// MaxEFMLine bounds one input line of a text format. Longer lines are a
// *ParseError naming the line, never a silent stop: errorformat's own
// Scanner gives up at 64 KiB without an error.
const MaxEFMLine = 4 << 20

// maxEFMText bounds the message accumulated by a multi-line (%A/%C) entry,
// so that a pattern such as golangci-lint's "%C%.%#" cannot hold a whole
// log in memory.
const maxEFMText = 1 << 20

// maxEFMLines bounds the raw lines kept with one entry (the first line is
// always kept; refiners only look at it).
const maxEFMLines = 64

// catchAllEFM is the pattern that ignores every line. A line it swallows
// does not count as "matched" for the no-match rule (see textFormat.check).
const catchAllEFM = "%-G%.%#"

// efmPattern is one compiled pattern with the prefix and flags that
// errorformat keeps unexported.
type efmPattern struct {
	raw         string
	efm         *errorformat.Efm
	fast        *fastEFM // nil: match with efm (errorformat's regexp)
	prefix      byte
	plus, minus bool
}

// compileEFM compiles errorformat patterns.
func compileEFM(patterns []string) ([]efmPattern, error) {
	if len(patterns) == 0 {
		return nil, errors.New("no errorformat pattern given")
	}
	out := make([]efmPattern, 0, len(patterns))
	for _, p := range patterns {
		e, err := errorformat.NewEfm(p)
		if err != nil {
			return nil, fmt.Errorf("compile errorformat %q: %w", p, err)
		}
		prefix, plus, minus := efmPrefix(p)
		out = append(out, efmPattern{raw: p, efm: e, fast: newFastEFM(p), prefix: prefix, plus: plus, minus: minus})
	}
	return out, nil
}

// efmPrefix finds the %A/%C/%Z/%-G... prefix of a pattern, walking it the way
// errorformat.NewEfm does (which has already validated it).
func efmPrefix(p string) (prefix byte, plus, minus bool) {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '%' {
			if c == '\\' && i < len(p)-1 {
				i++
			}
			continue
		}
		i++
		if i >= len(p) {
			break
		}
		c = p[i]
		switch {
		case c == '*':
			i++
			if i < len(p) && p[i] == '[' {
				i++
				for i < len(p) && p[i] != ']' {
					i++
				}
			} else {
				i++ // %*\D
			}
		case (c == '+' || c == '-') && i < len(p)-1 && strings.IndexByte("DXAEWICZGOPQ", p[i+1]) >= 0:
			plus, minus = c == '+', c == '-'
			i++
			prefix = p[i]
		case strings.IndexByte("DXAEWICZGOPQ", c) >= 0:
			prefix = c
		}
	}
	return prefix, plus, minus
}

// match is errorformat's Efm.Match, without regexp when the pattern has a
// shape fastEFM handles (buf then holds the result). line has no newline
// (lineReader.readLine).
func (p *efmPattern) match(line string, buf *errorformat.Match) *errorformat.Match {
	if p.fast == nil {
		return p.efm.Match(line)
	}
	if p.fast.matchLine(line, buf) {
		return buf
	}
	return nil
}

// efmEntry is one quickfix entry, with the input line it started on.
type efmEntry struct {
	errorformat.Entry
	// Line is the 1-based input line where the entry starts.
	Line int
	// first backs Lines for its first line: one allocation less per entry.
	first [1]string
}

type qfStatus int

const (
	qfFail qfStatus = iota
	qfIgnore
	qfEndMultiline
	qfOK
)

type qfFields struct {
	namebuf                    string
	errmsg                     string
	lnum, col, endlnum, endcol int
	enr                        int
	etype                      byte
	useviscol, valid           bool
}

// quickfix is the errorformat state machine (quickfix.c's qf_parse_line, as
// ported by errorformat's parseLineInternal) over one input. It holds at
// most one pending entry: the last one, while a multi-line message may
// still continue.
type quickfix struct {
	pats                              []efmPattern
	multiline, multiignore, multiscan bool
	currfile                          string
	filestack, dirstack               []string
	pending                           *efmEntry
	// spare is the entry handed to out for a single-line entry: out must
	// not keep it (it is reused for the next one).
	spare efmEntry
}

// feed parses one line (lineNo is 1-based; the line has no newline, as
// lineReader.readLine returns it) and calls out for every entry that is
// complete; out must not keep the entry. matched is the index of the pattern that matched the
// line, or -1.
func (q *quickfix) feed(line string, lineNo int, out func(*efmEntry) error) (matched int, err error) {
	status, f, matched := q.parse(line, 0)
	switch status {
	case qfEndMultiline:
		return matched, q.flush(out)
	case qfOK:
		// A multi-line entry stays pending and gets later lines: its own
		// allocation. A single-line one goes to out at once.
		e := &q.spare
		if q.multiline {
			e = &efmEntry{}
		}
		*e = efmEntry{Line: lineNo, Entry: errorformat.Entry{
			Filename: f.namebuf, Lnum: f.lnum, EndLnum: f.endlnum, Col: f.col, EndCol: f.endcol,
			Nr: f.enr, Text: f.errmsg, Vcol: f.useviscol, Valid: f.valid, Type: rune(f.etype),
		}}
		e.first[0] = line
		e.Lines = e.first[:]
		if e.Filename == "" && q.currfile != "" {
			e.Filename = q.currfile
		}
		// The previous pending entry is complete: a new entry started.
		// (errorformat's Scanner loses it when the new line matched
		// nothing; we emit it.)
		if err := q.flush(out); err != nil {
			return matched, err
		}
		if q.multiline {
			q.pending = e
			return matched, nil
		}
		return matched, out(e)
	}
	return matched, nil
}

// flush emits the pending entry, if any.
func (q *quickfix) flush(out func(*efmEntry) error) error {
	if q.pending == nil {
		return nil
	}
	e := q.pending
	q.pending = nil
	return out(e)
}

func (q *quickfix) parse(line string, i int) (qfStatus, qfFields, int) {
	f := qfFields{valid: true, enr: -1}
	var tail string
	var p *efmPattern
	var mbuf errorformat.Match
	nomatch := false
	for ; ; i++ {
		if i == len(q.pats) {
			nomatch = true
			break
		}
		p = &q.pats[i]
		if q.multiscan && strings.IndexByte("OPQ", p.prefix) >= 0 {
			continue
		}
		if (p.prefix == 'C' || p.prefix == 'Z') && !q.multiline {
			continue
		}
		m := p.match(line, &mbuf)
		if m == nil {
			continue
		}
		if p.prefix != 0 && strings.IndexByte("EWI", p.prefix) >= 0 {
			f.etype = p.prefix
		}
		if m.F != "" {
			f.namebuf = m.F
		}
		f.enr, f.lnum, f.endlnum, f.col, f.endcol = m.N, m.L, m.E, m.C, m.K
		if m.T != 0 {
			f.etype = m.T
		}
		if p.plus && !q.multiscan {
			f.errmsg = line
		} else if m.M != "" {
			f.errmsg = m.M
		}
		tail = m.R
		if m.P != "" { // %p: the column is where the pointer ends
			f.useviscol = true
			f.col = 0
			for _, r := range m.P {
				f.col++
				if r == '\t' {
					f.col += 7
					f.col -= f.col % 8
				}
			}
			f.col++
		}
		if m.V != 0 {
			f.useviscol = true
			f.col = m.V
		}
		break
	}
	matched := i
	if nomatch {
		matched = -1
	}
	q.multiscan = false
	var idx byte
	if !nomatch {
		idx = p.prefix
	}
	if nomatch || idx == 'D' || idx == 'X' {
		if idx == 'D' {
			if f.namebuf == "" {
				return qfFail, f, matched
			}
			q.dirstack = append(q.dirstack, f.namebuf)
		} else if idx == 'X' && len(q.dirstack) > 0 {
			q.dirstack = q.dirstack[:len(q.dirstack)-1]
		}
		f.namebuf, f.lnum, f.valid, f.errmsg = "", 0, false, line
		if nomatch {
			q.multiline, q.multiignore = false, false
		}
		return qfOK, f, matched
	}
	switch {
	case strings.IndexByte("AEWI", idx) >= 0:
		q.multiline, q.multiignore = true, false
	case idx == 'C' || idx == 'Z':
		if prev := q.pending; !q.multiignore && prev != nil {
			if len(prev.Lines) < maxEFMLines {
				prev.Lines = append(prev.Lines, line)
			}
			if f.errmsg != "" {
				switch {
				case prev.Text == "":
					prev.Text = f.errmsg
				case len(prev.Text)+1+len(f.errmsg) <= maxEFMText:
					prev.Text += "\n" + f.errmsg
				case !strings.HasSuffix(prev.Text, truncatedNotice):
					prev.Text += truncatedNotice
				}
			}
			if prev.Nr < 1 {
				prev.Nr = f.enr
			}
			if f.etype != 0 && prev.Type == 0 {
				prev.Type = rune(f.etype)
			}
			if prev.Filename == "" {
				prev.Filename = f.namebuf
			}
			if prev.Lnum == 0 {
				prev.Lnum = f.lnum
			}
			if prev.EndLnum == 0 {
				prev.EndLnum = f.endlnum
			}
			if prev.Col == 0 {
				prev.Col = f.col
			}
			if prev.EndCol == 0 {
				prev.EndCol = f.endcol
			}
			prev.Vcol = f.useviscol
		}
		if idx == 'Z' {
			q.multiline, q.multiignore = false, false
			return qfEndMultiline, f, matched
		}
		return qfIgnore, f, matched
	case strings.IndexByte("OPQ", idx) >= 0:
		f.valid = false
		if f.namebuf != "" && idx == 'P' {
			q.currfile = f.namebuf
			q.filestack = append(q.filestack, q.currfile)
		} else if idx == 'Q' && len(q.filestack) > 0 {
			q.currfile = q.filestack[len(q.filestack)-1]
			q.filestack = q.filestack[:len(q.filestack)-1]
		}
		f.namebuf = ""
		if tail != "" {
			q.multiscan = true
			st, ff, _ := q.parse(strings.TrimLeft(tail, " \t"), matched)
			return st, ff, matched
		}
	}
	if p.minus {
		if q.multiline {
			q.multiignore = true
		}
		return qfIgnore, f, matched
	}
	return qfOK, f, matched
}

// truncatedNotice marks a multi-line message cut at maxEFMText.
const truncatedNotice = "\n[message truncated by runbook-translator]"

// lineReader reads lines of any length up to MaxEFMLine with a bufio.Reader
// (errorformat's bufio.Scanner stops at 64 KiB), tracking line numbers and
// byte offsets.
type lineReader struct {
	r      *bufio.Reader
	buf    []byte
	line   int   // number of the line last returned
	offset int64 // byte offset of the line last returned
	next   int64 // byte offset of the next line
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(&crReader{r: r}, 64<<10)}
}

// utf8BOM is the UTF-8 byte order mark some Windows tools write first.
const utf8BOM = "\xef\xbb\xbf"

// crReader turns a lone CR (classic Mac line ends) into LF, so that
// "a\rb\r" reads as two lines instead of one merged line that loses all
// findings after the first. CRLF is left alone (readLine strips the CR).
// The output has the same length as the input, so byte offsets hold.
type crReader struct {
	r    io.Reader
	held bool // the last byte read was a CR whose successor is not known yet
}

func (c *crReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	start := 0
	if c.held {
		if len(p) < 2 {
			// No room to look ahead (bufio never asks this small): a CR
			// read as LF at worst adds a blank line, which is ignored.
			c.held = false
			p[0] = '\n'
			return 1, nil
		}
		p[0] = '\r'
		start = 1
	}
	n, err := c.r.Read(p[start:])
	total := start + n
	c.held = false
	for i := 0; i < total-1; i++ {
		j := bytes.IndexByte(p[i:total-1], '\r') // most input has none
		if j < 0 {
			break
		}
		i += j
		if p[i+1] != '\n' {
			p[i] = '\n'
		}
	}
	if total > 0 && p[total-1] == '\r' {
		if err != nil {
			p[total-1] = '\n'
			return total, err
		}
		c.held = true
		return total - 1, nil
	}
	return total, err
}

// errLineTooLong is wrapped in the ParseError for a line over MaxEFMLine.
var errLineTooLong = fmt.Errorf("line longer than %d bytes", MaxEFMLine)

// readLine returns the next line without its "\n" or "\r\n". It returns
// io.EOF after the last line.
func (l *lineReader) readLine() (string, error) {
	l.buf = l.buf[:0]
	for {
		chunk, err := l.r.ReadSlice('\n')
		if err == nil && len(l.buf) == 0 && len(chunk) <= MaxEFMLine+2 {
			// A whole line in the reader's buffer (nearly every line):
			// one copy, into the string, instead of two.
			return l.line1(chunk)
		}
		if len(l.buf)+len(chunk) > MaxEFMLine+2 {
			l.line++
			l.offset = l.next
			return "", errLineTooLong
		}
		l.buf = append(l.buf, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(l.buf) == 0 {
			return "", io.EOF
		}
		if err != nil && err != io.EOF {
			return "", err
		}
		break
	}
	return l.line1(l.buf)
}

// line1 counts the line b (with its line end) read and returns it without
// the line end (and the BOM of the first line).
func (l *lineReader) line1(b []byte) (string, error) {
	l.line++
	l.offset = l.next
	l.next += int64(len(b))
	// The last bytes, by hand: bytes.TrimSuffix's memequal call per line
	// was 4 % of a shellcheck run's CPU (pprof).
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	if l.line == 1 {
		b = bytes.TrimPrefix(b, []byte(utf8BOM))
	}
	if len(b) > MaxEFMLine {
		return "", errLineTooLong
	}
	return string(b), nil
}

var ansiEscape = lazyre.New("\x1b\\[[0-9;]*[A-Za-z]")

// textFormat is an input format read through errorformat patterns.
type textFormat struct {
	// name is the format name, for errors.
	name string
	// tool labels the findings.
	tool string
	// patterns are the errorformat patterns.
	patterns []string
	// refine fills in what the patterns cannot: code, severity words,
	// resource. It may be nil.
	refine func(f *translator.Finding, e *efmEntry, opts Options)
	// requireMatch makes non-blank input in which no line matched a pattern
	// an error (see Parse).
	requireMatch bool
	// strict makes every non-blank line that matches no pattern an error:
	// used by our own tool formats, whose whole output grammar the patterns
	// describe, so that a line in an unknown shape (a finding we cannot
	// read) is reported rather than dropped.
	strict bool
	// stripANSI removes colour escape sequences before matching.
	stripANSI bool
}

// textParser parses one input with a textFormat.
type textParser struct {
	tf   textFormat
	pats []efmPattern
	opts Options
}

// pathMemo memoises CleanPath over one Parse: a report names few files
// many times, and each finding then shares its path's string.
type pathMemo map[string]string

// maxPathMemo bounds a pathMemo.
const maxPathMemo = 8192

// clean is CleanPath(name, baseDir), memoised.
func (m pathMemo) clean(name, baseDir string) string {
	if c, ok := m[name]; ok {
		return c
	}
	c := CleanPath(name, baseDir)
	if len(m) < maxPathMemo {
		m[name] = c
	}
	return c
}

func newTextParser(tf textFormat, opts Options) (*textParser, error) {
	pats, err := compileEFM(tf.patterns)
	if err != nil {
		return nil, fmt.Errorf("build %s parser: %w", tf.name, err)
	}
	return &textParser{tf: tf, pats: pats, opts: opts}, nil
}

// Parse implements Parser. It streams: each finding is emitted as soon as
// the line that completes it has been read, and at most one multi-line
// entry is held.
//
// Unmatched lines. errorformat ignores lines that no pattern matches, so a
// file in the wrong format would read as "no findings". The rule here:
//
//   - every format: blank lines are never counted;
//   - named formats (requireMatch): when the input has a non-blank line but
//     no line matched any pattern other than the catch-all "%-G%.%#", the
//     result is a *ParseError "no line matched the <name> format; first
//     line: ..." naming the first non-blank line;
//   - our own tool formats (strict): every non-blank line must match a
//     pattern; the first that does not is reported as a *ParseError after
//     the rest of the input has been read and its findings emitted;
//   - the generic "efm" format keeps errorformat's behaviour (unmatched lines
//     are ignored), because tools print chatter users did not write patterns
//     for.
func (p *textParser) Parse(r io.Reader, emit func(*translator.Finding) error) error {
	q := &quickfix{pats: p.pats}
	lr := newLineReader(r)
	var (
		anyMatch     bool
		firstLine    string
		firstLineNo  int
		firstLineOff int64 = -1
		strictErr    *ParseError
		unmatched    int
	)
	paths := pathMemo{}
	out := func(e *efmEntry) error {
		if !e.Valid {
			return nil
		}
		return emit(p.finding(e, paths))
	}
	for {
		line, err := lr.readLine()
		if err == io.EOF {
			break
		}
		if err != nil {
			q.flush(out) //nolint:errcheck // the read error wins
			return &ParseError{Format: p.tf.name, File: p.opts.File, Line: lr.line, Offset: lr.offset, Err: err}
		}
		if p.tf.stripANSI && strings.IndexByte(line, 0x1b) >= 0 {
			line = ansiEscape().ReplaceAllString(line, "")
		}
		blank := strings.TrimSpace(line) == ""
		if !blank && firstLineNo == 0 {
			firstLine, firstLineNo, firstLineOff = line, lr.line, lr.offset
		}
		m, err := q.feed(line, lr.line, out)
		if err != nil {
			return err
		}
		if m >= 0 && p.pats[m].raw != catchAllEFM {
			anyMatch = true
		} else if !blank {
			unmatched++
			if p.tf.strict && strictErr == nil {
				strictErr = &ParseError{Format: p.tf.name, File: p.opts.File, Line: lr.line, Offset: lr.offset,
					Err: fmt.Errorf("line does not match the %s format: %q", p.tf.name, clip(line, 200))}
			}
		}
	}
	if err := q.flush(out); err != nil {
		return err
	}
	if !p.tf.requireMatch && !anyMatch && firstLineNo > 0 && notText(firstLine) {
		// Even the generic format says so when nothing matched and the
		// input is not text (UTF-16, a binary file): 0 findings and exit 0
		// would hide a scanner that wrote something else.
		return &ParseError{Format: p.tf.name, File: p.opts.File, Line: firstLineNo, Offset: firstLineOff,
			Err: fmt.Errorf("no line matched and the input is not UTF-8 text (%s); first line: %q", notTextReason(firstLine), clip(firstLine, 80))}
	}
	if p.tf.requireMatch && !anyMatch && firstLineNo > 0 {
		return &ParseError{Format: p.tf.name, File: p.opts.File, Line: firstLineNo, Offset: firstLineOff,
			Err: fmt.Errorf("no line matched the %s format (%d non-blank lines); first line: %q", p.tf.name, unmatched, clip(firstLine, 200))}
	}
	if strictErr != nil {
		if unmatched > 1 {
			strictErr.Err = fmt.Errorf("%w (and %d more unmatched lines)", strictErr.Err, unmatched-1)
		}
		return strictErr
	}
	return nil
}

// clip shortens s to at most n bytes at a rune boundary, for error messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "..."
}

// finding turns a valid entry into a finding.
func (p *textParser) finding(e *efmEntry, paths pathMemo) *translator.Finding {
	msg := strings.TrimSpace(e.Text)
	if msg == "" {
		msg = strings.TrimSpace(e.Lines[0])
	}
	f := &translator.Finding{
		Tool:     p.tf.tool,
		Message:  msg,
		Severity: efmSeverity(e.Type),
		Location: translator.Location{
			Path:      paths.clean(e.Filename, p.opts.BaseDir),
			Line:      e.Lnum,
			Column:    e.Col,
			EndLine:   e.EndLnum,
			EndColumn: e.EndCol,
		},
	}
	if e.Type != 0 {
		f.ToolSeverity = efmTypeName(e.Type)
	}
	if p.tf.refine != nil {
		p.tf.refine(f, e, p.opts)
	}
	if f.Code == "" && e.Nr > 0 {
		// %n: the error number is the code (errorformat drops it into
		// Entry.Nr, which nothing else reads).
		f.Code = strconv.Itoa(e.Nr)
	}
	if p.opts.CodePattern != nil && f.Code == "" {
		// --code-pattern: the generic "efm" format and named formats that
		// found no code take it from the message (issue 10: without this,
		// errorformat findings could never match a specific entry).
		if code, rest := CodeFromMessage(p.opts.CodePattern, f.Message); code != "" {
			f.Code, f.Message = code, rest
		}
	}
	return f
}

// efmSeverity maps errorformat's type character: e/E error, w/W warning,
// i/I and n/N (note) info. An entry without a type, or with a character
// that is none of these, is a warning: errorformat formats without %t
// (golint, "%f:%l:%c: %m") report problems the tool wants fixed, but say
// nothing about how bad they are, so they neither fail a default run like an
// error nor hide like a note.
func efmSeverity(t rune) translator.Severity {
	switch t {
	case 'e', 'E':
		return translator.SeverityError
	case 'i', 'I', 'n', 'N':
		return translator.SeverityInfo
	}
	return translator.SeverityWarning
}

// efmTypeName is errorformat's name for a type character (Entry.Types
// without the number).
func efmTypeName(t rune) string {
	switch t {
	case 'e', 'E':
		return "error"
	case 'w', 'W':
		return "warning"
	case 'i', 'I':
		return "info"
	case 'n', 'N':
		return "note"
	}
	return string(t)
}

func init() {
	Register(Format{
		Name:        "efm",
		Description: "any line-oriented text output, read with errorformat patterns (--efm, repeatable; Vim 'errorformat' syntax)",
		Example:     `golint ./... | runbook-translator review --format efm --efm '%f:%l:%c: %m' --tool golint`,
		New: func(opts Options) (Parser, error) {
			if len(opts.EFM) == 0 {
				return nil, errors.New("build efm parser: the efm format needs at least one --efm pattern")
			}
			tool := opts.Tool
			if tool == "" {
				tool = "efm"
			}
			return newTextParser(textFormat{name: "efm", tool: tool, patterns: opts.EFM}, opts)
		},
	})
}

// notText reports whether a line is not UTF-8 text: a NUL byte (UTF-16
// has one in every ASCII character) or invalid UTF-8.
func notText(line string) bool { return notTextReason(line) != "" }

func notTextReason(line string) string {
	switch {
	case strings.HasPrefix(line, "\xff\xfe") || strings.HasPrefix(line, "\xfe\xff"):
		return "UTF-16: convert it with iconv -f UTF-16 -t UTF-8"
	case strings.IndexByte(line, 0) >= 0:
		return "it has NUL bytes: UTF-16 or binary"
	case !utf8.ValidString(line):
		return "invalid UTF-8"
	}
	return ""
}
