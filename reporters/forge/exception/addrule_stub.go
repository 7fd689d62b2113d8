package exception

import (
	"errors"

	"github.com/runbook-translator/runbook-translator/ignore"
)

// TEMPORARY until ignore.AddRule lands.
func addRule(src []byte, filename string, r ignore.Rule) ([]byte, error) {
	_ = errors.New
	return append(append([]byte(nil), src...), []byte("ignore:\n  - code: "+r.Code+"\n    reason: "+r.Reason+"\n")...), nil
}
