package parsers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// sarifStream walks a SARIF log with the jsontext tokenizer of
// github.com/go-json-experiment/json (the encoding/json/v2 prototype, by
// the Go team's JSON maintainers). Issue 10: encoding/json's token API and
// Decoder.Decode were 55% of the CPU of a 103 MB trivy log; jsontext
// reads a result's bytes in a third of the time and json v2 decodes them
// about 2.5 times as fast. Values are decoded with encoding/json's own
// semantics (sarifJSONOptions), so a log reads as it did with encoding/json;
// sarif_stream_test.go checks that over every SARIF file in testdata.
type sarifStream struct {
	format, file string
	win          *windowReader
	dec          *jsontext.Decoder
	fast         fastJSON // decodeResult's (sarif_fast.go)
}

// sarifJSONOptions are encoding/json's semantics (jsonv1.DefaultOptionsV1:
// names matched case-insensitively, invalid UTF-8 replaced, null leaves a
// value alone) with v2's errors, which give the byte offset of a type error.
// Values are decoded with them from bytes the tokenizer has read.
var sarifJSONOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsonv1.ReportErrorsWithLegacySemantics(false))

// sarifTokenOptions are the tokenizer's: sarifJSONOptions, and a name that
// appears twice in one object is an error (jsontext.ErrDuplicateName). This
// is the input guard's duplicate-key check (inputguard.go) done in the
// tokenizer's own pass, which already reads every name; the guard's second
// scan of the bytes was 13% of the CPU of a -r local run on a 103 MB trivy
// log. Names are compared after unescaping, exactly, as the guard compares
// them; values are decoded from the bytes the tokenizer read
// (sarifStream.decode), never by UnmarshalDecode, whose struct decoding
// would also refuse two spellings of one field ("ruleId", "RuleId") that
// encoding/json accepts.
var sarifTokenOptions = jsonv2.JoinOptions(sarifJSONOptions, jsontext.AllowDuplicateNames(false))

func newSARIFStream(format, file string, r io.Reader) *sarifStream {
	w := &windowReader{r: r}
	return &sarifStream{format: format, file: file, win: w, dec: jsontext.NewDecoder(w, sarifTokenOptions)}
}

// windowReader counts the bytes and newlines read and keeps the last
// stretch of input, so that an error's byte offset can be given a line
// without holding the whole input. An offset before the window (an error
// deep inside a value larger than it) gets the offset only.
type windowReader struct {
	r     io.Reader
	n     int64  // bytes read
	buf   []byte // the last bytes read, input[start:n]
	start int64
	lines int // newlines in input[:start]
}

// maxLineWindow bounds the input kept for line numbers.
const maxLineWindow = 1 << 20

func (w *windowReader) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if n > 0 {
		if len(w.buf)+n > maxLineWindow && len(w.buf) > 0 {
			// Keep the newest half of the window: bytes are moved once
			// per half window read, not on every read.
			drop := len(w.buf) - maxLineWindow/2
			if drop < 0 || len(w.buf)-drop+n > maxLineWindow {
				drop = len(w.buf)
			}
			w.lines += bytes.Count(w.buf[:drop], []byte{'\n'})
			w.start += int64(drop)
			w.buf = append(w.buf[:0], w.buf[drop:]...)
		}
		if n > maxLineWindow {
			// A single read larger than the window: keep its tail.
			skip := n - maxLineWindow
			w.lines += bytes.Count(p[:skip], []byte{'\n'})
			w.start += int64(skip)
			w.buf = append(w.buf, p[skip:n]...)
		} else {
			w.buf = append(w.buf, p[:n]...)
		}
		w.n += int64(n)
	}
	return n, err
}

// lineAt returns the 1-based line of byte offset off, 0 when off is no
// longer in the window.
func (w *windowReader) lineAt(off int64) int {
	if off < w.start {
		return 0
	}
	if off > w.n {
		off = w.n
	}
	return w.lines + bytes.Count(w.buf[:off-w.start], []byte{'\n'}) + 1
}

// errAt builds a *ParseError at byte offset off.
func (s *sarifStream) errAt(off int64, err error) *ParseError {
	pe := &ParseError{Format: s.format, File: s.file, Offset: off, Err: err}
	if off >= 0 {
		pe.Line = s.win.lineAt(off)
	}
	return pe
}

// fail converts an error of the tokenizer or of decoding a value into a
// *ParseError. base is the offset in the input of the bytes a semantic
// error's offset counts from (0 for values decoded from the stream).
func (s *sarifStream) fail(base int64, err error) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		return err
	}
	var se *jsontext.SyntacticError
	var me *jsonv2.SemanticError
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		if s.win.n == 0 || s.dec.InputOffset() == 0 && len(bytes.TrimSpace(s.dec.UnreadBuffer())) == 0 {
			return &ParseError{Format: s.format, File: s.file, Line: 1, Offset: 0, Err: ErrEmptyInput}
		}
		return s.errAt(s.win.n, fmt.Errorf("truncated JSON: %w", io.ErrUnexpectedEOF))
	case errors.As(err, &se) && errors.Is(se.Err, jsontext.ErrDuplicateName):
		return s.errAt(base+se.ByteOffset, duplicateKey(se))
	case errors.As(err, &se):
		return s.errAt(base+se.ByteOffset, syntaxWords(se))
	case errors.As(err, &me):
		return s.errAt(base+me.ByteOffset, typeError(me))
	}
	return &ParseError{Format: s.format, File: s.file, Offset: s.dec.InputOffset(), Err: err}
}

// syntaxWords gives a syntax error without the package's "jsontext:"
// prefix and JSON pointer: the ParseError names the byte and line.
func syntaxWords(se *jsontext.SyntacticError) error {
	if se.Err != nil {
		return fmt.Errorf("invalid JSON: %w", se.Err)
	}
	return errors.New("invalid JSON")
}

// duplicateKey words a duplicate name as the input guard does (the name is
// the last token of the error's JSON pointer).
func duplicateKey(se *jsontext.SyntacticError) error {
	name := se.JSONPointer.LastToken()
	return fmt.Errorf("duplicate JSON key %q: a JSON reader keeps only one of the values, so findings would be lost", bounded(name, 200))
}

// typeError turns a v2 semantic error into the encoding/json type error
// that jsonWords (parser.go) puts in the input's terms.
func typeError(me *jsonv2.SemanticError) error {
	if me.GoType == nil {
		return me
	}
	value := map[jsontext.Kind]string{'"': "string", '0': "number", 't': "bool", 'f': "bool",
		'[': "array", '{': "object", 'n': "null"}[me.JSONKind]
	if value == "" {
		return me
	}
	var fields []string
	for tok := range me.JSONPointer.Tokens() {
		if tok != "" && strings.Trim(tok, "0123456789") != "" {
			fields = append(fields, tok)
		}
	}
	return &json.UnmarshalTypeError{Value: value, Type: me.GoType, Offset: me.ByteOffset, Field: strings.Join(fields, ".")}
}

// token reads the next token.
func (s *sarifStream) token() (jsontext.Token, error) {
	t, err := s.dec.ReadToken()
	if err != nil {
		return jsontext.Token{}, s.fail(0, err)
	}
	return t, nil
}

// more reports whether the open object or array has another member; an
// error is left for the next token call to return.
func (s *sarifStream) more() bool {
	k := s.dec.PeekKind()
	return k != '}' && k != ']' && k != 0
}

// key reads an object key.
func (s *sarifStream) key() (string, error) {
	t, err := s.token()
	if err != nil {
		return "", err
	}
	if t.Kind() != '"' {
		return "", s.errAt(s.dec.InputOffset(), fmt.Errorf("want an object key, got %s", describeKind(t.Kind())))
	}
	return t.String(), nil
}

// decode decodes the next value into v, from its bytes (see
// sarifTokenOptions).
func (s *sarifStream) decode(v any) error {
	b, off, err := s.value()
	if err != nil {
		return err
	}
	return s.unmarshal(b, off, v)
}

// value reads the next value's bytes and the offset they start at. The
// bytes are valid JSON; they are the decoder's until its next call.
func (s *sarifStream) value() (jsontext.Value, int64, error) {
	v, err := s.dec.ReadValue()
	if err != nil {
		return nil, 0, s.fail(0, err)
	}
	return v, s.dec.InputOffset() - int64(len(v)), nil
}

// unmarshal decodes the bytes of a value read at offset off. The
// tokenizer has checked them for duplicate names.
func (s *sarifStream) unmarshal(b []byte, off int64, v any) error {
	if err := jsonv2.Unmarshal(b, v, sarifJSONOptions); err != nil {
		return s.fail(off, err)
	}
	return nil
}

// expectDelim reads the next token and checks that it is the delimiter d.
func (s *sarifStream) expectDelim(d jsontext.Kind, what string) error {
	t, err := s.token()
	if err != nil {
		return err
	}
	if t.Kind() != d {
		return s.errAt(s.dec.InputOffset(), fmt.Errorf("want %s, got %s", what, describeKind(t.Kind())))
	}
	return nil
}

// skip consumes the next value, whatever it is, without decoding it.
func (s *sarifStream) skip() error {
	if err := s.dec.SkipValue(); err != nil {
		return s.fail(0, err)
	}
	return nil
}

// end checks that nothing but whitespace follows the document.
func (s *sarifStream) end() error {
	if _, err := s.dec.ReadToken(); err == io.EOF {
		return nil
	} else if err != nil {
		return s.fail(0, err)
	}
	return s.errAt(s.dec.InputOffset(), errors.New("unexpected data after the end of the report"))
}

// shapeErr reports JSON that is valid but is clearly not SARIF.
func (s *sarifStream) shapeErr(want string) error {
	return s.errAt(s.dec.InputOffset(), fmt.Errorf("not %s output: %s", s.format, want))
}

// describeKind says what kind of value a token starts, as describeToken.
func describeKind(k jsontext.Kind) string {
	switch k {
	case '[':
		return "an array"
	case '{':
		return "an object"
	case ']', '}':
		return fmt.Sprintf("%q", string(rune(k)))
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}
