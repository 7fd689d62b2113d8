package authoring

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// updateScreenshot rewrites docs/img/runbooks-preview.png for the README:
// go test ./authoring -run Browser -update-screenshot
var updateScreenshot = flag.Bool("update-screenshot", false, "rewrite docs/img/runbooks-preview.png")

// chromium returns the browser, or skips the test; in CI (CI=true) a
// missing browser fails, because .ci/run installs the Debian package.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is missing: CI must `apt-get install -y chromium` to test the preview in a real browser")
	}
	t.Skip("chromium not installed (apt-get install -y chromium); the preview is not checked in a browser")
	return ""
}

func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

func writePage(t *testing.T, paths ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "runbooks-preview.html")
	if err := os.WriteFile(p, []byte(previewHTML(t, paths...)), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPreviewInBrowser opens the preview of the built-in, organisation,
// repository and a hostile catalog in headless Chromium and checks the DOM
// the browser built: every entry title, the details elements, the ignore
// snippet, and no script or image element from the hostile finding.
func TestPreviewInBrowser(t *testing.T) {
	bin := chromium(t)
	page := writePage(t, org, repo, hostile)
	dom := string(runChromium(t, bin, "--dump-dom", "file://"+page))
	if !strings.Contains(dom, "</html>") {
		t.Fatalf("no DOM dumped:\n%.500s", dom)
	}
	c, err := Load([]string{org, repo, hostile}, false)
	if err != nil {
		t.Fatal(err)
	}
	es, err := PreviewEntries(c, PreviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if !strings.Contains(dom, `id="`+e.Anchor+`"`) {
			t.Errorf("browser DOM lacks the section of %s", e.ID)
		}
	}
	for _, want := range []string{
		"<h2>Replicas must be spread across zones</h2>",
		"<h2>Hostile &lt;script&gt;alert(\"title\")&lt;/script&gt; entry</h2>",
		"<details><summary>Details</summary>",
		"<details open=\"\"><summary>More about &lt;em&gt;this&lt;/em&gt;</summary>",
		"# .runbook-translator.yaml\nignore:\n  - tool: conftest\n    code: EVIL-1",
		"&lt;img src=x onerror=alert(1)&gt;",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("browser DOM lacks %q", want)
		}
	}
	lower := strings.ToLower(dom)
	for _, bad := range []string{"<script", "<img", "<b ", "javascript:alert(1)\"", "<em>"} {
		if strings.Contains(lower, bad) {
			t.Errorf("browser DOM has an element from hostile input: %q", bad)
		}
	}
	if n := strings.Count(dom, "<details"); n < len(es)+1 {
		t.Errorf("%d details elements, want one per entry plus the hostile body's", n)
	}

	// The built-in catalog alone: every entry's section is there.
	b, err := Load(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	dom = string(runChromium(t, bin, "--dump-dom", "file://"+writePage(t)))
	if got, want := strings.Count(dom, `<section class="entry"`), len(b.Entries()); got != want {
		t.Errorf("built-in preview: browser shows %d sections, want %d", got, want)
	}
}

// TestPreviewScreenshot renders the organisation and repository catalogs
// as the README shows them.
func TestPreviewScreenshot(t *testing.T) {
	bin := chromium(t)
	// From the repository root, sources read as in the README.
	t.Chdir("..")
	page := writePage(t, "testdata/catalogs/org", "testdata/catalogs/repo")
	shot := filepath.Join(t.TempDir(), "shot.png")
	runChromium(t, bin, "--screenshot="+shot, "--window-size=1200,2000", "--hide-scrollbars", "file://"+page)
	data, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 2000 {
		t.Errorf("screenshot is %v, want 1200x2000", b)
	}
	if *updateScreenshot {
		dst := filepath.Join("docs", "img", "runbooks-preview.png")
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
