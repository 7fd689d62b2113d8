// Package suggest finds the name a user most likely meant ("did you mean").
package suggest

import "strings"

// Nearest returns the candidate closest to name by edit distance, or "" when
// none is close enough to be a plausible typo (at most a third of the
// longer name's length, and at most 3 edits). Case is ignored.
func Nearest(name string, candidates []string) string {
	best, bestD := "", 0
	n := strings.ToLower(name)
	for _, c := range candidates {
		d := Distance(n, strings.ToLower(c))
		limit := max(len(n), len(c)) / 3
		if limit > 3 {
			limit = 3
		}
		if limit < 1 {
			limit = 1
		}
		if d > limit {
			continue
		}
		if best == "" || d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// DidYouMean returns ` (did you mean "X"?)` for the nearest candidate, or "".
func DidYouMean(name string, candidates []string) string {
	if s := Nearest(name, candidates); s != "" && s != name {
		return ` (did you mean "` + s + `"?)`
	}
	return ""
}

// Distance is the Damerau-Levenshtein distance (optimal string alignment)
// between a and b in bytes; names here are ASCII. Strings over 64 bytes are
// never close to anything.
func Distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		// Names are short; a long input is not a typo of one.
		return 1 << 20
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
