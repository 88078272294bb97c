package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

func TestAdminOutboxAccess(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	admin := app.User("root", "admin")
	student := app.User("stud", "student")
	instructor := app.User("prof", "instructor")

	// A reset request puts a mail with the link in the outbox.
	if r := app.Client().PostForm("/password_reset/", url.Values{"email": {"stud@example.com"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset request: %d", r.StatusCode)
	}
	cases := []struct {
		name   string
		c      *apptest.Client
		status int
	}{
		{"anonymous", app.Client(), http.StatusFound},
		{"student", student, http.StatusForbidden},
		{"instructor", instructor, http.StatusForbidden},
		{"admin", admin, http.StatusOK},
	}
	for _, tc := range cases {
		r := tc.c.Get("/admin/outbox/")
		if r.StatusCode != tc.status {
			t.Errorf("%s: GET /admin/outbox/ = %d, want %d", tc.name, r.StatusCode, tc.status)
		}
		if tc.status == http.StatusOK && (!strings.Contains(r.Body, "stud@example.com") || !strings.Contains(r.Body, "/reset/")) {
			t.Errorf("admin outbox lacks the reset mail")
		}
		if tc.status != http.StatusOK && strings.Contains(r.Body, "/reset/") {
			t.Errorf("%s sees a reset link", tc.name)
		}
	}
	// Admins land on the admin area after logging in.
	r := app.Client().PostForm("/login/", url.Values{"username": {"root"}, "password": {apptest.Password}})
	if r.Header.Get("Location") != "/admin/" {
		t.Errorf("admin login goes to %q, want /admin/", r.Header.Get("Location"))
	}
}
