package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The Action's scripts (ci/action/*.sh) run here as action.yml runs them:
// bash with the step's environment.

func bashScript(t *testing.T, script string, env map[string]string) (int, string) {
	t.Helper()
	all := map[string]string{"PATH": os.Getenv("PATH"), "HOME": t.TempDir()}
	for k, v := range env {
		all[k] = v
	}
	p, _ := filepath.Abs(filepath.Join("..", "..", "ci", "action", script))
	return shell(t, "", all, "bash '"+p+"'")
}

// fakeRelease serves a release laid out as GitHub serves goreleaser's
// assets: /latest redirects to /tag/vX, /download/vX/<asset>.
func fakeRelease(t *testing.T, version string, tamper bool) *httptest.Server {
	return fakeReleaseOf(t, version, tamper, []byte("#!/bin/sh\necho \"runbook-translator "+version+" (fake)\"\n"))
}

// fakeReleaseOf serves bin as the release's binary.
func fakeReleaseOf(t *testing.T, version string, tamper bool, bin []byte) *httptest.Server {
	t.Helper()
	var tgz bytes.Buffer
	gz := gzip.NewWriter(&tgz)
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: "runbook-translator", Mode: 0o755, Size: int64(len(bin))}); err != nil {
		t.Fatal(err)
	}
	tw.Write(bin)
	tw.Close()
	gz.Close()
	archive := fmt.Sprintf("runbook-translator_%s_%s_%s.tar.gz", strings.TrimPrefix(version, "v"), runtime.GOOS, runtime.GOARCH)
	sum := sha256.Sum256(tgz.Bytes())
	hexsum := hex.EncodeToString(sum[:])
	if tamper {
		hexsum = strings.Repeat("0", 64)
	}
	checksums := hexsum + "  " + archive + "\n" + strings.Repeat("1", 64) + "  runbook-translator_x_windows_amd64.zip\n"
	mux := http.NewServeMux()
	mux.HandleFunc("/latest", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/tag/"+version, http.StatusFound)
	})
	mux.HandleFunc("/tag/"+version, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "release page") })
	mux.HandleFunc("/download/"+version+"/checksums.txt", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, checksums) })
	mux.HandleFunc("/download/"+version+"/"+archive, func(w http.ResponseWriter, r *http.Request) { w.Write(tgz.Bytes()) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestActionInstallsTheReleaseAndChecksIt(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("the Action's release path is tested on linux and darwin")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl")
	}
	good := fakeRelease(t, "v1.2.3", false)
	bad := fakeRelease(t, "v1.2.3", true)
	for _, tc := range []struct {
		name, url, version, ref string
		code                    int
		want                    string
	}{
		{"pinned", good.URL, "v1.2.3", "", 0, "runbook-translator v1.2.3 (fake)"},
		{"action tag", good.URL, "", "v1.2.3", 0, "runbook-translator v1.2.3 (fake)"},
		{"latest", good.URL, "latest", "", 0, "runbook-translator v1.2.3 (fake)"},
		{"sha-pinned action, no version", good.URL, "", "0123456789abcdef0123456789abcdef01234567", 0, "set 'version:' to pin it"},
		{"checksum mismatch", bad.URL, "v1.2.3", "", 2, "checksum mismatch for runbook-translator_1.2.3_"},
		{"not a release", good.URL, "main", "", 2, "is not a release tag"},
		{"missing release", good.URL, "v9.9.9", "", 2, "cannot download"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dest := t.TempDir()
			code, out := bashScript(t, "install.sh", map[string]string{
				"RUNNER_TEMP": dest, "VERSION": tc.version, "ACTION_REF": tc.ref,
				"RUNBOOK_TRANSLATOR_RELEASE_URL": tc.url,
			})
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Fatalf("exit %d (want %d), output:\n%s\nwant %q", code, tc.code, out, tc.want)
			}
			_, err := os.Stat(filepath.Join(dest, "runbook-translator"))
			if (tc.code == 0) != (err == nil) {
				t.Fatalf("binary installed: %v, want %v", err == nil, tc.code == 0)
			}
		})
	}
}

// buildBinary builds the real binary once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "runbook-translator")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

func TestActionReviewPassesArgumentsWholeAndWritesOutputs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := buildBinary(t)
	repo, _ := filepath.Abs(filepath.Join("..", ".."))
	outputs := filepath.Join(t.TempDir(), "outputs")
	sarif := filepath.Join(t.TempDir(), "out.sarif")
	code, out := bashScript(t, "review.sh", map[string]string{
		"RUNNER_TEMP":   dir,
		"GITHUB_OUTPUT": outputs,
		"INPUT_FILES":   filepath.Join(repo, "testdata/conftest/k8s-shop.json"),
		"INPUT_FORMAT":  "conftest",
		// One argument per line: the second line holds spaces.
		"INPUT_ARGS":       "--base-dir\n" + filepath.Join(repo, "testdata/inputs") + "\n",
		"INPUT_REPORTER":   "local\nsarif=" + sarif,
		"INPUT_FAIL_LEVEL": "error",
	})
	if code != ExitFindings {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	b, err := os.ReadFile(outputs)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{"exit-code=1\n", "verdict=fail\n", "sarif-file=" + sarif + "\n", "summary-file="} {
		if !strings.Contains(got, want) {
			t.Errorf("outputs lack %q:\n%s", want, got)
		}
	}
	if m := regexp.MustCompile(`(?m)^failing=(\d+)$`).FindStringSubmatch(got); m == nil || m[1] == "0" {
		t.Errorf("no failing count in outputs:\n%s", got)
	}
	if _, err := os.Stat(sarif); err != nil {
		t.Errorf("sarif report not written: %v", err)
	}

	// An --efm pattern with spaces reaches the binary as one argument.
	efmIn := filepath.Join(t.TempDir(), "lint.txt")
	os.WriteFile(efmIn, []byte("a.sh:3:1: [SC2086] Double quote to prevent globbing\n"), 0o644)
	code, out = bashScript(t, "review.sh", map[string]string{
		"RUNNER_TEMP": dir, "INPUT_FILES": efmIn, "INPUT_EFM": "%f:%l:%c: %m",
		"INPUT_TOOL": "shellcheck", "INPUT_REPORTER": "json", "INPUT_FAIL_LEVEL": "none",
	})
	if code != 0 || !strings.Contains(out, `"line":3`) || !strings.Contains(out, `"tool":"shellcheck"`) {
		t.Fatalf("efm with spaces: exit %d:\n%s", code, out)
	}
}

// Every input of action.yml reaches a step, and every INPUT_ variable the
// scripts read is set by action.yml.
func TestActionInputsAreWired(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Inputs  map[string]any `yaml:"inputs"`
		Outputs map[string]struct {
			Value string `yaml:"value"`
		} `yaml:"outputs"`
		Runs struct {
			Steps []struct {
				Env map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	env := map[string]bool{}
	used := map[string]bool{}
	for _, s := range doc.Runs.Steps {
		for k, v := range s.Env {
			env[k] = true
			for _, m := range regexp.MustCompile(`inputs\.([a-z-]+)`).FindAllStringSubmatch(v, -1) {
				used[m[1]] = true
			}
		}
	}
	for in := range doc.Inputs {
		if !used[in] {
			t.Errorf("input %q reaches no step", in)
		}
	}
	script, _ := os.ReadFile(filepath.Join("..", "..", "ci", "action", "review.sh"))
	for _, m := range regexp.MustCompile(`INPUT_[A-Z_]+`).FindAllString(string(script), -1) {
		if !env[m] {
			t.Errorf("review.sh reads %s, which action.yml does not set", m)
		}
	}
	// What review.sh writes to $GITHUB_OUTPUT: `echo "key=..."` lines, and
	// the counts of its `for k in ...` loop (written as ${k//_/-}).
	written := map[string]bool{}
	for _, m := range regexp.MustCompile(`echo "([a-z-]+)=`).FindAllStringSubmatch(string(script), -1) {
		written[m[1]] = true
	}
	if m := regexp.MustCompile(`for k in ([a-z_ ]+); do`).FindStringSubmatch(string(script)); m != nil {
		for _, k := range strings.Fields(m[1]) {
			written[strings.ReplaceAll(k, "_", "-")] = true
		}
	}
	if len(written) < 5 {
		t.Fatalf("found only %v written by review.sh: the scan is broken", written)
	}
	for name, o := range doc.Outputs {
		key := strings.TrimSuffix(strings.TrimPrefix(o.Value, "${{ steps.review.outputs."), " }}")
		if !written[key] {
			t.Errorf("output %s: review.sh never writes %s", name, key)
		}
	}
}
