package fakegitlab

import "github.com/runbook-translator/runbook-translator/internal/fakeforge"

// After a push GitLab keeps each diff note on its code: a note whose line
// is unchanged in the new diff version is moved onto that version (its
// position gets the new version's SHAs and line; GitLab keeps the old one
// as original_position), and a note whose line changed stays on the
// superseded version, shown as a comment on an outdated diff
// (docs.gitlab.com/api/discussions/: "position" and "original_position";
// docs.gitlab.com/user/project/merge_requests/reviews/#resolve-or-unresolve-thread-with-a-comment
// describes threads on outdated diffs; GitLab's DiffNotePositionUpdate
// service traces positions through the new diff). The fake follows the
// text of the noted line to the nearest line of the new version that
// shows it (added or context); a line whose text changed, or that is no
// longer in the diff, stays behind.

// textLines maps the new-side line numbers a file's diff shows to their
// text, and context lines to their old-side number.
func textLines(patch string) (map[int]string, map[int]int) {
	text, old := map[int]string{}, map[int]int{}
	fakeforge.WalkPatch(patch, func(l fakeforge.PatchLine) {
		switch l.Kind {
		case '+':
			text[l.New] = l.Text
		case ' ':
			text[l.New], old[l.New] = l.Text, l.Old
		}
	})
	return text, old
}

func diffOf(v Version, path string) (Diff, bool) {
	for _, d := range v.Diffs {
		if d.NewPath == path {
			return d, true
		}
	}
	return Diff{}, false
}

// follow moves the diff notes on the latest version of merge request iid
// onto version v, where their line is unchanged. Called with mu held.
func (s *Server) follow(iid int64, v Version) {
	vs := s.mrs[iid]
	if len(vs) == 0 {
		return
	}
	prev := vs[0]
	for _, d := range s.discussions {
		if d.MR != iid || len(d.Notes) == 0 {
			continue
		}
		p := d.Notes[0].Position
		if p == nil || p.HeadSHA != prev.HeadSHA || p.NewLine == nil {
			continue
		}
		was, ok1 := diffOf(prev, p.NewPath)
		now, ok2 := diffOf(v, p.NewPath)
		if !ok1 || !ok2 {
			continue
		}
		oldText, _ := textLines(was.Diff)
		text, ok := oldText[*p.NewLine]
		if !ok {
			continue
		}
		newText, newOld := textLines(now.Diff)
		best := 0
		for n, t := range newText {
			dn, db := n-*p.NewLine, best-*p.NewLine
			if t == text && (best == 0 || dn*dn < db*db || (dn*dn == db*db && n < best)) {
				best = n
			}
		}
		if best == 0 {
			continue // the line changed: the note stays on the old version
		}
		// Replies share the first note's position (see Reply).
		p.BaseSHA, p.StartSHA, p.HeadSHA, p.OldPath = v.BaseSHA, v.StartSHA, v.HeadSHA, now.OldPath
		nl := best
		p.NewLine, p.OldLine = &nl, nil
		p.LineRange = nil // the fake moves the position's line only
		if o, ok := newOld[best]; ok {
			p.OldLine = &o
		}
	}
}
