package lifecycle

import "github.com/runbook-translator/runbook-translator/messages"

// logm logs a message of the table (keys lifelog.*) in the run's
// language: the job log is read by the same people as the comments.
func (s *state) logm(key messages.Key, args ...any) {
	s.logf("%s", messages.T(s.lang, key, args...))
}
