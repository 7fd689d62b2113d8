package runbooks

import (
	"errors"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/jsonstr"
	"github.com/runbook-translator/runbook-translator/markdown"
)

// The fast path. text/template executes a body by reflection: every field,
// every function call and every argument goes through reflect.Value, and
// Data escapes every field of the finding up front whether the body reads
// it or not. Catalog bodies use a small part of the language (text, fields
// of the finding, {{if}}, {{with}}, our functions), so a body written only
// in that part is compiled once into steps that read the finding directly
// and escape a field when a step reads it; {{range}} over .Aliases,
// .Extra and .Captures too. Anything else (variables, text/template's own
// functions, a type the steps do not know) keeps text/template, and so does any execution the steps cannot finish
// exactly as text/template would: a function error, an argument of an
// unexpected type, a budget run out. Then the body is executed again by
// text/template, whose output (or error message) is the reference.
// TestFastMatchesTemplate and FuzzFastMatchesTemplate hold the two
// byte-identical on every built-in entry.

// fastEnabled is switched off by tests to compare against text/template.
var fastEnabled = true

// errSlow sends an execution back to text/template.
var errSlow = errors.New("fast path: not handled")

type vkind uint8

const (
	vNil vkind = iota
	vText
	vString
	vInt
	vBool
	vData // the root Data (only as ignoreexample's argument)
)

// fval is a value during fast execution, typed as text/template would see
// it: Text, string, int or bool.
type fval struct {
	k vkind
	s string
	i int
	b bool
	// plain marks Text that is its own raw text (escapePlain): raw
	// need not unescape it ({{with .Path}}{{code .}}, in every specific
	// built-in body).
	plain bool
}

func (v fval) iface() any {
	switch v.k {
	case vText:
		return Text(v.s)
	case vString:
		return v.s
	case vInt:
		return v.i
	case vBool:
		return v.b
	}
	return nil
}

// raw is rawOf(v.iface()) without boxing v.
func (v fval) raw() string {
	switch v.k {
	case vText:
		if v.plain {
			return v.s
		}
		return unescape(Text(v.s))
	case vString:
		return v.s
	case vInt:
		return strconv.Itoa(v.i)
	case vBool:
		return strconv.FormatBool(v.b)
	}
	return rawOf(v.iface())
}

func fromAny(x any) (fval, bool) {
	switch t := x.(type) {
	case Text:
		return fval{k: vText, s: string(t)}, true
	case string:
		return fval{k: vString, s: t}, true
	case int:
		return fval{k: vInt, i: t}, true
	case bool:
		return fval{k: vBool, b: t}, true
	}
	return fval{}, false
}

// truth is text/template's isTrue for the kinds fval holds.
func (v fval) truth() bool {
	switch v.k {
	case vText, vString:
		return v.s != ""
	case vInt:
		return v.i != 0
	case vBool:
		return v.b
	}
	return false
}

type fieldID uint8

const (
	fTool fieldID = iota
	fCode
	fMessage
	fPath
	fResource
	fSeverity
	fToolSeverity
	fURL
	fTitle
	fRemediation
	fLine
	fColumn
	fExtra
	fCaptures
	fAliases // only as what a range iterates
	nFields
)

var fieldIDs = map[string]fieldID{
	"Tool": fTool, "Code": fCode, "Message": fMessage, "Path": fPath, "Resource": fResource,
	"Severity": fSeverity, "ToolSeverity": fToolSeverity, "URL": fURL, "Title": fTitle,
	"Remediation": fRemediation, "Line": fLine, "Column": fColumn, "Extra": fExtra, "Captures": fCaptures,
}

// fref is a field read: .Message, .Raw.Code, .Extra.fixed_version.
type fref struct {
	id  fieldID
	raw bool
	key string // Extra and Captures
}

type argKind uint8

const (
	aField argKind = iota
	aDot
	aRoot // $ or . where dot is the Data
	aConst
	aPipe
)

type farg struct {
	kind argKind
	ref  fref
	c    fval
	pipe *fpipe
}

type fcmd struct {
	fn   string // "" for an operand
	args []farg
	// pf is a printf's constant format when it has only %s, %d, %v and
	// %% directives (fastPrintf).
	pf *fformat
}

// fformat is a printf format split at its verbs: lits[0] verbs[0]
// lits[1] ... lits[n].
type fformat struct {
	lits  []string
	verbs []byte
}

// compileFormat splits format, or returns nil when it has a directive
// other than %s, %d, %v and %%.
func compileFormat(format string) *fformat {
	ff := &fformat{}
	var lit strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			lit.WriteByte(c)
			continue
		}
		if i+1 >= len(format) {
			return nil
		}
		i++
		switch v := format[i]; v {
		case '%':
			lit.WriteByte('%')
		case 's', 'd', 'v':
			ff.lits = append(ff.lits, lit.String())
			ff.verbs = append(ff.verbs, v)
			lit.Reset()
		default:
			return nil
		}
	}
	ff.lits = append(ff.lits, lit.String())
	return ff
}

// fastPrintf is fmt.Sprintf(ff, args...) for arguments that each verb
// prints plainly (a string or Text for %s, an int for %d, any of them or a
// bool for %v) and the right number of them; ok is false otherwise.
func fastPrintf(ff *fformat, args []fval) (string, bool) {
	if len(args) != len(ff.verbs) {
		return "", false
	}
	var parts [8]string
	if len(args) > len(parts) {
		return "", false
	}
	n := 0
	for i, a := range args {
		var s string
		switch {
		case (a.k == vText || a.k == vString) && ff.verbs[i] != 'd':
			s = a.s
		case a.k == vInt && ff.verbs[i] != 's':
			s = strconv.Itoa(a.i)
		case a.k == vBool && ff.verbs[i] == 'v':
			s = strconv.FormatBool(a.b)
		default:
			return "", false
		}
		parts[i] = s
		n += len(s) + len(ff.lits[i])
	}
	n += len(ff.lits[len(args)])
	var b strings.Builder
	b.Grow(n)
	for i := range args {
		b.WriteString(ff.lits[i])
		b.WriteString(parts[i])
	}
	b.WriteString(ff.lits[len(args)])
	return b.String(), true
}

type fpipe struct{ cmds []fcmd }

type stepOp uint8

const (
	opText stepOp = iota
	opAction
	opIf
	opWith
	opRange
	opSegment // steps that read only rule fields, rendered once per value (segment.go)
)

type fstep struct {
	op stepOp
	// text is the literal of an opText step, with its JSON form.
	text        lit
	pipe        *fpipe
	list, else_ []fstep
	// code is the argument of an action that is only {{code X}}, written
	// without building the span first (writeCode).
	code *farg
	// ignore marks an action that is only {{ignoreexample .}}, written
	// piece by piece (writeIgnoreExample).
	ignore bool
	// field is the field of an action that is only a field read whose
	// text is escaped ({{.Message}}, {{.Extra.k}}), written without a
	// string of its own (writeField).
	field *fref
	// over is what a range iterates: .Aliases, .Extra or .Captures
	// (raw or escaped).
	over fref
	// seg is the cache of an opSegment step, whose steps are list.
	seg *segment
}

// fastTmpl is a compiled body.
type fastTmpl struct{ steps []fstep }

// fastFuncs are the functions the steps implement (each calls the same Go
// function as the template would).
var fastFuncs = map[string]bool{
	"code": true, "codeblock": true, "lower": true, "upper": true, "trim": true, "default": true,
	"contains": true, "replace": true, "printf": true, "pathescape": true, "ignoreexample": true,
}

// compileFast compiles t, or returns nil when t uses anything the steps do
// not implement.
func compileFast(t *template.Template) *fastTmpl {
	if t == nil || t.Tree == nil || t.Tree.Root == nil || len(t.Templates()) > 1 {
		return nil
	}
	steps, ok := compileList(t.Tree.Root, true)
	if !ok {
		return nil
	}
	return &fastTmpl{steps: segmentize(steps)}
}

func compileList(l *parse.ListNode, root bool) ([]fstep, bool) {
	if l == nil {
		return nil, true
	}
	var out []fstep
	for _, n := range l.Nodes {
		switch x := n.(type) {
		case *parse.TextNode:
			out = append(out, fstep{op: opText, text: newLit(string(x.Text))})
		case *parse.CommentNode:
		case *parse.ActionNode:
			p, ok := compilePipe(x.Pipe, root)
			if !ok {
				return nil, false
			}
			st := fstep{op: opAction, pipe: p}
			if len(p.cmds) == 1 && p.cmds[0].fn == "code" && len(p.cmds[0].args) == 1 {
				st.code = &p.cmds[0].args[0]
			}
			if len(p.cmds) == 1 && p.cmds[0].fn == "ignoreexample" && len(p.cmds[0].args) == 1 && p.cmds[0].args[0].kind == aRoot {
				st.ignore = true
			}
			if len(p.cmds) == 1 && p.cmds[0].fn == "" && p.cmds[0].args[0].kind == aField {
				if r := p.cmds[0].args[0].ref; !r.raw && r.id != fURL && r.id != fLine && r.id != fColumn {
					st.field = &p.cmds[0].args[0].ref
				}
			}
			out = append(out, st)
		case *parse.IfNode, *parse.WithNode:
			var b *parse.BranchNode
			op := opIf
			if w, ok := x.(*parse.WithNode); ok {
				b, op = &w.BranchNode, opWith
			} else {
				b = &x.(*parse.IfNode).BranchNode
			}
			p, ok := compilePipe(b.Pipe, root)
			if !ok {
				return nil, false
			}
			list, ok := compileList(b.List, root && op == opIf)
			if !ok {
				return nil, false
			}
			els, ok := compileList(b.ElseList, root)
			if !ok {
				return nil, false
			}
			out = append(out, fstep{op: op, pipe: p, list: list, else_: els})
		case *parse.RangeNode:
			over, ok := compileRangeOver(x.Pipe, root)
			if !ok {
				return nil, false
			}
			list, ok := compileList(x.List, false)
			if !ok {
				return nil, false
			}
			els, ok := compileList(x.ElseList, root)
			if !ok {
				return nil, false
			}
			out = append(out, fstep{op: opRange, over: over, list: list, else_: els})
		default:
			return nil, false
		}
	}
	return out, true
}

// compileRangeOver accepts the ranges built-in and catalog bodies write:
// over .Aliases, .Extra or .Captures (or their .Raw or $. forms), without
// variables. Inside, dot is the element (Text, or a string for .Raw).
func compileRangeOver(p *parse.PipeNode, root bool) (fref, bool) {
	if p == nil || len(p.Decl) > 0 || p.IsAssign || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return fref{}, false
	}
	var idents []string
	switch x := p.Cmds[0].Args[0].(type) {
	case *parse.FieldNode:
		if !root {
			return fref{}, false
		}
		idents = x.Ident
	case *parse.VariableNode:
		if len(x.Ident) < 2 || x.Ident[0] != "$" {
			return fref{}, false
		}
		idents = x.Ident[1:]
	default:
		return fref{}, false
	}
	var r fref
	if idents[0] == "Raw" {
		r.raw = true
		idents = idents[1:]
	}
	if len(idents) != 1 {
		return fref{}, false
	}
	switch idents[0] {
	case "Aliases":
		r.id = fAliases
	case "Extra":
		r.id = fExtra
	case "Captures":
		r.id = fCaptures
	default:
		return fref{}, false
	}
	return r, true
}

func compilePipe(p *parse.PipeNode, root bool) (*fpipe, bool) {
	if p == nil || len(p.Decl) > 0 || p.IsAssign || len(p.Cmds) == 0 {
		return nil, false
	}
	fp := &fpipe{}
	for i, c := range p.Cmds {
		if len(c.Args) == 0 {
			return nil, false
		}
		var cmd fcmd
		args := c.Args
		if id, ok := args[0].(*parse.IdentifierNode); ok {
			if !fastFuncs[id.Ident] {
				return nil, false
			}
			cmd.fn = id.Ident
			args = args[1:]
		} else if i > 0 || len(args) != 1 {
			return nil, false
		}
		for _, a := range args {
			fa, ok := compileArg(a, root)
			if !ok {
				return nil, false
			}
			cmd.args = append(cmd.args, fa)
		}
		if cmd.fn == "printf" && len(cmd.args) > 0 && cmd.args[0].kind == aConst && cmd.args[0].c.k == vString {
			cmd.pf = compileFormat(cmd.args[0].c.s)
		}
		fp.cmds = append(fp.cmds, cmd)
	}
	return fp, true
}

func compileArg(a parse.Node, root bool) (farg, bool) {
	switch x := a.(type) {
	case *parse.FieldNode:
		if !root {
			return farg{}, false
		}
		r, ok := compileRef(x.Ident)
		return farg{kind: aField, ref: r}, ok
	case *parse.VariableNode:
		if len(x.Ident) == 0 || x.Ident[0] != "$" {
			return farg{}, false
		}
		if len(x.Ident) == 1 {
			return farg{kind: aRoot}, true
		}
		r, ok := compileRef(x.Ident[1:])
		return farg{kind: aField, ref: r}, ok
	case *parse.DotNode:
		if root {
			return farg{kind: aRoot}, true
		}
		return farg{kind: aDot}, true
	case *parse.StringNode:
		return farg{kind: aConst, c: fval{k: vString, s: x.Text}}, true
	case *parse.BoolNode:
		return farg{kind: aConst, c: fval{k: vBool, b: x.True}}, true
	case *parse.NumberNode:
		// Only plain decimal integers: text/template gives them type int.
		t := strings.TrimPrefix(x.Text, "-")
		if !x.IsInt || t == "" || strings.TrimLeft(t, "0123456789") != "" || (len(t) > 1 && t[0] == '0') || len(t) > 15 {
			return farg{}, false
		}
		return farg{kind: aConst, c: fval{k: vInt, i: int(x.Int64)}}, true
	case *parse.PipeNode:
		p, ok := compilePipe(x, root)
		return farg{kind: aPipe, pipe: p}, ok
	}
	return farg{}, false
}

func compileRef(idents []string) (fref, bool) {
	var r fref
	if len(idents) > 0 && idents[0] == "Raw" {
		r.raw = true
		idents = idents[1:]
	}
	if len(idents) == 0 {
		return r, false
	}
	id, ok := fieldIDs[idents[0]]
	if !ok {
		return r, false
	}
	r.id = id
	switch {
	case len(idents) == 1 && id != fExtra && id != fCaptures:
		return r, true
	case len(idents) == 2 && (id == fExtra || id == fCaptures):
		r.key = idents[1]
		return r, true
	}
	return r, false
}

// fctx is one fast execution.
type fctx struct {
	f    *translator.Finding
	caps map[string]string
	// b is held by value: a pointer would put every execution's budget on
	// the heap (run leaks what c points to).
	b budget
	w *limitWriter
	// esc caches the escaped text of the plain fields read so far.
	esc  [fLine]string
	have uint16
	// plain marks the cached fields whose text is plain (fval.plain).
	plain uint16
}

func (c *fctx) raw(id fieldID) string {
	f := c.f
	switch id {
	case fTool:
		return f.Tool
	case fCode:
		return f.Code
	case fMessage:
		return f.Message
	case fPath:
		return f.Path
	case fResource:
		return f.Resource
	case fSeverity:
		return f.Severity.String()
	case fToolSeverity:
		return f.ToolSeverity
	case fURL:
		return f.URL
	case fTitle:
		return f.Title
	case fRemediation:
		return f.Remediation
	}
	return ""
}

func (c *fctx) read(r fref) fval {
	switch r.id {
	case fLine:
		return fval{k: vInt, i: c.f.Line}
	case fColumn:
		return fval{k: vInt, i: c.f.Column}
	case fExtra, fCaptures:
		m := c.f.Extra
		if r.id == fCaptures {
			m = c.caps
		}
		v := m[r.key]
		if r.raw {
			return fval{k: vString, s: v}
		}
		e, plain := escapePlain(v)
		return fval{k: vText, s: e, plain: plain}
	}
	if r.raw {
		return fval{k: vString, s: c.raw(r.id)}
	}
	if c.have&(1<<r.id) == 0 {
		if r.id == fURL {
			c.esc[r.id] = safeURL(c.f.URL)
		} else {
			e, plain := escapePlain(c.raw(r.id))
			c.esc[r.id] = e
			if plain {
				c.plain |= 1 << r.id
			}
		}
		c.have |= 1 << r.id
	}
	return fval{k: vText, s: c.esc[r.id], plain: c.plain&(1<<r.id) != 0}
}

// writeField writes what read(r) would give for a field whose text is
// escaped (not .URL, .Line or .Column): the escaped text read before, or
// escape of the raw value written through the writer's buffer
// (limitWriter.writeEscaped), without caching it: an action's field is
// rarely read again.
func (c *fctx) writeField(r fref) error {
	switch {
	case r.id == fExtra:
		return c.w.writeEscaped(c.f.Extra[r.key])
	case r.id == fCaptures:
		return c.w.writeEscaped(c.caps[r.key])
	case c.have&(1<<r.id) != 0:
		return c.w.writeString(c.esc[r.id])
	}
	return c.w.writeEscaped(c.raw(r.id))
}

func (c *fctx) run(steps []fstep, dot fval) error {
	for i := range steps {
		s := &steps[i]
		switch s.op {
		case opText:
			if err := c.w.writeLit(&s.text); err != nil {
				return err
			}
		case opAction:
			if s.ignore {
				if err := c.writeIgnoreExample(); err != nil {
					return err
				}
				continue
			}
			if s.field != nil {
				if err := c.writeField(*s.field); err != nil {
					return err
				}
				continue
			}
			if s.code != nil {
				// {{code X}}: the span goes straight into the body.
				a, err := c.arg(s.code, dot)
				if err != nil {
					return err
				}
				if a.k == vNil || a.k == vData {
					return errSlow
				}
				if err := c.writeCode(a.raw()); err != nil {
					return err
				}
				continue
			}
			v, err := c.pipe(s.pipe, dot)
			if err != nil {
				return err
			}
			var out string
			switch v.k {
			case vText, vString:
				out = v.s
			case vInt:
				if err := c.w.writeInt(v.i); err != nil {
					return err
				}
				continue
			case vBool:
				out = strconv.FormatBool(v.b)
			default:
				return errSlow
			}
			if err := c.w.writeString(out); err != nil {
				return err
			}
		case opRange:
			if err := c.rangeOver(s, dot); err != nil {
				return err
			}
		case opSegment:
			if err := c.runSegment(s, dot); err != nil {
				return err
			}
		case opIf, opWith:
			v, err := c.pipe(s.pipe, dot)
			if err != nil {
				return err
			}
			if v.k == vData || v.k == vNil {
				return errSlow
			}
			inner := dot
			if s.op == opWith {
				inner = v
			}
			if v.truth() {
				err = c.run(s.list, inner)
			} else {
				err = c.run(s.else_, dot)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *fctx) pipe(p *fpipe, dot fval) (fval, error) {
	var v fval
	for i := range p.cmds {
		cmd := &p.cmds[i]
		if cmd.fn == "" {
			a, err := c.arg(&cmd.args[0], dot)
			if err != nil {
				return a, err
			}
			v = a
			continue
		}
		var argv [4]fval
		args := argv[:0]
		for j := range cmd.args {
			a, err := c.arg(&cmd.args[j], dot)
			if err != nil {
				return a, err
			}
			args = append(args, a)
		}
		if i > 0 {
			args = append(args, v)
		}
		if cmd.pf != nil {
			if out, ok := fastPrintf(cmd.pf, args[1:]); ok {
				// as call("printf"): a tick, then the result spent
				if err := c.b.tick(1); err != nil {
					return fval{}, errSlow
				}
				if len(out) > maxFuncResult || c.b.spend(out) != nil {
					return fval{}, errSlow
				}
				v = fval{k: vString, s: out}
				continue
			}
		}
		r, err := c.call(cmd.fn, args)
		if err != nil {
			return r, err
		}
		v = r
	}
	return v, nil
}

func (c *fctx) arg(a *farg, dot fval) (fval, error) {
	switch a.kind {
	case aField:
		return c.read(a.ref), nil
	case aDot:
		return dot, nil
	case aRoot:
		return fval{k: vData}, nil
	case aConst:
		return a.c, nil
	case aPipe:
		return c.pipe(a.pipe, dot)
	}
	return fval{}, errSlow
}

// call runs one of our functions as budgetFuncs would; an arity or type
// text/template would refuse goes back to it.
func (c *fctx) call(name string, args []fval) (fval, error) {
	for _, a := range args {
		if a.k == vNil || (a.k == vData && name != "ignoreexample") {
			return fval{}, errSlow
		}
	}
	b := &c.b
	str := func(s string, err error) (fval, error) {
		if err != nil {
			return fval{}, errSlow
		}
		if err := b.spend(s); err != nil {
			return fval{}, errSlow
		}
		return fval{k: vString, s: s}, nil
	}
	anyOut := func(x any, err error) (fval, error) {
		if err != nil {
			return fval{}, errSlow
		}
		v, ok := fromAny(x)
		if !ok {
			return fval{}, errSlow
		}
		if err := b.spend(rawOf(x)); err != nil {
			return fval{}, errSlow
		}
		return v, nil
	}
	switch name {
	case "code":
		if len(args) != 1 {
			return fval{}, errSlow
		}
		return str(markdown.Code(args[0].raw()), nil)
	case "codeblock":
		if len(args) < 1 {
			return fval{}, errSlow
		}
		var langs []string
		for _, l := range args[1:] {
			if l.k != vString {
				return fval{}, errSlow
			}
			langs = append(langs, l.s)
		}
		return str(funcs["codeblock"].(func(any, ...string) string)(args[0].iface(), langs...), nil)
	case "lower", "upper", "trim":
		if len(args) != 1 {
			return fval{}, errSlow
		}
		fn := strings.ToLower
		switch name {
		case "upper":
			fn = strings.ToUpper
		case "trim":
			fn = strings.TrimSpace
		}
		return anyOut(mapText(args[0].iface(), fn), nil)
	case "default":
		if len(args) < 1 {
			return fval{}, errSlow
		}
		if err := b.tick(1); err != nil {
			return fval{}, errSlow
		}
		rest := make([]any, len(args)-1)
		for i, a := range args[1:] {
			rest[i] = a.iface()
		}
		v, ok := fromAny(funcs["default"].(func(any, ...any) any)(args[0].iface(), rest...))
		if !ok {
			return fval{}, errSlow
		}
		return v, nil
	case "contains":
		if len(args) != 2 {
			return fval{}, errSlow
		}
		if err := b.tick(1); err != nil {
			return fval{}, errSlow
		}
		return fval{k: vBool, b: strings.Contains(args[1].raw(), args[0].raw())}, nil
	case "replace":
		if len(args) != 3 || args[0].k != vString || args[1].k != vString {
			return fval{}, errSlow
		}
		if err := b.tick(1); err != nil {
			return fval{}, errSlow
		}
		return anyOut(funcs["replace"].(func(string, string, any) (any, error))(args[0].s, args[1].s, args[2].iface()))
	case "printf":
		if len(args) < 1 || args[0].k != vString {
			return fval{}, errSlow
		}
		if err := b.tick(1); err != nil {
			return fval{}, errSlow
		}
		rest := make([]any, len(args)-1)
		for i, a := range args[1:] {
			rest[i] = a.iface()
		}
		return str(boundedSprintf(args[0].s, rest...))
	case "pathescape":
		if len(args) != 1 {
			return fval{}, errSlow
		}
		return str(funcs["pathescape"].(func(any) string)(args[0].iface()), nil)
	case "ignoreexample":
		if len(args) != 1 || args[0].k != vData {
			return fval{}, errSlow
		}
		f := c.f
		return str(ignoreExampleOf(f.Tool, f.Code, f.Path, f.Resource), nil)
	}
	return fval{}, errSlow
}

// rangeOver runs a range step as text/template does: the else list when
// there is nothing to iterate, otherwise the body once per element with
// dot set to it (a map in key order), each iteration counted as one step
// (the tick addTicks puts at the start of every range body).
func (c *fctx) rangeOver(s *fstep, dot fval) error {
	k := vText
	if s.over.raw {
		k = vString
	}
	elem := func(v string) error {
		if err := c.b.tick(1); err != nil {
			return errSlow
		}
		if k == vText {
			v = escape(v)
		}
		return c.run(s.list, fval{k: k, s: v})
	}
	if s.over.id == fAliases {
		if len(c.f.Aliases) == 0 {
			return c.run(s.else_, dot)
		}
		for _, a := range c.f.Aliases {
			if err := elem(a); err != nil {
				return err
			}
		}
		return nil
	}
	m := c.f.Extra
	if s.over.id == fCaptures {
		m = c.caps
	}
	if len(m) == 0 {
		return c.run(s.else_, dot)
	}
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if err := elem(m[key]); err != nil {
			return err
		}
	}
	return nil
}

// writeIgnoreExample writes ignoreExampleOf of the finding into the body,
// spending for it what the ignoreexample function's result would.
func (c *fctx) writeIgnoreExample() error {
	f := c.f
	if w := c.w; w.json {
		vals := [...]string{f.Tool, f.Code, f.Path, f.Resource}
		if enc, n, ok := appendIgnoreExampleJSON(w.enc, &vals); ok && w.raw+n <= w.max {
			if err := c.spendIgnore(n); err != nil {
				return err
			}
			w.enc = enc
			w.raw += n
			w.nl = 0
			return nil
		}
	}
	var parts [ignoreParts]string
	k, n, ok := ignoreExampleParts(f.Tool, f.Code, f.Path, f.Resource, &parts)
	if !ok {
		out, err := c.call("ignoreexample", []fval{{k: vData}})
		if err != nil {
			return err
		}
		return c.w.writeString(out.s)
	}
	if err := c.spendIgnore(n); err != nil {
		return err
	}
	// The head and the tail are the same in every example: their JSON
	// forms are made once.
	if err := c.w.writeLit(&ignoreHeadLit); err != nil {
		return err
	}
	for _, p := range parts[1 : k-2] {
		if err := c.w.writeString(p); err != nil {
			return err
		}
	}
	if err := c.w.writeLit(&ignoreTailLit); err != nil {
		return err
	}
	return c.w.writeString(parts[k-1])
}

var ignoreHeadLit, ignoreTailLit = newLit(ignoreExampleHead), newLit(ignoreExampleTail)

// spendIgnore is b.spend of an ignore example of n bytes, without the
// block.
func (c *fctx) spendIgnore(n int) error {
	if err := c.b.tick(1); err != nil {
		return errSlow
	}
	c.b.bytes += n
	if c.b.bytes > maxRenderBytes {
		c.b.err = errRenderBytes
		return errSlow
	}
	return nil
}

// ignoreLines are the starts of an ignore example's lines, per key (tool,
// code, path, resource): for the first line, then for the others.
var ignoreLines = [2][4]string{
	{"  - tool: ", "  - code: ", "  - path: ", "  - resource: "},
	{"    tool: ", "    code: ", "    path: ", "    resource: "},
}

// ignoreClass classifies the bytes of an ignore example's values for
// appendIgnoreExampleJSON: ycPrintable for what ignoreExampleParts
// accepts (printable ASCII but '`'), ycPlain for what plainYAML accepts
// after the first byte ([A-Za-z0-9._/-]).
var ignoreClass = func() (t [256]uint8) {
	for c := 0x20; c < 0x7f; c++ {
		if c == '`' {
			continue
		}
		t[c] = ycPrintable
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("._/-", byte(c)) >= 0 {
			t[c] |= ycPlain
		}
	}
	return t
}()

const (
	ycPrintable uint8 = 1 << iota
	ycPlain
)

// appendIgnoreExampleJSON appends the JSON form (escaped, without quotes)
// of ignoreExampleParts' block for vals (tool, code, path, resource) and
// returns the block's length; ok is false, and dst's contents unchanged,
// when ignoreExampleParts would refuse the values. One pass per value
// checks it and tells whether yamlScalar leaves it unquoted; the lines'
// starts, the head and the tail are plain or escaped once. The JSON bodies
// oracle (TestJSONBodiesMatchRender, FuzzJSONBodies) holds it to the
// rendered block.
func appendIgnoreExampleJSON(dst []byte, vals *[4]string) (_ []byte, n int, ok bool) {
	orig := len(dst)
	dst = append(dst, ignoreHeadLit.enc...)
	n = len(ignoreExampleHead)
	line := 0
	for i, v := range vals {
		if v == "" {
			continue
		}
		all := ignoreClass[v[0]]
		if c := v[0] | 0x20; c < 'a' || c > 'z' {
			all &^= ycPlain // plainYAML: a letter first
		}
		for j := 1; j < len(v); j++ {
			all &= ignoreClass[v[j]]
		}
		if all&ycPrintable == 0 {
			return dst[:orig], 0, false
		}
		plain := all&ycPlain != 0
		start := ignoreLines[line][i]
		line = 1
		dst = append(dst, start...)
		q := v
		if !plain || len(v) <= 5 {
			q = yamlScalar(v) // quoted, or a short word YAML would read as another type
		}
		if q[0] == '"' {
			dst, _ = jsonstr.AppendValid(dst, q) // printable ASCII: valid
		} else {
			dst = append(dst, q...) // plainYAML: nothing to escape
		}
		dst = append(dst, '\\', 'n')
		n += len(start) + len(q) + 1
	}
	if line == 0 {
		return dst[:orig], 0, false // every value empty
	}
	dst = append(dst, ignoreTailLit.enc...)
	dst = append(dst, "```"...)
	return dst, n + len(ignoreExampleTail) + 3, true
}

// writeCode writes markdown.Code(s) into the body, spending for it what
// the code function's result would (budgetFuncs). Text that needs
// sanitizing or holds a newline takes markdown.Code itself.
func (c *fctx) writeCode(s string) error {
	plain, jsonSafe := true, true
	run, best := 0, 0
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b < 0x20 || b >= 0x7f {
			plain = false
			break
		}
		if !jsonstr.Safe[b] {
			jsonSafe = false
		}
		if b == '`' {
			run++
			if run > best {
				best = run
			}
		} else {
			run = 0
		}
	}
	if !plain {
		out, err := c.call("code", []fval{{k: vString, s: s}})
		if err != nil {
			return err
		}
		return c.w.writeString(out.s)
	}
	if s == "" {
		if err := c.b.spend(""); err != nil {
			return errSlow
		}
		return nil
	}
	pad := ""
	if s[0] == '`' || s[len(s)-1] == '`' || s[0] == ' ' && s[len(s)-1] == ' ' {
		pad = " "
	}
	n := best + 1
	// b.spend of the span, without the span.
	if err := c.b.tick(1); err != nil {
		return errSlow
	}
	c.b.bytes += 2*n + 2*len(pad) + len(s)
	if c.b.bytes > maxRenderBytes {
		c.b.err = errRenderBytes
		return errSlow
	}
	const ticks = "````````````````"
	fence := ticks[:min(n, len(ticks))]
	if n > len(ticks) {
		fence = strings.Repeat("`", n)
	}
	if w := c.w; w.json && jsonSafe {
		// Nothing in the span to escape (a path, mostly): its bytes are
		// its JSON form.
		if size := 2*len(fence) + 2*len(pad) + len(s); w.raw+size <= w.max {
			w.enc = append(append(append(append(append(w.enc, fence...), pad...), s...), pad...), fence...)
			w.raw += size
			w.nl = 0
			return nil
		}
	}
	for _, part := range [...]string{fence, pad, s, pad, fence} {
		if err := c.w.writeString(part); err != nil {
			return err
		}
	}
	return nil
}

// execFast runs ft on f into w within b.
func execFast(ft *fastTmpl, w *limitWriter, f *translator.Finding, caps map[string]string, b *budget) error {
	c := fctx{f: f, caps: caps, b: *b, w: w}
	err := c.run(ft.steps, fval{k: vData})
	*b = c.b
	return err
}
