package fix

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// replace: changes a field that is there, in place (comment and line
// kept), and adds none: catalog-db's pod-level runAsUser: 0 and fsGroup: 0
// become 10001, its absent runAsGroup stays absent.
func TestReplaceChangesOnlyWhatIsPresent(t *testing.T) {
	f := translator.Finding{Resource: "StatefulSet/shop/catalog-db", Extra: map[string]string{"container": "postgres"}}
	fx := edits(
		"replace spec.securityContext.runAsUser", 10001,
		"replace spec.securityContext.runAsGroup", 10001,
		"replace spec.securityContext.fsGroup", 10001,
		"replace spec.containers[name=$container].securityContext.runAsUser", 10001,
	)
	want := `@@ -101,8 +101,8 @@
         app.kubernetes.io/name: catalog-db
     spec:
       securityContext:
-        runAsUser: 0
-        fsGroup: 0
+        runAsUser: 10001
+        fsGroup: 10001
       containers:
         - name: postgres
           image: docker.io/library/postgres:16.2
`
	if got := diffOf(t, "k8s/catalog.yaml", &f, fx); got != want {
		t.Errorf("diff:\n%s\nwant:\n%s", got, want)
	}
}

// Where none of the fields is there, replace makes no edit and is no
// error: the file already is as the fix wants.
func TestReplaceAbsentIsUntouched(t *testing.T) {
	cases := []struct {
		name string
		src  string
		fx   runbooks.Fix
	}{{
		name: "no securityContext at all",
		src:  "kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: app:1\n",
		fx:   edits("replace spec.securityContext.runAsUser", 10001, "replace spec.containers[name=$container].securityContext.runAsGroup", 10001),
	}, {
		name: "a securityContext without the key",
		src:  "kind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    runAsNonRoot: true # kept\n  containers:\n    - name: app\n      image: app:1\n",
		fx:   edits("replace spec.securityContext.fsGroup", 10001),
	}, {
		name: "an empty securityContext",
		src:  "kind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n  containers:\n    - name: app\n      image: app:1\n",
		fx:   edits("replace spec.securityContext.fsGroup", 10001),
	}, {
		name: "a container the pod does not have",
		src:  "kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: app:1\n      securityContext:\n        runAsUser: 0\n",
		fx:   edits("replace spec.containers[name=sidecar].securityContext.runAsUser", 10001),
	}, {
		name: "already the value",
		src:  "kind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    runAsUser: 10001\n  containers:\n    - name: app\n      image: app:1\n",
		fx:   edits("replace spec.securityContext.runAsUser", 10001),
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &translator.Finding{Location: translator.Location{Path: "p.yaml"}, Resource: "Pod/p", Extra: map[string]string{"container": "app"}}
			got, err := Compute([]byte(c.src), f, c.fx, "t")
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Edits) != 0 {
				t.Errorf("edits = %+v, want none", got.Edits)
			}
		})
	}
}

// replace over every container ([*]) changes the ones that have the
// field, and only those; a quoted value keeps its quotes, a comment stays.
func TestReplaceEveryContainerThatHasIt(t *testing.T) {
	src := `kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          securityContext:
            runAsUser: 0  # root, for now
        - name: sidecar
          image: sidecar:1
        - name: proxy
          securityContext:
            runAsGroup: "0"
            runAsUser: 1000
`
	f := &translator.Finding{Location: translator.Location{Path: "d.yaml"}, Resource: "Deployment/web"}
	got, err := Compute([]byte(src), f, edits("replace spec.containers[*].securityContext.runAsUser", 10001, "replace spec.containers[*].securityContext.runAsGroup", "10001"), "t")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Apply(src, got.Edits)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer("runAsUser: 0  #", "runAsUser: 10001  #", `runAsGroup: "0"`, `runAsGroup: "10001"`, "runAsUser: 1000\n", "runAsUser: 10001\n").Replace(src)
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

// A field that holds a mapping or list is not a value to replace; a
// catalog value that is a mapping is not one to write.
func TestReplaceWritesOneScalar(t *testing.T) {
	src := "kind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    runAsUser: 0\n  containers:\n    - name: app\n      image: app:1\n"
	f := &translator.Finding{Location: translator.Location{Path: "p.yaml"}, Resource: "Pod/p"}
	if _, err := Compute([]byte(src), f, edits("replace spec.securityContext", 1), "t"); err == nil || !NotHere(err) || !strings.Contains(err.Error(), "holds a mapping, not a value") {
		t.Errorf("mapping: err = %v", err)
	}
	fx := runbooks.Fix{Description: "t", Edits: []runbooks.FixEdit{{Replace: "spec.securityContext.runAsUser", CatalogValue: "uid"}}}
	if _, err := ComputeWith([]byte(src), f, fx, "t", runbooks.Values{"uid": {V: map[string]any{"a": 1}}}); err == nil || !NotHere(err) || !strings.Contains(err.Error(), "replace writes one scalar") {
		t.Errorf("mapping catalog value: err = %v", err)
	}
	got, err := ComputeWith([]byte(src), f, fx, "t", runbooks.Values{"uid": {V: 10001}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Edits) != 1 || got.Edits[0].Text != "    runAsUser: 10001\n" {
		t.Errorf("catalog value: edits = %+v", got.Edits)
	}
}

// In Terraform, replace changes an attribute (or a key of a literal
// object) that the block has, and adds no attribute, key or block.
func TestReplaceHCL(t *testing.T) {
	f := translator.Finding{Resource: "aws_ebs_volume.media_cache"}
	fx := edits("replace encrypted", true, "replace kms_key_id", "k", "replace tags.Name", "media", "replace tags.team", "web", "replace ebs_block_device.encrypted", true)
	want := `@@ -48,10 +48,10 @@
   availability_zone = "${var.region}a"
   size              = 200
   type              = "gp2"
-  encrypted         = false
+  encrypted         = true
 
   tags = {
-    Name = "storefront-media-cache"
+    Name = "media"
   }
 }
 
`
	if got := diffOf(t, "terraform/storefront-assets/main.tf", &f, fx); got != want {
		t.Errorf("diff:\n%s\nwant:\n%s", got, want)
	}
	f = translator.Finding{Resource: "aws_ebs_volume.media_cache", Location: translator.Location{Path: "terraform/storefront-assets/main.tf"}}
	src := readInput(t, f.Path)
	got, err := Compute([]byte(src), &f, edits("replace kms_key_id", "k", "replace tags.team", "web", "replace ebs_block_device.encrypted", true), "t")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Edits) != 0 {
		t.Errorf("absent attributes: edits = %+v, want none", got.Edits)
	}
}

// In a Helm template, replace is made on the located literal line, as set
// is.
func TestReplaceHelmLiteralLine(t *testing.T) {
	const tmpl = "helm/shop/templates/redis-statefulset.yaml"
	src := strings.Replace(readInput(t, tmpl), "allowPrivilegeEscalation: {{ .Values.redis.allowPrivilegeEscalation }}", "allowPrivilegeEscalation: true", 1)
	f := &translator.Finding{Location: translator.Location{Path: tmpl, Line: 27}, Resource: "StatefulSet/shop-redis", Extra: map[string]string{"container": "redis"}}
	got, err := Compute([]byte(src), f, edits("replace spec.containers[name=$container].securityContext.allowPrivilegeEscalation", false), "t")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Edits) != 1 || got.Edits[0].Text != "            allowPrivilegeEscalation: false\n" {
		t.Errorf("edits = %+v", got.Edits)
	}
}

// if_value: replace only a field that holds that value: catalog-db's
// pod-level runAsUser: 0 becomes 10001; a pod-level runAsUser: 20000 is
// kept, and is no error of the fix (the file is as the fix wants).
func TestReplaceIfValue(t *testing.T) {
	fx := edits("replace spec.securityContext.runAsUser", 10001)
	fx.Edits[0].IfValue = 0
	f := translator.Finding{Resource: "StatefulSet/shop/catalog-db", Extra: map[string]string{"container": "postgres"}}
	want := `@@ -101,7 +101,7 @@
         app.kubernetes.io/name: catalog-db
     spec:
       securityContext:
-        runAsUser: 0
+        runAsUser: 10001
         fsGroup: 0
       containers:
         - name: postgres
`
	if got := diffOf(t, "k8s/catalog.yaml", &f, fx); got != want {
		t.Errorf("if_value 0 on runAsUser: 0, diff:\n%s\nwant:\n%s", got, want)
	}
	src := "kind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    runAsUser: 20000 # chosen\n  containers:\n    - name: app\n      image: app:1\n"
	g := translator.Finding{Location: translator.Location{Path: "pod.yaml"}, Resource: "Pod/p", Extra: map[string]string{"container": "app"}}
	got, err := Compute([]byte(src), &g, fx, "runbook:test")
	if err != nil {
		t.Fatalf("if_value 0 on runAsUser: 20000: %v", err)
	}
	if len(got.Edits) != 0 {
		t.Fatalf("if_value 0 on runAsUser: 20000: edits %+v, want none", got.Edits)
	}
}

// if_value on a literal line of a Helm template: the line is changed only
// when it holds that value.
func TestReplaceIfValueHelmLiteralLine(t *testing.T) {
	const tmpl = "helm/shop/templates/redis-statefulset.yaml"
	src := strings.Replace(readInput(t, tmpl), "allowPrivilegeEscalation: {{ .Values.redis.allowPrivilegeEscalation }}", "allowPrivilegeEscalation: true", 1)
	f := &translator.Finding{Location: translator.Location{Path: tmpl, Line: 27}, Resource: "StatefulSet/shop-redis", Extra: map[string]string{"container": "redis"}}
	for _, c := range []struct {
		ifValue any
		edits   int
	}{{true, 1}, {false, 0}} {
		fx := edits("replace spec.containers[name=$container].securityContext.allowPrivilegeEscalation", false)
		fx.Edits[0].IfValue = c.ifValue
		got, err := Compute([]byte(src), f, fx, "t")
		if err != nil {
			t.Fatalf("if_value %#v: %v", c.ifValue, err)
		}
		if len(got.Edits) != c.edits {
			t.Errorf("if_value %#v: edits %+v, want %d", c.ifValue, got.Edits, c.edits)
		}
	}
}
