package fakegitlab

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/runbook-translator/runbook-translator/internal/fakeforge"
)

// LineRange is position[line_range] of a multi-line diff thread
// (docs.gitlab.com/api/discussions/#parameters-for-multiline-comments).
type LineRange struct {
	Start *LineRangeEnd `json:"start,omitempty"`
	End   *LineRangeEnd `json:"end,omitempty"`
}

// LineRangeEnd is one end of a line range: its line code, "SHA1 hash of
// the filename, followed by '_', the line number before the change, '_',
// and the line number after the change", and its type ("new" for an added
// line, "old" for a removed one).
type LineRangeEnd struct {
	LineCode string `json:"line_code"`
	Type     string `json:"type,omitempty"`
}

// lineRangeValid checks a line range against the version the position
// names: both ends present, each line code naming a line of the file's
// diff of the type given (an added line's old number is the old-side
// position it is inserted at), the start not after the end, and the end
// being the position's new_line. Unchanged lines (type not "new" or
// "old") are refused: GitLab does not document their type, so the fake
// is the stricter one. A position without a range is valid here.
func lineRangeValid(p *Position, versions []Version) bool {
	lr := p.LineRange
	if lr == nil {
		return true
	}
	if lr.Start == nil || lr.End == nil || p.NewLine == nil {
		return false
	}
	for _, v := range versions {
		if v.HeadSHA != p.HeadSHA {
			continue
		}
		d, ok := diffOf(v, p.NewPath)
		if !ok {
			return false
		}
		added := addedAt(d.Diff)
		// The documented line_code formula (see LineRangeEnd), the fake's
		// own single copy: it must not use reporters/gitlab's, or it
		// could not catch that code's bugs.
		h := sha1.Sum([]byte(p.NewPath))
		prefix := hex.EncodeToString(h[:]) + "_"
		line := func(e *LineRangeEnd) int {
			if e.Type != "new" || !strings.HasPrefix(e.LineCode, prefix) {
				return 0
			}
			var o, n int
			if _, err := fmt.Sscanf(strings.TrimPrefix(e.LineCode, prefix), "%d_%d", &o, &n); err != nil {
				return 0
			}
			if at, ok := added[n]; !ok || at != o || strings.TrimPrefix(e.LineCode, prefix) != strconv.Itoa(o)+"_"+strconv.Itoa(n) {
				return 0
			}
			return n
		}
		start, end := line(lr.Start), line(lr.End)
		return start > 0 && end > 0 && start <= end && end == *p.NewLine
	}
	return false
}

// addedAt maps the added lines of a patch to the old-side position they
// are inserted at.
func addedAt(patch string) map[int]int {
	out := map[int]int{}
	fakeforge.WalkPatch(patch, func(l fakeforge.PatchLine) {
		if l.Kind == '+' {
			out[l.New] = l.Old
		}
	})
	return out
}
