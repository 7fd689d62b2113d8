package transport

import (
	"context"
	"fmt"
	"net/http"

	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

// MaxPages bounds a listing, so that a server that always names a next
// page cannot keep a reporter busy: 1000 pages of 100 is far above what
// one pull or merge request holds.
const MaxPages = 1000

var nextLink = lazyre.New(`<([^>]+)>;\s*rel="?next"?`)

// NextLink is the rel="next" URL of a Link header (RFC 8288), as both
// forges send it (https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api,
// https://docs.gitlab.com/api/rest/#pagination-link-header); "" when there
// is none.
func NextLink(h http.Header) string {
	for _, v := range h.Values("Link") {
		if m := nextLink().FindStringSubmatch(v); m != nil {
			return m[1]
		}
	}
	return ""
}

// Paginate reads a listing page by page: fetch gets the cursor of a page
// ("" for the first) and returns the next one ("" at the end). It stops
// after MaxPages, or when a server names the page just read as the next
// one again. It returns how many pages it read.
//
// Both forges page by offset: an item someone deletes while a listing is
// under way shifts later ones back, and one is skipped at each page
// boundary; an item added makes one appear twice. A single page cannot
// skip: callers that must not miss an item compare the count of pages.
func Paginate(ctx context.Context, fetch func(ctx context.Context, cursor string) (next string, err error)) (int, error) {
	cursor := ""
	seen := map[string]bool{}
	for n := 1; n <= MaxPages; n++ {
		seen[cursor] = true
		next, err := fetch(ctx, cursor)
		if err != nil {
			return n, err
		}
		if next == "" || seen[next] {
			return n, nil
		}
		cursor = next
	}
	return MaxPages, fmt.Errorf("list: more than %d pages", MaxPages)
}
