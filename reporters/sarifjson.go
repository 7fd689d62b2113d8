package reporters

import (
	"encoding/json"
	"sort"
	"strconv"

	"github.com/runbook-translator/runbook-translator/internal/jsonstr"
)

// sarifJSON appends JSON laid out as json.MarshalIndent(v, prefix, "  ")
// lays it out, without reflection and without indenting a second pass:
// MarshalIndent marshals and then re-reads every byte to indent it, which
// was most of the cost of the 25,000 results a SARIF log holds.
type sarifJSON struct {
	b      []byte
	prefix string
	// n counts the members written in each open object or array.
	n []int
}

func (j *sarifJSON) newline() {
	j.b = append(j.b, '\n')
	j.b = append(j.b, j.prefix...)
	for range j.n {
		j.b = append(j.b, ' ', ' ')
	}
}

func (j *sarifJSON) open(c byte) {
	j.b = append(j.b, c)
	j.n = append(j.n, 0)
}

func (j *sarifJSON) close(c byte) {
	members := j.n[len(j.n)-1]
	j.n = j.n[:len(j.n)-1]
	if members > 0 {
		j.newline()
	}
	j.b = append(j.b, c)
}

// elem starts a member of the open object or array.
func (j *sarifJSON) elem() {
	top := len(j.n) - 1
	if j.n[top] > 0 {
		j.b = append(j.b, ',')
	}
	j.n[top]++
	j.newline()
}

func (j *sarifJSON) key(k string) {
	j.elem()
	j.b = jsonstr.Append(j.b, k)
	j.b = append(j.b, ':', ' ')
}

func (j *sarifJSON) str(s string) { j.b = jsonstr.Append(j.b, s) }
func (j *sarifJSON) num(n int)    { j.b = strconv.AppendInt(j.b, int64(n), 10) }

// strField writes k: s unless s is empty (omitempty).
func (j *sarifJSON) strField(k, s string) {
	if s != "" {
		j.key(k)
		j.str(s)
	}
}

// value appends v as MarshalIndent lays it out at the current depth: the
// parts of a result that are rare and small enough to leave to
// encoding/json (suppressions, fixes).
func (j *sarifJSON) value(v any) error {
	indent := j.prefix
	for range j.n {
		indent += "  "
	}
	b, err := json.MarshalIndent(v, indent, "  ")
	j.b = append(j.b, b...)
	return err
}

// appendResult appends res as json.MarshalIndent(res, j.prefix, "  ")
// would: TestSARIFResultEncodingMatchesMarshalIndent holds the two to the
// same bytes.
func (j *sarifJSON) appendResult(res *sarifResult) error {
	j.open('{')
	j.key("ruleId")
	j.str(res.RuleID)
	j.key("ruleIndex")
	j.num(res.RuleIndex)
	j.key("level")
	j.str(res.Level)
	j.key("message")
	j.open('{')
	j.key("text")
	j.str(res.Message.Text)
	j.close('}')
	j.key("locations")
	if res.Locations == nil {
		j.b = append(j.b, "null"...)
	} else {
		j.open('[')
		for _, loc := range res.Locations {
			j.elem()
			j.appendLocation(&loc)
		}
		j.close(']')
	}
	if len(res.PartialFingerprints) > 0 {
		j.key("partialFingerprints")
		j.open('{')
		keys := make([]string, 0, len(res.PartialFingerprints))
		for k := range res.PartialFingerprints {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			j.key(k)
			j.str(res.PartialFingerprints[k])
		}
		j.close('}')
	}
	if len(res.Suppressions) > 0 {
		j.key("suppressions")
		if err := j.value(res.Suppressions); err != nil {
			return err
		}
	}
	j.strField("baselineState", res.BaselineState)
	if p := res.Properties; p != nil {
		j.key("properties")
		j.open('{')
		j.strField("exception_expired", p.ExceptionExpired)
		j.strField("fixes_left_out", p.FixesLeftOut)
		j.strField("line", p.Line)
		j.strField("location", p.Location)
		j.strField("resource", p.Resource)
		j.strField("runbook_id", p.RunbookID)
		j.strField("suppression_expires", p.SuppressionExpires)
		j.strField("suppression_expiry_note", p.SuppressionExpiryNote)
		j.strField("tool_severity", p.ToolSeverity)
		j.close('}')
	}
	if len(res.Fixes) > 0 {
		j.key("fixes")
		if err := j.value(res.Fixes); err != nil {
			return err
		}
	}
	j.close('}')
	return nil
}

func (j *sarifJSON) appendLocation(loc *sarifLocation) {
	j.open('{')
	j.key("physicalLocation")
	if ph := loc.PhysicalLocation; ph == nil {
		j.b = append(j.b, "null"...)
	} else {
		j.open('{')
		j.key("artifactLocation")
		j.open('{')
		j.key("uri")
		j.str(ph.ArtifactLocation.URI)
		j.strField("uriBaseId", ph.ArtifactLocation.URIBaseID)
		j.close('}')
		if r := ph.Region; r != nil {
			j.key("region")
			j.open('{')
			j.key("startLine")
			j.num(r.StartLine)
			for _, f := range [...]struct {
				k string
				v int
			}{{"startColumn", r.StartColumn}, {"endLine", r.EndLine}, {"endColumn", r.EndColumn}} {
				if f.v != 0 {
					j.key(f.k)
					j.num(f.v)
				}
			}
			j.close('}')
		}
		j.close('}')
	}
	if len(loc.LogicalLocations) > 0 {
		j.key("logicalLocations")
		j.open('[')
		for _, l := range loc.LogicalLocations {
			j.elem()
			j.open('{')
			j.key("fullyQualifiedName")
			j.str(l.FullyQualifiedName)
			j.strField("kind", l.Kind)
			j.close('}')
		}
		j.close(']')
	}
	j.close('}')
}
