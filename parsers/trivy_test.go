package parsers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestDetectTrivy(t *testing.T) { testDetect(t, "trivy") }

func findCode(fs translator.Findings, code string) []*translator.Finding {
	var out []*translator.Finding
	for _, f := range fs {
		if f.Code == code {
			out = append(out, f)
		}
	}
	return out
}

func TestTrivyKubernetes(t *testing.T) {
	fs, err := parseBytes(t, "trivy", readFile(t, "../testdata/trivy/config-k8s-shop.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The five-digit ID keeps its spelling; the check name is an alias.
	cm := findCode(fs, "KSV-01010")
	if len(cm) != 1 || cm[0].Resource != "ConfigMap/catalog-config" || len(cm[0].Aliases) != 1 || cm[0].Aliases[0] != "KSV01010" {
		t.Fatalf("KSV-01010: %+v", cm)
	}
	if translator.NormalizeCode(cm[0].Code) != translator.NormalizeCode(cm[0].Aliases[0]) {
		t.Errorf("alias %s does not normalise like %s", cm[0].Aliases[0], cm[0].Code)
	}
	found := false
	for _, f := range findCode(fs, "KSV-0001") {
		// ArtifactName "k8s" makes the Target "catalog.yaml" a repository path.
		if f.Path == "k8s/catalog.yaml" && f.Resource == "Deployment/catalog-api" && f.Extra["container"] == "api" {
			found = true
			if f.Severity != translator.SeverityWarning || f.ToolSeverity != "MEDIUM" || f.Line != 29 || f.EndLine != 53 {
				t.Errorf("KSV-0001 on catalog-api: %+v", f)
			}
		}
	}
	if !found {
		t.Error("no KSV-0001 for container api of Deployment/catalog-api in k8s/catalog.yaml")
	}
	for _, f := range fs {
		if f.Resource == "" {
			t.Errorf("no resource for %s %q", f.Code, f.Message)
		}
	}
}

func TestTrivyOldIDsAndSecrets(t *testing.T) {
	fs, err := parseBytes(t, "trivy", readFile(t, "../testdata/trivy/upstream-dockerfile.json"), Options{})
	if err != nil || len(fs) != 1 {
		t.Fatal(fs, err)
	}
	if f := fs[0]; f.Code != "DS002" || len(f.Aliases) != 1 || f.Aliases[0] != "AVD-DS-0002" {
		t.Errorf("old-style ID: %+v", f)
	}
	data := readFile(t, "../testdata/trivy/fs-secret.json")
	fs, err = parseBytes(t, "trivy", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(fs)
	var rep struct {
		Results []struct{ Secrets []struct{ Match string } }
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		for _, x := range r.Secrets {
			if bytes.Contains(out, []byte(x.Match)) || bytes.Contains(out, []byte("*****")) {
				t.Errorf("the matched line %q reached the findings", x.Match)
			}
		}
	}
}

// TestTrivyTargetAfterFindings re-encodes a real report through a map, which
// sorts keys, so Target comes after Misconfigurations: the findings must
// still get their path.
func TestTrivyTargetAfterFindings(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(readFile(t, "../testdata/trivy/config-docker.json"), &doc); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Index(data, []byte(`"Misconfigurations"`)) > bytes.Index(data, []byte(`"Target"`)) {
		t.Fatal("re-encoding did not move Target after the findings")
	}
	fs, err := parseBytes(t, "trivy", data, Options{})
	if err != nil || len(fs) != 22 {
		t.Fatalf("%d findings, %v", len(fs), err)
	}
	for _, f := range fs {
		if f.Path == "" {
			t.Errorf("no path: %+v", f)
		}
	}
}

// largeTrivyReport builds a report of n copies of the real Result of
// upstream-conan.json, each with 50 copies of its vulnerability.
func largeTrivyReport(t testing.TB, n int) []byte {
	var doc struct {
		SchemaVersion int
		ArtifactName  string
		Results       []map[string]json.RawMessage
	}
	b, err := os.ReadFile("../testdata/trivy/upstream-conan.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	res := doc.Results[0]
	var vulns []json.RawMessage
	if err := json.Unmarshal(res["Vulnerabilities"], &vulns); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `{"SchemaVersion":2,"ArtifactName":%q,"Results":[`, doc.ArtifactName)
	for i := 0; i < n; i++ {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"Target":"lock%d/conan.lock","Class":"lang-pkgs","Type":"conan","Packages":%s,"Vulnerabilities":[`, i, res["Packages"])
		for j := 0; j < 50; j++ {
			if j > 0 {
				buf.WriteByte(',')
			}
			buf.Write(vulns[0])
		}
		buf.WriteString("]}")
	}
	buf.WriteString("]}")
	return buf.Bytes()
}

func TestTrivyLargeReport(t *testing.T) {
	data := largeTrivyReport(t, 200)
	n := 0
	p, _ := New("trivy", Options{})
	err := p.Parse(bytes.NewReader(data), func(f *translator.Finding) error {
		n++
		return nil
	})
	if err != nil || n != 200*50 {
		t.Fatalf("%d findings, %v", n, err)
	}
}

// BenchmarkTrivyLarge parses a ~50 MB report; run with -benchmem to see
// that memory per run stays far below the input size.
func BenchmarkTrivyLarge(b *testing.B) {
	data := largeTrivyReport(b, 1300)
	b.SetBytes(int64(len(data)))
	p, _ := New("trivy", Options{})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := p.Parse(bytes.NewReader(data), func(*translator.Finding) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTrivyArtifactName: Targets are relative to the scanned path (issue 11:
// "trivy config -f json k8s | runbook-translator review" must land on k8s/...
// without --path-prefix). The reports are the recorded fixtures.
func TestTrivyArtifactName(t *testing.T) {
	cases := map[string]string{
		"trivy/config-k8s-shop.json":           "k8s/catalog.yaml",                 // ArtifactName "k8s", Target "catalog.yaml"
		"trivy/config-helm-shop-rendered.json": "helm/shop-rendered.yaml",          // a scanned file: Target is its base name
		"trivy/config-docker.json":             "docker/catalog-worker/Dockerfile", // nested Target
		"trivy/fs-secret.json":                 "secrets/config/settings.json",
	}
	for file, want := range cases {
		fs, err := psParse(t, "trivy", Options{}, psRead(t, file))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, f := range fs {
			got[f.Path] = true
		}
		if !got[want] {
			t.Errorf("%s: no finding on %s; paths %v", file, want, got)
		}
	}
	// An image scan keeps its Target as the image, not a path.
	fs, err := psParse(t, "trivy", Options{}, psRead(t, "trivy/upstream-alpine-39-high-critical.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if strings.HasPrefix(f.Path, "testdata/fixtures/images/alpine-39.tar.gz/") {
			t.Errorf("image target joined as a directory: %s", f.Path)
		}
	}
}
