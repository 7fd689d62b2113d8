package exception

import (
	"github.com/runbook-translator/runbook-translator/ignore"
)

// newRule is the rule for exactly the finding: its tool and code, its
// path and resource as literal globs, the reason and expiry asked for,
// who asked, and the link to the request.
func newRule(fd Finding, cmd Command, expires string, c *Comment) ignore.Rule {
	r := ignore.Rule{Code: fd.Code, Tool: fd.Tool, Reason: cmd.Reason, Expires: expires, Link: c.URL, RequestedBy: c.Author.Login}
	if fd.Path != "" {
		r.Path = Glob(fd.Path)
	}
	if fd.Resource != "" {
		r.Resource = Glob(fd.Resource)
	}
	return r
}

// addRule edits the config (ignore.AddRule: layout kept, refusals with
// file:line).
var addRule = ignore.AddRule
