package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

// Anonymous pages are kept whole; these tests hold them to what a fresh render shows and
// prove that no signed-in page is ever kept or served to someone else.

func TestAnonymousPagesAreKeptAndFresh(t *testing.T) {
	app := apptest.StartRelaxed(t)
	root := app.User("root", "admin")
	anon := app.Client()
	first := anon.Get("/home/contact/")
	before := app.State.Pages.Stats().Hits
	again := anon.Get("/home/contact/")
	if first.StatusCode != 200 || again.Body != first.Body || app.State.Pages.Stats().Hits != before+1 {
		t.Fatalf("the second anonymous read was not served from the kept page (hits %d → %d)", before, app.State.Pages.Stats().Hits)
	}
	// A write anywhere moves the version on: the next anonymous read shows it.
	r := root.PostForm("/admin/faq/", url.Values{"question": {"Where is room 12?"}, "answer": {"Upstairs."}, "category": {"general"}, "position": {"1"}, "is_active": {"on"}})
	if r.StatusCode >= 400 {
		t.Fatalf("add FAQ: %d", r.StatusCode)
	}
	if got := anon.Get("/home/contact/"); !strings.Contains(got.Body, "Where is room 12?") {
		t.Fatal("an anonymous visitor got the FAQ page from before the write")
	}
	// Gzip and HEAD answers come from the same kept page.
	gz := anon.Do("GET", "/login/", nil, http.Header{"Accept-Encoding": {"gzip"}})
	if gz.Header.Get("Content-Encoding") != "gzip" || gz.Header.Get("ETag") == "" {
		t.Fatalf("kept page over gzip: %q %q", gz.Header.Get("Content-Encoding"), gz.Header.Get("ETag"))
	}
	if r := anon.Do("GET", "/login/", nil, http.Header{"If-None-Match": {gz.Header.Get("ETag")}}); r.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match on a kept page: %d", r.StatusCode)
	}
}

func TestSignedInPagesNeverReachAnyoneElse(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	app.User("bob", "student")
	anon := app.Client()
	// Ada reads pages anonymous visitors also read; then the anonymous visitor reads them.
	for _, path := range []string{"/home/profile/bob/", "/home/contact/", "/login/", "/signup/"} {
		signed := ada.Get(path)
		if signed.StatusCode == 200 && !strings.Contains(signed.Body, "Log out") {
			t.Fatalf("%s for ada is not her signed-in page", path)
		}
		for range 2 { // the second read is the kept one
			got := anon.Get(path)
			if strings.Contains(got.Body, "Ada Tester") || strings.Contains(got.Body, "Log out") || strings.Contains(got.Body, `data-user-id="`) {
				t.Fatalf("%s: an anonymous visitor got ada's page", path)
			}
		}
		// And the other way: a page kept for anonymous visitors never reaches Ada.
		if signed := ada.Get(path); signed.StatusCode == 200 && !strings.Contains(signed.Body, "Log out") {
			t.Fatalf("%s: ada got the anonymous page", path)
		}
	}
	// A bearer token or any session cookie (even a stale one) is never served a kept page.
	stale := app.Client()
	u, _ := url.Parse(app.URL)
	stale.Jar.SetCookies(u, []*http.Cookie{{Name: "eplatform_session", Value: "stale", Path: "/"}})
	hits := app.State.Pages.Stats().Hits
	stale.Get("/login/")
	stale.Do("GET", "/login/", nil, http.Header{"Authorization": {"Bearer x"}})
	if app.State.Pages.Stats().Hits != hits {
		t.Fatal("a request with a session cookie or a token was served a kept page")
	}
}
