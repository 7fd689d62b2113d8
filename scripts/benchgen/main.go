// Command benchgen writes the deterministic inputs of scripts/bench:
//
//	benchgen text N FILE        N lines of "path:line:col: message", one of them over 64 KiB
//	                            (12 message shapes, 58 distinct messages)
//	benchgen unique N FILE      N lines of "path:line:col: [CODE] message with SymN (finding N)":
//	                            every message distinct, as in real lint output that names
//	                            symbols, variables and numbers
//	benchgen shellcheck N FILE  N lines of shellcheck -f gcc output: the 35 real lines of
//	                            testdata/shellcheck-gcc/all-scripts.gcc (shellcheck's own
//	                            messages, codes with specific built-in entries) on varied
//	                            paths, lines and variable names
//	benchgen hadolint N FILE    N lines of hadolint's tty output built from the findings of
//	                            the real hadolint fixtures (testdata/hadolint/*.golden.json)
//	benchgen trivy MB FILE      a Trivy JSON report of about MB megabytes
//	benchgen trivy-ids MB FILE  the same with the fixtures' real vulnerability IDs kept
//	benchgen checkov N FILE     a checkov report with N failed checks
//	benchgen sarif N FILE       a Trivy SARIF log (trivy-sarif/config-k8s-shop.sarif) with N
//	                            results, each on its own file and lines; the run's tool,
//	                            rules and originalUriBaseIds (written last, as trivy does)
//	                            are the fixture's
//
// The JSON reports replicate the structure of real fixtures in testdata/
// (trivy/config-k8s-shop.json, trivy/upstream-alpine-39-high-critical.json,
// checkov/terraform-custom-windows.json, trivy-sarif/config-k8s-shop.sarif) with varied targets, IDs and lines;
// nothing is typed by hand. The same arguments always give the same bytes.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: benchgen text|unique|shellcheck|hadolint|trivy|trivy-ids|checkov|sarif N FILE")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchgen: bad N:", err)
		os.Exit(2)
	}
	f, err := os.Create(os.Args[3])
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	switch os.Args[1] {
	case "text":
		err = text(w, n)
	case "unique":
		err = unique(w, n)
	case "shellcheck":
		err = shellcheck(w, n)
	case "hadolint":
		err = hadolint(w, n)
	case "trivy":
		err = trivy(w, n<<20, true)
	case "trivy-ids":
		err = trivy(w, n<<20, false)
	case "checkov":
		err = checkov(w, n)
	case "sarif":
		err = sarifLog(w, n)
	default:
		err = fmt.Errorf("unknown kind %q", os.Args[1])
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
}

var (
	dirs  = []string{"scripts", "deploy/scripts", "ci/hooks", "tools/release", "infra/bootstrap", "services/payments/bin", "services/catalog/scripts", "docker/entrypoints"}
	files = []string{"build.sh", "deploy.sh", "rotate-logs.sh", "seed-catalog.sh", "entrypoint.sh", "backup.sh", "migrate.sh", "healthcheck.sh", "release-notes.sh", "cleanup.sh"}
	// Message shapes modelled on shellcheck, golint and eslint compact
	// output; %s is a variable or identifier name.
	msgs = []string{
		"Double quote to prevent globbing and word splitting. [SC2086]",
		"Declare and assign separately to avoid masking return values. [SC2155]",
		"Use 'cd ... || exit' or 'cd ... || return' in case cd fails. [SC2164]",
		"%s is referenced but not assigned. [SC2154]",
		"exported function %s should have comment or be unexported",
		"error strings should not be capitalized or end with punctuation or a newline",
		"'%s' is assigned a value but never used. (no-unused-vars)",
		"Unexpected console statement. (no-console)",
		"line is 143 characters, which exceeds the maximum of 120 (lll)",
		"SC2034: %s appears unused. Verify use (or export if used externally).",
		"ineffectual assignment to %s",
		"Expected '===' and instead saw '=='. (eqeqeq)",
	}
	idents = []string{"BUILD_DIR", "retries", "releaseTag", "LOG_PATH", "cfg", "handleRequest", "TMPDIR", "userID", "bucketName", "timeoutSeconds"}
)

// text writes n findings, one per line; the line 1% before the end carries a message of
// 70,000 bytes (errorformat's bufio.Scanner stops at 64 KiB).
func text(w *bufio.Writer, n int) error {
	r := rand.New(rand.NewSource(1))
	long := n - n/100 // near the end: errorformat readers lose the last 1%
	for i := 0; i < n; i++ {
		path := dirs[r.Intn(len(dirs))] + "/" + files[r.Intn(len(files))]
		msg := msgs[r.Intn(len(msgs))]
		if strings.Contains(msg, "%s") {
			msg = fmt.Sprintf(msg, idents[r.Intn(len(idents))])
		}
		if i == long {
			msg = "generated message longer than 64 KiB: " + strings.Repeat("x", 70000)
		}
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s\n", path, 1+r.Intn(900), 1+r.Intn(80), msg); err != nil {
			return err
		}
	}
	return nil
}

// unique writes n findings whose messages are all distinct.
func unique(w *bufio.Writer, n int) error {
	r := rand.New(rand.NewSource(2))
	for i := 0; i < n; i++ {
		path := dirs[r.Intn(len(dirs))] + "/" + files[r.Intn(len(files))]
		code := fmt.Sprintf("R%03d", r.Intn(400))
		if _, err := fmt.Fprintf(w, "%s:%d:%d: [%s] message with %s%d (finding %d)\n",
			path, 1+r.Intn(900), 1+r.Intn(80), code, idents[r.Intn(len(idents))], r.Intn(100000), i); err != nil {
			return err
		}
	}
	return nil
}

// shellcheck writes n shellcheck gcc lines from the real fixture's lines:
// each keeps its level, message and code, on another path and line, with
// the variable a message names replaced by a numbered one.
func shellcheck(w *bufio.Writer, n int) error {
	b, err := os.ReadFile(filepath.FromSlash("testdata/shellcheck-gcc/all-scripts.gcc"))
	if err != nil {
		return err
	}
	type line struct{ level, msg string }
	var lines []line
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		// file:line:col: level: message [SCnnnn]
		parts := strings.SplitN(l, ": ", 3)
		if len(parts) != 3 {
			return fmt.Errorf("shellcheck fixture: unexpected line %q", l)
		}
		lines = append(lines, line{parts[1], parts[2]})
	}
	r := rand.New(rand.NewSource(3))
	for i := 0; i < n; i++ {
		l := lines[r.Intn(len(lines))]
		msg := l.msg
		// "UNUSED_CHANNEL appears unused", "DB_HOST is referenced but not
		// assigned": an upper-case name first is the variable.
		if sp := strings.IndexByte(msg, ' '); sp > 0 && strings.ToUpper(msg[:sp]) == msg[:sp] && strings.Trim(msg[:sp], "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") == "" {
			msg = fmt.Sprintf("%s_%d%s", strings.ToUpper(idents[r.Intn(len(idents))]), r.Intn(1000), msg[sp:])
		}
		path := dirs[r.Intn(len(dirs))] + "/" + files[r.Intn(len(files))]
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s\n", path, 1+r.Intn(900), 1+r.Intn(80), l.level, msg); err != nil {
			return err
		}
	}
	return nil
}

// hadolint writes n lines of hadolint's tty format ("FILE:LINE CODE level:
// message") from the findings of the real hadolint JSON fixtures.
func hadolint(w *bufio.Writer, n int) error {
	paths, err := filepath.Glob(filepath.FromSlash("testdata/hadolint/*.golden.json"))
	if err != nil {
		return err
	}
	type hf struct {
		Code         string `json:"code"`
		Message      string `json:"message"`
		ToolSeverity string `json:"tool_severity"`
	}
	var fs []hf
	for _, p := range paths {
		var x []hf
		if err := readJSON(filepath.ToSlash(p), &x); err != nil {
			return err
		}
		fs = append(fs, x...)
	}
	if len(fs) == 0 {
		return fmt.Errorf("hadolint: no findings in testdata/hadolint")
	}
	r := rand.New(rand.NewSource(4))
	for i := 0; i < n; i++ {
		f := fs[r.Intn(len(fs))]
		path := fmt.Sprintf("%s/Dockerfile.%d", dirs[r.Intn(len(dirs))], r.Intn(50))
		if _, err := fmt.Fprintf(w, "%s:%d %s %s: %s\n", path, 1+r.Intn(200), f.Code, f.ToolSeverity, f.Message); err != nil {
			return err
		}
	}
	return nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(filepath.FromSlash(path))
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// trivy writes a report of about size bytes: the header of
// config-k8s-shop.json, then Results alternating that fixture's
// misconfiguration results and the alpine fixture's vulnerability result,
// each with its own target, and varied vulnerability IDs.
func trivy(w *bufio.Writer, size int, varyIDs bool) error {
	var k8s, alpine map[string]any
	if err := readJSON("testdata/trivy/config-k8s-shop.json", &k8s); err != nil {
		return err
	}
	if err := readJSON("testdata/trivy/upstream-alpine-39-high-critical.json", &alpine); err != nil {
		return err
	}
	templates := append(k8s["Results"].([]any), alpine["Results"].([]any)...)
	head := map[string]any{}
	for k, v := range k8s {
		if k != "Results" {
			head[k] = v
		}
	}
	hb, err := json.Marshal(head)
	if err != nil {
		return err
	}
	// {"...header...","Results":[ ... ]}
	written := 0
	put := func(b []byte) error {
		written += len(b)
		_, err := w.Write(b)
		return err
	}
	if err := put(append(hb[:len(hb)-1], []byte(`,"Results":[`)...)); err != nil {
		return err
	}
	for i := 0; written < size; i++ {
		res := deepCopy(templates[i%len(templates)]).(map[string]any)
		res["Target"] = fmt.Sprintf("%s/app-%05d/%v", dirs[i%len(dirs)], i, res["Target"])
		if vs, ok := res["Vulnerabilities"].([]any); ok && varyIDs {
			for j, v := range vs {
				vm := v.(map[string]any)
				vm["VulnerabilityID"] = fmt.Sprintf("CVE-%d-%d", 2015+(i+j)%10, 10000+(i*7+j)%90000)
				vm["PrimaryURL"] = "https://avd.aquasec.com/nvd/" + strings.ToLower(vm["VulnerabilityID"].(string))
			}
		}
		b, err := json.Marshal(res)
		if err != nil {
			return err
		}
		if i > 0 {
			if err := put([]byte{','}); err != nil {
				return err
			}
		}
		if err := put(b); err != nil {
			return err
		}
	}
	return put([]byte("]}\n"))
}

// checkov writes one report whose failed_checks are n copies of
// terraform-custom-windows.json's, each with its own file and resource.
func checkov(w *bufio.Writer, n int) error {
	var rep map[string]any
	if err := readJSON("testdata/checkov/terraform-custom-windows.json", &rep); err != nil {
		return err
	}
	tmpl := rep["results"].(map[string]any)["failed_checks"].([]any)
	ct, err := json.Marshal(rep["check_type"])
	if err != nil {
		return err
	}
	sum, err := json.Marshal(rep["summary"])
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, `{"check_type":%s,"results":{"failed_checks":[`, ct); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		c := deepCopy(tmpl[i%len(tmpl)]).(map[string]any)
		mod := fmt.Sprintf("modules/net-%04d", i/len(tmpl))
		c["file_path"] = "/" + mod + "/main.tf"
		c["repo_file_path"] = "/" + mod + "/main.tf"
		c["file_abs_path"] = "/src/" + mod + "/main.tf"
		if res, ok := c["resource"].(string); ok {
			c["resource"] = fmt.Sprintf("module.net_%04d.%s", i/len(tmpl), strings.TrimPrefix(res, "module.network_dummy."))
		}
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if i > 0 {
			w.WriteByte(',')
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintf(w, "]},\"summary\":%s}\n", sum)
	return err
}

// sarifLog writes trivy-sarif/config-k8s-shop.sarif with its run's results
// replaced by n copies of them, each on its own file (app-NNNN/...) and
// lines. Everything around the results stays byte for byte the fixture's,
// in its order: the tool first, originalUriBaseIds after the results.
func sarifLog(w *bufio.Writer, n int) error {
	const fixture = "testdata/trivy-sarif/config-k8s-shop.sarif"
	b, err := os.ReadFile(filepath.FromSlash(fixture))
	if err != nil {
		return err
	}
	// Find the first run's "results" value with the token stream: from
	// the end of its key to the end of the array.
	dec := json.NewDecoder(bytes.NewReader(b))
	var start, end int64
	var results []json.RawMessage
	depth := 0
	inRuns := false
	for start == 0 {
		t, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%s: no results: %v", fixture, err)
		}
		switch t := t.(type) {
		case json.Delim:
			if t == '{' || t == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			switch {
			case depth == 1 && t == "runs":
				inRuns = true
			case inRuns && depth == 3 && t == "results":
				start = dec.InputOffset()
				if err := dec.Decode(&results); err != nil {
					return err
				}
				end = dec.InputOffset()
			case depth == 1 || depth == 3:
				// another key's value: skip it whole
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return err
				}
			}
		}
	}
	if len(results) == 0 {
		return fmt.Errorf("%s: no results", fixture)
	}
	if _, err := w.Write(b[:start]); err != nil {
		return err
	}
	w.WriteString(": [")
	r := rand.New(rand.NewSource(1))
	for i := 0; i < n; i++ {
		var res map[string]any
		if err := json.Unmarshal(results[i%len(results)], &res); err != nil {
			return err
		}
		app := fmt.Sprintf("app-%04d", i/len(results))
		if locs, ok := res["locations"].([]any); ok && len(locs) > 0 {
			pl, _ := locs[0].(map[string]any)["physicalLocation"].(map[string]any)
			if al, ok := pl["artifactLocation"].(map[string]any); ok {
				al["uri"] = app + "/" + fmt.Sprint(al["uri"])
			}
			if reg, ok := pl["region"].(map[string]any); ok {
				// the same region, further down the file
				off := float64(r.Intn(400))
				for _, k := range []string{"startLine", "endLine"} {
					if l, ok := reg[k].(float64); ok {
						reg[k] = l + off
					}
				}
			}
		}
		out, err := json.Marshal(res)
		if err != nil {
			return err
		}
		if i > 0 {
			w.WriteString(", ")
		}
		if _, err := w.Write(out); err != nil {
			return err
		}
	}
	w.WriteString("]")
	_, err = w.Write(b[end:])
	return err
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}
