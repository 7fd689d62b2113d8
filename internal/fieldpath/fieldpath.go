// Package fieldpath parses the field paths of catalog entries (locate:
// and fix:): dotted keys, a key "quoted" when it holds a dot or bracket,
// and list selectors [2], [name=web], [*]. It is a leaf package so that
// the catalog loader (runbooks) and the stages that resolve paths (locate,
// fix) share one syntax.
package fieldpath

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxLen bounds a field path; catalog entries are written by people and a
// longer path is a mistake, not a field.
const MaxLen = 512

// Step is one step of a path: a mapping key, a sequence selector, or both
// ("containers[name=web]" is the key containers then the selector).
type Step struct {
	// Key is a mapping key; "" when the step is only a selector (a list of
	// lists: matrix[0][1]).
	Key string
	// Sel selects items of the sequence at Key; nil for a plain key.
	Sel *Selector
}

// SelKind is the kind of a selector.
type SelKind int

// Selector kinds.
const (
	Index SelKind = iota // [3]
	Match                // [name=web]
	Any                  // [*]
)

// Selector picks items of a sequence.
type Selector struct {
	Kind  SelKind
	Index int
	// Field and Value: the item whose Field is Value ([name=web]; a value
	// $name is for the caller to expand).
	Field, Value string
}

// Parse parses a field path.
func Parse(s string) ([]Step, error) {
	if len(s) > MaxLen {
		return nil, fmt.Errorf("parse field path: longer than %d bytes", MaxLen)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("parse field path: empty")
	}
	var out []Step
	i := 0
	for {
		var seg Step
		// key
		switch {
		case i < len(s) && s[i] == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("parse field path %q: unterminated quote at byte %d", s, i)
			}
			seg.Key = s[i+1 : i+1+j]
			if seg.Key == "" {
				return nil, fmt.Errorf("parse field path %q: empty key at byte %d", s, i)
			}
			i += j + 2
		default:
			j := i
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				if s[j] == ']' || s[j] == '"' || s[j] == ' ' {
					return nil, fmt.Errorf("parse field path %q: unexpected %q at byte %d", s, s[j], j)
				}
				j++
			}
			seg.Key = s[i:j]
			i = j
		}
		// selectors: the first belongs to this segment, further ones are
		// selector-only segments (a list of lists).
		first := true
		for i < len(s) && s[i] == '[' {
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("parse field path %q: unterminated [ at byte %d", s, i)
			}
			sel, err := parseSelector(s[i+1 : i+j])
			if err != nil {
				return nil, fmt.Errorf("parse field path %q: %w at byte %d", s, err, i)
			}
			i += j + 1
			if first {
				seg.Sel = sel
				first = false
				continue
			}
			out = append(out, seg)
			seg = Step{Sel: sel}
		}
		if seg.Key == "" && seg.Sel == nil {
			return nil, fmt.Errorf("parse field path %q: empty segment at byte %d", s, i)
		}
		out = append(out, seg)
		if i == len(s) {
			return out, nil
		}
		if s[i] != '.' {
			return nil, fmt.Errorf("parse field path %q: unexpected %q at byte %d", s, s[i], i)
		}
		i++
		if i == len(s) {
			return nil, fmt.Errorf("parse field path %q: ends with a dot", s)
		}
	}
}

func parseSelector(s string) (*Selector, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "*":
		return &Selector{Kind: Any}, nil
	case s == "":
		return nil, fmt.Errorf("empty selector")
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 {
			return nil, fmt.Errorf("negative index %d", n)
		}
		return &Selector{Kind: Index, Index: n}, nil
	}
	k, v, ok := strings.Cut(s, "=")
	k, v = strings.TrimSpace(k), strings.Trim(strings.TrimSpace(v), `"'`)
	if !ok || k == "" || v == "" {
		return nil, fmt.Errorf("selector [%s] is not [N], [*] or [field=value]", s)
	}
	return &Selector{Kind: Match, Field: k, Value: v}, nil
}
