package parsers

import (
	"bytes"
	"encoding/json"
)

// jsonShape is what Detect functions learn from the first bytes of a JSON
// input without parsing all of it: whether it is an object or an array (of
// objects), the keys of the top-level object (or of the array's first
// element) in order, and the string values among them. The head may be cut
// anywhere, so a value that does not fit simply has no entry in strs.
type jsonShape struct {
	array bool
	keys  map[string]bool
	strs  map[string]string
}

// sniffJSON reads the shape of head; ok is false when head does not start
// like a JSON object or an array of objects.
func sniffJSON(head []byte) (s jsonShape, ok bool) {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimSpace(head)
	if len(head) == 0 || (head[0] != '{' && head[0] != '[') {
		return s, false
	}
	dec := json.NewDecoder(bytes.NewReader(head))
	tok, err := dec.Token()
	if err != nil {
		return s, false
	}
	if tok == json.Delim('[') {
		s.array = true
		if tok, err = dec.Token(); err != nil || tok != json.Delim('{') {
			return s, false
		}
	}
	s.keys, s.strs = map[string]bool{}, map[string]string{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			break
		}
		k, isKey := kt.(string)
		if !isKey {
			break
		}
		s.keys[k] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			break // cut off inside the value
		}
		var str string
		if json.Unmarshal(v, &str) == nil {
			s.strs[k] = str
		}
	}
	return s, true
}

// has reports whether every key is present.
func (s jsonShape) has(keys ...string) bool {
	for _, k := range keys {
		if !s.keys[k] {
			return false
		}
	}
	return true
}

// firstLine returns head up to its first newline (all of it when there is
// none), skipping leading blank lines.
func firstLine(head []byte) []byte {
	head = bytes.TrimLeft(head, " \t\r\n")
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		return head[:i]
	}
	return head
}

// bounded cuts s to at most n bytes (on a rune boundary), marking the cut,
// so that a hostile input cannot blow up a report through an Extra field.
func bounded(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !isRuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// maxExtra bounds the values parsers copy into Finding.Extra.
const maxExtra = 1024
