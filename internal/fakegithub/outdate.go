package fakegithub

import "github.com/runbook-translator/runbook-translator/internal/fakeforge"

// GitHub keeps a review comment on its code across pushes: when the line
// it is on moves, `line` moves with it; once the code it was on changes,
// the comment is outdated and `line` (and `position`) are null, while
// `original_line` keeps where it was written
// (https://docs.github.com/en/rest/pulls/comments: line and position are
// nullable; houndci/hound#550 and charignon/github-review#79: "github
// updates the value for position to reflect the new one";
// vitali87/croft#454: GitHub "nulls that field once the branch moves
// under it while keeping original_line"; dear-github/dear-github#430:
// `line` follows lines added above). The fake knows the text of the
// commented line from the patch it was made on, and follows that text to
// the nearest line of the new patch that shows it; when no line of the
// new patch has it, the comment is outdated. A line whose text changed
// is outdated even where GitHub might keep it (a stricter fake).

// patchText maps the new-side line numbers a patch shows (added and
// context lines) to their text.
func patchText(pr *PR, path string) map[int]string {
	out := map[int]string{}
	for _, f := range pr.Files {
		if f.Filename != path {
			continue
		}
		fakeforge.WalkPatch(f.Patch, func(l fakeforge.PatchLine) {
			if l.Kind != '-' {
				out[l.New] = l.Text
			}
		})
	}
	return out
}

// noteLine remembers the text of the line a new top-level comment is on.
// Called with mu held.
func (s *Server) noteLine(c *ReviewComment) {
	pr := s.prs[c.PR]
	if pr == nil || c.Line == nil || c.InReplyTo != 0 {
		return
	}
	if s.lineText == nil {
		s.lineText = map[int64]string{}
	}
	if t, ok := patchText(pr, c.Path)[*c.Line]; ok {
		s.lineText[c.ID] = t
	}
}

// outdate moves or outdates the review comments of p after a push (see
// above). Replies follow their thread's first comment. Called with mu held.
func (s *Server) outdate(p *PR) {
	moved := map[int64]*int{}
	texts := map[string]map[int]string{}
	for _, c := range s.reviewComments {
		if c.PR != p.Number || c.InReplyTo != 0 || c.Line == nil || c.SubjectType == "file" {
			continue
		}
		nt, ok := texts[c.Path]
		if !ok {
			nt = patchText(p, c.Path)
			texts[c.Path] = nt
		}
		text, known := s.lineText[c.ID]
		var to *int
		switch {
		case !known:
			// Added without a patch line (AddReviewComment): it stays
			// while its line is in the diff.
			if _, ok := nt[*c.Line]; ok {
				l := *c.Line
				to = &l
			}
		default:
			best := 0
			for n, t := range nt {
				if t == text && (best == 0 || abs(n-*c.Line) < abs(best-*c.Line) || (abs(n-*c.Line) == abs(best-*c.Line) && n < best)) {
					best = n
				}
			}
			if best != 0 {
				to = &best
			}
		}
		if to == nil {
			c.StartLine = nil
		} else if c.StartLine != nil {
			l := *c.StartLine + *to - *c.Line
			c.StartLine = &l
		}
		c.Line = to
		moved[c.ID] = to
	}
	for _, c := range s.reviewComments {
		if to, ok := moved[c.InReplyTo]; ok && c.PR == p.Number {
			c.Line = to
		}
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
