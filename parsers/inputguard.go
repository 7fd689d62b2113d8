package parsers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// inputGuard sits between every parser and its input (Register installs
// it). It does two things that no parser should have to repeat:
//
//   - it drops a leading UTF-8 byte order mark, which Windows tools and
//     PowerShell's Out-File write and which auto-detection already ignores:
//     encoding/json rejects it ("invalid character 'ï'"), the line formats
//     would stick it to the first path;
//   - on JSON input it watches every object for a key that appears twice.
//     encoding/json keeps the last value and says nothing, so a report with
//     two "runs" or "failures" arrays would lose every finding of the first
//     one silently (issue 8, item 10). RFC 8259 §4 leaves the meaning of
//     such a document to the reader; we refuse it with the key and the byte
//     offset of its second occurrence.
//
// The watcher is a small byte scanner that only tracks strings, nesting and
// which strings are keys; it never reports syntax errors (the parser does,
// with better context) and turns itself off on input that is not JSON
// (text and YAML formats), so it cannot reject anything a parser accepts
// except a duplicate key. It holds the keys of the open objects only. A
// format whose parser refuses duplicate keys itself in the same words
// (Format.ChecksDuplicateKeys: SARIF, whose tokenizer reads every name
// anyway) gets only the BOM handling, not a second scan of its bytes.
type inputGuard struct {
	br       *bufio.Reader
	format   string
	file     string
	bomDone  bool
	base     int64 // bytes consumed before scanning (the BOM)
	off      int64 // offset in the input of the next byte to scan
	line     int   // 1-based line of the next byte
	inactive bool
	st       guardState
	stack    []guardFrame
	depth    int
	key      []byte // the key being read
	keyEsc   bool   // the key holds an escape
	keyOff   int64
	keyLine  int
	err      *ParseError
}

type guardState uint8

const (
	gValue     guardState = iota // expecting a value
	gKeyOrEnd                    // after '{' or ',' in an object
	gColon                       // after a key
	gAfter                       // after a value
	gString                      // inside a string value
	gStringEsc                   // after a backslash in a string value
	gKey                         // inside a key
	gKeyEsc                      // after a backslash in a key
	gScalar                      // inside a number or literal
)

// guardFrame is one open container. Keys of an object are kept in buf,
// delimited by ends; past guardSmall keys a map takes over.
type guardFrame struct {
	object bool
	buf    []byte
	ends   []int
	offs   []int64
	m      map[string]int64
}

const guardSmall = 16

// maxGuardDepth matches encoding/json's nesting limit; past it the parser
// fails anyway.
const maxGuardDepth = 10000

func newInputGuard(r io.Reader, format, file string) *inputGuard {
	return &inputGuard{br: bufio.NewReaderSize(r, 64<<10), format: format, file: file, line: 1}
}

func (g *inputGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	if !g.bomDone {
		g.bomDone = true
		if b, err := g.br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
			_, _ = g.br.Discard(3)
			g.base, g.off = 3, 3
		}
	}
	n, err := g.br.Read(p)
	if n > 0 && !g.inactive {
		if pe := g.scan(p[:n]); pe != nil {
			g.err = pe
			return 0, pe
		}
	}
	return n, err
}

// scan advances the scanner over b; it returns an error for a duplicate key.
func (g *inputGuard) scan(b []byte) *ParseError {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch g.st {
		case gString:
			// Fast path: skip to the next quote, backslash or newline.
			j := bytes.IndexAny(b[i:], "\"\\\n")
			if j < 0 {
				g.off += int64(len(b) - i)
				return nil
			}
			g.off += int64(j)
			i += j
			c = b[i]
			switch c {
			case '"':
				g.st = gAfter
			case '\\':
				g.st = gStringEsc
			}
		case gStringEsc:
			g.st = gString
		case gKey:
			switch c {
			case '"':
				if pe := g.endKey(); pe != nil {
					return pe
				}
				g.st = gColon
			case '\\':
				g.key = append(g.key, c)
				g.keyEsc = true
				g.st = gKeyEsc
			default:
				g.key = append(g.key, c)
			}
		case gKeyEsc:
			g.key = append(g.key, c)
			g.st = gKey
		case gScalar:
			if isGuardDelim(c) {
				g.st = gAfter
				i-- // reprocess the delimiter
				continue
			}
		default:
			if !g.structural(c) {
				g.inactive = true
				return nil
			}
		}
		if c == '\n' {
			g.line++
		}
		g.off++
	}
	return nil
}

// structural handles a byte outside strings and scalars; false means the
// input is not JSON as far as the guard can tell.
func (g *inputGuard) structural(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n':
		return true
	}
	switch g.st {
	case gValue:
		return g.value(c)
	case gKeyOrEnd:
		switch c {
		case '"':
			g.key, g.keyEsc, g.keyOff, g.keyLine = g.key[:0], false, g.off, g.line
			g.st = gKey
			return true
		case '}':
			return g.pop(true)
		}
		return false
	case gColon:
		if c == ':' {
			g.st = gValue
			return true
		}
		return false
	case gAfter:
		if g.depth == 0 {
			// JSON Lines: another document follows.
			return g.value(c)
		}
		top := &g.stack[g.depth-1]
		switch c {
		case ',':
			if top.object {
				g.st = gKeyOrEnd
			} else {
				g.st = gValue
			}
			return true
		case '}':
			return g.pop(true)
		case ']':
			return g.pop(false)
		}
	}
	return false
}

func (g *inputGuard) value(c byte) bool {
	switch {
	case c == '{' || c == '[':
		if g.depth >= maxGuardDepth {
			return false
		}
		if g.depth == len(g.stack) {
			g.stack = append(g.stack, guardFrame{})
		}
		f := &g.stack[g.depth]
		f.object, f.buf, f.ends, f.offs, f.m = c == '{', f.buf[:0], f.ends[:0], f.offs[:0], nil
		g.depth++
		if c == '{' {
			g.st = gKeyOrEnd
		} else {
			g.st = gValue
		}
		return true
	case c == ']':
		// An empty array.
		return g.pop(false)
	case c == '"':
		g.st = gString
		return true
	case c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z':
		g.st = gScalar
		return true
	}
	return false
}

func (g *inputGuard) pop(object bool) bool {
	if g.depth == 0 || g.stack[g.depth-1].object != object {
		return false
	}
	g.depth--
	g.st = gAfter
	return true
}

func isGuardDelim(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

// endKey records the key just read in the innermost object.
func (g *inputGuard) endKey() *ParseError {
	if g.depth == 0 {
		return nil
	}
	k := g.key
	if g.keyEsc {
		var s string
		q := make([]byte, 0, len(k)+2)
		q = append(append(append(q, '"'), k...), '"')
		if json.Unmarshal(q, &s) != nil {
			g.inactive = true
			return nil
		}
		k = []byte(s)
	}
	f := &g.stack[g.depth-1]
	if f.m != nil {
		if first, dup := f.m[string(k)]; dup {
			return g.dupErr(k, first)
		}
		f.m[string(k)] = g.keyOff
		return nil
	}
	start := 0
	for i, end := range f.ends {
		if bytes.Equal(f.buf[start:end], k) {
			return g.dupErr(k, f.offs[i])
		}
		start = end
	}
	if len(f.ends) >= guardSmall {
		f.m = make(map[string]int64, 2*guardSmall)
		start = 0
		for i, end := range f.ends {
			f.m[string(f.buf[start:end])] = f.offs[i]
			start = end
		}
		f.m[string(k)] = g.keyOff
		return nil
	}
	f.buf = append(f.buf, k...)
	f.ends = append(f.ends, len(f.buf))
	f.offs = append(f.offs, g.keyOff)
	return nil
}

func (g *inputGuard) dupErr(k []byte, first int64) *ParseError {
	return &ParseError{Format: g.format, File: g.file, Line: g.keyLine, Offset: g.keyOff,
		Err: fmt.Errorf("duplicate JSON key %q (first at byte %d): a JSON reader keeps only one of the values, so findings would be lost", bounded(string(k), 200), first)}
}
