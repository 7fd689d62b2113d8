package fakegithub

import (
	"net/http"
	"strconv"
	"time"
)

// Secondary rate limits on content creation: "No more than 80
// content-generating requests per minute and no more than 500
// content-generating requests per hour"; past them GitHub answers "a 403
// or 429 response and an error message that indicates that you exceeded
// a secondary rate limit", and "If the retry-after response header is
// present, you should not retry your request until after that many
// seconds has elapsed"
// (docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits).
// The fake counts every REST POST, PATCH, PUT and DELETE and every GraphQL
// mutation it accepted as content-generating (the stricter reading: the
// docs do not list which requests generate content), answers 403 with
// retry-after, and does not count what it refused.

// SecondaryLimit is one window of the secondary limits.
type SecondaryLimit struct {
	N   int
	Per time.Duration
}

// DocumentedSecondaryLimits are the limits the documentation states.
var DocumentedSecondaryLimits = []SecondaryLimit{{N: 80, Per: time.Minute}, {N: 500, Per: time.Hour}}

// secondaryLimited answers 403 and reports true when one more write would
// exceed s.SecondaryLimits; otherwise it counts the write.
func (s *Server) secondaryLimited(w http.ResponseWriter) bool {
	if len(s.SecondaryLimits) == 0 {
		return false
	}
	s.mu.Lock()
	now := s.now()
	var wait time.Duration
	longest := time.Duration(0)
	for _, l := range s.SecondaryLimits {
		longest = max(longest, l.Per)
		in := 0
		var oldest time.Time
		for i := len(s.writeTimes) - 1; i >= 0; i-- {
			t := s.writeTimes[i]
			if now.Sub(t) >= l.Per {
				break
			}
			in++
			if in == l.N {
				oldest = t
			}
		}
		if in >= l.N {
			wait = max(wait, oldest.Add(l.Per).Sub(now))
		}
	}
	if wait > 0 {
		s.secondaryHits++
		s.mu.Unlock()
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeJSON(w, http.StatusForbidden, apiError{Status: "403", DocumentationURL: secondaryDoc,
			Message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."})
		return true
	}
	s.writeTimes = append(s.writeTimes, now)
	for len(s.writeTimes) > 0 && now.Sub(s.writeTimes[0]) >= longest {
		s.writeTimes = s.writeTimes[1:]
	}
	s.mu.Unlock()
	return false
}

// SecondaryHits is how many requests the secondary limits refused.
func (s *Server) SecondaryHits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.secondaryHits
}
