// Package ignore is the pipeline stage that applies the ignore rules of
// .runbook-translator.yaml: a finding that matches a rule is marked
// suppressed (never dropped), with the rule's reason, expiry and link, so
// that reporters can list what was ignored and why. A rule past its expiry
// date no longer suppresses: its findings count again and carry a note
// that their exception expired.
//
//	# .runbook-translator.yaml
//	ignore:
//	  - code: KSV-0017                 # any spelling: KSV017, AVD-KSV-0017
//	    tool: trivy
//	    path: "charts/legacy/**"        # doublestar glob on the repo path
//	    resource: "Deployment/legacy-*" # glob on the finding's resource
//	    reason: "legacy agent needs host access; replaced in Q3"
//	    expires: 2025-09-30             # optional, YYYY-MM-DD, inclusive
//	    link: https://tracker.example/SEC-123
//	    approved_by: platform-security  # optional: who accepted the risk
//	    requested_by: octocat           # optional: who asked for it
//
// Policy (policy.go) is the team's ignore_policy: key, checked per rule;
// AddRule (edit.go) appends a rule to a config keeping every other byte.
package ignore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/messages"
)

// DateLayout is the format of Rule.Expires.
const DateLayout = "2006-01-02"

// Rule is one entry of the ignore list. Every field that is set must match;
// at least one of Code, Tool, Path and Resource must narrow the rule.
type Rule struct {
	// Code matches the finding's code or any of its aliases, compared as
	// translator.NormalizeCode keys.
	Code string `yaml:"code,omitempty" json:"code,omitempty"`
	// Tool matches the tool name, case-insensitively.
	Tool string `yaml:"tool,omitempty" json:"tool,omitempty"`
	// Path is a doublestar glob ("k8s/**/*.yaml") on the repository-relative
	// slash path of the finding.
	Path string `yaml:"path,omitempty" json:"path,omitempty"`
	// Resource is a doublestar glob on the finding's resource
	// ("Deployment/web", "aws_s3_bucket.*"); "/" separates segments.
	Resource string `yaml:"resource,omitempty" json:"resource,omitempty"`
	// Reason says why the finding is accepted; required.
	Reason string `yaml:"reason" json:"reason"`
	// Expires is the last day (YYYY-MM-DD, UTC) the rule suppresses.
	Expires string `yaml:"expires,omitempty" json:"expires,omitempty"`
	// Link points to the risk acceptance or ticket.
	Link string `yaml:"link,omitempty" json:"link,omitempty"`
	// ApprovedBy names who accepted the risk (a person or team).
	ApprovedBy string `yaml:"approved_by,omitempty" json:"approved_by,omitempty"`
	// RequestedBy names who asked for the exception, e.g. the author of
	// the pull-request comment that requested it.
	RequestedBy string `yaml:"requested_by,omitempty" json:"requested_by,omitempty"`
}

// String describes the rule for warnings: `code=KSV-0017 path=k8s/**`.
func (r Rule) String() string {
	var parts []string
	for _, kv := range [][2]string{{"tool", r.Tool}, {"code", r.Code}, {"path", r.Path}, {"resource", r.Resource}, {"expires", r.Expires}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	return strings.Join(parts, " ")
}

// catchAll reports whether a glob matches every path or resource.
func catchAll(glob string) bool {
	switch strings.TrimSpace(glob) {
	case "", "*", "**", "**/*", "./**", "/**":
		return true
	}
	return false
}

// Validate returns every problem of the rule: a missing reason, a rule
// that matches every finding, a bad expiry date or a bad glob.
func (r Rule) Validate() error {
	var errs []error
	if strings.TrimSpace(r.Reason) == "" {
		errs = append(errs, messages.Errorf("rule.no_reason"))
	}
	if strings.TrimSpace(r.Code) == "" && strings.TrimSpace(r.Tool) == "" && catchAll(r.Path) && catchAll(r.Resource) {
		errs = append(errs, messages.Errorf("rule.catch_all"))
	}
	if r.Code != "" && translator.NormalizeCode(r.Code) == "" {
		errs = append(errs, messages.Errorf("rule.bad_code", r.Code))
	}
	if r.Expires != "" {
		if _, err := time.Parse(DateLayout, r.Expires); err != nil {
			errs = append(errs, messages.Errorf("rule.bad_expires", r.Expires))
		}
	}
	for _, g := range [][2]string{{"path", r.Path}, {"resource", r.Resource}} {
		if g[1] != "" && !doublestar.ValidatePattern(g[1]) {
			errs = append(errs, messages.Errorf("rule.bad_glob", g[0], g[1]))
		}
	}
	return errors.Join(errs...)
}

// Validate checks every rule and names each bad one by its index in the
// ignore list ("ignore[2]: missing reason").
func Validate(rules []Rule) error {
	var errs []error
	for i, r := range rules {
		if err := r.Validate(); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				errs = append(errs, fmt.Errorf("ignore[%d]: %s", i, line))
			}
		}
	}
	return errors.Join(errs...)
}

type rule struct {
	Rule
	code, tool, path string
	expired          bool
	// daysLeft is the days after today the rule still suppresses; hasLeft
	// is false without an expiry.
	daysLeft int
	hasLeft  bool
}

// Stage is the "ignore" pipeline stage. It is safe for concurrent Map
// calls; counts accumulate over every finding it sees.
type Stage struct {
	rules []rule
	// warnDays is the warning window: a finding suppressed by a rule
	// expiring within it carries Suppression.ExpiresInDays.
	warnDays int

	mu   sync.Mutex
	hits []int
}

var _ translator.Stage = (*Stage)(nil)

// New returns the stage for rules, judging expiry against now's date in
// UTC: a rule expiring today still suppresses, one that expired yesterday
// does not. Rules should have passed Validate; an unparsable expiry date
// counts as expired, so a typo never suppresses forever.
func New(rules []Rule, now time.Time) *Stage {
	today := now.UTC().Format(DateLayout)
	s := &Stage{hits: make([]int, len(rules)), warnDays: DefaultWarnDays}
	for _, r := range rules {
		ir := rule{
			Rule: r,
			code: translator.NormalizeCode(r.Code),
			tool: strings.ToLower(strings.TrimSpace(r.Tool)),
			path: strings.TrimPrefix(strings.TrimSpace(r.Path), "./"),
		}
		if r.Expires != "" {
			d, err := time.Parse(DateLayout, r.Expires)
			// Dates in YYYY-MM-DD order compare as strings.
			ir.expired = err != nil || d.Format(DateLayout) < today
		}
		ir.daysLeft, ir.hasLeft = r.DaysLeft(now)
		s.rules = append(s.rules, ir)
	}
	return s
}

// WarnWithin sets the warning window in days (DefaultWarnDays unless
// set; the config's ignore_policy.warn_within) and returns s. Call it
// before the first Map.
func (s *Stage) WarnWithin(days int) *Stage {
	s.warnDays = days
	return s
}

// Name implements translator.Stage.
func (s *Stage) Name() string { return "ignore" }

// Map implements translator.Stage. The first active rule that matches
// suppresses the finding; if only expired rules match, the finding stays
// active with Suppressed.Expired set. A finding the tool itself already
// suppressed keeps that suppression. Every matching rule counts as used.
func (s *Stage) Map(_ context.Context, f *translator.Finding) error {
	var active, expired *rule
	var matched []int
	for i := range s.rules {
		r := &s.rules[i]
		if !r.match(f) {
			continue
		}
		matched = append(matched, i)
		if r.expired {
			if expired == nil {
				expired = r
			}
		} else if active == nil {
			active = r
		}
	}
	if len(matched) == 0 {
		return nil
	}
	s.mu.Lock()
	for _, i := range matched {
		s.hits[i]++
	}
	s.mu.Unlock()
	if f.Ignored() {
		return nil
	}
	r := active
	if r == nil {
		r = expired
	}
	f.Suppressed = &translator.Suppression{
		Reason: r.Reason, Expires: r.Expires, Link: r.Link, Source: "config", Expired: r.expired,
	}
	if !r.expired && r.hasLeft && r.daysLeft <= s.warnDays {
		left := r.daysLeft
		f.Suppressed.ExpiresInDays = &left
	}
	return nil
}

func (r *rule) match(f *translator.Finding) bool {
	if r.tool != "" && r.tool != strings.ToLower(f.Tool) {
		return false
	}
	if r.code != "" {
		ok := false
		for _, c := range f.Codes() {
			if translator.NormalizeCode(c) == r.code {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if r.path != "" {
		if f.Path == "" {
			return false
		}
		if ok, _ := doublestar.Match(r.path, strings.TrimPrefix(f.Path, "./")); !ok {
			return false
		}
	}
	if r.Resource != "" {
		if f.Resource == "" {
			return false
		}
		if ok, _ := doublestar.Match(r.Resource, f.Resource); !ok {
			return false
		}
	}
	return true
}

// Unused returns the rules that matched no finding, in config order, so
// the CLI can warn about stale ignores.
func (s *Stage) Unused() []Rule {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Rule
	for i, r := range s.rules {
		if s.hits[i] == 0 {
			out = append(out, r.Rule)
		}
	}
	return out
}

// Hits returns, for each rule in config order, how many findings it
// matched (expired rules included).
func (s *Stage) Hits() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.hits...)
}

// ExpiredHit is an expired rule and how many findings it would still
// match: those findings are reported again.
type ExpiredHit struct {
	Rule     Rule
	Findings int
}

// ExpiredHits returns the expired rules that matched findings, in config
// order.
func (s *Stage) ExpiredHits() []ExpiredHit {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ExpiredHit
	for i, r := range s.rules {
		if r.expired && s.hits[i] > 0 {
			out = append(out, ExpiredHit{Rule: r.Rule, Findings: s.hits[i]})
		}
	}
	return out
}
