package web_test

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/auth"
	"eplatform/app/store"
)

// relaxed raises the account rate limits so tests that are not about them can make
// many attempts from the one test address.
var relaxed = []string{"-limits", "login=1000/5m,login_user=1000/5m,login_account=1000/5m,login_device=1000/5m,signup=1000/1h,reset=1000/5m"}

func startRelaxed(t *testing.T) *apptest.App {
	t.Helper()
	return apptest.Start(t, apptest.Options{Args: relaxed})
}

// tagRE strips markup from an extracted fragment.
var tagRE = regexp.MustCompile(`<[^>]*>`)

func plain(fragment string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(fragment, " "))), " ")
}

// fieldErrors returns the text of the error block under the form control named
// field ("" when there is none).
func fieldErrors(body, field string) string {
	i := strings.Index(body, `id="id_`+field+`_error"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	j := strings.Index(rest, "</div>")
	if j < 0 {
		return ""
	}
	return plain(rest[strings.Index(rest, ">")+1 : j])
}

// formAlert returns the text of the form-wide error box ("" when there is none).
func formAlert(body string) string {
	i := strings.Index(body, `class="alert alert--error"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	j := strings.Index(rest, "</div>")
	return plain(rest[strings.Index(rest, ">")+1 : j])
}

func countUsers(t *testing.T, app *apptest.App) int {
	t.Helper()
	n, err := app.State.DB.CountUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func userByName(t *testing.T, app *apptest.App, name string) (store.User, bool) {
	t.Helper()
	u, err := app.State.DB.UserByUsername(context.Background(), name)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return u, true
}

// sessionCookie returns the session cookie a response set ("" and false when none).
func sessionCookie(resp *apptest.Response) (*http.Cookie, bool) {
	for _, c := range resp.Cookies() {
		if c.Name == "eplatform_session" {
			return c, true
		}
	}
	return nil, false
}

// jarSession is the session token the client's jar holds.
func jarSession(t *testing.T, app *apptest.App, c *apptest.Client) string {
	t.Helper()
	u, _ := url.Parse(app.URL + "/")
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "eplatform_session" {
			return ck.Value
		}
	}
	return ""
}

// withSession fetches path as a fresh browser that presents only the given session
// token, as someone who copied the cookie would.
func withSession(app *apptest.App, token, path string) *apptest.Response {
	return app.Client().Do("GET", path, nil, http.Header{"Cookie": {"eplatform_session=" + token}})
}

// ymd formats a date as the forms expect.
func ymd(t time.Time) string { return t.Format(time.DateOnly) }

func TestSignupRejectsBadInput(t *testing.T) {
	t.Parallel()
	app := startRelaxed(t)
	app.User("taken", "student") // taken@example.com
	now := app.Clock.Now()
	set := func(kv ...string) func(url.Values) {
		return func(f url.Values) {
			for i := 0; i < len(kv); i += 2 {
				f.Set(kv[i], kv[i+1])
			}
		}
	}
	del := func(name string) func(url.Values) { return func(f url.Values) { f.Del(name) } }
	password := func(pw string) func(url.Values) { return set("password1", pw, "password2", pw) }
	long := func(n int) string { return strings.Repeat("a", n) }

	cases := []struct {
		name   string
		change func(url.Values)
		field  string
		want   string
	}{
		{"missing first_name", del("first_name"), "first_name", "This field is required."},
		{"blank first_name", set("first_name", "   "), "first_name", "This field is required."},
		{"missing last_name", del("last_name"), "last_name", "This field is required."},
		{"missing username", del("username"), "username", "This field is required."},
		{"missing email", del("email"), "email", "This field is required."},
		{"missing password1", del("password1"), "password1", "This field is required."},
		{"missing password2", del("password2"), "password2", "This field is required."},
		{"missing birthdate", del("birthdate"), "birthdate", "This field is required."},

		{"username 151", set("username", long(151)), "username", "no more than 150 characters"},
		{"first_name 151", set("first_name", long(151)), "first_name", "no more than 150 characters"},
		{"last_name 151", set("last_name", long(151)), "last_name", "no more than 150 characters"},
		{"email 255", set("email", long(255-len("@example.com"))+"@example.com"), "email", "no more than 254 characters"},
		{"password 129", password("Xy7-" + long(125)), "password1", "no more than 128 characters"},
		{"email invalid", set("email", "not-an-address"), "email", "Enter a valid email address."},

		{"username with @", set("username", "ada@home"), "username", "Enter a valid username"},
		{"username with space", set("username", "ada lovelace"), "username", "Enter a valid username"},
		{"username with slash", set("username", "ada/x"), "username", "Enter a valid username"},

		{"duplicate username other case", set("username", "TaKeN", "email", "fresh1@example.com"), "username", "A user with that username already exists."},
		{"duplicate email other case", set("email", "TAKEN@Example.COM"), "email", "A user with that email already exists."},

		{"password mismatch", set("password2", "correct-Horse-8"), "password2", "The two password fields didn't match."},
		{"password too short", password("Ab1-xyz"), "password1", "This password is too short. It must contain at least 8 characters."},
		{"password all digits", password("4815162342108"), "password1", "This password is entirely numeric."},
		{"password common", password("password123"), "password1", "This password is too common."},
		{"password similar to username", set("username", "marvellous", "password1", "marvellous-77", "password2", "marvellous-77"), "password1", "too similar to your personal details"},

		{"birthdate month 13", set("birthdate", "2005-13-01"), "birthdate", "Enter a valid date (YYYY-MM-DD)."},
		{"birthdate words", set("birthdate", "yesterday"), "birthdate", "Enter a valid date (YYYY-MM-DD)."},
		{"birthdate future", set("birthdate", ymd(now.AddDate(0, 0, 1))), "birthdate", "Birthdate cannot be in the future."},
		{"birthdate 1899", set("birthdate", "1899-06-01"), "birthdate", "Enter a birthdate after 1900."},
		{"student aged 16", set("birthdate", ymd(now.AddDate(-17, 0, 1))), "birthdate", "Students must be between 17 and 40 years old."},
		{"student aged 41", set("birthdate", ymd(now.AddDate(-41, 0, 0))), "birthdate", "Students must be between 17 and 40 years old."},

		{"instructor without code", set("user_type", "instructor"), "access_code", "Invalid instructor access code."},
		{"instructor wrong code", set("user_type", "instructor", "access_code", "TEACH-0000"), "access_code", "Invalid instructor access code."},
		{"instructor with admin code", set("user_type", "instructor", "access_code", apptest.AdminCode), "access_code", "Invalid instructor access code."},
		{"admin without code", set("user_type", "admin"), "access_code", "Invalid admin access code."},
		{"admin wrong code", set("user_type", "admin", "access_code", "nope"), "access_code", "Invalid admin access code."},
		{"admin with instructor code", set("user_type", "admin", "access_code", apptest.InstructorCode), "access_code", "Invalid admin access code."},
		{"unknown user_type", set("user_type", "superuser"), "user_type", "Select a valid choice"},
	}
	c := app.Client()
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := apptest.SignupForm(fmt.Sprintf("newbie%d", i))
			tc.change(form)
			before := countUsers(t, app)
			resp := c.PostForm("/signup/", form)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200 (Location %q)", resp.StatusCode, resp.Header.Get("Location"))
			}
			if got := fieldErrors(resp.Body, tc.field); !strings.Contains(got, tc.want) {
				t.Errorf("errors under %s = %q, want %q", tc.field, got, tc.want)
			}
			if !strings.Contains(resp.Body, `action="/signup/"`) {
				t.Error("the signup form is not shown again")
			}
			if after := countUsers(t, app); after != before {
				t.Errorf("a user row was created: %d → %d", before, after)
			}
			if pw := form.Get("password1"); pw != "" && strings.Contains(resp.Body, pw) {
				t.Error("the password is echoed in the page")
			}
		})
	}

	// What was typed comes back escaped, so the form is kept but cannot inject markup.
	form := apptest.SignupForm("escaper")
	form.Set("first_name", `<script>alert("x")</script>`)
	form.Set("email", `"><img src=x onerror=alert(1)>@example.com`)
	resp := c.PostForm("/signup/", form)
	if resp.StatusCode != http.StatusOK || strings.Contains(resp.Body, "<script>alert") || strings.Contains(resp.Body, "<img src=x") {
		t.Errorf("markup echoed unescaped: %d", resp.StatusCode)
	}
	if !strings.Contains(resp.Body, `value="escaper"`) {
		t.Error("the username typed is not kept in the form")
	}
}

func TestSignupAcceptsBoundaries(t *testing.T) {
	t.Parallel()
	app := startRelaxed(t)
	now := app.Clock.Now()
	cases := []struct {
		name     string
		kv       []string
		wantType string
	}{
		{"student aged 17 today", []string{"birthdate", ymd(now.AddDate(-17, 0, 0))}, "student"},
		{"student aged 40, 41 tomorrow", []string{"birthdate", ymd(now.AddDate(-41, 0, 1))}, "student"},
		{"no user_type means student", []string{"user_type", ""}, "student"},
		{"instructor with the code", []string{"user_type", "instructor", "access_code", apptest.InstructorCode}, "instructor"},
		{"instructor code in lower case", []string{"user_type", "instructor", "access_code", strings.ToLower(apptest.InstructorCode)}, "instructor"},
		{"admin with the code", []string{"user_type", "admin", "access_code", " " + strings.ToLower(apptest.AdminCode) + " "}, "admin"},
		{"instructor of any age", []string{"user_type", "instructor", "access_code", apptest.InstructorCode, "birthdate", "1950-01-01"}, "instructor"},
	}
	// A safe next survives signup into the login link; an unsafe one is dropped.
	for next, want := range map[string]string{"/home/": "/login/?next=%2Fhome%2F", "//evil.com": "/login/"} {
		form := apptest.SignupForm("next" + strconv.Itoa(len(next)))
		form.Set("next", next)
		if r := app.Client().PostForm("/signup/", form); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != want {
			t.Errorf("signup with next %q: %d → %q, want %q", next, r.StatusCode, r.Header.Get("Location"), want)
		}
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			name := fmt.Sprintf("fine%d", i)
			form := apptest.SignupForm(name)
			for j := 0; j < len(tc.kv); j += 2 {
				form.Set(tc.kv[j], tc.kv[j+1])
			}
			c := app.Client()
			resp := c.PostForm("/signup/", form)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login/" {
				t.Fatalf("status %d → %q; errors: %q", resp.StatusCode, resp.Header.Get("Location"), plain(resp.Body))
			}
			u, ok := userByName(t, app, name)
			if !ok || u.UserType != tc.wantType || u.Email != name+"@example.com" {
				t.Fatalf("stored user %+v (found %v), want type %s", u, ok, tc.wantType)
			}
			if page := c.Get("/login/").Body; !strings.Contains(page, "Your account is ready") {
				t.Error("no success message on the login page")
			}
		})
	}
}

func TestSignupBadBodies(t *testing.T) {
	t.Parallel()
	app := startRelaxed(t)
	c := app.Client()

	big := apptest.SignupForm("bigbody")
	big.Set("first_name", strings.Repeat("x", 70<<10))
	resp := c.PostForm("/signup/", big)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(resp.Body, "too much data") ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("oversized form: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	garbage := []struct {
		name, contentType, body string
	}{
		{"bad escapes", "application/x-www-form-urlencoded", "username=%zz&password1=%%%"},
		{"binary", "application/x-www-form-urlencoded", "\x00\xff\xfe;;==&&\x01"},
		{"multipart without boundary", "multipart/form-data", "--x\r\n\r\n"},
		{"broken multipart", "multipart/form-data; boundary=zzz", "--zzz\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nab"},
		{"json", "application/json", `{"username":"jsonuser","password1":"x"}`},
		{"text", "text/plain", "username=plain"},
		{"no content type", "", "username=none"},
	}
	for _, g := range garbage {
		t.Run(g.name, func(t *testing.T) {
			h := http.Header{}
			if g.contentType != "" {
				h.Set("Content-Type", g.contentType)
			}
			resp := c.Do("POST", "/signup/", strings.NewReader(g.body), h)
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 200 or 400", resp.StatusCode)
			}
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Errorf("content type %q", resp.Header.Get("Content-Type"))
			}
		})
	}
	if n := countUsers(t, app); n != 0 {
		t.Errorf("%d users created by bad bodies", n)
	}
}

func TestLoginRejectsGenerically(t *testing.T) {
	t.Parallel()
	app := startRelaxed(t)
	app.User("ada", "student")
	gone := app.User("gone", "student")
	_ = gone
	u, _ := userByName(t, app, "gone")
	if err := app.State.Auth.SetActive(context.Background(), u.ID, false); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, username, password string }{
		{"unknown user", "nobody", apptest.Password},
		{"wrong password", "ada", "wrong-Password-1"},
		{"password in other case", "ada", strings.ToUpper(apptest.Password)},
		{"deactivated user", "gone", apptest.Password},
		{"empty password", "ada", ""},
		{"empty username", "", apptest.Password},
		{"huge password", "ada", strings.Repeat("p", 5000)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := app.Client()
			resp := c.PostForm("/login/", url.Values{"username": {tc.username}, "password": {tc.password}})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := formAlert(resp.Body); got != "Invalid username or password." {
				t.Errorf("message %q", got)
			}
			if tc.password != "" && strings.Contains(resp.Body, tc.password) {
				t.Error("the password is echoed in the page")
			}
			if ck, ok := sessionCookie(resp); ok && ck.MaxAge >= 0 && ck.Value != "" {
				if r := withSession(app, ck.Value, "/home/"); r.StatusCode == http.StatusOK {
					t.Error("a failed login produced a signed-in session")
				}
			}
			if r := c.Get("/home/"); r.StatusCode != http.StatusFound {
				t.Errorf("home after failed login: %d", r.StatusCode)
			}
		})
	}
	// The deactivated user's earlier session ended with the deactivation.
	if r := gone.Get("/home/"); r.StatusCode != http.StatusFound {
		t.Errorf("deactivated user's session still works: %d", r.StatusCode)
	}
}

func TestLoginCookies(t *testing.T) {
	t.Parallel()
	app := startRelaxed(t)
	app.User("ada", "student")
	for _, remember := range []bool{false, true} {
		t.Run("remember="+strconv.FormatBool(remember), func(t *testing.T) {
			form := url.Values{"username": {"ada"}, "password": {apptest.Password}}
			if remember {
				form.Set("remember_me", "on")
			}
			resp := app.Client().PostForm("/login/", form)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/home/" {
				t.Fatalf("login: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			ck, ok := sessionCookie(resp)
			if !ok || ck.Value == "" {
				t.Fatal("no session cookie")
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
				t.Errorf("cookie flags: HttpOnly=%v SameSite=%v Path=%q", ck.HttpOnly, ck.SameSite, ck.Path)
			}
			persistent := ck.MaxAge > 0 || !ck.Expires.IsZero()
			if persistent != remember {
				t.Errorf("remember=%v but cookie Max-Age=%d Expires=%v", remember, ck.MaxAge, ck.Expires)
			}
			if remember && ck.MaxAge != 14*24*3600 {
				t.Errorf("remembered for %d s, want 14 days", ck.MaxAge)
			}
			if r := withSession(app, ck.Value, "/home/"); r.StatusCode != http.StatusOK {
				t.Errorf("the cookie does not sign in: %d", r.StatusCode)
			}
		})
	}
}

func TestLoginRotatesSession(t *testing.T) {
	t.Parallel()
	app := startRelaxed(t)
	c := app.Client()
	c.SignUp("ada") // leaves an anonymous session carrying the flash
	planted := jarSession(t, app, c)
	if planted == "" {
		t.Fatal("no anonymous session after signup")
	}
	c.LogIn("ada", apptest.Password)
	first := jarSession(t, app, c)
	if first == "" || first == planted {
		t.Fatalf("session id not rotated at login: %q → %q", planted, first)
	}
	if r := withSession(app, planted, "/home/"); r.StatusCode != http.StatusFound {
		t.Errorf("the pre-login session id authenticates: %d", r.StatusCode)
	}
	if r := withSession(app, first, "/home/"); r.StatusCode != http.StatusOK {
		t.Errorf("the new session id does not authenticate: %d", r.StatusCode)
	}
	// Logging in again (e.g. as someone else on a shared computer) rotates again.
	c.LogIn("ada", apptest.Password)
	second := jarSession(t, app, c)
	if second == first {
		t.Fatal("session id not rotated at the second login")
	}
	if r := withSession(app, first, "/home/"); r.StatusCode != http.StatusFound {
		t.Errorf("the replaced session id still authenticates: %d", r.StatusCode)
	}
	if r := c.Get("/home/"); r.StatusCode != http.StatusOK {
		t.Errorf("home after the second login: %d", r.StatusCode)
	}
}

func TestLoginNext(t *testing.T) {
	t.Parallel()
	app := startRelaxed(t)
	app.User("ada", "student")
	app.User("boss", "admin")
	cases := []struct{ user, next, want string }{
		{"ada", "", "/home/"},
		{"ada", "/home/", "/home/"},
		{"ada", "/home/?tab=2", "/home/?tab=2"},
		{"ada", "//evil.com", "/home/"},
		{"ada", "//evil.com/home/", "/home/"},
		{"ada", "https://evil.com", "/home/"},
		{"ada", "https://evil.com/home/", "/home/"},
		{"ada", `/\evil.com`, "/home/"},
		{"ada", "javascript:alert(1)", "/home/"},
		{"ada", "home/", "/home/"},
		{"ada", "/\t/evil.com", "/home/"},
		{"boss", "", "/admin/"},
		{"boss", "/home/", "/home/"},
		{"boss", "//evil.com", "/admin/"},
	}
	for _, tc := range cases {
		t.Run(tc.user+" "+tc.next, func(t *testing.T) {
			c := app.Client()
			resp := c.PostForm("/login/", url.Values{"username": {tc.user}, "password": {apptest.Password}, "next": {tc.next}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.want {
				t.Errorf("POST: %d → %q, want %q", resp.StatusCode, resp.Header.Get("Location"), tc.want)
			}
			// Signed in, GET /login/?next= redirects the same way.
			got := c.Get("/login/?next=" + url.QueryEscape(tc.next))
			if got.StatusCode != http.StatusFound || got.Header.Get("Location") != tc.want {
				t.Errorf("signed-in GET: %d → %q, want %q", got.StatusCode, got.Header.Get("Location"), tc.want)
			}
		})
	}
	// An admin lands on the admin area, which lets them in.
	boss := app.Client()
	boss.LogIn("boss", apptest.Password)
	if r := boss.Get("/admin/"); r.StatusCode != http.StatusOK {
		t.Errorf("admin area after an admin login: %d", r.StatusCode)
	}
	// The login form carries a safe next along, and drops an unsafe one.
	if body := app.Client().Get("/login/?next=%2Fhome%2F").Body; !strings.Contains(body, `name="next" value="/home/"`) {
		t.Error("next not kept in the login form")
	}
	if body := app.Client().Get("/login/?next=%2F%2Fevil.com").Body; strings.Contains(body, "evil.com") {
		t.Error("unsafe next echoed in the login form")
	}
	// Signed-in visitors of the signup page go home too.
	if r := app.User("cy", "student").Get("/signup/"); r.StatusCode != http.StatusFound || r.Header.Get("Location") != "/home/" {
		t.Errorf("signed-in GET /signup/: %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
}

// loginFrom posts the login form as client c from address ip (the app trusts
// X-Forwarded-For from 127.0.0.1 in these tests).
func loginFrom(c *apptest.Client, ip, username, password string) *apptest.Response {
	form := url.Values{"username": {username}, "password": {password}}
	return c.Do("POST", "/login/", strings.NewReader(form.Encode()), http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"}, "X-Forwarded-For": {ip},
	})
}

// startBehindProxy starts an app with the default limits that believes the client
// address a proxy on 127.0.0.1 puts in X-Forwarded-For.
func startBehindProxy(t *testing.T) *apptest.App {
	t.Helper()
	return apptest.Start(t, apptest.Options{Args: []string{"-trusted-proxies", "127.0.0.1"}})
}

// TestLoginClassBehindOneAddress: a class of 40 signs in from the school's one address
// within a minute, some mistyping first, and everyone gets in; successful sign-ins
// never count, so one browser switching between accounts all day never meets a limit
// either (the demo's role switching).
func TestLoginClassBehindOneAddress(t *testing.T) {
	t.Parallel()
	app := startBehindProxy(t)
	const school = "203.0.113.7"
	var students []string
	for i := range 40 {
		name := fmt.Sprintf("pupil%02d", i)
		app.Account(name, "student")
		students = append(students, name)
	}
	for i, name := range students {
		c := app.Client()
		if i%4 == 0 { // every fourth mistypes twice first
			for range 2 {
				if r := loginFrom(c, school, name, "wrong-Password-1"); r.StatusCode != http.StatusOK {
					t.Fatalf("%s mistyping: %d", name, r.StatusCode)
				}
			}
		}
		if r := loginFrom(c, school, name, apptest.Password); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s (the %dth of the class) could not sign in: %d %s", name, i+1, r.StatusCode, formAlert(r.Body))
		}
		app.Clock.Advance(time.Second)
	}
	// One browser switches between three accounts 50 times.
	b := app.Client()
	for i := range 150 {
		name := students[i%3]
		if r := loginFrom(b, school, name, apptest.Password); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("switch %d to %s: %d %s", i, name, r.StatusCode, formAlert(r.Body))
		}
		b.PostForm("/logout/", nil)
	}
}

// TestLoginGuessingFromManyAddresses: 20 wrong passwords for one account from 20
// addresses. The guesser is stopped (429) after the account's allowance for unknown
// devices, even with the right password; the owner's own browser, which signed in
// before and holds its device cookie, still signs in — from any address.
func TestLoginGuessingFromManyAddresses(t *testing.T) {
	t.Parallel()
	app := startBehindProxy(t)
	app.Account("ada", "student")
	owner := app.Client()
	if r := loginFrom(owner, "198.51.100.1", "ada", apptest.Password); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("owner: %d", r.StatusCode)
	}
	var device *http.Cookie
	for _, ck := range owner.Jar.Cookies(mustURL(t, app.URL)) {
		if ck.Name == auth.DeviceCookie {
			device = ck
		}
	}
	if device == nil || device.Value == "" {
		t.Fatal("no device cookie after a successful sign-in")
	}
	refused := 0
	for i := range 20 {
		r := loginFrom(app.Client(), fmt.Sprintf("192.0.2.%d", 10+i), "ada", fmt.Sprintf("guess-Number-%d", i))
		switch r.StatusCode {
		case http.StatusOK:
			if refused > 0 {
				t.Fatalf("guess %d let through after a refusal", i+1)
			}
		case http.StatusTooManyRequests:
			refused++
			if r.Header.Get("Retry-After") == "" || !strings.Contains(formAlert(r.Body), "Too many login attempts") {
				t.Errorf("429 without Retry-After or message: %q %q", r.Header.Get("Retry-After"), formAlert(r.Body))
			}
			if _, ok := sessionCookie(r); ok {
				t.Error("a refused attempt set a session")
			}
		default:
			t.Fatalf("guess %d: %d", i+1, r.StatusCode)
		}
	}
	if refused != 10 {
		t.Errorf("%d of 20 guesses refused, want 10 (10 failures per 15 minutes from unknown devices)", refused)
	}
	// The right password from a new device does not get past the lock either.
	if r := loginFrom(app.Client(), "192.0.2.99", "ada", apptest.Password); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right password from an unknown device during the lockout: %d", r.StatusCode)
	}
	// The owner's browser signs in, from home or from the school.
	owner.PostForm("/logout/", nil)
	for _, ip := range []string{"198.51.100.1", "203.0.113.7"} {
		if r := loginFrom(owner, ip, "ada", apptest.Password); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("the owner's own browser from %s: %d %s", ip, r.StatusCode, formAlert(r.Body))
		}
		owner.PostForm("/logout/", nil)
	}
	// A device cookie is for its account: presented for another one it counts nothing.
	app.Account("bob", "student")
	thief := app.Client()
	thief.Jar.SetCookies(mustURL(t, app.URL), []*http.Cookie{{Name: auth.DeviceCookie, Value: device.Value, Path: "/"}})
	for i := range 5 {
		loginFrom(thief, "192.0.2.200", "bob", fmt.Sprintf("guess-Number-%d", i))
	}
	if r := loginFrom(thief, "192.0.2.200", "bob", "guess-Number-6"); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("ada's device cookie exempted guesses at bob from the per-address limit: %d", r.StatusCode)
	}
	// After the window the account opens again for everyone.
	app.Clock.Advance(15 * time.Minute)
	if r := loginFrom(app.Client(), "192.0.2.99", "ADA", apptest.Password); r.StatusCode != http.StatusSeeOther {
		t.Errorf("after the window: %d", r.StatusCode)
	}
}

// TestLoginLimitsPerAddress: one address may fail 5 times per account and 100 times in
// all; the owner's device has its own allowance.
func TestLoginLimitsPerAddress(t *testing.T) {
	t.Parallel()
	app := startBehindProxy(t)
	app.Account("ada", "student")
	// Five failures at ada from one address lock ada for that address only.
	for i := range 5 {
		if r := loginFrom(app.Client(), "192.0.2.1", "ada", "wrong-Password-1"); r.StatusCode != http.StatusOK {
			t.Fatalf("failure %d: %d", i+1, r.StatusCode)
		}
	}
	if r := loginFrom(app.Client(), "192.0.2.1", "ada", apptest.Password); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("6th attempt at ada from one address: %d", r.StatusCode)
	}
	if r := loginFrom(app.Client(), "192.0.2.2", "ada", apptest.Password); r.StatusCode != http.StatusSeeOther {
		t.Errorf("ada from another address: %d", r.StatusCode)
	}
	// 100 failures over many accounts from one address, then the address waits.
	for i := range 100 {
		if r := loginFrom(app.Client(), "192.0.2.50", fmt.Sprintf("nobody%d", i), "wrong-Password-1"); r.StatusCode != http.StatusOK {
			t.Fatalf("failure %d from one address: %d", i+1, r.StatusCode)
		}
	}
	r := loginFrom(app.Client(), "192.0.2.50", "ada", apptest.Password)
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); r.StatusCode != http.StatusTooManyRequests || err != nil || s < 1 || s > 9 {
		t.Errorf("101st failure from one address: %d, Retry-After %q (want at most 9 s: one failure every 9 s)", r.StatusCode, r.Header.Get("Retry-After"))
	}
	// The owner's browser has its own allowance: 10 failures, then it waits too.
	owner := app.Client()
	if r := loginFrom(owner, "192.0.2.3", "ada", apptest.Password); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("owner: %d", r.StatusCode)
	}
	owner.PostForm("/logout/", nil)
	for i := range 10 {
		if r := loginFrom(owner, "192.0.2.3", "ada", "wrong-Password-1"); r.StatusCode != http.StatusOK {
			t.Fatalf("owner's failure %d: %d", i+1, r.StatusCode)
		}
	}
	if r := loginFrom(owner, "192.0.2.3", "ada", apptest.Password); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("owner's browser after 10 failures: %d", r.StatusCode)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	app := startRelaxed(t)
	c := app.User("ada", "student")
	token := jarSession(t, app, c)

	// A GET only asks (the original's GET signed out, which another site could trigger).
	if r := c.Get("/logout/"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `<form method="post" action="/logout/">`) {
		t.Errorf("GET /logout/: %d, no confirmation form", r.StatusCode)
	}
	if r := c.Get("/home/"); r.StatusCode != http.StatusOK {
		t.Fatalf("a GET logged out: %d", r.StatusCode)
	}
	r := c.PostForm("/logout/", nil)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login/" {
		t.Fatalf("POST /logout/: %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := c.Get("/home/"); r.StatusCode != http.StatusFound {
		t.Errorf("home after logout: %d", r.StatusCode)
	}
	if r := withSession(app, token, "/home/"); r.StatusCode != http.StatusFound {
		t.Errorf("the old session cookie still authenticates: %d", r.StatusCode)
	}
	if body := c.Get("/login/").Body; !strings.Contains(body, "You have been logged out.") {
		t.Error("no logout message on the login page")
	}
	// Logging out without a session is harmless.
	if r := app.Client().PostForm("/logout/", nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous logout: %d", r.StatusCode)
	}
}

func TestLogoutEverywhere(t *testing.T) {
	t.Parallel()
	app := startRelaxed(t)
	c1 := app.User("ada", "student")
	c2 := app.Client()
	c2.LogIn("ada", apptest.Password)
	access, refresh := app.Token("ada")
	other := app.User("bob", "student")
	otherAccess, _ := app.Token("bob")

	r := c1.PostForm("/logout/all/", nil)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login/" {
		t.Fatalf("POST /logout/all/: %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
	for i, c := range []*apptest.Client{c1, c2} {
		if r := c.Get("/home/"); r.StatusCode != http.StatusFound {
			t.Errorf("client %d still signed in: %d", i+1, r.StatusCode)
		}
	}
	if r := app.Client().JSON("GET", "/api/auth/profile/", nil, access); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("access token after logout everywhere: %d", r.StatusCode)
	}
	if r := app.Client().JSON("POST", "/api/auth/refresh/", map[string]string{"refresh": refresh}, ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("refresh token after logout everywhere: %d", r.StatusCode)
	}
	if body := c1.Get("/login/").Body; !strings.Contains(body, "You have been logged out on every device.") {
		t.Error("no message after logging out everywhere")
	}
	// Other people are untouched.
	if r := other.Get("/home/"); r.StatusCode != http.StatusOK {
		t.Errorf("another user was logged out: %d", r.StatusCode)
	}
	if r := app.Client().JSON("GET", "/api/auth/profile/", nil, otherAccess); r.StatusCode != http.StatusOK {
		t.Errorf("another user's token was revoked: %d", r.StatusCode)
	}
	// Anonymous visitors are sent to the login page; GET is not a logout.
	if r := app.Client().PostForm("/logout/all/", nil); r.StatusCode != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), "/login/") {
		t.Errorf("anonymous /logout/all/: %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := other.Get("/logout/all/"); r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /logout/all/: %d", r.StatusCode)
	}
	if r := other.Get("/home/"); r.StatusCode != http.StatusOK {
		t.Errorf("GET /logout/all/ logged out: %d", r.StatusCode)
	}
}

var resetLinkRE = regexp.MustCompile(`(https?://[^\s/]+)/reset/([A-Za-z0-9_-]+)/`)

// mailCount counts the outbox once the reset mails being prepared in the background
// are written.
func mailCount(t *testing.T, app *apptest.App) int {
	t.Helper()
	app.State.Auth.Wait()
	m, err := app.State.DB.RecentMail(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

// requestReset asks for a reset link for email and returns the token mailed, or "".
func requestReset(t *testing.T, app *apptest.App, email string) string {
	t.Helper()
	before := mailCount(t, app)
	r := app.Client().PostForm("/password_reset/", url.Values{"email": {email}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/password_reset/done/" {
		t.Fatalf("reset request for %q: %d → %q", email, r.StatusCode, r.Header.Get("Location"))
	}
	app.State.Auth.Wait() // the mail is prepared after the answer
	mails, err := app.State.DB.RecentMail(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(mails) == before {
		return ""
	}
	if len(mails) != before+1 {
		t.Fatalf("%d mails for one request", len(mails)-before)
	}
	m := mails[0]
	match := resetLinkRE.FindStringSubmatch(m.Body)
	if match == nil {
		t.Fatalf("no reset link in %q", m.Body)
	}
	if match[1] != app.URL {
		t.Errorf("link base %q, want %q", match[1], app.URL)
	}
	if !strings.EqualFold(m.To, email) {
		t.Errorf("mail to %q, want %q", m.To, email)
	}
	return match[2]
}

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	app := startRelaxed(t)
	elsewhere := app.User("ada", "student")
	gone := app.User("gone", "student")
	_ = gone
	u, _ := userByName(t, app, "gone")
	if err := app.State.Auth.SetActive(context.Background(), u.ID, false); err != nil {
		t.Fatal(err)
	}

	if tok := requestReset(t, app, "nobody@example.com"); tok != "" {
		t.Fatal("mail sent for an unknown address")
	}
	if tok := requestReset(t, app, "gone@example.com"); tok != "" {
		t.Fatal("mail sent for a deactivated account")
	}
	if tok := requestReset(t, app, "not an address"); tok != "" {
		t.Fatal("mail sent for garbage")
	}
	token := requestReset(t, app, "ADA@example.com")
	if token == "" {
		t.Fatal("no mail for a known address")
	}
	if r := app.Client().Get("/password_reset/done/"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Check your inbox") {
		t.Errorf("done page: %d", r.StatusCode)
	}
	if r := app.Client().PostForm("/password_reset/", url.Values{"email": {""}}); r.StatusCode != http.StatusOK || fieldErrors(r.Body, "email") != "This field is required." {
		t.Errorf("empty email: %d %q", r.StatusCode, fieldErrors(r.Body, "email"))
	}

	link := "/reset/" + token + "/"
	c := app.Client()
	if r := c.Get(link); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `name="new_password1"`) {
		t.Fatalf("reset link: %d, form shown %v", r.StatusCode, strings.Contains(r.Body, `name="new_password1"`))
	}
	const newPassword = "brand-New-Pass-9"
	bad := []struct {
		name, pw1, pw2, field, want string
	}{
		{"missing", "", "", "new_password1", "This field is required."},
		{"short", "Ab1-xyz", "Ab1-xyz", "new_password1", "too short"},
		{"digits", "98765432123", "98765432123", "new_password1", "entirely numeric"},
		{"common", "password123", "password123", "new_password1", "too common"},
		{"like the last name", "Tester-2026x", "Tester-2026x", "new_password1", "too similar"},
		{"mismatch", newPassword, newPassword + "x", "new_password2", "didn't match"},
	}
	for _, b := range bad {
		r := c.PostForm(link, url.Values{"new_password1": {b.pw1}, "new_password2": {b.pw2}})
		if r.StatusCode != http.StatusOK || !strings.Contains(fieldErrors(r.Body, b.field), b.want) {
			t.Errorf("%s: %d, %s errors %q", b.name, r.StatusCode, b.field, fieldErrors(r.Body, b.field))
		}
	}
	r := c.PostForm(link, url.Values{"new_password1": {newPassword}, "new_password2": {newPassword}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/reset/done/" {
		t.Fatalf("reset: %d → %q %s", r.StatusCode, r.Header.Get("Location"), plain(r.Body))
	}
	if r := c.Get("/reset/done/"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Password changed") {
		t.Errorf("done page: %d", r.StatusCode)
	}
	if r := elsewhere.Get("/home/"); r.StatusCode != http.StatusFound {
		t.Errorf("a session from before the reset survived: %d", r.StatusCode)
	}
	old := app.Client().PostForm("/login/", url.Values{"username": {"ada"}, "password": {apptest.Password}})
	if old.StatusCode != http.StatusOK || formAlert(old.Body) != "Invalid username or password." {
		t.Errorf("old password still works: %d", old.StatusCode)
	}
	app.Client().LogIn("ada", newPassword)

	// The link is spent.
	if r := c.Get(link); strings.Contains(r.Body, `name="new_password1"`) || !strings.Contains(r.Body, "invalid or has expired") {
		t.Error("a used link still shows the form")
	}
	r = c.PostForm(link, url.Values{"new_password1": {"another-Pass-42"}, "new_password2": {"another-Pass-42"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "invalid or has expired") {
		t.Errorf("reusing the link: %d", r.StatusCode)
	}
	app.Client().LogIn("ada", newPassword)

	// Links expire after an hour.
	token = requestReset(t, app, "ada@example.com")
	app.Clock.Advance(61 * time.Minute)
	link = "/reset/" + token + "/"
	if r := c.Get(link); !strings.Contains(r.Body, "invalid or has expired") {
		t.Error("an expired link shows the form")
	}
	r = c.PostForm(link, url.Values{"new_password1": {"another-Pass-42"}, "new_password2": {"another-Pass-42"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "invalid or has expired") {
		t.Errorf("expired link: %d", r.StatusCode)
	}
	app.Client().LogIn("ada", newPassword)

	// Made-up tokens.
	for _, tok := range []string{"nope", strings.Repeat("a", 500), "%00", "..%2F.."} {
		if r := c.Get("/reset/" + tok + "/"); r.StatusCode != http.StatusOK && r.StatusCode != http.StatusNotFound {
			t.Errorf("token %q: %d", tok, r.StatusCode)
		}
	}
}

// TestPasswordResetSameWork: asking for a reset link runs the same statements on the
// request path whether an account uses the address, a deactivated one does, or none
// does (the lookup and the mail come after the answer), so neither the answer nor its
// timing tells which addresses have accounts.
func TestPasswordResetSameWork(t *testing.T) {
	t.Parallel()
	app := startRelaxed(t)
	app.Account("ada", "student")
	gone := app.Account("gone", "student")
	if err := app.State.Auth.SetActive(context.Background(), gone.ID, false); err != nil {
		t.Fatal(err)
	}
	measure := func(email string) (int, *httptest.ResponseRecorder) {
		ctx, qc := store.WithQueryCounter(context.Background())
		req := httptest.NewRequestWithContext(ctx, "POST", app.URL+"/password_reset/", strings.NewReader(url.Values{"email": {email}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", app.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		rec := httptest.NewRecorder()
		app.Server.ServeHTTP(rec, req)
		return qc.Count(), rec
	}
	before := mailCount(t, app)
	counts := map[string]int{}
	for _, email := range []string{"ada@example.com", "gone@example.com", "nobody@example.com", "ADA@example.com"} {
		n, rec := measure(email)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/password_reset/done/" {
			t.Fatalf("%s: %d → %q", email, rec.Code, rec.Header().Get("Location"))
		}
		counts[email] = n
	}
	want := counts["nobody@example.com"]
	for email, n := range counts {
		if n != want {
			t.Errorf("the request for %s ran %d statements, for an unknown address %d: %v", email, n, want, counts)
		}
	}
	// The work is done, after the answers: two links for ada, nothing else.
	if n := mailCount(t, app); n != before+2 {
		t.Errorf("%d reset mails, want 2 (for ada only)", n-before)
	}
}

func TestPasswordResetRateLimits(t *testing.T) {
	t.Parallel()
	t.Run("per address", func(t *testing.T) {
		t.Parallel()
		app := apptest.Start(t)
		c := app.Client()
		for i := 1; i <= 5; i++ {
			if r := c.PostForm("/password_reset/", url.Values{"email": {fmt.Sprintf("p%d@example.com", i)}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("request %d: %d", i, r.StatusCode)
			}
		}
		r := c.PostForm("/password_reset/", url.Values{"email": {"p6@example.com"}})
		if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(formAlert(r.Body), "Too many reset requests") {
			t.Fatalf("6th request: %d %q %q", r.StatusCode, r.Header.Get("Retry-After"), formAlert(r.Body))
		}
		app.Clock.Advance(5 * time.Minute)
		if r := c.PostForm("/password_reset/", url.Values{"email": {"p7@example.com"}}); r.StatusCode != http.StatusSeeOther {
			t.Errorf("after the window: %d", r.StatusCode)
		}
	})
	t.Run("per email", func(t *testing.T) {
		t.Parallel()
		app := apptest.Start(t, apptest.Options{Args: []string{"-trusted-proxies", "127.0.0.1"}})
		app.User("ada", "student")
		from := func(ip, email string) *apptest.Response {
			return app.Client().Do("POST", "/password_reset/", strings.NewReader(url.Values{"email": {email}}.Encode()), http.Header{
				"Content-Type": {"application/x-www-form-urlencoded"}, "X-Forwarded-For": {ip},
			})
		}
		for i := 1; i <= 5; i++ {
			if r := from(fmt.Sprintf("198.51.100.%d", i), "ada@example.com"); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("request %d: %d", i, r.StatusCode)
			}
		}
		if n := mailCount(t, app); n != 5 {
			t.Errorf("%d mails, want 5", n)
		}
		if r := from("198.51.100.60", "Ada@Example.com"); r.StatusCode != http.StatusTooManyRequests {
			t.Errorf("6th request for one address from a new IP: %d", r.StatusCode)
		}
		if n := mailCount(t, app); n != 5 {
			t.Errorf("a refused request sent mail: %d mails", n)
		}
		if r := from("198.51.100.61", "other@example.com"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("another address: %d", r.StatusCode)
		}
	})
}

func TestCrossOriginFormsRefused(t *testing.T) {
	t.Parallel()
	app := startRelaxed(t)
	victim := app.User("ada", "student")
	evil := http.Header{
		"Content-Type":   {"application/x-www-form-urlencoded"},
		"Origin":         {"https://evil.example"},
		"Sec-Fetch-Site": {"cross-site"},
	}
	forms := map[string]url.Values{
		"/login/":          {"username": {"ada"}, "password": {apptest.Password}},
		"/signup/":         apptest.SignupForm("mallory"),
		"/logout/":         nil,
		"/logout/all/":     nil,
		"/password_reset/": {"email": {"ada@example.com"}},
	}
	for path, form := range forms {
		t.Run(path, func(t *testing.T) {
			for _, c := range []*apptest.Client{app.Client(), victim} {
				r := c.Do("POST", path, strings.NewReader(form.Encode()), evil)
				if r.StatusCode != http.StatusForbidden {
					t.Fatalf("status %d", r.StatusCode)
				}
				if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(r.Body, "Cross-site request refused") {
					t.Errorf("not the friendly page: %q", plain(r.Body))
				}
				if _, ok := sessionCookie(r); ok && path == "/login/" {
					t.Error("cross-site login set a session")
				}
			}
		})
	}
	// Only an Origin header, as older browsers send (apptest's client would add
	// Sec-Fetch-Site, so this one goes out raw).
	req, _ := http.NewRequest("POST", app.URL+"/login/", strings.NewReader("username=ada"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	raw, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw.Body.Close()
	if raw.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin Origin alone: %d", raw.StatusCode)
	}
	if _, ok := userByName(t, app, "mallory"); ok {
		t.Error("cross-site signup created a user")
	}
	if r := victim.Get("/home/"); r.StatusCode != http.StatusOK {
		t.Errorf("cross-site logout logged the victim out: %d", r.StatusCode)
	}
	if n := mailCount(t, app); n != 0 {
		t.Errorf("cross-site reset sent %d mails", n)
	}
	// Same-origin posts work.
	c := app.Client()
	c.SignUp("sameorigin")
	c.LogIn("sameorigin", apptest.Password)
	if r := c.PostForm("/logout/", nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("same-origin logout: %d", r.StatusCode)
	}
}

func TestSessionLifetimes(t *testing.T) {
	t.Parallel()
	app := startRelaxed(t)
	app.User("ada", "student")
	browser := app.Client()
	browser.LogIn("ada", apptest.Password)
	remembered := app.Client()
	if r := remembered.PostForm("/login/", url.Values{"username": {"ada"}, "password": {apptest.Password}, "remember_me": {"on"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", r.StatusCode)
	}
	app.Clock.Advance(23 * time.Hour)
	for name, c := range map[string]*apptest.Client{"browser": browser, "remembered": remembered} {
		if r := c.Get("/home/"); r.StatusCode != http.StatusOK {
			t.Errorf("%s session after 23 h: %d", name, r.StatusCode)
		}
	}
	// A visit slides the expiry; a day without one ends a browser session.
	app.Clock.Advance(25 * time.Hour)
	if r := browser.Get("/home/"); r.StatusCode != http.StatusFound {
		t.Errorf("browser session after a day idle: %d", r.StatusCode)
	}
	if r := remembered.Get("/home/"); r.StatusCode != http.StatusOK {
		t.Errorf("remembered session after a day idle: %d", r.StatusCode)
	}
	app.Clock.Advance(15 * 24 * time.Hour)
	if r := remembered.Get("/home/"); r.StatusCode != http.StatusFound {
		t.Errorf("remembered session after 15 days idle: %d", r.StatusCode)
	}
}
