package fix

import (
	"reflect"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// The built-in Terraform entries whose fix needs a value of the
// organisation (a customer-managed KMS key, the central access-log bucket)
// take it from the catalog's values:, on the real fixtures: without the
// values no suggestion, and the note names the value to set; with them,
// only the lines the fix adds or changes, each formatted as its block
// (a new block's closing brace too), the neighbours as they were.
func TestTerraformCatalogValues(t *testing.T) {
	const arn = `"arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"`
	cases := []struct {
		entry, file, resource, unset, want string
	}{{
		entry: "ebs-encryption-cmk", file: "terraform/storefront-assets/main.tf", resource: "aws_ebs_volume.media_cache", unset: "kms_key_arn",
		want: `@@ -48,11 +48,12 @@
   availability_zone = "${var.region}a"
   size              = 200
   type              = "gp2"
-  encrypted         = false
+  encrypted         = true
 
   tags = {
     Name = "storefront-media-cache"
   }
+  kms_key_id = ` + arn + `
 }
 
 resource "aws_instance" "image_resizer" {
`,
	}, {
		entry: "s3-encryption-cmk", file: "terraform/storefront-assets/main.tf", resource: "aws_s3_bucket.assets", unset: "kms_key_arn",
		want: `@@ -29,6 +29,14 @@
 
 resource "aws_s3_bucket" "assets" {
   bucket = "${var.bucket_name}"
+  server_side_encryption_configuration {
+    rule {
+      apply_server_side_encryption_by_default {
+        sse_algorithm     = "aws:kms"
+        kms_master_key_id = ` + arn + `
+      }
+    }
+  }
 }
 
 resource "aws_s3_bucket_acl" "assets" {
`,
	}, {
		entry: "s3-logging", file: "terraform/storefront-assets/main.tf", resource: "aws_s3_bucket.assets", unset: "s3_access_log_bucket",
		want: `@@ -29,6 +29,10 @@
 
 resource "aws_s3_bucket" "assets" {
   bucket = "${var.bucket_name}"
+  logging {
+    target_bucket = "example-org-s3-access-logs"
+    target_prefix = "assets/"
+  }
 }
 
 resource "aws_s3_bucket_acl" "assets" {
`,
	}, {
		entry: "rds-performance-insights", file: "terraform/edge-network/database.tf", resource: "aws_db_instance.orders", unset: "kms_key_arn",
		want: `@@ -14,6 +14,8 @@
   skip_final_snapshot     = true
   db_subnet_group_name    = aws_db_subnet_group.orders.name
   vpc_security_group_ids  = [aws_security_group.bastion.id]
+  performance_insights_enabled    = true
+  performance_insights_kms_key_id = ` + arn + `
 }
 
 resource "aws_db_subnet_group" "orders" {
`,
	}}
	for _, c := range cases {
		t.Run(c.entry, func(t *testing.T) {
			e, vals := builtinEntry(t, c.entry)
			if len(e.Fix) == 0 {
				t.Fatal("no fix")
			}
			src := readInput(t, c.file)
			f := &translator.Finding{Tool: "trivy", Resource: c.resource}
			f.Path = c.file
			_, err := ComputeWith([]byte(src), f, e.Fix[0], "t", nil)
			if got := ValuesUnset(err); !reflect.DeepEqual(got, []string{c.unset}) {
				t.Errorf("without the values: %v (values unset %v)", err, got)
			}
			out := fixedWith(t, src, f, e.Fix[0], vals)
			_, body, _ := strings.Cut(UnifiedDiff(c.file, src, out), "\n+++ b/"+c.file+"\n")
			if body != c.want {
				t.Errorf("diff:\n%s\nwant:\n%s", body, c.want)
			}
		})
	}
}

// A catalog value is written to a Terraform attribute as its literal: a
// mapping or list does not fit, and the note says which value, where it is
// set, and what the attribute takes, in both languages.
func TestTerraformCatalogValueMustBeScalar(t *testing.T) {
	e, _ := builtinEntry(t, "ebs-encryption-cmk")
	const file = "terraform/storefront-assets/main.tf"
	f := &translator.Finding{Tool: "trivy", Resource: "aws_ebs_volume.media_cache"}
	f.Path = file
	vals := runbooks.Values{"kms_key_arn": {V: map[string]any{"arn": "x"}, Source: "org/values.yaml:7"}}
	_, err := ComputeWith([]byte(readInput(t, file)), f, e.Fix[0], "t", vals)
	const want = "the catalog value kms_key_arn (org/values.yaml:7) is a mapping or list; a Terraform attribute takes a string, number or boolean"
	if err == nil || !NotHere(err) || err.Error() != want {
		t.Fatalf("err %v, want %q", err, want)
	}
	p, ok := notePhrase(err).(messages.Msg)
	if !ok {
		t.Fatalf("no phrase: %T", notePhrase(err))
	}
	if ja := p.In("ja"); !strings.Contains(ja, "kms_key_arn (org/values.yaml:7)") || !strings.Contains(ja, "Terraform") {
		t.Errorf("ja %q", ja)
	}
}

// fill in Terraform sets a missing attribute and keeps a written one
// whatever its value: the SSE-S3 fix of s3-encryption does not turn the
// SSE-KMS that s3-encryption-cmk wrote back to AES256 (the fix command
// computes the second of two fixes of a block again on the changed file).
func TestTerraformFillKeepsWhatIsWritten(t *testing.T) {
	sse, _ := builtinEntry(t, "s3-encryption")
	cmk, vals := builtinEntry(t, "s3-encryption-cmk")
	const file = "terraform/storefront-assets/main.tf"
	src := readInput(t, file)
	f := &translator.Finding{Tool: "tfsec", Resource: "aws_s3_bucket.assets"}
	f.Path = file
	withKMS := fixedWith(t, src, f, cmk.Fix[0], vals)
	again, err := Compute([]byte(withKMS), f, sse.Fix[0], "t")
	if err != nil || len(again.Edits) != 0 {
		t.Errorf("SSE-S3 after SSE-KMS: %v, edits %+v", err, again.Edits)
	}
	got, err := Compute([]byte(src), f, sse.Fix[0], "t")
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := Apply(src, got.Edits); !strings.Contains(out, `sse_algorithm = "AES256"`) {
		t.Errorf("SSE-S3 on a bucket without encryption:\n%s", out)
	}
	// and in the other order, SSE-KMS replaces the SSE-S3 algorithm
	sseOut, _ := Apply(src, got.Edits)
	out := fixedWith(t, sseOut, f, cmk.Fix[0], vals)
	if !strings.Contains(out, `sse_algorithm     = "aws:kms"`) || strings.Contains(out, "AES256") {
		t.Errorf("SSE-KMS after SSE-S3:\n%s", out)
	}
}
