package ignore

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/internal/lazyre"
	"github.com/runbook-translator/runbook-translator/messages"
)

// DefaultWarnDays is the warning window when the policy sets none: a
// finding whose exception expires within it says so in every report.
const DefaultWarnDays = 14

// maxDays bounds durations (about 100 years) so a date computed from one
// stays a four-digit year.
const maxDays = 36500

// Policy is the team's rules for ignore rules, the ignore_policy: key of
// the config:
//
//	ignore_policy:
//	  max_expiry: 90d            # every rule expires, at most 90 days ahead
//	  require: [link|approved_by] # each entry a field, or alternatives joined by |
//	  warn_within: 14d           # "exception expires in N days" from then on
//
// A reason is always required (Rule.Validate).
type Policy struct {
	// MaxExpiry is the longest allowed expiry from today ("90d", "12w");
	// when set, a rule without expires breaks the policy.
	MaxExpiry string `yaml:"max_expiry,omitempty" json:"max_expiry,omitempty"`
	// Require lists fields every rule must set: "link", "approved_by", or
	// "link|approved_by" for either.
	Require []string `yaml:"require,omitempty" json:"require,omitempty"`
	// WarnWithin is how long before its expiry an exception is reported as
	// expiring ("14d"); default 14 days.
	WarnWithin string `yaml:"warn_within,omitempty" json:"warn_within,omitempty"`
}

var durationRE = lazyre.New(`^([0-9]{1,6})([dw])$`)

// ParseDays parses a duration in days: "30d", or weeks, "2w". Other units
// (hours, months, whose length varies) are refused.
func ParseDays(s string) (int, error) {
	m := durationRE().FindStringSubmatch(s)
	if m == nil {
		return 0, messages.Errorf("policyval.duration", s)
	}
	n, _ := strconv.Atoi(m[1])
	if m[2] == "w" {
		n *= 7
	}
	if n > maxDays {
		return 0, messages.Errorf("policyval.too_long", s, maxDays)
	}
	return n, nil
}

// Today is now's date in UTC, the day expiry is judged on.
func Today(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseExpiry turns the --expires of `ignore add` (or the duration of a
// comment command) into the rule's expiry date: "30d" is 30 days after
// today (UTC), a YYYY-MM-DD date is taken as it is. A date before today or
// a duration of 0 is an error: such a rule would never suppress. Errors
// name the value, not the flag, for the caller to prefix.
func ParseExpiry(s string, now time.Time) (string, error) {
	today := Today(now)
	if d, err := time.Parse(DateLayout, s); err == nil {
		if d.Before(today) {
			return "", messages.Errorf("policyval.past", s, today.Format(DateLayout))
		}
		return s, nil
	}
	if !durationRE().MatchString(s) {
		return "", messages.Errorf("policyval.expiry", s)
	}
	n, err := ParseDays(s)
	if err != nil {
		return "", err
	}
	if n == 0 {
		return "", messages.Errorf("policyval.at_least", s)
	}
	return today.AddDate(0, 0, n).Format(DateLayout), nil
}

// ruleKeys are the YAML keys of Rule, which Require may name.
var ruleKeys = func() map[string]bool {
	keys := map[string]bool{}
	t := reflect.TypeOf(Rule{})
	for i := 0; i < t.NumField(); i++ {
		keys[strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]] = true
	}
	return keys
}()

// Validate checks the policy's own values.
func (p Policy) Validate() error {
	var errs []error
	if p.MaxExpiry != "" {
		if _, err := ParseDays(p.MaxExpiry); err != nil {
			errs = append(errs, messages.Errorf("policyval.field", "max_expiry", messages.Of(err)))
		}
	}
	if p.WarnWithin != "" {
		if _, err := ParseDays(p.WarnWithin); err != nil {
			errs = append(errs, messages.Errorf("policyval.field", "warn_within", messages.Of(err)))
		}
	}
	for i, req := range p.Require {
		for _, k := range strings.Split(req, "|") {
			if !ruleKeys[k] {
				errs = append(errs, messages.Errorf("policyval.not_field", i, k, strings.Join(sortedKeys(), ", ")))
			}
		}
	}
	return errors.Join(errs...)
}

func sortedKeys() []string {
	var out []string
	t := reflect.TypeOf(Rule{})
	for i := 0; i < t.NumField(); i++ {
		out = append(out, strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0])
	}
	return out
}

// WarnDays is the warning window in days. The policy should have passed
// Validate; a bad value counts as the default.
func (p Policy) WarnDays() int {
	if p.WarnWithin == "" {
		return DefaultWarnDays
	}
	n, err := ParseDays(p.WarnWithin)
	if err != nil {
		return DefaultWarnDays
	}
	return n
}

// Check returns every way r breaks the policy on now's date: a field the
// policy requires is empty, the rule has no expiry although max_expiry is
// set, or it expires later than max_expiry from today. A rule that has
// already expired does not break max_expiry: it simply no longer
// suppresses.
func (p Policy) Check(r Rule, now time.Time) error {
	var errs []error
	values := map[string]string{}
	for _, f := range r.fields() {
		values[f[0]] = strings.TrimSpace(f[1])
	}
	for _, req := range p.Require {
		alts := strings.Split(req, "|")
		ok := false
		for _, k := range alts {
			if values[k] != "" {
				ok = true
			}
		}
		if !ok {
			if len(alts) == 1 {
				errs = append(errs, messages.Errorf("policy.missing", req))
			} else {
				errs = append(errs, messages.Errorf("policy.missing_one", orList(alts)))
			}
		}
	}
	if p.MaxExpiry != "" {
		if max, err := ParseDays(p.MaxExpiry); err == nil {
			latest := Today(now).AddDate(0, 0, max)
			switch d, derr := time.Parse(DateLayout, r.Expires); {
			case r.Expires == "":
				errs = append(errs, messages.Errorf("policy.no_expires", p.MaxExpiry, latest.Format(DateLayout)))
			case derr != nil:
				// Rule.Validate reports the bad date.
			case d.After(latest):
				errs = append(errs, messages.Errorf("policy.too_late", r.Expires, p.MaxExpiry, latest.Format(DateLayout)))
			}
		}
	}
	return errors.Join(errs...)
}

// DaysLeft is how many days r still suppresses after today: 0 when it
// expires today (its last day), negative once expired; ok is false for a
// rule without (or with an unparsable) expiry.
func (r Rule) DaysLeft(now time.Time) (days int, ok bool) {
	if r.Expires == "" {
		return 0, false
	}
	d, err := time.Parse(DateLayout, r.Expires)
	if err != nil {
		return 0, false
	}
	return int(d.Sub(Today(now)).Hours() / 24), true
}

// Lines finds, in the config text src, the line of each item of the
// ignore: list and of the ignore_policy: key, so that config errors can
// say file:line. Lines that cannot be found are 0.
func Lines(src []byte) (rules []int, policy int) {
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, 0
	}
	root := doc.Content[0]
	if _, v := lookup(root, "ignore"); v != nil && v.Kind == yaml.SequenceNode {
		for _, it := range v.Content {
			rules = append(rules, it.Line)
		}
	}
	if k, _ := lookup(root, "ignore_policy"); k != nil {
		policy = k.Line
	}
	return rules, policy
}
