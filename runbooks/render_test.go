package runbooks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"text/template"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/markdown"
)

// hostile is a message a pull request could plant: HTML, a team mention,
// backticks that try to close a code span, and template syntax.
const hostile = "<script>alert(1)</script> ping @org/team `x` ``` {{.Tool}} [link](https://evil.example)"

func TestRenderEscapesUntrustedValues(t *testing.T) {
	c := mustLoad(t, td+"render.yaml")
	f := &translator.Finding{
		Tool: "demo", Code: "ECHO", Message: hostile, Location: translator.Location{Path: "k8s/<b>.yaml", Line: 7},
		Resource: "Deployment/@team", URL: "https://docs.example/a_b (c)<x>",
		Aliases: []string{"ECHO_1", "@x"},
		Extra:   map[string]string{"pad": "  padded  ", "package": "lib*ssl"},
	}
	rb := c.Render(f)
	if rb.Error != "" {
		t.Fatalf("render error: %s", rb.Error)
	}
	lines := map[string]string{}
	for _, l := range strings.Split(rb.Body, "\n") {
		if k, v, ok := strings.Cut(l, ": "); ok {
			if _, seen := lines[k]; !seen {
				lines[k] = v
			}
		}
	}
	want := map[string]string{
		"msg": markdown.Escape(hostile),
		// code of an escaped value shows the original text.
		"code":     markdown.Code(hostile),
		"raw-code": markdown.Code(hostile),
		"resource": "`Deployment/@team` path: k8s/&lt;b&gt;.yaml:7",
		"lower":    "demo upper: DEMO trim: [padded]",
		"default":  `n/a / lib\*ssl`,
		"aliases":  "ECHO\\_1, @\u200bx",
		"contains": "yes",
		"replace":  "ECHO",
		"url":      "https://docs.example/a_b%20%28c%29%3Cx%3E",
	}
	for k, v := range want {
		if lines[k] != v {
			t.Errorf("%s: got %q, want %q", k, lines[k], v)
		}
	}
	// The message is data: its {{.Tool}} is not executed.
	if strings.Contains(lines["msg"], "demo") || !strings.Contains(lines["msg"], `\{\{.Tool\}\}`) {
		t.Errorf("message was interpreted: %q", lines["msg"])
	}
	for _, bad := range []string{"<script>", "@org/team", "[link](https://evil"} {
		prose := strings.ReplaceAll(rb.Body, markdown.Code(hostile), "")
		prose = strings.ReplaceAll(prose, markdown.CodeBlock(hostile, "text"), "")
		if strings.Contains(prose, bad) {
			t.Errorf("body contains %q outside code spans:\n%s", bad, rb.Body)
		}
	}
	if !strings.Contains(rb.Body, markdown.CodeBlock(hostile, "text")) {
		t.Errorf("codeblock missing:\n%s", rb.Body)
	}
}

func TestUnescapeInvertsEscape(t *testing.T) {
	for _, s := range []string{
		"", "plain", hostile, `a\b\\c`, "&lt; literally", "x & y <z>", "@a @ b", "tab\there", "*_[]|~#!{}`",
		"C:\\dir\\file", "\\", "&amp;lt;", "@\u200b",
	} {
		got := unescape(Text(markdown.Escape(s)))
		want := strings.NewReplacer("\n", " ", "\t", " ", "@\u200b", "@").Replace(s)
		if got != want {
			t.Errorf("unescape(Escape(%q)) = %q, want %q", s, got, want)
		}
	}
}

func TestRenderErrorKeepsFinding(t *testing.T) {
	c := mustLoad(t, td+"render.yaml")
	for _, code := range []string{"BROKEN", "BROKENFUNC"} {
		f := &translator.Finding{Tool: "demo", Code: code, Message: "<b>real problem</b> @org/team"}
		rb := c.Render(f)
		if rb.Error == "" {
			t.Errorf("%s: Error not set", code)
			continue
		}
		e := c.Entry(strings.ToLower("broken-field"))
		if code == "BROKENFUNC" {
			e = c.Entry("broken-func")
		}
		if rb.ID != e.ID || !strings.Contains(rb.Error, e.Source) || !strings.Contains(rb.Body, e.Source) || !strings.Contains(rb.Body, e.ID) {
			t.Errorf("%s: runbook does not name the entry %s (%s): %+v", code, e.ID, e.Source, rb)
		}
		if !strings.Contains(rb.Body, "&lt;b&gt;real problem&lt;/b&gt; @\u200borg/team") {
			t.Errorf("%s: body lacks the escaped message:\n%s", code, rb.Body)
		}
		if strings.Contains(rb.Body, "before") {
			t.Errorf("%s: partial output leaked into the body:\n%s", code, rb.Body)
		}
	}
}

func TestStageSeverityOverride(t *testing.T) {
	c := mustLoad(t, td+"render.yaml")
	st := c.Stage()
	if st.Name() != "runbooks" {
		t.Errorf("Name = %q", st.Name())
	}
	fs := translator.Findings{
		{Tool: "demo", Code: "ESCALATE", Severity: translator.SeverityWarning, ToolSeverity: "MEDIUM"},
		{Tool: "demo", Code: "ECHO", Severity: translator.SeverityInfo, ToolSeverity: "LOW"},
		{Tool: "other", Code: "X", Severity: translator.SeverityWarning, ToolSeverity: "warn"},
	}
	out, err := st.Process(context.Background(), fs)
	if err != nil || len(out) != 3 {
		t.Fatalf("Process = %d, %v", len(out), err)
	}
	if out[0].Severity != translator.SeverityError || out[0].ToolSeverity != "MEDIUM" {
		t.Errorf("override: %v %q", out[0].Severity, out[0].ToolSeverity)
	}
	if out[0].Runbook.Body != "now error (tool said MEDIUM)" {
		t.Errorf("body sees severity %q", out[0].Runbook.Body)
	}
	if out[1].Severity != translator.SeverityInfo {
		t.Errorf("entry without severity changed it to %v", out[1].Severity)
	}
	if !out[2].Runbook.IsFallback() || out[2].Severity != translator.SeverityWarning {
		t.Errorf("fallback: %+v", out[2])
	}
	for _, f := range out {
		if f.Runbook == nil || f.Runbook.Body == "" {
			t.Errorf("%s %s: no runbook", f.Tool, f.Code)
		}
	}
}

func TestRenderTruncates(t *testing.T) {
	c := mustLoad(t, td+"render.yaml")
	msg := strings.Repeat("0123456789abcdef\n", 4<<10) // 68 KiB
	rb := c.Render(&translator.Finding{Tool: "demo", Code: "HUGE", Message: msg})
	if len(rb.Body) > MaxBodyBytes {
		t.Errorf("body is %d bytes, cap %d", len(rb.Body), MaxBodyBytes)
	}
	if !strings.HasSuffix(rb.Body, "```\n"+truncNotice) {
		t.Errorf("truncated body does not close its fence before the notice: %q", rb.Body[len(rb.Body)-80:])
	}
	small := c.Render(&translator.Finding{Tool: "demo", Code: "HUGE", Message: "short"})
	if strings.Contains(small.Body, "truncated") {
		t.Errorf("short body truncated: %q", small.Body)
	}
}

func TestFallback(t *testing.T) {
	c := Merge()
	f := &translator.Finding{
		Tool: "kube-score", Code: "container_resources", Title: "Container Resources",
		Message: "CPU limit is not set @team", Remediation: "Set resources.limits.cpu",
		URL: "https://github.com/zegl/kube-score/blob/master/README_CHECKS.md",
	}
	rb := c.Render(f)
	if rb.ID != translator.FallbackID || !rb.IsFallback() || rb.Error != "" {
		t.Fatalf("runbook = %+v", rb)
	}
	if rb.Title != "kube-score container_resources" {
		t.Errorf("Title = %q", rb.Title)
	}
	for _, want := range []string{
		"**Container Resources**",
		"CPU limit is not set @\u200bteam",
		"Set resources.limits.cpu",
		"<https://github.com/zegl/kube-score/blob/master/README_CHECKS.md>",
		"`{tool: kube-score, codes: [container_resources]}`",
		"`runbook-translator runbooks show container_resources --tool kube-score`",
	} {
		if !strings.Contains(rb.Body, want) {
			t.Errorf("fallback body lacks %q:\n%s", want, rb.Body)
		}
	}
	// A bare finding still renders without "<no value>" noise.
	bare := c.Render(&translator.Finding{Tool: "x"})
	if bare.Error != "" || strings.Contains(bare.Body, "no value") || !strings.Contains(bare.Body, "this finding") {
		t.Errorf("bare fallback = %+v", bare)
	}
}

func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://avd.aquasec.com/misconfig/ksv017": "https://avd.aquasec.com/misconfig/ksv017",
		"javascript:alert(1)":                      "",
		"https://user@evil.example/":               "",
		"/relative":                                "",
		"http://x.example/a?b=1&c=`d`":             "http://x.example/a?b=1&c=%60d%60",
	} {
		if got := safeURL(in); got != want {
			t.Errorf("safeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestIgnoreExample checks that the snippet is YAML that decodes back to
// the finding's values, however hostile, and stays inside its fence.
func TestIgnoreExample(t *testing.T) {
	for _, f := range []*translator.Finding{
		{Tool: "trivy", Code: "KSV017", Location: translator.Location{Path: "k8s/web.yaml"}, Resource: "Deployment/web"},
		{Tool: "yes", Code: "2024", Location: translator.Location{Path: "a b/#c: d.yaml"}, Resource: "x\n```\n- evil: [\"\\\u2028\x01"},
		{Tool: "t", Code: "null"},
	} {
		out, err := ignoreExample(NewData(f, nil))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		fence := strings.TrimSuffix(lines[0], "yaml")
		if len(fence) < 3 || lines[len(lines)-1] != fence || strings.Contains(strings.Join(lines[1:len(lines)-1], "\n"), fence) {
			t.Errorf("snippet fence is breakable:\n%s", out)
		}
		var doc struct {
			Ignore []map[string]string `yaml:"ignore"`
		}
		if err := yaml.Unmarshal([]byte(strings.Join(lines[1:len(lines)-1], "\n")), &doc); err != nil {
			t.Fatalf("snippet is not YAML: %v\n%s", err, out)
		}
		r := doc.Ignore[0]
		if r["tool"] != f.Tool || r["code"] != f.Code || r["path"] != f.Path || r["resource"] != f.Resource || r["expires"] != "YYYY-MM-DD" {
			t.Errorf("snippet decodes to %q\n%s", r, out)
		}
	}
}

func BenchmarkStageBuiltinDefault(b *testing.B) {
	l, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	c := Merge(l)
	ctx := context.Background()
	st := c.Stage()
	b.ReportAllocs()
	for b.Loop() {
		f := &translator.Finding{Tool: "trivy", Code: "CVE-2023-0286", Message: "openssl: X.400 address type confusion",
			Location: translator.Location{Path: "Dockerfile"}}
		if err := st.Map(ctx, f); err != nil || f.Runbook == nil {
			b.Fatal(err)
		}
	}
}

// TestStageConcurrent maps findings from several goroutines (run with
// -race): the catalog and its code cache are shared.
func TestStageConcurrent(t *testing.T) {
	c := mustLoad(t, td+"precedence.yaml")
	st := c.Stage()
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func(g int) {
			var err error
			for i := 0; i < 200 && err == nil; i++ {
				f := &translator.Finding{Tool: "trivy", Code: fmt.Sprintf("KSV-%04d", (i+g)%20)}
				err = st.Map(context.Background(), f)
				if err == nil && f.Runbook == nil {
					err = fmt.Errorf("no runbook for %s", f.Code)
				}
				if err == nil && f.Code == "KSV-0017" && f.Runbook.ID != "trivy-ksv-17" {
					err = fmt.Errorf("KSV-0017 got %s", f.Runbook.ID)
				}
			}
			done <- err
		}(g)
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestLimitWriterAbortsExecution: a body past the cap stops the template
// (issue 8 item 8): the hostile loop below runs 10^8 iterations without
// the abort; with it, the template sees the write error and stops.
func TestLimitWriterAbortsExecution(t *testing.T) {
	tm := template.Must(newTemplate("x").Parse(`{{range 100000000}}xxxxxxxxxxxxxxxx{{end}}`))
	w := &limitWriter{max: MaxBodyBytes + 1}
	err := tm.Execute(w, nil)
	if !errors.Is(err, errBodyFull) || !w.over || w.buf.Len() != MaxBodyBytes+1 {
		t.Fatalf("err=%v over=%v len=%d", err, w.over, w.buf.Len())
	}
}

// ignoreExamplePlain writes what the general path writes, for every value
// it accepts.
func TestIgnoreExamplePlain(t *testing.T) {
	vals := []string{"", "trivy", "CKV_K8S_16", "a/b c.yaml", "Deployment/web", "yes", "On", "NULL", "inf2",
		"x: y", `q"uote\`, "#c", "-x", "1abc", "a`b", "é", "tab\tx", "\x00", "@team", "https://x/y", "~", "a\nb"}
	accepted := 0
	for _, tool := range vals {
		for _, code := range vals {
			for _, path := range vals[:8] {
				for _, res := range vals[:6] {
					got, ok := ignoreExamplePlain(tool, code, path, res)
					if !ok {
						continue
					}
					accepted++
					if want := ignoreExampleBlock(tool, code, path, res); got != want {
						t.Fatalf("(%q, %q, %q, %q):\n%s\n--- general ---\n%s", tool, code, path, res, got, want)
					}
				}
			}
		}
	}
	if accepted < 1000 {
		t.Errorf("only %d cases took the plain path", accepted)
	}
}

// escape (escapeFrom) writes what markdown.Escape writes: every byte value
// alone and among plain text, mentions, invalid UTF-8, control bytes.
func TestEscapeMatchesMarkdown(t *testing.T) {
	cases := []string{"", "plain", "a_b*c", "@team", "@", "x@", "a@-b", "@\u200b", "\r\n\t", "\x1b[31mred", "\xff\xfe",
		"é@ü", "<a href='x'>&amp;</a>", "\x7f\x00", "`code` [link](u) | ~ # ! { }", "\u2028", "a\x00@b"}
	for b := 0; b < 256; b++ {
		cases = append(cases, string([]byte{byte(b)}), "ab"+string([]byte{byte(b)})+"cd", "@"+string([]byte{byte(b)}))
	}
	for _, c := range cases {
		if got, want := escape(c), markdown.Escape(c); got != want {
			t.Errorf("escape(%q) = %q, markdown.Escape %q", c, got, want)
		}
		// escapePlain: the same text, and plain only where the text is
		// its own raw text (fval.raw skips unescape for it).
		e, plain := escapePlain(c)
		if e != escape(c) {
			t.Errorf("escapePlain(%q) = %q, escape %q", c, e, escape(c))
		}
		if plain && (e != c || unescape(Text(e)) != c) {
			t.Errorf("escapePlain(%q) plain, but escaped %q unescapes to %q", c, e, unescape(Text(e)))
		}
		if plain != !strings.ContainsFunc(c, func(r rune) bool { return r >= utf8.RuneSelf || !plainText[r] }) {
			t.Errorf("escapePlain(%q): plain %v", c, plain)
		}
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"a_b", "@x", "\xff@a", "é<\n>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := escape(s), markdown.Escape(s); got != want {
			t.Errorf("escape(%q) = %q, markdown.Escape %q", s, got, want)
		}
	})
}
