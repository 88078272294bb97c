package api

import (
	"net/http"
	"net/url"
	"strconv"
)

// Page sizes of list endpoints.
const (
	defaultPageSize = 10
	maxPageSize     = 100
)

// paging is ?page=N&page_size=M, validated.
type paging struct {
	Page, Size int
}

func (p paging) offset() int { return (p.Page - 1) * p.Size }

// readPaging parses the paging parameters; bad values are a 400 naming the field.
func readPaging(r *http.Request, def int) (paging, map[string][]string) {
	q := r.URL.Query()
	p := paging{Page: 1, Size: def}
	errs := map[string][]string{}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			errs["page"] = []string{"A valid page number (1 or more) is required."}
		} else {
			p.Page = n
		}
	}
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs["page_size"] = []string{"A valid page size (1–100) is required."}
		} else {
			p.Size = min(n, maxPageSize)
		}
	}
	return p, errs
}

// listPage is the paginated list shape of API.md.
type listPage struct {
	Count    int     `json:"count"`
	Next     *string `json:"next"`
	Previous *string `json:"previous"`
	Results  any     `json:"results"`
}

// newListPage builds the page with absolute next/previous links that keep every other
// query parameter.
func (a *API) newListPage(r *http.Request, p paging, count int, results any) listPage {
	link := func(page int) *string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(page))
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		s := a.st.Config.BaseURL + u.String()
		return &s
	}
	out := listPage{Count: count, Results: results}
	if p.offset()+p.Size < count {
		out.Next = link(p.Page + 1)
	}
	if p.Page > 1 {
		out.Previous = link(p.Page - 1)
	}
	return out
}
