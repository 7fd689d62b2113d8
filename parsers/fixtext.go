package parsers

import (
	"unicode/utf8"

	"github.com/runbook-translator/runbook-translator/messages"
)

// Tools give fix positions in their own units: SARIF in UTF-16 code units
// unless the run says otherwise (§3.14.17 columnKind), ShellCheck in
// characters (it reads the script as a Haskell String of code points,
// src/ShellCheck/Fixer.hs doReplace), reviewdog's rdf in bytes. A
// translator.Edit counts bytes, so the other units are converted with the
// file's text, read through Options.ReadFile.

// Column units.
const (
	unitBytes = iota
	unitUTF16
	unitRunes
	// unitTabbed is characters with a tab reaching the next multiple of
	// 8: ShellCheck's "virtual" columns, which its legacy -f json output
	// keeps (src/ShellCheck/Formatter/JSON.hs never calls makeNonVirtual;
	// Fixer.hs removeTabStops is the inverse used here).
	unitTabbed
)

// fileText indexes one file's lines for position conversions.
type fileText struct {
	src    []byte
	starts []int // byte offset of each line's start
}

func newFileText(src []byte) *fileText {
	t := &fileText{src: src, starts: []int{0}}
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			t.starts = append(t.starts, i+1)
		}
	}
	return t
}

// content returns line n (1-based) without its line break.
func (t *fileText) content(n int) ([]byte, bool) {
	if n < 1 || n > len(t.starts) {
		return nil, false
	}
	end := len(t.src)
	if n < len(t.starts) {
		end = t.starts[n] - 1
	} else if end > 0 && t.src[end-1] == '\n' {
		end--
	}
	return t.src[t.starts[n-1]:end], true
}

var errPastLine = messages.Errorf("pfix.past_line")

// byteColumn converts a 1-based column in unit on line n to a 1-based
// byte column. The column just past the line's end is allowed.
func (t *fileText) byteColumn(n, col, unit int) (int, error) {
	line, ok := t.content(n)
	if !ok {
		if n == len(t.starts)+1 && col == 1 {
			return 1, nil // the end of the file
		}
		return 0, messages.Errorf("pfix.lines", n, len(t.starts))
	}
	if col < 1 {
		col = 1
	}
	off, err := unitsToBytes(line, col-1, unit)
	if err != nil {
		return 0, messages.Errorf("pfix.line_column", n, col, messages.Of(err))
	}
	return off + 1, nil
}

// unitsToBytes returns the byte offset in b after n units.
func unitsToBytes(b []byte, n, unit int) (int, error) {
	if unit == unitBytes {
		if n > len(b) {
			return 0, errPastLine
		}
		return n, nil
	}
	if unit == unitTabbed {
		// Fixer.hs realignColumn: walk until the virtual column reaches
		// the target.
		off, v := 0, 0
		for v < n {
			if off >= len(b) {
				return 0, errPastLine
			}
			r, size := utf8.DecodeRune(b[off:])
			if r == '\t' {
				v += 8 - v%8
			} else {
				v++
			}
			off += size
		}
		return off, nil
	}
	off := 0
	for n > 0 {
		if off >= len(b) {
			return 0, errPastLine
		}
		r, size := utf8.DecodeRune(b[off:])
		w := 1
		if unit == unitUTF16 && r >= 0x10000 {
			w = 2
		}
		if w > n {
			return 0, messages.Errorf("pfix.splits")
		}
		n -= w
		off += size
	}
	return off, nil
}

// position converts a byte offset of the file to a 1-based line and byte
// column.
func (t *fileText) position(off int) (line, col int) {
	lo, hi := 0, len(t.starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if t.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if off == len(t.src) && len(t.src) > 0 && t.src[len(t.src)-1] == '\n' {
		return len(t.starts) + 1, 1
	}
	return lo + 1, off - t.starts[lo] + 1
}

// lineEndColumn is the byte column just past line n's content.
func (t *fileText) lineEndColumn(n int) (int, bool) {
	line, ok := t.content(n)
	return len(line) + 1, ok
}

// fileCache reads the files fixes are in, once per input.
type fileCache struct {
	read func(string) ([]byte, error)
	m    map[string]*fileText
	errs map[string]error
}

// maxCachedFiles bounds what one input keeps: its fixes are usually in a
// few files; past that the cache starts over.
const maxCachedFiles = 64

func newFileCache(opts Options) *fileCache {
	return &fileCache{read: opts.ReadFile, m: map[string]*fileText{}, errs: map[string]error{}}
}

// get returns the text of a repository-relative path.
func (c *fileCache) get(p string) (*fileText, error) {
	if c.read == nil {
		return nil, messages.Errorf("pfix.not_read")
	}
	if t, ok := c.m[p]; ok {
		return t, nil
	}
	if err, ok := c.errs[p]; ok {
		return nil, err
	}
	if len(c.m)+len(c.errs) >= maxCachedFiles {
		c.m, c.errs = map[string]*fileText{}, map[string]error{}
	}
	b, err := c.read(p)
	if err != nil {
		c.errs[p] = err
		return nil, err
	}
	t := newFileText(b)
	c.m[p] = t
	return t, nil
}
