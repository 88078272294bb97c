package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

// A signed-in request whose session or token cannot be looked up (the database
// failed, or the client went away) must not go on as an anonymous one: an anonymous
// write (the contact form, a sign-up) would be done in nobody's name, and an API
// client told 401 drops its tokens. It is a server error (499 when the client is
// gone), never the anonymous answer.
func TestFailedSessionLookupIsNotAnonymous(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	app.AllowServerErrors()
	app.Account("stud", "student")
	browser := app.Client()
	browser.LogIn("stud", apptest.Password)
	access, _ := app.Token("stud")

	// The client gone: a cancelled context (the cache is cold for both: neither the
	// session nor the token was looked up since they were made).
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		what string
		req  *http.Request
	}{
		{"the session", withCookies(httptest.NewRequestWithContext(ctx, "POST", "/home/contact/", strings.NewReader("subject=x&message=y")), browser, app)},
		{"the token", withBearer(httptest.NewRequestWithContext(ctx, "POST", "/api/contact/", strings.NewReader(`{"subject":"x","message":"y"}`)), access)},
	} {
		rec := httptest.NewRecorder()
		app.Server.ServeHTTP(rec, tc.req)
		if rec.Code < 499 {
			t.Errorf("%s looked up with a cancelled context: %d (anonymous), want 499 or a 5xx", tc.what, rec.Code)
		}
	}

	// The database gone.
	if err := app.State.DB.Close(); err != nil {
		t.Fatal(err)
	}
	r := browser.Get("/home/")
	if r.StatusCode < 500 {
		t.Errorf("GET /home/ with a session the database could not load: %d (anonymous: %s), want a 5xx", r.StatusCode, r.Header.Get("Location"))
	}
	r = app.Client().JSON("POST", "/api/contact/", map[string]string{"subject": "x", "message": "y"}, access)
	if r.StatusCode < 500 {
		t.Errorf("POST /api/contact/ with a token the database could not check: %d (anonymous), want a 5xx: %s", r.StatusCode, r.Body)
	}
}

func withCookies(r *http.Request, c *apptest.Client, app *apptest.App) *http.Request {
	u, _ := r.URL.Parse(app.URL)
	for _, ck := range c.Jar.Cookies(u) {
		r.AddCookie(ck)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", app.URL)
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	return r
}

func withBearer(r *http.Request, token string) *http.Request {
	r.Header.Set("Authorization", "Bearer "+token)
	r.Header.Set("Content-Type", "application/json")
	return r
}
