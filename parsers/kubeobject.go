package parsers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

// kubeResource names a Kubernetes object the same way in every parser of this
// package: "Kind/name" (translator.Finding.Resource documents it). The
// namespace is not part of the name, because tools disagree on whether they
// print it and one object must keep one fingerprint; parsers put it in
// Extra["namespace"], where the locate stage and templates read it.
// Missing parts are left out rather than rendered as empty segments.
func kubeResource(kind, _ /* namespace */, name string) string {
	parts := make([]string, 0, 2)
	for _, p := range []string{kind, name} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "/")
}

// jsonElement is one element of a top-level JSON array with the byte offset
// where it starts, so that shape errors can point at it.
type jsonElement struct {
	Raw    json.RawMessage
	Offset int64
}

// jsonArrayElements checks that data is one JSON array and returns its
// elements with their offsets. "null" is an empty array (gator prints it when
// clean); syntax errors and truncation become *ParseError.
func jsonArrayElements(format, file string, data []byte) ([]jsonElement, error) {
	var probe []json.RawMessage
	if err := UnmarshalJSON(format, file, data, &probe); err != nil {
		return nil, err
	}
	if probe == nil {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // the '['
		return nil, &ParseError{Format: format, File: file, Offset: -1, Err: err}
	}
	out := make([]jsonElement, 0, len(probe))
	for dec.More() {
		off := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, &ParseError{Format: format, File: file, Offset: off, Line: LineAt(data, off), Err: err}
		}
		// InputOffset points before the separator and whitespace.
		skip := bytes.IndexAny(data[off:], "{[\"-0123456789tfn")
		if skip > 0 {
			off += int64(skip)
		}
		out = append(out, jsonElement{Raw: raw, Offset: off})
	}
	return out, nil
}

// shapeError reports valid JSON or YAML that is not what the format expects.
// off is a byte offset into data (-1 unknown).
func shapeError(format, file string, data []byte, off int64, msg string, args ...any) *ParseError {
	pe := &ParseError{Format: format, File: file, Offset: off, Err: fmt.Errorf(msg, args...)}
	if off >= 0 && data != nil {
		pe.Line = LineAt(data, off)
	}
	return pe
}

// missingKeys returns the first of keys that the JSON object raw lacks, or ""
// when all are present. A value that is not an object lacks every key.
func missingKeys(raw json.RawMessage, keys ...string) string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		if len(keys) > 0 {
			return keys[0]
		}
		return ""
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return k
		}
	}
	return ""
}

// decodeElement unmarshals one array element into v after checking that it
// has the required keys; errors name the element's index and offset.
func decodeElement(format, file string, data []byte, i int, el jsonElement, v any, keys ...string) error {
	if k := missingKeys(el.Raw, keys...); k != "" {
		return shapeError(format, file, data, el.Offset, "element %d: missing %q: not %s output", i, k, format)
	}
	if err := json.Unmarshal(el.Raw, v); err != nil {
		return shapeError(format, file, data, el.Offset, "element %d: %v", i, err)
	}
	return nil
}

// decodeObject unmarshals data, which must be one JSON object with the
// required keys, into v.
func decodeObject(format, file string, data []byte, v any, keys ...string) error {
	var raw json.RawMessage
	if err := UnmarshalJSON(format, file, data, &raw); err != nil {
		return err
	}
	start := int64(len(data) - len(bytes.TrimLeft(data, " \t\r\n\ufeff")))
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return shapeError(format, file, data, start, "want a JSON object, not %s", jsonKind(t))
	}
	if k := missingKeys(raw, keys...); k != "" {
		return shapeError(format, file, data, start, "missing %q: not %s output", k, format)
	}
	return UnmarshalJSON(format, file, data, v)
}

// jsonKind names the kind of a JSON value for error messages.
func jsonKind(t []byte) string {
	if len(t) == 0 {
		return "nothing"
	}
	return describeKind(jsontext.Kind(t[0]))
}

// trimHead strips a UTF-8 byte order mark and leading white space from the
// head of an input, for the Detect sniffers.
func trimHead(head []byte) []byte {
	return bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
}

// containsAll reports whether head contains every marker.
func containsAll(head []byte, markers ...string) bool {
	for _, m := range markers {
		if !bytes.Contains(head, []byte(m)) {
			return false
		}
	}
	return true
}

// jsonKeyPattern matches `"key":` with optional white space, as the tools
// print their JSON either compact or indented (compiled on first use).
func jsonKeyPattern(key string) func() *regexp.Regexp {
	return lazyre.New(`"` + regexp.QuoteMeta(key) + `"\s*:`)
}
