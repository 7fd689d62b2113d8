package parsers

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/reviewdog/errorformat"
)

// A fast matcher for the common errorformat shapes.
//
// errorformat turns a pattern into a regular expression and matches every
// line with FindStringSubmatch; for "%f:%l:%c: %m" that was about a third of
// the CPU of a whole review run (docs/performance.md). Most patterns people
// write, and most of our named formats, have a shape whose regexp match is
// determined by a simple scan:
//
//	%f  then any sequence of: literal text, %l %c %n %e %k %v (digits),
//	%t (one character), %*[^xyz] (one or more bytes outside a set of ASCII
//	characters), %*[A-Z] (one or more bytes of a set of ASCII letters,
//	digits and ranges of them: hadolint-text's %*[A-Z]%n), and optionally
//	%m or %r last.
//
// errorformat's %f is `(?:[[:alpha:]]:)?(?:\\ |[^ ])+?`: lazy, so the
// regexp picks the SHORTEST file name for which the rest of the line
// matches, preferring one that starts with a drive letter ("C:"). Every
// other item is deterministic once its start is fixed (newFastEFM only
// accepts a digit run followed by a literal that does not start with a digit,
// a class followed by a literal that starts with a byte outside it (or a
// digit run, when the class holds no digit), %m/%r only last), so trying the end of the file name from left to right and
// checking the rest with straight-line code gives the regexp's own answer.
// Anything else (%p, %s, %*\D, %., %#, backslash escapes, non-ASCII or regexp
// metacharacters that errorformat copies into the regexp raw, a pattern that
// does not start with %f) returns nil and stays with errorformat.
//
// TestFastEFMMatchesErrorformat and FuzzFastEFM check the equivalence against
// errorformat's Efm.Match on every text fixture and on generated edge cases.

// efmItem is one element of a fast pattern after the leading %f.
type efmItem struct {
	// kind is 'L' (literal), one of "nlekcv" (a digit run), 't' (one
	// character), 'X' (one or more bytes of class), 'm' or 'r' (the rest
	// of the line).
	kind byte
	lit  string
	// class is the byte set of an 'X' item: %*[^abc] (every byte but a, b
	// and c, non-ASCII ones included: a rune outside the set is bytes
	// outside it) or %*[A-Z0-9_] (ASCII bytes only).
	class *[256]bool
}

// fastEFM matches one errorformat pattern without regexp.
type fastEFM struct {
	items []efmItem
	// first is the byte every match has right after the file name, or -1
	// when the item after %f is not a literal.
	first int
	// need is the pattern's longest literal item, which every line it
	// matches contains (literals match verbatim): a line without it is
	// refused with one substring search, before any file name end is
	// tried. Of a format's patterns that differ in a word ("%trror: ",
	// "%tarning: ", "%tote: "), a line tried all three; it was a tenth of
	// a shellcheck-gcc run's CPU.
	need string
}

// fastLiteral reports whether the pattern byte c, outside %, ends up as a
// literal byte in errorformat's regexp: NewEfm escapes `.+*()|[{^$` and
// copies everything else raw, so only bytes without a regexp meaning qualify.
func fastLiteral(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte(" :;,/=_-#@!'\"<>~&%.+*()|[{^$", c) >= 0
}

// fastClassByte reports whether c may appear in a %*[^...] set.
func fastClassByte(c byte) bool {
	return c >= ' ' && c < 0x7f && strings.IndexByte(`\[]-^`, c) < 0
}

// fastClass reads the set of a %*[...] item starting at pattern[i] (the
// '['): [^abc] with bytes fastClassByte accepts, or [...] with ASCII
// letters, digits and ranges between two of the same kind (A-Z, a-f, 0-9).
// It returns the set and the index of the closing ']', or nil for any other
// set (errorformat copies it into the regexp as is, with its full meaning).
func fastClass(pattern string, i int) (*[256]bool, int) {
	if i+1 >= len(pattern) || pattern[i] != '[' {
		return nil, 0
	}
	var set [256]bool
	j := i + 1
	if pattern[j] == '^' {
		j++
		start := j
		for j < len(pattern) && pattern[j] != ']' {
			if !fastClassByte(pattern[j]) {
				return nil, 0
			}
			j++
		}
		if j >= len(pattern) || j == start {
			return nil, 0
		}
		for k := range set {
			set[k] = true
		}
		for k := start; k < j; k++ {
			set[pattern[k]] = false
		}
		return &set, j
	}
	start := j
	for j < len(pattern) && pattern[j] != ']' {
		c := pattern[j]
		if kindOf(c) == 0 {
			return nil, 0
		}
		if j+2 < len(pattern) && pattern[j+1] == '-' && pattern[j+2] != ']' {
			d := pattern[j+2]
			if kindOf(d) != kindOf(c) || d < c {
				return nil, 0
			}
			for x := int(c); x <= int(d); x++ {
				set[x] = true
			}
			j += 3
			continue
		}
		set[c] = true
		j++
	}
	if j >= len(pattern) || j == start {
		return nil, 0
	}
	return &set, j
}

// kindOf classes a byte of a positive set: 'a', 'A', '0' or 0 for any
// other byte.
func kindOf(c byte) byte {
	switch {
	case c >= 'a' && c <= 'z':
		return 'a'
	case c >= 'A' && c <= 'Z':
		return 'A'
	case c >= '0' && c <= '9':
		return '0'
	}
	return 0
}

func classHasDigit(set *[256]bool) bool {
	for c := '0'; c <= '9'; c++ {
		if set[c] {
			return true
		}
	}
	return false
}

// newFastEFM returns a fast matcher for pattern, or nil when its shape is not
// one it handles (see the comment at the top of this file).
func newFastEFM(pattern string) *fastEFM {
	var items []efmItem
	seen := map[byte]bool{}
	addLit := func(c byte) {
		if n := len(items); n > 0 && items[n-1].kind == 'L' {
			items[n-1].lit += string(c)
			return
		}
		items = append(items, efmItem{kind: 'L', lit: string(c)})
	}
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if c != '%' {
			if !fastLiteral(c) || c == '%' {
				return nil
			}
			addLit(c)
			continue
		}
		i++
		if i >= len(pattern) {
			return nil
		}
		c = pattern[i]
		switch {
		case strings.IndexByte("flnekcvtmr", c) >= 0:
			if seen[c] {
				return nil
			}
			seen[c] = true
			if c == 'f' && len(items) > 0 {
				return nil
			}
			items = append(items, efmItem{kind: c})
		case c == '*':
			// %*[^abc], %*[A-Z]: NewEfm copies "[^abc]" and appends "+".
			class, end := fastClass(pattern, i+1)
			if class == nil {
				return nil
			}
			items = append(items, efmItem{kind: 'X', class: class})
			i = end
		case (c == '+' || c == '-') && i < len(pattern)-1 && strings.IndexByte("DXAEWICZGOPQ", pattern[i+1]) >= 0:
			i++ // a prefix: nothing in the regexp
		case strings.IndexByte("DXAEWICZGOPQ", c) >= 0:
			// a prefix: nothing in the regexp
		case c == '%':
			addLit('%')
		default:
			// %p %s, %., %#, %\, %^, %$, %?, a lone %+ ...: not handled.
			return nil
		}
	}
	if len(items) == 0 || items[0].kind != 'f' {
		return nil
	}
	items = items[1:]
	for k, it := range items {
		var next *efmItem
		if k+1 < len(items) {
			next = &items[k+1]
		}
		switch it.kind {
		case 'm', 'r':
			if next != nil {
				return nil
			}
		case 'X':
			// The class run is greedy; it is determined when what follows
			// cannot start with a byte of the class.
			if next == nil {
				break
			}
			switch {
			case next.kind == 'L' && !it.class[next.lit[0]]:
			case strings.IndexByte("nlekcv", next.kind) >= 0 && !classHasDigit(it.class):
			default:
				return nil
			}
		case 'n', 'l', 'e', 'k', 'c', 'v':
			if next != nil && (next.kind != 'L' || isDigit(next.lit[0])) {
				return nil
			}
		}
	}
	if len(items) > maxFastItems {
		return nil
	}
	fe := &fastEFM{items: items, first: -1}
	if len(items) > 0 && items[0].kind == 'L' {
		fe.first = int(items[0].lit[0])
	}
	for _, it := range items {
		if it.kind == 'L' && len(it.lit) > len(fe.need) {
			fe.need = it.lit
		}
	}
	if len(fe.need) < 3 {
		fe.need = "" // ": " is in most lines: the search would not pay
	}
	return fe
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isASCIIAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// match is errorformat's Efm.Match for the pattern: it fills out and reports
// whether s matched.
func (fe *fastEFM) match(s string, out *errorformat.Match) bool {
	return fe.matchNL(s, nlUnknown, out)
}

// matchLine is match for a line the caller knows has no newline (one from
// lineReader.readLine): %m and %r then need not look for one.
func (fe *fastEFM) matchLine(s string, out *errorformat.Match) bool {
	return fe.matchNL(s, -1, out)
}

// matchNL is match with nl the index of the last newline of s, or
// nlUnknown.
func (fe *fastEFM) matchNL(s string, nl int, out *errorformat.Match) bool {
	if fe.need != "" && !strings.Contains(s, fe.need) {
		return false
	}
	// The regexp tries a drive letter first ("C:" then at least one more
	// byte), then no drive letter. A file name of 3 or more bytes is the
	// same string, with the same validity, either way, so the second pass
	// only has the ends 1 and 2 left to try.
	if len(s) >= 2 && isASCIIAlpha(s[0]) && s[1] == ':' {
		if fe.matchFrom(s, nl, 2, 3, len(s), out) {
			return true
		}
		return fe.matchFrom(s, nl, 0, 1, 2, out)
	}
	return fe.matchFrom(s, nl, 0, 1, len(s), out)
}

// matchFrom tries the file names s[:e] for minEnd <= e <= maxEnd in the
// regexp's order; the name's tokens start at tok.
//
// The regexp's order is a depth-first search over (?:\\ |[^ ])+?: after
// each token it first tries to end the name, then the token "\ " (a
// backslash and a space), then one character other than a space. So the
// ends come left to right, except that where a backslash is followed by a
// space, the name ending with that backslash is tried only after every
// longer name through the "\ " (a stack: the innermost first).
func (fe *fastEFM) matchFrom(s string, nl, tok, minEnd, maxEnd int, out *errorformat.Match) bool {
	if maxEnd > len(s) {
		maxEnd = len(s)
	}
	var small [4]int
	deferred := small[:0]
	sc := fastScan{nl: nl}
	try := func(e int) bool {
		if e < minEnd || e > maxEnd {
			return false
		}
		if fe.first >= 0 && (e >= len(s) || int(s[e]) != fe.first) {
			return false
		}
		if fe.tail(s, e, &sc, out) {
			out.F = s[:e]
			return true
		}
		return false
	}
	if fe.first >= 0 {
		// Every end e has s[e] == first; the names end no later than the
		// first space (e may be that space). Without a backslash before
		// it there is no "\ " to defer, so the candidates are the
		// positions of first, in order: found with IndexByte instead of a
		// step per rune. (first is ASCII: a rune boundary in any string.)
		limit := maxEnd
		if sp := strings.IndexByte(s[tok:], ' '); sp >= 0 && tok+sp < limit {
			limit = tok + sp
		}
		if limit >= len(s) {
			limit = len(s) - 1 // s[e] must exist
		}
		if tok < limit && strings.IndexByte(s[tok:limit], '\\') < 0 {
			for pos := tok + 1; pos <= limit; {
				i := strings.IndexByte(s[pos:limit+1], byte(fe.first))
				if i < 0 {
					return false
				}
				if try(pos + i) {
					return true
				}
				pos += i + 1
			}
			return false
		}
	}
	// The regexp steps rune by rune (an invalid byte is one rune), so the
	// name ends only at a rune boundary.
	for pos := tok; pos < maxEnd; {
		c := s[pos]
		w := 1
		switch {
		case c >= utf8.RuneSelf:
			_, w = utf8.DecodeRuneInString(s[pos:])
		case c == ' ':
			pos = maxEnd // a space not taken by "\ " ends every name
			continue
		case c == '\\' && pos+1 < len(s) && s[pos+1] == ' ':
			deferred = append(deferred, pos+1)
			w = 2
		}
		pos += w
		if try(pos) {
			return true
		}
	}
	for i := len(deferred) - 1; i >= 0; i-- {
		if try(deferred[i]) {
			return true
		}
	}
	return false
}

// fastScan keeps what tail has learned about s across the candidate file
// names, so that trying every end of the name stays linear in the line
// length: where the last newline is (%m and %r cannot contain one), and per
// item the last run of digits or class bytes it measured (a run that
// contains the new start ends where it ended).
type fastScan struct {
	nl   int // nlUnknown until an %m or %r item needs it
	runs [maxFastItems]struct{ start, end int }
	ok   [maxFastItems]bool
	// nums holds where each number item's digits are in the candidate
	// tail is checking (written before it is read: never reset).
	nums [maxFastItems][2]int
}

// nlUnknown is fastScan.nl before the last newline has been looked for:
// only a candidate that reaches %m or %r needs it, and a line from
// readLine has none (a scan of the whole line per pattern saved).
const nlUnknown = -2

// maxFastItems bounds the items of a fast pattern (fastScan's arrays).
const maxFastItems = 16

// digitClass is the byte set of a %l, %c or %n digit run.
var digitClass = func() (c [256]bool) {
	for b := '0'; b <= '9'; b++ {
		c[b] = true
	}
	return c
}()

// run returns the end of the run starting at pos of bytes in class,
// reusing item k's last run. The class is a table, not a func: a call per
// byte was a sixth of a -r local run's instructions on shellcheck lines.
func (sc *fastScan) run(k int, s string, pos int, class *[256]bool) int {
	if r := &sc.runs[k]; sc.ok[k] && r.start <= pos && pos <= r.end {
		return r.end
	}
	j := pos
	for j < len(s) && class[s[j]] {
		j++
	}
	sc.runs[k].start, sc.runs[k].end, sc.ok[k] = pos, j, true
	return j
}

// tail matches the items after the file name against s[pos:]. It writes
// out only for a match: it runs for every candidate end of the file name.
func (fe *fastEFM) tail(s string, pos int, sc *fastScan, out *errorformat.Match) bool {
	var t byte
	var rest string
	for k := range fe.items {
		it := &fe.items[k]
		switch it.kind {
		case 'L':
			if !strings.HasPrefix(s[pos:], it.lit) {
				return false
			}
			pos += len(it.lit)
		case 't':
			if pos >= len(s) || s[pos] == '\n' {
				return false
			}
			t = s[pos]
			_, w := utf8.DecodeRuneInString(s[pos:])
			pos += w
		case 'X':
			j := sc.run(k, s, pos, it.class)
			if j == pos {
				return false
			}
			pos = j
		case 'm', 'r':
			if sc.nl == nlUnknown {
				sc.nl = strings.LastIndexByte(s, '\n')
			}
			if (it.kind == 'm' && pos == len(s)) || sc.nl >= pos {
				return false
			}
			rest = s[pos:]
			pos = len(s)
		default:
			j := sc.run(k, s, pos, &digitClass)
			if j == pos {
				return false
			}
			sc.nums[k] = [2]int{pos, j}
			pos = j
		}
	}
	if pos != len(s) {
		return false
	}
	*out = errorformat.Match{T: t}
	// Numbers are converted only for a match: a run of digits can be as
	// long as the line, and is seen again for every candidate file name.
	for k := range fe.items {
		var n *int
		switch fe.items[k].kind {
		case 'm':
			out.M = rest
		case 'r':
			out.R = rest
		case 'n':
			n = &out.N
		case 'l':
			n = &out.L
		case 'e':
			n = &out.E
		case 'k':
			n = &out.K
		case 'c':
			n = &out.C
		case 'v':
			n = &out.V
		}
		if n != nil {
			r := sc.nums[k]
			*n, _ = strconv.Atoi(s[r[0]:r[1]]) // as errorformat's mustAtoI
		}
	}
	return true
}
