package parsers

import translator "github.com/runbook-translator/runbook-translator"

// clampPositions turns negative line and column numbers, which a broken or
// hostile input can carry ("startLine": -7), into 0, the Location value for
// "unknown". A negative line would otherwise reach the forge APIs (inline
// comments, annotations) and fail the whole review.
func clampPositions(l *translator.Location) {
	for _, p := range []*int{&l.Line, &l.Column, &l.EndLine, &l.EndColumn} {
		if *p < 0 {
			*p = 0
		}
	}
}
