package fix

import (
	"os"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

func readInput(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/inputs/" + p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func edits(ops ...any) runbooks.Fix {
	fx := runbooks.Fix{Description: "test"}
	for i := 0; i < len(ops); i += 2 {
		var e runbooks.FixEdit
		op, p, _ := strings.Cut(ops[i].(string), " ")
		switch op {
		case "set":
			e.Set = p
		case "replace":
			e.Replace = p
		case "delete":
			e.Delete = p
		case "add":
			e.Add = p
		case "fill":
			e.Fill = p
		}
		e.Value = ops[i+1]
		fx.Edits = append(fx.Edits, e)
	}
	return fx
}

// diffOf applies fx to the real input and returns the unified diff, which
// must show only the intended lines; the whole rest of the file (comments,
// other documents) is checked unchanged by the diff having no other hunk.
func diffOf(t *testing.T, file string, f *translator.Finding, fx runbooks.Fix) string {
	t.Helper()
	src := readInput(t, file)
	f.Path = file
	got, err := Compute([]byte(src), f, fx, "runbook:test")
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	out, err := Apply(src, got.Edits)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	d := UnifiedDiff(file, src, out)
	// strip the header lines, keep hunks
	_, body, _ := strings.Cut(d, "\n+++ b/"+file+"\n")
	return body
}

func TestYAMLEditsTouchOnlyTheirLines(t *testing.T) {
	cases := []struct {
		name string
		file string
		f    translator.Finding
		fx   runbooks.Fix
		want string
	}{{
		name: "set an existing scalar of a named container (pod-template path)",
		file: "k8s/storefront.yaml",
		f:    translator.Finding{Resource: "Deployment/shop/storefront", Extra: map[string]string{"container": "web"}},
		fx:   edits("set spec.containers[name=$container].securityContext.runAsUser", 10001),
		want: `@@ -33,7 +33,7 @@
             - name: SHOP_CATALOG_URL
               value: http://catalog-api.shop.svc.cluster.local:8080
           securityContext:
-            runAsUser: 0
+            runAsUser: 10001
           readinessprobe:
             httpGet:
               path: /healthz
`,
	}, {
		name: "add a missing key at the end of an existing mapping",
		file: "k8s/storefront.yaml",
		f:    translator.Finding{Resource: "Deployment/storefront", Extra: map[string]string{"container": "web"}},
		fx:   edits("set spec.containers[name=$container].securityContext.runAsNonRoot", true),
		want: `@@ -34,6 +34,7 @@
               value: http://catalog-api.shop.svc.cluster.local:8080
           securityContext:
             runAsUser: 0
+            runAsNonRoot: true
           readinessprobe:
             httpGet:
               path: /healthz
`,
	}, {
		name: "missing parents are created at the end of the container",
		file: "k8s/storefront.yaml",
		f:    translator.Finding{Resource: "Deployment/storefront", Extra: map[string]string{"container": "asset-sync"}},
		fx:   edits("add spec.containers[name=$container].securityContext.capabilities.drop", "ALL"),
		want: `@@ -45,6 +45,10 @@
             requests:
               cpu: 10m
               memory: 16Mi
+          securityContext:
+            capabilities:
+              drop:
+                - ALL
 ---
 apiVersion: v1
 kind: Service
`,
	}, {
		name: "delete a pod-spec key of a DaemonSet",
		file: "k8s/node-agent.yaml",
		f:    translator.Finding{Resource: "DaemonSet/node-agent"},
		fx:   edits("delete spec.hostPID", nil),
		want: `@@ -33,7 +33,6 @@
       serviceAccountName: node-agent
       hostNetwork: true
       hostIPC: true
-      hostPID: true
       dnsPolicy: ClusterFirstWithHostNet
       tolerations:
         - operator: Exists
`,
	}, {
		name: "add to a flow list, in an init container found by name",
		file: "k8s/node-agent.yaml",
		f:    translator.Finding{Resource: "DaemonSet/node-agent", Extra: map[string]string{"container": "sysctl-tuner"}},
		fx:   edits("add spec.containers[name=$container].securityContext.capabilities.drop", "ALL", "set spec.containers[name=$container].securityContext.runAsUser", 1000),
		want: `@@ -42,9 +42,11 @@
           image: registry.example.internal/platform/net-tuner:1.0.0
           command: ["sh", "-c", "sysctl -w net.core.somaxconn=4096"]
           securityContext:
-            runAsUser: 0
+            runAsUser: 1000
             capabilities:
               add: ["NET_ADMIN"]
+              drop:
+                - ALL
       containers:
         - name: agent
           image: fluent/fluent-bit:2.2.0
`,
	}, {
		name: "the container of the finding's line when the tool names none",
		file: "k8s/node-agent.yaml",
		f:    translator.Finding{Resource: "DaemonSet/node-agent", Location: translator.Location{Line: 52}},
		fx:   edits("set spec.containers[name=$container].securityContext.privileged", false),
		want: `@@ -49,7 +49,7 @@
         - name: agent
           image: fluent/fluent-bit:2.2.0
           securityContext:
-            privileged: true
+            privileged: false
             capabilities:
               add: ["NET_ADMIN", "SYS_ADMIN"]
           resources:
`,
	}, {
		name: "an empty mapping rendered as {} on the line below its key",
		file: "helm/shop-rendered.yaml",
		f:    translator.Finding{Resource: "Deployment/shop-recommendations", Extra: map[string]string{"container": "shop"}},
		fx:   edits("set spec.containers[name=$container].securityContext.readOnlyRootFilesystem", true),
		want: `@@ -105,7 +105,7 @@
       containers:
         - name: shop
           securityContext:
-            {}
+            readOnlyRootFilesystem: true
           image: "acme/shop-recommendations:latest"
           imagePullPolicy: IfNotPresent
           ports:
`,
	}, {
		name: "a label set to the object's own name ($object_name)",
		file: "k8s/catalog.yaml",
		f:    translator.Finding{Resource: "Deployment/shop/catalog-api"},
		fx:   edits(`set metadata.labels."app.kubernetes.io/instance"`, "$object_name"),
		want: `@@ -12,6 +12,7 @@
     app.kubernetes.io/part-of: shop
     team: catalog
     owner: catalog-oncall
+    app.kubernetes.io/instance: catalog-api
 spec:
   replicas: 2
   selector:
`,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := c.f
			if got := diffOf(t, c.file, &f, c.fx); got != c.want {
				t.Errorf("diff:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

func TestHCLEditsTouchOnlyTheirLines(t *testing.T) {
	cases := []struct {
		name string
		file string
		f    translator.Finding
		fx   runbooks.Fix
		want string
	}{{
		name: "set existing attributes",
		file: "terraform/storefront-assets/main.tf",
		f:    translator.Finding{Resource: "aws_s3_bucket_public_access_block.assets"},
		fx:   edits("set block_public_acls", true, "set restrict_public_buckets", true),
		want: `@@ -38,10 +38,10 @@
 
 resource "aws_s3_bucket_public_access_block" "assets" {
   bucket                  = aws_s3_bucket.assets.id
-  block_public_acls       = false
+  block_public_acls       = true
   block_public_policy     = false
   ignore_public_acls      = false
-  restrict_public_buckets = false
+  restrict_public_buckets = true
 }
 
 resource "aws_ebs_volume" "media_cache" {
`,
	}, {
		name: "a key added to a literal tags object",
		file: "terraform/storefront-assets/main.tf",
		f:    translator.Finding{Resource: "aws_ebs_volume.media_cache"},
		fx:   edits("set tags.team", "web", "set encrypted", true),
		want: `@@ -48,10 +48,11 @@
   availability_zone = "${var.region}a"
   size              = 200
   type              = "gp2"
-  encrypted         = false
+  encrypted         = true
 
   tags = {
     Name = "storefront-media-cache"
+    team = "web"
   }
 }
 
`,
	}, {
		name: "nested blocks created, found by the finding's line",
		file: "terraform/storefront-assets/main.tf",
		f:    translator.Finding{Location: translator.Location{Line: 60}},
		fx:   edits("set metadata_options.http_tokens", "required", "set root_block_device.encrypted", true),
		// (the diff shares the closing brace of tags with the new block)
		want: `@@ -61,11 +61,15 @@
 
   root_block_device {
     volume_size = 30
+    encrypted   = true
   }
 
   tags = {
     Name  = "image-resizer"
     team  = "web"
+  }
+  metadata_options {
+    http_tokens = "required"
   }
 }
 
`,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := c.f
			if got := diffOf(t, c.file, &f, c.fx); got != c.want {
				t.Errorf("diff:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}
