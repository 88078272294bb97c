package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

// TestSearchPageEscapes: markup typed into a post comes out of the search page and
// the search API as text, with only our <mark> around the matched words.
func TestSearchPageEscapes(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	tok, _ := app.Token("ada")
	r := ada.PostForm("/home/", url.Values{"content": {`<script>alert(1)</script> Recursion <img src=x onerror=alert(2)> "quoted" & more`}})
	pplStatus(t, r, http.StatusSeeOther, "post")

	page := ada.Get("/home/search/?q=recurs&tab=posts")
	pplStatus(t, page, 200, "search page")
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "<mark>Recursion</mark>", "&lt;img src=x onerror=alert(2)&gt;", `aria-current="page"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("search page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>alert(1)", "<img src=x"} {
		if strings.Contains(page.Body, bad) {
			t.Errorf("search page contains raw %q", bad)
		}
	}
	api := ada.JSON("GET", "/api/search/?q=recurs&type=posts", nil, tok)
	pplStatus(t, api, 200, "search API")
	if !strings.Contains(api.Body, `\u003cmark\u003eRecursion\u003c/mark\u003e`) || !strings.Contains(api.Body, `\u0026lt;script\u0026gt;`) ||
		strings.Contains(api.Body, `\u003cscript\u003ealert(1)\u003c/script\u003e \u003cmark`) {
		t.Errorf("API snippet_html not escaped: %s", api.Body)
	}
	if !strings.Contains(api.Body, `"counts":{"people":0,"posts":1,"subjects":0}`) {
		t.Errorf("counts: %s", api.Body)
	}
	pplStatus(t, ada.JSON("GET", "/api/search/?q=x&type=files", nil, tok), http.StatusBadRequest, "bad type")
	pplStatus(t, ada.JSON("GET", "/api/search/?q=x&page=0", nil, tok), http.StatusBadRequest, "bad page")

	// The tabs carry their counts; the people tab finds ada by a prefix of her name.
	page = ada.Get("/home/search/?q=ad")
	if !strings.Contains(page.Body, "<mark>ada</mark>") || !strings.Contains(page.Body, `data-tab="posts"`) {
		t.Errorf("people tab: no highlighted username or no tabs")
	}
	// User-typed FTS syntax is only words.
	for _, q := range []string{`"`, `ada OR`, `NEAR(`, `username:ada`, `*`, "\x00", `{x}:y`} {
		r := ada.Get("/home/search/?" + url.Values{"q": {q}}.Encode())
		pplStatus(t, r, 200, "query "+q)
		r = ada.JSON("GET", "/api/search/?"+url.Values{"q": {q}}.Encode(), nil, tok)
		pplStatus(t, r, 200, "API query "+q)
	}
	// The empty page shows the form only.
	if r := ada.Get("/home/search/"); r.StatusCode != 200 || !strings.Contains(r.Body, "Search E-Platform") {
		t.Errorf("empty search page: %d", r.StatusCode)
	}
}
