package parsers

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestDetectCheckov(t *testing.T) { testDetect(t, "checkov") }

func TestCheckovPathsAndResources(t *testing.T) {
	fs, err := parseBytes(t, "checkov", readFile(t, "../testdata/checkov/terraform-custom-windows.json"), Options{})
	if err != nil || len(fs) != 4 {
		t.Fatalf("%d findings, %v", len(fs), err)
	}
	for _, f := range fs {
		// "\main.tf" from a Windows run becomes a relative slash path.
		if f.Path != "main.tf" || f.Extra["repo_file_path"] != "iac/network_dummy/main.tf" {
			t.Errorf("path %q, repo path %q", f.Path, f.Extra["repo_file_path"])
		}
		if f.ToolSeverity == "" || f.Severity == 0 {
			t.Errorf("severity not taken from the report: %+v", f)
		}
	}
	fs, err = parseBytes(t, "checkov", readFile(t, "../testdata/checkov/k8s-secrets-list.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	k8s := 0
	for _, f := range fs {
		if f.Extra["check_type"] == "kubernetes" {
			k8s++
			if f.Resource != "Secret/mariadb-credentials" && f.Resource != "Secret/wordpress-credentials" || f.Extra["namespace"] != "default" {
				t.Errorf("resource %q namespace %q", f.Resource, f.Extra["namespace"])
			}
		}
		if f.Path == "" || f.Path[0] == '/' {
			t.Errorf("path %q", f.Path)
		}
	}
	if k8s != 2 {
		t.Errorf("%d kubernetes findings, want 2", k8s)
	}
}

// checkovWhole is the parser before it streamed failed checks: every report
// object decoded whole. TestCheckovStreamsLikeWholeDecode compares with it.
func checkovWhole(t *testing.T, data []byte) translator.Findings {
	t.Helper()
	var reps []checkovReport
	if err := json.Unmarshal(data, &reps); err != nil {
		var one checkovReport
		if err := json.Unmarshal(data, &one); err != nil {
			t.Fatal(err)
		}
		reps = []checkovReport{one}
	}
	p := &checkovParser{}
	var fs translator.Findings
	for _, r := range reps {
		if r.Results == nil {
			continue
		}
		ct := ""
		if r.CheckType != nil {
			ct = *r.CheckType
		}
		for i := range r.Results.FailedChecks {
			fs = append(fs, p.finding(ct, &r.Results.FailedChecks[i]))
		}
	}
	return fs
}

func TestCheckovStreamsLikeWholeDecode(t *testing.T) {
	for _, name := range []string{"k8s-secrets-list.json", "terraform-custom-windows.json"} {
		data := readFile(t, filepath.Join("..", "testdata", "checkov", name))
		variants := map[string][]byte{
			"as is": data,
			// no check_type at all: the checks wait for the end of the object.
			"no check_type": regexp.MustCompile(`"check_type":\s*"[a-z_]+",`).ReplaceAll(data, nil),
			// encoding/json matches keys case-insensitively.
			"upper keys": bytes.ReplaceAll(bytes.ReplaceAll(data, []byte(`"failed_checks"`), []byte(`"FAILED_CHECKS"`)), []byte(`"results"`), []byte(`"Results"`)),
		}
		for vn, v := range variants {
			want := checkovWhole(t, v)
			got, err := parseBytes(t, "checkov", v, Options{})
			if err != nil {
				t.Fatalf("%s %s: %v", name, vn, err)
			}
			if len(want) == 0 || !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: streamed %d findings, whole decode %d (or they differ)", name, vn, len(got), len(want))
			}
		}
	}
	// check_type after results, with its value kept.
	in := `{"results":{"failed_checks":[{"check_id":"CKV_K8S_1","resource":"Pod.default.web","file_path":"/a.yaml"}]},"check_type":"kubernetes"}`
	fs, err := parseBytes(t, "checkov", []byte(in), Options{})
	if err != nil || len(fs) != 1 || fs[0].Resource != "Pod/web" || fs[0].Extra["check_type"] != "kubernetes" {
		t.Fatalf("check_type after results: %v %+v", err, fs)
	}
}

// TestCheckovBadCheckAfterGoodOnes: the findings before a failed check
// without check_id are emitted, then a ParseError names the offset.
func TestCheckovBadCheckAfterGoodOnes(t *testing.T) {
	in := `{"check_type":"terraform","results":{"passed_checks":[{"x":1}],"failed_checks":[` +
		`{"check_id":"CKV_AWS_1","file_path":"/main.tf"},{"check_id":"CKV_AWS_2","file_path":"/main.tf"},` +
		`{"check_name":"no id"}]},"summary":{}}`
	fs, err := parseBytes(t, "checkov", []byte(in), Options{File: "c.json"})
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "failed check 2 has no check_id") || pe.Offset <= 0 || pe.Line != 1 {
		t.Fatalf("want a ParseError for check 2 with an offset, got %v", err)
	}
	if len(fs) != 2 || fs[0].Code != "CKV_AWS_1" || fs[1].Code != "CKV_AWS_2" {
		t.Fatalf("findings before the bad check: %+v", fs)
	}
	for _, bad := range []string{
		`{"check_type":"terraform","results":{"failed_checks":{}}}`,
		`{"check_type":"terraform","results":[]}`,
		`{"check_type":"terraform","results":{"failed_checks":[1]}}`,
		`{"check_type":"terraform","results":{"failed_checks":[{"check_id":"A"}`,
		`{"other":1}`,
	} {
		if _, err := parseBytes(t, "checkov", []byte(bad), Options{}); !errors.As(err, &pe) {
			t.Errorf("%s: want a ParseError, got %v", bad, err)
		}
	}
	// null results and failed_checks: a report without findings, as before.
	for _, ok := range []string{`{"check_type":"terraform","results":null}`, `{"check_type":"x","results":{"failed_checks":null}}`} {
		if fs, err := parseBytes(t, "checkov", []byte(ok), Options{}); err != nil || len(fs) != 0 {
			t.Errorf("%s: %v %v", ok, fs, err)
		}
	}
}
