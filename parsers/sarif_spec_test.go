package parsers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// TestSARIFSpecInput covers the SARIF 2.1.0 reading rules that the tools
// we record do not exercise. Each literal follows the clause it cites.
func TestSARIFSpecInput(t *testing.T) {
	t.Run("message by reference with arguments (§3.11.5-7)", func(t *testing.T) {
		in := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"X","rules":[
		  {"id":"R1","messageStrings":{"default":{"text":"Variable '{0}' is {1}; literal {{braces}} and {9}."}}}],
		  "globalMessageStrings":{"g":{"text":"global {0}"}}}},
		  "results":[{"ruleId":"R1","message":{"id":"default","arguments":["x","unused"]}},
		             {"ruleId":"R1","message":{"id":"g","arguments":["msg"]}},
		             {"ruleId":"R1","message":{"text":"inline {0}","arguments":["arg"]}}]}]}`
		fs := mustParse(t, "sarif", in)
		want := []string{"Variable 'x' is unused; literal {braces} and {9}.", "global msg", "inline arg"}
		for i, w := range want {
			if fs[i].Message != w {
				t.Errorf("message %d = %q, want %q", i, fs[i].Message, w)
			}
		}
	})
	t.Run("rule named only by index (§3.27.6, §3.52.5)", func(t *testing.T) {
		in := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"X","rules":[{"id":"A"},{"id":"B","shortDescription":{"text":"Bee"}}]}},
		  "results":[{"ruleIndex":1,"message":{"text":"m"}},{"rule":{"index":0},"message":{"text":"m"}},{"rule":{"id":"B"},"message":{"text":"m"}}]}]}`
		fs := mustParse(t, "sarif", in)
		if fs[0].Code != "B" || fs[0].Title != "Bee" || fs[1].Code != "A" || fs[2].Code != "B" || fs[2].Title != "Bee" {
			t.Errorf("codes: %s %s %s (%q)", fs[0].Code, fs[1].Code, fs[2].Code, fs[0].Title)
		}
	})
	t.Run("rules in tool.extensions (§3.18.3, §3.52.7)", func(t *testing.T) {
		in := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"CodeQL","rules":[{"id":"D"}]},
		  "extensions":[{"name":"pack-a","rules":[{"id":"E1","helpUri":"https://a.invalid/e1","messageStrings":{"m":{"text":"from the pack: {0}"}}}]},
		                {"name":"pack-b","guid":"0000-b","rules":[{"id":"E2","defaultConfiguration":{"level":"error"}}]}]},
		  "results":[{"rule":{"index":0,"toolComponent":{"index":0}},"message":{"id":"m","arguments":["x"]}},
		             {"rule":{"id":"E2","toolComponent":{"guid":"0000-B"}},"message":{"text":"b"}},
		             {"ruleId":"E1","message":{"text":"by id only"}}]}]}`
		fs := mustParse(t, "sarif", in)
		if fs[0].Code != "E1" || fs[0].Message != "from the pack: x" || fs[0].URL != "https://a.invalid/e1" {
			t.Errorf("extension rule by index: %+v", fs[0])
		}
		if fs[1].Code != "E2" || fs[1].ToolSeverity != "error" {
			t.Errorf("extension rule by guid: %+v", fs[1])
		}
		if fs[2].URL != "https://a.invalid/e1" {
			t.Errorf("extension rule by id without toolComponent: %+v", fs[2])
		}
	})
	t.Run("baselineState absent is not a current finding (§3.27.24)", func(t *testing.T) {
		in := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"X"}},"results":[
		  {"ruleId":"A","baselineState":"absent","message":{"text":"gone"}},
		  {"ruleId":"A","baselineState":"new","message":{"text":"new"}},
		  {"ruleId":"A","baselineState":"unchanged","message":{"text":"still"}}]}]}`
		fs := mustParse(t, "sarif", in)
		if len(fs) != 2 || fs[0].Message != "new" || fs[0].Extra["baseline_state"] != "new" {
			t.Errorf("findings: %d %+v", len(fs), fs)
		}
	})
	t.Run("runs null is a log with no run (§3.13.4)", func(t *testing.T) {
		if fs := mustParse(t, "sarif", `{"version":"2.1.0","runs":null}`); len(fs) != 0 {
			t.Errorf("%d findings", len(fs))
		}
	})
	t.Run("a run that failed says so (§3.20.14)", func(t *testing.T) {
		_, err := psParse(t, "sarif", Options{}, []byte(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"X"}},
		  "invocations":[{"executionSuccessful":false,"toolExecutionNotifications":[{"level":"error","message":{"text":"Out of memory."}}]}]}]}`))
		if err == nil || !strings.Contains(err.Error(), "Out of memory.") {
			t.Errorf("got %v", err)
		}
	})
	for _, v := range []string{`"version":"2.0.0"`, `"version":"1.0.0"`, `"$schema":"https://schemastore.azurewebsites.net/schemas/json/sarif-2.0.0-csd.2.beta.2019-01-24.json"`} {
		t.Run("unsupported "+v, func(t *testing.T) {
			_, err := psParse(t, "sarif", Options{}, []byte(`{`+v+`,"runs":[{"tool":{"driver":{"name":"X"}},"results":[{"ruleId":"A","message":{"text":"m"}}]}]}`))
			if err == nil || !strings.Contains(err.Error(), "unsupported SARIF version") {
				t.Errorf("got %v", err)
			}
		})
	}
	t.Run("version after the runs: nothing emitted before it is known", func(t *testing.T) {
		in := `{"runs":[{"tool":{"driver":{"name":"X"}},"results":[{"ruleId":"A","message":{"text":"m"}}]}],"version":"1.0.0"}`
		var n int
		p, _ := New("sarif", Options{})
		err := p.Parse(strings.NewReader(in), countEmit(&n))
		if err == nil || !strings.Contains(err.Error(), "unsupported SARIF version") || n != 0 {
			t.Errorf("got %d findings, %v", n, err)
		}
		in = strings.Replace(in, "1.0.0", "2.1.0", 1)
		if fs := mustParse(t, "sarif", in); len(fs) != 1 {
			t.Errorf("2.1.0 last: %d findings", len(fs))
		}
	})
	t.Run("results before originalUriBaseIds and artifacts", func(t *testing.T) {
		in := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"X"}},"results":[
		  {"ruleId":"A","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.yaml","uriBaseId":"ROOT"}}}]},
		  {"ruleId":"A","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"index":0}}}]}],
		  "originalUriBaseIds":{"ROOT":{"uri":"file:///repo/k8s/"}},"artifacts":[{"location":{"uri":"b.yaml","uriBaseId":"ROOT"}}]}]}`
		fs, err := psParse(t, "sarif", Options{BaseDir: "/repo"}, []byte(in))
		if err != nil {
			t.Fatal(err)
		}
		if fs[0].Path != "k8s/a.yaml" || fs[1].Path != "k8s/b.yaml" {
			t.Errorf("paths %q %q", fs[0].Path, fs[1].Path)
		}
	})
	t.Run("driver names are not CLI names", func(t *testing.T) {
		for driver, tool := range map[string]string{"GitHub Actions lint": "actionlint", "Trivy": "trivy", "Checkov": "checkov", "Hadolint": "hadolint", "defsec": "tfsec", "Some New Tool": "some-new-tool"} {
			fs := mustParse(t, "sarif", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"`+driver+`"}},"results":[{"ruleId":"A","message":{"text":"m"}}]}]}`)
			if fs[0].Tool != tool {
				t.Errorf("driver %q: tool %q, want %q", driver, fs[0].Tool, tool)
			}
		}
	})
	t.Run("trivy vulnerability keeps package and versions", func(t *testing.T) {
		// message.text as trivy pkg/report/sarif.go formats it for a vulnerability.
		in := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Trivy","rules":[{"id":"CVE-2023-0286","shortDescription":{"text":"openssl: X.400 address type confusion"},"properties":{"tags":["vulnerability","security","HIGH"]}}]}},
		  "results":[{"ruleId":"CVE-2023-0286","ruleIndex":0,"level":"error","message":{"text":"Package: libssl3\nInstalled Version: 3.0.7-r0\nVulnerability CVE-2023-0286\nSeverity: HIGH\nFixed Version: 3.0.8-r0\nLink: [CVE-2023-0286](https://avd.aquasec.com/nvd/cve-2023-0286)"},
		  "locations":[{"physicalLocation":{"artifactLocation":{"uri":"library/alpine","uriBaseId":"ROOTPATH"},"region":{"startLine":1}}}]}]}]}`
		fs := mustParse(t, "sarif", in)
		if fs[0].Message != "libssl3 3.0.7-r0: openssl: X.400 address type confusion (fixed in 3.0.8-r0)" || fs[0].ToolSeverity != "HIGH" || fs[0].Extra["fixed_version"] != "3.0.8-r0" {
			t.Errorf("%+v", fs[0])
		}
	})
}

func mustParse(t *testing.T, format, in string) translator.Findings {
	t.Helper()
	fs, err := psParse(t, format, Options{}, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func countEmit(n *int) func(*translator.Finding) error {
	return func(*translator.Finding) error { *n++; return nil }
}

// TestSARIFHeldResultsSpill: results that wait for originalUriBaseIds
// (trivy writes them last) go to a temporary file past
// maxPendingInMemory, come back in order with their paths resolved, and
// the file is removed.
func TestSARIFHeldResultsSpill(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	var b strings.Builder
	b.WriteString(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Trivy"}},"results":[`)
	// maxPendingInMemory counts bytes; every result below is over 100
	// bytes, so this many overflow it and the rest spill to the file.
	n := maxPendingInMemory/100 + 500
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"ruleId":"R","level":"warning","message":{"text":"Message: m` + itoa(i) + `"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"f` + itoa(i) + `.yaml","uriBaseId":"ROOTPATH"}}}]}`)
	}
	b.WriteString(`],"originalUriBaseIds":{"ROOTPATH":{"uri":"file:///repo/k8s/"}}}]}`)
	if b.Len() < maxPendingInMemory*5/4 {
		t.Fatalf("log of %d bytes does not overflow the %d held in memory", b.Len(), maxPendingInMemory)
	}
	fs, err := psParse(t, "sarif", Options{BaseDir: "/repo"}, []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != n {
		t.Fatalf("%d findings, want %d", len(fs), n)
	}
	for i, f := range fs {
		if f.Path != "k8s/f"+itoa(i)+".yaml" || f.Message != "m"+itoa(i) {
			t.Fatalf("finding %d: %s %q", i, f.Path, f.Message)
		}
	}
	left, _ := filepath.Glob(filepath.Join(os.Getenv("TMPDIR"), "runbook-translator-sarif-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// A log cut inside the held results removes its file too.
	if _, err := psParse(t, "sarif", Options{BaseDir: "/repo"}, []byte(b.String()[:b.Len()*3/4])); err == nil {
		t.Error("truncated log read without error")
	}
	left, _ = filepath.Glob(filepath.Join(os.Getenv("TMPDIR"), "runbook-translator-sarif-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left after an error: %v", left)
	}
}
