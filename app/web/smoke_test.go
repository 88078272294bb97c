package web_test

import (
	"net/http"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

func TestSignupLoginHomeLogout(t *testing.T) {
	app := apptest.Start(t)
	c := app.Client()

	resp := c.Get("/home/")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/login/?next=%2Fhome%2F" {
		t.Fatalf("anonymous /home/: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	c.SignUp("ada")
	if body := c.Get("/login/").Body; !strings.Contains(body, "Your account is ready") {
		t.Fatal("no flash after signup")
	}
	c.LogIn("ada", apptest.Password)
	home := c.Get("/home/")
	if home.StatusCode != 200 || !strings.Contains(home.Body, "@ada") {
		t.Fatalf("home: %d", home.StatusCode)
	}
	if r := c.PostForm("/logout/", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.StatusCode)
	}
	if r := c.Get("/home/"); r.StatusCode != http.StatusFound {
		t.Fatalf("home after logout: %d", r.StatusCode)
	}
}
