package runbooks

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/template"

	"github.com/runbook-translator/runbook-translator/internal/lazyre"
	"github.com/runbook-translator/runbook-translator/internal/yamlerr"
	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
)

// LoadError is one problem in a catalog file, at the line of the entry (or
// matcher, or key) it is about.
type LoadError struct {
	File string
	Line int
	Msg  string
}

// Error implements error as "file:line: message".
func (e *LoadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Layer is one catalog layer: the built-in catalog, an organisation's
// catalog or a repository's, read from one or more files. Within a layer,
// entry ids and matchers must be unique; across layers, later ones win (see
// Merge).
type Layer struct {
	// Name is "builtin" or the path the layer was loaded from.
	Name string
	// Files are the files read, in order.
	Files []string

	entries []*centry
	disable []disable
	// values are the layer's values: (values.go).
	values Values

	// A layer opened from the built-in snapshot (openSnapshot) is read
	// through its lookup section; entries and disable are read from the
	// snapshot snap, whole, the first time something asks for them
	// (centries). Merge reads no more of it than the findings need
	// (baseView).
	lookup *snapLookup
	snap   string
	whole  sync.Once
}

// centries returns the layer's entries, reading a snapshot layer whole the
// first time.
func (l *Layer) centries() []*centry {
	if l.lookup != nil {
		l.whole.Do(func() {
			// openSnapshot read the index's framing; a layer whose
			// entries do not read has none (TestBuiltinSnapshotCorrupt).
			if w, err := decodeSnapshot(l.snap); err == nil {
				l.entries, l.disable = w.entries, w.disable
			}
		})
	}
	return l.entries
}

type disable struct {
	id, source string
}

// Entries returns the entries of the layer in file order. They must not be
// modified.
func (l *Layer) Entries() []*Entry {
	ents := l.centries()
	out := make([]*Entry, len(ents))
	for i, c := range ents {
		out[i] = c.full().Entry
	}
	return out
}

// Disabled returns the entry ids this layer removes from earlier layers.
func (l *Layer) Disabled() []string {
	l.centries()
	out := make([]string, len(l.disable))
	for i, d := range l.disable {
		out[i] = d.id
	}
	return out
}

// centry is an entry compiled for matching and rendering.
type centry struct {
	*Entry
	tmpl *template.Template
	// sev is the parsed severity override; SeverityUnknown means none.
	sev translator.Severity
	// res holds the compiled message pattern of each matcher (nil when the
	// matcher has none), indexed like Entry.Match; nil when no matcher has
	// one. Built-in entries compile theirs on first use (regexps).
	res *entryRes
	// matchLines holds the line of each matcher, for error messages.
	matchLines []int
	// memo says which finding values the body reads (memo.go).
	memo memoPlan
	// run is the entry's execution pool and run budget (bound.go).
	run execState
	// fast is the body compiled to the fast path, or nil (fast.go).
	fast *fastTmpl
	// lazy: tmpl is parsed from Body on first use (template); parse
	// guards it.
	lazy  bool
	parse sync.Once
	// trans holds the compiled body of each translation, by language.
	trans map[string]*template.Template

	// Entries of the built-in snapshot (snapshot.go) hold their index
	// fields (ID, Source, Severity, Match) from the start; rec is the
	// record of every other field, decoded into Entry on first use
	// (full). A translated copy (Catalog.WithLang) of such an entry takes
	// them from base, with its title and body in baseLang.
	rec      snapRecord
	dict     *snapDict
	base     *centry
	baseLang string
	rest     sync.Once
	// norm holds the normalised codes of each matcher of a snapshot
	// entry, indexed like Entry.Match (nil: Merge normalises them).
	norm [][]string
	// langs are the translation languages of a snapshot entry (its trans
	// is nil).
	langs []string
}

// entryRes is the compiled message patterns of an entry, compiled on first
// use when match is set (the built-in snapshot's were checked when it was
// made: a run that matches no finding by message compiles none).
type entryRes struct {
	once  sync.Once
	match []Matcher
	res   []*regexp.Regexp
}

// regexps returns the compiled message pattern of each matcher of ce, nil
// where a matcher has none; nil when none has.
func (ce *centry) regexps() []*regexp.Regexp {
	x := ce.res
	if x == nil {
		return nil
	}
	x.once.Do(func() {
		if x.match == nil {
			return
		}
		res := make([]*regexp.Regexp, len(x.match))
		for j, m := range x.match {
			if m.Message == "" {
				continue
			}
			// A pattern that does not compile (impossible for a snapshot
			// made by this build) matches nothing.
			if re, err := regexp.Compile(m.Message); err == nil {
				res[j] = re
			}
		}
		x.res = res
	})
	return x.res
}

// full makes sure every field of ce's Entry is set: entries of the built-in
// snapshot decode their record on first use. Everything that reads an
// entry beyond its index fields (ID, Source, Severity, Match) calls it
// first; c.match does for every entry it returns.
func (ce *centry) full() *centry {
	if ce.rec.data == "" && ce.base == nil {
		return ce
	}
	ce.rest.Do(func() {
		if ce.base != nil {
			ce.base.full()
			copyRest(ce.Entry, ce.base.Entry)
			tr := ce.Translations[ce.baseLang]
			ce.Title, ce.Body, ce.Fix = tr.Title, tr.Body, tr.fixes(ce.baseLang, ce.Fix)
			return
		}
		// The records were read back when the snapshot was made
		// (TestBuiltinSnapshotLoadsLikeYAML); an entry whose record does
		// not decode keeps its title as its id and an empty body rather
		// than failing the run.
		if err := ce.rec.decode(ce.Entry, ce.dict); err != nil {
			var e Entry
			copyRest(ce.Entry, &e)
			ce.Title = ce.ID
		}
	})
	return ce
}

// copyRest copies the fields of src a snapshot record holds into dst.
func copyRest(dst, src *Entry) {
	d, s := reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem()
	for _, i := range restFields() {
		d.Field(i).Set(s.Field(i))
	}
}

// hasLang reports whether ce has a translation for lang, and its compiled
// body when it was compiled at load.
func (ce *centry) hasLang(lang string) (*template.Template, bool) {
	if ce.trans != nil {
		t, ok := ce.trans[lang]
		return t, ok
	}
	for _, l := range ce.langs {
		if l == lang {
			return nil, true
		}
	}
	return nil, false
}

// compileIndexed builds what matching needs of a snapshot entry from its
// index fields: the severity override, and the message patterns to compile
// on first use.
func (ce *centry) compileIndexed() error {
	if ce.Severity != "" {
		s, err := translator.ParseSeverity(ce.Severity)
		if err != nil {
			return fmt.Errorf("invalid severity %q", ce.Severity)
		}
		ce.sev = s
	}
	for _, m := range ce.Match {
		if m.Message != "" {
			ce.res = &entryRes{match: ce.Match}
			break
		}
	}
	return nil
}

// LoadFile reads one catalog file as a layer of its own.
func LoadFile(path string) (*Layer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load runbooks: %w", err)
	}
	l := &Layer{Name: path}
	if err := l.add(filepath.ToSlash(path), data); err != nil {
		return nil, err
	}
	return l, nil
}

// LoadDir reads every *.yaml and *.yml file directly in dir, in name order,
// as one layer.
func LoadDir(dir string) (*Layer, error) {
	return loadFS(os.DirFS(dir), ".", dir, filepath.ToSlash(dir)+"/")
}

// LoadPath reads a file or a directory (see LoadFile and LoadDir) as one
// layer.
func LoadPath(path string) (*Layer, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("load runbooks: %w", err)
	}
	if st.IsDir() {
		return LoadDir(path)
	}
	return LoadFile(path)
}

// Load reads each path (a file or a directory) as one layer and merges the
// layers in the order given, later ones overriding earlier ones (see
// Merge). It does not include the built-in catalog: pass Builtin() to Merge
// for that. Errors of every path are returned together.
func Load(paths ...string) (*Catalog, error) {
	var layers []*Layer
	var errs []error
	for _, p := range paths {
		l, err := LoadPath(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		layers = append(layers, l)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return Merge(layers...), nil
}

// loadFS reads the catalog files of dir in fsys as one layer named name;
// prefix is prepended to file names in sources and errors.
func loadFS(fsys fs.FS, dir, name, prefix string) (*Layer, error) {
	files, err := catalogFiles(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("load runbooks: %w", err)
	}
	l := &Layer{Name: name}
	var errs []error
	for _, n := range files {
		data, err := fs.ReadFile(fsys, pathJoin(dir, n))
		if err != nil {
			errs = append(errs, fmt.Errorf("load runbooks: %w", err))
			continue
		}
		if err := l.add(prefix+n, data); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return l, nil
}

func pathJoin(dir, name string) string {
	if dir == "." || dir == "" {
		return name
	}
	return dir + "/" + name
}

// yamlLine finds "line N: rest" in yaml.v3 error texts.
var yamlLine = lazyre.New(`^(?:yaml: )?line (\d+): (.*)$`)

func yamlErr(file, msg string) *LoadError {
	if m := yamlLine().FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return &LoadError{File: file, Line: n, Msg: m[2]}
	}
	return &LoadError{File: file, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

// add parses one catalog file into the layer, collecting every problem.
func (l *Layer) add(file string, data []byte) error {
	l.Files = append(l.Files, file)
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &LoadError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}

	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && err != io.EOF {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return yamlErr(file, err.Error())
		}
		// Unknown keys and type mismatches: report them all, and go on
		// validating what did decode.
		ex := yamlerr.New(data, &f)
		for _, m := range te.Errors {
			line, text := ex.Explain(m)
			errs = append(errs, &LoadError{File: file, Line: line, Msg: text})
		}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		fail(extra.Line, "more than one YAML document in a catalog file")
	}

	var root yaml.Node
	if yaml.Unmarshal(data, &root) == nil && len(root.Content) > 0 {
		l.addValues(file, mapValue(root.Content[0], "values"), fail)
	}
	nodes := entryNodes(data, len(f.Entries))
	pos := make([]entryPos, len(f.Entries))
	for i, n := range nodes {
		pos[i].node = n
		if n != nil {
			pos[i].line = n.Line
			pos[i].matchLines = matchLines(n)
		}
	}
	errs = append(errs, l.compile(file, &f, pos)...)
	return errors.Join(errs...)
}

// entryPos is where an entry and its matchers are in their file; node is
// nil where the document has no entry node.
type entryPos struct {
	node       *yaml.Node
	line       int
	matchLines []int
}

// compile checks and compiles the entries of one decoded catalog file into
// the layer.
func (l *Layer) compile(file string, f *File, pos []entryPos) []error {
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &LoadError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	seenID := map[string]int{}
	for _, prev := range l.entries {
		seenID[prev.ID] = -1
	}
	for i := range f.Entries {
		e := &f.Entries[i]
		node, line := pos[i].node, pos[i].line
		e.Source = file + ":" + strconv.Itoa(line)
		c := &centry{Entry: e, res: &entryRes{res: make([]*regexp.Regexp, len(e.Match))}, matchLines: append([]int(nil), pos[i].matchLines...)}
		for len(c.matchLines) < len(e.Match) {
			c.matchLines = append(c.matchLines, line)
		}
		name := e.ID
		if name == "" {
			name = fmt.Sprintf("#%d", i+1)
			fail(line, "entry %s: missing id", name)
		} else if prev, dup := seenID[e.ID]; dup {
			if prev > 0 {
				fail(line, "entry %q: duplicate id (first at line %d)", e.ID, prev)
			} else {
				fail(line, "entry %q: duplicate id (also in %s)", e.ID, l.sourceOf(e.ID))
			}
		} else {
			seenID[e.ID] = line
		}
		if strings.TrimSpace(e.Title) == "" {
			fail(line, "entry %q: missing title", name)
		}
		if len(e.Match) == 0 {
			fail(line, "entry %q: missing match", name)
		}
		if e.Severity != "" {
			s, err := translator.ParseSeverity(e.Severity)
			if err != nil || s == translator.SeverityNone {
				fail(keyLine(node, "severity", line), "entry %q: invalid severity %q (want info, warning, error or critical)", name, e.Severity)
			} else {
				c.sev = s
			}
		}
		for j, m := range e.Match {
			ml := c.matchLines[j]
			if err := checkMatcher(m); err != nil {
				fail(ml, "entry %q: match[%d]: %v", name, j, err)
				continue
			}
			if m.Message != "" {
				re, err := regexp.Compile(m.Message)
				if err != nil {
					fail(ml, "entry %q: match[%d]: invalid message pattern: %v", name, j, err)
					continue
				}
				c.res.res[j] = re
			}
		}
		if strings.TrimSpace(e.Body) == "" {
			fail(line, "entry %q: missing body", name)
		} else {
			t, err := newTemplate(e.ID).Parse(e.Body)
			if err == nil {
				err = checkBounded(t)
			}
			if err != nil {
				fail(bodyErrLine(node, err, line), "entry %q: body: %v", name, err)
			} else {
				c.tmpl = t
			}
		}
		checkFixes(name, e, node, line, fail)
		checkExampleValues(name, e, node, fail)
		for _, lang := range sortedLangs(e.Translations) {
			tr := e.Translations[lang]
			if strings.TrimSpace(tr.Title) == "" || strings.TrimSpace(tr.Body) == "" {
				fail(line, "entry %q: translation %q: needs title and body", name, lang)
				continue
			}
			if len(tr.Fix) > len(e.Fix) {
				fail(line, "entry %q: translation %q: %d fix descriptions for %d fixes", name, lang, len(tr.Fix), len(e.Fix))
			}
			if c.trans == nil {
				c.trans = map[string]*template.Template{}
			}
			t, err := newTemplate(e.ID).Parse(tr.Body)
			if err == nil {
				err = checkBounded(t)
			}
			if err != nil {
				fail(line, "entry %q: translation %q: body: %v", name, lang, err)
				continue
			}
			c.trans[lang] = t
		}
		l.entries = append(l.entries, c)
	}
	errs = append(errs, l.checkDuplicateMatchers(file)...)
	for _, id := range f.Disable {
		if strings.TrimSpace(id) == "" {
			fail(0, "disable: empty entry id")
			continue
		}
		l.disable = append(l.disable, disable{id: id, source: file})
	}
	return errs
}

func (l *Layer) sourceOf(id string) string {
	for _, c := range l.entries {
		if c.ID == id {
			return c.Source
		}
	}
	return "?"
}

// checkMatcher rejects matchers that say nothing or say two things.
func checkMatcher(m Matcher) error {
	kinds := 0
	if len(m.Codes) > 0 {
		kinds++
	}
	if m.Message != "" {
		kinds++
	}
	if m.Default {
		kinds++
	}
	switch {
	case kinds == 0:
		return errors.New("needs codes, message or default: true")
	case kinds > 1:
		return errors.New("set only one of codes, message and default")
	case m.Default && strings.TrimSpace(m.Tool) == "":
		return errors.New("default: true needs a tool")
	}
	for _, c := range m.Codes {
		if translator.NormalizeCode(c) == "" {
			return fmt.Errorf("empty code %q", c)
		}
	}
	return nil
}

// matcherKey identifies what a matcher claims, for duplicate detection:
// "tool\x00code", "\x00code", "tool\x00/re/" or "tool\x00default".
func matcherKeys(m Matcher) []string {
	tool := strings.ToLower(strings.TrimSpace(m.Tool))
	switch {
	case m.Default:
		return []string{tool + "\x00default"}
	case m.Message != "":
		return []string{tool + "\x00/" + m.Message + "/"}
	}
	keys := make([]string, 0, len(m.Codes))
	for _, c := range m.Codes {
		keys = append(keys, tool+"\x00"+translator.NormalizeCode(c))
	}
	return keys
}

func describeKey(k string) string {
	tool, what, _ := strings.Cut(k, "\x00")
	if what == "default" {
		return "default for tool " + strconv.Quote(tool)
	}
	if tool == "" {
		return "code " + strconv.Quote(what)
	}
	return fmt.Sprintf("tool %q code %q", tool, what)
}

// checkDuplicateMatchers reports matchers of the entries from file that
// another entry of the layer already claims. Repeats within one entry
// (KSV-0017 and KSV017) are harmless and allowed.
func (l *Layer) checkDuplicateMatchers(file string) []error {
	type owner struct {
		c    *centry
		line int
	}
	seen := map[string]owner{}
	var errs []error
	for _, c := range l.entries {
		for j, m := range c.Match {
			if checkMatcher(m) != nil {
				continue
			}
			for _, k := range matcherKeys(m) {
				prev, dup := seen[k]
				if !dup {
					seen[k] = owner{c, c.matchLines[j]}
					continue
				}
				if prev.c == c || !strings.HasPrefix(c.Source, file+":") {
					continue
				}
				errs = append(errs, &LoadError{File: file, Line: c.matchLines[j], Msg: fmt.Sprintf(
					"entry %q: duplicate matcher: %s is already matched by entry %q (%s)",
					c.ID, describeKey(k), prev.c.ID, prev.c.Source)})
			}
		}
	}
	return errs
}

// entryNodes returns the YAML mapping node of each of the n entries of a
// catalog file (nil where the document does not have one), for line
// numbers.
func entryNodes(data []byte, n int) []*yaml.Node {
	out := make([]*yaml.Node, n)
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return out
	}
	seq := mapValue(root.Content[0], "entries")
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return out
	}
	for i, item := range seq.Content {
		if i >= n {
			break
		}
		out[i] = item
	}
	return out
}

// keyLine returns the line of key's value in the entry node, or def.
func keyLine(entry *yaml.Node, key string, def int) int {
	if v := mapValue(entry, key); v != nil {
		return v.Line
	}
	return def
}

// matchLines returns the line of each matcher of the entry node.
func matchLines(entry *yaml.Node) []int {
	var out []int
	if ms := mapValue(entry, "match"); ms != nil && ms.Kind == yaml.SequenceNode {
		for _, m := range ms.Content {
			out = append(out, m.Line)
		}
	}
	return out
}

// tmplLine finds the line inside a template of a parse error
// ("template: id:3: unexpected EOF").
var tmplLine = lazyre.New(`^template: [^:]*:(\d+):`)

// bodyErrLine maps a template parse error to a file line: exact for block
// scalars (body: |), the line of the body otherwise.
func bodyErrLine(entry *yaml.Node, err error, def int) int {
	b := mapValue(entry, "body")
	if b == nil {
		return def
	}
	if b.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		return b.Line
	}
	// The text of "body: |" starts on the next line.
	if m := tmplLine().FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return b.Line + n
	}
	return b.Line + 1
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// LoadPathFS reads the catalog file or directory at name (a slash path)
// inside fsys as one layer; display names it in sources and errors. The
// run reads catalogs of the checkout this way, through a root-confined,
// size-bounded file system (internal/repofs): the pull request wrote them.
func LoadPathFS(fsys fs.FS, name, display string) (*Layer, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("load runbooks: %w", err)
	}
	if st.IsDir() {
		return loadFS(fsys, name, display, strings.TrimSuffix(filepath.ToSlash(display), "/")+"/")
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("load runbooks: %w", err)
	}
	l := &Layer{Name: display}
	if err := l.add(filepath.ToSlash(display), data); err != nil {
		return nil, err
	}
	return l, nil
}

func sortedLangs(m map[string]Translation) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// template returns the entry's parsed body, parsing it on first use for
// entries of the built-in snapshot. Their bodies parsed when the snapshot
// was made (makeSnapshot loads the YAML first), so an error cannot happen
// unless the template functions changed since; the body then renders empty
// rather than failing the run.
func (ce *centry) template() *template.Template {
	ce.parse.Do(func() {
		if !ce.lazy || ce.tmpl != nil {
			return
		}
		t, err := newTemplate(ce.ID).Parse(ce.Body)
		if err == nil {
			err = checkBounded(t)
		}
		if err != nil {
			t = template.Must(newTemplate(ce.ID).Parse(""))
		}
		ce.tmpl = t
	})
	return ce.tmpl
}

// catalogFiles returns the names of the *.yaml and *.yml files directly in
// dir, sorted: the files of one layer, in the order they load.
func catalogFiles(fsys fs.FS, dir string) ([]string, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if n := e.Name(); !e.IsDir() && (strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml")) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}
