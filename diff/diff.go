// Package diff models what a change touches, so that findings can be told
// apart by whether a reviewer can see them: for every file of the new side,
// which lines were added and which are context lines shown around them.
//
// It reads unified diffs (`git diff` output, a .diff file) with
// github.com/bluekeyes/go-gitdiff, and the per-file hunks that forges return
// without file headers (the `patch` field of GitHub's
// GET /repos/{owner}/{repo}/pulls/{n}/files, the `diff` field of GitLab's
// merge request diffs) with ParsePatch.
//
// Line numbers are 1-based and always on the new side ("RIGHT" on GitHub).
package diff

import (
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/runbook-translator/runbook-translator/messages"

	"github.com/bluekeyes/go-gitdiff/gitdiff"
)

// LineKind says how a line of the new side appears in the diff.
type LineKind uint8

// Line kinds; the zero value means the line is not shown in the diff.
const (
	NotInDiff LineKind = iota
	// Context is an unchanged line shown around a change.
	Context
	// Added is a line the change adds (or modifies).
	Added
)

// String returns "none", "context" or "added".
func (k LineKind) String() string {
	switch k {
	case Context:
		return "context"
	case Added:
		return "added"
	}
	return "none"
}

// File is one file of a diff.
type File struct {
	// Path is the repository-relative slash path on the new side; for a
	// deleted file it is the old path.
	Path string
	// OldPath is the path before a rename or copy ("" when unchanged).
	OldPath string
	// New, Deleted, Renamed and Copied describe the change to the file.
	New, Deleted, Renamed, Copied bool
	// Binary is set for binary changes, which have no lines.
	Binary bool
	// Unknown, when set, says why the file's lines are not known: the
	// forge sent no patch for it (a binary file, a diff too large to
	// show) or one that could not be read. A finding in such a file
	// cannot go inline, and summaries give this reason rather than
	// "outside the diff", which would be a guess. It is English (the job
	// log's words); UnknownMsg, when set, is the same reason as a message
	// of the table, for a report in the run's language (UnknownIn).
	Unknown    string
	UnknownMsg messages.Msg
	// lines maps a new-side line number to its kind.
	lines map[int]LineKind
	// text maps a new-side line the diff shows to its content (without
	// the line break): what the change's head has there, for checking
	// that a suggested fix was computed from the same lines.
	text map[int]string
}

// Text returns the content of a new-side line the diff shows, without its
// line break; false when the diff does not show the line.
func (f *File) Text(n int) (string, bool) {
	if f == nil {
		return "", false
	}
	s, ok := f.text[n]
	return s, ok
}

// Line returns the kind of a new-side line.
func (f *File) Line(n int) LineKind {
	if f == nil {
		return NotInDiff
	}
	return f.lines[n]
}

// Lines returns the new-side line numbers of the given kind, sorted.
func (f *File) Lines(kind LineKind) []int {
	var out []int
	for n, k := range f.lines {
		if k == kind {
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out
}

func (f *File) set(n int, k LineKind) {
	if f.lines == nil {
		f.lines = map[int]LineKind{}
	}
	if k > f.lines[n] {
		f.lines[n] = k
	}
}

func (f *File) setText(n int, line string) {
	if f.text == nil {
		f.text = map[int]string{}
	}
	f.text[n] = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
}

// Diff is the set of files a change touches, keyed by new-side path.
type Diff struct {
	files map[string]*File
	// Truncated, when set, says the forge's listing of the change was cut
	// (GitHub lists at most 3,000 files of a pull request, GitLab stops
	// at its diff limits): a path missing from the diff may still be part
	// of the change, so "outside the diff" is not known for it. Like
	// File.Unknown it is English; SetTruncated sets it with TruncatedMsg.
	Truncated    string
	TruncatedMsg messages.Msg
}

// SetUnknown sets the file's Unknown to m, in English for the job log.
func (f *File) SetUnknown(m messages.Msg) {
	f.Unknown, f.UnknownMsg = m.In(messages.Default), m
}

// SetTruncated says the listing was cut, with m as the reason (Truncated
// gets its English).
func (d *Diff) SetTruncated(m messages.Msg) {
	d.Truncated, d.TruncatedMsg = m.In(messages.Default), m
}

// New returns an empty diff.
func New() *Diff { return &Diff{files: map[string]*File{}} }

// Add puts a file into the diff, replacing one with the same path.
func (d *Diff) Add(f *File) {
	if d.files == nil {
		d.files = map[string]*File{}
	}
	f.Path = CleanPath(f.Path)
	d.files[f.Path] = f
}

// File returns the file at a new-side path.
func (d *Diff) File(p string) (*File, bool) {
	if d == nil {
		return nil, false
	}
	f, ok := d.files[CleanPath(p)]
	return f, ok
}

// Files returns every file, sorted by path.
func (d *Diff) Files() []*File {
	if d == nil {
		return nil
	}
	out := make([]*File, 0, len(d.files))
	for _, f := range d.files {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Line returns the kind of a new-side line of a file.
func (d *Diff) Line(p string, n int) LineKind {
	f, _ := d.File(p)
	return f.Line(n)
}

// CleanPath turns a finding's or a diff's path into the key used here:
// slash-separated and cleaned, without a leading "./". Diff prefixes such as
// "a/" and "b/" are removed by the diff parser, never guessed here.
func CleanPath(p string) string {
	if p == "" {
		return ""
	}
	p = path.Clean(strings.ReplaceAll(p, "\\", "/"))
	return strings.TrimPrefix(p, "./")
}

// Parse reads a unified diff, as printed by `git diff` or `diff -u`.
// Files without hunks (mode changes, binary files, pure renames) are
// included with no lines. Empty input is an empty diff.
func Parse(r io.Reader) (*Diff, error) {
	files, _, err := gitdiff.Parse(r)
	if err != nil {
		return nil, fmt.Errorf("parse diff: %w", err)
	}
	d := New()
	for _, gf := range files {
		f := &File{
			Path:    gf.NewName,
			New:     gf.IsNew,
			Deleted: gf.IsDelete,
			Renamed: gf.IsRename,
			Copied:  gf.IsCopy,
			Binary:  gf.IsBinary,
		}
		if gf.IsDelete || f.Path == "" {
			f.Path = gf.OldName
		}
		if (gf.IsRename || gf.IsCopy) && gf.OldName != gf.NewName {
			f.OldPath = CleanPath(gf.OldName)
		}
		if !gf.IsDelete {
			addFragments(f, gf.TextFragments)
		}
		d.Add(f)
	}
	return d, nil
}

func addFragments(f *File, frags []*gitdiff.TextFragment) {
	for _, frag := range frags {
		n := int(frag.NewPosition)
		for _, l := range frag.Lines {
			switch l.Op {
			case gitdiff.OpAdd:
				f.set(n, Added)
				f.setText(n, l.Line)
				n++
			case gitdiff.OpContext:
				f.set(n, Context)
				f.setText(n, l.Line)
				n++
			}
		}
	}
}

// maxPatch bounds what ParsePatch reads: GitHub omits the patch of files
// whose diff is larger than about 1 MB, so a longer one is not a forge patch.
const maxPatch = 64 << 20

// ParsePatch reads the hunks of one file as forges return them: a patch
// that starts at the first "@@" header, with no "diff --git", "---" or
// "+++" lines. An empty patch (binary files, files too large for the forge
// to show) gives a file with no lines.
func ParsePatch(p, patch string) (*File, error) {
	f := &File{Path: CleanPath(p)}
	if strings.TrimSpace(patch) == "" {
		return f, nil
	}
	if len(patch) > maxPatch {
		return nil, fmt.Errorf("parse patch of %s: %d bytes is over the %d-byte limit", p, len(patch), maxPatch)
	}
	if !strings.HasSuffix(patch, "\n") {
		patch += "\n"
	}
	// go-gitdiff needs file headers; the name in them is a placeholder,
	// the real one is p.
	files, _, err := gitdiff.Parse(strings.NewReader("--- a/f\n+++ b/f\n" + patch))
	if err != nil {
		return nil, fmt.Errorf("parse patch of %s: %w", p, err)
	}
	if len(files) != 1 {
		return nil, fmt.Errorf("parse patch of %s: found %d file headers, want none", p, len(files)-1)
	}
	addFragments(f, files[0].TextFragments)
	return f, nil
}

// Patch is one file of a forge's change listing.
type Patch struct {
	// Path is the new-side path (GitHub "filename", GitLab "new_path").
	Path string
	// OldPath is the previous path of a renamed file (GitHub
	// "previous_filename", GitLab "old_path").
	OldPath string
	// Status is GitHub's file status: added, removed, modified, renamed,
	// copied, changed, unchanged ("" when unknown).
	Status string
	// Patch is the file's hunks; empty when the forge omits them.
	Patch string
	// Omitted, when Patch is empty, says why the forge left it out ("no
	// patch: binary file or diff too large"); "" when the file has no
	// changed lines to show (a pure rename, a mode change, an empty new
	// file). OmittedMsg, when set, is the reason as a message of the
	// table and takes the place of Omitted (whose English it has).
	Omitted    string
	OmittedMsg messages.Msg
}

// FromPatches builds a diff from a forge's per-file patches. A patch that
// cannot be read does not fail the others: its file is in the diff with
// Unknown saying why, so its findings are listed with that reason instead
// of going inline (GitHub's own OpenAPI example patch, a hunk header with
// no lines, is one such).
func FromPatches(ps []Patch) *Diff {
	d := New()
	for _, p := range ps {
		f, err := ParsePatch(p.Path, p.Patch)
		if err != nil {
			f = &File{Path: CleanPath(p.Path)}
			f.SetUnknown(messages.M("diff.patch_unreadable", err.Error()))
		} else if p.Patch == "" && p.Status != "removed" {
			if !p.OmittedMsg.IsZero() {
				f.SetUnknown(p.OmittedMsg)
			} else if p.Omitted != "" {
				f.Unknown = p.Omitted
			}
		}
		switch p.Status {
		case "added":
			f.New = true
		case "removed":
			f.Deleted = true
			f.lines, f.text = nil, nil
		case "renamed":
			f.Renamed = true
		case "copied":
			f.Copied = true
		}
		if p.OldPath != "" && CleanPath(p.OldPath) != f.Path {
			f.OldPath = CleanPath(p.OldPath)
			if p.Status == "" {
				f.Renamed = true
			}
		}
		d.Add(f)
	}
	return d
}

// Unknown says why the lines of path are not known to the diff: its
// file's Unknown, or Truncated when the path is not in a cut listing. It
// is "" when the diff knows the file, or knows that the change does not
// touch it.
func (d *Diff) Unknown(path string) string {
	if d == nil {
		return ""
	}
	if f, ok := d.File(path); ok {
		return f.Unknown
	}
	return d.Truncated
}

// UnknownIn is Unknown in lang, for a report: a reason kept as a message
// is worded in lang, one kept only as text is given as it is.
func (d *Diff) UnknownIn(lang, path string) string {
	if d == nil {
		return ""
	}
	if f, ok := d.File(path); ok {
		if !f.UnknownMsg.IsZero() {
			return f.UnknownMsg.In(lang)
		}
		return f.Unknown
	}
	if !d.TruncatedMsg.IsZero() {
		return d.TruncatedMsg.In(lang)
	}
	return d.Truncated
}

// DescribeUnknown returns one line per file whose lines are not known
// ("path: reason"), at most max of them and then one line counting the
// rest, for a job log.
func (d *Diff) DescribeUnknown(max int) []string {
	var out []string
	n := 0
	for _, f := range d.Files() {
		if f.Unknown == "" {
			continue
		}
		if n++; n <= max {
			out = append(out, f.Path+": "+f.Unknown)
		}
	}
	if n > max {
		out = append(out, fmt.Sprintf("and %d more files whose lines are not known (the summary lists their findings)", n-max))
	}
	return out
}
