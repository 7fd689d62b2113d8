package fix

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/internal/suggest"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// A rename: edit changes the name of a key and nothing else: the key's
// text on its line is replaced, so its value, its comments and the rest
// of the line stay as written. The key is a field path of the object, or
// "$name": the finding's Extra[name], JSON pointers (comma-separated) to
// keys the schema does not allow (kubeconform's unknown_fields). The new
// name is the edit's to:, or, without one, the one Kubernetes field name
// at that position that is close to the key (kubefields.go): a key equal
// to it but for case, or else within a small edit distance of it, when no
// other field there is as close. Anything less certain is no suggestion.

// renameTarget is one key to rename.
type renameTarget struct {
	parent, key *yaml.Node
	// at is the parent mapping's JSON pointer tokens (for the field names
	// at that position).
	at  []string
	ptr string // the key, as the finding or the fix names it
}

// renamed is one key renamed: at the mapping at, from became to, holding
// val (the value node before the edit).
type renamed struct {
	at       []string
	from, to string
	val      *yaml.Node
}

// renameYAML applies one rename: edit to the finding's document and
// checks the result.
func renameYAML(src string, loc docLocator, ed runbooks.FixEdit, vars map[string]string) (string, error) {
	d, _, err := loc(src)
	if err != nil {
		return "", err
	}
	targets, err := renameTargets(&d, ed, vars)
	if err != nil {
		return "", err
	}
	var done []renamed
	taken := map[*yaml.Node]map[string]bool{}
	apiVersion := scalar(deref(d.Root), "apiVersion")
	t := newText(src)
	var sps []splice
	for _, tg := range targets {
		to := ed.To
		if to == "" {
			where := "/" + strings.Join(tg.at, "/")
			names, ok := kubeFields().fieldsAt(apiVersion, d.Kind, tg.at)
			if !ok {
				return "", notHereP("fixnote.rename_unknown", apiVersion, d.Kind, where)
			}
			if contains(names, tg.key.Value) {
				return "", notHereP("fixnote.rename_known", tg.key.Value, apiVersion, d.Kind, where)
			}
			cands := closeFields(tg.key.Value, names)
			switch len(cands) {
			case 0:
				return "", notHereP("fixnote.rename_no_match", apiVersion, d.Kind, where, tg.key.Value)
			case 1:
				to = cands[0]
			default:
				return "", notHereP("fixnote.rename_ambiguous", tg.key.Value, where, strings.Join(cands, ", "))
			}
		}
		if k, _ := entry(tg.parent, to); k != nil || taken[tg.parent][to] {
			return "", notHereP("fixnote.rename_taken", tg.ptr, to)
		}
		sp, err := renameKey(t, tg.key, to)
		if err != nil {
			return "", err
		}
		sps = append(sps, sp)
		if taken[tg.parent] == nil {
			taken[tg.parent] = map[string]bool{}
		}
		taken[tg.parent][to] = true
		_, v := entry(tg.parent, tg.key.Value)
		done = append(done, renamed{at: tg.at, from: tg.key.Value, to: to, val: v})
	}
	out, err := applySplices(src, sps)
	if err != nil {
		return "", err
	}
	if err := renameHolds(out, loc, done); err != nil {
		return "", err
	}
	return out, nil
}

// renameTargets are the keys ed names in the document.
func renameTargets(d *locate.Document, ed runbooks.FixEdit, vars map[string]string) ([]renameTarget, error) {
	if name := runbooks.Placeholder(ed.Rename); name != "" {
		raw := vars[name]
		if raw == "" {
			return nil, notHereP("fixnote.rename_none", name)
		}
		var out []renameTarget
		for _, p := range strings.Split(raw, ",") {
			toks, ok := pointerTokens(strings.TrimSpace(p))
			if !ok || len(toks) == 0 {
				return nil, notHereP("fixnote.rename_missing", p)
			}
			parent := nodeAt(d.Root, toks[:len(toks)-1])
			if parent == nil {
				return nil, notHereP("fixnote.rename_missing", p)
			}
			k, _ := entry(parent, toks[len(toks)-1])
			if k == nil {
				return nil, notHereP("fixnote.rename_missing", p)
			}
			out = append(out, renameTarget{parent: parent, key: k, at: toks[:len(toks)-1], ptr: p})
		}
		return out, nil
	}
	fp, err := locate.ParseFieldPath(ed.Rename)
	if err != nil {
		return nil, err
	}
	ts, err := resolveEdit(d.Root, fp.ForKind(d.Kind).Steps())
	if err != nil {
		return nil, err
	}
	var out []renameTarget
	for _, tg := range ts {
		if tg.key == nil {
			return nil, notHereP("fixnote.rename_missing", ed.Rename)
		}
		at, ok := pathOf(d.Root, tg.parent)
		if !ok {
			return nil, notHereP("fixnote.rename_missing", ed.Rename)
		}
		out = append(out, renameTarget{parent: tg.parent, key: tg.key, at: at, ptr: ed.Rename})
	}
	return out, nil
}

// pointerTokens splits a JSON pointer (RFC 6901) into its unescaped
// tokens; "" is the document itself.
func pointerTokens(p string) ([]string, bool) {
	if p == "" {
		return nil, true
	}
	if p[0] != '/' {
		return nil, false
	}
	toks := strings.Split(p[1:], "/")
	for i, s := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return toks, true
}

// nodeAt is the mapping the pointer tokens lead to in the document, or nil.
func nodeAt(root *yaml.Node, toks []string) *yaml.Node {
	cur := deref(root)
	for _, tok := range toks {
		switch {
		case cur == nil:
			return nil
		case cur.Kind == yaml.MappingNode:
			_, cur = entry(cur, tok)
		case cur.Kind == yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(cur.Content) {
				return nil
			}
			cur = cur.Content[i]
		default:
			return nil
		}
		cur = deref(cur)
	}
	if cur == nil || cur.Kind != yaml.MappingNode {
		return nil
	}
	return cur
}

// closeFields are the names that key may be a misspelling of: the names
// equal to it but for case when there are any, else those within a small
// edit distance (one for a key of up to five characters, two for a longer
// one; a swap of two neighbouring letters counts one).
func closeFields(key string, names []string) []string {
	lk := strings.ToLower(key)
	var folded, near []string
	limit := 2
	if len(key) <= 5 {
		limit = 1
	}
	for _, n := range names {
		ln := strings.ToLower(n)
		if ln == lk {
			folded = append(folded, n)
			continue
		}
		if suggest.Distance(lk, ln) <= limit {
			near = append(near, n)
		}
	}
	if len(folded) > 0 {
		return folded
	}
	return near
}

// renameKey is the splice that writes the key k as to, in its own style
// (plain, or the same quotes); a key written otherwise (escaped, a
// complex key) is not renamed.
func renameKey(t *text, k *yaml.Node, to string) (splice, error) {
	ln := t.line(k.Line)
	c := k.Column - 1
	bad := func() (splice, error) {
		return splice{}, notHereP("fixnote.rename_style", k.Value, k.Line)
	}
	if c < 0 || c >= len(ln) {
		return bad()
	}
	start := t.offset(k.Line, k.Column)
	switch k.Style {
	case 0:
		if !strings.HasPrefix(ln[c:], k.Value) {
			return bad()
		}
		txt, err := renderScalar(to, nil)
		if err != nil {
			return splice{}, err
		}
		return splice{start: start, end: start + len(k.Value), text: txt}, nil
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		q := `"`
		if k.Style == yaml.SingleQuotedStyle {
			q = "'"
		}
		if !strings.HasPrefix(ln[c:], q+k.Value+q) || strings.ContainsAny(to, `"'\`) {
			return bad()
		}
		return splice{start: start + 1, end: start + 1 + len(k.Value), text: to}, nil
	}
	return bad()
}

// pathOf is the JSON pointer tokens of the node n in the tree under
// root (found by identity), and whether it is there.
func pathOf(root, n *yaml.Node) ([]string, bool) {
	var walk func(cur *yaml.Node, depth int) ([]string, bool)
	walk = func(cur *yaml.Node, depth int) ([]string, bool) {
		if cur == n {
			return []string{}, true
		}
		if cur == nil || depth > 64 {
			return nil, false
		}
		switch cur.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(cur.Content); i += 2 {
				if p, ok := walk(cur.Content[i+1], depth+1); ok {
					return append([]string{cur.Content[i].Value}, p...), true
				}
			}
		case yaml.SequenceNode:
			for i, it := range cur.Content {
				if p, ok := walk(it, depth+1); ok {
					return append([]string{strconv.Itoa(i)}, p...), true
				}
			}
		case yaml.DocumentNode:
			if len(cur.Content) == 1 {
				return walk(cur.Content[0], depth+1)
			}
		}
		return nil, false
	}
	return walk(root, 0)
}

// renameHolds checks the renames on the edited text: at each position
// the old key is gone and the new one holds the value the old one had.
func renameHolds(src string, loc docLocator, done []renamed) error {
	d, _, err := loc(src)
	if err != nil {
		return messages.Errorf("fixapply.after", messages.Of(err))
	}
	for _, r := range done {
		m := nodeAt(d.Root, r.at)
		if m == nil {
			return messages.Errorf("fixerr.rename", r.from, r.to)
		}
		k, v := entry(m, r.to)
		if old, _ := entry(m, r.from); old != nil || k == nil || !nodeEqual(v, r.val) {
			return messages.Errorf("fixerr.rename", r.from, r.to)
		}
	}
	return nil
}
