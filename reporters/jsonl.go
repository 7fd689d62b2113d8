package reporters

import (
	"sort"
	"strconv"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/jsonstr"
)

// A JSON Lines encoder for one finding, byte for byte what
// json.NewEncoder(w).Encode(toJSONFinding(f)) writes (HTML escaping on), with
// no reflection and one reused buffer. On a million findings encoding/json's
// reflection was about a quarter of the CPU of a whole review run
// (docs/performance.md). TestAppendJSONFindingMatchesEncoder (every parser
// golden, the reporter fixtures, hostile strings) and the fuzz targets
// FuzzAppendJSONString and FuzzAppendJSONFinding require identical bytes;
// a field added to jsonFinding must be added here too (the test then fails
// until it is).

// appendJSONString appends s as a JSON string (jsonstr.Append).
func appendJSONString(dst []byte, s string) []byte { return jsonstr.Append(dst, s) }

// appendJSONKey appends `,"key":` (without the comma for the first key).
func appendJSONKey(dst []byte, key string, first bool) []byte {
	if !first {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, key...) // keys are fixed ASCII names: nothing to escape
	return append(dst, '"', ':')
}

func appendJSONStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, s)
	}
	return append(dst, ']')
}

// appendJSONFinding appends the JSON Lines record of f (toJSONFinding's
// schema, in jsonFinding's field order) and a newline.
func appendJSONFinding(dst []byte, f *translator.Finding) []byte {
	return (*recordCache)(nil).appendFinding(dst, f)
}

// recordCache holds the encoded parts of a record that findings of one
// code or one entry repeat: the record's start (tool, code, severity, tool
// severity) and the runbook's parts that come from its entry, not from the
// finding: everything before the body (id, title) and after it (links,
// owner, source, generic). Escaping them again for every finding was most
// of the reporter's instructions (issue 10). A cached part is used only
// when every field it encodes is equal to the finding's (string
// comparisons: no trust in a pointer, a stage may have changed a field).
// The nil cache encodes every record in full.
type recordCache struct {
	m     map[string]*cachedRunbook
	heads map[string]*cachedHead // by code
	// cur is the head of the record being encoded: entry tries the
	// runbook parts its code had last before the map (a code mostly has
	// one entry).
	cur *cachedHead
}

// maxCachedRunbooks bounds each map of the cache: a catalog has a few
// hundred entries, but the fallback's title is per tool and code, and
// codes come from the input.
const maxCachedRunbooks = 1024

type cachedRunbook struct {
	id, title, owner, source string
	links                    []string
	generic                  bool
	head, tail               []byte // head ends with `"body":`
}

// matches reports whether c encodes rb's fields (all but Body; rb.Error is
// empty, see appendRunbook).
func (c *cachedRunbook) matches(rb *translator.Runbook) bool {
	if c.id != rb.ID || c.title != rb.Title || c.owner != rb.Owner || c.source != rb.Source ||
		c.generic != rb.Generic || len(c.links) != len(rb.Links) {
		return false
	}
	for i, l := range c.links {
		if l != rb.Links[i] {
			return false
		}
	}
	return true
}

// cachedHead is the start of a record: tool, code, severity and tool
// severity, through `,"message":`; and the last message of the code with
// its JSON form (a code's findings mostly share their message).
type cachedHead struct {
	tool, code, toolSeverity string
	sev                      translator.Severity
	enc                      []byte
	msg                      string
	msgEnc                   []byte
	rb                       *cachedRunbook // the code's last runbook parts
}

// appendHeadMessage appends the record's start through the message, from
// the cache when its fields are the finding's.
func (rc *recordCache) appendHeadMessage(dst []byte, f *translator.Finding) []byte {
	if rc == nil {
		return appendJSONString(appendRecordHead(dst, f), f.Message)
	}
	h := rc.head(f)
	rc.cur = h
	dst = append(dst, h.enc...)
	if h.msgEnc == nil || h.msg != f.Message {
		h.msg, h.msgEnc = f.Message, appendJSONString(h.msgEnc[:0], f.Message)
	}
	return append(dst, h.msgEnc...)
}

// head returns the cached start of f's record, encoding it when the cache
// has none that matches.
func (rc *recordCache) head(f *translator.Finding) *cachedHead {
	h := rc.heads[f.Code]
	if h == nil || h.tool != f.Tool || h.code != f.Code || h.sev != f.Severity || h.toolSeverity != f.ToolSeverity {
		h = &cachedHead{tool: f.Tool, code: f.Code, toolSeverity: f.ToolSeverity, sev: f.Severity,
			enc: appendRecordHead(nil, f)}
		if rc.heads == nil || len(rc.heads) >= maxCachedRunbooks {
			rc.heads = map[string]*cachedHead{}
		}
		rc.heads[f.Code] = h
	}
	return h
}

func appendRecordHead(dst []byte, f *translator.Finding) []byte {
	dst = append(dst, `{"tool":`...)
	dst = appendJSONString(dst, f.Tool)
	dst = append(dst, `,"code":`...)
	dst = appendJSONString(dst, f.Code)
	dst = append(dst, `,"severity":`...)
	dst = appendJSONString(dst, jsonSeverity(f.Severity))
	dst = append(dst, `,"tool_severity":`...)
	dst = appendJSONString(dst, f.ToolSeverity)
	return append(dst, `,"message":`...)
}

// appendRunbook appends rb as the value of "runbook" (null for nil).
func (rc *recordCache) appendRunbook(dst []byte, rb *translator.Runbook) []byte {
	if rb == nil {
		return append(dst, "null"...)
	}
	if rc == nil || rb.Error != "" {
		// The error sits between source and generic: such a runbook
		// (a template that failed) is rare, and encoded in full.
		dst = appendRunbookHead(dst, rb)
		dst = appendRunbookBody(dst, rb)
		return appendRunbookTail(dst, rb)
	}
	c := rc.entry(rb)
	dst = append(dst, c.head...)
	dst = appendRunbookBody(dst, rb)
	return append(dst, c.tail...)
}

// entry returns the cached parts of rb's entry, encoding them when the
// cache has none that match.
func (rc *recordCache) entry(rb *translator.Runbook) *cachedRunbook {
	h := rc.cur
	if h != nil && h.rb != nil && h.rb.matches(rb) {
		return h.rb
	}
	c := rc.m[rb.ID]
	if c == nil || !c.matches(rb) {
		c = &cachedRunbook{id: rb.ID, title: rb.Title, owner: rb.Owner, source: rb.Source, generic: rb.Generic,
			links: append([]string(nil), rb.Links...)}
		c.head = appendRunbookHead(nil, rb)
		c.tail = appendRunbookTail(nil, rb)
		if rc.m == nil || len(rc.m) >= maxCachedRunbooks {
			rc.m = map[string]*cachedRunbook{}
		}
		rc.m[rb.ID] = c
	}
	if h != nil {
		h.rb = c
	}
	return c
}

// appendRunbookHead appends `{"id":…,"title":…,"body":`.
func appendRunbookHead(dst []byte, rb *translator.Runbook) []byte {
	dst = append(dst, `{"id":`...)
	dst = appendJSONString(dst, rb.ID)
	dst = append(dst, `,"title":`...)
	dst = appendJSONString(dst, rb.Title)
	return append(dst, `,"body":`...)
}

func appendRunbookBody(dst []byte, rb *translator.Runbook) []byte {
	if rb.HasBodyJSON() {
		// rendered as JSON (runbooks.Catalog.JSONStage)
		rb.BodyJSONParts(func(s string) { dst = append(dst, s...) })
		return dst
	}
	return appendJSONString(dst, rb.Body)
}

// appendRunbookTail appends what follows the body, through the closing
// brace.
func appendRunbookTail(dst []byte, rb *translator.Runbook) []byte {
	if len(rb.Links) > 0 {
		dst = appendJSONKey(dst, "links", false)
		dst = appendJSONStrings(dst, rb.Links)
	}
	if rb.Owner != "" {
		dst = appendJSONKey(dst, "owner", false)
		dst = appendJSONString(dst, rb.Owner)
	}
	if rb.Source != "" {
		dst = appendJSONKey(dst, "source", false)
		dst = appendJSONString(dst, rb.Source)
	}
	if rb.Error != "" {
		dst = appendJSONKey(dst, "error", false)
		dst = appendJSONString(dst, rb.Error)
	}
	if rb.Generic {
		dst = append(dst, `,"generic":true`...)
	}
	return append(dst, '}')
}

// appendFinding is appendJSONFinding with the runbook's entry parts taken
// from rc.
func (rc *recordCache) appendFinding(dst []byte, f *translator.Finding) []byte {
	dst = rc.appendFront(dst, f)
	dst = append(dst, `,"runbook":`...)
	dst = rc.appendRunbook(dst, f.Runbook)
	return appendBack(dst, f)
}

// appendSplit appends f's record but for its runbook body when the body
// is rendered as JSON (Runbook.HasBodyJSON): the record is dst[:at], then
// the body (Runbook.BodyJSONParts), then dst[at:]. The JSON reporter
// writes the parts as they are, instead of copying the body (a kilobyte or
// more per finding) into the record first. Without such a body at is -1
// and dst is the whole record.
func (rc *recordCache) appendSplit(dst []byte, f *translator.Finding) (_ []byte, at int, body *translator.Runbook) {
	rb := f.Runbook
	if rb == nil || rb.Error != "" || !rb.HasBodyJSON() {
		return rc.appendFinding(dst, f), -1, nil
	}
	dst = rc.appendFront(dst, f)
	c := rc.entry(rb)
	dst = append(dst, `,"runbook":`...)
	dst = append(dst, c.head...)
	at = len(dst)
	dst = append(dst, c.tail...)
	return appendBack(dst, f), at, rb
}

// appendFront appends the record from its start through the fingerprint.
func (rc *recordCache) appendFront(dst []byte, f *translator.Finding) []byte {
	dst = rc.appendHeadMessage(dst, f)
	dst = append(dst, `,"path":`...)
	dst = appendJSONString(dst, f.Path)
	dst = append(dst, `,"line":`...)
	dst = strconv.AppendInt(dst, int64(f.Line), 10)
	dst = append(dst, `,"column":`...)
	dst = strconv.AppendInt(dst, int64(f.Column), 10)
	dst = append(dst, `,"end_line":`...)
	dst = strconv.AppendInt(dst, int64(f.EndLine), 10)
	dst = append(dst, `,"end_column":`...)
	dst = strconv.AppendInt(dst, int64(f.EndColumn), 10)
	dst = append(dst, `,"resource":`...)
	dst = appendJSONString(dst, f.Resource)
	dst = append(dst, `,"url":`...)
	dst = appendJSONString(dst, f.URL)
	dst = append(dst, `,"fingerprint":`...)
	return appendJSONString(dst, f.Fingerprint)
}

// appendBack appends the record from what follows the runbook through its
// end and the newline.
func appendBack(dst []byte, f *translator.Finding) []byte {
	if f.Title != "" {
		dst = appendJSONKey(dst, "title", false)
		dst = appendJSONString(dst, f.Title)
	}
	if f.Remediation != "" {
		dst = appendJSONKey(dst, "remediation", false)
		dst = appendJSONString(dst, f.Remediation)
	}
	if len(f.Aliases) > 0 {
		dst = appendJSONKey(dst, "aliases", false)
		dst = appendJSONStrings(dst, f.Aliases)
	}
	if len(f.Extra) > 0 {
		dst = appendJSONKey(dst, "extra", false)
		dst = appendJSONMap(dst, f.Extra)
	}
	if s := f.Suppressed; s != nil {
		dst = append(dst, `,"suppressed":{"reason":`...)
		dst = appendJSONString(dst, s.Reason)
		if s.Expires != "" {
			dst = appendJSONKey(dst, "expires", false)
			dst = appendJSONString(dst, s.Expires)
		}
		if s.Link != "" {
			dst = appendJSONKey(dst, "link", false)
			dst = appendJSONString(dst, s.Link)
		}
		if s.Source != "" {
			dst = appendJSONKey(dst, "source", false)
			dst = appendJSONString(dst, s.Source)
		}
		if s.Expired {
			dst = append(dst, `,"expired":true`...)
		}
		if s.ExpiresInDays != nil {
			dst = appendJSONKey(dst, "expires_in_days", false)
			dst = strconv.AppendInt(dst, int64(*s.ExpiresInDays), 10)
		}
		dst = append(dst, '}')
	}
	if f.Located != "" {
		dst = appendJSONKey(dst, "located", false)
		dst = appendJSONString(dst, f.Located)
	}
	if f.OutsideDiff {
		dst = append(dst, `,"outside_diff":true`...)
	}
	if f.Baseline != "" {
		dst = appendJSONKey(dst, "baseline", false)
		dst = appendJSONString(dst, f.Baseline)
	}
	if len(f.Fixes) > 0 {
		dst = appendJSONKey(dst, "fixes", false)
		dst = appendJSONFixes(dst, f.Fixes)
	}
	if f.FixNote != "" {
		dst = appendJSONKey(dst, "fix_note", false)
		dst = appendJSONString(dst, f.FixNote)
	}
	return append(dst, '}', '\n')
}

// appendJSONFixes appends the fixes as encoding/json writes
// translator.Fix (description omitted when empty; edits null when nil).
func appendJSONFixes(dst []byte, fs []translator.Fix) []byte {
	dst = append(dst, '[')
	for i, fx := range fs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		if fx.Description != "" {
			dst = append(dst, `"description":`...)
			dst = appendJSONString(dst, fx.Description)
			dst = append(dst, ',')
		}
		dst = append(dst, `"source":`...)
		dst = appendJSONString(dst, fx.Source)
		dst = append(dst, `,"edits":`...)
		if fx.Edits == nil {
			dst = append(dst, "null"...)
		} else {
			dst = append(dst, '[')
			for j, e := range fx.Edits {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = append(dst, `{"path":`...)
				dst = appendJSONString(dst, e.Path)
				dst = append(dst, `,"start_line":`...)
				dst = strconv.AppendInt(dst, int64(e.StartLine), 10)
				dst = append(dst, `,"start_column":`...)
				dst = strconv.AppendInt(dst, int64(e.StartColumn), 10)
				dst = append(dst, `,"end_line":`...)
				dst = strconv.AppendInt(dst, int64(e.EndLine), 10)
				dst = append(dst, `,"end_column":`...)
				dst = strconv.AppendInt(dst, int64(e.EndColumn), 10)
				dst = append(dst, `,"text":`...)
				dst = appendJSONString(dst, e.Text)
				dst = append(dst, '}')
			}
			dst = append(dst, ']')
		}
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// appendJSONMap appends m with its keys sorted, as encoding/json does.
func appendJSONMap(dst []byte, m map[string]string) []byte {
	var small [8]string
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		dst = appendJSONString(dst, m[k])
	}
	return append(dst, '}')
}
