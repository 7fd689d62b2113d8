package parsers

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func TestCheckstyleToolAndCode(t *testing.T) {
	for _, c := range []struct {
		source, rule, link, optTool string
		tool, code                  string
	}{
		{source: "ShellCheck.SC2086", tool: "shellcheck", code: "SC2086"},
		{source: "aws_resource_missing_tags", rule: "aws_resource_missing_tags", tool: "tflint", code: "aws_resource_missing_tags"},
		{source: "aws-s3-block-public-acls", link: "https://aquasecurity.github.io/tfsec/latest/checks/aws/s3/block-public-acls/", tool: "tfsec", code: "aws-s3-block-public-acls"},
		{source: "lint/suspicious/noDebugger", optTool: "biome", tool: "biome", code: "lint/suspicious/noDebugger"},
		{source: "some.rule", tool: "checkstyle", code: "some.rule"},
	} {
		tool, code := checkstyleToolAndCode(Options{Tool: c.optTool}, c.source, c.rule, c.link)
		if tool != c.tool || code != c.code {
			t.Errorf("%+v: got %s %s", c, tool, code)
		}
	}
}

func TestCheckstyleFixtureFacts(t *testing.T) {
	fs, err := psParse(t, "checkstyle", Options{}, psRead(t, "shellcheck-checkstyle/release.sh.checkstyle"))
	if err != nil {
		t.Fatal(err)
	}
	// <error line='10' column='1' severity='warning' message='UNUSED&#95;CHANNEL ...' source='ShellCheck.SC2034' />
	f := fs[0]
	if f.Tool != "shellcheck" || f.Code != "SC2034" || f.Line != 10 || f.Column != 1 || f.Path != "release.sh" ||
		f.Severity != translator.SeverityWarning || !strings.HasPrefix(f.Message, "UNUSED_CHANNEL appears unused") {
		t.Errorf("first: %+v", f)
	}
	fs, err = psParse(t, "checkstyle", Options{}, psRead(t, "tfsec-checkstyle/edge-network.checkstyle"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Tool != "tfsec" || f.Column != 0 || f.URL == "" {
			t.Errorf("tfsec: %+v", f)
		}
	}
}

func TestCheckstyleMalformed(t *testing.T) {
	data := psRead(t, "tflint-checkstyle/edge-network.checkstyle")
	// A broken tag on line 5, after one good <error> on line 4.
	lines := strings.SplitAfter(string(data), "\n")
	lines[4] = strings.Replace(lines[4], "<error ", "<error <", 1)
	fs, err := psParse(t, "checkstyle", Options{File: "x.in"}, []byte(strings.Join(lines, "")))
	pe := psWantParseError(t, err, "checkstyle")
	if pe.Line != 5 {
		t.Errorf("line %d, want 5: %v", pe.Line, err)
	}
	if len(fs) != 1 {
		t.Errorf("the finding before the error was not streamed out: %d", len(fs))
	}
	// A line attribute that is not a number, on line 4.
	lines = strings.SplitAfter(string(data), "\n")
	lines[3] = strings.Replace(lines[3], `line="7"`, `line="seven"`, 1)
	_, err = psParse(t, "checkstyle", Options{File: "x.in"}, []byte(strings.Join(lines, "")))
	pe = psWantParseError(t, err, "checkstyle")
	if pe.Line != 4 || !strings.Contains(err.Error(), "seven") {
		t.Errorf("bad attribute: %v", err)
	}
}

// TestCheckstyleStreams parses a report far larger than any buffer through
// a reader that never holds it whole: real <error> elements repeated.
func TestCheckstyleStreams(t *testing.T) {
	data := psRead(t, "shellcheck-checkstyle/release.sh.checkstyle")
	start := bytes.Index(data, []byte("<error "))
	end := bytes.LastIndex(data, []byte("</file>"))
	head, body, tail := data[:start], data[start:end], data[end:]
	const copies = 2000
	readers := []io.Reader{bytes.NewReader(head)}
	for i := 0; i < copies; i++ {
		readers = append(readers, bytes.NewReader(body))
	}
	readers = append(readers, bytes.NewReader(tail))
	p, _ := New("checkstyle", Options{})
	n := 0
	err := p.Parse(io.MultiReader(readers...), func(*translator.Finding) error { n++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if n != 13*copies {
		t.Errorf("got %d findings, want %d", n, 13*copies)
	}
}

func TestCheckstyleEmitError(t *testing.T) {
	stop := errors.New("stop")
	p, _ := New("checkstyle", Options{})
	err := p.Parse(bytes.NewReader(psRead(t, "shellcheck-checkstyle/release.sh.checkstyle")),
		func(*translator.Finding) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("emit error not returned: %v", err)
	}
}
