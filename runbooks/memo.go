package runbooks

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"
	"text/template/parse"

	translator "github.com/runbook-translator/runbook-translator"
)

// Rendered bodies are memoised. A body is a pure function of the finding
// values its template reads (the template funcs are pure), and real scanner
// output repeats those values: shellcheck's SC2086 message appears on
// thousands of lines, and an entry that reads only .Message, .Raw.Code and
// .Raw.Tool renders the same body for all of them. Executing a
// text/template (reflection for every field and func call) costs tens of
// µs per finding; a cache hit costs a key build and a map lookup.
//
// The values a template reads are found once per entry by walking its
// parse tree (memoFields). A template whose reads cannot be named exactly
// ({{range}}, variables, sub-templates, . passed anywhere but to
// ignoreexample) is never memoised, so the cache can never change a body.

// memoMaxBytes bounds the cache (keys and bodies); it is emptied when full,
// so memory stays flat on inputs where nothing repeats. 8 MiB holds the
// working set of every benchmark input (the hit counts of trivy SARIF,
// hadolint and shellcheck at 200k lines are those of 32 MiB), and the
// cache is live heap: at 32 MiB it was a fifth of the peak RSS of
// `review -f sarif -r sarif` on a 103 MiB trivy log.
const memoMaxBytes = 8 << 20

// memoMaxBody is the largest body kept: long bodies are rare and costly
// to hold.
const memoMaxBody = 16 << 10

// memoEnabled is switched off by tests to compare against plain execution.
var memoEnabled = true

type memoKey struct {
	ce  *centry
	key string
	// json: the body is kept in its JSON form (renderAs).
	json bool
}

var bodyMemo struct {
	mu    sync.RWMutex
	m     map[memoKey]string
	bytes int
}

func memoGet(k memoKey) (string, bool) {
	bodyMemo.mu.RLock()
	b, ok := bodyMemo.m[k]
	bodyMemo.mu.RUnlock()
	return b, ok
}

func memoPut(k memoKey, body string) {
	if len(body) > memoMaxBody {
		return
	}
	n := len(k.key) + len(body) + 64
	bodyMemo.mu.Lock()
	if bodyMemo.m == nil || bodyMemo.bytes+n > memoMaxBytes {
		bodyMemo.m, bodyMemo.bytes = map[memoKey]string{}, 0
	}
	bodyMemo.m[k] = body
	bodyMemo.bytes += n
	bodyMemo.mu.Unlock()
}

// memoProbe is how many lookups an entry's memo gets before it must show
// a hit rate of at least 1 in 4 to be kept: on input where every message is
// distinct (real lint output naming symbols and numbers) a key costs more
// than the fast path's render, and every miss stores a body that is never
// read again. 256 lookups tell a rate of 1 in 4 from one of 1 in 50 (the
// shellcheck-shaped benchmark); at 2,048 the probes of its 35 entries
// alone were a third of its findings.
const memoProbe = 256

// memoPlan is what an entry's template reads, or cacheable=false.
type memoPlan struct {
	once      sync.Once
	cacheable bool
	// lookups and hits measure whether the memo pays (pays).
	lookups, hits atomic.Int64
	// fields are Data paths: "Message", "Line", "Extra", "Extra.fixed_version",
	// "Captures.kind" ... (Raw.X and X read the same finding value).
	fields []string
}

// pays reports whether the memo is still consulted for this entry.
func (p *memoPlan) pays() bool {
	n := p.lookups.Load()
	return n < memoProbe || p.hits.Load()*4 >= n
}

// MemoStats returns how many memo lookups the catalog's entries made and
// how many hit, and how many entries dropped their memo for a low hit rate
// (review --debug prints them).
func (c *Catalog) MemoStats() (lookups, hits int64, dropped int) {
	entries := append([]*centry{c.fb}, c.live...)
	if c.base != nil {
		entries = append(entries, c.base.decoded()...)
	}
	for _, e := range entries {
		if e == nil {
			continue
		}
		n := e.memo.lookups.Load()
		lookups += n
		hits += e.memo.hits.Load()
		if !e.memo.pays() {
			dropped++
		}
	}
	return lookups, hits, dropped
}

// memoKeyOf builds the cache key of f for ce, or "" when ce is not
// memoised.
func memoKeyOf(ce *centry, f *translator.Finding, caps map[string]string) (string, bool) {
	if !memoEnabled {
		return "", false
	}
	p := &ce.memo
	p.once.Do(func() { p.fields, p.cacheable = memoFields(ce.template()) })
	if !p.cacheable || !p.pays() {
		return "", false
	}
	var b strings.Builder
	put := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	for _, field := range p.fields {
		name, sub, _ := strings.Cut(field, ".")
		switch name {
		case "Tool":
			put(f.Tool)
		case "Code":
			put(f.Code)
		case "Message":
			put(f.Message)
		case "Path":
			put(f.Path)
		case "Resource":
			put(f.Resource)
		case "Severity":
			put(f.Severity.String())
		case "ToolSeverity":
			put(f.ToolSeverity)
		case "URL":
			put(f.URL)
		case "Title":
			put(f.Title)
		case "Remediation":
			put(f.Remediation)
		case "Line":
			put(strconv.Itoa(f.Line))
		case "Column":
			put(strconv.Itoa(f.Column))
		case "Aliases":
			put(strconv.Itoa(len(f.Aliases)))
			for _, a := range f.Aliases {
				put(a)
			}
		case "Extra", "Captures":
			m := f.Extra
			if name == "Captures" {
				m = caps
			}
			if sub != "" {
				v, ok := m[sub]
				if ok {
					put("1" + v)
				} else {
					put("0")
				}
				continue
			}
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			put(strconv.Itoa(len(keys)))
			for _, k := range keys {
				put(k)
				put(m[k])
			}
		default:
			return "", false
		}
	}
	return b.String(), true
}

// dataFields are the fields of Data (and RawData) a key can name.
var dataFields = map[string]bool{
	"Tool": true, "Code": true, "Message": true, "Path": true, "Resource": true,
	"Severity": true, "ToolSeverity": true, "URL": true, "Title": true, "Remediation": true,
	"Line": true, "Column": true, "Aliases": true, "Extra": true, "Captures": true,
}

// memoFields walks t's parse tree and returns the Data paths it reads, or
// ok=false when it reads something it cannot name exactly.
func memoFields(t *template.Template) (fields []string, ok bool) {
	if t == nil || t.Tree == nil || len(t.Templates()) > 1 {
		return nil, false
	}
	w := &memoWalker{seen: map[string]bool{}, ok: true}
	w.node(t.Tree.Root, true)
	if !w.ok {
		return nil, false
	}
	for f := range w.seen {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	return fields, true
}

type memoWalker struct {
	seen map[string]bool
	ok   bool
}

// path records a field path such as [Raw Code] or [Extra container].
func (w *memoWalker) path(idents []string) {
	if len(idents) > 0 && idents[0] == "Raw" {
		idents = idents[1:]
	}
	if len(idents) == 0 || !dataFields[idents[0]] {
		w.ok = false
		return
	}
	switch {
	case len(idents) == 1:
		w.seen[idents[0]] = true
	case len(idents) == 2 && (idents[0] == "Extra" || idents[0] == "Captures"):
		w.seen[idents[0]+"."+idents[1]] = true
	default:
		w.ok = false // e.g. .Message.Foo: an execution error, never cached
	}
}

// node walks n; root says whether dot is the Data (false inside {{with}},
// where dot is the with value, already part of the key).
func (w *memoWalker) node(n parse.Node, root bool) {
	if !w.ok || n == nil {
		return
	}
	switch x := n.(type) {
	case *parse.ListNode:
		if x == nil {
			return
		}
		for _, c := range x.Nodes {
			w.node(c, root)
		}
	case *parse.TextNode, *parse.CommentNode:
	case *parse.ActionNode:
		w.pipe(x.Pipe, root)
	case *parse.IfNode:
		w.pipe(x.Pipe, root)
		w.node(x.List, root)
		w.node(x.ElseList, root)
	case *parse.WithNode:
		w.pipe(x.Pipe, root)
		// Inside, dot is the pipeline's value: covered by the key only
		// when the pipeline is one field read.
		if len(x.Pipe.Cmds) != 1 || len(x.Pipe.Cmds[0].Args) != 1 {
			w.ok = false
			return
		}
		switch x.Pipe.Cmds[0].Args[0].(type) {
		case *parse.FieldNode, *parse.VariableNode:
		default:
			if !root {
				w.ok = false
				return
			}
		}
		w.node(x.List, false)
		w.node(x.ElseList, root)
	default: // range, template, break, continue, ...
		w.ok = false
	}
}

func (w *memoWalker) pipe(p *parse.PipeNode, root bool) {
	if p == nil {
		return
	}
	if len(p.Decl) > 0 {
		w.ok = false
		return
	}
	for _, c := range p.Cmds {
		for i, a := range c.Args {
			w.arg(a, root, i == 1 && isIdent(c.Args[0], "ignoreexample") && len(c.Args) == 2)
		}
	}
}

func isIdent(n parse.Node, name string) bool {
	id, ok := n.(*parse.IdentifierNode)
	return ok && id.Ident == name
}

// arg walks one command argument. ignoreArg says it is the argument of
// {{ignoreexample .}}, which reads Raw.Tool, Raw.Code, Raw.Path and
// Raw.Resource.
func (w *memoWalker) arg(a parse.Node, root, ignoreArg bool) {
	switch x := a.(type) {
	case *parse.FieldNode:
		if !root {
			w.ok = false // a field of the {{with}} value
			return
		}
		w.path(x.Ident)
	case *parse.VariableNode:
		if len(x.Ident) < 2 || x.Ident[0] != "$" {
			w.ok = false
			return
		}
		w.path(x.Ident[1:])
	case *parse.DotNode:
		switch {
		case !root: // the {{with}} value
		case ignoreArg:
			for _, f := range []string{"Tool", "Code", "Path", "Resource"} {
				w.seen[f] = true
			}
		default:
			w.ok = false
		}
	case *parse.PipeNode:
		w.pipe(x, root)
	case *parse.IdentifierNode, *parse.StringNode, *parse.NumberNode, *parse.BoolNode, *parse.NilNode:
	default: // chains, ...
		w.ok = false
	}
}
