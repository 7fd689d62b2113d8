package locate

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestParseAddress(t *testing.T) {
	cases := map[string]string{
		"aws_s3_bucket.logs":                       "resource aws_s3_bucket logs",
		"module.net.aws_security_group.web":        "net resource aws_security_group web",
		"aws_sqs_queue.export_dlq[0]":              "resource aws_sqs_queue export_dlq",
		`aws_instance.x["key.with]dots"]`:          "resource aws_instance x",
		"data.aws_iam_policy_document.p":           "data aws_iam_policy_document p",
		`module.a["k"].module.b[1].data.aws_ami.u`: "a b data aws_ami u",
		"Deployment/web":                           "",
		"Deployment/shop/web":                      "",
		"aws_s3_bucket":                            "",
		"aws_s3_bucket.logs.":                      "",
		"aws_s3_bucket.logs[0":                     "",
		"module.net":                               "",
		"foo.bar":                                  "", // not a provider_type
		"aws_s3_bucket.logs[0]x":                   "",
	}
	for in, want := range cases {
		a, ok := parseAddress(in)
		got := ""
		if ok {
			got = strings.TrimSpace(strings.Join(a.modules, " ") + " " + a.mode + " " + a.typ + " " + a.name)
		}
		if got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

const tfMain = `module "net" {
  source = "./modules/net"
}

module "remote" {
  source = "git::https://example.invalid/x.git"
}

resource "aws_s3_bucket" "logs" { # logs-block
  bucket = "x"
  tags = { # logs-tags
    team = "a" # logs-team
  }
  versioning { # logs-versioning
    enabled = true # logs-enabled
  }
}

data "aws_iam_policy_document" "p" { # data-p
}

resource "aws_instance" "x" { # instance-x
  for_each = toset(["a", "b"])
}
`

const tfNet = `resource "aws_security_group" "web" { # sg-web
  name = "web"
}
`

func TestTerraform(t *testing.T) {
	root := writeTree(t, map[string]string{
		"infra/main.tf":             tfMain,
		"infra/modules/net/main.tf": tfNet,
		"infra/tfplan.json":         "{}",
		"infra/broken.tf":           "resource \"aws_sqs_queue\" \"before\" {\n}\nresource \"aws_sqs_queue\" \"after\" {\n  name = \n",
		"other/dup.tf":              "resource \"aws_s3_bucket\" \"logs\" {\n}\n",
	})
	cases := []struct {
		res, hint, file, marker, located string
		dirs                             []string
	}{
		{"aws_s3_bucket.logs", "", "infra/main.tf", "logs-block", "resource aws_s3_bucket.logs found at infra/main.tf:", nil},
		{"aws_s3_bucket.logs", "tags", "infra/main.tf", "logs-tags", "attribute tags of aws_s3_bucket.logs at", nil},
		{"aws_s3_bucket.logs", "tags.team", "infra/main.tf", "logs-team", "attribute tags.team of aws_s3_bucket.logs at", nil},
		{"aws_s3_bucket.logs", "tags.owner", "infra/main.tf", "logs-tags", "attribute tags.owner of aws_s3_bucket.logs is not set; pointing at tags at", nil},
		{"aws_s3_bucket.logs", "versioning.enabled", "infra/main.tf", "logs-enabled", "attribute versioning.enabled", nil},
		{"aws_s3_bucket.logs", "acl", "infra/main.tf", "logs-block", "attribute acl of aws_s3_bucket.logs is not set; pointing at the resource block", nil},
		{"module.net.aws_security_group.web", "", "infra/modules/net/main.tf", "sg-web", "resource module.net.aws_security_group.web found at infra/modules/net/main.tf:", nil},
		{"data.aws_iam_policy_document.p", "", "infra/main.tf", "data-p", "resource data.aws_iam_policy_document.p found", nil},
		{`aws_instance.x["a"]`, "", "infra/main.tf", "instance-x", `resource aws_instance.x["a"] found`, nil},
		{"aws_sqs_queue.before", "", "infra/broken.tf", "", "found at infra/broken.tf:1", nil},
		// after a syntax error: positions are not sure, not located
		{"aws_sqs_queue.after", "", "", "", "", nil},
		// registry/git modules are not on disk
		{"module.remote.aws_s3_bucket.x", "", "", "", "", nil},
		{"aws_s3_bucket.nope", "", "", "", "", nil},
		// the same address in two configured directories: ambiguous
		{"aws_s3_bucket.logs", "", "", "", "", []string{"infra", "other"}},
		{"aws_s3_bucket.logs", "", "other/dup.tf", "", "found at other/dup.tf:1", []string{"other"}},
		// directories out of the root are refused
		{"aws_s3_bucket.logs", "", "", "", "", []string{"../" + "x", "/etc"}},
	}
	for _, c := range cases {
		f := finding("infra/tfplan.json", c.res, nil)
		h := c.hint
		run(t, Options{Root: root, TerraformDirs: c.dirs, Hint: func(*translator.Finding) string { return h }}, f)
		if c.file == "" {
			if f.Line != 0 || f.Path != "infra/tfplan.json" || f.Located != "" {
				t.Errorf("%s %v: located %s:%d %q", c.res, c.dirs, f.Path, f.Line, f.Located)
			}
			continue
		}
		want := 1
		if c.marker != "" {
			text := tfMain
			if strings.Contains(c.file, "net") {
				text = tfNet
			}
			want = markerLine(t, text, c.marker)
		}
		if f.Path != c.file || f.Line != want || !strings.Contains(f.Located, c.located) {
			t.Errorf("%s %q: got %s:%d %q, want %s:%d %q", c.res, c.hint, f.Path, f.Line, f.Located, c.file, want, c.located)
		}
	}
}
