package fix

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// The security group fixes on the real fixture (network.tf, as tfsec and
// Trivy report it: the inline rules of aws_security_group.bastion by the
// lines of their ingress or egress block, aws_security_group_rule by its
// own): sg-rule-description's description is made from the rule's own
// attributes, in the block the finding's line is in; the public ingress
// and egress fixes replace that block's ranges with the organisation's,
// and make no suggestion without it.
func TestTerraformSecurityGroupRules(t *testing.T) {
	const file = "terraform/edge-network/network.tf"
	src := readInput(t, file)
	cases := []struct {
		entry, resource string
		line            int
		unset           string // the value named without the catalog's values
		want            string // the diff's changed lines
	}{
		{entry: "sg-rule-description", resource: "aws_security_group.bastion", line: 37,
			want: `+    description = "ingress tcp 22"`},
		{entry: "sg-rule-description", resource: "aws_security_group.bastion", line: 44,
			want: `+    description = "egress all traffic"`},
		{entry: "sg-rule-description", resource: "aws_security_group_rule.windows_jump_rdp", line: 57,
			want: `+  description       = "ingress tcp 3389"`},
		{entry: "sg-public-ingress", resource: "aws_security_group.bastion", line: 41, unset: "allowed_ingress_cidr",
			want: "-    cidr_blocks = [\"0.0.0.0/0\"]\n+    cidr_blocks = [\"10.20.0.0/16\"]"},
		{entry: "sg-public-ingress", resource: "aws_security_group_rule.windows_jump_rdp", line: 62, unset: "allowed_ingress_cidr",
			want: "-  cidr_blocks       = [\"0.0.0.0/0\"]\n+  cidr_blocks       = [\"10.20.0.0/16\"]"},
		{entry: "sg-public-egress", resource: "aws_security_group.bastion", line: 48, unset: "allowed_egress_cidr",
			want: "-    cidr_blocks = [\"0.0.0.0/0\"]\n+    cidr_blocks = [\"10.0.0.0/8\"]"},
	}
	for _, c := range cases {
		t.Run(c.entry+"/"+c.resource, func(t *testing.T) {
			e, vals := builtinEntry(t, c.entry)
			f := &translator.Finding{Tool: "tfsec", Resource: c.resource}
			f.Path, f.Line = file, c.line
			if c.unset != "" {
				if _, note := first(t, src, f, e, nil); !strings.Contains(note, "sets no "+c.unset+" under values:") {
					t.Errorf("without the values: %q", note)
				}
			}
			out, note := first(t, src, f, e, vals)
			if out == "" {
				t.Fatalf("no suggestion: %s", note)
			}
			if got := changed(UnifiedDiff(file, src, out)); got != c.want {
				t.Errorf("changed lines:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

// first applies the first alternative of e that applies (as the fix
// stage does) and returns the fixed text, or "" and the first reason.
func first(t *testing.T, src string, f *translator.Finding, e *runbooks.Entry, vals runbooks.Values) (string, string) {
	t.Helper()
	note := ""
	for _, fx := range e.Fix {
		got, err := ComputeWith([]byte(src), f, fx, "t", vals)
		if err != nil {
			if note == "" {
				note = err.Error()
			}
			continue
		}
		out, err := Apply(src, got.Edits)
		if err != nil {
			t.Fatal(err)
		}
		return out, ""
	}
	return "", note
}

// changed is the removed and added lines of a unified diff.
func changed(diff string) string {
	var out []string
	for _, l := range strings.Split(diff, "\n") {
		if (strings.HasPrefix(l, "-") || strings.HasPrefix(l, "+")) && !strings.HasPrefix(l, "---") && !strings.HasPrefix(l, "+++") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// $block is the nested block whose lines hold the finding's line: of
// several ingress blocks the one the finding names, whichever line of it;
// a line of the resource's own (or of no block) is no suggestion, and
// says why.
func TestTerraformFindingBlock(t *testing.T) {
	const src = `resource "aws_security_group" "web" {
  name = "web"

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }

  ingress {
    from_port       = 8080
    to_port         = 8090
    protocol        = "tcp"
    security_groups = [aws_security_group.alb.id]
    self            = true
  }
}
`
	fx := edits("fill $block.description", "$rule_summary")
	for line, want := range map[int]string{
		4:  `+    description = "ingress tcp 443 from 10.0.0.0/8"`,
		8:  `+    description = "ingress tcp 443 from 10.0.0.0/8"`,
		13: `+    description     = "ingress tcp 8080-8090 from aws_security_group.alb.id, self"`,
		17: `+    description     = "ingress tcp 8080-8090 from aws_security_group.alb.id, self"`,
	} {
		f := &translator.Finding{Tool: "trivy", Resource: "aws_security_group.web"}
		f.Path, f.Line = "main.tf", line
		got, err := Compute([]byte(src), f, fx, "t")
		if err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		out, _ := Apply(src, got.Edits)
		if d := changed(UnifiedDiff("main.tf", src, out)); d != want {
			t.Errorf("line %d:\n%s\nwant:\n%s", line, d, want)
		}
	}
	for _, line := range []int{2, 0, 30} {
		f := &translator.Finding{Tool: "trivy", Resource: "aws_security_group.web"}
		f.Path, f.Line = "main.tf", line
		_, err := Compute([]byte(src), f, fx, "t")
		if err == nil || !NotHere(err) || !strings.Contains(err.Error(), "in no nested block of resource.aws_security_group.web") {
			t.Errorf("line %d: %v", line, err)
		}
	}
}

// A fix computed again on a file an earlier fix changed (the fix command,
// for two fixes of one block) finds the block PinBlock pinned on the
// original, not the one at the finding's old line number.
func TestTerraformPinBlock(t *testing.T) {
	const src = `resource "aws_security_group" "web" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.1.0.0/16"]
  }
}
`
	f := &translator.Finding{Tool: "tfsec", Resource: "aws_security_group.web"}
	f.Path, f.Line = "main.tf", 8 // the egress block
	f.Extra = PinContainer([]byte(src), f)
	if f.Extra["terraform_block"] != "egress 0" {
		t.Fatalf("pinned %q", f.Extra["terraform_block"])
	}
	// an earlier fix put a line into the ingress block: line 8 is now
	// its closing brace
	moved := strings.Replace(src, "    protocol    = \"tcp\"\n", "    protocol    = \"tcp\"\n    description = \"x\"\n", 1)
	got, err := Compute([]byte(moved), f, edits("fill $block.description", "$rule_summary"), "t")
	if err != nil {
		t.Fatal(err)
	}
	out, _ := Apply(moved, got.Edits)
	if d := changed(UnifiedDiff("main.tf", moved, out)); d != `+    description = "egress tcp 443 to 10.1.0.0/16"` {
		t.Errorf("diff:\n%s", d)
	}
}

// $rule_summary says only what AWS takes as a rule description, and is
// for security group rules only; replace of a literal list writes the
// value as the one item, and adds nothing where the attribute is not
// written.
func TestTerraformRuleSummaryLimits(t *testing.T) {
	cases := []struct{ src, want string }{
		{`resource "aws_security_group_rule" "r" {
  type        = "ingress"
  protocol    = "tcp"
  from_port   = 22
  to_port     = 22
  cidr_blocks = ["${var.office}/32"]
}
`, `the rule's summary "ingress tcp 22 from \"${var.office}/32\"" has '"', which AWS does not take in a description`},
		{`resource "aws_security_group_rule" "r" {
  type     = var.direction
  protocol = "tcp"
}
`, `the rule's type "var.direction" is not ingress or egress`},
		{`resource "aws_instance" "r" {
  ami = "x"
}
`, `$rule_summary is for security group rules, not a aws_instance`},
	}
	for _, c := range cases {
		f := &translator.Finding{Tool: "tfsec", Resource: "aws_security_group_rule.r"}
		if strings.Contains(c.src, "aws_instance") {
			f.Resource = "aws_instance.r"
		}
		f.Path = "main.tf"
		_, err := Compute([]byte(c.src), f, edits("fill description", "$rule_summary"), "t")
		if err == nil || !NotHere(err) || err.Error() != c.want {
			t.Errorf("err %v\nwant %s", err, c.want)
		}
	}
	const rule = `resource "aws_vpc_security_group_egress_rule" "r" {
  security_group_id = aws_security_group.app.id
  ip_protocol       = "udp"
  from_port         = 53
  to_port           = 53
  cidr_ipv4         = "10.0.0.2/32"
}
`
	f := &translator.Finding{Tool: "trivy", Resource: "aws_vpc_security_group_egress_rule.r"}
	f.Path = "main.tf"
	got, err := Compute([]byte(rule), f, edits("fill description", "$rule_summary", "replace cidr_blocks", "10.0.0.0/8"), "t")
	if err != nil {
		t.Fatal(err)
	}
	out, _ := Apply(rule, got.Edits)
	if d := changed(UnifiedDiff("main.tf", rule, out)); d != `+  description       = "egress udp 53 to 10.0.0.2/32"` {
		t.Errorf("diff:\n%s", d)
	}
}

// replace writes over a literal only: an attribute written as an
// expression (a variable, a function) may hold a list or a string, and
// writing the other type breaks the plan; a literal string, number or
// boolean (-1 too) is replaced as it is.
func TestTerraformReplaceKeepsExpressions(t *testing.T) {
	const src = `resource "aws_security_group_rule" "r" {
  type        = "ingress"
  cidr_blocks = var.office_cidrs
  cidr_ipv4   = "0.0.0.0/0"
  from_port   = -1
}
`
	f := &translator.Finding{Tool: "tfsec", Resource: "aws_security_group_rule.r"}
	f.Path = "main.tf"
	_, err := Compute([]byte(src), f, edits("replace cidr_blocks", "10.20.0.0/16"), "t")
	if err == nil || !NotHere(err) || err.Error() != "cidr_blocks is written as an expression (var.office_cidrs); replace writes over a literal only" {
		t.Errorf("expression: %v", err)
	}
	got, err := Compute([]byte(src), f, edits("replace cidr_ipv4", "10.20.0.0/16", "replace from_port", 22), "t")
	if err != nil {
		t.Fatal(err)
	}
	out, _ := Apply(src, got.Edits)
	want := "-  cidr_ipv4   = \"0.0.0.0/0\"\n-  from_port   = -1\n+  cidr_ipv4   = \"10.20.0.0/16\"\n+  from_port   = 22"
	if d := changed(UnifiedDiff("main.tf", src, out)); d != want {
		t.Errorf("diff:\n%s\nwant:\n%s", d, want)
	}
}
