package translator

import (
	"slices"
	"strconv"
	"testing"
)

// pinFindings are findings whose fingerprints are pinned: fingerprints are
// stored in baselines, SARIF partialFingerprints and forge comment markers,
// so a change in how they are computed re-reports every finding of every
// repository. The values were produced by the implementation before the
// one-finding fast path (commit 351081a) and must never change.
func pinFindings() []*Finding {
	return []*Finding{
		{Tool: "shellcheck", Code: "SC2086", Message: "Double quote to prevent globbing and word splitting.", Location: Location{Path: "ci/hooks/backup.sh", Line: 16, Column: 37}},
		{Tool: "shellcheck", Code: "SC2086", Message: "Double quote to prevent globbing and word splitting.", Location: Location{Path: "ci/hooks/backup.sh", Line: 99}},
		{Tool: "hadolint", Code: "DL3008", Message: "Pin versions in apt get install.", Location: Location{Path: "Dockerfile", Line: 3}},
		{Tool: "trivy", Code: "AVD-KSV-0017", Message: "Container 'web' should set 'securityContext.privileged' to false", Resource: "Deployment/web", Location: Location{Path: "k8s/web.yaml", Line: 20}},
		{Tool: "trivy", Code: "KSV017", Message: "Container 'web' should set 'securityContext.privileged' to false", Resource: "Deployment/web", Location: Location{Path: "k8s/web.yaml", Line: 40}},
		{Tool: "lint", Code: "", Message: "message with Sym123 (finding 42)", Location: Location{Path: "a/b.go", Line: 1}},
		{Tool: "", Code: "", Message: "", Location: Location{}},
		{Tool: "checkov", Code: "CKV_K8S_16", Message: "Container should not be privileged — «ünïcödé» 日本語\x00\xff", Resource: "Pod/ns/p", Location: Location{Path: "k8s/日本.yaml", Line: 5}},
		{Tool: "shellcheck", Code: "SC2086", Message: "Double quote to prevent globbing and word splitting.", Location: Location{Path: "ci/hooks/backup.sh", Line: 120}},
	}
}

// pinCodes are codes with their normal form (NormalizeCode), ASCII and
// not, pinned the same way: the normal form is part of the fingerprint.
var pinCodes = []string{
	"", "SC2086", "sc2086", "DL3008", "dl-3008", "KSV-0017", "KSV017", "AVD-KSV-0017", "ksv17", "ksv_017",
	"KSV-01010", "CKV_K8S_16", "ckv-k8s-16", "CKV_K8S_016", "AWS-0086", "AVD-AWS-0086", "AVD", "avd-x", "avd",
	"K8S-012", "k8s_012", "privileged-container", "Privileged_Container", "000", "0", "a0", "0a", "a-0-b",
	"--x--", "R092", "go/unused-var", "no-unused-vars", "E501", "W0611", "S101", "B603", "GHSA-xxxx-yyyy-zzzz",
	"CVE-2023-00123", "ÄBC-012", "ÄBC012", "日本語-01", "ǅx", "Σ1", "İ-1", "x\u0301y", "١٢٣", "abc١٢٣", "𝔸𝔹1",
	"tab\tsep", "UPPER lower", "a.b.c", "\xff\xfe", "K\u212a", "ﬁ01", "a_b__c", "AVD-", "-avd-1",
}

func TestFingerprintsPinned(t *testing.T) {
	want := []string{
		"50be2b993000e77d",
		"50be2b993000e77d-2",
		"9e517876f8bb94cd",
		"2fd463676588d8e2",
		"2fd463676588d8e2-2",
		"2e68ac5926aaa518",
		"8855508aade16ec5",
		"6556087c35db09c5",
		"50be2b993000e77d-3",
	}
	fs := pinFindings()
	Findings(fs).AssignFingerprints()
	if len(want) != len(fs) {
		t.Fatalf("%d pins for %d findings", len(want), len(fs))
	}
	for i, f := range fs {
		if f.Fingerprint != want[i] {
			t.Errorf("finding %d: fingerprint %q, want %q", i, f.Fingerprint, want[i])
		}
	}
}

func TestNormalizeCodePinned(t *testing.T) {
	want := map[string]string{
		"":                     "",
		"SC2086":               "sc-2086",
		"sc2086":               "sc-2086",
		"DL3008":               "dl-3008",
		"dl-3008":              "dl-3008",
		"KSV-0017":             "ksv-17",
		"KSV017":               "ksv-17",
		"AVD-KSV-0017":         "ksv-17",
		"ksv17":                "ksv-17",
		"ksv_017":              "ksv-17",
		"KSV-01010":            "ksv-1010",
		"CKV_K8S_16":           "ckv-k8s-16",
		"ckv-k8s-16":           "ckv-k8s-16",
		"CKV_K8S_016":          "ckv-k8s-16",
		"AWS-0086":             "aws-86",
		"AVD-AWS-0086":         "aws-86",
		"AVD":                  "avd",
		"avd-x":                "x",
		"avd":                  "avd",
		"K8S-012":              "k8s-12",
		"k8s_012":              "k8s-12",
		"privileged-container": "privileged-container",
		"Privileged_Container": "privileged-container",
		"000":                  "0",
		"0":                    "0",
		"a0":                   "a-0",
		"0a":                   "0a",
		"a-0-b":                "a-0-b",
		"--x--":                "x",
		"R092":                 "r-92",
		"go/unused-var":        "go-unused-var",
		"no-unused-vars":       "no-unused-vars",
		"E501":                 "e-501",
		"W0611":                "w-611",
		"S101":                 "s-101",
		"B603":                 "b-603",
		"GHSA-xxxx-yyyy-zzzz":  "ghsa-xxxx-yyyy-zzzz",
		"CVE-2023-00123":       "cve-2023-123",
		"ÄBC-012":              "äbc-12",
		"ÄBC012":               "äbc-12",
		"日本語-01":               "日本語-1",
		"ǅx":                   "ǆx",
		"Σ1":                   "σ-1",
		"İ-1":                  "i-1",
		"x́y":                  "x-y",
		"١٢٣":                  "١٢٣",
		"abc١٢٣":               "abc١٢٣",
		"𝔸𝔹1":                  "𝔸𝔹-1",
		"tab\tsep":             "tab-sep",
		"UPPER lower":          "upper-lower",
		"a.b.c":                "a-b-c",
		"\xff\xfe":             "",
		"KK":                   "kk",
		"ﬁ01":                  "ﬁ-1",
		"a_b__c":               "a-b-c",
		"AVD-":                 "avd",
		"-avd-1":               "1",
	}
	for _, c := range pinCodes {
		w, ok := want[c]
		if !ok {
			t.Fatalf("no pin for %q", c)
		}
		if got := NormalizeCode(c); got != w {
			t.Errorf("NormalizeCode(%q) = %q, want %q", c, got, w)
		}
	}
}

// TestNormalizeCodeASCIIMatchesUnicode holds the ASCII fast path to the
// general one on every pinned code and on every string of up to three
// bytes over an alphabet of the bytes that matter.
func TestNormalizeCodeASCIIMatchesUnicode(t *testing.T) {
	check := func(c string) {
		t.Helper()
		got, ok := appendNormalCodeASCII([]byte("x"), c)
		want := normalizeCodeUnicode(c)
		if !ok {
			for i := 0; i < len(c); i++ {
				if c[i] < 0x80 {
					continue
				}
				return // non-ASCII: the general path is taken
			}
			t.Fatalf("appendNormalCodeASCII(%q) refused an ASCII code", c)
		}
		if string(got) != "x"+want {
			t.Errorf("appendNormalCodeASCII(%q) = %q, want %q", c, got[1:], want)
		}
		if n := NormalizeCode(c); n != want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", c, n, want)
		}
	}
	for _, c := range pinCodes {
		check(c)
	}
	alphabet := "aAvVdDzZ009_-. "
	var rec func(prefix string, n int)
	rec = func(prefix string, n int) {
		check(prefix)
		if n == 0 {
			return
		}
		for i := 0; i < len(alphabet); i++ {
			rec(prefix+alphabet[i:i+1], n-1)
		}
	}
	rec("", 4)
	for _, c := range []string{"avd", "AVD-1", "avd1", "avd-avd-1", "avdx", "xavd-1", "0avd-1", "a1b2c3", "007bond"} {
		check(c)
	}
}

func FuzzNormalizeCode(f *testing.F) {
	for _, c := range pinCodes {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, c string) {
		if got, want := NormalizeCode(c), normalizeCodeUnicode(c); got != want {
			t.Fatalf("NormalizeCode(%q) = %q, want %q", c, got, want)
		}
	})
}

// TestBaseFingerprintIsAssignFingerprints: the one-finding form the
// streamed sink uses is the first fingerprint AssignFingerprints gives.
func TestBaseFingerprintIsAssignFingerprints(t *testing.T) {
	long := &Finding{Tool: "t", Message: string(make([]byte, 2000)), Location: Location{Path: "p"}}
	for _, f := range append(pinFindings(), long) {
		g := *f
		Findings{&g}.AssignFingerprints()
		if got := f.BaseFingerprint(); got != g.Fingerprint {
			t.Errorf("BaseFingerprint %q, AssignFingerprints %q", got, g.Fingerprint)
		}
	}
	if got := NumberedFingerprint("50be2b993000e77d", 12); got != "50be2b993000e77d-12" {
		t.Errorf("NumberedFingerprint = %q", got)
	}
}

// TestBodyJSONRelease: a pooled JSON body reads back, decodes for
// Rendered, and is gone after ReleaseBody (its buffer is reused).
func TestBodyJSONRelease(t *testing.T) {
	rb := &Runbook{Body: "stale"}
	bp := BodyBuffer()
	bp.Enc = append(bp.Enc, `"a\n\u003cb\u003e"`...)
	rb.SetBodyJSONBuffer(bp)
	if rb.Body != "" || rb.BodyJSON() != `"a\n\u003cb\u003e"` {
		t.Fatalf("Body %q, BodyJSON %q", rb.Body, rb.BodyJSON())
	}
	if body, _ := rb.Rendered(); body != "a\n<b>" {
		t.Fatalf("Rendered %q", body)
	}
	rb.ReleaseBody()
	if rb.BodyJSON() != "" || rb.pooled != nil {
		t.Fatalf("after ReleaseBody: %q", rb.BodyJSON())
	}
	rb.ReleaseBody() // twice: nothing
	plain := &Runbook{}
	plain.SetBodyJSON(`"x"`)
	plain.ReleaseBody() // not pooled: kept
	if plain.BodyJSON() != `"x"` {
		t.Fatalf("ReleaseBody dropped a body it does not own")
	}
	plain.Resolve()
	if plain.Body != "x" {
		t.Fatalf("Resolve: %q", plain.Body)
	}
	var none *Runbook
	none.ReleaseBody()
	none.BodyJSONParts(func(string) { t.Fatal("a part of a nil runbook") })
	if none.BodyJSON() != "" || none.HasBodyJSON() {
		t.Fatal("nil runbook")
	}

	// A body in parts: read as parts, joined by BodyJSON (once: the
	// parts are then the joined body), decoded by Rendered, released.
	parts := &Runbook{}
	bp = BodyBuffer()
	bp.Enc = append(bp.Enc, `"a\n`...)
	bp.Refs = append(bp.Refs, BodyRef{At: len(bp.Enc), S: `\u003cb\u003e`}, BodyRef{At: len(bp.Enc), S: ` and `})
	bp.Enc = append(bp.Enc, `c"`...)
	parts.SetBodyJSONBuffer(bp)
	var got []string
	parts.BodyJSONParts(func(s string) { got = append(got, s) })
	if want := []string{`"a\n`, `\u003cb\u003e`, ` and `, `c"`}; !slices.Equal(got, want) {
		t.Fatalf("parts %q, want %q", got, want)
	}
	if !parts.HasBodyJSON() || bp.Len() != len(`"a\n\u003cb\u003e and c"`) {
		t.Fatalf("HasBodyJSON %v, Len %d", parts.HasBodyJSON(), bp.Len())
	}
	if body, _ := parts.Rendered(); body != "a\n<b> and c" {
		t.Fatalf("Rendered %q", body)
	}
	if parts.BodyJSON() != `"a\n\u003cb\u003e and c"` {
		t.Fatalf("BodyJSON %q", parts.BodyJSON())
	}
	got = nil
	parts.BodyJSONParts(func(s string) { got = append(got, s) })
	if len(got) != 1 || got[0] != parts.BodyJSON() {
		t.Fatalf("parts after the join: %q", got)
	}
	parts.ReleaseBody()
	if parts.HasBodyJSON() || parts.BodyJSON() != "" {
		t.Fatal("a released body in parts is still there")
	}
}

// TestFingerprintMemo: the memo gives BaseFingerprint's value for every
// finding, on hits, on misses, after it emptied itself and after it turned
// itself off, and it judges its hit rate per window.
func TestFingerprintMemo(t *testing.T) {
	pins := append(pinFindings(), &Finding{Tool: "t", Message: string(make([]byte, 2000)), Location: Location{Path: "p"}})
	check := func(t *testing.T, m *FingerprintMemo, f *Finding) {
		t.Helper()
		if got, want := m.Base(f), f.BaseFingerprint(); got != want {
			t.Fatalf("memo %q, BaseFingerprint %q for %+v", got, want, *f)
		}
	}
	t.Run("repeats", func(t *testing.T) {
		var m FingerprintMemo
		for i := 0; i < 5*fingerprintMemoWindow; i++ {
			f := *pins[i%len(pins)]
			f.Line = i // not part of the identity
			check(t, &m, &f)
		}
		// One key per identity as spelled (two pins differ only in line,
		// one more only in their code's spelling: another key, the same
		// fingerprint).
		distinct := map[[5]string]bool{}
		for _, f := range pins {
			distinct[[5]string{f.Tool, f.Code, f.Path, f.Resource, f.Message}] = true
		}
		if m.off || len(m.m) != len(distinct) {
			t.Fatalf("repetitive input: off %v, %d keys held for %d identities", m.off, len(m.m), len(distinct))
		}
	})
	t.Run("fields with NUL", func(t *testing.T) {
		// The same bytes with the fields cut elsewhere: other
		// fingerprints (the code is normalised), other keys.
		var m FingerprintMemo
		for _, f := range []*Finding{
			{Tool: "a\x00b", Code: "c"},
			{Tool: "a", Code: "b\x00c"},
			{Tool: "a", Code: "b", Message: "\x00c"},
			{Tool: "a\x00b", Code: "c"},
		} {
			check(t, &m, f)
		}
	})
	t.Run("distinct", func(t *testing.T) {
		var m FingerprintMemo
		for i := 0; i < fingerprintMemoWindow; i++ {
			check(t, &m, &Finding{Tool: "lint", Message: strconv.Itoa(i), Location: Location{Path: "a.go"}})
		}
		if !m.off || m.m != nil {
			t.Fatalf("every identity distinct: off %v after a window", m.off)
		}
		for _, f := range pins {
			check(t, &m, f)
		}
	})
	t.Run("first window one in eight, then one in four", func(t *testing.T) {
		var m FingerprintMemo
		n := 0
		feed := func(count, repeatEvery int) {
			for i := 0; i < count; i++ {
				n++
				msg := "new " + strconv.Itoa(n)
				if i%repeatEvery == 0 {
					msg = "again"
				}
				check(t, &m, &Finding{Tool: "lint", Message: msg})
			}
		}
		feed(fingerprintMemoWindow, 6) // a sixth hit
		if m.off {
			t.Fatal("off after a first window with a sixth of its lookups hit")
		}
		feed(fingerprintMemoWindow, 3) // a third
		if m.off {
			t.Fatal("off after a window with a third of its lookups hit")
		}
		feed(fingerprintMemoWindow, 6)
		if !m.off {
			t.Fatal("still on after a later window with a sixth of its lookups hit")
		}
	})
	t.Run("bounded", func(t *testing.T) {
		var m FingerprintMemo
		big := string(make([]byte, 100<<10))
		for i := 0; i < 3*fingerprintMemoBytes/len(big); i++ {
			check(t, &m, &Finding{Tool: "lint", Message: big + strconv.Itoa(i%2)})
			if m.bytes > fingerprintMemoBytes {
				t.Fatalf("%d bytes of keys held, bound %d", m.bytes, fingerprintMemoBytes)
			}
		}
	})
}
