package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/auth"
	"eplatform/app/seed"
)

// On a -demo server the login page offers the first admin, instructor and student as
// one-click sign-ins, and switching roles many times over, at the default limits,
// is never refused; without -demo no account is named.
func TestDemoLoginSwitching(t *testing.T) {
	app := apptest.Start(t, apptest.Options{Args: []string{"-demo"}})
	for _, a := range []struct{ name, role string }{{"boss", "admin"}, {"prof", "instructor"}, {"stu", "student"}} {
		if _, err := app.State.Auth.CreateUserAdmin(t.Context(), auth.SignupInput{Username: a.name, Email: a.name + "@example.com",
			Password1: seed.DefaultPassword, FirstName: "A", LastName: "B", UserType: a.role, Birthdate: "2000-01-02"}); err != nil {
			t.Fatal(err)
		}
	}
	c := app.Client()
	page := c.Get("/login/").Body
	for _, want := range []string{`data-demo-role="Admin"`, `data-demo-role="Instructor"`, `data-demo-role="Student"`, `value="prof"`} {
		if !strings.Contains(page, want) {
			t.Errorf("login page lacks %s", want)
		}
	}
	for i := range 30 {
		name := []string{"boss", "prof", "stu"}[i%3]
		r := c.PostForm("/login/", url.Values{"username": {name}, "password": {seed.DefaultPassword}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("switch %d to %s: %d", i, name, r.StatusCode)
		}
		if r := c.PostForm("/logout/", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout %d: %d", i, r.StatusCode)
		}
	}

	plain := apptest.Start(t)
	plain.Account("boss", "admin")
	if strings.Contains(plain.Client().Get("/login/").Body, "data-demo-role") {
		t.Error("a server without -demo names accounts on its login page")
	}
}
