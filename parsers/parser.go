// Package parsers reads the output of scanners and policy checks and turns
// each reported problem into a translator.Finding.
//
// Every input format registers itself (one file per format) with a name, the
// tool it belongs to, an example command that produces it, a content sniffer
// for auto-detection and a constructor. Parsers stream: they call emit once
// per finding as they go, so that line formats never hold the whole input.
package parsers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"reflect"
	"regexp"
	"sort"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
	"github.com/runbook-translator/runbook-translator/internal/suggest"
)

// Parser reads one input and emits its findings in input order.
// Parse returns a *ParseError for malformed input; findings emitted before
// the error are kept by the caller, so nothing read is lost.
type Parser interface {
	Parse(r io.Reader, emit func(*translator.Finding) error) error
}

// ParserFunc adapts a function to Parser.
type ParserFunc func(r io.Reader, emit func(*translator.Finding) error) error

// Parse implements Parser.
func (f ParserFunc) Parse(r io.Reader, emit func(*translator.Finding) error) error { return f(r, emit) }

// Options configure a parser.
type Options struct {
	// Tool labels findings of generic formats (errorformat, rdjson, SARIF
	// without a driver name); tool-specific formats ignore it.
	Tool string
	// EFM are errorformat patterns for the "efm" format.
	EFM []string
	// CodePattern extracts a rule code from a message when the format has no
	// code field (conftest, gator, errorformat). It must have a group named
	// "code". Nil means DefaultCodePattern.
	CodePattern *regexp.Regexp
	// BaseDir is the absolute path of the repository root: absolute paths
	// under it are made relative. Empty leaves absolute paths as they are.
	BaseDir string
	// File is the input's name, for error messages.
	File string
	// ReadFile reads a file of the scanned tree by its repository-relative
	// path (a finding's Path): tool-provided fixes whose columns are not
	// bytes (SARIF's UTF-16 code units, ShellCheck's characters) are
	// converted with the file's text. cmd passes its bounded reader of the
	// checkout; nil keeps only the fixes that need no conversion, and
	// FixNote says why the others were left out.
	ReadFile func(path string) ([]byte, error)
}

// DefaultCodePattern returns the pattern that finds konstraint-style policy
// IDs at the start of a message: "P1000: Deployment/web: ...", "K8S-012:
// ...", "GK-101: ..." (compiled on first use).
var DefaultCodePattern = lazyre.New(`^\s*(?:\[)?(?P<code>[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)*)(?:\])?:\s+`)

// Format describes one input format.
type Format struct {
	// Name is what --format takes, e.g. "trivy", "sarif", "tflint-compact".
	Name string
	// Aliases are other accepted names ("trivy-sarif" for "sarif").
	Aliases []string
	// Tool is the tool that produces it ("" for generic formats).
	Tool string
	// Description is one line for `runbook-translator formats`.
	Description string
	// Example is a command that produces this format.
	Example string
	// Detect scores how well the first bytes of an input fit this format:
	// 0 no, 1 plausible (generic shape), 2 certain (tool-specific marker).
	// Nil means the format is never auto-detected (e.g. "efm").
	Detect func(head []byte) int
	// New builds a parser.
	New func(opts Options) (Parser, error)
	// ChecksDuplicateKeys says that the parser refuses a JSON object with
	// a key written twice itself, as the input guard would (inputguard.go),
	// with the same words, byte and line: the guard then only drops a BOM.
	ChecksDuplicateKeys bool
}

var registry = map[string]*Format{}
var aliases = map[string]string{}

// Register adds a format; it panics on a duplicate name, which is a
// programming error caught by any test.
func Register(f Format) {
	if _, dup := registry[f.Name]; dup {
		panic("parsers: duplicate format " + f.Name)
	}
	if _, dup := aliases[f.Name]; dup {
		panic("parsers: format name already an alias " + f.Name)
	}
	ff := f
	// Every parser's findings pass through clampPositions, so no format can
	// hand a negative line to a forge API, whatever its input says.
	inner := f.New
	ff.New = func(opts Options) (Parser, error) {
		p, err := inner(opts)
		if err != nil {
			return nil, err
		}
		return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
			// Every input passes the guard: no BOM, no duplicate JSON key.
			g := newInputGuard(r, ff.Name, opts.File)
			g.inactive = ff.ChecksDuplicateKeys
			err := p.Parse(g, func(x *translator.Finding) error {
				clampPositions(&x.Location)
				return emit(x)
			})
			if g.err != nil {
				return g.err
			}
			return err
		}), nil
	}
	registry[f.Name] = &ff
	for _, a := range f.Aliases {
		if _, dup := aliases[a]; dup {
			panic("parsers: duplicate alias " + a)
		}
		aliases[a] = f.Name
	}
}

// Names returns every format name, sorted.
func Names() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Formats returns every format, sorted by name.
func Formats() []Format {
	out := make([]Format, 0, len(registry))
	for _, n := range Names() {
		out = append(out, *registry[n])
	}
	return out
}

// Lookup finds a format by name or alias; an unknown name is an error that
// lists the valid ones.
func Lookup(name string) (Format, error) {
	if f, ok := registry[name]; ok {
		return *f, nil
	}
	if n, ok := aliases[name]; ok {
		return *registry[n], nil
	}
	return Format{}, fmt.Errorf("unknown input format %q%s; valid formats: %s", name, suggest.DidYouMean(name, Names()), strings.Join(Names(), ", "))
}

// New builds the parser of a named format.
func New(name string, opts Options) (Parser, error) {
	f, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	return f.New(opts)
}

// DetectSize is how many leading bytes Detect looks at.
const DetectSize = 64 << 10

// ErrEmptyInput is returned by Detect for input with nothing but whitespace.
var ErrEmptyInput = errors.New("empty input")

// Detect picks the format of an input from its first bytes. It returns an
// error when nothing fits, or when several formats fit equally well (the
// error lists them, so the user can pass --format).
func Detect(head []byte) (Format, error) {
	if len(bytes.TrimSpace(head)) == 0 {
		return Format{}, ErrEmptyInput
	}
	best, cands := 0, []string(nil)
	for _, n := range Names() {
		f := registry[n]
		if f.Detect == nil {
			continue
		}
		s := f.Detect(head)
		switch {
		case s > best:
			best, cands = s, []string{n}
		case s == best && s > 0:
			cands = append(cands, n)
		}
	}
	switch len(cands) {
	case 0:
		return Format{}, fmt.Errorf("cannot detect the input format; pass --format (see `runbook-translator formats`)")
	case 1:
		return *registry[cands[0]], nil
	}
	return Format{}, fmt.Errorf("ambiguous input format: could be %s; pass --format", strings.Join(cands, ", "))
}

// ParseError says where an input could not be read.
type ParseError struct {
	Format string
	File   string // "" or "-" for stdin
	Line   int    // 1-based; 0 unknown
	Offset int64  // byte offset; -1 unknown
	Err    error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "parse %s input", e.Format)
	if e.File != "" {
		fmt.Fprintf(&b, " %s", e.File)
	}
	switch {
	case e.Line > 0 && e.Offset >= 0:
		fmt.Fprintf(&b, " at line %d (byte %d)", e.Line, e.Offset)
	case e.Line > 0:
		fmt.Fprintf(&b, " at line %d", e.Line)
	case e.Offset >= 0:
		fmt.Fprintf(&b, " at byte %d", e.Offset)
	}
	fmt.Fprintf(&b, ": %s", jsonWords(e.Err))
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// jsonWords says a JSON type error in the input's terms, never Go's:
// `"failures" must be a list, not a string` instead of "cannot unmarshal
// string into Go struct field conftestCheck.failures of type
// []parsers.conftestResult" (issue 15).
func jsonWords(err error) string {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Type == nil {
		return err.Error()
	}
	want := "a different kind of value"
	t := te.Type
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		want = "a list"
	case reflect.Struct, reflect.Map:
		want = "an object"
	case reflect.String:
		want = "a string"
	case reflect.Bool:
		want = "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		want = "a whole number"
	case reflect.Float32, reflect.Float64:
		want = "a number"
	}
	got := map[string]string{"string": "a string", "number": "a number", "bool": "true or false",
		"array": "a list", "object": "an object"}[strings.Fields(te.Value + " ")[0]]
	if got == "" {
		got = te.Value
	}
	if te.Field == "" {
		return fmt.Sprintf("the document must be %s, not %s", want, got)
	}
	return fmt.Sprintf("%q must be %s, not %s", te.Field, want, got)
}

// DecodeJSON reads all of r and unmarshals it into v. A syntax or type error
// becomes a *ParseError with the line and byte offset; empty input is an
// error too, so a truncated pipe is never read as "no findings".
func DecodeJSON(format, file string, r io.Reader, v any) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return &ParseError{Format: format, File: file, Offset: -1, Err: err}
	}
	return UnmarshalJSON(format, file, data, v)
}

// UnmarshalJSON is DecodeJSON over bytes already read.
func UnmarshalJSON(format, file string, data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return &ParseError{Format: format, File: file, Offset: 0, Line: 1, Err: ErrEmptyInput}
	}
	if err := json.Unmarshal(data, v); err != nil {
		off := int64(-1)
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			off = se.Offset
		case errors.As(err, &te):
			off = te.Offset
		case errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "unexpected end of JSON input"):
			off = int64(len(data))
			err = fmt.Errorf("truncated JSON: %w", err)
		}
		pe := &ParseError{Format: format, File: file, Offset: off, Err: err}
		if off >= 0 {
			pe.Line = LineAt(data, off)
		}
		return pe
	}
	return nil
}

// LineAt returns the 1-based line of byte offset off in data.
func LineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// CleanPath normalises a tool's file path to a repository-relative slash
// path: it drops a file:// scheme, turns backslashes into slashes, makes
// absolute paths under baseDir relative and removes "./".
func CleanPath(p, baseDir string) string {
	p = strings.TrimPrefix(p, "file://")
	p = strings.ReplaceAll(p, `\`, "/")
	if p == "" {
		return ""
	}
	if baseDir != "" {
		// p starts with baseDir + "/", without building that string: this
		// runs once per finding.
		b := strings.TrimSuffix(strings.ReplaceAll(baseDir, `\`, "/"), "/")
		if len(p) > len(b) && p[len(b)] == '/' && strings.HasPrefix(p, b) {
			p = p[len(b)+1:]
		}
	}
	p = path.Clean(p)
	if p == "." {
		return ""
	}
	return p
}

// CodeFromMessage applies re (DefaultCodePattern when nil) to msg and
// returns the "code" group and the message with the matched prefix removed.
// It returns "" and msg unchanged when there is no match.
func CodeFromMessage(re *regexp.Regexp, msg string) (code, rest string) {
	if re == nil {
		re = DefaultCodePattern()
	}
	m := re.FindStringSubmatchIndex(msg)
	if m == nil {
		return "", msg
	}
	i := re.SubexpIndex("code")
	if i < 0 || m[2*i] < 0 {
		return "", msg
	}
	code = msg[m[2*i]:m[2*i+1]]
	if m[0] == 0 {
		rest = strings.TrimSpace(msg[m[1]:])
	} else {
		rest = msg
	}
	return code, rest
}

var resourcePrefix = lazyre.New(`^([A-Z][A-Za-z0-9]*/[A-Za-z0-9][-A-Za-z0-9_.:]*(?:/[A-Za-z0-9][-A-Za-z0-9_.:]*)?):\s+`)

// ResourceFromMessage finds a konstraint-style "Kind/name: " prefix (as in
// "Deployment/web: Sharing the host pid is not allowed") and returns the
// resource and the remaining text; "" and msg when there is none.
func ResourceFromMessage(msg string) (resource, rest string) {
	m := resourcePrefix().FindStringSubmatch(msg)
	if m == nil {
		return "", msg
	}
	return m[1], strings.TrimSpace(msg[len(m[0]):])
}
