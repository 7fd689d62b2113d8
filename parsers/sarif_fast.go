package parsers

import (
	"bytes"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
)

// decodeResult decodes the JSON b of one result, read at offset off.
// Issue 10: json v2's reflection was half of the CPU of reading a trivy
// log of 200,000 results. fastResult decodes the shapes tools write
// without it; whatever it does not decode exactly as encoding/json would,
// it leaves to json v2 with encoding/json's semantics (sarifJSONOptions),
// which gives the same result, or the error, with its byte offset. The
// result is valid until the next call: the fast path decodes into storage
// it reuses (a result is turned into a finding and dropped).
func (s *sarifStream) decodeResult(b []byte, off int64) (*sarifResult, error) {
	if res := s.fast.result(b); res != nil {
		return res, nil
	}
	res := &sarifResult{}
	if err := s.unmarshal(b, off, res); err != nil {
		return nil, err
	}
	return res, nil
}

// fastResult decodes b into res and reports whether it could (see
// fastJSON.result).
func fastResult(b []byte, res *sarifResult) bool {
	var d fastJSON
	got := d.result(b)
	if got == nil {
		return false
	}
	*res = *got
	return true
}

// result decodes b into a result held by d, nil when it gives up: on a
// member name that is not one of the struct's spelt exactly but may match
// one of them the way encoding/json matches names (case-insensitively;
// json v2's v1 mode also folds '-' and '_'), on a name with an escape or a
// non-ASCII byte, on a value of another type than its field's
// (encoding/json's type errors), on a number other than a plain integer of
// up to 18 digits, on a \u escape of a surrogate and on invalid UTF-8
// (encoding/json replaces them), on null in an array, and on anything that
// is not JSON. b has been read by the tokenizer, which refused duplicate
// names; it may also come back from the spill file, so every read is
// bounds-checked.
func (d *fastJSON) result(b []byte) *sarifResult {
	d.b, d.i = b, 0
	d.sc = fastScratch{}
	res := &d.sc.res
	if !d.object(func(k []byte) bool {
		switch string(k) {
		case "ruleId":
			return d.istr(&res.RuleID)
		case "ruleIndex":
			return d.intPtr(&res.RuleIndex)
		case "rule":
			if d.null() {
				res.Rule = nil
				return true
			}
			res.Rule = &sarifRuleRef{}
			return d.ruleRef(res.Rule)
		case "kind":
			return d.istr(&res.Kind)
		case "level":
			return d.istr(&res.Level)
		case "baselineState":
			return d.istr(&res.BaselineState)
		case "message":
			return d.message(&res.Message)
		case "locations":
			return d.locations(&res.Locations)
		case "suppressions":
			return d.suppressions(&res.Suppressions)
		case "fixes":
			// Rare, and deep: decoded by json v2 alone.
			v, ok := d.raw()
			return ok && jsonv2.Unmarshal(v, &res.Fixes, sarifJSONOptions) == nil
		}
		return d.unknown(k, fastResultNames)
	}) {
		return nil
	}
	d.ws()
	if d.i != len(d.b) {
		return nil
	}
	return res
}

// fastScratch is the storage of one decoded result and of the parts every
// result of a typical log has (one location, its region, a rule index):
// one block, reused, instead of an allocation for each.
type fastScratch struct {
	res      sarifResult
	ints     [4]int
	nints    int
	loc      [1]sarifLocation
	phys     sarifPhysicalLocation
	physUsed bool
	regions  [2]sarifRegion
	nregions int
}

func (d *fastJSON) newInt(n int) *int {
	if d.sc.nints < len(d.sc.ints) {
		p := &d.sc.ints[d.sc.nints]
		d.sc.nints++
		*p = n
		return p
	}
	return &n
}

func (d *fastJSON) newRegion() *sarifRegion {
	if d.sc.nregions < len(d.sc.regions) {
		d.sc.nregions++
		return &d.sc.regions[d.sc.nregions-1]
	}
	return &sarifRegion{}
}

func (d *fastJSON) newPhysical() *sarifPhysicalLocation {
	if !d.sc.physUsed {
		d.sc.physUsed = true
		return &d.sc.phys
	}
	return &sarifPhysicalLocation{}
}

// intern returns a string for short values that repeat from result to
// result (rule ids, levels, file names, base ids), without allocating
// once it has seen them. Bounded: past maxInterned strings it starts over.
func (d *fastJSON) intern(b []byte) string {
	if len(b) > maxInternLen {
		return string(b)
	}
	if s, ok := d.interned[string(b)]; ok {
		return s
	}
	if d.interned == nil || len(d.interned) >= maxInterned {
		d.interned = make(map[string]string)
	}
	s := string(b)
	d.interned[s] = s
	return s
}

const (
	maxInternLen = 128
	maxInterned  = 4096
)

// The member names of each struct fastResult decodes, for unknown.
var (
	fastResultNames       = fastNames("ruleId", "ruleIndex", "rule", "kind", "level", "baselineState", "message", "locations", "suppressions", "fixes")
	fastRuleRefNames      = fastNames("id", "index", "toolComponent")
	fastComponentRefNames = fastNames("name", "guid", "index")
	fastMessageNames      = fastNames("text", "markdown", "id", "arguments")
	fastLocationNames     = fastNames("physicalLocation", "logicalLocations")
	fastPhysicalNames     = fastNames("artifactLocation", "region", "contextRegion")
	fastArtifactNames     = fastNames("uri", "uriBaseId", "index")
	fastRegionNames       = fastNames("startLine", "startColumn", "endLine", "endColumn")
	fastLogicalNames      = fastNames("name", "fullyQualifiedName", "kind")
	fastSuppressionNames  = fastNames("kind", "status", "justification")
)

// fastNames folds names as fastFold does.
func fastNames(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = string(fastFold(nil, []byte(n)))
	}
	return out
}

// fastFold lowercases an ASCII name and drops '-' and '_': two names
// encoding/json (or json v2's v1 mode) could match to one field fold alike.
func fastFold(dst, name []byte) []byte {
	for _, c := range name {
		switch {
		case c == '-' || c == '_':
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// fastJSON reads a JSON value from b at i.
type fastJSON struct {
	b        []byte
	i        int
	fold     [64]byte
	esc      []byte // unescaped string, reused
	sc       fastScratch
	interned map[string]string
}

func (d *fastJSON) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, 0 at the end.
func (d *fastJSON) peek() byte {
	d.ws()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// null consumes a null.
func (d *fastJSON) null() bool {
	if d.peek() == 'n' && len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

// unknown skips the value of a member that is none of the struct's
// fields, unless the name may match one of them (names: fastNames).
func (d *fastJSON) unknown(k []byte, names []string) bool {
	for _, c := range k {
		if c == '\\' || c < 0x20 || c >= 0x80 {
			return false
		}
	}
	f := fastFold(d.fold[:0], k)
	for _, n := range names {
		if string(f) == n {
			return false
		}
	}
	return d.skip()
}

// object reads an object, calling member for each name with the value
// next (member gives up on a name with an escape or a non-ASCII byte
// through unknown).
func (d *fastJSON) object(member func(k []byte) bool) bool {
	if d.peek() != '{' {
		return false
	}
	d.i++
	if d.peek() == '}' {
		d.i++
		return true
	}
	for {
		if d.peek() != '"' {
			return false
		}
		// The name ends at the next quote; one with an escape (which
		// may hide a quote) can match no field spelt exactly, and unknown
		// gives up on it.
		start := d.i + 1
		q := bytes.IndexByte(d.b[start:], '"')
		if q < 0 {
			return false
		}
		k := d.b[start : start+q]
		d.i = start + q + 1
		if d.peek() != ':' {
			return false
		}
		d.i++
		d.ws()
		if !member(k) {
			return false
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return true
		default:
			return false
		}
	}
}

// array reads an array, calling elem for each element.
func (d *fastJSON) array(elem func() bool) bool {
	if d.peek() != '[' {
		return false
	}
	d.i++
	if d.peek() == ']' {
		d.i++
		return true
	}
	for {
		if d.peek() == 'n' || !elem() {
			return false
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return true
		default:
			return false
		}
	}
}

// str reads a string into *p; null leaves *p alone, as encoding/json does.
func (d *fastJSON) str(p *string) bool {
	if d.null() {
		return true
	}
	s, ok := d.string()
	if ok {
		*p = s
	}
	return ok
}

// istr is str for short values that repeat (see intern).
func (d *fastJSON) istr(p *string) bool {
	if d.null() {
		return true
	}
	s, ok := d.stringAs(true)
	if ok {
		*p = s
	}
	return ok
}

// string reads a string value. The bytes have been through the
// tokenizer, which refuses control characters in strings: they are not
// looked for again.
func (d *fastJSON) string() (string, bool) { return d.stringAs(false) }

// stringAs is string, the value interned when intern is set.
func (d *fastJSON) stringAs(intern bool) (string, bool) {
	if d.peek() != '"' {
		return "", false
	}
	start := d.i + 1
	q := bytes.IndexByte(d.b[start:], '"')
	if q < 0 {
		return "", false
	}
	s := d.b[start : start+q]
	if e := bytes.IndexByte(s, '\\'); e >= 0 {
		return d.escaped(start, start+e)
	}
	if !utf8.Valid(s) {
		return "", false
	}
	d.i = start + q + 1
	if intern {
		return d.intern(s), true
	}
	return string(s), true
}

// escaped reads the rest of a string from j, its first backslash.
func (d *fastJSON) escaped(start, j int) (string, bool) {
	out := append(d.esc[:0], d.b[start:j]...)
	for {
		// Copy up to the next backslash or the closing quote.
		rest := d.b[j:]
		q := bytes.IndexByte(rest, '"')
		if q < 0 {
			return "", false
		}
		e := bytes.IndexByte(rest[:q], '\\')
		if e < 0 {
			out = append(out, rest[:q]...)
			d.esc = out
			if !utf8.Valid(out) {
				return "", false
			}
			d.i = j + q + 1
			return string(out), true
		}
		out = append(out, rest[:e]...)
		j += e
		if j+1 >= len(d.b) {
			return "", false
		}
		switch c := d.b[j+1]; c {
		case '"', '\\', '/':
			out = append(out, c)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if j+6 > len(d.b) {
				return "", false
			}
			r := rune(0)
			for _, h := range d.b[j+2 : j+6] {
				switch {
				case h >= '0' && h <= '9':
					r = r<<4 | rune(h-'0')
				case h >= 'a' && h <= 'f':
					r = r<<4 | rune(h-'a'+10)
				case h >= 'A' && h <= 'F':
					r = r<<4 | rune(h-'A'+10)
				default:
					return "", false
				}
			}
			if r >= 0xD800 && r <= 0xDFFF {
				return "", false // surrogates: encoding/json's rules for pairs
			}
			out = utf8.AppendRune(out, r)
			j += 6
			continue
		default:
			return "", false
		}
		j += 2
	}
}

// integer reads a number that is a plain integer of at most 18 digits.
func (d *fastJSON) integer() (int, bool) {
	if d.peek() == 0 {
		return 0, false
	}
	j, neg := d.i, false
	if d.b[j] == '-' {
		neg = true
		j++
	}
	n, digits := 0, 0
	for j < len(d.b) && d.b[j] >= '0' && d.b[j] <= '9' {
		n = n*10 + int(d.b[j]-'0')
		digits++
		j++
	}
	if digits == 0 || digits > 18 || digits > 1 && d.b[j-digits] == '0' {
		return 0, false
	}
	if j < len(d.b) {
		switch d.b[j] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	d.i = j
	if neg {
		n = -n
	}
	return n, true
}

// int reads an integer into *p; null leaves it alone.
func (d *fastJSON) int(p *int) bool {
	if d.null() {
		return true
	}
	n, ok := d.integer()
	if ok {
		*p = n
	}
	return ok
}

// intPtr reads an integer into a new *int; null makes it nil.
func (d *fastJSON) intPtr(p **int) bool {
	if d.null() {
		*p = nil
		return true
	}
	n, ok := d.integer()
	if ok {
		*p = d.newInt(n)
	}
	return ok
}

// raw returns the bytes of the next value.
func (d *fastJSON) raw() ([]byte, bool) {
	d.ws()
	start := d.i
	if !d.skip() {
		return nil, false
	}
	return d.b[start:d.i], true
}

// skip consumes the next value.
func (d *fastJSON) skip() bool {
	switch c := d.peek(); c {
	case '"':
		_, ok := d.string()
		return ok
	case '{':
		return d.object(func([]byte) bool { return d.skip() })
	case '[':
		d.i++
		if d.peek() == ']' {
			d.i++
			return true
		}
		for {
			if !d.skip() {
				return false
			}
			switch d.peek() {
			case ',':
				d.i++
			case ']':
				d.i++
				return true
			default:
				return false
			}
		}
	case 't', 'f', 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if len(d.b)-d.i >= len(lit) && string(d.b[d.i:d.i+len(lit)]) == lit {
				d.i += len(lit)
				return true
			}
		}
		return false
	case 0:
		return false
	}
	// A number, only skipped: any JSON number the tokenizer passed.
	j := d.i
	for j < len(d.b) {
		c := d.b[j]
		if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			j++
			continue
		}
		break
	}
	if j == d.i {
		return false
	}
	d.i = j
	return true
}

func (d *fastJSON) ruleRef(r *sarifRuleRef) bool {
	return d.object(func(k []byte) bool {
		switch string(k) {
		case "id":
			return d.str(&r.ID)
		case "index":
			return d.intPtr(&r.Index)
		case "toolComponent":
			if d.null() {
				r.ToolComponent = nil
				return true
			}
			tc := &sarifToolComponentRef{}
			r.ToolComponent = tc
			return d.object(func(k []byte) bool {
				switch string(k) {
				case "name":
					return d.str(&tc.Name)
				case "guid":
					return d.str(&tc.GUID)
				case "index":
					return d.intPtr(&tc.Index)
				}
				return d.unknown(k, fastComponentRefNames)
			})
		}
		return d.unknown(k, fastRuleRefNames)
	})
}

func (d *fastJSON) message(m *sarifMessage) bool {
	if d.null() {
		return true
	}
	return d.object(func(k []byte) bool {
		switch string(k) {
		case "text":
			return d.str(&m.Text)
		case "markdown":
			return d.str(&m.Markdown)
		case "id":
			return d.str(&m.ID)
		case "arguments":
			if d.null() {
				m.Arguments = nil
				return true
			}
			m.Arguments = []string{}
			return d.array(func() bool {
				s, ok := d.string()
				m.Arguments = append(m.Arguments, s)
				return ok
			})
		}
		return d.unknown(k, fastMessageNames)
	})
}

func (d *fastJSON) locations(p *[]sarifLocation) bool {
	if d.null() {
		*p = nil
		return true
	}
	*p = d.sc.loc[:0:1]
	return d.array(func() bool {
		*p = append(*p, sarifLocation{})
		loc := &(*p)[len(*p)-1]
		return d.object(func(k []byte) bool {
			switch string(k) {
			case "physicalLocation":
				if d.null() {
					loc.PhysicalLocation = nil
					return true
				}
				loc.PhysicalLocation = d.newPhysical()
				return d.physical(loc.PhysicalLocation)
			case "logicalLocations":
				if d.null() {
					loc.LogicalLocations = nil
					return true
				}
				loc.LogicalLocations = []sarifLogicalLocation{}
				return d.array(func() bool {
					loc.LogicalLocations = append(loc.LogicalLocations, sarifLogicalLocation{})
					ll := &loc.LogicalLocations[len(loc.LogicalLocations)-1]
					return d.object(func(k []byte) bool {
						switch string(k) {
						case "name":
							return d.str(&ll.Name)
						case "fullyQualifiedName":
							return d.str(&ll.FullyQualifiedName)
						case "kind":
							return d.str(&ll.Kind)
						}
						return d.unknown(k, fastLogicalNames)
					})
				})
			}
			return d.unknown(k, fastLocationNames)
		})
	})
}

func (d *fastJSON) physical(pl *sarifPhysicalLocation) bool {
	return d.object(func(k []byte) bool {
		switch string(k) {
		case "artifactLocation":
			if d.null() {
				return true
			}
			al := &pl.ArtifactLocation
			return d.object(func(k []byte) bool {
				switch string(k) {
				case "uri":
					return d.istr(&al.URI)
				case "uriBaseId":
					return d.istr(&al.URIBaseID)
				case "index":
					return d.intPtr(&al.Index)
				}
				return d.unknown(k, fastArtifactNames)
			})
		case "region":
			return d.region(&pl.Region)
		case "contextRegion":
			return d.region(&pl.ContextRegion)
		}
		return d.unknown(k, fastPhysicalNames)
	})
}

func (d *fastJSON) region(p **sarifRegion) bool {
	if d.null() {
		*p = nil
		return true
	}
	r := d.newRegion()
	*p = r
	return d.object(func(k []byte) bool {
		switch string(k) {
		case "startLine":
			return d.int(&r.StartLine)
		case "startColumn":
			return d.int(&r.StartColumn)
		case "endLine":
			return d.int(&r.EndLine)
		case "endColumn":
			return d.int(&r.EndColumn)
		}
		return d.unknown(k, fastRegionNames)
	})
}

func (d *fastJSON) suppressions(p *[]sarifSuppression) bool {
	if d.null() {
		*p = nil
		return true
	}
	*p = []sarifSuppression{}
	return d.array(func() bool {
		*p = append(*p, sarifSuppression{})
		s := &(*p)[len(*p)-1]
		return d.object(func(k []byte) bool {
			switch string(k) {
			case "kind":
				return d.str(&s.Kind)
			case "status":
				return d.str(&s.Status)
			case "justification":
				return d.str(&s.Justification)
			}
			return d.unknown(k, fastSuppressionNames)
		})
	})
}
