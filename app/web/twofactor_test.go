package web_test

import (
	"encoding/base32"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/auth"
)

var (
	secretRE   = regexp.MustCompile(`data-twofactor-secret>([A-Z2-7]+)<`)
	recoveryRE = regexp.MustCompile(`<code>([a-z2-7]{5}-[a-z2-7]{5})</code>`)
)

// turnOn sets up the second factor through the settings pages as the client's user
// and returns the secret and the recovery codes shown.
func turnOn(t *testing.T, app *apptest.App, c *apptest.Client) ([]byte, []string) {
	t.Helper()
	if r := c.PostForm("/home/me/2fa/enrol/", nil); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/home/me/2fa/" {
		t.Fatalf("enrol: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	page := c.Get("/home/me/2fa/")
	m := secretRE.FindStringSubmatch(page.Body)
	if page.StatusCode != http.StatusOK || m == nil || !strings.Contains(page.Body, "<svg") || !strings.Contains(page.Body, "otpauth://totp/") {
		t.Fatalf("set-up page without secret, QR code or URI: %d\n%.2000s", page.StatusCode, page.Body)
	}
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(m[1])
	if err != nil {
		t.Fatal(err)
	}
	// A wrong code shows the form again with the message.
	if r := c.PostForm("/home/me/2fa/confirm/", url.Values{"code": {"12345"}}); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Invalid or already used code.") {
		t.Fatalf("wrong first code: %d", r.StatusCode)
	}
	r := c.PostForm("/home/me/2fa/confirm/", url.Values{"code": {auth.TOTPCode(secret, app.Clock.Now())}})
	codes := recoveryRE.FindAllStringSubmatch(r.Body, -1)
	if r.StatusCode != http.StatusOK || len(codes) != auth.RecoveryCodes {
		t.Fatalf("confirm: %d with %d recovery codes", r.StatusCode, len(codes))
	}
	out := make([]string, len(codes))
	for i, m := range codes {
		out[i] = m[1]
	}
	// Once on, the secret is never shown again.
	if page := c.Get("/home/me/2fa/"); strings.Contains(page.Body, m[1]) || strings.Contains(page.Body, "otpauth://") || !strings.Contains(page.Body, `data-twofactor-status="on"`) {
		t.Fatal("the settings page shows the secret after confirmation, or not that it is on")
	}
	return secret, out
}

func TestTwoFactorWebSignIn(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	c := app.User("ada", "student")
	secret, codes := turnOn(t, app, c)
	c.PostForm("/logout/", nil)

	// The password alone gives no session: only the way to the code form.
	c = app.Client()
	r := c.PostForm("/login/", url.Values{"username": {"ada"}, "password": {apptest.Password}, "next": {"/home/notifications/"}, "remember_me": {"on"}})
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login/2fa/") {
		t.Fatalf("password step: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := c.Get("/home/"); r.StatusCode != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), "/login/") {
		t.Fatalf("signed in before the code: %d", r.StatusCode)
	}
	form := c.Get(r.Header.Get("Location"))
	if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, `name="code"`) || !strings.Contains(form.Body, `value="/home/notifications/"`) {
		t.Fatalf("code form: %d", form.StatusCode)
	}
	post := url.Values{"next": {"/home/notifications/"}, "remember_me": {"on"}}
	post.Set("code", "000000")
	if r := c.PostForm("/login/2fa/", post); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Invalid or already used code.") {
		t.Fatalf("wrong code: %d", r.StatusCode)
	}
	post.Set("code", auth.TOTPCode(secret, app.Clock.Now().Add(auth.TOTPStep)))
	r = c.PostForm("/login/2fa/", post)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/home/notifications/" {
		t.Fatalf("right code: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := c.Get("/home/"); r.StatusCode != http.StatusOK {
		t.Fatalf("after the code: %d", r.StatusCode)
	}

	// Another browser: a recovery code works once.
	c2 := app.Client()
	c2.PostForm("/login/", url.Values{"username": {"ada"}, "password": {apptest.Password}})
	if r := c2.PostForm("/login/2fa/", url.Values{"code": {codes[0]}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("recovery code: %d", r.StatusCode)
	}
	c3 := app.Client()
	c3.PostForm("/login/", url.Values{"username": {"ada"}, "password": {apptest.Password}})
	if r := c3.PostForm("/login/2fa/", url.Values{"code": {codes[0]}}); r.StatusCode != http.StatusOK {
		t.Fatalf("recovery code twice: %d", r.StatusCode)
	}
	// Without the challenge cookie the code form sends back to the password.
	if r := app.Client().Get("/login/2fa/"); r.StatusCode != http.StatusFound || r.Header.Get("Location") != "/login/" {
		t.Fatalf("code form without a challenge: %d", r.StatusCode)
	}
	if r := app.Client().PostForm("/login/2fa/", url.Values{"code": {"123456"}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login/" {
		t.Fatalf("code without a challenge: %d %s", r.StatusCode, r.Header.Get("Location"))
	}

	// Turning it off takes the password and a code.
	if r := c.PostForm("/home/me/2fa/disable/", url.Values{"password": {"nope"}, "code": {codes[1]}}); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Your password was entered incorrectly.") {
		t.Fatalf("disable with a wrong password: %d", r.StatusCode)
	}
	if r := c.PostForm("/home/me/2fa/disable/", url.Values{"password": {apptest.Password}, "code": {codes[1]}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.StatusCode)
	}
	app.Client().LogIn("ada", apptest.Password) // straight in again
}

// Wrong codes at the second step are limited like wrong passwords: with the default
// limits the sixth failure of one account from one address is a 429.
func TestTwoFactorWebRateLimit(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	c := app.User("bea", "student")
	turnOn(t, app, c)
	status := 0
	for i := range 3 {
		c := app.Client()
		c.PostForm("/login/", url.Values{"username": {"bea"}, "password": {apptest.Password}})
		for range 2 {
			r := c.PostForm("/login/2fa/", url.Values{"code": {"00000" + strconv.Itoa(i)}})
			status = r.StatusCode
			if r.StatusCode == http.StatusTooManyRequests && r.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
	}
	if status != http.StatusTooManyRequests {
		t.Fatalf("the sixth wrong code: %d", status)
	}
}

// Permission matrix of the settings and the admin reset: every signed-in user has
// their own settings; only admins reset someone else's second factor.
func TestTwoFactorPermissions(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	clients := map[string]*apptest.Client{
		"student": app.User("stud", "student"), "other student": app.User("stud2", "student"),
		"instructor": app.User("prof", "instructor"), "other instructor": app.User("prof2", "instructor"),
		"admin": app.User("root", "admin"),
	}
	victim := app.User("vic", "student")
	turnOn(t, app, victim)
	vid := strconv.FormatInt(userID(t, app, "vic"), 10)
	for name, c := range clients {
		if r := c.Get("/home/me/2fa/"); r.StatusCode != http.StatusOK {
			t.Errorf("%s GET settings: %d", name, r.StatusCode)
		}
		want := http.StatusForbidden
		if name == "admin" {
			want = http.StatusSeeOther
		}
		if r := c.PostForm("/admin/users/"+vid+"/2fa/reset/", nil); r.StatusCode != want {
			t.Errorf("%s reset: %d, want %d", name, r.StatusCode, want)
		}
	}
	anon := app.Client()
	for _, p := range []string{"/home/me/2fa/enrol/", "/home/me/2fa/confirm/", "/home/me/2fa/recovery-codes/", "/home/me/2fa/disable/", "/admin/users/" + vid + "/2fa/reset/"} {
		if r := anon.PostForm(p, nil); r.StatusCode != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), "/login/") {
			t.Errorf("anonymous POST %s: %d", p, r.StatusCode)
		}
	}
	if r := anon.Get("/home/me/2fa/"); r.StatusCode != http.StatusFound {
		t.Errorf("anonymous settings: %d", r.StatusCode)
	}
	// The admin's reset took effect: the password alone signs in.
	app.Client().LogIn("vic", apptest.Password)
	// An admin cannot reset their own here.
	rootID := strconv.FormatInt(userID(t, app, "root"), 10)
	if r := clients["admin"].PostForm("/admin/users/"+rootID+"/2fa/reset/", nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("own reset: %d", r.StatusCode)
	}
}

// With -require-2fa-admins an admin without a second factor lands on its set-up page
// and is sent back there from everywhere else until it is on; others are untouched.
func TestRequireTwoFactorForAdmins(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, apptest.Options{Args: append([]string{"-require-2fa-admins"}, apptest.RelaxedLimits...)})
	app.Account("root", "admin")
	app.Account("stud", "student")
	admin := app.Client()
	r := admin.PostForm("/login/", url.Values{"username": {"root"}, "password": {apptest.Password}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/home/me/2fa/" {
		t.Fatalf("admin sign-in: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	for _, p := range []string{"/home/", "/admin/", "/admin/users/", "/home/profile/"} {
		if r := admin.Get(p); r.StatusCode != http.StatusFound || r.Header.Get("Location") != "/home/me/2fa/" {
			t.Errorf("admin GET %s before set-up: %d %s", p, r.StatusCode, r.Header.Get("Location"))
		}
	}
	if r := admin.PostForm("/home/", url.Values{"content": {"hi"}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/home/me/2fa/" {
		t.Errorf("admin POST before set-up: %d", r.StatusCode)
	}
	if r := admin.Get("/home/me/2fa/"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "data-twofactor-required") {
		t.Errorf("set-up page: %d", r.StatusCode)
	}
	tok, _ := app.Token("root")
	api := app.Client()
	if r := api.JSON("GET", "/api/posts/", nil, tok); r.StatusCode != http.StatusForbidden {
		t.Errorf("admin API before set-up: %d", r.StatusCode)
	}
	var st struct{ Required bool }
	if r := api.JSON("GET", "/api/auth/2fa/", nil, tok); r.StatusCode != http.StatusOK {
		t.Errorf("2fa status through the API: %d", r.StatusCode)
	} else if r.JSON(t, &st); !st.Required {
		t.Error("required is false")
	}
	// A student is not asked.
	stud := app.Client()
	stud.LogIn("stud", apptest.Password)
	if r := stud.Get("/home/"); r.StatusCode != http.StatusOK {
		t.Errorf("student: %d", r.StatusCode)
	}
	// Once on, the admin area opens.
	turnOn(t, app, admin)
	if r := admin.Get("/admin/"); r.StatusCode != http.StatusOK {
		t.Errorf("admin area after set-up: %d", r.StatusCode)
	}
	if r := api.JSON("GET", "/api/posts/", nil, tok); r.StatusCode != http.StatusOK {
		t.Errorf("admin API after set-up: %d", r.StatusCode)
	}
}
