package reporters

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	translator "github.com/runbook-translator/runbook-translator"
)

// sarifSchemaFile is the official SARIF 2.1.0 schema (see its README).
var sarifSchemaFile = filepath.Join("..", "testdata", "schemas", "sarif-2.1.0.json")

func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(sarifSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // uri and uri-reference are checked too
	const loc = "file:///sarif-2.1.0.json"
	if err := c.AddResource(loc, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(loc)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateSARIF(t *testing.T, sch *jsonschema.Schema, out []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("sarif output is not JSON: %v", err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("sarif output is not valid SARIF 2.1.0: %v", err)
	}
}

func TestSARIFValidAgainstSchema(t *testing.T) {
	sch := compileSARIFSchema(t)
	big := bigRun(200)
	big.Findings[3].Location = translator.Location{Path: "c:weird/ä #?%.tf", Line: 5, Column: 9, EndLine: 5, EndColumn: 2}
	big.Findings[4].URL = "not a url"
	runs := map[string]*translator.Run{
		"fixture":        fixtureRun(),
		"zero findings":  {Tools: []string{"trivy", "conftest"}, FailLevel: translator.SeverityError},
		"no tools":       {},
		"many, odd URIs": big,
	}
	for name, run := range runs {
		t.Run(name, func(t *testing.T) {
			validateSARIF(t, sch, render(t, "sarif", Options{}, run))
		})
	}
}

// The schema check must be able to fail. (Its uri-reference check is lax:
// "a b" passes, so pathURI has its own test.)
func TestSARIFSchemaRejectsInvalid(t *testing.T) {
	sch := compileSARIFSchema(t)
	for _, bad := range []string{
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"},"region":{"startLine":0}}}]}]}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"suppressions":[{"kind":"ignored"}]}]}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"r"}]}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"r","helpUri":"not a uri"}]}}}]}`,
	} {
		v, _ := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err := sch.Validate(v); err == nil {
			t.Errorf("schema accepted %s", bad)
		}
	}
}

type sarifDoc struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name  string
				Rules []struct {
					ID   string
					Help struct{ Markdown string }
				}
			}
		}
		Results []struct {
			RuleID              string
			RuleIndex           int
			Level               string
			Locations           []map[string]json.RawMessage
			PartialFingerprints map[string]string
			Suppressions        []struct{ Kind, Justification string }
		}
	}
}

func TestSARIFContent(t *testing.T) {
	run := fixtureRun()
	var doc sarifDoc
	if err := json.Unmarshal(render(t, "sarif", Options{}, run), &doc); err != nil {
		t.Fatal(err)
	}
	var names []string
	results := 0
	for _, r := range doc.Runs {
		names = append(names, r.Tool.Driver.Name)
		ids := map[string]bool{}
		for _, rule := range r.Tool.Driver.Rules {
			if ids[rule.ID] {
				t.Errorf("%s: rule %s twice", r.Tool.Driver.Name, rule.ID)
			}
			ids[rule.ID] = true
		}
		for _, res := range r.Results {
			results++
			if r.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
				t.Errorf("ruleIndex %d does not point at %s", res.RuleIndex, res.RuleID)
			}
			if res.PartialFingerprints["runbookTranslator/v1"] == "" {
				t.Errorf("%s: no partial fingerprint", res.RuleID)
			}
			switch res.RuleID {
			case "CKV_K8S_16":
				if len(res.Suppressions) != 1 || res.Suppressions[0].Kind != "external" || !strings.Contains(res.Suppressions[0].Justification, "legacy batch job") {
					t.Errorf("ignored finding: suppressions %+v", res.Suppressions)
				}
			case "latest-tag":
				if len(res.Suppressions) != 0 {
					t.Errorf("expired exception still suppressed")
				}
			case "K8S-013", "CVE-2024-24790":
				// No line: the file, on line 1 (as Trivy's SARIF does).
				if len(res.Locations) != 1 || !bytes.Contains(res.Locations[0]["physicalLocation"], []byte(`"startLine": 1`)) {
					t.Errorf("%s (no line): want the file on line 1, got %s", res.RuleID, res.Locations)
				}
			case "unknown": // kubeconform, no path, no resource
				if len(res.Locations) != 1 || !bytes.Contains(res.Locations[0]["physicalLocation"], []byte(`"uri": "-"`)) {
					t.Errorf("finding without path: want artifact \"-\", got %s", res.Locations)
				}
			}
			if len(res.Locations) != 1 || res.Locations[0]["physicalLocation"] == nil {
				t.Errorf("%s: no physical location", res.RuleID)
			}
		}
	}
	if got := strings.Join(names, ","); got != strings.Join(run.Tools, ",") {
		t.Errorf("runs %s, want one per tool in input order %v", got, run.Tools)
	}
	if results != len(run.Findings) {
		t.Errorf("%d results for %d findings", results, len(run.Findings))
	}
	// A body that names no finding is the rule's help; one that names the
	// finding's object (KSV-0017's "Deployment/web") is not: it goes into
	// the result's message, and the help says only what holds for the rule.
	for _, r := range doc.Runs {
		for _, rule := range r.Tool.Driver.Rules {
			switch rule.ID {
			case "DL3059":
				if !strings.Contains(rule.Help.Markdown, "Join consecutive `RUN` lines") {
					t.Errorf("DL3059: help is not the runbook body: %q", rule.Help.Markdown)
				}
			case "KSV-0017":
				if strings.Contains(rule.Help.Markdown, "Deployment/web") || !strings.Contains(rule.Help.Markdown, "Privileged container") {
					t.Errorf("KSV-0017: help names one finding or lacks the title: %q", rule.Help.Markdown)
				}
			}
		}
	}
	out := string(render(t, "sarif", Options{}, run))
	if !strings.Contains(out, `Container 'web' of Deployment 'web' should set 'securityContext.privileged' to false\n\nRunbook: **Deployment/web** runs a privileged container`) {
		t.Errorf("KSV-0017's result message does not carry its runbook")
	}
}

// Two findings of one code matched by two runbook entries (gator's GK-103
// is both "registry" and "tag" policy) get two rules, each with its own
// help, and each result points at its own.
func TestSARIFCodeWithTwoEntries(t *testing.T) {
	mk := func(path, rb, body string) *translator.Finding {
		return &translator.Finding{Tool: "gator", Code: "GK-103", Severity: translator.SeverityError, Message: "m " + path,
			Location: translator.Location{Path: path, Line: 3}, Fingerprint: path,
			Runbook: &translator.Runbook{ID: rb, Title: rb, Body: body}}
	}
	run := &translator.Run{Tools: []string{"gator"}, Findings: translator.Findings{
		mk("a.yaml", "registry", "Use the internal registry.\n"),
		mk("b.yaml", "tag", "Pin the tag.\n"),
		mk("c.yaml", "registry", "Use the internal registry.\n"),
	}}
	var doc sarifDoc
	if err := json.Unmarshal(render(t, "sarif", Options{}, run), &doc); err != nil {
		t.Fatal(err)
	}
	r := doc.Runs[0]
	if len(r.Tool.Driver.Rules) != 2 {
		t.Fatalf("%d rules, want 2: %+v", len(r.Tool.Driver.Rules), r.Tool.Driver.Rules)
	}
	want := map[string]string{"GK-103/registry": "internal registry", "GK-103/tag": "Pin the tag"}
	for _, rule := range r.Tool.Driver.Rules {
		if !strings.Contains(rule.Help.Markdown, want[rule.ID]) || want[rule.ID] == "" {
			t.Errorf("rule %s help %q", rule.ID, rule.Help.Markdown)
		}
	}
	for _, res := range r.Results {
		if r.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("ruleIndex %d does not point at %s", res.RuleIndex, res.RuleID)
		}
	}
	if r.Results[1].RuleID != "GK-103/tag" {
		t.Errorf("b.yaml: rule %s", r.Results[1].RuleID)
	}
}

// Findings without a file get the artifact their scanner's own SARIF uses.
func TestSARIFArtifactWithoutFile(t *testing.T) {
	for _, c := range []struct {
		f    translator.Finding
		want string
	}{
		{translator.Finding{Extra: map[string]string{"target": "alpine:3.18 (alpine 3.18.4)"}}, "library/alpine"},
		{translator.Finding{Extra: map[string]string{"target": "ghcr.io/acme/shop/api:1.2@sha256:abcd (debian 12.1)"}}, "acme/shop/api"},
		{translator.Finding{Extra: map[string]string{"target": "localhost:5000/app:1"}}, "app"},
		{translator.Finding{Extra: map[string]string{"target": "testdata/fixtures/images/alpine-39.tar.gz (alpine 3.9.4)"}}, "testdata/fixtures/images/alpine-39.tar.gz"},
		{translator.Finding{Resource: "Pod/default/bad pod"}, "Pod/default/bad%20pod"},
		{translator.Finding{}, "-"},
		{translator.Finding{Location: translator.Location{Path: "/abs/x y.tf"}}, "file:///abs/x%20y.tf"},
	} {
		uri, _, _ := sarifArtifactURI(&c.f)
		if uri != c.want {
			t.Errorf("%+v: uri %q, want %q", c.f, uri, c.want)
		}
	}
}

// limitRun is n findings of one tool with the given severity cycle.
func limitRun(n int, tools ...string) *translator.Run {
	run := &translator.Run{Tools: tools}
	sevs := []translator.Severity{translator.SeverityInfo, translator.SeverityWarning, translator.SeverityError, translator.SeverityCritical}
	for i := 0; i < n; i++ {
		run.Findings = append(run.Findings, &translator.Finding{
			Tool: tools[i%len(tools)], Code: fmt.Sprintf("R%d", i%7), Severity: sevs[i%len(sevs)],
			Message: fmt.Sprintf("finding %d", i), Fingerprint: fmt.Sprintf("fp%d", i),
			Location: translator.Location{Path: fmt.Sprintf("f%05d.tf", i), Line: 1 + i%50},
		})
	}
	return run
}

// Over the results limit, the lowest severities are left out, the run's
// properties and stderr say how many, and the file stays valid.
func TestSARIFResultsLimit(t *testing.T) {
	defer func(n int) { sarifMaxResults = n }(sarifMaxResults)
	sarifMaxResults = 100
	run := limitRun(400, "tfsec")
	var warn bytes.Buffer
	out := render(t, "sarif", Options{Warn: &warn}, run)
	validateSARIF(t, compileSARIFSchema(t), out)
	var doc struct {
		Runs []struct {
			Results []struct {
				Level   string
				Message struct{ Text string }
			}
			Properties map[string]sarifOmitted
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	r := doc.Runs[0]
	if len(r.Results) != 100 {
		t.Fatalf("%d results, want 100", len(r.Results))
	}
	for _, res := range r.Results {
		if res.Level != "error" {
			t.Fatalf("kept a %s result while errors and criticals were left out", res.Level)
		}
	}
	om := r.Properties[sarifCutKey]
	if om.Findings != 300 || om.Of != 400 || om.BySeverity["info"] != 100 || om.BySeverity["warning"] != 100 || om.BySeverity["error"] != 100 || om.BySeverity["critical"] != 0 {
		t.Errorf("omitted property %+v", om)
	}
	if !strings.Contains(warn.String(), "tfsec: 300 of 400 findings left out of the SARIF log (100 error, 100 warning, 100 info)") {
		t.Errorf("stderr note: %q", warn.String())
	}
}

func TestSARIFRunsLimit(t *testing.T) {
	var tools []string
	for i := 0; i < 23; i++ {
		tools = append(tools, fmt.Sprintf("tool%02d", i))
	}
	var warn bytes.Buffer
	out := render(t, "sarif", Options{Warn: &warn}, limitRun(46, tools...))
	var doc struct{ Runs []json.RawMessage }
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 20 {
		t.Errorf("%d runs, want 20", len(doc.Runs))
	}
	if n := strings.Count(warn.String(), "left out of the SARIF log: GitHub accepts at most 20 runs"); n != 3 {
		t.Errorf("%d run notes: %q", n, warn.String())
	}
}

// Over the gzip limit, results are left out until the file fits.
func TestSARIFGzipLimit(t *testing.T) {
	defer func(n int64) { sarifMaxGzip = n }(sarifMaxGzip)
	sarifMaxGzip = 20 << 10
	run := limitRun(3000, "trivy")
	var warn bytes.Buffer
	out := render(t, "sarif", Options{Warn: &warn}, run)
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write(out)
	zw.Close()
	if zb.Len() > int(sarifMaxGzip) {
		t.Errorf("gzipped %d bytes, limit %d", zb.Len(), sarifMaxGzip)
	}
	if !strings.Contains(warn.String(), "10 MB gzip-compressed") {
		t.Errorf("no size note: %q", warn.String())
	}
	validateSARIF(t, compileSARIFSchema(t), out)
}

// Streaming (Begin, Write, End) gives the same log as Report on the same
// order, and holds at most sarifMaxResults results whatever the input.
func TestSARIFStreamBounded(t *testing.T) {
	defer func(n int) { sarifMaxResults = n }(sarifMaxResults)
	sarifMaxResults = 50
	run := limitRun(5000, "trivy", "tfsec")
	run.Findings.Sort()
	var a, b bytes.Buffer
	if err := NewSARIF(&a).Report(t.Context(), run); err != nil {
		t.Fatal(err)
	}
	s := NewSARIF(&b)
	s.Begin(run)
	for _, f := range run.Findings {
		s.Write(f)
		if s.st.n > sarifMaxResults {
			t.Fatalf("holding %d results", s.st.n)
		}
		rules := 0
		for _, r := range s.st.tools {
			rules += len(r.rules)
		}
		if rules > sarifMaxResults {
			t.Fatalf("holding %d rules", rules)
		}
	}
	s.End(run)
	if a.String() != b.String() {
		t.Errorf("streamed log differs from the batch one")
	}
}

func TestSARIFSecuritySeverity(t *testing.T) {
	run := &translator.Run{Findings: translator.Findings{
		{Tool: "trivy", Code: "CVE-1", Severity: translator.SeverityCritical, Message: "m", Location: translator.Location{Path: "go.mod"}},
		{Tool: "hadolint", Code: "DL1", Severity: translator.SeverityError, Message: "m", Location: translator.Location{Path: "Dockerfile"}},
		{Tool: "polaris", Code: "hostPID", Severity: translator.SeverityError, Message: "m", Resource: "Deployment/a", Extra: map[string]string{"category": "Security"}},
	}}
	var doc struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string
						Properties struct {
							Tags []string
							Sev  string `json:"security-severity"`
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal(render(t, "sarif", Options{}, run), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range doc.Runs {
		for _, rule := range r.Tool.Driver.Rules {
			got[rule.ID] = rule.Properties.Sev + " " + strings.Join(rule.Properties.Tags, ",")
		}
	}
	want := map[string]string{"CVE-1": "9.5 trivy,security", "DL1": " hadolint", "hostPID": "8.0 polaris,security"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
}

func TestSARIFRegion(t *testing.T) {
	cases := []struct {
		in   translator.Location
		want *sarifRegion
	}{
		{translator.Location{Line: 0, Column: 3}, nil},
		{translator.Location{Line: 4}, &sarifRegion{StartLine: 4}},
		{translator.Location{Line: 4, Column: 2, EndLine: 4, EndColumn: 9}, &sarifRegion{4, 2, 4, 9}},
		{translator.Location{Line: 4, Column: 9, EndLine: 4, EndColumn: 2}, &sarifRegion{4, 9, 4, 0}},
		{translator.Location{Line: 4, Column: 9, EndLine: 6, EndColumn: 2}, &sarifRegion{4, 9, 6, 2}},
		{translator.Location{Line: 4, EndLine: 2, EndColumn: 2}, &sarifRegion{StartLine: 4}},
	}
	for _, c := range cases {
		got := sarifRegionOf(c.in)
		if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
			t.Errorf("region(%+v) = %+v, want %+v", c.in, got, c.want)
		}
	}
	if got := pathURI("k8s/web app/c:d#e%.yaml"); got != "k8s/web%20app/c%3Ad%23e%25.yaml" {
		t.Errorf("pathURI = %s", got)
	}
}

// Issue 10: the results' text goes to the spool, which moves to a
// temporary file past spoolMem and is compacted when evictions leave most
// of it dead: the log is the same as when everything stays in memory.
func TestSARIFSpoolMatchesMemory(t *testing.T) {
	defer func(n int) { sarifMaxResults = n }(sarifMaxResults)
	sarifMaxResults = 300
	run := limitRun(5000, "trivy", "tfsec")
	for i, f := range run.Findings {
		// A body per finding (it names the path), as built-in entries do.
		f.Runbook = &translator.Runbook{ID: "e", Title: "E", Body: "Fix " + f.Path + strings.Repeat(" now", i%40)}
	}
	// Ascending severity: every later finding displaces a kept one.
	sort.SliceStable(run.Findings, func(i, j int) bool { return run.Findings[i].Severity < run.Findings[j].Severity })
	write := func() (string, spool) {
		var b bytes.Buffer
		s := NewSARIF(&b)
		s.Begin(run)
		for _, f := range run.Findings {
			s.Write(f)
		}
		sp := s.st.spool
		s.End(run)
		return b.String(), sp
	}
	mem, sp := write()
	if sp.f != nil {
		t.Fatalf("small log went to a file")
	}
	defer func(n, io int) { spoolLimit, spoolIO = n, io }(spoolLimit, spoolIO)
	spoolLimit, spoolIO = 1<<10, 300 // records are up to ~200 bytes: reads and writes straddle them
	file, sp := write()
	if sp.f == nil || sp.size == 0 {
		t.Fatalf("spool did not move to a file")
	}
	if compacted := sp.size + int64(len(sp.mem)); compacted > 4*int64(sarifMaxResults)*400 {
		t.Errorf("spool holds %d bytes for %d results: not compacted", compacted, sarifMaxResults)
	}
	if mem != file {
		t.Errorf("log differs when the results' text is in a file")
	}
	if !strings.Contains(file, "Runbook: Fix ") {
		t.Fatalf("no per-finding runbook in the results: the test checks nothing")
	}
}

// BenchmarkSARIFStream streams 40,000 findings with a body each (as
// built-in entries render: the body names the path) into the writer, over
// its results limit, as `review -r sarif` does on a large input. B/op and
// the peak held are what the writer's compact results are for.
func BenchmarkSARIFStream(b *testing.B) {
	run := limitRun(40000, "trivy")
	for _, f := range run.Findings {
		f.ToolSeverity = "HIGH"
		f.Runbook = &translator.Runbook{ID: "e", Title: "E", Body: "Fix " + f.Path + " now"}
	}
	b.ReportAllocs()
	for b.Loop() {
		s := NewSARIF(io.Discard)
		if err := s.Begin(run); err != nil {
			b.Fatal(err)
		}
		for _, f := range run.Findings {
			if err := s.Write(f); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.End(run); err != nil {
			b.Fatal(err)
		}
	}
}

// A result is written without encoding/json's reflection and indenter
// (sarifJSON, errWriter.result): byte for byte what MarshalIndent writes,
// whatever the fields hold and whichever optional ones are set.
func TestSARIFResultEncodingMatchesMarshalIndent(t *testing.T) {
	texts := []string{"", "plain", `quote " and \ backslash`, "<b>&amp;</b>", "line\nbreak\ttab", "日本語のメッセージ",
		`"text": ""`, "\x00\x1f\u2028\u2029\xff", strings.Repeat("long runbook body. ", 500)}
	ids := []string{"SC2086", `weird "text": "" id`, "<id>", ""}
	full := &sarifResultProps{ExceptionExpired: "e", FixesLeftOut: "f", Line: "l", Location: "loc", Resource: "<r>",
		RunbookID: "id", SuppressionExpires: "2026-12-31", SuppressionExpiryNote: "n", ToolSeverity: "style"}
	variants := []func(*sarifResult){
		func(*sarifResult) {},
		func(r *sarifResult) { r.Locations = nil },
		func(r *sarifResult) { r.Locations = []sarifLocation{} },
		func(r *sarifResult) { r.Locations = []sarifLocation{{}} },
		func(r *sarifResult) {
			r.Locations = append(r.Locations, sarifLocation{PhysicalLocation: &sarifPhysical{ArtifactLocation: sarifArtifact{URI: "b", URIBaseID: "SRCROOT"},
				Region: &sarifRegion{StartLine: 1, StartColumn: 2, EndLine: 3, EndColumn: 4}}})
		},
		func(r *sarifResult) { r.PartialFingerprints = map[string]string{"z": "1", "a": "2", "<m>": "3"} },
		func(r *sarifResult) { r.PartialFingerprints = map[string]string{} },
		func(r *sarifResult) { r.Properties = &sarifResultProps{} },
		func(r *sarifResult) { r.Properties = full; r.BaselineState = "new" },
		func(r *sarifResult) {
			r.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: "j"}}
		},
		func(r *sarifResult) { r.Fixes = []sarifFixOut{{}}; r.Properties = full },
		func(r *sarifResult) {
			r.Suppressions = []sarifSuppression{{Kind: "external"}, {Kind: "inSource", Justification: "<why>\n"}}
			r.Fixes = []sarifFixOut{{Description: &sarifText{Text: "Set <x>"}, ArtifactChanges: []sarifArtifactChange{{
				ArtifactLocation: sarifArtifact{URI: "k8s/a.yaml", URIBaseID: "SRCROOT"},
				Replacements: []sarifReplacementOut{{DeletedRegion: sarifRegion{StartLine: 3, StartColumn: 1, EndLine: 3, EndColumn: 9},
					InsertedContent: &sarifText{Text: "runAsNonRoot: true\n  \"quoted\""}}, {DeletedRegion: sarifRegion{StartLine: 9}}}}}}, {}}
			r.BaselineState = "unchanged"
		},
		func(r *sarifResult) { r.RuleIndex = -1 },
	}
	for _, id := range ids {
		for _, text := range texts {
			for vi, v := range variants {
				res := sarifResult{RuleID: id, RuleIndex: 3, Level: "warning", Message: sarifText{Text: text},
					Locations: []sarifLocation{{PhysicalLocation: &sarifPhysical{ArtifactLocation: sarifArtifact{URI: "a/b.sh"},
						Region: &sarifRegion{StartLine: 2}}, LogicalLocations: []sarifLogical{{FullyQualifiedName: `"text": ""`, Kind: "resource"}, {FullyQualifiedName: "x"}}}},
					PartialFingerprints: map[string]string{"k": `"text": ""`}}
				v(&res)
				var want, got bytes.Buffer
				(&errWriter{w: &want}).json(res, "        ")
				ew := &errWriter{w: &got}
				ew.result(res, "        ")
				ew.result(res, "        ") // the reused buffers
				if w := want.String() + want.String(); got.String() != w {
					t.Fatalf("id %q text %q variant %d:\ngot  %s\nwant %s", id, text, vi, got.String(), w)
				}
			}
		}
	}
}
