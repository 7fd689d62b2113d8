package fakeforge

import (
	"regexp"
	"strconv"
	"strings"
)

// hunkHeader is a unified diff's "@@ -a,b +c,d @@" (GNU diffutils manual,
// "Detailed Description of Unified Format"; GitHub's `patch` and GitLab's
// `diff` fields carry these hunks). The fakes walk patches with this
// parser, deliberately separate from the packages under test so that a
// fake does not share their bugs.
var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@`)

// PatchLine is one added ('+'), removed ('-') or context (' ') line of a
// patch. Old and New are its line numbers on the old and new side; an
// added line's Old is the old-side line it is inserted before, a removed
// line's New the new-side line it was removed before.
type PatchLine struct {
	Kind     byte
	Old, New int
	Text     string
}

// WalkPatch calls fn with each line of patch's hunks, in order. Lines
// before the first hunk header, empty lines and others (such as
// "\ No newline at end of file") are passed over.
func WalkPatch(patch string, fn func(PatchLine)) {
	o, n, in := 0, 0, false
	for _, l := range strings.Split(patch, "\n") {
		if ho, hn, ok := header(l); ok {
			o, n, in = ho, hn, true
			continue
		}
		if !in || l == "" || !strings.ContainsRune("+- ", rune(l[0])) {
			continue
		}
		fn(PatchLine{Kind: l[0], Old: o, New: n, Text: l[1:]})
		if l[0] != '+' {
			o++
		}
		if l[0] != '-' {
			n++
		}
	}
}

// header returns the old and new start lines of a hunk header line.
func header(l string) (old, nw int, ok bool) {
	m := hunkHeader.FindStringSubmatch(l)
	if m == nil {
		return 0, 0, false
	}
	old, _ = strconv.Atoi(m[1])
	nw, _ = strconv.Atoi(m[2])
	return old, nw, true
}
