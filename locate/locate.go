// Package locate puts findings that come without a line on their line.
//
// Many Kubernetes and policy tools name the object a finding is about but
// not where it is: conftest, gator and polaris give no line at all,
// kube-linter gives none in JSON, kube-score gives the line where the YAML
// document starts, kubeconform gives a JSON pointer. The locate stage opens
// the manifest (or, for a Terraform plan, the .tf files beside it), finds the
// object, and sets the finding's Line, Column, EndLine and Located. It only
// touches findings with Line == 0, and never guesses: when the object is not
// found, or found more than once, the finding keeps Line 0 and goes to the
// summary.
//
// # Kubernetes
//
// The resource is f.Resource, "Kind/name" or "Kind/namespace/name" (with
// Extra["namespace"] as a fallback). The document is looked up in f.Path,
// or, when the tool gave no path (gator, polaris), in Options.Candidates.
// A file with a single document of the kind is used when the finding has no
// name. The finding then points at:
//
//  1. the field of kubeconform's Extra["json_pointer"] (and the offending key
//     of an "additional properties 'x' not allowed" error);
//  2. else the field path of the runbook entry (Options.Hint);
//  3. else the container named by Extra["container"] (its "- name:" line);
//  4. else the resource itself: the line of metadata.name (the kind: line
//     when the document has no name). metadata.name is chosen because it is
//     the line that says which object this is, and it is in every diff that
//     adds the object.
//
// A field path is dotted keys with sequence selectors:
// spec.template.spec.hostPID, spec.containers[name=web].securityContext,
// spec.containers[*].securityContext, spec.containers[0].ports[1]. A
// selector value $name (or ${name}) is the finding's Extra[name], so
// spec.containers[name=$container].resources works for every container a
// tool names. Pod-spec paths are written once: "spec.<PodSpec field>",
// "spec.template.spec.<field>" and "spec.jobTemplate.spec.template.spec.<field>"
// all mean the pod spec of whatever workload the document is (Pod: spec;
// Deployment, StatefulSet, DaemonSet, ReplicaSet, Job: spec.template.spec;
// CronJob: spec.jobTemplate.spec.template.spec).
//
// Alternatives are separated by "|": the first that exists wins, else the
// one that got deepest. When the finding's code or message names the last
// key of some alternatives (kube-linter's "via hostIPC=true", polaris's
// hostIPCSet), only those are tried, so spec.hostPID|spec.hostIPC|spec.hostNetwork
// serves a family of checks.
//
// When the field is absent (a missing setting), the finding points at the
// nearest existing ancestor and Located says so. A [*] or [field=value]
// selector that matches several items stops at the list: which item is meant
// is not known.
//
// Line and Column are those of the key (or of the sequence item); EndLine is
// set when the field's value is a block that spans lines.
//
// # Helm
//
// A `helm template` stream ("# Source: chart/templates/x.yaml" before each
// document) is located like any manifest; then the finding is mapped to the
// template file when it exists under the root (Options.ChartDirs, else a
// bounded search for <chart>/templates/x.yaml): the same key path is looked
// up line by line in the template, at the right indentation. When a key
// cannot be found literally (it comes from a helper or toYaml), the finding
// points at the deepest key that could, and Located starts with
// "approximate:". kube-score, which reports the Source path itself, is
// located through the rendered streams among the candidates (with no
// candidates, the rendered streams under the root), then mapped to the
// template the same way.
//
// # Terraform
//
// A resource address (aws_s3_bucket.logs, module.net.aws_security_group.web,
// aws_sqs_queue.dlq[0], data.aws_iam_policy_document.p) is looked up in the
// .tf files of Options.TerraformDirs (default: the directory of the finding's
// plan JSON or .tf file), following local module sources. The finding points
// at the block, or at its attribute when the hint names one (tags.team points
// at tags).
//
// # Safety
//
// Files are read through an os.Root: absolute paths, ".." and symlinks out of
// the root are refused, files over Options.MaxFileSize are skipped, and
// parsed files are cached for the run.
package locate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
	"github.com/runbook-translator/runbook-translator/messages"
)

// Defaults for the bounds of Options.
const (
	// DefaultMaxFileSize skips manifests and .tf files larger than 8 MiB: a
	// generated file that size is not something a reviewer reads line by line.
	DefaultMaxFileSize = 8 << 20
	// DefaultMaxTotal bounds the files one run reads: at about 65 bytes of
	// memory per byte of YAML, 32 MiB of manifests is about 2 GiB.
	DefaultMaxTotal = 32 << 20
	// DefaultMaxCandidates bounds how many candidate files are parsed.
	DefaultMaxCandidates = 2000
	// DefaultMaxWalk bounds the directory entries visited when searching
	// for chart templates or candidate manifests.
	DefaultMaxWalk = 50000
)

// maxLocated bounds the Located text (resource names come from tool output).
const maxLocated = 600

// Options configure the stage.
type Options struct {
	// Root is the repository root on disk; finding paths are relative to it.
	Root string
	// Hint returns the field path to point at for a finding (the `locate:`
	// of its runbook entry), or "". Nil means no hints.
	Hint func(*translator.Finding) string
	// TerraformDirs are root-relative directories holding the .tf files of
	// a Terraform plan. Empty means the directory of the finding's file.
	TerraformDirs []string
	// Candidates are root-relative manifest files searched when a finding
	// has no path (gator, polaris) or names a helm template source
	// (kube-score). See Candidates.
	Candidates []string
	// FindCandidates, when Candidates is nil, lists them the first time
	// a finding needs them (a streamed run cannot know in advance that a
	// finding without a path will come, and a walk of a large checkout at
	// start would cost every run).
	FindCandidates func() []string
	// ChartDirs are root-relative chart directories (holding templates/)
	// used to map rendered helm output to its templates. Empty means search
	// the root for <chart>/templates/<file>.
	ChartDirs []string
	// MaxFileSize is the largest file read; 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// MaxTotal bounds what the stage reads in all; 0 means DefaultMaxTotal.
	MaxTotal int64
	// MaxCandidates bounds the candidate files parsed; 0 means
	// DefaultMaxCandidates.
	MaxCandidates int
	// MaxWalk bounds the entries visited when searching the root; 0 means
	// DefaultMaxWalk.
	MaxWalk int
}

// Stats counts what the stage did.
type Stats struct {
	// Considered is the number of findings without a line that name a
	// resource or a path.
	Considered int
	// Located is how many of them got a line.
	Located int
	// Approximate is how many were mapped to a helm template approximately.
	Approximate int
}

// Stage is the locate stage. It is safe for use by one run at a time; the
// caches live as long as the Stage.
type Stage struct {
	opts Options
	root *os.Root

	mu       sync.Mutex
	readMu   sync.Mutex
	read     int64                // bytes read so far, against MaxTotal (readMu; callers of readFile hold mu)
	yaml     map[string]*yamlFile // nil: unreadable or refused
	text     map[string][]string
	tf       map[string]*tfModule
	cands    []candDoc
	candOK   bool
	candList []string // Options.Candidates, or FindCandidates' list
	listOK   bool
	rend     []candDoc // rendered streams found under the root
	rendOK   bool
	files    []string
	filesOK  bool
	stats    Stats
}

var _ translator.Stage = (*Stage)(nil)

// New opens the root and returns the stage. Close releases the root.
func New(opts Options) (*Stage, error) {
	if opts.Root == "" {
		opts.Root = "."
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.MaxTotal <= 0 {
		opts.MaxTotal = DefaultMaxTotal
	}
	if opts.MaxCandidates <= 0 {
		opts.MaxCandidates = DefaultMaxCandidates
	}
	if opts.MaxWalk <= 0 {
		opts.MaxWalk = DefaultMaxWalk
	}
	r, err := os.OpenRoot(opts.Root)
	if err != nil {
		return nil, fmt.Errorf("open root: %w", err)
	}
	return &Stage{
		opts: opts,
		root: r,
		yaml: map[string]*yamlFile{},
		text: map[string][]string{},
		tf:   map[string]*tfModule{},
	}, nil
}

// Close releases the root directory.
func (s *Stage) Close() error { return s.root.Close() }

// Name implements translator.Stage.
func (s *Stage) Name() string { return "locate" }

// Stats returns the counts so far.
func (s *Stage) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Map implements translator.Stage. It never fails on bad input files: a
// finding that cannot be located keeps Line 0.
func (s *Stage) Map(_ context.Context, f *translator.Finding) error {
	if f == nil || f.Line != 0 || (f.Resource == "" && f.Path == "") {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Considered++
	var ok bool
	if isTerraformAddress(f.Resource) {
		ok = s.locateTerraform(f)
	} else if kind, _, _ := splitResource(f.Resource, ""); kind != "" {
		ok = s.locateKube(f)
	}
	if ok {
		s.stats.Located++
		if strings.HasPrefix(f.Located, "approximate:") {
			s.stats.Approximate++
		}
	}
	return nil
}

// hint returns the finding's field path hint, or "".
func (s *Stage) hint(f *translator.Finding) string {
	if s.opts.Hint == nil {
		return ""
	}
	return s.opts.Hint(f)
}

// splitResource parses "Kind/name" and "Kind/namespace/name". Kind must look
// like a Kubernetes kind (an upper-case letter first).
func splitResource(res, ns string) (kind, namespace, name string) {
	parts := strings.Split(res, "/")
	if len(parts) == 0 || len(parts) > 3 || parts[0] == "" || parts[0][0] < 'A' || parts[0][0] > 'Z' {
		return "", "", ""
	}
	for _, p := range parts[1:] {
		if p == "" {
			return "", "", ""
		}
	}
	kind = parts[0]
	switch len(parts) {
	case 2:
		name = parts[1]
		namespace = ns
	case 3:
		namespace, name = parts[1], parts[2]
	default:
		namespace = ns
	}
	return kind, namespace, name
}

// cleanRel returns p as a clean root-relative slash path, refusing absolute
// paths and paths that climb out of the root.
func cleanRel(p string) (string, bool) {
	if p == "" || strings.ContainsRune(p, 0) || strings.HasPrefix(p, "/") || filepath.IsAbs(p) || strings.Contains(p, `\`) {
		return "", false
	}
	c := path.Clean(p)
	if c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	return c, true
}

var errTooLarge = errors.New("file too large")

// errBudget: the run has read Options.MaxTotal bytes of files already.
var errBudget = errors.New("read budget of the run spent")

// readFile reads a root-relative file through the os.Root, which refuses
// ".." and symlinks that leave the root.
func (s *Stage) readFile(rel string) ([]byte, error) {
	c, ok := cleanRel(rel)
	if !ok {
		return nil, fmt.Errorf("read %q: path outside the root", rel)
	}
	// Non-blocking: a FIFO the pull request committed under a finding's
	// path would otherwise block the open forever (issue 8 item 7).
	fh, err := s.root.OpenFile(filepath.FromSlash(c), os.O_RDONLY|oNonblock, 0)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("read %q: not a regular file", rel)
	}
	if st.Size() > s.opts.MaxFileSize {
		return nil, errTooLarge
	}
	data, err := io.ReadAll(io.LimitReader(fh, s.opts.MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > s.opts.MaxFileSize {
		return nil, errTooLarge
	}
	// The run-wide budget: parsed YAML holds many times its file's size
	// (about 65x), so the total read is capped, not only each file.
	// Its own lock: callers hold s.mu while they fill the caches.
	s.readMu.Lock()
	over := s.read+int64(len(data)) > s.opts.MaxTotal
	if !over {
		s.read += int64(len(data))
	}
	s.readMu.Unlock()
	if over {
		return nil, errBudget
	}
	return data, nil
}

// yamlFile returns the parsed manifest file, cached; nil when it cannot be
// read.
func (s *Stage) yamlFile(rel string) *yamlFile {
	c, ok := cleanRel(rel)
	if !ok {
		return nil
	}
	if yf, done := s.yaml[c]; done {
		return yf
	}
	var yf *yamlFile
	if data, err := s.readFile(c); err == nil {
		yf = parseYAMLFile(c, data)
	}
	s.yaml[c] = yf
	return yf
}

// lines returns a text file's lines, cached; nil when unreadable.
func (s *Stage) lines(rel string) []string {
	if l, done := s.text[rel]; done {
		return l
	}
	var l []string
	if data, err := s.readFile(rel); err == nil {
		l = strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	}
	s.text[rel] = l
	return l
}

// candDoc is one document of a candidate file.
type candDoc struct {
	file *yamlFile
	doc  *yamlDoc
}

// candidateFiles are the candidate files: Options.Candidates, or what
// FindCandidates lists, asked once (callers hold s.mu).
func (s *Stage) candidateFiles() []string {
	if !s.listOK {
		s.listOK = true
		s.candList = s.opts.Candidates
		if s.candList == nil && s.opts.FindCandidates != nil {
			s.candList = s.opts.FindCandidates()
		}
	}
	return s.candList
}

// candidates parses the candidate files once. Files that contain "{{" are
// chart templates, not manifests, and are skipped.
func (s *Stage) candidates() []candDoc {
	if s.candOK {
		return s.cands
	}
	s.candOK = true
	n := 0
	seen := map[string]bool{}
	for _, c := range s.candidateFiles() {
		rel, ok := cleanRel(c)
		if !ok || seen[rel] {
			continue
		}
		seen[rel] = true
		if n++; n > s.opts.MaxCandidates {
			break
		}
		if l := s.lines(rel); l == nil || strings.Contains(strings.Join(l, "\n"), "{{") {
			continue
		}
		yf := s.yamlFile(rel)
		if yf == nil {
			continue
		}
		for _, d := range yf.docs {
			s.cands = append(s.cands, candDoc{file: yf, doc: d})
		}
	}
	return s.cands
}

// renderedStreams parses, once, the `helm template` streams under the root:
// the YAML files of allFiles that hold "# Source:" documents and no "{{"
// (at most MaxCandidates files are parsed, within the read budget).
func (s *Stage) renderedStreams() []candDoc {
	if s.rendOK {
		return s.rend
	}
	s.rendOK = true
	n := 0
	for _, p := range s.allFiles() {
		if !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml") {
			continue
		}
		if n++; n > s.opts.MaxCandidates {
			break
		}
		l := s.lines(p)
		if l == nil {
			continue
		}
		text := strings.Join(l, "\n")
		if !strings.Contains(text, "# Source: ") || strings.Contains(text, "{{") {
			continue
		}
		if yf := s.yamlFile(p); yf != nil && yf.rendered {
			s.rend = append(s.rend, docsOf(yf)...)
		}
	}
	return s.rend
}

// match scores how well d fits the resource: 0 no, 1 yes with an unknown
// namespace on one side, 2 exactly.
func match(d *yamlDoc, kind, ns, name string) int {
	if d.kind != kind || (name != "" && d.name != name) {
		return 0
	}
	switch {
	case ns == d.namespace:
		return 2
	case ns == "" || d.namespace == "":
		return 1
	}
	return 0
}

// best returns the single best-scoring document, or false when there is
// none or a tie (the resource is ambiguous: do not guess).
func best(cs []candDoc, kind, ns, name string) (candDoc, bool) {
	var top []candDoc
	score := 0
	for _, c := range cs {
		sc := match(c.doc, kind, ns, name)
		switch {
		case sc == 0:
		case sc > score:
			score, top = sc, []candDoc{c}
		case sc == score:
			top = append(top, c)
		}
	}
	if len(top) != 1 {
		return candDoc{}, false
	}
	return top[0], true
}

func docsOf(yf *yamlFile) []candDoc {
	out := make([]candDoc, len(yf.docs))
	for i, d := range yf.docs {
		out[i] = candDoc{file: yf, doc: d}
	}
	return out
}

// locateKube finds the document of a Kubernetes resource and points at it.
func (s *Stage) locateKube(f *translator.Finding) bool {
	kind, ns, name := splitResource(f.Resource, f.Extra["namespace"])
	if f.Path != "" {
		rel, ok := cleanRel(f.Path)
		if !ok {
			return false
		}
		if yf := s.yamlFile(rel); yf != nil && len(yf.docs) > 0 {
			if c, ok := best(docsOf(yf), kind, ns, name); ok {
				return s.place(f, c)
			}
			// A file that parses as manifests but lacks the object: the
			// tool looked elsewhere, do not search further.
			if !yf.rendered && !strings.Contains(rel, "/templates/") {
				return false
			}
		}
		if !strings.Contains("/"+rel, "/templates/") {
			return false
		}
		return s.locateSource(f, rel, kind, ns, name)
	}
	if name == "" {
		return false
	}
	if c, ok := best(s.candidates(), kind, ns, name); ok {
		return s.place(f, c)
	}
	return false
}

// locateSource places a finding whose path is the "# Source:" of a
// rendered stream (kube-score names the chart template, not the file it
// read). The stream is looked for among the candidates; when the run gave
// none (the tool named a path, so no search was asked for), among the
// rendered streams under the root, and then the finding is placed only in
// the chart template (a finding moved to generated output would be fixed
// there, and lost on the next render). With no stream, the template itself
// is searched for the hint's keys.
func (s *Stage) locateSource(f *translator.Finding, rel, kind, ns, name string) bool {
	if name == "" {
		return false
	}
	search := len(s.candidateFiles()) == 0
	cands := s.candidates()
	if search {
		cands = s.renderedStreams()
	}
	var in []candDoc
	for _, c := range cands {
		if c.doc.source == rel {
			in = append(in, c)
		}
	}
	if c, ok := best(in, kind, ns, name); ok {
		return s.placeIn(f, c, search)
	}
	if len(in) > 0 || !search {
		return false
	}
	return s.placeInTemplate(f, rel, kind)
}

// additionalProperty finds the offending key of a kubeconform
// "additional properties 'x' not allowed" error at ptr.
var additionalProperty = lazyre.New(`additional propert(?:y|ies) '([^']+)'`)

// targets works out the field paths a finding may be about, as groups in
// priority order: kubeconform's JSON pointer, the runbook hint (each
// "|"-separated alternative with its init/ephemeral container variants; of
// alternatives whose last key the finding's code or message names, only
// those),
// the container the tool named. The first group that resolves at all wins.
func (s *Stage) targets(f *translator.Finding, d *yamlDoc) []target {
	var out []target
	if ptr := f.Extra["json_pointer"]; ptr != "" {
		if p, err := parsePointer(ptr); err == nil {
			// "<ptr>: additional properties 'readinessprobe' not allowed"
			for _, part := range strings.Split(f.Message, "; ") {
				rest, ok := strings.CutPrefix(part, ptr+": ")
				if !ok {
					continue
				}
				if m := additionalProperty().FindStringSubmatch(rest); m != nil {
					p = append(p, segment{key: m[1]})
				}
				break
			}
			out = append(out, target{paths: []fieldPath{p}})
		}
	}
	if h := s.hint(f); h != "" && len(h) <= MaxHintLen {
		var alts []fieldPath
		for _, alt := range strings.Split(h, "|") {
			p, err := parsePath(alt)
			if err != nil {
				continue
			}
			if p, err = p.expand(f.Extra); err != nil {
				continue
			}
			alts = append(alts, p.forKind(d.kind))
		}
		var group []fieldPath
		for _, p := range named(alts, f.Code+" "+f.Message) {
			group = append(group, p)
			group = append(group, p.containerVariants()...)
		}
		if len(group) > 0 {
			out = append(out, target{paths: group})
		}
	}
	if c := f.Extra["container"]; c != "" && !strings.Contains(c, ",") {
		if pre := podSpecPrefix(d.kind); pre != nil {
			var p fieldPath
			for _, k := range pre {
				p = append(p, segment{key: k})
			}
			p = append(p, segment{key: "containers", sel: &selector{kind: selMatch, field: "name", value: c}})
			// only when the container is there: a tool's container name
			// that matches nothing says nothing about a field.
			out = append(out, target{paths: append([]fieldPath{p}, p.containerVariants()...), needFull: true, container: true})
		}
	}
	return out
}

// target is a group of alternative field paths from one source.
type target struct {
	paths    []fieldPath
	needFull bool
	// container is set for the tool-named container fallback, whose
	// Located reads "container web of ...".
	container bool
}

// containerWord names the container lists in Located.
var containerWord = map[string]messages.Key{
	"containers":          "loc.w.containers",
	"initContainers":      "loc.w.initContainers",
	"ephemeralContainers": "loc.w.ephemeralContainers",
}

// setLocated says where the finding was put: Located in English (also the
// JSON field), LocatedText for reports in the run's language.
func setLocated(f *translator.Finding, p messages.Msg) {
	f.Located = truncate(p.In(messages.Default), maxLocated)
	f.LocatedText = p
}

// pick resolves a group of alternatives: the first that resolves fully, else
// the deepest partial one (the first on a tie).
func pick(root *yaml.Node, group []fieldPath) (fieldPath, resolution) {
	var bp fieldPath
	var br resolution
	for i, p := range group {
		r := resolve(root, p)
		if r.full {
			return p, r
		}
		if i == 0 || len(r.steps) > len(br.steps) {
			bp, br = p, r
		}
	}
	return bp, br
}

// place points f at the best target in the document c.
func (s *Stage) place(f *translator.Finding, c candDoc) bool { return s.placeIn(f, c, false) }

// placeIn is place; with templateOnly, a document of a rendered stream is
// placed only when it maps to its chart template (f is left alone
// otherwise).
func (s *Stage) placeIn(f *translator.Finding, c candDoc, templateOnly bool) bool {
	d := c.doc
	res := truncate(f.Resource, 200)
	var steps []step
	var desc messages.Msg
	for _, t := range s.targets(f, d) {
		p, r := pick(d.root, t.paths)
		if len(r.steps) == 0 || (t.needFull && !r.full) {
			continue // nothing of the path exists: try the next source
		}
		steps = r.steps
		switch {
		case r.full && t.container:
			desc = messages.M("loc.container", messages.M(containerWord[steps[len(steps)-2].key]), steps[len(steps)-1].name, res)
		case r.full:
			desc = messages.M("loc.field", fieldString(steps), res)
		case r.several:
			desc = messages.M("loc.several", p, res, fieldString(steps))
		default:
			desc = messages.M("loc.unset", p, res, fieldString(steps))
		}
		break
	}
	if steps == nil {
		// the resource itself: metadata.name, else kind:
		if r := resolve(d.root, fieldPath{{key: "metadata"}, {key: "name"}}); r.full {
			steps = r.steps
		} else if r := resolve(d.root, fieldPath{{key: "kind"}}); r.full {
			steps = r.steps
		} else {
			return false
		}
		desc = messages.M("loc.resource", res)
	}
	last := steps[len(steps)-1]
	line, col, end := last.at.Line, last.at.Column, 0
	if line <= 0 {
		return false
	}
	if v := last.val; v != nil && v.Kind != yaml.ScalarNode {
		if e := endLine(v); e > line {
			end = e
		}
	}
	if c.file.rendered && d.source != "" && s.mapTemplate(f, c, steps, desc, line) {
		return true
	}
	if templateOnly {
		return false
	}
	f.Path = c.file.path
	f.Line, f.Column, f.EndLine, f.EndColumn = line, col, end, 0
	setLocated(f, messages.M("loc.at", desc, c.file.path, line))
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Candidates lists the YAML files under root (relative slash paths, sorted),
// skipping hidden directories, node_modules and vendor, and visiting at most
// maxWalk entries (0: DefaultMaxWalk). Pass the result as
// Options.Candidates when the tools report no paths.
func Candidates(root string, maxWalk int) ([]string, error) {
	if maxWalk <= 0 {
		maxWalk = DefaultMaxWalk
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("open root: %w", err)
	}
	defer r.Close()
	var out []string
	n := 0
	err = fs.WalkDir(r.FS(), ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable entries are skipped
		}
		if n++; n > maxWalk {
			return fs.SkipAll
		}
		if de.IsDir() {
			if p != "." && skipDir(de.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if de.Type().IsRegular() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk root: %w", err)
	}
	return out, nil
}

func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor"
}

// allFiles lists the regular files under the root once (bounded), for the
// chart template search.
func (s *Stage) allFiles() []string {
	if s.filesOK {
		return s.files
	}
	s.filesOK = true
	n := 0
	_ = fs.WalkDir(s.root.FS(), ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if n++; n > s.opts.MaxWalk {
			return fs.SkipAll
		}
		if de.IsDir() {
			if p != "." && skipDir(de.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if de.Type().IsRegular() {
			s.files = append(s.files, p)
		}
		return nil
	})
	return s.files
}
