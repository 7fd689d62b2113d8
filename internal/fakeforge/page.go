package fakeforge

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Paging is how a forge pages a list by offset.
type Paging struct {
	// DefaultPerPage is per_page when the request names none: 30 on
	// GitHub (https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api),
	// 20 on GitLab (https://docs.gitlab.com/api/rest/#offset-based-pagination).
	// Both cap it at 100.
	DefaultPerPage int
	// GitLab sends X-Page, X-Per-Page, X-Total, X-Total-Pages,
	// X-Next-Page, X-Prev-Page, and first/last links on every page
	// (https://docs.gitlab.com/api/rest/#pagination-link-header); GitHub
	// sends only the Link header, without first/prev on the first page
	// and next/last on the last.
	GitLab bool
}

// Page sets the pagination headers of one page of n items on h and
// returns the items' bounds lo:hi and the page number.
func (p Paging) Page(h http.Header, r *http.Request, n int) (lo, hi, page int) {
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = p.DefaultPerPage
	}
	per = min(per, 100)
	page, _ = strconv.Atoi(q.Get("page"))
	if page <= 0 {
		page = 1
	}
	last := max((n+per-1)/per, 1)
	lo, hi = min((page-1)*per, n), min(page*per, n)
	link := func(pg int, rel string) string {
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath}
		qq := url.Values{}
		for k, v := range q {
			qq[k] = v
		}
		qq.Set("page", strconv.Itoa(pg))
		qq.Set("per_page", strconv.Itoa(per))
		u.RawQuery = qq.Encode()
		return fmt.Sprintf("<%s>; rel=%q", u.String(), rel)
	}
	if p.GitLab {
		h.Set("X-Page", strconv.Itoa(page))
		h.Set("X-Per-Page", strconv.Itoa(per))
		h.Set("X-Total", strconv.Itoa(n))
		h.Set("X-Total-Pages", strconv.Itoa(last))
		h.Set("X-Next-Page", "")
		h.Set("X-Prev-Page", "")
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"))
		if p.GitLab {
			h.Set("X-Next-Page", strconv.Itoa(page+1))
		} else {
			links = append(links, link(last, "last"))
		}
	}
	if page > 1 {
		if p.GitLab {
			h.Set("X-Prev-Page", strconv.Itoa(page-1))
		} else {
			links = append(links, link(1, "first"))
		}
		links = append(links, link(page-1, "prev"))
	}
	if p.GitLab {
		links = append(links, link(1, "first"), link(last, "last"))
	}
	if len(links) > 0 {
		h.Set("Link", strings.Join(links, ", "))
	}
	return lo, hi, page
}
