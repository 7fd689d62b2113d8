package authoring

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/runbook-translator/runbook-translator/internal/lazyre"
	"github.com/runbook-translator/runbook-translator/internal/suggest"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/parsers"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// Severity of a lint problem.
type Severity string

// Lint severities: errors break runs (an entry that cannot load or render),
// warnings are worth fixing (no fix shown, unknown tool, shadowing).
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Problem is one lint finding about a catalog file.
type Problem struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

// String renders the problem as "file:line: severity: message".
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Severity, p.Message)
	}
	return fmt.Sprintf("%s: %s: %s", p.File, p.Severity, p.Message)
}

// LintResult is the outcome of Lint.
type LintResult struct {
	Problems []Problem
	// Entries is the number of entries checked.
	Entries int
	// Untranslated lists, per language of the reports other than the
	// default, the ids of the checked entries without a translation into
	// it: a run in that language shows them in English. A note, not a
	// problem: translating a catalog is a choice.
	Untranslated map[string][]string
}

// Untranslated returns, per language of the reports other than the
// default (messages.Langs), the ids of entries without a translation into
// it, sorted; languages every entry has are left out.
func Untranslated(entries []*runbooks.Entry) map[string][]string {
	out := map[string][]string{}
	for _, l := range messages.Langs() {
		if l == messages.Default {
			continue
		}
		for _, e := range entries {
			if _, ok := e.Translations[l]; !ok {
				out[l] = append(out[l], e.ID)
			}
		}
		sort.Strings(out[l])
	}
	for l, ids := range out {
		if len(ids) == 0 {
			delete(out, l)
		}
	}
	return out
}

// Errors and Warnings count the problems by severity.
func (r *LintResult) Errors() int   { return r.count(Error) }
func (r *LintResult) Warnings() int { return r.count(Warning) }

func (r *LintResult) count(s Severity) int {
	n := 0
	for _, p := range r.Problems {
		if p.Severity == s {
			n++
		}
	}
	return n
}

// Write prints one problem a line, then nothing else: the summary belongs
// on stderr.
func (r *LintResult) Write(w io.Writer) error {
	for _, p := range r.Problems {
		if _, err := fmt.Fprintln(w, p.String()); err != nil {
			return err
		}
	}
	return nil
}

// ExtraTools are tools that publish findings through generic formats
// (SARIF, checkstyle, rdjson, errorformat) or that catalogs commonly name
// although no tool-specific parser exists for them.
var ExtraTools = []string{
	"checkov", "hadolint", "kyverno", "yamllint", "shellcheck", "semgrep", "codeql",
	"golangci-lint", "eslint", "terrascan", "kics", "grype", "snyk", "datree",
	"pluto", "kubesec", "opa", "regal", "markdownlint", "tflint", "tfsec", "trivy",
}

// KnownTools returns the lowercase tool names lint accepts: the tool of
// every registered parser format plus ExtraTools.
func KnownTools() map[string]bool {
	m := map[string]bool{}
	for _, f := range parsers.Formats() {
		if f.Tool != "" {
			m[strings.ToLower(f.Tool)] = true
		}
	}
	for _, t := range ExtraTools {
		m[t] = true
	}
	return m
}

// fenced finds a fenced code block, or a template call that renders one.
var fenced = lazyre.New("(?m)^[ \t]{0,3}(```|~~~)|\\{\\{-?\\s*codeblock\\b")

// Lint checks catalog layers (the built-in catalog when paths is empty):
//
//   - errors: the loader's strict schema errors (unknown keys, missing
//     fields, duplicate ids or matchers within a layer, bad patterns and
//     template syntax), templates that fail to render for a sample finding
//     built from the entry's first matcher or for one of its examples, and
//     message patterns that can never match;
//   - warnings: matchers that shadow an earlier layer's entry, disables of
//     unknown ids, entries other than per-tool defaults without a fenced
//     code block (no fix shown) or
//     without a link, tools no parser produces, patterns that match every
//     message, examples that check nothing, bodies cut at the size limit,
//     values no entry takes and catalog values no layer sets (lintValues).
//
// A `locate:` hint that the locator cannot parse is an error.
//
// Problems are sorted by file, line, severity and message.
func Lint(paths []string, noBuiltin bool) *LintResult {
	res := &LintResult{}
	add := func(file string, line int, sev Severity, format string, args ...any) {
		res.Problems = append(res.Problems, Problem{File: file, Line: line, Severity: sev, Message: fmt.Sprintf(format, args...)})
	}
	layers, errs := loadLayers(paths, noBuiltin)
	for _, err := range errs {
		for _, le := range loadErrors(err) {
			add(le.File, le.Line, Error, "%s", le.Msg)
		}
	}
	c := merge(layers, paths)
	lines := lineIndex{}
	tools := KnownTools()

	for _, e := range c.TargetEntries() {
		res.Entries++
		file, line := splitSource(e.Source)
		lintEntry(c, e, file, line, tools, lines, add)
	}
	res.Untranslated = Untranslated(c.TargetEntries())
	for _, s := range c.Shadows() {
		if !c.InTarget(s.Source) {
			continue
		}
		file, line := splitSource(s.Source)
		add(file, line, Warning, "entry %q: its matcher %s takes over from entry %q (%s); replace that entry by id or disable it if this is intended",
			s.Entry, s.Key, s.Shadowed, s.ShadowedSource)
	}
	for _, l := range c.Layers() {
		if !c.Targets[l.Name] {
			continue
		}
		for _, id := range l.UnknownDisables {
			file, line := l.Name, 0
			for _, f := range l.Files {
				if n, ok := lines.get(f).disable[id]; ok {
					file, line = f, n
					break
				}
			}
			add(file, line, Warning, "disable: no earlier catalog layer defines entry %q", id)
		}
	}
	lintValues(c, add)
	sort.SliceStable(res.Problems, func(i, j int) bool {
		a, b := res.Problems[i], res.Problems[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Severity != b.Severity {
			return a.Severity == Error
		}
		return a.Message < b.Message
	})
	return res
}

func lintEntry(c *Catalog, e *runbooks.Entry, file string, line int, tools map[string]bool, lines lineIndex,
	add func(string, int, Severity, string, ...any)) {
	onlyDefault := true
	for j, m := range e.Match {
		if !m.Default {
			onlyDefault = false
		}
		ml := lines.matcherLine(e, j)
		if t := strings.ToLower(strings.TrimSpace(m.Tool)); t != "" && !tools[t] {
			hint := ""
			if s := closest(t, tools); s != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", s)
			}
			add(file, ml, Warning, "entry %q: match[%d]: no parser reports tool %q%s; findings of it would never match", e.ID, j, m.Tool, hint)
		}
		if m.Message == "" {
			continue
		}
		if why := NeverMatches(m.Message); why != "" {
			add(file, ml, Error, "entry %q: match[%d]: message pattern %q can never match: %s", e.ID, j, m.Message, why)
		} else if re, err := regexp.Compile(m.Message); err == nil && re.MatchString("") {
			add(file, ml, Warning, "entry %q: match[%d]: message pattern %q matches every message; use default: true with a tool instead", e.ID, j, m.Message)
		}
	}
	if e.Locate != "" {
		if err := locate.CheckHint(e.Locate); err != nil {
			add(file, line, Error, "entry %q: locate %q: %v", e.ID, e.Locate, err)
		}
	}
	if len(e.Links) == 0 {
		add(file, line, Warning, "entry %q: no links: add the policy's or tool's documentation", e.ID)
	}
	if !onlyDefault && !fenced().MatchString(e.Body) {
		add(file, line, Warning, "entry %q: no fix: the body has no fenced code block (``` or {{codeblock}}) showing the change", e.ID)
	}

	sample := SampleFinding(e)
	if rb := c.RenderEntry(e.ID, sample); rb != nil {
		if rb.Error != "" {
			add(file, line, Error, "entry %q: body fails to render for a sample finding (tool %s, code %s): %s", e.ID, sample.Tool, sample.Code, rb.Error)
		} else if strings.Contains(rb.Body, "runbook truncated") && len(rb.Body) >= runbooks.MaxBodyBytes-1024 {
			add(file, line, Warning, "entry %q: body exceeds %d bytes for a sample finding and is truncated", e.ID, runbooks.MaxBodyBytes)
		}
	}
	tested := false
	for i, x := range e.Examples {
		xf, xl := lines.exampleLine(e, i)
		if x.Manifest != "" {
			tested = true
			if len(e.Fix) == 0 {
				add(xf, xl, Warning, "entry %q: example %d has a manifest but the entry has no fix: to apply to it", e.ID, i+1)
			} else if _, _, err := ExampleFix(e, x); err != nil {
				add(xf, xl, Error, "entry %q: example %d: fix: %v", e.ID, i+1, err)
			}
		}
		if len(x.Contains) == 0 && x.Want == "" && x.Fixed == "" {
			add(xf, xl, Warning, "entry %q: example %d checks nothing: add contains or want", e.ID, i+1)
		}
		f, err := x.Finding.Finding()
		if err != nil {
			add(xf, xl, Error, "entry %q: example %d: %v", e.ID, i+1, err)
			continue
		}
		if rb := c.RenderEntry(e.ID, f); rb != nil && rb.Error != "" {
			add(xf, xl, Error, "entry %q: example %d: body fails to render: %s", e.ID, i+1, rb.Error)
		}
	}
	if len(e.Fix) > 0 && !tested {
		add(file, line, Warning, "entry %q: its fix is not tested: add an example with the manifest it applies to and the fixed text", e.ID)
	}
}

// closest returns the known tool within edit distance 2 of t, if any.
func closest(t string, tools map[string]bool) string {
	best, bestD := "", 3
	names := make([]string, 0, len(tools))
	for n := range tools {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if d := suggest.Distance(t, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// lintValues warns about a misspelt organisation value: a value of a
// layer under work that no entry's fix takes, and a catalog_value of an
// entry under work that no layer sets while some layer sets values (with
// none set, every such alternative is simply off, as in the built-in
// catalog alone).
func lintValues(c *Catalog, add func(string, int, Severity, string, ...any)) {
	vals := c.Values()
	taken := map[string]bool{}
	for _, e := range c.Entries() {
		for _, fx := range e.Fix {
			for _, ed := range fx.Edits {
				for _, name := range ed.CatalogNames() {
					taken[name] = true
				}
			}
		}
	}
	for _, name := range vals.Names() {
		src := vals[name].Source
		if taken[name] || !c.InTarget(src) {
			continue
		}
		file, line := splitSource(src)
		add(file, line, Warning, "values: no entry's fix takes %s (catalog_value: %s); is the name misspelt?", name, name)
	}
	if len(vals) == 0 {
		return
	}
	for _, e := range c.TargetEntries() {
		file, line := splitSource(e.Source)
		for i, fx := range e.Fix {
			for _, ed := range fx.Edits {
				for _, name := range ed.CatalogNames() {
					if _, ok := vals[name]; !ok {
						add(file, line, Warning, "entry %q: fix[%d] takes the value %s, which no catalog layer sets (they set %s): the alternative is never suggested", e.ID, i, name, listSomeNames(vals.Names(), 8))
					}
				}
			}
		}
	}
}

func listSomeNames(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(" and %d more", len(names)-n)
}
