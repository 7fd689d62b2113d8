package locate

import (
	"fmt"
	"github.com/runbook-translator/runbook-translator/messages"
	"strconv"
	"strings"

	"github.com/runbook-translator/runbook-translator/internal/fieldpath"
)

// MaxHintLen bounds a field path; catalog entries are written by people and
// a longer path is a mistake, not a field.
const MaxHintLen = fieldpath.MaxLen

// segment is one step of a field path: a mapping key, a sequence selector,
// or both ("containers[name=web]" is the key containers then the selector).
type segment struct {
	// key is a mapping key; "" when the step is only a selector.
	key string
	// sel selects items of a sequence; nil for a plain key.
	sel *selector
	// ptr marks a JSON-pointer token: a number is an index on a sequence and
	// a key on a mapping.
	ptr bool
}

type selKind int

const (
	selIndex selKind = iota // [3]
	selMatch                // [name=web]
	selAny                  // [*]
)

// selector picks items of a sequence.
type selector struct {
	kind  selKind
	index int
	field string
	value string
}

// path is a parsed field path.
type fieldPath []segment

// CheckHint reports whether s is a valid field path (the `locate:` field of
// a runbook entry), so that catalog loading can reject a typo early.
//
// Syntax: keys separated by dots; a key may be "quoted" when it contains a
// dot or bracket (metadata.annotations."helm.sh/hook"). A key may be followed
// by selectors on the sequence it holds: [2] (index), [name=web] (the item
// whose field name is web), [*] (any item). A selector value $name or
// ${name} is replaced by the finding's Extra[name] (e.g. [name=$container]).
// Pod-spec paths are written once for every workload kind: see the package
// documentation. Alternatives are separated by "|"
// (spec.hostPID|spec.hostIPC|spec.hostNetwork); each must be a valid path.
func CheckHint(s string) error {
	if len(s) > MaxHintLen {
		return fmt.Errorf("parse field path: longer than %d bytes", MaxHintLen)
	}
	for _, alt := range strings.Split(s, "|") {
		if _, err := parsePath(alt); err != nil {
			return err
		}
	}
	return nil
}

// named keeps, of several alternatives, those whose last key the finding
// names (in its code or message, e.g. "hostIPC" in "shares host's IPC
// namespace (via hostIPC=true)" or in polaris's code hostIPCSet), so that one
// hint covers a family of checks without pointing a hostIPC finding at
// hostPID. When none or all are named, the alternatives are kept as written.
func named(alts []fieldPath, text string) []fieldPath {
	if len(alts) < 2 {
		return alts
	}
	var out []fieldPath
	for _, p := range alts {
		if k := p[len(p)-1].key; k != "" && mentions(text, k) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return alts
	}
	return out
}

// mentions reports whether text contains word at the start of a word
// ("hostIPC" in "via hostIPC=true" and in "hostIPCSet", not in "xhostIPC").
func mentions(text, word string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], word)
		if j < 0 {
			return false
		}
		at := i + j
		if at == 0 || !isWordByte(text[at-1]) {
			return true
		}
		i = at + 1
	}
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// parsePath parses a field path; see CheckHint for the syntax.
func parsePath(s string) (fieldPath, error) {
	steps, err := fieldpath.Parse(s)
	if err != nil {
		return nil, err
	}
	out := make(fieldPath, len(steps))
	for i, st := range steps {
		out[i].key = st.Key
		if sel := st.Sel; sel != nil {
			out[i].sel = &selector{index: sel.Index, field: sel.Field, value: sel.Value}
			switch sel.Kind {
			case fieldpath.Index:
				out[i].sel.kind = selIndex
			case fieldpath.Match:
				out[i].sel.kind = selMatch
			case fieldpath.Any:
				out[i].sel.kind = selAny
			}
		}
	}
	return out, nil
}

// expand replaces $name and ${name} selector values by extra[name]. It fails
// when a placeholder has no single value: kube-score lists several
// containers comma-separated, and pointing at one of them would be a guess.
func (p fieldPath) expand(extra map[string]string) (fieldPath, error) {
	out := make(fieldPath, len(p))
	copy(out, p)
	for i, seg := range out {
		if seg.sel == nil || seg.sel.kind != selMatch || !strings.HasPrefix(seg.sel.value, "$") {
			continue
		}
		name := strings.TrimPrefix(seg.sel.value, "$")
		if strings.HasPrefix(name, "{") && strings.HasSuffix(name, "}") {
			name = name[1 : len(name)-1]
		}
		v := extra[name]
		if v == "" || strings.Contains(v, ",") {
			return nil, messages.Errorf("fixnote.placeholder_multi", name)
		}
		sel := *seg.sel
		sel.value = v
		out[i].sel = &sel
	}
	return out, nil
}

// hasPrefix reports whether p starts with the plain keys, without selectors.
func (p fieldPath) hasPrefix(keys []string) bool {
	if len(p) < len(keys) {
		return false
	}
	for i, k := range keys {
		if p[i].key != k {
			return false
		}
		// a selector on the last prefix key belongs to the remainder
		// (spec.template.spec[...] is not a pod-spec path).
		if p[i].sel != nil {
			return false
		}
	}
	return true
}

// String renders a path in hint syntax.
func (p fieldPath) String() string {
	var b strings.Builder
	for i, seg := range p {
		if seg.key != "" {
			if i > 0 {
				b.WriteByte('.')
			}
			if strings.ContainsAny(seg.key, ".[]\" ") {
				b.WriteString(`"` + seg.key + `"`)
			} else {
				b.WriteString(seg.key)
			}
		}
		if seg.sel != nil {
			b.WriteString(seg.sel.String())
		}
	}
	return b.String()
}

func (s *selector) String() string {
	switch s.kind {
	case selAny:
		return "[*]"
	case selIndex:
		return "[" + strconv.Itoa(s.index) + "]"
	}
	return "[" + s.field + "=" + s.value + "]"
}

// templatePrefix is where the pod template (its metadata and spec) of each
// workload kind lives; a Pod is its own template. ok is false for kinds
// without pods.
func templatePrefix(kind string) (prefix []string, ok bool) {
	switch kind {
	case "Pod":
		return nil, true
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job":
		return []string{"spec", "template"}, true
	case "CronJob":
		return []string{"spec", "jobTemplate", "spec", "template"}, true
	case "PodTemplate":
		return []string{"template"}, true
	}
	return nil, false
}

// podSpecPrefix is where the pod spec of each workload kind lives.
func podSpecPrefix(kind string) []string {
	pre, ok := templatePrefix(kind)
	if !ok {
		return nil
	}
	return append(append([]string{}, pre...), "spec")
}

// podSpecFields are the fields of a core/v1 PodSpec. A hint "spec.<field>"
// is a pod-spec path only when <field> is one of them, so that
// "spec.replicas" on a Deployment is left alone.
var podSpecFields = map[string]bool{
	"activeDeadlineSeconds": true, "affinity": true, "automountServiceAccountToken": true,
	"containers": true, "dnsConfig": true, "dnsPolicy": true, "enableServiceLinks": true,
	"ephemeralContainers": true, "hostAliases": true, "hostIPC": true, "hostNetwork": true,
	"hostPID": true, "hostUsers": true, "hostname": true, "imagePullSecrets": true,
	"initContainers": true, "nodeName": true, "nodeSelector": true, "os": true,
	"overhead": true, "preemptionPolicy": true, "priority": true, "priorityClassName": true,
	"readinessGates": true, "resourceClaims": true, "resources": true, "restartPolicy": true,
	"runtimeClassName": true, "schedulerName": true, "schedulingGates": true,
	"securityContext": true, "serviceAccount": true, "serviceAccountName": true,
	"setHostnameAsFQDN": true, "shareProcessNamespace": true, "subdomain": true,
	"terminationGracePeriodSeconds": true, "tolerations": true,
	"topologySpreadConstraints": true, "volumes": true,
}

// templateForms are the ways a hint may spell the pod template, longest
// first.
var templateForms = [][]string{
	{"spec", "jobTemplate", "spec", "template"},
	{"spec", "template"},
	{"template"},
}

// forKind rewrites a pod path written for any workload kind into the pod
// template of kind:
//
//   - "spec.<PodSpec field>..." (the Pod spelling),
//   - "spec.template.spec..." / "spec.template.metadata..." (workloads),
//   - "spec.jobTemplate.spec.template.{spec,metadata}..." (CronJob)
//
// all mean the pod template of whatever the document is, so
// "spec.containers[...]" becomes
// "spec.jobTemplate.spec.template.spec.containers[...]" on a CronJob and
// "spec.template.metadata.labels" becomes "metadata.labels" on a Pod. Paths
// that name no PodSpec field, and kinds without pods, are left as written.
func (p fieldPath) forKind(kind string) fieldPath {
	target, ok := templatePrefix(kind)
	if !ok {
		return p
	}
	rebase := func(n int, extra ...string) fieldPath {
		out := make(fieldPath, 0, len(target)+len(extra)+len(p)-n)
		for _, k := range target {
			out = append(out, segment{key: k})
		}
		for _, k := range extra {
			out = append(out, segment{key: k})
		}
		return append(out, p[n:]...)
	}
	for _, form := range templateForms {
		if !p.hasPrefix(form) || len(p) == len(form) {
			continue
		}
		switch next := p[len(form)]; {
		case next.key == "metadata":
			return rebase(len(form))
		case next.key == "spec" && next.sel == nil && (len(p) == len(form)+1 || podSpecFields[p[len(form)+1].key]):
			return rebase(len(form))
		}
	}
	if p.hasPrefix([]string{"spec"}) && len(p) > 1 && podSpecFields[p[1].key] {
		return rebase(1, "spec")
	}
	return p
}

// containerVariants returns p with its first "containers[...]" segment
// moved to initContainers and ephemeralContainers, so that one hint covers
// every kind of container a tool may name.
func (p fieldPath) containerVariants() []fieldPath {
	for i, seg := range p {
		if seg.key != "containers" || seg.sel == nil || seg.sel.kind != selMatch {
			continue
		}
		var out []fieldPath
		for _, list := range []string{"initContainers", "ephemeralContainers"} {
			q := make(fieldPath, len(p))
			copy(q, p)
			q[i].key = list
			out = append(out, q)
		}
		return out
	}
	return nil
}

// parsePointer turns an RFC 6901 JSON pointer (/spec/template/spec/containers/0)
// into a path of pointer tokens.
func parsePointer(ptr string) (fieldPath, error) {
	if len(ptr) > MaxHintLen {
		return nil, fmt.Errorf("parse json pointer: longer than %d bytes", MaxHintLen)
	}
	if ptr == "" || ptr == "/" {
		return fieldPath{}, nil
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, fmt.Errorf("parse json pointer %q: does not start with /", ptr)
	}
	var out fieldPath
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		out = append(out, segment{key: tok, ptr: true})
	}
	return out, nil
}
