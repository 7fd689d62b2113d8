package fix

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/repofs"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// maxNote bounds a FixNote (it quotes paths and keys from the input).
const maxNote = 400

// Options configure the stage.
type Options struct {
	// Root is the repository root; finding paths are relative to it, and
	// nothing outside it is read.
	Root string
	// Entry returns the catalog entry matched to a finding (after the
	// runbook stage), or nil.
	Entry func(*translator.Finding) *runbooks.Entry
	// Values are the catalogs' fix values, for edits with catalog_value:
	// (nil: none is set).
	Values runbooks.Values
	// MaxFileSize and MaxTotal bound what is read (0: repofs defaults).
	MaxFileSize, MaxTotal int64
}

// Stats counts what the stage did.
type Stats struct {
	// Considered findings have an entry with a fix: block.
	Considered int
	// Fixed got at least one fix; the others got a FixNote.
	Fixed int
}

// Stage computes Finding.Fixes from the fix: block of each finding's
// runbook entry. It runs after the runbook stage.
type Stage struct {
	opts Options
	root *repofs.Root

	mu    sync.Mutex
	files map[string]fileData
	stats Stats
	// values are the fixes made in charts' values files so far, by
	// values file (helmvalues.go).
	values map[string][]*valuesGiven
	// pending are the values fixes of the finding being mapped.
	pending []*valuesGiven
	// given are the edits of the fix the fix command applies (the first)
	// of each finding fixed so far, by file and object (objectKey), in
	// the order given: the view a later fix of the same object reads.
	given map[string][][]translator.Edit
}

type fileData struct {
	src string
	err error
	// note and noteText are the FixNote of every finding in a file that
	// cannot be read, made once: a run of 200,000 findings in missing
	// files spent a fifth of its CPU wording the same note.
	note     messages.Msg
	noteText string
	// docs are the documents of a rendered Helm stream (a file with
	// "# Source:" comments), parsed once; nil for any other file.
	docs []locate.Document
}

var _ translator.Mapper = (*Stage)(nil)

// New opens the root. Close releases it.
func New(opts Options) (*Stage, error) {
	if opts.Root == "" {
		opts.Root = "."
	}
	var r *repofs.Root
	var err error
	if opts.MaxFileSize > 0 || opts.MaxTotal > 0 {
		r, err = repofs.New(opts.Root, opts.MaxFileSize, opts.MaxTotal)
	} else {
		r, err = repofs.Open(opts.Root)
	}
	if err != nil {
		return nil, fmt.Errorf("open root: %w", err)
	}
	return &Stage{opts: opts, root: r, files: map[string]fileData{}, given: map[string][][]translator.Edit{}}, nil
}

// Close releases the root.
func (s *Stage) Close() error { return s.root.Close() }

// Name implements translator.Stage.
func (s *Stage) Name() string { return "fix" }

// Stats returns the counts so far.
func (s *Stage) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Process implements translator.Stage.
func (s *Stage) Process(ctx context.Context, fs translator.Findings) (translator.Findings, error) {
	for _, f := range fs {
		if err := ctx.Err(); err != nil {
			return fs, err
		}
		if err := s.Map(ctx, f); err != nil {
			return fs, err
		}
	}
	return fs, nil
}

// Map implements translator.Mapper. A fix that cannot be made is never an
// error of the run: the finding gets a FixNote instead.
func (s *Stage) Map(_ context.Context, f *translator.Finding) error {
	if f == nil || f.Runbook == nil || s.opts.Entry == nil || f.Ignored() {
		return nil
	}
	e := s.opts.Entry(f)
	if e == nil || len(e.Fix) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Considered++
	defer s.shareValues(f)
	if d, ok := s.files[f.Path]; ok && d.noteText != "" {
		f.FixNote, f.FixNoteText = d.noteText, d.note
		return nil
	}
	fixes, note := s.compute(f, e)
	if len(fixes) > 0 {
		s.stats.Fixed++
		f.Fixes = append(fixes, f.Fixes...)
		return nil
	}
	f.FixNote = truncate(note.In(messages.Default), maxNote)
	f.FixNoteText = note
	return nil
}

// compute returns the fixes of e for f, or why there are none.
func (s *Stage) compute(f *translator.Finding, e *runbooks.Entry) ([]translator.Fix, messages.Msg) {
	if f.Path == "" {
		return nil, messages.M("fixnote.no_file")
	}
	src, err := s.read(f.Path)
	if errors.Is(err, fs.ErrNotExist) && strings.Contains("/"+f.Path, "/templates/") {
		// kube-score names the "# Source:" template of a rendered stream;
		// the locate stage moves the finding to the template when the
		// chart is under the root, never to the generated stream.
		return nil, messages.M("fixnote.chart_missing", f.Path)
	}
	if err != nil {
		note := messages.M("fixnote.unreadable", f.Path, messages.Of(err))
		if d, ok := s.files[f.Path]; ok {
			d.note, d.noteText = note, truncate(note.In(messages.Default), maxNote)
			s.files[f.Path] = d
		}
		return nil, note
	}
	if tmpl := s.renderedFrom(f, src); tmpl != "" {
		// A document of a rendered stream (helm template's output, with
		// its "# Source:" comment) is regenerated from its chart: a change
		// to it is lost on the next render. The locate stage moves a
		// finding to the template when it can (kube-score, Conftest);
		// one that stays here (Trivy reports the stream's own lines) gets
		// no fix, and the note says where the change belongs.
		return nil, messages.M("fixnote.rendered", f.Path, tmpl)
	}
	var out []translator.Fix
	// note is why the first alternative does not apply; unset, when a
	// later one lacks only catalog values, says which the organisation
	// catalog should set.
	var note, unset messages.Msg
	// otherKind: note is that the first alternative is for other kinds;
	// the reason of a later alternative, one for this kind, replaces it
	// (a NetworkPolicy by the workload's selector for a Deployment, by its
	// pod labels for a CronJob: a CronJob without labels is told so).
	otherKind := false
	key := objectKey(f)
	view := ""
	if copies(e) {
		view = s.view(key, src)
	}
	defer func() {
		if len(out) > 0 && key != "" {
			s.give(key, f.Path, out[0].Edits)
		}
	}()
	for _, fx := range e.Fix {
		if !ForFinding(fx, f) {
			continue
		}
		got, err := computeWithView([]byte(src), view, f, fx, "runbook:"+e.ID, s.opts.Values)
		if err != nil && NotHere(err) && !isTerraform(f.Path) && strings.Contains(src, "{{") {
			if vg, ok, verr := s.valuesFix(f, fx, src, "runbook:"+e.ID); ok {
				got, err = vg, verr
			}
		}
		switch {
		case err != nil:
			if note.IsZero() || otherKind && !kindsErr(err) {
				note = messages.M("fixnote.because", fixDesc(fx), notePhrase(err))
				otherKind = kindsErr(err)
			} else if ValuesUnset(err) != nil && unset.IsZero() {
				// first in the note, which is bounded: what to set
				unset = messages.M("fixnote.value_unset", strings.Join(ValuesUnset(err), ", "))
			}
		case len(got.Edits) == 0:
			if note.IsZero() {
				note = messages.M("fixnote.already", fixDesc(fx), f.Path)
			}
		case sameEdits(out, got):
			// an alternative that copies where it can and takes a
			// catalog value elsewhere makes the first one's edits when
			// there is everything to copy: offered once
		default:
			out = append(out, got)
		}
	}
	if !unset.IsZero() {
		note = messages.M("fixnote.also", unset, note)
	}
	return out, note
}

// objectKey names the object of a Kubernetes finding in its file, for
// the fixes of the run (Stage.given); "" when the finding names none or
// is about a Terraform file.
func objectKey(f *translator.Finding) string {
	if f.Resource == "" || isTerraform(f.Path) {
		return ""
	}
	return f.Path + "\x00" + f.Resource
}

// Copies reports whether f's entry has a fix that copies its object's
// fields into what it writes (see copies): such a fix reads the fixes
// given to the object's other findings before it, so a caller that holds
// the whole run computes those first (FixOrder).
func (s *Stage) Copies(f *translator.Finding) bool {
	if f == nil || f.Runbook == nil || s.opts.Entry == nil {
		return false
	}
	e := s.opts.Entry(f)
	return e != nil && copies(e)
}

// FixOrder returns fs in the order a run that holds them all computes
// their fixes: report order (translator.Less), the findings whose fixes
// copy their object's fields last. Then a ServiceAccount or
// PodDisruptionBudget a fix adds for a workload carries the labels the
// workload's other fixes add, whatever order the scanner wrote its
// findings in (Conftest's changes from run to run).
func (s *Stage) FixOrder(fs translator.Findings) translator.Findings {
	sorted := append(translator.Findings(nil), fs...)
	sorted.Sort()
	out := sorted[:0:0]
	var copying translator.Findings
	for _, f := range sorted {
		if s.Copies(f) {
			copying = append(copying, f)
		} else {
			out = append(out, f)
		}
	}
	return append(out, copying...)
}

// copies reports whether a fix of e reads the object's fields into what it
// writes: a mapping placeholder or a from: (see computeView).
func copies(e *runbooks.Entry) bool {
	for _, fx := range e.Fix {
		for _, ed := range fx.Edits {
			if ed.From != "" || ed.Document != nil || isStructured(ed.Value) {
				return true
			}
		}
	}
	return false
}

// give records the edits of the fix given to a finding on the object of
// key (identical ones once: two findings asking for the same change).
func (s *Stage) give(key, path string, es []translator.Edit) {
	for _, e := range es {
		if e.Path != path {
			return // not an edit of the object's file: no view of it
		}
	}
	for _, g := range s.given[key] {
		if slices.Equal(g, es) {
			return
		}
	}
	s.given[key] = append(s.given[key], es)
}

// view is src with the fixes given so far to findings on the object of
// key applied, as the fix command applies them (in order, one that
// overlaps an earlier one left out); "" when there are none. A fix that
// copies the object's labels into a document or key it adds reads them
// here, so that it carries the labels another fix of the run adds to the
// object (k8s-required-labels' team label on the ServiceAccount that
// k8s-default-service-account adds). A fix given earlier in the run is
// not computed again: the fix that adds the labels is to come first, as
// Conftest's findings of required_labels come before those of the other
// policies of an object.
func (s *Stage) view(key, src string) string {
	if key == "" || len(s.given[key]) == 0 {
		return ""
	}
	var taken []translator.Edit
next:
	for _, es := range s.given[key] {
		for _, e := range es {
			for _, t := range taken {
				if Overlap(e, t) {
					continue next
				}
			}
		}
		taken = append(taken, es...)
	}
	out, err := Apply(src, taken)
	if err != nil {
		return ""
	}
	return out
}

func (s *Stage) read(p string) (string, error) {
	if d, ok := s.files[p]; ok {
		return d.src, d.err
	}
	b, err := s.root.ReadFile(p)
	if errors.Is(err, repofs.ErrOutside) {
		err = messages.Errorf("fixerr.outside")
	}
	d := fileData{src: string(b), err: err}
	s.files[p] = d
	return d.src, d.err
}

// renderedFrom returns the "# Source:" template of the document of the
// rendered Helm stream src that holds f (named by its resource, else by its
// line), or "" when src is not such a stream or f is in no document of it.
// Called with s.mu held.
func (s *Stage) renderedFrom(f *translator.Finding, src string) string {
	if isTerraform(f.Path) || !strings.Contains(src, "# Source: ") {
		return ""
	}
	d := s.files[f.Path]
	if d.docs == nil {
		d.docs = locate.Documents([]byte(src))
		if d.docs == nil {
			d.docs = []locate.Document{}
		}
		s.files[f.Path] = d
	}
	if f.Resource != "" {
		if doc, ok := locate.FindDocument(d.docs, f.Resource, f.Extra["namespace"]); ok {
			return doc.Source
		}
	}
	if f.Line <= 0 {
		return ""
	}
	// the last document that starts at or before the line
	source := ""
	for _, doc := range d.docs {
		if doc.Root != nil && doc.Root.Line <= f.Line {
			source = doc.Source
		}
	}
	return source
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// sameEdits reports whether one of the fixes makes exactly the edits of
// got.
func sameEdits(fixes []translator.Fix, got translator.Fix) bool {
	for _, x := range fixes {
		if len(x.Edits) != len(got.Edits) {
			continue
		}
		same := true
		for i := range x.Edits {
			if x.Edits[i] != got.Edits[i] {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

// fixDesc is fx's description as a note's argument: in a catalog of
// another language (fx.Lang) both its English (the FixNote, kept in
// English) and the translation (the note in the report's language).
func fixDesc(fx runbooks.Fix) any {
	if fx.Lang == "" || fx.English == "" {
		return fx.Description
	}
	return messages.Text{messages.Default: fx.English, fx.Lang: fx.Description}
}

// descLang is the language of fx's description.
func descLang(fx runbooks.Fix) string {
	if fx.Lang == "" {
		return messages.Default
	}
	return fx.Lang
}
