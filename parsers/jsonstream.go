package parsers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
)

// tokStream walks a JSON document with encoding/json's token API, so that a
// report of tens of megabytes (issue 5: a 50 MB trivy image scan) is read one
// finding at a time instead of being held whole, and turns every decoding
// problem into a *ParseError that names the byte offset and line.
type tokStream struct {
	format, file string
	lc           *lineCounter
	dec          *json.Decoder
}

// lineCounter counts the bytes and newlines handed to the decoder, so that a
// line number can be given for an error without keeping the input.
type lineCounter struct {
	r     io.Reader
	n     int64
	lines int
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.lines += bytes.Count(p[:n], []byte{'\n'})
	return n, err
}

func newTokStream(format, file string, r io.Reader) *tokStream {
	lc := &lineCounter{r: r}
	dec := json.NewDecoder(lc)
	return &tokStream{format: format, file: file, lc: lc, dec: dec}
}

// lineAt returns the 1-based line of byte offset off. The bytes between the
// decoder's position and the end of what it has read are still in its
// buffer, so the newlines after off can be subtracted from the total.
func (s *tokStream) lineAt(off int64) int {
	start := s.dec.InputOffset()
	rest, _ := io.ReadAll(s.dec.Buffered())
	if off < start {
		off = start
	}
	skip := off - start
	if skip > int64(len(rest)) {
		skip = int64(len(rest))
	}
	return s.lc.lines - bytes.Count(rest[skip:], []byte{'\n'}) + 1
}

// errAt builds a *ParseError at byte offset off.
func (s *tokStream) errAt(off int64, err error) *ParseError {
	pe := &ParseError{Format: s.format, File: s.file, Offset: off, Err: err}
	if off >= 0 {
		pe.Line = s.lineAt(off)
	}
	return pe
}

// fail converts a decoding error into a *ParseError. start is the offset at
// which the failing value began (type errors are relative to it).
func (s *tokStream) fail(start int64, err error) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		return err
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		if s.lc.n == 0 || len(bytes.TrimSpace(s.bufferedAll())) == 0 && s.dec.InputOffset() == 0 {
			return &ParseError{Format: s.format, File: s.file, Line: 1, Offset: 0, Err: ErrEmptyInput}
		}
		return s.errAt(s.lc.n, fmt.Errorf("truncated JSON: %w", io.ErrUnexpectedEOF))
	case errors.As(err, &se):
		return s.errAt(se.Offset, err)
	case errors.As(err, &te):
		off := start
		if te.Offset > 0 && start >= 0 {
			off = start + te.Offset
		}
		return s.errAt(off, err)
	}
	return &ParseError{Format: s.format, File: s.file, Offset: s.dec.InputOffset(), Err: err}
}

func (s *tokStream) bufferedAll() []byte {
	b, _ := io.ReadAll(s.dec.Buffered())
	return b
}

// token reads the next token.
func (s *tokStream) token() (json.Token, error) {
	start := s.dec.InputOffset()
	t, err := s.dec.Token()
	if err != nil {
		return nil, s.fail(start, err)
	}
	return t, nil
}

// key reads an object key.
func (s *tokStream) key() (string, error) {
	t, err := s.token()
	if err != nil {
		return "", err
	}
	k, ok := t.(string)
	if !ok {
		return "", s.errAt(s.dec.InputOffset(), fmt.Errorf("want an object key, got %v", t))
	}
	return k, nil
}

// decode decodes the next value into v.
func (s *tokStream) decode(v any) error {
	start := s.dec.InputOffset()
	if err := s.dec.Decode(v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// Decode counts only the bytes it scanned itself, not those
			// read by Token, so its offset is not a position in the input.
			// The failed value is still buffered from InputOffset on:
			// scanning it afresh gives the offset within it.
			at := s.dec.InputOffset()
			var raw json.RawMessage
			if err2 := json.NewDecoder(bytes.NewReader(s.bufferedAll())).Decode(&raw); errors.As(err2, &se) {
				return s.errAt(at+se.Offset, err)
			}
			return s.errAt(at, err)
		}
		return s.fail(start, err)
	}
	return nil
}

// expectDelim reads the next token and checks that it is the delimiter d.
func (s *tokStream) expectDelim(d json.Delim, what string) error {
	t, err := s.token()
	if err != nil {
		return err
	}
	if got, ok := t.(json.Delim); !ok || got != d {
		return s.errAt(s.dec.InputOffset(), fmt.Errorf("want %s, got %s", what, describeToken(t)))
	}
	return nil
}

// skip consumes the next value, whatever it is, token by token, so that large
// sections the parser does not use (trivy Packages, checkov passed checks)
// are never held in memory.
func (s *tokStream) skip() error {
	depth := 0
	for {
		t, err := s.token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			default:
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// end checks that nothing but whitespace follows the document.
func (s *tokStream) end() error {
	if _, err := s.dec.Token(); err == io.EOF {
		return nil
	} else if err != nil {
		return s.fail(s.dec.InputOffset(), err)
	}
	return s.errAt(s.dec.InputOffset(), errors.New("unexpected data after the end of the report"))
}

// shapeErr reports JSON that is valid but is clearly not this format, so it
// is never read as "no findings".
func (s *tokStream) shapeErr(want string) error {
	return s.errAt(s.dec.InputOffset(), fmt.Errorf("not %s output: %s", s.format, want))
}

func describeToken(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		switch v {
		case '[':
			return "an array"
		case '{':
			return "an object"
		}
		return fmt.Sprintf("%q", string(v))
	case string:
		return "a string"
	case nil:
		return "null"
	case bool:
		return "a boolean"
	}
	return "a number"
}

// peekByte returns the first non-space byte of r and a reader that still
// yields all of r; 0 for input that is empty or only whitespace.
func peekByte(r io.Reader) (byte, io.Reader, error) {
	br := bufio.NewReader(r)
	for {
		b, err := br.ReadByte()
		if err == io.EOF {
			return 0, br, nil
		}
		if err != nil {
			return 0, br, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		}
		if err := br.UnreadByte(); err != nil {
			return 0, br, err
		}
		return b, br, nil
	}
}

// headTrim drops leading whitespace and a UTF-8 byte order mark.
func headTrim(head []byte) []byte {
	return bytes.TrimLeft(head, " \t\r\n\ufeff")
}

// firstKeyIs reports whether head is an object whose first key is key.
func firstKeyIs(head []byte, key string) bool {
	h := headTrim(head)
	if len(h) == 0 || h[0] != '{' {
		return false
	}
	h = bytes.TrimLeft(h[1:], " \t\r\n")
	return bytes.HasPrefix(h, []byte(`"`+key+`"`))
}

// mapToolSeverity maps the CRITICAL/HIGH/MEDIUM/LOW scale shared by trivy,
// tfsec and checkov: CRITICAL is critical, HIGH an error, MEDIUM a warning, LOW and
// anything else (UNKNOWN, INFO) info.
func mapToolSeverity(s string) translator.Severity {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "CRITICAL":
		return translator.SeverityCritical
	case "HIGH", "ERROR":
		return translator.SeverityError
	case "MEDIUM", "WARNING":
		return translator.SeverityWarning
	}
	return translator.SeverityInfo
}

// hasJSONKey reports whether head contains "key" used as an object key
// (followed by optional whitespace and a colon).
func hasJSONKey(head []byte, key string) bool {
	q := []byte(`"` + key + `"`)
	for h := head; ; {
		i := bytes.Index(h, q)
		if i < 0 {
			return false
		}
		h = h[i+len(q):]
		t := bytes.TrimLeft(h, " \t\r\n")
		if len(t) > 0 && t[0] == ':' {
			return true
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
