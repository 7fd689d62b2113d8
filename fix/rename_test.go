package fix

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// renameFix is the fix of the built-in kubeconform-invalid-schema entry.
var renameFix = runbooks.Fix{Description: "test", Edits: []runbooks.FixEdit{{Rename: "$unknown_fields"}}}

// The corpus's two misspelt keys (kubeconform -strict reports them in
// k8s/jobs.yaml and k8s/storefront.yaml): each is renamed on its own line,
// comment and value kept, and nothing else of the file changes.
func TestRenameTheCorpusTypos(t *testing.T) {
	cases := []struct {
		name, file string
		f          translator.Finding
		want       string
	}{{
		name: "lables is labels (a swap of neighbours)",
		file: "k8s/jobs.yaml",
		f:    translator.Finding{Tool: "kubeconform", Resource: "CronJob/nightly-sales-report", Extra: map[string]string{"unknown_fields": "/metadata/lables"}},
		want: `@@ -37,7 +37,7 @@
 metadata:
   name: nightly-sales-report
   namespace: shop
-  lables:
+  labels:
     team: analytics
     owner: analytics-oncall
 spec:
`,
	}, {
		name: "readinessprobe is readinessProbe (case)",
		file: "k8s/storefront.yaml",
		f:    translator.Finding{Tool: "kubeconform", Resource: "Deployment/storefront", Extra: map[string]string{"unknown_fields": "/spec/template/spec/containers/0/readinessprobe"}},
		want: `@@ -34,7 +34,7 @@
               value: http://catalog-api.shop.svc.cluster.local:8080
           securityContext:
             runAsUser: 0
-          readinessprobe:
+          readinessProbe:
             httpGet:
               path: /healthz
               port: http
`,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := diffOf(t, c.file, &c.f, renameFix); got != c.want {
				t.Errorf("diff:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

// A key is renamed only when the target is certain; each other case is
// no suggestion, with the reason. The manifests are the corpus's
// storefront Deployment with its typo changed.
func TestRenameOnlyWhenUnambiguous(t *testing.T) {
	src := readInput(t, "k8s/storefront.yaml")
	const ptr = "/spec/template/spec/containers/0/readinessprobe"
	cases := []struct {
		name, old, new, ptr, note string
	}{
		// the pod spec: hostIPC and hostPID are both one edit from hostPIC
		{"two fields as close", "    spec:\n      containers:", "    spec:\n      hostPIC: true\n      containers:", "/spec/template/spec/hostPIC", `"hostPIC" is close to several Kubernetes fields at /spec/template/spec (hostIPC, hostPID)`},
		{"no field close", "          readinessprobe:", "          healthCheck:", "/spec/template/spec/containers/0/healthCheck", "no Kubernetes field of apps/v1 Deployment at /spec/template/spec/containers/0 is close to \"healthCheck\""},
		{"the field is already set", "          readinessprobe:", "          readinessProbe: {}\n          readinessprobe:", ptr, "already has readinessProbe"},
		{"a known field is not renamed", "          readinessprobe:", "          readinessProbe:", "/spec/template/spec/containers/0/readinessProbe", "readinessProbe is a field of apps/v1 Deployment"},
		{"a key the file does not have", "", "", "/spec/template/spec/containers/0/livenesprobe", "the document has no key"},
		{"a mapping the file does not have", "", "", "/spec/template/spec/containers/7/readinessprobe", "the document has no key"},
		{"a pointer through a scalar", "", "", "/spec/replicas/x/readinessprobe", "the document has no key"},
		{"a kind the table does not hold", "kind: Deployment", "kind: Rollout", ptr, "knows no Kubernetes field names for apps/v1 Rollout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := src
			if c.old != "" {
				if !strings.Contains(in, c.old) {
					t.Fatalf("the input has no %q", c.old)
				}
				in = strings.Replace(in, c.old, c.new, 1)
			}
			res := "Deployment/storefront"
			if strings.Contains(c.new, "Rollout") {
				res = "Rollout/storefront"
			}
			f := &translator.Finding{Tool: "kubeconform", Location: translator.Location{Path: "k8s/storefront.yaml"}, Resource: res, Extra: map[string]string{"unknown_fields": c.ptr}}
			got, err := Compute([]byte(in), f, renameFix, "runbook:test")
			if err == nil {
				t.Fatalf("a suggestion: %+v", got.Edits)
			}
			if !NotHere(err) || !strings.Contains(err.Error(), c.note) {
				t.Errorf("reason %q, want one with %q", err, c.note)
			}
		})
	}
}

// Several keys of one finding are renamed together, each in its own
// quoting; a rename to: names the key itself, on a field path.
func TestRenameStylesAndPaths(t *testing.T) {
	src := readInput(t, "k8s/jobs.yaml")
	const typo = "  lables:\n    team: analytics\n    owner: analytics-oncall\n"
	if !strings.Contains(src, typo) {
		t.Fatal("the input has no lables")
	}
	in := strings.Replace(src, typo, "  'lables':\n    team: analytics\n    owner: analytics-oncall\n  \"anotations\": {}  # kept\n", 1)
	f := &translator.Finding{Tool: "kubeconform", Location: translator.Location{Path: "k8s/jobs.yaml"}, Resource: "CronJob/nightly-sales-report", Extra: map[string]string{"unknown_fields": "/metadata/anotations,/metadata/lables"}}
	got, err := Compute([]byte(in), f, renameFix, "runbook:test")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Apply(in, got.Edits)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(src, typo, "  'labels':\n    team: analytics\n    owner: analytics-oncall\n  \"annotations\": {}  # kept\n", 1)
	if out != want {
		t.Errorf("got:\n%s", UnifiedDiff("jobs.yaml", want, out))
	}

	fx := runbooks.Fix{Description: "test", Edits: []runbooks.FixEdit{{Rename: "metadata.lables", To: "labels"}}}
	f = &translator.Finding{Tool: "kubeconform", Location: translator.Location{Path: "k8s/jobs.yaml"}, Resource: "CronJob/nightly-sales-report"}
	got, err = Compute([]byte(src), f, fx, "runbook:test")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Edits) != 1 || got.Edits[0].StartLine != 40 || !strings.Contains(got.Edits[0].Text, "labels") {
		t.Errorf("edits %+v, want line 40 renamed", got.Edits)
	}
	// a file with CRLF line breaks keeps them
	crlf := strings.ReplaceAll(src, "\n", "\r\n")
	got, err = Compute([]byte(crlf), f, fx, "runbook:test")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := Apply(crlf, got.Edits); err != nil || out != strings.Replace(crlf, "  lables:\r\n", "  labels:\r\n", 1) {
		t.Errorf("CRLF: %v\n%q", err, out)
	}
	// in a Helm template, no rename
	tpl := strings.Replace(src, "team: analytics", "team: {{ .Values.team }}", 1)
	if _, err := Compute([]byte(tpl), f, fx, "runbook:test"); err == nil || !NotHere(err) {
		t.Errorf("template: %v, want no suggestion", err)
	}
	// nor in Terraform
	tf := readInput(t, "terraform/edge-network/database.tf")
	tff := &translator.Finding{Tool: "tfsec", Location: translator.Location{Path: "terraform/edge-network/database.tf"}, Resource: "aws_db_instance.orders"}
	tfx := runbooks.Fix{Description: "test", Edits: []runbooks.FixEdit{{Rename: "storage_encrypted", To: "encrypted"}}}
	if _, err := Compute([]byte(tf), tff, tfx, "runbook:test"); err == nil || !NotHere(err) || !strings.Contains(err.Error(), "rename") {
		t.Errorf("Terraform: %v, want no suggestion", err)
	}
}
