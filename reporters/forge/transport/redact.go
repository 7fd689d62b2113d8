package transport

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

// Redacted replaces a secret wherever it would be shown.
const Redacted = "[REDACTED]"

// tokenShapes match the documented token formats of both forges, so that a
// token the redactor was not told about (another job's, one a server
// echoes) is still kept out of errors:
//   - GitHub: ghp_, gho_, ghu_, ghs_, ghr_ and github_pat_
//     (https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/);
//   - GitLab: glpat-, glcbt-, gldt-, glptt-, glrt-, ...
//     (https://docs.gitlab.com/security/tokens/#token-prefixes).
var tokenShapes = lazyre.New(`\bgh[pousr]_[A-Za-z0-9]{30,255}\b|\bgithub_pat_[A-Za-z0-9_]{22,255}\b|\bgl[a-z]{2,6}-[A-Za-z0-9_.\-]{16,}`)

// Redactor removes secrets from text that may be shown. The zero value
// (and nil) removes token-shaped strings only.
type Redactor struct {
	secrets []string
}

// NewRedactor returns a redactor for the given secrets; those shorter than
// four characters are ignored (redacting them would garble every message).
// Each secret's URL-escaped form is redacted too, for a token that reaches
// a URL (a Location header, a query).
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	seen := map[string]bool{}
	add := func(s string) {
		if len(s) >= 4 && !seen[s] {
			seen[s] = true
			r.secrets = append(r.secrets, s)
		}
	}
	for _, s := range secrets {
		s = strings.TrimSpace(s)
		add(s)
		add(url.QueryEscape(s))
		add(url.PathEscape(s))
	}
	return r
}

// With returns a redactor for r's secrets and more.
func (r *Redactor) With(secrets ...string) *Redactor {
	if r == nil {
		return NewRedactor(secrets...)
	}
	return NewRedactor(append(append([]string(nil), r.secrets...), secrets...)...)
}

// Secrets reports whether r knows any secret.
func (r *Redactor) Secrets() bool { return r != nil && len(r.secrets) > 0 }

// String redacts the secrets and every token-shaped string from s: for
// error messages, log lines, dry-run output.
func (r *Redactor) String(s string) string {
	return tokenShapes().ReplaceAllString(r.Secret(s), Redacted)
}

// Secret redacts only the known secrets from s, leaving token-shaped text
// alone: for answer bodies, whose content (a comment quoting a finding of
// a secret scanner) must reach the reporter as it is.
func (r *Redactor) Secret(s string) string {
	if r == nil {
		return s
	}
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec, Redacted)
	}
	return s
}

// Bytes is Secret over a body.
func (r *Redactor) Bytes(b []byte) []byte {
	if r == nil {
		return b
	}
	for _, sec := range r.secrets {
		if bytes.Contains(b, []byte(sec)) {
			b = bytes.ReplaceAll(b, []byte(sec), []byte(Redacted))
		}
	}
	return b
}

// Header redacts the known secrets from every value of h, in place.
func (r *Redactor) Header(h http.Header) {
	for k, vs := range h {
		for i, v := range vs {
			vs[i] = r.Secret(v)
		}
		h[k] = vs
	}
}

// Error returns err with its message redacted (nil for nil). Unwrap still
// reaches the cause, so errors.Is(err, context.DeadlineExceeded) and
// timeouts keep working; only the text is changed.
func (r *Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	red := r.String(msg)
	if red == msg {
		return err
	}
	return &redactedError{msg: red, err: err}
}

// redactedError is an error whose message had a secret in it.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// Timeout reports whether the cause was a timeout (net.Error).
func (e *redactedError) Timeout() bool {
	t, ok := e.err.(interface{ Timeout() bool })
	return ok && t.Timeout()
}
