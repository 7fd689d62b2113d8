package exception

import (
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/ignore"
	"github.com/runbook-translator/runbook-translator/messages"
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

// checkPolicy checks the rule against the ignore_policy of the config as
// the base has it (src; empty: no policy). approved_by is the one field a
// requester cannot fill: whoever merges the change approves it. When the
// policy requires it and the rule meets the policy otherwise, approver is
// true and the change asks the approver to add it; any other breach is an
// error, fit to be posted.
func checkPolicy(src []byte, r ignore.Rule, now time.Time) (approver bool, err error) {
	var cfg struct {
		IgnorePolicy ignore.Policy `yaml:"ignore_policy"`
	}
	if len(src) > 0 {
		if err := yaml.Unmarshal(src, &cfg); err != nil {
			return false, msg("exc.policy_read", oneLine(err.Error()))
		}
	}
	p := cfg.IgnorePolicy
	if err := p.Validate(); err != nil {
		return false, msg("exc.policy_inval", messages.OfAll(err))
	}
	if p.Check(r, now) == nil {
		return false, nil
	}
	signed := r
	signed.ApprovedBy = "the approver"
	if err := p.Check(signed, now); err != nil {
		return false, msg("exc.policy_why", messages.OfAll(err))
	}
	return true, nil
}

// oneLine joins the lines of a joined error with "; ".
func oneLine(s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, "; ")
}
