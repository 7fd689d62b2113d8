package authoring

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/parsers"
)

func read(t *testing.T, path, format string) FileFindings {
	t.Helper()
	fs, _, err := ReadFindings(Input{Path: path, Format: format}, parsers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return FileFindings{File: path, Findings: fs}
}

func TestCoverageKubeLinterCustomChecks(t *testing.T) {
	in := read(t, "../testdata/kube-linter/k8s-shop.shop-config.json", "")
	if len(in.Findings) != 83 {
		t.Fatalf("read %d findings, cases.yaml says 83", len(in.Findings))
	}
	c, err := Load(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	rep := Coverage(c.Catalog, []FileFindings{in})
	var got []string
	for _, g := range rep.Gaps {
		got = append(got, g.Tool+" "+g.Code+" "+g.FallsTo+" "+itoa(g.Count))
	}
	want := []string{
		"kube-linter shop-internal-registry default-kube-linter 7",
		"kube-linter shop-team-label default-kube-linter 2",
		"kube-linter shop-no-plaintext-password default-kube-linter 1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("gaps:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(rep.Tools) != 1 || rep.Tools[0].Findings != 83 || rep.Tools[0].Covered != 73 || rep.Tools[0].Share != 88.0 || rep.Tools[0].UncoveredCodes != 3 {
		t.Errorf("tools: %+v", rep.Tools)
	}
	var tbl bytes.Buffer
	if err := rep.WriteTable(&tbl); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"COUNT  TOOL", "7      kube-linter  shop-internal-registry", "kube-linter  83        73       88.0%"} {
		if !strings.Contains(tbl.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, tbl.String())
		}
	}

	// The organisation and repository catalogs cover all three.
	c, err = Load([]string{org, repo}, false)
	if err != nil {
		t.Fatal(err)
	}
	rep = Coverage(c.Catalog, []FileFindings{in})
	if len(rep.Gaps) != 0 || rep.Tools[0].Share != 100 {
		t.Errorf("with org and repo catalogs: gaps %+v tools %+v", rep.Gaps, rep.Tools)
	}
}

func TestCoverageSeveralToolsJSON(t *testing.T) {
	c, err := Load(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	ins := []FileFindings{
		read(t, "../testdata/trivy/config-k8s-shop.json", ""),
		read(t, "../testdata/hadolint/hamzamaan-stdin.json", "hadolint"),
		read(t, "../testdata/kube-linter/k8s-shop.json", ""),
	}
	rep := Coverage(c.Catalog, ins)
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back CoverageReport
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, in := range ins {
		total += len(in.Findings)
	}
	if back.Findings != total || len(back.Tools) != 3 || len(back.Inputs) != 3 {
		t.Errorf("findings %d (want %d), tools %d, inputs %d", back.Findings, total, len(back.Tools), len(back.Inputs))
	}
	sum := 0
	for _, tc := range back.Tools {
		sum += tc.Findings - tc.Covered
	}
	gapSum := 0
	for i, g := range back.Gaps {
		gapSum += g.Count
		if i > 0 && g.Count > back.Gaps[i-1].Count {
			t.Errorf("gaps not sorted by count: %+v", back.Gaps)
		}
	}
	if sum != gapSum || back.Covered != total-gapSum {
		t.Errorf("uncovered per tool %d, in gaps %d, covered %d of %d", sum, gapSum, back.Covered, total)
	}
}

func TestReadFindingsErrors(t *testing.T) {
	if _, _, err := ReadFindings(Input{Path: "../testdata/catalogs/README.md"}, parsers.Options{}); err == nil || !strings.Contains(err.Error(), "README.md") {
		t.Errorf("undetectable input: %v", err)
	}
	if _, _, err := ReadFindings(Input{Path: "../testdata/catalogs/README.md", Format: "trivy"}, parsers.Options{}); err == nil || !strings.Contains(err.Error(), "trivy") {
		t.Errorf("wrong format: %v", err)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
