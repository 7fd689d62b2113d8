package translator

import (
	"fmt"
	"strings"
)

// Severity is the normalised, ordered severity of a finding.
// The zero value is SeverityUnknown, which sorts below Info.
type Severity int

// Severities in increasing order.
const (
	SeverityUnknown Severity = iota
	SeverityInfo
	SeverityWarning
	SeverityError
	// SeverityCritical is above Error: a scanner's own CRITICAL (Trivy,
	// tfsec, checkov), so that "--fail-level critical" fails only on those.
	// It is an error everywhere a report has no separate word for it
	// (Findings.Count counts it among the errors; SARIF level "error").
	SeverityCritical
)

// SeverityNone is a fail level that no finding reaches ("--fail-level none").
const SeverityNone Severity = 99

// String returns the lowercase name used in JSON and on the command line.
func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	case SeverityError:
		return "error"
	case SeverityCritical:
		return "critical"
	case SeverityNone:
		return "none"
	}
	return "unknown"
}

// ParseSeverity parses one of none, info, warning, error, critical
// (case-insensitive).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "info":
		return SeverityInfo, nil
	case "warning", "warn":
		return SeverityWarning, nil
	case "error":
		return SeverityError, nil
	case "critical":
		return SeverityCritical, nil
	case "none":
		return SeverityNone, nil
	}
	return SeverityUnknown, fmt.Errorf("unknown severity %q (want none, info, warning, error or critical)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// SARIFLevel maps the severity to a SARIF result level. SARIF has no level
// above "error"; the SARIF reporter tells critical apart with the
// security-severity property GitHub code scanning reads.
func (s Severity) SARIFLevel() string {
	switch s {
	case SeverityError, SeverityCritical:
		return "error"
	case SeverityWarning:
		return "warning"
	}
	return "note"
}

// CodeQuality maps the severity to a GitLab Code Quality severity (info,
// minor, major, critical, blocker). Blocker is left unused: nothing we read
// says more than critical.
func (s Severity) CodeQuality() string {
	switch s {
	case SeverityCritical:
		return "critical"
	case SeverityError:
		return "major"
	case SeverityWarning:
		return "minor"
	}
	return "info"
}

// GitHubAnnotationLevel maps the severity to a check-run annotation level
// (notice, warning, failure: failure is the highest there is).
func (s Severity) GitHubAnnotationLevel() string {
	switch s {
	case SeverityError, SeverityCritical:
		return "failure"
	case SeverityWarning:
		return "warning"
	}
	return "notice"
}
