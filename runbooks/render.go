package runbooks

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"unicode/utf8"
	"unsafe"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/jsonstr"
	"github.com/runbook-translator/runbook-translator/markdown"
)

// MaxBodyBytes bounds a rendered runbook body. A PR comment holds at most
// 65536 characters (GitHub: "Body is too long (maximum is 65536
// characters)"), and one comment often carries several bodies.
const MaxBodyBytes = 32 << 10

// truncNotice ends a body cut at MaxBodyBytes.
const truncNotice = "\n\n*(runbook truncated: it exceeded 32 KiB)*\n"

// Text is Markdown-escaped text derived from a finding (markdown.Escape):
// it prints as is, safe in Markdown prose, and compares with eq like a
// string. The template funcs (code, codeblock, lower, ...) work on the
// text it was escaped from, so {{code .Resource}} shows the resource
// exactly. Compare codes with .Raw (eq .Raw.Code "CKV_K8S_16"): the escaped
// form of CKV_K8S_16 is CKV\_K8S\_16.
type Text string

// Data is what a runbook body template sees. Every string derived from the
// finding is untrusted and arrives Markdown-escaped as Text; Raw holds the
// same values unescaped, for authors who escape them themselves.
type Data struct {
	Tool, Code, Message, Path Text
	Line, Column              int
	Resource                  Text
	// Severity is the effective severity (after the entry's override);
	// ToolSeverity is the tool's own word for it.
	Severity, ToolSeverity Text
	// URL is the tool's documentation link when it is an http(s) URL, with
	// characters that could break a Markdown link percent-encoded; empty
	// otherwise. Use it as [text]({{.URL}}) or <{{.URL}}>.
	URL Text
	// Title and Remediation are the tool's own rule title and fix text.
	Title, Remediation Text
	// Aliases are the other spellings of Code.
	Aliases []Text
	// Extra holds tool-specific facts (.Extra.fixed_version); a missing
	// key is empty.
	Extra map[string]Text
	// Captures are the named groups of the entry's message pattern.
	Captures map[string]Text
	// Raw holds the unescaped values.
	Raw RawData
}

// RawData holds a finding's values unescaped: untrusted text that the
// template author must escape (code, codeblock) before it reaches Markdown.
type RawData struct {
	Tool, Code, Message, Path string
	Line, Column              int
	Resource                  string
	Severity, ToolSeverity    string
	URL                       string
	Title, Remediation        string
	Aliases                   []string
	Extra                     map[string]string
	Captures                  map[string]string
}

// NewData builds the template data of a finding and the captures of its
// message pattern.
func NewData(f *translator.Finding, captures map[string]string) *Data {
	raw := RawData{
		Tool: f.Tool, Code: f.Code, Message: f.Message, Path: f.Path,
		Line: f.Line, Column: f.Column, Resource: f.Resource,
		Severity: f.Severity.String(), ToolSeverity: f.ToolSeverity,
		URL: f.URL, Title: f.Title, Remediation: f.Remediation,
		Aliases: f.Aliases, Extra: f.Extra, Captures: captures,
	}
	d := &Data{
		Tool: esc(f.Tool), Code: esc(f.Code), Message: esc(f.Message), Path: esc(f.Path),
		Line: f.Line, Column: f.Column, Resource: esc(f.Resource),
		Severity: esc(raw.Severity), ToolSeverity: esc(f.ToolSeverity),
		URL: Text(safeURL(f.URL)), Title: esc(f.Title), Remediation: esc(f.Remediation),
		Extra: escMap(f.Extra), Captures: escMap(captures), Raw: raw,
	}
	for _, a := range f.Aliases {
		d.Aliases = append(d.Aliases, esc(a))
	}
	return d
}

func esc(s string) Text { return Text(escape(s)) }

// plainText marks the bytes markdown.Escape leaves alone and that leave
// markdown.Sanitize nothing to do: printable ASCII other than the Markdown
// and HTML specials and '@'.
var plainText = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = !strings.ContainsRune("<>&\\`*_[]|~#!{}@", rune(c))
	}
	return t
}()

// escape is markdown.Escape without the copy for text it leaves as is
// (most paths, codes and messages): the render of every finding escapes
// several fields.
func escape(s string) string {
	for i := 0; i < len(s); i++ {
		if !plainText[s[i]] {
			return escapeFrom(s, i)
		}
	}
	return s
}

// escapePlain is escape(s) and whether s is plain text (every byte
// plainText): then escape(s) is s and unescape(s) is s.
func escapePlain(s string) (string, bool) {
	for i := 0; i < len(s); i++ {
		if !plainText[s[i]] {
			return escapeFrom(s, i), false
		}
	}
	return s, true
}

// escapeFrom is markdown.Escape(s) for s whose bytes before i are plain
// text: it copies runs of plain text (and of valid UTF-8, once sanitized)
// whole instead of rune by rune. TestEscapeMatchesMarkdown and FuzzEscape
// hold it equal to markdown.Escape.
func escapeFrom(s string, i int) string {
	b := appendEscapeFrom(nil, s, i)
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b)) // b is not used again
}

// appendEscapeFrom appends escapeFrom(s, i) to dst: the fast path writes a
// field's escaped text through a reused buffer (limitWriter.writeEscaped)
// instead of a string per field and finding.
func appendEscapeFrom(dst []byte, s string, i int) []byte {
	if t := markdown.Sanitize(s); len(t) != len(s) || t != s {
		s, i = t, 0
	}
	if dst == nil {
		dst = make([]byte, 0, len(s)+8)
	}
	start := 0
	for ; i < len(s); i++ {
		c := s[i]
		if plainText[c] || c >= utf8.RuneSelf {
			continue
		}
		dst = append(dst, s[start:i]...)
		start = i + 1
		switch c {
		case '\r':
		case '\n', '\t':
			dst = append(dst, ' ')
		case '<':
			dst = append(dst, "&lt;"...)
		case '>':
			dst = append(dst, "&gt;"...)
		case '&':
			dst = append(dst, "&amp;"...)
		case '\\', '`', '*', '_', '[', ']', '|', '~', '#', '!', '{', '}':
			dst = append(dst, '\\', c)
		case '@':
			dst = append(dst, '@')
			if i+1 < len(s) && mentionChar(s[i+1]) {
				dst = append(dst, "\u200b"...)
			}
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, s[start:]...)
}

// mentionChar is markdown's isMentionChar: a byte of a GitHub user or
// team name.
func mentionChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func escMap(m map[string]string) map[string]Text {
	out := make(map[string]Text, len(m))
	for k, v := range m {
		out[k] = esc(v)
	}
	return out
}

// safeURL returns u when it is an absolute http(s) URL without user info,
// with the characters that could end a Markdown link, start HTML or ping
// someone percent-encoded; otherwise "".
func safeURL(u string) string {
	if u == "" {
		return "" // most findings: no url.Parse per render
	}
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.User != nil {
		return ""
	}
	s := p.String()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()[]<>"'`+"`"+`\{}|*@!^`, c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// unescape inverts markdown.Escape: backslash escapes, the three entities
// and the zero-width space that breaks @mentions. Newlines that Escape
// turned into spaces stay spaces.
func unescape(s Text) string {
	if !mayUnescape(string(s)) {
		return string(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		rest := string(s[i:])
		switch {
		case rest[0] == '\\' && len(rest) > 1:
			b.WriteByte(rest[1])
			i += 2
		case strings.HasPrefix(rest, "&lt;"):
			b.WriteByte('<')
			i += 4
		case strings.HasPrefix(rest, "&gt;"):
			b.WriteByte('>')
			i += 4
		case strings.HasPrefix(rest, "&amp;"):
			b.WriteByte('&')
			i += 5
		case strings.HasPrefix(rest, "@\u200b"):
			b.WriteByte('@')
			i += 1 + len("\u200b")
		default:
			b.WriteByte(rest[0])
			i++
		}
	}
	return b.String()
}

// mayUnescape reports whether s holds a byte unescape may change: '\\',
// '&' or 0xe2, the first byte of U+200B. A byte loop: strings.ContainsAny
// with a non-ASCII set decodes every rune, and this runs for every {{code}}
// of an escaped field.
func mayUnescape(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\', '&', 0xe2:
			return true
		}
	}
	return false
}

// rawOf returns the unescaped text of a template value: Text is
// unescaped, strings (author literals, .Raw values) are taken as they are.
func rawOf(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case Text:
		return unescape(x)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// mapText applies fn to the raw text of v; Text stays escaped Text, a
// plain string stays a plain string.
func mapText(v any, fn func(string) string) any {
	if t, ok := v.(Text); ok {
		return esc(fn(unescape(t)))
	}
	return fn(rawOf(v))
}

// funcs are the template functions of runbook bodies. Functions that take
// text accept Text and plain strings; they work on the raw text and return
// escaped Text for Text input.
var funcs = template.FuncMap{
	// code renders an inline code span that the value cannot break out of.
	"code": func(v any) string { return markdown.Code(rawOf(v)) },
	// codeblock renders a fenced block: {{codeblock .Raw.Message "text"}}.
	// Pass .Raw values to keep newlines (escaped Text has none).
	"codeblock": func(v any, lang ...string) string {
		l := ""
		if len(lang) > 0 {
			l = strings.Map(func(r rune) rune {
				if r == '`' || r == '~' || r == '\n' || r == ' ' {
					return -1
				}
				return r
			}, lang[0])
		}
		return markdown.CodeBlock(rawOf(v), l)
	},
	"lower": func(v any) any { return mapText(v, strings.ToLower) },
	"upper": func(v any) any { return mapText(v, strings.ToUpper) },
	"trim":  func(v any) any { return mapText(v, strings.TrimSpace) },
	// default returns given unless it is empty: {{.Extra.x | default "n/a"}}.
	"default": func(def any, given ...any) any {
		if len(given) == 0 || isEmpty(given[0]) {
			return def
		}
		return given[0]
	},
	// join joins a list with sep: {{join ", " .Aliases}}.
	"join": func(sep string, list any) (string, error) {
		var parts []string
		switch l := list.(type) {
		case []Text:
			for _, t := range l {
				parts = append(parts, string(t))
			}
		case []string:
			parts = l
		case []any:
			for _, x := range l {
				parts = append(parts, fmt.Sprint(x))
			}
		case nil:
		default:
			return "", fmt.Errorf("join: cannot join %T", list)
		}
		return strings.Join(parts, sep), nil
	},
	// contains reports whether s contains sub: {{if contains "root" .Message}}.
	"contains": func(sub, s any) bool { return strings.Contains(rawOf(s), rawOf(sub)) },
	// replace replaces every old by new: {{replace "_" "-" .Code}}.
	// The result is bounded (maxFuncResult): chained replaces could
	// otherwise grow a body exponentially (issue 8 item 8).
	"replace": func(old, new string, s any) (any, error) {
		var err error
		out := mapText(s, func(x string) string {
			if old != "" && len(new) > len(old) && len(x)+strings.Count(x, old)*(len(new)-len(old)) > maxFuncResult {
				err = errFuncResult
				return x
			}
			return strings.ReplaceAll(x, old, new)
		})
		return out, err
	},
	// printf replaces the builtin: widths and precisions are bounded
	// ({{printf "%999999999d" 1}} allocated a gigabyte).
	"printf": boundedSprintf,
	// pathescape escapes a value for a URL path segment:
	// https://github.com/hadolint/hadolint/wiki/{{pathescape .Raw.Code}}.
	"pathescape": func(v any) string { return url.PathEscape(rawOf(v)) },
	// ignoreexample renders a fenced .runbook-translator.yaml snippet that
	// would ignore this finding: {{ignoreexample .}}.
	"ignoreexample": ignoreExample,
	// tickFunc counts range iterations; budgetFuncs binds it per execution.
	tickFunc: func() string { return "" },
}

// ignoreExample returns a YAML code block with an ignore rule (package
// ignore) for the finding behind d. It writes the YAML by hand: it runs for
// every rendered finding, and the YAML encoder cost more than the rest of
// the render.
func ignoreExample(d *Data) (string, error) {
	if d == nil {
		return "", errors.New("ignoreexample: no data")
	}
	return ignoreExampleOf(d.Raw.Tool, d.Raw.Code, d.Raw.Path, d.Raw.Resource), nil
}

// ignoreExampleHead is the start of a plain ignore example
// (ignoreExampleParts).
const ignoreExampleHead = "```yaml\n# .runbook-translator.yaml\nignore:\n"

// ignoreExampleTail is the end of every ignore example: the placeholders
// the reader fills in, as yamlScalar writes them.
var ignoreExampleTail = "    reason: " + yamlScalar("why this is acceptable here") + "\n" +
	"    expires: " + yamlScalar("YYYY-MM-DD") + "\n" +
	"    link: " + yamlScalar("https://link-to-the-risk-acceptance") + "\n"

// ignoreExampleOf is ignoreExample on the raw values it reads.
func ignoreExampleOf(tool, code, path, resource string) string {
	if s, ok := ignoreExamplePlain(tool, code, path, resource); ok {
		return s
	}
	return ignoreExampleBlock(tool, code, path, resource)
}

// ignoreExampleBlock is ignoreExampleOf for any values.
func ignoreExampleBlock(tool, code, path, resource string) string {
	var b strings.Builder
	b.Grow(192 + len(tool) + len(code) + len(path) + len(resource))
	b.WriteString("# .runbook-translator.yaml\nignore:\n")
	first := true
	for _, kv := range [...][2]string{
		{"tool", tool}, {"code", code}, {"path", path}, {"resource", resource},
		{"reason", "why this is acceptable here"}, {"expires", "YYYY-MM-DD"}, {"link", "https://link-to-the-risk-acceptance"},
	} {
		if kv[1] == "" {
			continue
		}
		if first {
			b.WriteString("  - ")
			first = false
		} else {
			b.WriteString("    ")
		}
		b.WriteString(kv[0])
		b.WriteString(": ")
		b.WriteString(yamlScalar(kv[1]))
		b.WriteByte('\n')
	}
	// No trailing newline: the template line that calls it supplies one.
	return strings.TrimSuffix(markdown.CodeBlock(b.String(), "yaml"), "\n")
}

// ignoreExamplePlain is ignoreExampleOf when every value is printable
// ASCII without a backtick (most findings): then the quoted YAML needs no
// sanitizing and the fence is three backticks, so the block is written in
// one buffer, without markdown.CodeBlock's copies. TestIgnoreExamplePlain
// holds it equal to the general path.
func ignoreExamplePlain(tool, code, path, resource string) (string, bool) {
	var parts [ignoreParts]string
	k, n, ok := ignoreExampleParts(tool, code, path, resource, &parts)
	if !ok {
		return "", false
	}
	var b strings.Builder
	b.Grow(n)
	for _, p := range parts[:k] {
		b.WriteString(p)
	}
	return b.String(), true
}

// ignoreParts bounds the pieces of a plain ignore example: the head, five
// per value, the tail and the closing fence.
const ignoreParts = 1 + 4*5 + 2

// ignoreExampleParts puts the pieces of ignoreExamplePlain's block in
// parts and returns how many and their length; ok is false when the
// values need the general path. appendIgnoreExampleJSON writes the same
// block in its JSON form.
func ignoreExampleParts(tool, code, path, resource string, parts *[ignoreParts]string) (k, n int, ok bool) {
	vals := [...]string{tool, code, path, resource}
	empty := true
	for _, v := range vals {
		for i := 0; i < len(v); i++ {
			if c := v[i]; c < 0x20 || c >= 0x7f || c == '`' {
				return 0, 0, false
			}
		}
		if v != "" {
			empty = false
		}
	}
	if empty {
		return 0, 0, false
	}
	put := func(s string) {
		parts[k] = s
		k++
		n += len(s)
	}
	put(ignoreExampleHead)
	first := true
	for i, key := range [...]string{"tool", "code", "path", "resource"} {
		if vals[i] == "" {
			continue
		}
		if first {
			put("  - ")
			first = false
		} else {
			put("    ")
		}
		put(key)
		put(": ")
		put(yamlScalar(vals[i]))
		put("\n")
	}
	put(ignoreExampleTail)
	put("```")
	return k, n, true
}

// plainYAML reports whether s is safe to write unquoted: it starts with an
// ASCII letter and holds only [A-Za-z0-9._/-] (no YAML indicator). A byte
// loop, not a regexp: it runs four times per rendered finding.
func plainYAML(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case i > 0 && (c >= '0' && c <= '9' || c == '.' || c == '_' || c == '/' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// yamlScalar writes s as a YAML string: plain when unambiguous, otherwise
// double-quoted (Go's quoting uses only escapes YAML also defines).
func yamlScalar(s string) string {
	if plainYAML(s) {
		if len(s) > 5 {
			return s // longer than every word below
		}
		for _, w := range [...]string{"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"} {
			if strings.EqualFold(s, w) {
				return strconv.Quote(s)
			}
		}
		return s
	}
	return strconv.Quote(s)
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case Text:
		return x == ""
	case string:
		return x == ""
	case bool:
		return !x
	case int:
		return x == 0
	case []Text:
		return len(x) == 0
	case []string:
		return len(x) == 0
	case map[string]Text:
		return len(x) == 0
	case map[string]string:
		return len(x) == 0
	}
	return false
}

// newTemplate returns an empty body template with the runbook funcs. A
// missing map key renders as empty (missingkey=zero), so optional Extra
// facts need no guard; an unknown field or a failing func is an execution
// error, which Render reports without losing the finding.
func newTemplate(name string) *template.Template {
	return template.New(name).Option("missingkey=zero").Funcs(funcs)
}

// errBodyFull stops a template once its output passed the body cap:
// text/template returns a writer's error as is and executes nothing more,
// so {{range 100000000}}x{{end}} costs 32 KiB of output, not 10^8 steps.
var errBodyFull = errors.New("runbook body exceeded its cap")

// limitWriter keeps at most max bytes; the write that passes max marks
// over and fails with errBodyFull, which aborts the execution.
//
// In JSON mode (json) the body goes straight into its JSON form: enc holds
// the opening quote and the escaped bytes (jsonstr), raw counts the body's own bytes
// (the cap counts those) and nl the newlines it ends with. What the escaped
// form cannot follow exactly (a piece that is not valid UTF-8, a write
// past the cap, text/template's writes) turns the writer into plain mode:
// enc is decoded into buf and the body goes on there (toPlain).
type limitWriter struct {
	buf  strings.Builder
	max  int
	over bool

	json, wantJSON bool
	enc            []byte
	raw, nl        int
	// refs are literals of at least minRefLit bytes written in JSON mode
	// by reference (translator.BodyBuf): each comes after enc[:At]. Only
	// writers whose body goes to a translator.BodyBuf take them (useRefs).
	refs    []translator.BodyRef
	useRefs bool
	// scratch holds the escaped text of the field writeEscaped writes.
	scratch []byte
}

// maxScratch bounds the scratch buffer a pooled writer keeps.
const maxScratch = 64 << 10

// writeEscaped writes escape(s): the escaped text goes through w.scratch,
// not a string of its own (writeString copies it).
func (w *limitWriter) writeEscaped(s string) error {
	i := 0
	for i < len(s) && plainText[s[i]] {
		i++
	}
	if i == len(s) {
		return w.writeString(s)
	}
	w.scratch = appendEscapeFrom(w.scratch[:0], s, i)
	err := w.writeString(unsafe.String(unsafe.SliceData(w.scratch), len(w.scratch)))
	if cap(w.scratch) > maxScratch {
		w.scratch = nil
	}
	return err
}

// reset empties w for another execution.
func (w *limitWriter) reset() {
	w.buf.Reset()
	w.over = false
	w.json, w.enc, w.raw, w.nl = w.wantJSON, w.enc[:0], 0, 0
	w.refs = w.refs[:0]
	if w.json {
		w.enc = append(w.enc, '"') // the body's JSON string opens
	}
}

// writeString is Write for a string, without the conversion.
func (w *limitWriter) writeString(s string) error {
	if w.json {
		if len(s) <= 16 && w.raw+len(s) <= w.max && jsonPlain(s) {
			// Most pieces are short and plain (the keys and values of an
			// ignore example, a code span's fences, a line number).
			if s != "" {
				w.enc = append(w.enc, s...)
				w.raw += len(s)
				w.nl = 0
			}
			return nil
		}
		if w.raw+len(s) <= w.max {
			if enc, ok := jsonstr.AppendValid(w.enc, s); ok {
				w.enc = enc
				w.wrote(s, trailingNewlines(s))
				return nil
			}
		}
		w.toPlain()
	}
	if room := w.max - w.buf.Len(); len(s) > room {
		w.over = true
		if room < 0 {
			room = 0
		}
		w.buf.WriteString(s[:room])
		return errBodyFull
	}
	w.buf.WriteString(s)
	return nil
}

// writeInt writes strconv.Itoa(i) without making the string.
func (w *limitWriter) writeInt(i int) error {
	var buf [24]byte
	d := strconv.AppendInt(buf[:0], int64(i), 10)
	if w.json && w.raw+len(d) <= w.max {
		w.enc = append(w.enc, d...)
		w.raw += len(d)
		w.nl = 0
		return nil
	}
	return w.writeString(string(d))
}

// jsonPlain reports whether s is written unchanged in a JSON string:
// only bytes jsonstr.Safe marks, so no newline either.
func jsonPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || !jsonstr.Safe[c] {
			return false
		}
	}
	return true
}

// writeLit writes a template's literal text: in JSON mode its escaped
// form, made once when the template was compiled, is copied.
func (w *limitWriter) writeLit(l *lit) error {
	if w.json && l.ok && w.raw+len(l.s) <= w.max {
		if w.useRefs && len(l.enc) >= minRefLit {
			w.refs = append(w.refs, translator.BodyRef{At: len(w.enc), S: l.enc})
		} else {
			w.enc = append(w.enc, l.enc...)
		}
		w.wrote(l.s, l.nl)
		return nil
	}
	return w.writeString(l.s)
}

// minRefLit is the shortest literal (in its JSON form) written by
// reference: below it a copy costs less than the reference and the
// reporter's extra write.
const minRefLit = 256

// joinRefs copies the literals written by reference into enc, so that
// enc holds the whole body so far.
func (w *limitWriter) joinRefs() {
	if len(w.refs) == 0 {
		return
	}
	b := translator.BodyBuf{Enc: w.enc, Refs: w.refs}
	enc := make([]byte, 0, b.Len()+64)
	b.Parts(func(s string) { enc = append(enc, s...) })
	w.enc, w.refs = enc, w.refs[:0]
}

// trimEnd drops the last n bytes of the body written in JSON mode, from
// enc and refs alike.
func (w *limitWriter) trimEnd(n int) {
	for n > 0 {
		at := 0
		if len(w.refs) > 0 {
			at = w.refs[len(w.refs)-1].At
		}
		if tail := len(w.enc) - at; tail > 0 {
			d := min(n, tail)
			w.enc = w.enc[:len(w.enc)-d]
			n -= d
			continue
		}
		r := &w.refs[len(w.refs)-1]
		if len(r.S) > n {
			r.S = r.S[:len(r.S)-n]
			return
		}
		n -= len(r.S)
		w.refs = w.refs[:len(w.refs)-1]
	}
}

// wrote accounts for s, ending in nl newlines, written in JSON mode.
func (w *limitWriter) wrote(s string, nl int) {
	w.raw += len(s)
	if nl == len(s) {
		w.nl += nl
	} else {
		w.nl = nl
	}
}

func trailingNewlines(s string) int {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\n' {
		n++
	}
	return n
}

// toPlain leaves JSON mode: the body written so far, decoded, goes to
// buf. Every piece in enc was valid UTF-8, so decoding gives it back
// exactly.
func (w *limitWriter) toPlain() {
	w.joinRefs()
	w.json = false
	w.buf.Reset()
	w.buf.Grow(w.raw)
	e := w.enc[1:] // after the opening quote
	for i := 0; i < len(e); i++ {
		c := e[i]
		if c != '\\' || i+1 >= len(e) {
			w.buf.WriteByte(c)
			continue
		}
		i++
		switch e[i] {
		case 'b':
			w.buf.WriteByte('\b')
		case 'f':
			w.buf.WriteByte('\f')
		case 'n':
			w.buf.WriteByte('\n')
		case 'r':
			w.buf.WriteByte('\r')
		case 't':
			w.buf.WriteByte('\t')
		case 'u':
			if i+4 < len(e) {
				if r, err := strconv.ParseUint(string(e[i+1:i+5]), 16, 32); err == nil {
					w.buf.WriteRune(rune(r))
					i += 4
					continue
				}
			}
			w.buf.WriteByte('u')
		default: // " and \
			w.buf.WriteByte(e[i])
		}
	}
	w.enc = w.enc[:0]
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.json {
		w.toPlain()
	}
	if room := w.max - w.buf.Len(); len(p) > room {
		w.over = true
		if room < 0 {
			room = 0
		}
		w.buf.Write(p[:room])
		return room, errBodyFull
	}
	w.buf.Write(p)
	return len(p), nil
}

// lit is a literal text of a template, with its JSON form.
type lit struct {
	s   string
	enc string // jsonstr.AppendValid(s), when ok
	ok  bool   // s is valid UTF-8
	nl  int    // trailing newlines of s
}

func newLit(s string) lit {
	enc, ok := jsonstr.AppendValid(nil, s)
	return lit{s: s, enc: string(enc), ok: ok, nl: trailingNewlines(s)}
}

// Render matches f and renders its entry (or the fallback). It never
// fails: a template that breaks at execution yields a short body naming the
// entry and showing the escaped message, with Runbook.Error set.
// Runbook.Title is plain text (the fallback's is "<tool> <code>" from the
// finding): reporters escape it.
func (c *Catalog) Render(f *translator.Finding) *translator.Runbook {
	ce, caps, level := c.match(f, true)
	rb := render(c.orFallback(ce), f, caps)
	// A per-tool default is as generic as the fallback: --require-runbook
	// treats both as "no runbook for this code".
	rb.Generic = ce == nil || level == LevelDefault
	return rb
}

func render(ce *centry, f *translator.Finding, caps map[string]string) *translator.Runbook {
	return renderAs(ce, f, caps, false)
}

// jsonWriters are the writers of JSON-mode renders: their buffers are
// reused, each render allocates only its body.
var jsonWriters = sync.Pool{New: func() any { return &limitWriter{max: MaxBodyBytes + 1, json: true, wantJSON: true} }}

// renderAs is render; with asJSON the body is set in its JSON form only
// (translator.Runbook.SetBodyJSON), the bytes jsonstr.Append would write
// for the body render gives (TestJSONBodiesMatchRender).
func renderAs(ce *centry, f *translator.Finding, caps map[string]string, asJSON bool) *translator.Runbook {
	if ce == nil {
		ce = fallback
	}
	rb := &translator.Runbook{
		ID: ce.ID, Title: ce.Title, Links: ce.Links, Owner: ce.Owner, Source: ce.Source,
	}
	if ce.Entry == fallback.Entry {
		rb.Title = fallbackTitle(f.Tool, f.Code)
	}
	ce.prepare()
	key, memo := memoKeyOf(ce, f, caps)
	if memo {
		ce.memo.lookups.Add(1)
		if body, ok := memoGet(memoKey{ce, key, asJSON}); ok {
			ce.memo.hits.Add(1)
			if asJSON {
				rb.SetBodyJSON(body)
			} else {
				rb.Body = body
			}
			return rb
		}
	}
	var w *limitWriter
	if asJSON {
		w = jsonWriters.Get().(*limitWriter)
		defer jsonWriters.Put(w)
		w.useRefs = true
		if n := ce.bodyHint() + ce.bodyHint()/8 + 2; cap(w.enc) < n {
			w.enc = make([]byte, 0, n)
		}
		w.reset()
	} else {
		w = &limitWriter{max: MaxBodyBytes + 1}
		w.buf.Grow(ce.bodyHint())
	}
	if err := ce.exec(w, f, caps); err != nil && !errors.Is(err, errBodyFull) {
		rb.Error = fmt.Sprintf("render runbook %s (%s): %v", ce.ID, ce.Source, err)
		rb.Body = brokenBody(ce, f, err)
		if asJSON {
			rb.SetBodyJSON(string(jsonstr.Append(nil, rb.Body)))
		}
		return rb
	}
	if w.json {
		// Still in JSON mode: the body was written whole and valid, under
		// the cap. Its trailing newlines are the last 2*nl bytes (\n each).
		if w.nl >= 2 {
			w.trimEnd(2 * (w.nl - 1))
		}
		ce.run.setHint(w.raw)
		// The runbook takes the writer's buffers, the writer free ones.
		bp := translator.BodyBuffer()
		bp.Enc, w.enc = append(w.enc, '"'), bp.Enc[:0]
		bp.Refs, w.refs = w.refs, bp.Refs[:0]
		rb.SetBodyJSONBuffer(bp)
		if memo {
			// The buffer goes back to its pool once the body is written.
			var body strings.Builder
			body.Grow(bp.Len())
			bp.Parts(func(s string) { body.WriteString(s) })
			memoPut(memoKey{ce, key, asJSON}, body.String())
		}
		return rb
	}
	body := w.buf.String()
	ce.run.setHint(len(body))
	if strings.HasSuffix(body, "\n\n") {
		// A trailing {{codeblock}} or {{ignoreexample}} leaves a blank line.
		body = strings.TrimRight(body, "\n") + "\n"
	}
	if w.over {
		body = markdown.Cut(body, MaxBodyBytes-len(truncNotice)-16, "") + truncNotice
	}
	if asJSON {
		body = string(jsonstr.Append(nil, body))
		rb.SetBodyJSON(body)
	} else {
		rb.Body = body
	}
	if memo {
		memoPut(memoKey{ce, key, asJSON}, body)
	}
	return rb
}

// fallbackTitle is the fallback's title, strings.TrimSpace(tool + " " +
// code), without building the string when one of them is empty (a tool
// read with --efm has no code: the concatenation was an allocation per
// finding).
func fallbackTitle(tool, code string) string {
	switch {
	case code == "":
		return strings.TrimSpace(tool)
	case tool == "":
		return strings.TrimSpace(code)
	}
	return strings.TrimSpace(tool + " " + code)
}

// brokenBody is the body of a finding whose entry failed to render.
func brokenBody(ce *centry, f *translator.Finding, err error) string {
	var b strings.Builder
	fmt.Fprintf(&b, "The runbook entry %s (%s) failed to render; please tell its owners.\n\n",
		markdown.Code(ce.ID), markdown.Code(ce.Source))
	b.WriteString(markdown.Escape(markdown.Truncate(f.Message, 4096, "…")))
	b.WriteString("\n\nError: ")
	b.WriteString(markdown.Code(markdown.Truncate(err.Error(), 512, "…")))
	b.WriteString("\n")
	return b.String()
}

// Stage returns the "runbooks" pipeline stage: it applies each finding's
// entry severity override (keeping ToolSeverity) and attaches the rendered
// runbook to f.Runbook.
func (c *Catalog) Stage() translator.Mapper {
	return translator.MapStage{StageName: "runbooks", Fn: func(_ context.Context, f *translator.Finding) error {
		c.Apply(f)
		return nil
	}}
}

// JSONStage is Stage for a run whose every reporter writes bodies only as
// JSON (reporters.JSONBodies): each body is rendered straight into its
// JSON form (translator.Runbook.SetBodyJSON), which the reporter copies,
// instead of a body the reporter escapes byte by byte again.
func (c *Catalog) JSONStage() translator.Mapper {
	return translator.MapStage{StageName: "runbooks", Fn: func(_ context.Context, f *translator.Finding) error {
		c.apply(f, true)
		return nil
	}}
}

// Apply does to one finding what Stage does: severity override, then
// f.Runbook.
func (c *Catalog) Apply(f *translator.Finding) { c.apply(f, false) }

func (c *Catalog) apply(f *translator.Finding, asJSON bool) {
	ce, caps, level := c.match(f, true)
	if ce != nil && ce.sev != translator.SeverityUnknown {
		f.Severity = ce.sev
	}
	f.Runbook = renderAs(c.orFallback(ce), f, caps, asJSON)
	f.Runbook.Generic = ce == nil || level == LevelDefault
}

// orFallback returns ce, or the catalog's fallback entry for nil.
func (c *Catalog) orFallback(ce *centry) *centry {
	if ce == nil && c.fb != nil {
		return c.fb
	}
	return ce
}

// MatchStage is Stage for a run whose reporters show no runbook body (the
// local report without -v): it matches and applies the severity override,
// and attaches the runbook's id, title, links, owner and source, but
// renders nothing (issue 10: rendering was most of such a run's CPU).
func (c *Catalog) MatchStage() translator.Mapper {
	return translator.MapStage{StageName: "runbooks", Fn: func(_ context.Context, f *translator.Finding) error {
		c.ApplyMatch(f)
		return nil
	}}
}

// ApplyMatch does to one finding what MatchStage does.
func (c *Catalog) ApplyMatch(f *translator.Finding) {
	ce, _, level := c.match(f, true)
	if ce != nil && ce.sev != translator.SeverityUnknown {
		f.Severity = ce.sev
	}
	e := ce
	if e == nil {
		e = fallback
	}
	f.Runbook = &translator.Runbook{ID: e.ID, Title: e.Title, Links: e.Links, Owner: e.Owner, Source: e.Source,
		Generic: ce == nil || level == LevelDefault}
	if ce == nil {
		f.Runbook.Title = fallbackTitle(f.Tool, f.Code)
	}
}

// LazyStage is Stage for a run whose reporters render bodies on demand
// (reporters.LazyBodies): it matches and applies the severity override now
// and leaves the body to translator.Runbook.Resolve, rendered from the
// finding as it is now.
func (c *Catalog) LazyStage() translator.Mapper {
	return translator.MapStage{StageName: "runbooks", Fn: func(_ context.Context, f *translator.Finding) error {
		ce, caps, level := c.match(f, true)
		if ce != nil && ce.sev != translator.SeverityUnknown {
			f.Severity = ce.sev
		}
		snap := *f
		e := c.orFallback(ce)
		rb := &translator.Runbook{ID: e.ID, Title: e.Title, Links: e.Links, Owner: e.Owner, Source: e.Source,
			Generic: ce == nil || level == LevelDefault}
		if e.Entry == fallback.Entry {
			rb.Title = fallbackTitle(f.Tool, f.Code)
		}
		rb.SetRender(func() (string, string) {
			full := render(e, &snap, caps)
			return full.Body, full.Error
		})
		f.Runbook = rb
		return nil
	}}
}
