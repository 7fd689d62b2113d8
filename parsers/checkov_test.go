package parsers

import "testing"

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
