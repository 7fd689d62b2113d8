package reporters

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// encodeReference is what the json reporter wrote before appendJSONFinding:
// encoding/json's Encoder (HTML escaping on) over toJSONFinding.
func encodeReference(t testing.TB, f *translator.Finding) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(toJSONFinding(f)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// goldenFindings loads the normalised findings of every parser golden file
// (real tool output) plus the reporter fixtures and the hostile run.
func goldenFindings(t testing.TB) []*translator.Finding {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "*", "*.golden.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no parser goldens: %v", err)
	}
	var all []*translator.Finding
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var fs []*translator.Finding
		if err := json.Unmarshal(b, &fs); err != nil {
			continue // a golden that is a parse error, not a list
		}
		all = append(all, fs...)
	}
	all = append(all, fixtureRun().Findings...)
	all = append(all, hostileRun().Findings...)
	return all
}

// TestAppendJSONFindingMatchesEncoder requires byte-identical records.
func TestAppendJSONFindingMatchesEncoder(t *testing.T) {
	fs := goldenFindings(t)
	if len(fs) < 500 {
		t.Fatalf("only %d findings loaded", len(fs))
	}
	// Every optional field set, and empty-but-not-nil slices and maps
	// (omitted, as encoding/json's omitempty does).
	full := &translator.Finding{
		Tool: "t", Code: "c", Severity: translator.Severity(99), Message: "m\u2028\u2029<>&\x00\x7f\xff",
		Title: "ti", Remediation: "re", Aliases: []string{"a", "<b>"}, Extra: map[string]string{"z": "1", "a": "2", "M<": "\t"},
		Suppressed: &translator.Suppression{Reason: "r", Expires: "2020-01-01", Link: "l", Source: "config", Expired: true},
		Located:    "template", OutsideDiff: true, Fingerprint: "f-2", Baseline: translator.BaselineExisting,
		Location: translator.Location{Path: "p", Line: -1, Column: 1 << 40, EndLine: 3, EndColumn: 4},
		Runbook:  &translator.Runbook{ID: "i", Title: "t", Body: "b", Links: []string{"x"}, Owner: "o", Source: "s", Error: "e", Generic: true},
		Fixes: []translator.Fix{
			{Description: "d<", Source: "runbook:i", Edits: []translator.Edit{{Path: "p", StartLine: 1, StartColumn: 2, EndLine: 3, EndColumn: 4, Text: "x\n\u2028"}, {}}},
			{Source: "tool"},
			{Source: "tool", Edits: []translator.Edit{}},
		},
		FixNote: "note <",
	}
	empty := &translator.Finding{Aliases: []string{}, Extra: map[string]string{}, Severity: translator.Severity(-5), Fixes: []translator.Fix{},
		Runbook: &translator.Runbook{Links: []string{}}, Suppressed: &translator.Suppression{}}
	zero, five := 0, 5
	full.Suppressed.ExpiresInDays = &five
	soon := &translator.Finding{Tool: "t", Code: "c", Suppressed: &translator.Suppression{Reason: "r", ExpiresInDays: &zero}}
	fs = append(fs, full, empty, soon)
	var buf []byte
	for i, f := range fs {
		want := encodeReference(t, f)
		buf = appendJSONFinding(buf[:0], f)
		if !bytes.Equal(buf, want) {
			t.Fatalf("finding %d (%s %s): got\n%s\nwant\n%s", i, f.Tool, f.Code, buf, want)
		}
	}
	t.Logf("%d findings byte-identical", len(fs))
}

// TestRecordCacheMatchesEncoder: the JSON reporter's cached parts give the
// reference bytes over the goldens (each finding twice, so the second is a
// hit) and when a runbook of a cached id, or a finding of a cached code,
// differs in any field the cache holds (it must miss, not reuse the stale
// parts).
func TestRecordCacheMatchesEncoder(t *testing.T) {
	fs := goldenFindings(t)
	var withRunbook []*translator.Finding
	for _, f := range fs {
		if f.Runbook != nil {
			withRunbook = append(withRunbook, f)
		}
	}
	if len(withRunbook) < 50 { // the reporter fixtures and the hostile run
		t.Fatalf("only %d findings with a runbook", len(withRunbook))
	}
	base := translator.Runbook{ID: "shell-sc2045", Title: "t", Body: "b", Links: []string{"https://x/1", "https://x/2"},
		Owner: "o", Source: "builtin:shell.yaml:1"}
	variants := []func(rb *translator.Runbook){
		func(*translator.Runbook) {},
		func(rb *translator.Runbook) { rb.Title = "t<2>" },
		func(rb *translator.Runbook) { rb.Links = []string{"https://x/1", "https://x/3"} },
		func(rb *translator.Runbook) { rb.Links = rb.Links[:1] },
		func(rb *translator.Runbook) { rb.Links = nil },
		func(rb *translator.Runbook) { rb.Owner = "" },
		func(rb *translator.Runbook) { rb.Source = "team.yaml" },
		func(rb *translator.Runbook) { rb.Generic = true },
		func(rb *translator.Runbook) { rb.Error = "render failed" },
		func(rb *translator.Runbook) { rb.Body = "" },
	}
	// The record's start, cached by code: the same code with another
	// tool, severity or tool severity.
	for _, g := range []translator.Finding{
		{Tool: "shellcheck", Code: "SC2045", Severity: translator.SeverityWarning, ToolSeverity: "warning"},
		{Tool: "shellcheck", Code: "SC2045", Severity: translator.SeverityError, ToolSeverity: "warning"},
		{Tool: "shellcheck", Code: "SC2045", Severity: translator.SeverityError, ToolSeverity: "error"},
		{Tool: "lint", Code: "SC2045", Severity: translator.SeverityError, ToolSeverity: "error"},
		{Tool: "lint", Code: "sc2045", Severity: translator.SeverityError, ToolSeverity: "error"},
	} {
		for range 2 {
			h := g
			withRunbook = append(withRunbook, &h)
		}
	}
	// Each variant comes after the base runbook, so that the cache holds
	// the base's parts and the variant differs from them in one field.
	for _, v := range variants {
		for again, vary := range []bool{false, true, true} {
			rb := base
			rb.Links = append([]string(nil), base.Links...)
			if vary {
				v(&rb)
			}
			withRunbook = append(withRunbook, &translator.Finding{Tool: "shellcheck", Code: "SC2045", Message: strconv.Itoa(again), Runbook: &rb})
		}
	}
	inPlace := withRunbook[len(withRunbook)-3] // a variant's runbook (below)
	// Bodies rendered as JSON (runbooks.Catalog.JSONStage), which the
	// JSON reporter writes apart from the record (appendSplit).
	for i, body := range []string{"plain", "**What is wrong.** `a<b>` \u0026 \"q\"\n", ""} {
		rb := base
		rb.Links = append([]string(nil), base.Links...)
		enc, err := json.Marshal(body) // the form JSONStage sets: HTML escaping on
		if err != nil {
			t.Fatal(err)
		}
		rb.SetBodyJSON(string(enc))
		withRunbook = append(withRunbook, &translator.Finding{Tool: "shellcheck", Code: "SC2045", Message: strconv.Itoa(i), Runbook: &rb, Title: "after the runbook"})
	}
	// A body in parts (translator.BodyBuf: literals by reference), with a
	// reference first, in the middle, last and two in a row.
	for i, cut := range [][]int{{0, 5}, {3, 9, 20}, {1, 4, 4, 30}, {12, 39}} {
		rb := base
		rb.Links = append([]string(nil), base.Links...)
		enc, err := json.Marshal("**What is wrong.** `a<b>` \u0026 \"q\"\nand a literal long enough\n")
		if err != nil {
			t.Fatal(err)
		}
		bp := translator.BodyBuffer()
		prev := 0
		for j := 0; j+1 < len(cut); j += 2 {
			bp.Enc = append(bp.Enc, enc[prev:cut[j]]...)
			bp.Refs = append(bp.Refs, translator.BodyRef{At: len(bp.Enc), S: string(enc[cut[j]:cut[j+1]])})
			prev = cut[j+1]
		}
		bp.Enc = append(bp.Enc, enc[prev:]...)
		rb.SetBodyJSONBuffer(bp)
		withRunbook = append(withRunbook, &translator.Finding{Tool: "shellcheck", Code: "SC2045", Message: "parts " + strconv.Itoa(i), Runbook: &rb})
	}
	var rc, split recordCache
	var buf []byte
	splits := 0
	for pass := 0; pass < 2; pass++ {
		for i, f := range withRunbook {
			ref := f
			var enc []byte // the JSON body, not joined in place (BodyJSONParts)
			f.Runbook.BodyJSONParts(func(s string) { enc = append(enc, s...) })
			if len(enc) > 0 {
				// encoding/json sees Body, not the JSON form: the
				// reference is the finding with its body as text.
				var text string
				if err := json.Unmarshal(enc, &text); err != nil {
					t.Fatal(err)
				}
				g, rb := *f, *f.Runbook
				rb.SetBodyJSON("")
				rb.Body = text
				g.Runbook = &rb
				ref = &g
			}
			want := encodeReference(t, ref)
			buf = rc.appendFinding(buf[:0], f)
			if !bytes.Equal(buf, want) {
				t.Fatalf("pass %d, finding %d (%s %s): got\n%s\nwant\n%s", pass, i, f.Tool, f.Code, buf, want)
			}
			rec, at, body := split.appendSplit(nil, f)
			if at >= 0 {
				splits++
				var parts []byte
				body.BodyJSONParts(func(s string) { parts = append(parts, s...) })
				rec = append(rec[:at:at], append(parts, rec[at:]...)...)
			}
			if !bytes.Equal(rec, want) {
				t.Fatalf("pass %d, finding %d (%s %s), split at %d: got\n%s\nwant\n%s", pass, i, f.Tool, f.Code, at, rec, want)
			}
		}
	}
	if splits < 14 {
		t.Fatalf("%d records split around a JSON body, want the 7 bodies twice", splits)
	}
	// A runbook changed in place after it was cached.
	f := inPlace
	f.Runbook.Links[0] = "https://changed"
	if got, want := rc.appendFinding(nil, f), encodeReference(t, f); !bytes.Equal(got, want) {
		t.Fatalf("runbook changed in place: got\n%s\nwant\n%s", got, want)
	}
}

// TestAppendJSONString covers every byte value and the special runes.
func TestAppendJSONString(t *testing.T) {
	var all strings.Builder
	for b := 0; b < 256; b++ {
		all.WriteByte(byte(b))
	}
	for _, s := range []string{"", all.String(), "é\u2028x\u2029\U0001F600", "\xe2\x80", "\xed\xa0\x80", "<script>&amp;</script>", `"\`} {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	}
}

// FuzzAppendJSONString:
//
//	go test ./reporters -run '^$' -fuzz '^FuzzAppendJSONString$' -fuzztime 60s -parallel 1
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "\x00\x1f\x7f", "<>&", "\u2028", "\xff\xfe", hostile} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}

// fuzzCache is shared by the fuzz inputs: a runbook of an id seen before
// with other fields must not take the earlier one's parts.
var fuzzCache recordCache

// FuzzAppendJSONFinding fuzzes every kind of field at once.
//
//	go test ./reporters -run '^$' -fuzz '^FuzzAppendJSONFinding$' -fuzztime 60s -parallel 1
func FuzzAppendJSONFinding(f *testing.F) {
	f.Add("trivy", "KSV-0017", "msg <x>", "k8s/a.yaml", "Deployment/web", "body\n", "k", "v", 3, 4, uint8(0))
	f.Add("", "", hostile, "\xff", "", "", "", "", -1, 0, uint8(255))
	f.Fuzz(func(t *testing.T, tool, code, msg, path, res, body, k, v string, line, col int, flags uint8) {
		fi := &translator.Finding{Tool: tool, Code: code, Message: msg, Severity: translator.Severity(int(flags%5) - 1),
			Location: translator.Location{Path: path, Line: line, Column: col}, Resource: res, Fingerprint: code + k}
		if flags&1 != 0 {
			fi.Runbook = &translator.Runbook{ID: code, Title: msg, Body: body, Generic: flags&2 != 0, Owner: v}
		}
		if flags&4 != 0 {
			fi.Extra = map[string]string{k: v, v: k}
			fi.Aliases = []string{k, v}
		}
		if flags&8 != 0 {
			fi.Suppressed = &translator.Suppression{Reason: body, Expires: k, Expired: flags&16 != 0}
		}
		if flags&32 != 0 {
			fi.Title, fi.Remediation, fi.Located, fi.OutsideDiff = msg, body, v, true
		}
		want := encodeReference(t, fi)
		if got := appendJSONFinding(nil, fi); !bytes.Equal(got, want) {
			t.Fatalf("got\n%s\nwant\n%s", got, want)
		}
		if got := fuzzCache.appendFinding(nil, fi); !bytes.Equal(got, want) {
			t.Fatalf("cached: got\n%s\nwant\n%s", got, want)
		}
	})
}

// BenchmarkAppendJSONString encodes a runbook-sized body (Markdown prose
// with code spans and a fenced block, as the built-in bodies render).
func BenchmarkAppendJSONString(b *testing.B) {
	body := strings.Repeat("Pin versions in `apt-get install`: use `apt-get install <package>=<version>`.\n\n", 8) +
		"```yaml\n# .runbook-translator.yaml\nignore:\n  - tool: hadolint\n    code: DL3008\n    path: infra/Dockerfile\n```\n"
	b.SetBytes(int64(len(body)))
	var dst []byte
	for i := 0; i < b.N; i++ {
		dst = appendJSONString(dst[:0], body)
	}
}

// BenchmarkJSONWrite writes the reporter fixtures' findings, each with
// its runbook, through the json reporter (the entry parts come from its
// recordCache after the first finding of each entry).
func BenchmarkJSONWrite(b *testing.B) {
	fs := fixtureRun().Findings
	j := NewJSON(io.Discard)
	if err := j.Begin(&translator.Run{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := j.Write(fs[i%len(fs)]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if err := j.End(&translator.Run{}); err != nil {
		b.Fatal(err)
	}
}
