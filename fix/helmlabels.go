package fix

import (
	"regexp"
	"strconv"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/runbooks"
	"gopkg.in/yaml.v3"
)

// Labels beside a helper's lines in a Helm template
// ("labels:\n  {{- include "shop.labels" . | nindent 4 }}"): the helper
// may render any key of the mapping, so a key added beside it may become
// a duplicate key of the rendered object. A key the finding reports the
// rendered object lacks is not one the helper rendered (with the values
// the chart was rendered with; the suggestion assumes with other values
// too), and is added on its own line after the action, at the action's
// nindent column.

// absentRule reads, from the message of a finding of tool and code, the
// key its object lacks: path is the field (hint syntax, written once for
// every workload kind, as fix: paths are) with %s for the key.
type absentRule struct {
	tool, code string
	re         func() *regexp.Regexp
	path       string
}

// absentRules are the findings that name a key the rendered object
// lacks. Conftest K8S-010 and K8S-011 are the example policies of
// testdata/inputs/policy/kubernetes/required_labels.rego, which the
// built-in k8s-required-labels and k8s-pod-template-labels entries match:
// `%s: missing required label %q` (a label of the object's own
// metadata.labels, shop.has_label) and `%s: pod template has no "team"
// label`. Keys with dots or slashes are not read (they are not the
// labels these entries add).
var absentRules = []absentRule{
	{"conftest", "K8S-010", lazyre.New(`missing required label "([A-Za-z0-9_-]+)"`), "metadata.labels.%s"},
	{"conftest", "K8S-011", lazyre.New(`pod template has no "([A-Za-z0-9_-]+)" label`), "spec.template.metadata.labels.%s"},
}

// absentPaths are the fields (hint syntax) f's message says its object
// lacks; none for a finding no rule reads.
func absentPaths(f *translator.Finding) []string {
	var out []string
	for _, r := range absentRules {
		if f.Tool != r.tool || f.Code != r.code {
			continue
		}
		for _, sm := range r.re().FindAllStringSubmatch(f.Message, -1) {
			if p := strings.Replace(r.path, "%s", sm[1], 1); !contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// nindentAction matches a line that is one action writing a helper's or a
// value's lines into the mapping it is in: `{{- include "name" . | nindent
// N }}` or `{{- toYaml .Values.x | nindent N }}`, trimming the line break
// before it (nindent starts with one) and not the one after.
var nindentAction = lazyre.New(`^\s*\{\{-\s+(include\s+"[^"{}|]+"\s+[^{}|]+|toYaml\s+[^{}|]+)\|\s*nindent\s+(\d+)\s+\}\}\s*$`)

// nindentOf returns N and whether the action is a toYaml for a line of
// the nindentAction form; ok false for any other line.
func nindentOf(ln string) (n int, toYaml, ok bool) {
	sm := nindentAction().FindStringSubmatch(strings.TrimRight(ln, "\r"))
	if sm == nil {
		return 0, false, false
	}
	n, err := strconv.Atoi(sm[2])
	if err != nil {
		return 0, false, false
	}
	return n, strings.HasPrefix(sm[1], "toYaml"), true
}

// parentOf is the mapping of the masked document root that holds the
// field raw (hint syntax, for kind), or nil: the path is followed by keys
// only, and never into a selector (spec.selector, matchLabels: labels of
// an immutable selector are not added beside a helper's).
func parentOf(root *yaml.Node, kind, raw string) (*yaml.Node, string) {
	fp, err := locate.ParseFieldPath(raw)
	if err != nil {
		return nil, ""
	}
	steps := fp.ForKind(kind).Steps()
	cur := deref(root)
	for i, st := range steps {
		if st.Sel != nil || strings.Contains(strings.ToLower(st.Key), "selector") {
			return nil, ""
		}
		if cur == nil || cur.Kind != yaml.MappingNode {
			return nil, ""
		}
		if i == len(steps)-1 {
			return cur, st.Key
		}
		_, cur = entry(cur, st.Key)
		cur = deref(cur)
	}
	return nil, ""
}

// markerKey is the line of a masked action in a key's place of mapping m
// (helmMask's "~~~~<line>: ~"), 0 when k is not one.
func markerKey(k *yaml.Node) int {
	if !strings.HasPrefix(k.Value, helmMarker) {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimPrefix(k.Value, helmMarker))
	if err != nil {
		return 0
	}
	return n
}

// hasMarker reports whether mapping m has an action in a key's place.
func hasMarker(m *yaml.Node) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if markerKey(m.Content[i]) > 0 {
			return true
		}
	}
	return false
}

// onlyNamedFills leaves out of fx the fill edits of keys in a mapping of
// the masked document d with an action in a key's place when f names
// other keys its object lacks (absent) and fx fills one of them: the
// finding that names the key gets that edit (K8S-010 is one finding per
// label, and the entry fills team and owner). fx as it is otherwise.
func onlyNamedFills(d *locate.Document, fx runbooks.Fix, absent []string) runbooks.Fix {
	if len(absent) == 0 {
		return fx
	}
	out := fx
	out.Edits = nil
	named := false
	for _, ed := range fx.Edits {
		op, p := ed.Op()
		if op == "fill" && contains(absent, p) {
			named = true
		} else if op == "fill" {
			if m, key := parentOf(d.Root, d.Kind, p); m != nil && hasMarker(m) {
				if _, v := entry(m, key); v == nil {
					continue // this finding does not say the object lacks it
				}
			}
		}
		out.Edits = append(out.Edits, ed)
	}
	if !named {
		return fx
	}
	return out
}

// besideHelper says whether the keys inserted at column col beside the
// action on line n (keys, a mapping's keys in the template) may be: the
// action is of the nindentAction form with N == col, it stands in a
// mapping of d where each of keys is one the finding says its object
// lacks, and, for a toYaml (which renders "{}" or "null" for an empty
// value, after which no key can follow), the mapping has a literal key
// too (the chart already relies on the value being a mapping with keys).
// nil when they may; else the reason.
func besideHelper(t *text, d *locate.Document, absent []string, n, col int, keys []string) error {
	ind, toYaml, ok := nindentOf(t.line(n))
	if !ok || ind != col || len(keys) == 0 || len(absent) == 0 {
		return helm("fixnote.helm_keyed", n)
	}
	for _, k := range keys {
		found := false
		for _, p := range absent {
			m, key := parentOf(d.Root, d.Kind, p)
			if m == nil || key != k || !holdsMarker(m, n) {
				continue
			}
			found = true
			if toYaml && !hasLiteralKey(m) {
				return helm("fixnote.helm_toyaml_alone", n)
			}
		}
		if !found {
			return helm("fixnote.helm_keyed_unnamed", n, k)
		}
	}
	return nil
}

func holdsMarker(m *yaml.Node, n int) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if markerKey(m.Content[i]) == n {
			return true
		}
	}
	return false
}

func hasLiteralKey(m *yaml.Node) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if markerKey(m.Content[i]) == 0 {
			return true
		}
	}
	return false
}

// insertedKeys are the keys at column col of the lines of an edit's text.
func insertedKeys(txt string, col int) []string {
	var out []string
	for _, ln := range strings.Split(strings.TrimRight(txt, "\r\n"), "\n") {
		ln = strings.TrimRight(ln, "\r")
		if neutral(ln) || keyColumn(ln) != col || indent(ln) != col {
			continue
		}
		k, _, ok := strings.Cut(ln[col:], ":")
		if !ok {
			continue
		}
		out = append(out, strings.Trim(strings.TrimSpace(k), `"'`))
	}
	return out
}
