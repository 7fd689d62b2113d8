package locate

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// step is one resolved step of a field path.
type step struct {
	// key is a mapping key ("" for a sequence item).
	key string
	// index and name identify a sequence item (name is its "name" field).
	index int
	name  string
	// at is the node to point at: the key node of a mapping entry, the item
	// node of a sequence item.
	at *yaml.Node
	// val is the value the step leads to.
	val *yaml.Node
}

func (s step) String() string {
	if s.key != "" {
		if strings.ContainsAny(s.key, ".[]\" ") {
			return `"` + s.key + `"`
		}
		return s.key
	}
	if s.name != "" {
		return "[name=" + s.name + "]"
	}
	return "[" + strconv.Itoa(s.index) + "]"
}

// fieldString renders resolved steps as a field path.
func fieldString(steps []step) string {
	var b strings.Builder
	for i, s := range steps {
		if s.key != "" && i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.String())
	}
	return b.String()
}

// resolution is how far a path got in a document.
type resolution struct {
	steps []step
	// full is true when every segment resolved.
	full bool
	// several is set when a [*] or [field=value] selector matched more than
	// one item and the rest of the path did not tell them apart.
	several bool
}

// resolve walks p from the document root as far as it exists.
func resolve(root *yaml.Node, p fieldPath) resolution {
	var r resolution
	cur := root
	for i, seg := range p {
		if seg.key != "" {
			cur = deref(cur)
			if seg.ptr && cur != nil && cur.Kind == yaml.SequenceNode {
				idx, err := strconv.Atoi(seg.key)
				if err != nil || idx < 0 || idx >= len(cur.Content) {
					return r
				}
				st := itemStep(cur, idx)
				r.steps = append(r.steps, st)
				cur = st.val
			} else {
				k, v := mapEntry(cur, seg.key)
				if k == nil {
					return r
				}
				r.steps = append(r.steps, step{key: seg.key, at: k, val: v})
				cur = v
			}
		}
		if seg.sel == nil {
			continue
		}
		cur = deref(cur)
		if cur == nil || cur.Kind != yaml.SequenceNode {
			return r
		}
		switch seg.sel.kind {
		case selIndex:
			if seg.sel.index >= len(cur.Content) {
				return r
			}
			st := itemStep(cur, seg.sel.index)
			r.steps = append(r.steps, st)
			cur = st.val
		case selMatch:
			var hits []int
			for j, it := range cur.Content {
				if scalarAt(it, seg.sel.field) == seg.sel.value {
					hits = append(hits, j)
				}
			}
			if len(hits) != 1 {
				r.several = len(hits) > 1
				return r
			}
			st := itemStep(cur, hits[0])
			r.steps = append(r.steps, st)
			cur = st.val
		case selAny:
			rest := p[i+1:]
			if len(cur.Content) == 1 {
				st := itemStep(cur, 0)
				r.steps = append(r.steps, st)
				cur = st.val
				continue
			}
			var full []int
			var sub resolution
			for j, it := range cur.Content {
				s := resolve(it, rest)
				if s.full {
					full = append(full, j)
					sub = s
				}
			}
			if len(full) != 1 {
				// Zero or several items have the field: pointing at one of
				// them would be a guess, so stop at the list.
				r.several = len(cur.Content) > 1
				return r
			}
			r.steps = append(r.steps, itemStep(cur, full[0]))
			r.steps = append(r.steps, sub.steps...)
			r.full = true
			return r
		}
	}
	r.full = true
	return r
}

// itemStep describes item idx of sequence seq.
func itemStep(seq *yaml.Node, idx int) step {
	it := deref(seq.Content[idx])
	return step{index: idx, name: scalarAt(it, "name"), at: it, val: it}
}
