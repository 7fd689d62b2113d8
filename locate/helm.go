package locate

import (
	"fmt"
	"path"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
	"github.com/runbook-translator/runbook-translator/messages"
)

// templateFile finds the chart template a "# Source:" path names:
// <ChartDir>/templates/x.yaml for a configured chart directory, else the one
// file under the root whose path ends in chart/templates/x.yaml. "" when
// there is none, or more than one.
func (s *Stage) templateFile(source string) string {
	src, ok := cleanRel(source)
	if !ok {
		return ""
	}
	_, rest, ok := strings.Cut(src, "/")
	if !ok {
		return ""
	}
	for _, dir := range s.opts.ChartDirs {
		d, ok := cleanRel(dir)
		if !ok {
			continue
		}
		if cand := path.Join(d, rest); s.lines(cand) != nil {
			return cand
		}
	}
	var hits []string
	for _, p := range s.allFiles() {
		if p == src || strings.HasSuffix(p, "/"+src) {
			hits = append(hits, p)
		}
	}
	if len(hits) != 1 || s.lines(hits[0]) == nil {
		return ""
	}
	return hits[0]
}

// tline is one template line, classified for the indentation search.
type tline struct {
	indent    int    // leading spaces
	dash      bool   // a sequence item "- ..."
	keyIndent int    // column of the key (after "- " for items)
	key       string // literal key, "" when none
	value     string // text after "key:"
	skip      bool   // blank, comment or template directive only
	control   bool   // {{ range / if / with / else / end }}
}

var (
	directiveOnly = lazyre.New(`^\{\{.*\}\}$`)
	controlAction = lazyre.New(`\{\{-?\s*(range|if|with|else|end|define|block)\b`)
	literalKey    = lazyre.New(`^("[^"]*"|'[^']*'|[A-Za-z0-9_][A-Za-z0-9_./\-]*)\s*:(?:\s+(.*))?$`)
)

func classify(raw string) tline {
	t := strings.TrimRight(raw, " \t\r")
	trimmed := strings.TrimLeft(t, " ")
	l := tline{indent: len(t) - len(trimmed)}
	l.control = controlAction().MatchString(trimmed)
	if trimmed == "" || strings.HasPrefix(trimmed, "#") || directiveOnly().MatchString(trimmed) {
		l.skip = true
		return l
	}
	l.keyIndent = l.indent
	content := trimmed
	if content == "-" || strings.HasPrefix(content, "- ") {
		l.dash = true
		rest := strings.TrimLeft(content[1:], " ")
		l.keyIndent = l.indent + (len(content) - len(rest))
		content = rest
	}
	if m := literalKey().FindStringSubmatch(content); m != nil {
		l.key = strings.Trim(m[1], `"'`)
		v := strings.TrimSpace(m[2])
		if i := strings.Index(v, " #"); i >= 0 && !strings.HasPrefix(v, `"`) && !strings.HasPrefix(v, "'") {
			v = strings.TrimSpace(v[:i]) // a comment after a plain scalar
		}
		l.value = strings.Trim(v, `"'`)
	}
	return l
}

// templateMatch is how far a key path got in a template.
type templateMatch struct {
	line   int // 0-based index of the deepest line found, -1 none
	col    int // 1-based
	depth  int // steps found
	exact  bool
	fields string
}

// findInTemplate looks for the rendered key path in a template, line by
// line: templates are not YAML in general, but keys written literally sit at
// the same nesting. It stops at the first step it cannot find literally.
func findInTemplate(lines []string, kind string, steps []step, seqLen func(int) int) templateMatch {
	tl := make([]tline, len(lines))
	for i, l := range lines {
		tl[i] = classify(l)
	}
	lo, hi := docRange(lines, tl, kind)
	m := templateMatch{line: -1}
	if lo < 0 {
		return m
	}
	parent := -1
	for si, st := range steps {
		if st.key != "" {
			c := -1
			for i := lo; i < hi; i++ {
				if !tl[i].skip && tl[i].keyIndent > parent && (c < 0 || tl[i].keyIndent < c) {
					c = tl[i].keyIndent
				}
			}
			found := -1
			for i := lo; i < hi; i++ {
				if !tl[i].skip && tl[i].keyIndent == c && tl[i].key == st.key {
					found = i
					break
				}
			}
			if found < 0 {
				return m
			}
			end := hi
			for j := found + 1; j < hi; j++ {
				if tl[j].skip {
					continue
				}
				if tl[j].indent < c || (tl[j].indent == c && !tl[j].dash) {
					end = j
					break
				}
			}
			m.line, m.col, m.depth = found, c+1, si+1
			m.fields = fieldString(steps[:si+1])
			lo, hi, parent = found+1, end, c
			continue
		}
		// a sequence item: the dash lines at the smallest indent
		var items []int
		d := -1
		control := false
		for i := lo; i < hi; i++ {
			if tl[i].control {
				control = true
			}
			if tl[i].skip || !tl[i].dash {
				continue
			}
			switch {
			case d < 0 || tl[i].indent < d:
				d, items = tl[i].indent, []int{i}
			case tl[i].indent == d:
				items = append(items, i)
			}
		}
		pick := -1
		itemEnd := func(i int) int {
			for j := i + 1; j < hi; j++ {
				if !tl[j].skip && tl[j].indent <= d {
					return j
				}
			}
			return hi
		}
		if st.name != "" {
			for _, i := range items {
				if tl[i].key == "name" && tl[i].value == st.name {
					pick = i
					break
				}
				for j := i + 1; j < itemEnd(i); j++ {
					if !tl[j].skip && tl[j].keyIndent == tl[i].keyIndent && tl[j].key == "name" && tl[j].value == st.name {
						pick = i
					}
				}
				if pick >= 0 {
					break
				}
			}
		}
		// By position only when the template lists the items literally:
		// as many as rendered, and no range/if that could change them.
		if pick < 0 && !control && st.index < len(items) && len(items) == seqLen(si) {
			pick = items[st.index]
		}
		if pick < 0 {
			return m
		}
		m.line, m.col, m.depth = pick, tl[pick].keyIndent+1, si+1
		m.fields = fieldString(steps[:si+1])
		lo, hi, parent = pick, itemEnd(pick), d
	}
	m.exact = m.depth == len(steps)
	return m
}

// docRange picks the document of kind in a template that may hold several
// ("---" separated): the one with a literal "kind: <kind>" at the top, else
// the only one. lo is -1 when it cannot tell.
func docRange(lines []string, tl []tline, kind string) (lo, hi int) {
	type span struct{ lo, hi int }
	var docs []span
	start := 0
	for i, l := range lines {
		if isDocStart([]byte(l)) {
			docs = append(docs, span{start, i})
			start = i + 1
		}
	}
	docs = append(docs, span{start, len(lines)})
	var nonEmpty, withKind []span
	for _, d := range docs {
		empty := true
		for i := d.lo; i < d.hi; i++ {
			if !tl[i].skip {
				empty = false
			}
			if !tl[i].skip && tl[i].keyIndent == 0 && tl[i].key == "kind" && tl[i].value == kind {
				withKind = append(withKind, d)
				break
			}
		}
		if !empty {
			nonEmpty = append(nonEmpty, d)
		}
	}
	switch {
	case len(withKind) == 1:
		return withKind[0].lo, withKind[0].hi
	case len(nonEmpty) == 1:
		return nonEmpty[0].lo, nonEmpty[0].hi
	}
	return -1, -1
}

// firstContentLine is the first line that is not blank, a comment or a
// template directive (0-based), or 0.
func firstContentLine(lines []string) int {
	for i, l := range lines {
		if !classify(l).skip {
			return i
		}
	}
	return 0
}

// mapTemplate moves a finding located in a rendered stream to its template.
// It returns false when there is no template under the root; the finding
// then stays on the rendered stream.
func (s *Stage) mapTemplate(f *translator.Finding, c candDoc, steps []step, desc messages.Msg, line int) bool {
	tmpl := s.templateFile(c.doc.source)
	if tmpl == "" {
		return false
	}
	lines := s.lines(tmpl)
	if lines == nil {
		return false
	}
	seqLen := func(i int) int {
		if i == 0 {
			return -1
		}
		if v := deref(steps[i-1].val); v != nil {
			return len(v.Content)
		}
		return -1
	}
	m := findInTemplate(lines, c.doc.kind, steps, seqLen)
	rendered := fmt.Sprintf("%s:%d", c.file.path, line)
	f.Path = tmpl
	f.EndLine, f.EndColumn = 0, 0
	switch {
	case m.exact:
		f.Line, f.Column = m.line+1, m.col
		setLocated(f, messages.M("loc.helm_exact", desc, tmpl, f.Line, rendered))
	case m.line >= 0:
		f.Line, f.Column = m.line+1, m.col
		setLocated(f, messages.M("loc.helm_approx", desc, rendered, tmpl, m.fields, f.Line))
	default:
		f.Line, f.Column = firstContentLine(lines)+1, 1
		setLocated(f, messages.M("loc.helm_first", desc, rendered, tmpl))
	}
	return true
}

// placeInTemplate points a finding that names a chart template, with no
// rendered stream under the root to resolve it in, at the template itself:
// the key path of the runbook hint (its first alternative, or the container
// the tool named, or metadata.name) is looked up line by line as
// mapTemplate does. False when the template is not under the root.
func (s *Stage) placeInTemplate(f *translator.Finding, source, kind string) bool {
	tmpl := s.templateFile(source)
	if tmpl == "" {
		return false
	}
	lines := s.lines(tmpl)
	if lines == nil {
		return false
	}
	res := truncate(f.Resource, 200)
	steps, desc := templateSteps(s.hint(f), f, kind)
	m := findInTemplate(lines, kind, steps, func(int) int { return -1 })
	f.Path = tmpl
	f.EndLine, f.EndColumn = 0, 0
	switch {
	case m.exact:
		f.Line, f.Column = m.line+1, m.col
		setLocated(f, messages.M("loc.src_exact", desc, tmpl, f.Line, source))
	case m.line >= 0:
		f.Line, f.Column = m.line+1, m.col
		setLocated(f, messages.M("loc.src_approx", desc, tmpl, m.fields, f.Line))
	default:
		f.Line, f.Column = firstContentLine(lines)+1, 1
		setLocated(f, messages.M("loc.src_first", messages.M("loc.resource", res), tmpl))
	}
	return true
}

// templateSteps turns the finding's target into the key steps the template
// search follows, without a rendered document to resolve it in: the
// hint's first alternative the finding's code or message does not rule out
// (up to a [*] selector, which needs the rendered items to tell), else the
// container the tool named, else metadata.name.
func templateSteps(hint string, f *translator.Finding, kind string) ([]step, messages.Msg) {
	res := truncate(f.Resource, 200)
	toSteps := func(p fieldPath) []step {
		var out []step
		for _, seg := range p {
			if seg.key != "" {
				out = append(out, step{key: seg.key})
			}
			if seg.sel == nil {
				continue
			}
			switch seg.sel.kind {
			case selMatch:
				if seg.sel.field != "name" {
					return out
				}
				out = append(out, step{name: seg.sel.value})
			case selIndex:
				out = append(out, step{index: seg.sel.index})
			default:
				return out
			}
		}
		return out
	}
	if hint != "" && len(hint) <= MaxHintLen {
		var alts []fieldPath
		for _, alt := range strings.Split(hint, "|") {
			p, err := parsePath(alt)
			if err != nil {
				continue
			}
			if p, err = p.expand(f.Extra); err != nil {
				continue
			}
			alts = append(alts, p.forKind(kind))
		}
		if ps := named(alts, f.Code+" "+f.Message); len(ps) > 0 {
			if st := toSteps(ps[0]); len(st) > 0 {
				return st, messages.M("loc.field", ps[0].String(), res)
			}
		}
	}
	if c := f.Extra["container"]; c != "" && !strings.Contains(c, ",") {
		if pre := podSpecPrefix(kind); pre != nil {
			var st []step
			for _, k := range pre {
				st = append(st, step{key: k})
			}
			st = append(st, step{key: "containers"}, step{name: c})
			return st, messages.M("loc.container", messages.M("loc.w.containers"), c, res)
		}
	}
	return []step{{key: "metadata"}, {key: "name"}}, messages.M("loc.resource", res)
}
