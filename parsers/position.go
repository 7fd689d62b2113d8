package parsers

import translator "github.com/runbook-translator/runbook-translator"

// clampPositions turns negative line and column numbers, which a broken or
// hostile input can carry ("startLine": -7), into 0, the Location value for
// "unknown". A negative line would otherwise reach the forge APIs (inline
// comments, annotations) and fail the whole review.
//
// It also bounds them (translator.Location.Clamp): a line of 2^63-1 once
// made the diff filter loop forever.
func clampPositions(l *translator.Location) {
	l.Clamp()
}
