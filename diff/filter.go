package diff

import (
	"context"
	"fmt"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
)

// Mode says which findings count as part of a change.
type Mode int

// Filter modes, as reviewdog names them.
const (
	// ModeAdded keeps findings on added lines.
	ModeAdded Mode = iota
	// ModeDiffContext keeps findings on added or context lines.
	ModeDiffContext
	// ModeFile keeps findings in any file the change touches.
	ModeFile
	// ModeNoFilter keeps every finding.
	ModeNoFilter
)

var modeNames = []string{"added", "diff_context", "file", "nofilter"}

// String returns the name ParseMode accepts.
func (m Mode) String() string {
	if m >= 0 && int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode parses added, diff_context, file or nofilter.
func ParseMode(s string) (Mode, error) {
	for i, n := range modeNames {
		if s == n {
			return Mode(i), nil
		}
	}
	return 0, fmt.Errorf("unknown diff filter mode %q; valid modes: %s", s, strings.Join(modeNames, ", "))
}

// Qualifies reports whether a finding at path, lines [line, endLine], is
// part of the change under mode. A range qualifies when any of its lines
// does; endLine below line means a single line. Line 0 (unknown) qualifies
// only in ModeFile (when the file is in the diff) and ModeNoFilter. Deleted
// files have no new-side lines and never qualify except in ModeNoFilter.
func (d *Diff) Qualifies(mode Mode, path string, line, endLine int) bool {
	if mode == ModeNoFilter {
		return true
	}
	f, ok := d.File(path)
	if !ok || f.Deleted {
		return false
	}
	if mode == ModeFile {
		return true
	}
	return d.Anchor(mode, path, line, endLine) > 0
}

// Anchor returns the first line of [line, endLine] that can carry an inline
// comment under mode: an added line for ModeAdded, an added or context line
// otherwise (a forge only accepts comments on lines its diff shows). It
// returns 0 when there is none.
func (d *Diff) Anchor(mode Mode, path string, line, endLine int) int {
	if line <= 0 {
		return 0
	}
	f, ok := d.File(path)
	if !ok || f.Deleted {
		return 0
	}
	if endLine < line {
		endLine = line
	}
	usable := func(k LineKind) bool { return k == Added || (k == Context && mode != ModeAdded) }
	// A range longer than the lines the diff shows is searched through
	// those lines, not line by line: a hostile range of 2^31 lines cost 12 s
	// a finding, and one ending at 2^63-1 overflowed n++ and never ended.
	if endLine-line >= len(f.lines) {
		best := 0
		for n, k := range f.lines {
			if n >= line && n <= endLine && usable(k) && (best == 0 || n < best) {
				best = n
			}
		}
		return best
	}
	for n := line; ; n++ {
		if usable(f.Line(n)) {
			return n
		}
		if n >= endLine { // not n <= endLine in the loop head: n++ past MaxInt wraps
			return 0
		}
	}
}

// Stage is the "diff-filter" pipeline stage. It marks findings outside the
// change with OutsideDiff and never drops them: reporters still count them
// and list them in summaries.
type Stage struct {
	Diff *Diff
	Mode Mode
}

// StageName is the name of the diff filter stage.
const StageName = "diff-filter"

var _ translator.Stage = (*Stage)(nil)

// Name implements translator.Stage.
func (s *Stage) Name() string { return StageName }

// Map implements translator.Stage.
func (s *Stage) Map(_ context.Context, f *translator.Finding) error {
	if !s.Diff.Qualifies(s.Mode, f.Path, f.Line, f.EndLine) {
		f.OutsideDiff = true
	}
	return nil
}
