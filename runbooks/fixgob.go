package runbooks

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"strings"
)

// The built-in snapshot is gob; a mapping or list value of a fix (an
// affinity term, a document) is a Go map, which gob writes in random
// order, and the snapshot must be the same bytes on every run. So a
// structured value travels as JSON (encoding/json sorts map keys); scalar
// values keep their Go types.

// fixEditGob is FixEdit as the snapshot stores it.
type fixEditGob struct {
	Set, Fill, Delete, Add, From string
	Value                        any    // a scalar, or nil
	ValueJSON, DocumentJSON      string // a mapping or list value, a document
}

func structuredJSON(v any) (string, bool, error) {
	switch v.(type) {
	case map[string]any, []any:
		b, err := json.Marshal(v)
		return string(b), true, err
	}
	return "", false, nil
}

// GobEncode implements gob.GobEncoder.
func (e FixEdit) GobEncode() ([]byte, error) {
	g := fixEditGob{Set: e.Set, Fill: e.Fill, Delete: e.Delete, Add: e.Add, From: e.From}
	if s, ok, err := structuredJSON(e.Value); err != nil {
		return nil, err
	} else if ok {
		g.ValueJSON = s
	} else {
		g.Value = e.Value
	}
	if e.Document != nil {
		b, err := json.Marshal(e.Document)
		if err != nil {
			return nil, err
		}
		g.DocumentJSON = string(b)
	}
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(g)
	return buf.Bytes(), err
}

// GobDecode implements gob.GobDecoder.
func (e *FixEdit) GobDecode(b []byte) error {
	var g fixEditGob
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&g); err != nil {
		return err
	}
	*e = FixEdit{Set: g.Set, Fill: g.Fill, Delete: g.Delete, Add: g.Add, From: g.From, Value: g.Value}
	var err error
	if g.ValueJSON != "" {
		if e.Value, err = decodeJSONValue(g.ValueJSON); err != nil {
			return err
		}
	}
	if g.DocumentJSON != "" {
		if e.Document, err = decodeJSONValue(g.DocumentJSON); err != nil {
			return err
		}
	}
	return nil
}

// decodeJSONValue reads a structured value back with its numbers as the
// YAML loader gives them: int when whole, float64 otherwise.
func decodeJSONValue(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return numbers(v), nil
}

func numbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			x[k] = numbers(c)
		}
	case []any:
		for i, c := range x {
			x[i] = numbers(c)
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return int(i)
		}
		f, _ := x.Float64()
		return f
	}
	return v
}
