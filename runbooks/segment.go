package runbooks

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// Segments: the part of a body that reads only a finding's rule fields.
//
// A body's text around the finding's own values (message, path, line,
// resource, extras) often depends on nothing but the tool and the code:
// the fallback's "No runbook entry covers `SC2086` from `shellcheck`
// yet", with its matcher and `runbooks show` command built by printf and
// code spans, follows the one line that shows the message. On output whose
// every message is its own, the whole-body memo (memo.go) never hits, and
// that text was built again for each finding: half of such a run's CPU.
//
// So each run of consecutive top-level steps that reads only cold fields
// (tool, code, severity, tool severity, URL, title, remediation: the rule's,
// not the finding's) and does more than write literals becomes one segment
// step. Its text is a pure function of those fields (the steps' functions
// are pure): it is rendered once per distinct set of values, into a
// writer of its own, and written as a literal afterwards. An execution the
// segment cannot finish on its own writer (an error, the body cap) runs the
// steps again on the body's writer, as without the segment, so the result
// is what the steps alone give (TestFastMatchesTemplate,
// TestSegmentMemo). A cached text spends the render budget its steps spent;
// where that would run the budget out or reach its clock check, the steps
// run instead.

// coldFields are the fields a segment may read.
const coldFields = 1<<fTool | 1<<fCode | 1<<fSeverity | 1<<fToolSeverity | 1<<fURL | 1<<fTitle | 1<<fRemediation

// hotMask marks a step that reads something else (the finding's values,
// the Data itself, the dot of a range).
const hotMask = ^uint32(0)

// maxSegmentValues bounds a segment's cache: past it, the segment's steps
// run every time (the rule fields of the input are too many for a memo to
// pay).
const maxSegmentValues = 256

// segment is a segment step's cache: its text by the values of the fields
// it reads.
type segment struct {
	fields []fieldID // read, in order
	seed   maphash.Seed
	mu     sync.Mutex // writers of m
	m      atomic.Pointer[map[uint64]*segText]
	full   atomic.Bool
}

type segText struct {
	vals []string
	text lit
	// ticks and bytes are what the steps spent of the render budget
	// (bound.go): a hit spends them too.
	ticks, bytes int
}

// segmentize groups steps (a top-level list) into segment steps.
func segmentize(steps []fstep) []fstep {
	out := make([]fstep, 0, len(steps))
	for i := 0; i < len(steps); {
		if stepMask(&steps[i], true)&^coldFields != 0 {
			out = append(out, steps[i])
			i++
			continue
		}
		j := i
		var mask uint32
		work := false
		for j < len(steps) {
			m := stepMask(&steps[j], true)
			if m&^coldFields != 0 {
				break
			}
			mask |= m
			work = work || steps[j].op != opText
			j++
		}
		if !work {
			out = append(out, steps[i:j]...)
			i = j
			continue
		}
		seg := &segment{seed: maphash.MakeSeed()}
		for id := fieldID(0); id < nFields; id++ {
			if mask&(1<<id) != 0 {
				seg.fields = append(seg.fields, id)
			}
		}
		out = append(out, fstep{op: opSegment, list: append([]fstep(nil), steps[i:j]...), seg: seg})
		i = j
	}
	return out
}

// stepMask returns the fields step s reads (hotMask for what a segment
// cannot key on). dotData says dot is the root Data there.
func stepMask(s *fstep, dotData bool) uint32 {
	switch s.op {
	case opText:
		return 0
	case opAction:
		if s.ignore {
			return hotMask
		}
		return pipeMask(s.pipe, dotData)
	case opIf, opWith:
		m := pipeMask(s.pipe, dotData)
		inner := dotData && s.op == opIf
		for i := range s.list {
			m |= stepMask(&s.list[i], inner)
		}
		for i := range s.else_ {
			m |= stepMask(&s.else_[i], dotData)
		}
		return m
	}
	return hotMask // range: over the finding's extras, aliases or captures
}

func pipeMask(p *fpipe, dotData bool) uint32 {
	if p == nil {
		return 0
	}
	var m uint32
	for i := range p.cmds {
		for j := range p.cmds[i].args {
			m |= argMask(&p.cmds[i].args[j], dotData)
		}
	}
	return m
}

func argMask(a *farg, dotData bool) uint32 {
	switch a.kind {
	case aField:
		if a.ref.id >= 32 || a.ref.id == fExtra || a.ref.id == fCaptures || a.ref.id == fAliases {
			return hotMask
		}
		return 1 << a.ref.id
	case aDot:
		if dotData {
			return hotMask
		}
		return 0 // the value of the enclosing with, counted there
	case aRoot:
		return hotMask
	case aConst:
		return 0
	case aPipe:
		return pipeMask(a.pipe, dotData)
	}
	return hotMask
}

// runSegment writes segment step s.
func (c *fctx) runSegment(s *fstep, dot fval) error {
	seg := s.seg
	var h maphash.Hash
	h.SetSeed(seg.seed)
	for _, id := range seg.fields {
		h.WriteString(c.raw(id))
		h.WriteByte(0)
	}
	sum := h.Sum64()
	if m := seg.m.Load(); m != nil {
		if t := (*m)[sum]; t != nil && c.same(seg.fields, t.vals) {
			b := &c.b
			if b.err == nil && b.ticks+t.ticks <= maxRenderTicks && b.bytes+t.bytes <= maxRenderBytes &&
				b.ticks/tickClock == (b.ticks+t.ticks)/tickClock {
				b.ticks += t.ticks
				b.bytes += t.bytes
				return c.w.writeLit(&t.text)
			}
			// the budget runs out, or its clock is due, in this segment:
			// its steps count it as without the cache
			return c.run(s.list, dot)
		}
	}
	if seg.full.Load() {
		return c.run(s.list, dot)
	}
	// Once: the segment into a writer of its own, in plain text.
	body := c.w
	own := &limitWriter{max: MaxBodyBytes + 1}
	c.w = own
	before := c.b
	err := c.run(s.list, dot)
	c.w = body
	if err != nil {
		c.b = before
		return c.run(s.list, dot)
	}
	ticks, bytes := before.ticks, before.bytes
	t := &segText{text: newLit(own.buf.String()), ticks: c.b.ticks - ticks, bytes: c.b.bytes - bytes}
	for _, id := range seg.fields {
		t.vals = append(t.vals, c.raw(id))
	}
	seg.put(sum, t)
	return c.w.writeLit(&t.text)
}

// same reports whether the finding's fields are vals.
func (c *fctx) same(fields []fieldID, vals []string) bool {
	for i, id := range fields {
		if c.raw(id) != vals[i] {
			return false
		}
	}
	return true
}

// put adds t under sum (copy on write: readers load the map without a
// lock). A collision keeps the first.
func (seg *segment) put(sum uint64, t *segText) {
	seg.mu.Lock()
	defer seg.mu.Unlock()
	old := seg.m.Load()
	n := 0
	if old != nil {
		if _, ok := (*old)[sum]; ok {
			return
		}
		n = len(*old)
	}
	if n >= maxSegmentValues {
		seg.full.Store(true)
		return
	}
	m := make(map[uint64]*segText, n+1)
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	m[sum] = t
	seg.m.Store(&m)
}
