package transport

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimitWait says whether an error answer is a rate limit, and how long
// to wait before trying again. One classification serves both forges:
//
//   - 429 Too Many Requests is a rate limit on both (GitHub; GitLab's
//     Rack::Attack, https://docs.gitlab.com/security/rate_limits/);
//   - GitHub also answers a rate limit with 403: with retry-after, with
//     x-ratelimit-remaining 0, or with a message saying so ("You have
//     exceeded a secondary rate limit", "API rate limit exceeded")
//     (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit).
//
// The wait is, in this order: Retry-After (seconds or an HTTP date); the
// reset time (x-ratelimit-reset on GitHub, RateLimit-Reset on GitLab, Unix
// seconds) plus a second, when the remaining count is 0 or the answer is a
// 429; for a GitHub 403 or a secondary rate limit without either,
// SecondaryLimitWait doubling per attempt, as GitHub asks ("wait for at
// least one minute ... increase the time between retries exponentially");
// otherwise (a bare 429, say from a proxy) 0: the caller backs off as for
// a 5xx.
func RateLimitWait(r *Reply, now time.Time, attempt int) (time.Duration, bool) {
	if r == nil {
		return 0, false
	}
	h := r.Header
	if h == nil {
		h = http.Header{}
	}
	remaining0 := h.Get("X-RateLimit-Remaining") == "0" || h.Get("RateLimit-Remaining") == "0"
	limited := r.Status == http.StatusTooManyRequests ||
		(r.Status == http.StatusForbidden && (h.Get("Retry-After") != "" || remaining0 ||
			bytes.Contains(bytes.ToLower(r.Body), []byte("rate limit"))))
	if !limited {
		return 0, false
	}
	if s := strings.TrimSpace(h.Get("Retry-After")); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true
		}
		if t, err := http.ParseTime(s); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	if remaining0 || r.Status == http.StatusTooManyRequests {
		for _, k := range []string{"X-RateLimit-Reset", "RateLimit-Reset"} {
			if n, err := strconv.ParseInt(strings.TrimSpace(h.Get(k)), 10, 64); err == nil && n > 0 {
				if remaining0 || k == "RateLimit-Reset" {
					return max(time.Unix(n, 0).Sub(now)+time.Second, time.Second), true
				}
			}
		}
	}
	if r.Status == http.StatusForbidden || bytes.Contains(bytes.ToLower(r.Body), []byte("secondary rate limit")) {
		return SecondaryLimitWait << min(max(attempt, 0), 4), true
	}
	return 0, true
}
