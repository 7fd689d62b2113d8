package fix

import (
	"sort"

	"github.com/runbook-translator/runbook-translator/internal/fieldpath"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// documentValues returns the document of a document edit with its
// catalog_values written in: each field path (plain keys, checked by the
// loader) given the catalog's value, with its missing parents. The
// document's own maps are copied on the way, never changed: the entry is
// shared by every finding. unset names the values no catalog sets, in the
// order of their paths; the document is then incomplete and not to be
// written.
func documentValues(doc any, paths map[string]string, vals runbooks.Values) (any, []string, error) {
	keys := make([]string, 0, len(paths))
	for p := range paths {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	var unset []string
	for _, p := range keys {
		name := paths[p]
		v, ok := vals.Get(name)
		if !ok {
			if !contains(unset, name) {
				unset = append(unset, name)
			}
			continue
		}
		steps, err := fieldpath.Parse(p)
		if err != nil {
			return doc, nil, err
		}
		keys := make([]string, len(steps))
		for i, st := range steps {
			keys[i] = st.Key
		}
		next, ok := withField(doc, keys, v)
		if !ok {
			return doc, nil, notHereP("fixnote.doc_value_path", p, name)
		}
		doc = next
	}
	return doc, unset, nil
}

// withField returns a copy of the mapping m with the field at keys set to
// v, its missing parents added; ok is false when m, or a field on the
// way, is not a mapping.
func withField(m any, keys []string, v any) (any, bool) {
	src, ok := m.(map[string]any)
	if !ok {
		return nil, false
	}
	out := make(map[string]any, len(src)+1)
	for k, x := range src {
		out[k] = x
	}
	if len(keys) == 1 {
		out[keys[0]] = v
		return out, true
	}
	child, there := src[keys[0]]
	if !there {
		child = map[string]any{}
	}
	c, ok := withField(child, keys[1:], v)
	if !ok {
		return nil, false
	}
	out[keys[0]] = c
	return out, true
}
