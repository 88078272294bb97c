package browsertest_test

import (
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/auth"
	"eplatform/app/browsertest"
)

// The app runs on apptest's settable clock (2026-11-25 12:00 UTC), which is fine for
// a browser: the session cookie's lifetime is a relative Max-Age (gorilla also sets
// Expires from the real clock), and the server checks the session row's expiry
// against the same fake clock that wrote it, so no cookie or session looks expired.

const (
	loginForm  = `form[action="/login/"]`
	signupForm = `form[action="/signup/"]`
)

func expectLocation(t *testing.T, b *browsertest.Browser, want string) {
	t.Helper()
	if got := b.Location(); got != want {
		t.Fatalf("location = %q, want %q", got, want)
	}
}

// logIn signs a browser in through the login form.
func logIn(t *testing.T, b *browsertest.Browser, app *apptest.App, username string) {
	t.Helper()
	b.Navigate(app.URL + "/login/")
	b.Type("#id_username", username)
	b.Type("#id_password", apptest.Password)
	b.Submit(loginForm)
	expectLocation(t, b, app.URL+"/home/")
}

func TestSignupLoginDarkModeLogout(t *testing.T) {
	app := apptest.Start(t)
	b := browsertest.New(t)

	// Sign up.
	b.Navigate(app.URL + "/signup/")
	b.WaitVisible("#id_first_name")
	b.Screenshot("signup")
	b.Type("#id_first_name", "Grace")
	b.Type("#id_last_name", "Hopper")
	b.Type("#id_username", "grace")
	b.Type("#id_email", "grace@example.com")
	b.SetValue("#id_user_type", auth.Student)
	b.SetValue("#id_birthdate", "2005-03-04") // typing into a date input depends on the locale
	b.Type("#id_password1", apptest.Password)
	b.Type("#id_password2", apptest.Password)
	if got := b.Attr(`[data-strength-for="id_password1"]`, "data-score"); got == "" || got == "0" {
		t.Errorf("password strength meter score = %q after typing a password", got)
	}
	b.Screenshot("signup-filled")
	b.Submit(signupForm)

	// The login page greets the new account.
	expectLocation(t, b, app.URL+"/login/")
	b.WaitVisible(".toast--success")
	if got := b.Text(".toast--success .toast__msg"); got != "Your account is ready, Grace. Log in to continue." {
		t.Errorf("signup toast = %q", got)
	}
	b.Screenshot("login-after-signup")

	// Log in, remembered.
	b.Type("#id_username", "grace")
	b.Type("#id_password", apptest.Password)
	b.Click(`input[name="remember_me"]`)
	var remember bool
	b.Eval(`document.querySelector('input[name="remember_me"]').checked`, &remember)
	if !remember {
		t.Fatal("remember me is not checked after a click")
	}
	b.Submit(loginForm)
	expectLocation(t, b, app.URL+"/home/")
	if got := b.Text("main h1"); got != "Home feed" {
		t.Errorf("home heading = %q", got)
	}
	if got := b.Text("#user-menu .menu__header"); !strings.Contains(got, "Grace Hopper") || !strings.Contains(got, "@grace") {
		t.Errorf("user menu header = %q", got)
	}
	// Remember me makes a persistent cookie (14 days), HttpOnly and SameSite=Lax.
	var session bool
	for _, c := range b.Cookies() {
		if c.Name != auth.SessionName {
			continue
		}
		session = true
		left := time.Until(time.Unix(int64(c.Expires), 0))
		if c.Session || left < auth.RememberLife-time.Hour || left > auth.RememberLife+time.Hour {
			t.Errorf("remembered session cookie: session=%v, expires in %s, want ~%s", c.Session, left, auth.RememberLife)
		}
		if !c.HTTPOnly || c.SameSite != "Lax" {
			t.Errorf("session cookie: HttpOnly=%v SameSite=%q", c.HTTPOnly, c.SameSite)
		}
	}
	if !session {
		t.Fatalf("no %s cookie after login", auth.SessionName)
	}
	b.Screenshot("home")

	// Dark mode: the toggle sets <html data-theme="dark">, remembered in localStorage.
	if got := b.Attr("html", "data-theme"); got != "" {
		t.Fatalf("data-theme = %q before any choice", got)
	}
	// The palette is defined once (light-dark()): the page's background follows the
	// scheme chosen, and the avatars' tones with it.
	pageColours := func() (bg, avatar string) {
		b.Eval(`getComputedStyle(document.body).backgroundColor`, &bg)
		b.Eval(`(function(){var a=document.querySelector("[class*='avatar--t']");return a?getComputedStyle(a).backgroundColor:"none"})()`, &avatar)
		return bg, avatar
	}
	lightBG, lightAvatar := pageColours()
	if lightBG != "rgb(245, 245, 250)" {
		t.Errorf("light page background = %s, want rgb(245, 245, 250) (--bg)", lightBG)
	}
	b.Click("[data-theme-toggle]")
	b.WaitJS(`document.documentElement.dataset.theme === "dark"`)
	if bg, avatar := pageColours(); bg != "rgb(17, 17, 28)" || (avatar != "none" && avatar == lightAvatar) {
		t.Errorf("dark page background = %s (want rgb(17, 17, 28)), avatar tone %s (light: %s)", bg, avatar, lightAvatar)
	}
	if got := b.Attr("[data-theme-toggle]", "aria-pressed"); got != "true" {
		t.Errorf("theme toggle aria-pressed = %q in dark mode", got)
	}
	var stored string
	b.Eval(`localStorage.getItem("theme")`, &stored)
	if stored != "dark" {
		t.Errorf("localStorage theme = %q", stored)
	}
	b.Screenshot("home-dark")
	b.Reload()
	if got := b.Attr("html", "data-theme"); got != "dark" {
		t.Errorf("data-theme = %q after a reload, want dark", got)
	}
	if got := b.Attr("[data-theme-toggle]", "aria-pressed"); got != "true" {
		t.Errorf("theme toggle aria-pressed = %q after a reload", got)
	}

	// Back to following the system: the user menu's Theme group (system / light / dark).
	b.Click("[data-menu-button][aria-controls=user-menu]")
	b.WaitVisible(`[data-theme-set="system"]`)
	if got := b.Attr(`[data-theme-set="dark"]`, "aria-pressed"); got != "true" {
		t.Errorf("Theme: Dark aria-pressed = %q while dark is chosen", got)
	}
	b.Click(`[data-theme-set="system"]`)
	b.WaitJS(`!document.documentElement.hasAttribute("data-theme") && localStorage.getItem("theme") === null`)
	if bg, _ := pageColours(); bg != "rgb(245, 245, 250)" {
		t.Errorf("page background following the (light) system = %s", bg)
	}
	if got := b.Attr(`[data-theme-set="system"]`, "aria-pressed"); got != "true" {
		t.Errorf("Theme: System aria-pressed = %q after choosing it", got)
	}
	b.Reload()
	if got := b.Attr("html", "data-theme"); got != "" {
		t.Errorf("data-theme = %q after choosing the system's and a reload", got)
	}
	b.Click("[data-theme-toggle]")
	b.WaitJS(`document.documentElement.dataset.theme === "dark"`)

	// The user menu opens and logs out with its POST form.
	b.WaitNotVisible("#user-menu")
	b.Click(".user-menu [data-menu-button]")
	b.WaitVisible("#user-menu")
	if got := b.Attr(".user-menu [data-menu-button]", "aria-expanded"); got != "true" {
		t.Errorf("menu button aria-expanded = %q when open", got)
	}
	b.Screenshot("user-menu")
	b.ClickAndWait(`#user-menu form[action="/logout/"] button[type="submit"]`)
	expectLocation(t, b, app.URL+"/login/")
	b.WaitVisible(".toast")
	if got := b.Text(".toast .toast__msg"); got != "You have been logged out." {
		t.Errorf("logout toast = %q", got)
	}
	if got := b.Attr("html", "data-theme"); got != "dark" {
		t.Errorf("data-theme = %q on the login page after logout, want dark (localStorage)", got)
	}
	b.Screenshot("logged-out")

	// Signed out for real: /home/ sends the browser to the login page.
	b.Navigate(app.URL + "/home/")
	expectLocation(t, b, app.URL+"/login/?next=%2Fhome%2F")
	for _, c := range b.Cookies() {
		if c.Name == auth.SessionName && !c.Session {
			t.Errorf("a persistent session cookie is left after logout (expires %v)", time.Unix(int64(c.Expires), 0))
		}
	}
}

// The access code field is shown (and enabled) only for instructors and admins.
func TestSignupAccessCodeField(t *testing.T) {
	app := apptest.Start(t)
	b := browsertest.New(t)
	b.Navigate(app.URL + "/signup/")

	check := func(userType string, shown bool) {
		t.Helper()
		b.SetValue("#id_user_type", userType)
		if shown {
			b.WaitVisible("#id_access_code")
		} else {
			b.WaitNotVisible("#id_access_code")
		}
		var disabled bool
		b.Eval(`document.getElementById("id_access_code").disabled`, &disabled)
		if disabled == shown {
			t.Errorf("user type %s: access code disabled=%v, want %v", userType, disabled, !shown)
		}
	}
	check(auth.Student, false) // the default
	check(auth.Instructor, true)
	b.Screenshot("signup-instructor")
	check(auth.Admin, true)
	check(auth.Student, false)

	// An instructor signs up with the code.
	check(auth.Instructor, true)
	b.Type("#id_first_name", "Alan")
	b.Type("#id_last_name", "Turing")
	b.Type("#id_username", "alan")
	b.Type("#id_email", "alan@example.com")
	b.SetValue("#id_birthdate", "1990-06-23")
	b.Type("#id_access_code", apptest.InstructorCode)
	b.Type("#id_password1", apptest.Password)
	b.Type("#id_password2", apptest.Password)
	b.Submit(signupForm)
	expectLocation(t, b, app.URL+"/login/")
	b.WaitVisible(".toast--success")
	logIn(t, b, app, "alan")
}

// A wrong password and an unknown user get the same generic message.
func TestLoginWrongPassword(t *testing.T) {
	app := apptest.Start(t)
	app.User("ada", auth.Student)
	b := browsertest.New(t)

	for _, username := range []string{"ada", "nobody"} {
		b.Navigate(app.URL + "/login/")
		b.Type("#id_username", username)
		b.Type("#id_password", "not-the-Password-1")
		b.Submit(loginForm)
		expectLocation(t, b, app.URL+"/login/")
		b.WaitVisible(`[role="alert"]`)
		if got := b.Text(`[role="alert"]`); got != "Invalid username or password." {
			t.Errorf("%s: error = %q", username, got)
		}
		var values []string
		b.Eval(`[document.getElementById("id_username").value, document.getElementById("id_password").value]`, &values)
		if values[0] != username || values[1] != "" {
			t.Errorf("%s: form kept username %q and password %q; want the username only", username, values[0], values[1])
		}
	}
	b.Screenshot("login-error")
	b.Navigate(app.URL + "/home/")
	expectLocation(t, b, app.URL+"/login/?next=%2Fhome%2F")
}

// At 360 px nothing scrolls sideways and the menu button opens the off-canvas nav.
func TestMobileLayout(t *testing.T) {
	app := apptest.Start(t)
	app.User("ada", auth.Student)
	b := browsertest.New(t)
	b.SetViewport(360, 740)

	noSideScroll := func() {
		t.Helper()
		var w int
		b.Eval(`document.documentElement.scrollWidth`, &w)
		if w > 360 {
			t.Errorf("%s: scrollWidth = %d at a 360 px viewport", b.Location(), w)
		}
	}
	for _, path := range []string{"/login/", "/signup/"} {
		b.Navigate(app.URL + path)
		noSideScroll()
	}
	logIn(t, b, app, "ada")
	noSideScroll()
	b.Screenshot("home-360")

	b.WaitVisible("[data-nav-toggle]")
	b.WaitNotVisible("#site-nav")
	b.Click("[data-nav-toggle]")
	b.WaitVisible("#site-nav")
	b.WaitJS(`getComputedStyle(document.getElementById("site-nav")).transform === "none"`) // slid in
	if got := b.Attr("[data-nav-toggle]", "aria-expanded"); got != "true" {
		t.Errorf("nav toggle aria-expanded = %q when open", got)
	}
	b.WaitVisible(`#site-nav a[href="/home/"]`)
	b.WaitVisible(".nav-overlay")
	noSideScroll()
	b.Screenshot("nav-open-360")

	b.Click(`#site-nav [data-nav-close]`)
	b.WaitNotVisible("#site-nav")
	if got := b.Attr("[data-nav-toggle]", "aria-expanded"); got != "false" {
		t.Errorf("nav toggle aria-expanded = %q when closed", got)
	}
}
