package runbooks

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"text/template"
	"text/template/parse"
	"time"

	translator "github.com/runbook-translator/runbook-translator"
)

// Catalog templates come from catalogs the pull request may have written
// (an in-repo catalog in the checkout), so their cost is bounded: at load
// time (checkBounded) against the constructs that loop or recurse without
// bound, at run time by the body cap that aborts execution (limitWriter)
// and by bounded functions (replace, printf). Issue 8 item 8.

const (
	// maxRangeLiteral bounds {{range N}} over a number written in the body.
	maxRangeLiteral = 1000
	// maxRangeDepth bounds nested ranges (each over finding data).
	maxRangeDepth = 2
	// maxFuncResult bounds the string one function call returns.
	maxFuncResult = 1 << 20
	// maxVerbWidth bounds a printf width or precision.
	maxVerbWidth = 1000
)

var errFuncResult = fmt.Errorf("function result over %d bytes", maxFuncResult)

// lineFields are the integer fields a range could count up to (MaxLine).
var lineFields = map[string]bool{"Line": true, "Column": true, "EndLine": true, "EndColumn": true}

// checkBounded rejects a body whose execution time or memory has no bound
// set by the finding's data: {{define}}/{{template}} (recursion), a range
// over a large literal or over a line number, ranges nested deeper than
// maxRangeDepth, and assigning a variable inside a range (string doubling).
func checkBounded(t *template.Template) error {
	if len(t.Templates()) > 1 {
		return errors.New("{{define}} and {{block}} are not allowed in catalog bodies (recursion has no bound)")
	}
	if t.Tree == nil || t.Tree.Root == nil {
		return nil
	}
	return walkBounded(t.Tree.Root, 0)
}

func walkBounded(n parse.Node, depth int) error {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := walkBounded(c, depth); err != nil {
				return err
			}
		}
	case *parse.TemplateNode:
		return fmt.Errorf("{{template %q}} is not allowed in catalog bodies (recursion has no bound)", n.Name)
	case *parse.ActionNode:
		return checkPipe(n.Pipe, depth)
	case *parse.IfNode:
		return walkBranch(&n.BranchNode, depth)
	case *parse.WithNode:
		return walkBranch(&n.BranchNode, depth)
	case *parse.RangeNode:
		if depth+1 > maxRangeDepth {
			return fmt.Errorf("ranges nested deeper than %d are not allowed in catalog bodies", maxRangeDepth)
		}
		if err := checkRangeOver(n.Pipe); err != nil {
			return err
		}
		if err := checkPipe(n.Pipe, depth); err != nil {
			return err
		}
		if err := walkBounded(n.List, depth+1); err != nil {
			return err
		}
		return walkBounded(n.ElseList, depth)
	}
	return nil
}

func walkBranch(b *parse.BranchNode, depth int) error {
	if err := checkPipe(b.Pipe, depth); err != nil {
		return err
	}
	if err := walkBounded(b.List, depth); err != nil {
		return err
	}
	return walkBounded(b.ElseList, depth)
}

// checkPipe rejects assigning (=, not :=) to a variable inside a range: the
// only way a body can grow a value from one iteration to the next.
func checkPipe(p *parse.PipeNode, depth int) error {
	if p == nil {
		return nil
	}
	if p.IsAssign && depth > 0 {
		return errors.New("assigning a variable inside {{range}} is not allowed in catalog bodies (it can grow without bound)")
	}
	return nil
}

// checkRangeOver rejects {{range N}} with N over maxRangeLiteral and a
// range over a line or column number.
func checkRangeOver(p *parse.PipeNode) error {
	if p == nil || len(p.Cmds) == 0 {
		return nil
	}
	last := p.Cmds[len(p.Cmds)-1]
	if len(last.Args) != 1 {
		return nil
	}
	switch a := last.Args[0].(type) {
	case *parse.NumberNode:
		if !a.IsInt || a.Int64 > maxRangeLiteral {
			return fmt.Errorf("{{range %s}}: ranges over a number are limited to %d", a.Text, maxRangeLiteral)
		}
	case *parse.FieldNode:
		if len(a.Ident) > 0 && lineFields[a.Ident[len(a.Ident)-1]] {
			return fmt.Errorf("{{range .%s}}: a range over a line or column number is not allowed", a.Ident[len(a.Ident)-1])
		}
	}
	return nil
}

// boundedSprintf is fmt.Sprintf with widths and precisions of at most
// maxVerbWidth and no '*' (a width taken from an argument).
func boundedSprintf(format string, args ...any) (string, error) {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(format) {
			c := format[j]
			switch {
			case c == '*':
				return "", errors.New("printf: '*' widths are not allowed in catalog bodies")
			case c >= '0' && c <= '9':
				k := j
				for k < len(format) && format[k] >= '0' && format[k] <= '9' {
					k++
				}
				if n, err := strconv.Atoi(format[j:k]); err != nil || n > maxVerbWidth {
					return "", fmt.Errorf("printf: width or precision %s over %d", format[j:k], maxVerbWidth)
				}
				j = k
				continue
			case c == '.' || c == '-' || c == '+' || c == '#' || c == ' ' || c == '[' || c == ']':
			default:
				j = len(format) // the verb: this directive is done
				continue
			}
			j++
		}
	}
	out := fmt.Sprintf(format, args...)
	if len(out) > maxFuncResult {
		return "", errFuncResult
	}
	return out, nil
}

// Run-time budgets (issue 8 item 8). The load check bounds what a body can
// loop over, not what the loops cost together: two nested ranges over a
// finding's 10,000 aliases are 10^8 iterations, and chained print calls
// grow a value fourfold per call without any range. So every execution
// runs on a template clone whose functions share one budget: a tick
// counted in every range body (tickFunc, inserted at the first execution)
// and in every function call, the bytes functions return, and a deadline.
// A render over its budget fails like a broken template: the finding keeps
// its raw message and a note. The entry then trips for the rest of the run
// (its centry lives as long as the loaded catalog), and so does an entry
// whose renders together spend more than the run's budget.
const (
	// maxRenderTicks bounds range iterations plus function calls per render.
	maxRenderTicks = 100_000
	// maxRenderBytes bounds the bytes function calls return per render.
	maxRenderBytes = 8 << 20
	// maxRenderTime bounds one render's wall time (checked every
	// tickClock ticks).
	maxRenderTime = 250 * time.Millisecond
	tickClock     = 64
	// maxEntryTime, plus entryTimePerRender for each render, bounds the
	// time all renders of one entry spend in a run. Built-in bodies take
	// 2-20 µs: a run of a million findings stays far below.
	maxEntryTime       = 20 * time.Second
	entryTimePerRender = time.Millisecond
	// entryTicksPerRender is what each render adds to maxEntryTicks.
	entryTicksPerRender = 1000
)

// maxEntryTicks, plus entryTicksPerRender for each render, bounds the steps
// all renders of one entry take in a run (a variable so that a test can
// lower it). Built-in bodies take under 30 steps.
var maxEntryTicks int64 = 50_000_000

// tickFunc is the function inserted at the start of every range body.
const tickFunc = "_tick"

var (
	errRenderTicks = fmt.Errorf("runbook render over its budget of %d steps", maxRenderTicks)
	errRenderBytes = fmt.Errorf("runbook render over its budget of %d bytes", maxRenderBytes)
	errRenderTime  = fmt.Errorf("runbook render over its time budget of %v", maxRenderTime)
	errTripped     = errors.New("runbook entry disabled for the rest of the run: an earlier render exceeded its budget")
)

// budget is what one execution may still spend. A zero budget starts its
// clock at its first tickClock ticks (the fast path's: most renders end
// before, and reading the clock twice per render was 3% of a run's CPU);
// reset starts it at once.
type budget struct {
	ticks, bytes int
	start        time.Time // zero until the clock starts
	deadline     time.Time
	err          error
}

func (b *budget) reset(now time.Time) {
	*b = budget{start: now, deadline: now.Add(maxRenderTime)}
}

// tick counts n steps; the first error sticks.
func (b *budget) tick(n int) error {
	if b.err != nil {
		return b.err
	}
	before := b.ticks
	b.ticks += n
	switch {
	case b.ticks > maxRenderTicks:
		b.err = errRenderTicks
	case before/tickClock != b.ticks/tickClock:
		now := time.Now()
		if b.start.IsZero() {
			b.start, b.deadline = now, now.Add(maxRenderTime)
		} else if now.After(b.deadline) {
			b.err = errRenderTime
		}
	}
	return b.err
}

// spend counts one call that returned s.
func (b *budget) spend(s string) error {
	if err := b.tick(1); err != nil {
		return err
	}
	b.bytes += len(s)
	if b.bytes > maxRenderBytes {
		b.err = errRenderBytes
	}
	return b.err
}

// budgeted is a template clone bound to its own budget.
type budgeted struct {
	t *template.Template
	b *budget
}

// execState is the per-entry run-time state: the pool of budgeted clones
// and what the entry spent this run.
type execState struct {
	once    sync.Once
	pool    sync.Pool
	ticks   atomic.Int64
	nanos   atomic.Int64
	renders atomic.Int64
	tripped atomic.Bool
	// hint is the size of the last body, to size the next one's buffer.
	hint atomic.Int64
}

// bodyHint returns the buffer size to start a render of ce with.
func (ce *centry) bodyHint() int {
	n := int(ce.run.hint.Load())
	if n < 256 {
		return 256
	}
	if n > MaxBodyBytes {
		return MaxBodyBytes
	}
	return n + n/8
}

// setHint records the size of a body for bodyHint. The workers render the
// same entries: the hint is written only when n outgrows it or falls well
// under it, not on every render (a store to a line every worker reads).
func (st *execState) setHint(n int) {
	if h := int(st.hint.Load()); n > h || n < h-h/4 {
		st.hint.Store(int64(n))
	}
}

// prepare instruments ce's template once, before anything reads its tree.
func (ce *centry) prepare() {
	st := &ce.run
	st.once.Do(func() {
		t := ce.template() // the built-in snapshot's bodies parse on first use
		ce.fast = compileFast(t)
		if t != nil && t.Tree != nil {
			addTicks(t.Tree, t.Tree.Root)
		}
		st.pool.New = func() any {
			c, err := ce.tmpl.Clone()
			if err != nil {
				return err
			}
			b := &budget{}
			return &budgeted{t: c.Funcs(budgetFuncs(b)), b: b}
		}
	})
}

// exec renders ce's body for f into w within the render budget: by the
// fast path when the body compiled to it (fast.go), else, or when the fast
// path hands the execution back, by a pooled text/template clone.
func (ce *centry) exec(w *limitWriter, f *translator.Finding, caps map[string]string) error {
	ce.prepare()
	st := &ce.run
	if st.tripped.Load() {
		return errTripped
	}
	var (
		err    error
		ticks  int
		failed bool
		start  time.Time
	)
	done := false
	if ce.fast != nil && fastEnabled {
		var b budget // its clock starts at its first tickClock ticks
		err = execFast(ce.fast, w, f, caps, &b)
		ticks, start = b.ticks, b.start
		if err == nil || errors.Is(err, errBodyFull) {
			if start.IsZero() {
				// Under tickClock steps, each bounded (the fast path's
				// functions over the finding's bounded values, the
				// body's bytes capped): such a render costs microseconds
				// where it would add entryTimePerRender and
				// entryTicksPerRender to the entry's allowance, so
				// leaving it out of the entry's account only makes the
				// account stricter. It saves three contended atomic adds
				// and two clock reads per finding.
				return err
			}
			done = true
		} else {
			w.reset()
		}
	}
	if start.IsZero() {
		start = time.Now()
	}
	if !done {
		x := st.pool.Get()
		bt, ok := x.(*budgeted)
		if !ok {
			return x.(error)
		}
		bt.b.reset(start)
		err = bt.t.Execute(w, NewData(f, caps))
		if err == nil || errors.Is(err, errBodyFull) {
			// A body cut at the cap is fine; a sticky budget error is not,
			// whatever text/template made of it.
			if bt.b.err != nil {
				err = bt.b.err
			}
		}
		ticks += bt.b.ticks
		failed = bt.b.err != nil
		st.pool.Put(bt)
	}
	total := st.ticks.Add(int64(ticks))
	nanos := st.nanos.Add(int64(time.Since(start)))
	n := st.renders.Add(1)
	if failed || total > maxEntryTicks+n*entryTicksPerRender || nanos > int64(maxEntryTime)+n*int64(entryTimePerRender) {
		st.tripped.Store(true)
	}
	return err
}

// addTicks inserts {{_tick}} at the start of every range body under n.
func addTicks(tr *parse.Tree, n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			addTicks(tr, c)
		}
	case *parse.IfNode:
		addTicks(tr, n.List)
		addTicks(tr, n.ElseList)
	case *parse.WithNode:
		addTicks(tr, n.List)
		addTicks(tr, n.ElseList)
	case *parse.RangeNode:
		addTicks(tr, n.List)
		addTicks(tr, n.ElseList)
		if n.List != nil {
			pos := n.List.Pos
			id := parse.NewIdentifier(tickFunc).SetTree(tr).SetPos(pos)
			cmd := &parse.CommandNode{NodeType: parse.NodeCommand, Pos: pos, Args: []parse.Node{id}}
			pipe := &parse.PipeNode{NodeType: parse.NodePipe, Pos: pos, Line: n.Line, Cmds: []*parse.CommandNode{cmd}}
			act := &parse.ActionNode{NodeType: parse.NodeAction, Pos: pos, Line: n.Line, Pipe: pipe}
			n.List.Nodes = append([]parse.Node{act}, n.List.Nodes...)
		}
	}
}

// budgetFuncs returns the body functions bound to b: each call ticks, and
// the functions whose result can outgrow their input count its bytes.
// text/template's own print, println, html, js and urlquery are replaced
// by the same functions counted ({{print $a $a $a $a}} chained doubles
// without a range).
func budgetFuncs(b *budget) template.FuncMap {
	str := func(s string, err error) (string, error) {
		if err != nil {
			return s, err
		}
		return s, b.spend(s)
	}
	anyOut := func(v any, err error) (any, error) {
		if err != nil {
			return v, err
		}
		return v, b.spend(rawOf(v))
	}
	code := funcs["code"].(func(any) string)
	codeblock := funcs["codeblock"].(func(any, ...string) string)
	lower := funcs["lower"].(func(any) any)
	upper := funcs["upper"].(func(any) any)
	trim := funcs["trim"].(func(any) any)
	def := funcs["default"].(func(any, ...any) any)
	join := funcs["join"].(func(string, any) (string, error))
	contains := funcs["contains"].(func(any, any) bool)
	replace := funcs["replace"].(func(string, string, any) (any, error))
	pathescape := funcs["pathescape"].(func(any) string)
	return template.FuncMap{
		tickFunc:    func() (string, error) { return "", b.tick(1) },
		"code":      func(v any) (string, error) { return str(code(v), nil) },
		"codeblock": func(v any, lang ...string) (string, error) { return str(codeblock(v, lang...), nil) },
		"lower":     func(v any) (any, error) { return anyOut(lower(v), nil) },
		"upper":     func(v any) (any, error) { return anyOut(upper(v), nil) },
		"trim":      func(v any) (any, error) { return anyOut(trim(v), nil) },
		"default": func(d any, given ...any) (any, error) {
			return def(d, given...), b.tick(1)
		},
		"join":     func(sep string, list any) (string, error) { return str(join(sep, list)) },
		"contains": func(sub, s any) (bool, error) { return contains(sub, s), b.tick(1) },
		"replace": func(old, new string, s any) (any, error) {
			if err := b.tick(1); err != nil {
				return nil, err
			}
			return anyOut(replace(old, new, s))
		},
		"printf": func(format string, args ...any) (string, error) {
			if err := b.tick(1); err != nil {
				return "", err
			}
			return str(boundedSprintf(format, args...))
		},
		"pathescape":    func(v any) (string, error) { return str(pathescape(v), nil) },
		"ignoreexample": func(d *Data) (string, error) { return str(ignoreExample(d)) },
		"print":         func(args ...any) (string, error) { return str(fmt.Sprint(args...), nil) },
		"println":       func(args ...any) (string, error) { return str(fmt.Sprintln(args...), nil) },
		"html":          func(args ...any) (string, error) { return str(template.HTMLEscaper(args...), nil) },
		"js":            func(args ...any) (string, error) { return str(template.JSEscaper(args...), nil) },
		"urlquery":      func(args ...any) (string, error) { return str(template.URLQueryEscaper(args...), nil) },
	}
}
