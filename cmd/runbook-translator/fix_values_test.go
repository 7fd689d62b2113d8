package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/internal/fakegithub"
)

// hostileValue is a priority class a pull request's own catalog could set:
// one line, within the bounds, and full of Markdown and HTML that would
// close the suggestion's fence, hide the rest of the comment or ping a
// team if it were pasted as it is.
const hostileValue = "x```` <!-- @acme/admins </details> <img src=x onerror=alert(1)>"

// A value of the checkout's own catalog (.runbook-translator/runbooks, the
// pull request wrote it) reaches the review comment only inside a fenced
// suggestion whose fence is longer than its backticks, and -r json as
// data; the real Polaris output of the corpus names the finding.
func TestCatalogValueFromThePullRequestIsFenced(t *testing.T) {
	src, err := os.ReadFile("../../testdata/inputs/k8s/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(td + "polaris/k8s-shop.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := checkout(t, map[string]string{
		".runbook-translator/runbooks/values.yaml": "values:\n  priority_class: '" + hostileValue + "'\n",
		"k8s/catalog.yaml":                         string(src),
	})
	out = bytes.ReplaceAll(out, []byte("/ci/workspace/fixtures/inputs"), []byte(dir))
	input := filepath.Join(t.TempDir(), "polaris.json")
	if err := os.WriteFile(input, out, 0o644); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := run(t, "", "review", "-f", "polaris", input, "--base-dir", dir, "--fail-level", "none", "-r", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	type finding struct {
		Code     string `json:"code"`
		Resource string `json:"resource"`
		Fixes    []struct {
			Edits []struct {
				Text string `json:"text"`
			} `json:"edits"`
		} `json:"fixes"`
	}
	var report struct{ Findings []finding }
	dec := json.NewDecoder(strings.NewReader(stdout))
	for dec.More() {
		var f finding
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("json: %v\n%s", err, stdout)
		}
		report.Findings = append(report.Findings, f)
	}
	var edit string
	for _, f := range report.Findings {
		if f.Code == "priorityClassNotSet" && strings.Contains(f.Resource, "catalog-api") && len(f.Fixes) > 0 {
			edit = f.Fixes[0].Edits[0].Text
		}
	}
	if !strings.Contains(edit, "priorityClassName: '"+hostileValue+"'") && !strings.Contains(edit, `priorityClassName: "`+hostileValue+`"`) && !strings.Contains(edit, "priorityClassName: "+hostileValue) {
		t.Fatalf("the json fix does not carry the value as written: %q", edit)
	}

	lines := strings.Split(strings.TrimSuffix(string(src), "\n"), "\n")
	var patch strings.Builder
	patch.WriteString("@@ -0,0 +1," + itoa(len(lines)) + " @@\n")
	for _, l := range lines {
		patch.WriteString("+" + l + "\n")
	}
	fake := fakegithub.New(t, "acme", "shop")
	fake.AddPR(fakegithub.PR{Number: 9, Head: "abc123", Files: []fakegithub.File{{Filename: "k8s/catalog.yaml", Status: "added", Patch: patch.String()}}})
	code, _, stderr = runEnv(t, githubEnv(t, fake, 9, "abc123"), "review", "-f", "polaris", input, "--base-dir", dir, "--fail-level", "none", "-r", "github-pr-review")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	found := 0
	for _, c := range fake.ReviewComments(9) {
		i := strings.Index(c.Body, hostileValue)
		if i < 0 {
			continue
		}
		found++
		// The value sits inside a fence of five backticks (it holds
		// four), opened before it and closed after it.
		open := strings.LastIndex(c.Body[:i], "\n`````suggestion\n")
		end := strings.Index(c.Body[i:], "\n`````\n")
		if open < 0 || end < 0 {
			t.Errorf("the value is not inside a five-backtick suggestion fence:\n%s", c.Body)
		}
		if strings.Count(c.Body, hostileValue) != 1 {
			t.Errorf("the value appears outside its suggestion:\n%s", c.Body)
		}
	}
	if found == 0 {
		var bodies []string
		for _, c := range fake.ReviewComments(9) {
			bodies = append(bodies, c.Body)
		}
		t.Fatalf("no comment suggests the catalog's priority class:\n%s", strings.Join(bodies, "\n----\n"))
	}
}

// `runbooks list` names the values each layer sets (names only: a value
// may come from a pull request's catalog), in text and JSON.
func TestRunbooksListValues(t *testing.T) {
	f, out, _ := testFactory()
	o := &RunbooksListOptions{IO: f.IO}
	o.Catalog.Runbooks = []string{valuesCatalog}
	o.load = o.Catalog.load
	if err := runbooksListRun(o); err != nil {
		t.Fatal(err)
	}
	const want = "2. ../../testdata/catalogs/org-values: 0 entries from 1 files\n   sets values: allowed_egress_cidr, allowed_ingress_cidr, cpu_limit, cpu_request, cronjob_starting_deadline_seconds, ephemeral_storage_limit, ephemeral_storage_request, image_mirrors, kms_key_arn, liveness_probe, liveness_probes, memory_limit, memory_request, network_policy_egress, network_policy_ingress, owner_label, priority_class, readiness_probe, s3_access_log_bucket, tcp_readiness_probe, team_label\n"
	if !strings.Contains(out.String(), want) {
		t.Errorf("list lacks %q:\n%s", want, out.String())
	}
	f, out, _ = testFactory()
	o = &RunbooksListOptions{IO: f.IO, JSON: true}
	o.Catalog.Runbooks = []string{valuesCatalog}
	o.load = o.Catalog.load
	if err := runbooksListRun(o); err != nil {
		t.Fatal(err)
	}
	var doc listJSON
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Layers) != 2 || len(doc.Layers[0].Values) != 0 || len(doc.Layers[1].Values) != 21 || doc.Layers[1].Values[0] != "allowed_egress_cidr" {
		t.Errorf("layers: %+v", doc.Layers)
	}
}
