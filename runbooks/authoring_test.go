package runbooks

import (
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestRenderEntryIgnoresPrecedence(t *testing.T) {
	b, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	c := Merge(b)
	// A kube-linter privileged-container finding matches pss-privileged;
	// RenderEntry renders the default entry for it all the same.
	f := &translator.Finding{Tool: "kube-linter", Code: "privileged-container", Message: "m", Resource: "Deployment/web"}
	if e, _ := c.Match(f); e == nil || e.ID != "pss-privileged" {
		t.Fatalf("precondition: matches %v", e)
	}
	rb := c.RenderEntry("default-kube-linter", f)
	if rb == nil || rb.ID != "default-kube-linter" || rb.Error != "" || rb.Generic || !strings.Contains(rb.Body, "Deployment/web") {
		t.Errorf("RenderEntry = %+v", rb)
	}
	f.Code = "no-such-check"
	if rb := c.RenderEntry("default-kube-linter", f); !rb.Generic {
		t.Error("a default entry reached through its default matcher is generic")
	}
	if c.RenderEntry("no-such-id", f) != nil {
		t.Error("unknown id rendered")
	}
	if c.EntrySeverity("no-such-id") != translator.SeverityUnknown {
		t.Error("unknown id has a severity")
	}
	if _, err := BuiltinFile("pod-security.yaml"); err != nil {
		t.Error(err)
	}
	if _, err := BuiltinFile("../go.mod"); err == nil {
		t.Error("BuiltinFile read outside the catalog")
	}
}

func TestRenderEntryCaptures(t *testing.T) {
	l := &Layer{Name: "t"}
	if err := l.add("t.yaml", []byte("entries:\n  - id: cap\n    title: C\n    severity: error\n    match: [{tool: x, message: 'image (?P<image>\\S+) uses latest'}]\n    body: 'img={{.Captures.image}}'\n")); err != nil {
		t.Fatal(err)
	}
	c := Merge(l)
	rb := c.RenderEntry("cap", &translator.Finding{Tool: "x", Message: "image nginx uses latest"})
	if rb.Body != "img=nginx" {
		t.Errorf("body %q", rb.Body)
	}
	if c.EntrySeverity("cap") != translator.SeverityError {
		t.Error("severity override not reported")
	}
}
