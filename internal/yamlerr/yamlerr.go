// Package yamlerr turns gopkg.in/yaml.v3 decode errors into messages that
// name YAML keys and the kind of value expected, never Go types: a user
// writing `fail_levl:` should read `unknown key "fail_levl" (did you mean
// "fail_level"?)`, not `field fail_levl not found in type main.Config`.
package yamlerr

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/runbook-translator/runbook-translator/internal/lazyre"
	"github.com/runbook-translator/runbook-translator/internal/suggest"
	"github.com/runbook-translator/runbook-translator/messages"
	"gopkg.in/yaml.v3"
)

// Explainer explains the errors of decoding one document into one Go type.
type Explainer struct {
	types map[string]reflect.Type // Type.String() -> type, for every type reachable from the root
	root  *yaml.Node
}

// New indexes the types reachable from the value decoded into (v or its
// type) and parses data once to find the keys errors refer to. data that
// does not parse still gives an Explainer; it then only rewrites the words.
func New(data []byte, v any) *Explainer {
	t, ok := v.(reflect.Type)
	if !ok {
		t = reflect.TypeOf(v)
	}
	e := &Explainer{types: map[string]reflect.Type{}}
	e.index(t)
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) == nil && len(doc.Content) > 0 {
		e.root = doc.Content[0]
	}
	return e
}

func (e *Explainer) index(t reflect.Type) {
	for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
		if t.Kind() == reflect.Map {
			e.index(t.Key())
		}
		t = t.Elem()
	}
	if t == nil {
		return
	}
	if _, seen := e.types[t.String()]; seen {
		return
	}
	e.types[t.String()] = t
	if t.Kind() == reflect.Struct {
		for i := 0; i < t.NumField(); i++ {
			e.index(t.Field(i).Type)
		}
	}
}

// FieldKey is the YAML key yaml.v3 decodes a struct field from: the tag
// name, else the field name in lower case; inline says the field's own keys
// stand in its parent, skip that it is not decoded at all.
func FieldKey(f reflect.StructField) (name string, inline, skip bool) {
	if !f.IsExported() {
		return "", false, true
	}
	name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" {
		return "", false, true
	}
	if strings.Contains(opts, "inline") {
		return "", true, false
	}
	if name == "" {
		name = strings.ToLower(f.Name)
	}
	return name, false, false
}

// Keys returns the YAML keys of a struct type (FieldKey of each field;
// inline fields contribute theirs).
func Keys(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, inline, skip := FieldKey(f)
		switch {
		case skip:
		case inline:
			out = append(out, Keys(f.Type)...)
		default:
			out = append(out, name)
		}
	}
	return out
}

var (
	lineRe     = lazyre.New(`^(?:yaml: )?line (\d+): (.*)$`)
	notFoundRe = lazyre.New(`^field (\S+) not found in type (\S+)$`)
	cannotRe   = lazyre.New("^cannot unmarshal (!!\\w+)(?: `(.*)`)? into (\\S+)$")
)

// Explain rewrites one message of a *yaml.TypeError (or a yaml error text)
// and returns its line (0 when the message has none), in English.
func (e *Explainer) Explain(msg string) (line int, text string) {
	line, m := e.ExplainMsg(msg)
	return line, m.In(messages.Default)
}

// ExplainMsg is Explain as a message worded in the report's language; a
// text it does not know (yaml.v3's syntax errors) is kept as it is.
func (e *Explainer) ExplainMsg(msg string) (line int, m messages.Msg) {
	text := msg
	if m := lineRe().FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		text = m[2]
	} else {
		text = strings.TrimPrefix(text, "yaml: ")
	}
	if m := notFoundRe().FindStringSubmatch(text); m != nil {
		key, typ := m[1], m[2]
		where := e.pathOfKey(line, key)
		var valid []string
		if t, ok := e.types[typ]; ok {
			valid = Keys(t)
		}
		s := messages.M("yaml.unknown_key", where)
		if near := suggest.Nearest(key, valid); near != "" && near != key {
			return line, messages.M("yaml.did_you_mean", s, near)
		}
		if t, ok := e.types[typ]; ok {
			if parent := nestedOwner(t, key); parent != "" {
				return line, messages.M("yaml.goes_under", s, key, parent)
			}
		}
		if len(valid) > 0 {
			sorted := append([]string(nil), valid...)
			sort.Strings(sorted)
			return line, messages.M("yaml.valid_keys", s, strings.Join(sorted, ", "))
		}
		return line, s
	}
	if m := cannotRe().FindStringSubmatch(text); m != nil {
		tag, value, typ := m[1], m[2], m[3]
		got := tagWord(tag)
		if value != "" {
			got = messages.M("yaml.w.with_value", got, strconv.Quote(value))
		}
		want := e.typeWord(typ)
		if where := e.pathOfValue(line, tag); where != "" {
			return line, messages.M("yaml.must_be", where, want, got)
		}
		return line, messages.M("yaml.expected", want, got)
	}
	return line, messages.M("config.text", text)
}

// tagWord names a YAML node tag as a user would.
func tagWord(tag string) messages.Msg {
	switch tag {
	case "!!seq":
		return messages.M("yaml.w.list")
	case "!!map":
		return messages.M("yaml.w.mapping")
	case "!!str":
		return messages.M("yaml.w.string")
	case "!!int", "!!float":
		return messages.M("yaml.w.number")
	case "!!bool":
		return messages.M("yaml.w.truefalse")
	case "!!null":
		return messages.M("yaml.w.null")
	case "!!timestamp":
		return messages.M("yaml.w.date")
	}
	return messages.M("yaml.w.tagged", tag)
}

// typeWord names the Go type a value was decoded into in YAML words.
func (e *Explainer) typeWord(goType string) messages.Msg {
	goType = strings.TrimLeft(goType, "*")
	switch {
	case strings.HasPrefix(goType, "[]"):
		return messages.M("yaml.w.list")
	case strings.HasPrefix(goType, "map["):
		return messages.M("yaml.w.mapping")
	}
	switch goType {
	case "string":
		return messages.M("yaml.w.string")
	case "bool":
		return messages.M("yaml.w.bool")
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return messages.M("yaml.w.whole")
	case "float32", "float64":
		return messages.M("yaml.w.number")
	case "time.Duration":
		return messages.M("yaml.w.duration")
	case "time.Time":
		return messages.M("yaml.w.date")
	}
	t, ok := e.types[goType]
	if !ok {
		return messages.M("yaml.w.other")
	}
	switch t.Kind() {
	case reflect.Struct:
		if keys := Keys(t); len(keys) > 0 {
			if len(keys) > 6 {
				keys = append(keys[:6:6], "...")
			}
			return messages.M("yaml.w.mapping_keys", strings.Join(keys, ", "))
		}
		return messages.M("yaml.w.mapping")
	case reflect.Slice, reflect.Array:
		return messages.M("yaml.w.list")
	case reflect.Map:
		return messages.M("yaml.w.mapping")
	case reflect.String:
		return messages.M("yaml.w.string")
	case reflect.Bool:
		return messages.M("yaml.w.bool")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return messages.M("yaml.w.whole")
	case reflect.Float32, reflect.Float64:
		return messages.M("yaml.w.number")
	}
	return messages.M("yaml.w.other")
}

// pathOfKey finds the mapping key named key on line and returns its dotted
// path (inputs[0].pth); the key itself when the document did not parse.
func (e *Explainer) pathOfKey(line int, key string) string {
	var found string
	walk(e.root, "", func(path string, k, _ *yaml.Node) bool {
		if k != nil && k.Line == line && k.Value == key {
			found = path
			return false
		}
		return true
	})
	if found == "" {
		return key
	}
	return found
}

// pathOfValue finds the value node on line with tag and returns the path of
// the key that holds it.
func (e *Explainer) pathOfValue(line int, tag string) string {
	var found string
	walk(e.root, "", func(path string, _, v *yaml.Node) bool {
		if v != nil && v.Line == line && v.ShortTag() == tag && path != "" {
			found = path
			return false
		}
		return true
	})
	return found
}

// walk visits every (path, key, value) of the tree; fn returning false stops.
func walk(n *yaml.Node, path string, fn func(path string, k, v *yaml.Node) bool) bool {
	if n == nil {
		return true
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			if !fn(p, k, v) || !walk(v, p, fn) {
				return false
			}
		}
	case yaml.SequenceNode:
		for i, v := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			if !fn(p, nil, v) || !walk(v, p, fn) {
				return false
			}
		}
	case yaml.DocumentNode, yaml.AliasNode:
		for _, c := range n.Content {
			if !walk(c, path, fn) {
				return false
			}
		}
	}
	return true
}

// nestedOwner returns the key of t whose value (a struct, or a list of them)
// has a key named key: `tool:` written beside `match:` instead of inside it.
func nestedOwner(t reflect.Type, key string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		ft := f.Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		name, inline, skip := FieldKey(f)
		if skip || inline {
			continue
		}
		for _, k := range Keys(ft) {
			if k == key {
				return name
			}
		}
	}
	return ""
}
