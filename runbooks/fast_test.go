package runbooks

import (
	"strings"
	"testing"
	"time"

	translator "github.com/runbook-translator/runbook-translator"
)

// hostileVariants returns f with values that exercise escaping: Markdown
// and HTML specials, mentions, newlines, empty and non-ASCII values.
func hostileVariants(f translator.Finding) []translator.Finding {
	out := []translator.Finding{f}
	for _, mut := range []func(*translator.Finding){
		func(f *translator.Finding) { f.Message = "a *b* `c` <d> & @team [x](y) | ~z~ #1 {{.}}\nnext\r\tline" },
		func(f *translator.Finding) { f.Path = "dir with space/@scope/x_y*.yaml"; f.Line = 0; f.Column = 0 },
		func(f *translator.Finding) { f.Resource = ""; f.Path = ""; f.Code = "" },
		func(f *translator.Finding) { f.Resource = "Deployment/web `x`"; f.SetExtra("container", "side<car>") },
		func(f *translator.Finding) {
			f.URL = "https://example.com/a(b)?q=<x>&y=\"z\""
			f.Remediation = "run `rm -rf /` **now**"
		},
		func(f *translator.Finding) { f.URL = "javascript:alert(1)"; f.Title = "yes"; f.Code = "on" },
		func(f *translator.Finding) {
			f.Tool = "ünïcode"
			f.Code = "CKV_K8S_16"
			f.SetExtra("fixed_version", "1.2.3")
		},
		func(f *translator.Finding) { f.Severity = translator.SeverityError; f.ToolSeverity = "CRITICAL" },
		func(f *translator.Finding) {
			f.Aliases = []string{"CVE-2024_1", "GHSA-*x*", "", "a`b"}
			f.SetExtra("b_key", "<v2>")
			f.SetExtra("a_key", "1 and @x")
		},
	} {
		g := f
		g.Extra = nil
		for k, v := range f.Extra {
			g.SetExtra(k, v)
		}
		mut(&g)
		out = append(out, g)
	}
	return out
}

// renderBoth renders ce for f by text/template and by the fast path.
func renderBoth(ce *centry, f *translator.Finding, caps map[string]string) (slow, fast *translator.Runbook) {
	defer func(m bool) { memoEnabled, fastEnabled = m, true }(memoEnabled)
	memoEnabled = false
	fastEnabled = false
	slow = render(ce, f, caps)
	fastEnabled = true
	fast = render(ce, f, caps)
	return slow, fast
}

// Issue 10: the fast path renders every built-in entry (and the fallback)
// byte for byte as text/template does, over the real fixtures and
// variants with hostile values; and every built-in body compiles to it.
func TestFastMatchesTemplate(t *testing.T) {
	entries := builtinEntries(t)
	golden := goldenFindings(t)
	var fs []translator.Finding
	for i := 0; i < len(golden); i += 1 + len(golden)/80 {
		fs = append(fs, hostileVariants(golden[i])...)
	}
	caps := map[string]string{"kind": "Deploy*ment*", "name": "@x"}
	for _, ce := range entries {
		ce.prepare()
		if ce.fast == nil {
			t.Errorf("entry %s (%s): body does not compile to the fast path", ce.ID, ce.Source)
			continue
		}
		for i := range fs {
			var b budget
			b.reset(time.Now())
			if err := execFast(ce.fast, &limitWriter{max: MaxBodyBytes + 1}, &fs[i], caps, &b); err != nil {
				t.Fatalf("entry %s, finding %d: the fast path handed back: %v", ce.ID, i, err)
			}
			slow, fast := renderBoth(ce, &fs[i], caps)
			if slow.Body != fast.Body || slow.Error != fast.Error {
				t.Fatalf("entry %s, finding %d (%s %s %s:%d): fast body differs:\n%s\n--- text/template ---\n%s\nerrors %q / %q",
					ce.ID, i, fs[i].Tool, fs[i].Code, fs[i].Path, fs[i].Line, fast.Body, slow.Body, fast.Error, slow.Error)
			}
		}
	}
	t.Logf("%d entries, %d findings each", len(entries), len(fs))
}

// fastBodies exercise what the fast path implements and what it hands back.
var fastBodies = []string{
	`{{.Message}} {{code .Raw.Code}} {{.Line}}:{{.Column}}`,
	`{{with .Path}}in {{code .}}{{else}}nowhere{{end}}{{with $.Line}}:{{.}}{{end}}`,
	`{{if .Resource}}r={{.Resource}}{{else if contains "K8S" (upper .Raw.Code)}}k8s{{else}}none{{end}}`,
	`{{.Extra.fixed_version | default "n/a"}} {{.Raw.Extra.container | default "none" | upper}}`,
	`{{code (printf "{tool: %s, codes: [%s]} %d %v" .Raw.Tool .Raw.Code .Line true)}}`,
	`{{replace "_" "-" .Code}} {{replace "_" "-" .Raw.Code}} {{lower .Title}} {{trim .Raw.Message}}`,
	`{{codeblock .Raw.Message "text"}}{{codeblock .Message}}{{pathescape .Raw.Code}}`,
	`{{ignoreexample .}}{{ignoreexample $}}`,
	`{{.Severity}} {{.Raw.Severity}} {{.ToolSeverity}} {{.URL}} <{{.Raw.URL}}> {{.Captures.kind}} {{.Raw.Captures.name}}`,
	`{{- .Tool -}}  {{/* comment */}} {{"literal"}} {{42}} {{true}}`,
	`{{with .Extra.container}}{{code .}} {{upper .}} {{. | lower}}{{end}}`,
	`{{if contains "a" .Message}}yes{{end}}{{if .Line}}L{{end}}{{if 0}}zero{{end}}`,
	"{{code .Message}}|{{code .Path}}|{{code \"a``b\"}}|{{code \" x \"}}|{{code \"`\"}}|{{code \"\"}}|{{code .Line}}|{{code true}}|{{code \"t\\tab\"}}|{{code \"é\"}}",
	"{{range .Aliases}}[{{.}}|{{code .}}|{{$.Raw.Code}}]{{else}}none{{end}}{{range .Raw.Aliases}}<{{.}}>{{end}}",
	"{{range .Extra}}{{.}};{{end}}{{range .Raw.Extra}}{{upper .}};{{else}}no extra{{end}}{{range $.Captures}}{{with .}}c={{.}}{{end}}{{end}}",
	"{{range .Raw.Captures}}{{if contains \"1\" .}}one{{else}}{{lower .}}{{end}}{{end}}{{with .Path}}{{range $.Aliases}}{{.}}@{{$.Line}} {{end}}{{end}}",
	`{{printf "%s-%d-%v-%v-%v %% %s" .Raw.Code .Line .Message true .Line .Path}} {{printf "%s" .Line}} {{printf "%d" .Code}} {{printf "%s %s" .Code}} {{printf "%s" .Code .Tool}} {{.Raw.Code | printf "x%sy"}} {{printf "%5s|%q|%" .Code .Code}} {{printf "%v%v%v%v%v%v%v%v%v" 1 2 3 4 5 6 7 8 9}} {{printf "" }}`,
	// Handed back to text/template:
	`{{.}}`, `{{.Aliases}}`, `{{range $i, $a := .Aliases}}{{$i}}{{end}}`, `{{range .Aliases}}{{.Foo}}{{end}}`,
	`{{range .Aliases}}{{break}}{{end}}`, `{{range .Message}}x{{end}}`, `{{$x := .Message}}{{$x}}`,
	`{{len .Message}}`, `{{code}}`, `{{code .Raw.Code .Raw.Tool}}`, `{{replace .Code "-" .Code}}`,
	`{{printf .Code}}`, `{{.Message.Foo}}`, `{{with .Line}}{{.Foo}}{{end}}`, `{{printf "%999999d" 1}}`,
	`{{eq .Raw.Code "X"}}`, `{{with $}}{{.Message}}{{end}}`, `{{1.5}}`, `{{code nil}}`, `{{default}}`,
}

func TestFastBodies(t *testing.T) {
	golden := goldenFindings(t)
	var fs []translator.Finding
	for i := 0; i < len(golden); i += 1 + len(golden)/20 {
		fs = append(fs, hostileVariants(golden[i])...)
	}
	for _, body := range fastBodies {
		for i := range fs {
			slowCE, fastCE := testEntry(t, body), testEntry(t, body)
			if slowCE == nil {
				break
			}
			defer func() { fastEnabled = true }()
			fastEnabled = false
			slow := render(slowCE, &fs[i], map[string]string{"kind": "K_1"})
			fastEnabled = true
			fast := render(fastCE, &fs[i], map[string]string{"kind": "K_1"})
			if slow.Body != fast.Body || slow.Error != fast.Error {
				t.Fatalf("%q, finding %d: fast %q (%q), text/template %q (%q)", body, i, fast.Body, fast.Error, slow.Body, slow.Error)
			}
		}
	}
}

// testEntry compiles body as an entry, or nil when it does not load.
func testEntry(t testing.TB, body string) *centry {
	tm, err := newTemplate("e").Parse(body)
	if err != nil || checkBounded(tm) != nil {
		return nil
	}
	return &centry{Entry: &Entry{ID: "e", Title: "t", Source: "x.yaml:1"}, tmpl: tm}
}

func FuzzFastMatchesTemplate(f *testing.F) {
	for _, b := range fastBodies {
		f.Add(b, "msg *x* <y>", "a/b_c.yaml", "CKV_K8S_16", "v@1", 3)
	}
	f.Fuzz(func(t *testing.T, body, msg, path, code, extra string, line int) {
		if len(body) > 2000 {
			return
		}
		slowCE, fastCE := testEntry(t, body), testEntry(t, body)
		if slowCE == nil {
			return
		}
		fd := translator.Finding{Tool: "trivy", Code: code, Message: msg,
			Location: translator.Location{Path: path, Line: line}, Resource: extra, Extra: map[string]string{"container": extra, "b": msg},
			Aliases: []string{msg, code}}
		defer func() { fastEnabled = true }()
		fastEnabled = false
		slow := render(slowCE, &fd, nil)
		fastEnabled = true
		fast := render(fastCE, &fd, nil)
		if slow.Body != fast.Body || slow.Error != fast.Error {
			t.Fatalf("%q: fast %q (%q), text/template %q (%q)", body, fast.Body, fast.Error, slow.Body, slow.Error)
		}
		// again: a segment's text comes from its cache now (segment.go)
		if again := render(fastCE, &fd, nil); again.Body != slow.Body || again.Error != slow.Error {
			t.Fatalf("%q, second render: fast %q (%q), text/template %q (%q)", body, again.Body, again.Error, slow.Body, slow.Error)
		}
	})
}

func TestFastCompiles(t *testing.T) {
	for _, body := range fastBodies[:17] {
		if ce := testEntry(t, body); ce == nil || compileFast(ce.tmpl) == nil {
			t.Errorf("%q: want it compiled to the fast path", body)
		}
	}
	for _, body := range []string{`{{range $i, $a := .Aliases}}{{$a}}{{end}}`, `{{range .Aliases}}{{.Foo}}{{end}}`, `{{$x := .Message}}{{$x}}`, `{{len .Message}}`, `{{.Aliases}}`} {
		if ce := testEntry(t, body); ce == nil || compileFast(ce.tmpl) != nil {
			t.Errorf("%q: want it left to text/template", body)
		}
	}
	_ = strings.TrimSpace
}
