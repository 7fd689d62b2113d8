package fix

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// The built-in image entries replace an image by the organisation's copy
// of it (catalog_map: image_mirrors, testdata/catalogs/org-values): on the
// real storefront Deployment, kube-score names both containers, and each
// image line changes, to the copy of the image it has (nginx:latest and
// docker.io/library/busybox), each container gets the pull policy its
// :latest image had, and nothing else changes.
func TestCatalogMapReplacesEachContainersImage(t *testing.T) {
	e, vals := builtinEntry(t, "k8s-image-tag-mutable")
	const file = "k8s/storefront.yaml"
	src := readInput(t, file)
	f := &translator.Finding{Tool: "kube-score", Code: "container-image-tag", Resource: "Deployment/storefront", Extra: map[string]string{"container": "web, asset-sync"}}
	f.Path = file
	out := fixedWith(t, src, f, e.Fix[0], vals)
	var changed []string
	for _, l := range strings.Split(UnifiedDiff(file, src, out), "\n") {
		if (strings.HasPrefix(l, "+") || strings.HasPrefix(l, "-")) && !strings.HasPrefix(l, "+++") && !strings.HasPrefix(l, "---") {
			changed = append(changed, l)
		}
	}
	want := []string{
		"-          image: nginx:latest",
		"+          image: registry.example.internal/mirror/nginx:1.27.3",
		"+          imagePullPolicy: Always",
		"-          image: docker.io/library/busybox",
		"+          image: registry.example.internal/mirror/busybox:1.36.1",
		"+          imagePullPolicy: Always",
	}
	if strings.Join(changed, "\n") != strings.Join(want, "\n") {
		t.Errorf("changed lines:\n%s\nwant:\n%s", strings.Join(changed, "\n"), strings.Join(want, "\n"))
	}
}

// What makes no suggestion says why: no catalog sets the table (the note
// names it), the table has no copy of the present image (the note names
// both), the value is no table of strings, the file is Terraform.
func TestCatalogMapNotes(t *testing.T) {
	e, vals := builtinEntry(t, "image-untrusted-registry")
	fx := e.Fix[0]
	src := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.0.0
`
	f := &translator.Finding{Tool: "conftest", Resource: "Deployment/api", Extra: map[string]string{"container": "api"}}
	note := func(vals runbooks.Values, path string) string {
		t.Helper()
		f.Path = path
		_, err := ComputeWith([]byte(src), f, fx, "t", vals)
		if err == nil || !NotHere(err) {
			t.Fatalf("%s: %v, want a note", path, err)
		}
		return err.Error()
	}
	if got, want := note(nil, "api.yaml"), "the organisation catalog sets no image_mirrors under values:"; !strings.Contains(got, want) {
		t.Errorf("no values: %q, want %q", got, want)
	}
	if names := ValuesUnset(func() error { _, err := ComputeWith([]byte(src), f, fx, "t", nil); return err }()); len(names) != 1 || names[0] != "image_mirrors" {
		t.Errorf("ValuesUnset = %v", names)
	}
	if got, want := note(vals, "api.yaml"), `the organisation catalog's image_mirrors (values:) has no entry for "ghcr.io/acme/api:1.0.0"`; !strings.Contains(got, want) {
		t.Errorf("no entry: %q, want %q", got, want)
	}
	bad := runbooks.Values{"image_mirrors": {V: map[string]any{"nginx": 3}, Source: "org.yaml:4"}}
	if got, want := note(bad, "api.yaml"), "the catalog value image_mirrors (org.yaml:4) is not a table of strings"; !strings.Contains(got, want) {
		t.Errorf("not a table: %q, want %q", got, want)
	}
	if got, want := note(vals, "main.tf"), "main.tf is Terraform, and catalog_map looks values up in Kubernetes manifests only"; !strings.Contains(got, want) {
		t.Errorf("terraform: %q, want %q", got, want)
	}
	// a container the object does not have: nothing to look up, not
	// "already as the fix wants"
	f.Extra = map[string]string{"container": "sidecar"}
	if got, want := note(vals, "api.yaml"), "the object has no spec.containers[name=$container].image to look up in image_mirrors"; !strings.Contains(got, want) {
		t.Errorf("absent: %q, want %q", got, want)
	}
}

// A literal image line of a Helm template (the chart's test Pod) is
// replaced as in a manifest; the table's docker.io/library/busybox is the
// image the template writes as busybox.
func TestCatalogMapInTemplateLiteralLine(t *testing.T) {
	e, vals := builtinEntry(t, "image-untrusted-registry")
	const file = "helm/shop/templates/tests/test-connection.yaml"
	src := readInput(t, file)
	f := &translator.Finding{Tool: "conftest", Resource: "Pod/shop-recommendations-test-connection", Extra: map[string]string{"container": "wget"}}
	f.Path, f.Line = file, 12
	out := fixedWith(t, src, f, e.Fix[0], vals)
	if want := strings.Replace(src, "image: busybox\n", "image: registry.example.internal/mirror/busybox:1.36.1\n", 1); out != want || out == src {
		t.Errorf("fixed template:\n%s", out)
	}
	// quoted as YAML quotes it: the value is what YAML reads
	quoted := strings.Replace(src, "image: busybox\n", "image: 'busybox'\n", 1)
	if out := fixedWith(t, quoted, f, e.Fix[0], vals); !strings.Contains(out, "image: registry.example.internal/mirror/busybox:1.36.1") {
		t.Errorf("fixed template, quoted image:\n%s", out)
	}
}

// An image is looked up as Docker reads its reference; other fields only
// as written.
func TestLookupTable(t *testing.T) {
	table := map[string]string{
		"docker.io/library/busybox": "mirror/busybox:1.36.1",
		"nginx:latest":              "mirror/nginx:1.27.3",
		"ghcr.io/acme/api":          "mirror/api:2.0.0",
		"redis:7.2":                 "mirror/redis:7.2.5",
	}
	for _, c := range []struct {
		key, present, want string
	}{
		{"image", "busybox", "mirror/busybox:1.36.1"},
		{"image", "busybox:latest", "mirror/busybox:1.36.1"},
		{"image", "index.docker.io/library/busybox:latest", "mirror/busybox:1.36.1"},
		{"image", "nginx", "mirror/nginx:1.27.3"},
		{"image", "docker.io/nginx:latest", "mirror/nginx:1.27.3"},
		{"image", "ghcr.io/acme/api:latest", "mirror/api:2.0.0"},
		{"image", "redis:7.2", "mirror/redis:7.2.5"},
		{"image", "redis", ""},       // another tag
		{"image", "redis:7.2.1", ""}, // another tag
		{"image", "library/redis:7.2", "mirror/redis:7.2.5"},
		{"image", "ghcr.io/acme/api@sha256:abc", ""}, // a digest is not latest
		{"image", "quay.io/nginx:latest", ""},        // another registry
		{"name", "busybox", ""},                      // not an image: as written only
		{"name", "nginx:latest", "mirror/nginx:1.27.3"},
	} {
		got, ok := lookupTable(table, c.key, c.present, false)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("lookupTable(%s: %q) = %q, %v; want %q", c.key, c.present, got, ok, c.want)
		}
	}
	// two spellings of one image with different copies: no guess
	amb := map[string]string{"nginx": "a", "docker.io/library/nginx:latest": "b"}
	if got, ok := lookupTable(amb, "image", "nginx:latest", false); ok {
		t.Errorf("ambiguous table gave %q", got)
	}
}
