package api_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
)

var relaxed = apptest.Options{Args: []string{"-limits", "login=1000/5m,login_user=1000/5m,login_account=1000/5m,signup=1000/1h"}}

// errs decodes a validation error body.
func errs(t *testing.T, r *apptest.Response) map[string][]string {
	t.Helper()
	var out map[string][]string
	r.JSON(t, &out)
	return out
}

// detailOf decodes a {"detail"} body and checks its shape.
func detailOf(t *testing.T, r *apptest.Response) string {
	t.Helper()
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("%d with Content-Type %q: %q", r.StatusCode, r.Header.Get("Content-Type"), r.Body)
	}
	var out map[string]any
	r.JSON(t, &out)
	d, ok := out["detail"].(string)
	if !ok || d == "" || len(out) != 1 {
		t.Errorf("not a {\"detail\"} body: %s", r.Body)
	}
	return d
}

func countUsers(t *testing.T, app *apptest.App) int {
	t.Helper()
	n, err := app.State.DB.CountUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func registerBody(username string) map[string]any {
	return map[string]any{
		"username": username, "email": username + "@example.com",
		"password": apptest.Password, "password2": apptest.Password,
		"first_name": "Api", "last_name": "Person", "birthdate": "2005-03-04",
	}
}

type authResult struct {
	User    map[string]any `json:"user"`
	Access  string         `json:"access"`
	Refresh string         `json:"refresh"`
	Message string         `json:"message"`
}

var userKeys = []string{"birthdate", "date_joined", "email", "first_name", "id", "is_active", "last_name", "profile_picture", "time_zone", "user_type", "username"}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestRegister(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, relaxed)
	c := app.Client()

	for _, path := range []string{"/api/auth/register/", "/api/auth/register"} {
		name := "api" + strconv.Itoa(len(path))
		r := c.JSON("POST", path, registerBody(name), "")
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("%s: %d %s", path, r.StatusCode, r.Body)
		}
		var out authResult
		r.JSON(t, &out)
		if out.Message != "User registered successfully" || out.Access == "" || out.Refresh == "" || out.Access == out.Refresh {
			t.Errorf("result %s", r.Body)
		}
		if got := keys(out.User); !slices.Equal(got, userKeys) {
			t.Errorf("user keys %v", got)
		}
		if out.User["username"] != name || out.User["user_type"] != "student" || out.User["birthdate"] != "2005-03-04" ||
			out.User["date_joined"] != "2026-11-25T12:00:00Z" || out.User["is_active"] != true || out.User["profile_picture"] != nil {
			t.Errorf("user %v", out.User)
		}
		if p := c.JSON("GET", "/api/auth/profile/", nil, out.Access); p.StatusCode != http.StatusOK || !strings.Contains(p.Body, `"username":"`+name+`"`) {
			t.Errorf("the new access token: %d %s", p.StatusCode, p.Body)
		}
	}
	// The web form's encoding is accepted too.
	form := "username=formuser&email=formuser%40example.com&password=correct-Horse-7&password2=correct-Horse-7&first_name=F&last_name=U&birthdate=2005-03-04"
	if r := c.Do("POST", "/api/auth/register/", strings.NewReader(form), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}); r.StatusCode != http.StatusCreated {
		t.Errorf("form-encoded register: %d %s", r.StatusCode, r.Body)
	}
	for _, code := range []string{apptest.InstructorCode, strings.ToLower(apptest.InstructorCode)} {
		b := registerBody("teach" + strconv.Itoa(len(code)+countUsers(t, app)))
		b["user_type"], b["access_code"], b["birthdate"] = "instructor", code, "1960-01-01"
		r := c.JSON("POST", "/api/auth/register/", b, "")
		var out authResult
		r.JSON(t, &out)
		if r.StatusCode != http.StatusCreated || out.User["user_type"] != "instructor" {
			t.Errorf("instructor with code %q: %d %s", code, r.StatusCode, r.Body)
		}
	}
	b := registerBody("boss")
	b["user_type"], b["access_code"] = "admin", apptest.AdminCode
	if r := c.JSON("POST", "/api/auth/register/", b, ""); r.StatusCode != http.StatusCreated || !strings.Contains(r.Body, `"user_type":"admin"`) {
		t.Errorf("admin with code: %d %s", r.StatusCode, r.Body)
	}
}

func TestRegisterRejects(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, relaxed)
	app.User("taken", "student")
	now := app.Clock.Now()
	with := func(kv ...any) map[string]any {
		b := registerBody("fresh")
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(b, kv[i].(string))
			} else {
				b[kv[i].(string)] = kv[i+1]
			}
		}
		return b
	}
	required := "This field is required."
	cases := []struct {
		name  string
		body  any
		field string
		want  string
	}{
		{"missing username", with("username", nil), "username", required},
		{"missing email", with("email", nil), "email", required},
		{"missing password", with("password", nil), "password", required},
		{"missing password2", with("password2", nil), "password2", required},
		{"missing first_name", with("first_name", nil), "first_name", required},
		{"missing last_name", with("last_name", nil), "last_name", required},
		{"missing birthdate", with("birthdate", nil), "birthdate", required},
		{"null username", with("username", json.RawMessage("null")), "username", required},
		{"username 151", with("username", strings.Repeat("u", 151)), "username", "150 characters"},
		{"username with @", with("username", "a@b"), "username", "Enter a valid username"},
		{"bad email", with("email", "nope"), "email", "Enter a valid email address."},
		{"student aged 16", with("birthdate", now.AddDate(-17, 0, 1).Format(time.DateOnly)), "birthdate", "between 17 and 40"},
		{"student aged 41", with("birthdate", now.AddDate(-41, 0, 0).Format(time.DateOnly)), "birthdate", "between 17 and 40"},
		{"future birthdate", with("birthdate", now.AddDate(1, 0, 0).Format(time.DateOnly)), "birthdate", "future"},
		{"bad birthdate", with("birthdate", "2005-02-30"), "birthdate", "Enter a valid date"},
		{"instructor without code", with("user_type", "instructor"), "access_code", "Invalid instructor access code."},
		{"instructor wrong code", with("user_type", "instructor", "access_code", "TEACH-9999"), "access_code", "Invalid instructor access code."},
		{"admin without code", with("user_type", "admin"), "access_code", "Invalid admin access code."},
		{"admin with instructor code", with("user_type", "admin", "access_code", apptest.InstructorCode), "access_code", "Invalid admin access code."},
		{"unknown user_type", with("user_type", "root"), "user_type", "Select a valid choice"},
		{"duplicate username", with("username", "TAKEN"), "username", "A user with that username already exists."},
		{"duplicate email", with("email", "Taken@Example.com"), "email", "A user with that email already exists."},
		{"password mismatch", with("password2", "correct-Horse-8"), "password2", "didn't match"},
		{"password short", with("password", "Ab-1", "password2", "Ab-1"), "password", "too short"},
		{"password numeric", with("password", "1234567890", "password2", "1234567890"), "password", "entirely numeric"},
		{"password common", with("password", "password123", "password2", "password123"), "password", "too common"},
		{"password like username", with("username", "marvellous", "password", "marvellous!", "password2", "marvellous!"), "password", "too similar"},
		{"password 129", with("password", strings.Repeat("Zx9-", 33)[:129], "password2", strings.Repeat("Zx9-", 33)[:129]), "password", "128 characters"},
		{"username number", with("username", 123), "username", "Not a valid string."},
		{"birthdate bool", with("birthdate", true), "birthdate", "Not a valid string."},
		{"email object", with("email", map[string]any{"a": 1}), "email", "Not a valid string."},
		{"password list", with("password", []string{"x"}), "password", "Not a valid string."},
		{"empty object", map[string]any{}, "username", required},
	}
	c := app.Client()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := countUsers(t, app)
			r := c.JSON("POST", "/api/auth/register/", tc.body, "")
			if r.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d: %s", r.StatusCode, r.Body)
			}
			e := errs(t, r)
			if !strings.Contains(strings.Join(e[tc.field], " | "), tc.want) {
				t.Errorf("%s: %v, want %q (all: %s)", tc.field, e[tc.field], tc.want, r.Body)
			}
			if _, ok := e["password1"]; ok {
				t.Errorf("the web field name leaked: %s", r.Body)
			}
			if after := countUsers(t, app); after != before {
				t.Errorf("user created: %d → %d", before, after)
			}
		})
	}

	bodies := []struct {
		name, contentType, body string
		status                  int
	}{
		{"malformed JSON", "application/json", `{"username": "x",`, http.StatusBadRequest},
		{"array", "application/json", `[{"username": "x"}]`, http.StatusBadRequest},
		{"string", "application/json", `"hello"`, http.StatusBadRequest},
		{"number", "application/json", `42`, http.StatusBadRequest},
		{"trailing garbage", "application/json; charset=utf-8", `{"username": "x"} {}`, http.StatusBadRequest},
		{"text/plain", "text/plain", `{"username": "x"}`, http.StatusUnsupportedMediaType},
		{"xml", "application/xml", `<x/>`, http.StatusUnsupportedMediaType},
		{"over 1 MiB", "application/json", `{"username": "` + strings.Repeat("x", 1<<20) + `"}`, http.StatusRequestEntityTooLarge},
	}
	for _, b := range bodies {
		t.Run(b.name, func(t *testing.T) {
			r := c.Do("POST", "/api/auth/register/", strings.NewReader(b.body), http.Header{"Content-Type": {b.contentType}})
			if r.StatusCode != b.status {
				t.Fatalf("status %d, want %d: %.200s", r.StatusCode, b.status, r.Body)
			}
			detailOf(t, r)
		})
	}
	// JSON null and an empty body are an object without fields.
	for _, body := range []string{"null", ""} {
		r := c.Do("POST", "/api/auth/register", strings.NewReader(body), http.Header{"Content-Type": {"application/json"}})
		if r.StatusCode != http.StatusBadRequest || len(errs(t, r)["username"]) == 0 {
			t.Errorf("body %q: %d %s", body, r.StatusCode, r.Body)
		}
	}
	if n := countUsers(t, app); n != 1 {
		t.Errorf("%d users, want 1", n)
	}
}

func TestRegisterRateLimit(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, apptest.Options{Args: []string{"-limits", "signup=2/1h"}})
	c := app.Client()
	for i := range 2 {
		if r := c.JSON("POST", "/api/auth/register/", registerBody(fmt.Sprintf("r%d", i)), ""); r.StatusCode != http.StatusCreated {
			t.Fatalf("register %d: %d", i, r.StatusCode)
		}
	}
	r := c.JSON("POST", "/api/auth/register/", registerBody("r3"), "")
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("3rd: %d %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	detailOf(t, r)
}

func login(t *testing.T, app *apptest.App, body any) (*apptest.Response, authResult) {
	t.Helper()
	r := app.Client().JSON("POST", "/api/auth/login/", body, "")
	var out authResult
	if r.StatusCode == http.StatusOK {
		r.JSON(t, &out)
	}
	return r, out
}

func TestLogin(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, relaxed)
	app.User("ada", "student")
	app.User("gone", "student")
	u, _ := app.State.DB.UserByUsername(context.Background(), "gone")
	if err := app.State.Auth.SetActive(context.Background(), u.ID, false); err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{"/api/auth/login/", "/api/auth/login"} {
		r := app.Client().JSON("POST", path, map[string]string{"username": "ada", "password": apptest.Password}, "")
		var out authResult
		r.JSON(t, &out)
		if r.StatusCode != http.StatusOK || out.Message != "Login successful" || out.Access == "" || out.Refresh == "" {
			t.Fatalf("%s: %d %s", path, r.StatusCode, r.Body)
		}
		if got := keys(out.User); !slices.Equal(got, userKeys) || out.User["username"] != "ada" {
			t.Errorf("user %v", out.User)
		}
		if _, ok := r.Header["Set-Cookie"]; ok {
			t.Error("API login set a cookie")
		}
	}
	invalid := []struct {
		name string
		body map[string]any
	}{
		{"unknown user", map[string]any{"username": "nobody", "password": apptest.Password}},
		{"wrong password", map[string]any{"username": "ada", "password": "wrong-Password-1"}},
		{"inactive", map[string]any{"username": "gone", "password": apptest.Password}},
	}
	for _, tc := range invalid {
		r, _ := login(t, app, tc.body)
		e := errs(t, r)
		if r.StatusCode != http.StatusBadRequest || len(e) != 1 || !slices.Equal(e["non_field_errors"], []string{"Invalid credentials. Please try again."}) {
			t.Errorf("%s: %d %s", tc.name, r.StatusCode, r.Body)
		}
	}
	missing := []struct {
		name   string
		body   any
		fields []string
	}{
		{"nothing", map[string]any{}, []string{"password", "username"}},
		{"no password", map[string]any{"username": "ada"}, []string{"password"}},
		{"number username", map[string]any{"username": 7, "password": "x"}, []string{"username"}},
		{"bool password", map[string]any{"username": "ada", "password": false}, []string{"password"}},
	}
	for _, tc := range missing {
		r, _ := login(t, app, tc.body)
		e := errs(t, r)
		var got []string
		for k := range e {
			got = append(got, k)
		}
		slices.Sort(got)
		if r.StatusCode != http.StatusBadRequest || !slices.Equal(got, tc.fields) {
			t.Errorf("%s: %d %s", tc.name, r.StatusCode, r.Body)
		}
	}
	if r := app.Client().Do("POST", "/api/auth/login/", strings.NewReader("{"), http.Header{"Content-Type": {"application/json"}}); r.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed: %d", r.StatusCode)
	}
}

// apiLoginFrom logs in through the API as client c from address ip (the app trusts
// X-Forwarded-For from 127.0.0.1 here).
func apiLoginFrom(c *apptest.Client, ip, username, password string) *apptest.Response {
	body := `{"username":` + strconv.Quote(username) + `,"password":` + strconv.Quote(password) + `}`
	return c.Do("POST", "/api/auth/login/", strings.NewReader(body), http.Header{
		"Content-Type": {"application/json"}, "X-Forwarded-For": {ip},
	})
}

// TestLoginLimits: the API applies the web's sign-in limits to the same buckets.
// Successful logins never count (a class of 40 behind one address all get in); 20
// wrong passwords from 20 addresses stop the guesser with 429 while the owner's
// browser, holding its device cookie from an earlier sign-in, still logs in — through
// the API (a page's script) and the form; a client without cookies is an unknown
// device.
func TestLoginLimits(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, apptest.Options{Args: []string{"-trusted-proxies", "127.0.0.1"}})
	for i := range 40 {
		name := fmt.Sprintf("pupil%02d", i)
		app.Account(name, "student")
		if r := apiLoginFrom(app.Client(), "203.0.113.7", name, apptest.Password); r.StatusCode != http.StatusOK {
			t.Fatalf("%s (the %dth of the class): %d %s", name, i+1, r.StatusCode, r.Body)
		}
	}
	app.Account("ada", "student")
	owner := app.Client() // the owner's browser: it signed in on the form before
	form := url.Values{"username": {"ada"}, "password": {apptest.Password}}
	if r := owner.Do("POST", "/login/", strings.NewReader(form.Encode()), http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"}, "X-Forwarded-For": {"198.51.100.1"},
	}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("owner: %d", r.StatusCode)
	}
	refused := 0
	for i := range 20 {
		r := apiLoginFrom(app.Client(), fmt.Sprintf("192.0.2.%d", 10+i), "ada", fmt.Sprintf("guess-Number-%d", i))
		switch r.StatusCode {
		case http.StatusBadRequest:
			if refused > 0 {
				t.Fatalf("guess %d let through after a refusal", i+1)
			}
			if got := errs(t, r)["non_field_errors"]; len(got) == 0 {
				t.Errorf("bad credentials: %s", r.Body)
			}
		case http.StatusTooManyRequests:
			refused++
			if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
				t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
			}
			if d := detailOf(t, r); !strings.Contains(d, "Too many login attempts") {
				t.Errorf("detail %q", d)
			}
		default:
			t.Fatalf("guess %d: %d %s", i+1, r.StatusCode, r.Body)
		}
	}
	if refused != 10 {
		t.Errorf("%d of 20 guesses refused, want 10", refused)
	}
	if r := apiLoginFrom(app.Client(), "192.0.2.99", "ada", apptest.Password); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right password from a client without cookies during the lockout: %d", r.StatusCode)
	}
	if r := apiLoginFrom(owner, "203.0.113.7", "ada", apptest.Password); r.StatusCode != http.StatusOK {
		t.Errorf("the owner's own client: %d %s", r.StatusCode, r.Body)
	}
	// The web form and the API share the buckets: the lock holds on the form too, and
	// the owner's browser device works for both.
	if r := app.Client().Do("POST", "/login/", strings.NewReader(form.Encode()), http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"}, "X-Forwarded-For": {"192.0.2.98"},
	}); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("web form during the API lockout: %d", r.StatusCode)
	}
	if r := owner.PostForm("/login/", form); r.StatusCode != http.StatusSeeOther {
		t.Errorf("web form from the owner's client: %d", r.StatusCode)
	}
	app.Clock.Advance(15 * time.Minute)
	if r := apiLoginFrom(app.Client(), "192.0.2.99", "ada", apptest.Password); r.StatusCode != http.StatusOK {
		t.Errorf("after the window: %d", r.StatusCode)
	}
}

// profileStatus is the status of GET /api/auth/profile/ with an access token.
func profileStatus(app *apptest.App, access string) int {
	return app.Client().JSON("GET", "/api/auth/profile/", nil, access).StatusCode
}

func refresh(app *apptest.App, tok any) (*apptest.Response, string, string) {
	r := app.Client().JSON("POST", "/api/auth/refresh/", map[string]any{"refresh": tok}, "")
	var out struct{ Access, Refresh string }
	if r.StatusCode == http.StatusOK {
		_ = json.Unmarshal([]byte(r.Body), &out)
	}
	return r, out.Access, out.Refresh
}

func TestRefresh(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, relaxed)
	app.User("ada", "student")

	t.Run("rotation and reuse", func(t *testing.T) {
		a1, r1 := app.Token("ada")
		r, a2, r2 := refresh(app, r1)
		if r.StatusCode != http.StatusOK || a2 == "" || r2 == "" || a2 == a1 || r2 == r1 {
			t.Fatalf("refresh: %d %s", r.StatusCode, r.Body)
		}
		var shape map[string]any
		r.JSON(t, &shape)
		if got := keys(shape); !slices.Equal(got, []string{"access", "refresh"}) {
			t.Errorf("keys %v", got)
		}
		if profileStatus(app, a2) != http.StatusOK {
			t.Fatal("the new access token does not work")
		}
		// The old refresh token is spent; presenting it again revokes the whole login.
		r, _, _ = refresh(app, r1)
		if r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("reused refresh: %d", r.StatusCode)
		}
		detailOf(t, r)
		if r, _, _ := refresh(app, r2); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("the new refresh token survived the reuse: %d", r.StatusCode)
		}
		if s := profileStatus(app, a2); s != http.StatusUnauthorized {
			t.Errorf("the new access token survived the reuse: %d", s)
		}
		if s := profileStatus(app, a1); s != http.StatusUnauthorized {
			t.Errorf("the first access token survived the reuse: %d", s)
		}
	})
	t.Run("other logins unaffected", func(t *testing.T) {
		aA, rA := app.Token("ada")
		aB, _ := app.Token("ada")
		refresh(app, rA)
		refresh(app, rA) // reuse: revokes login A only
		if profileStatus(app, aA) != http.StatusUnauthorized || profileStatus(app, aB) != http.StatusOK {
			t.Error("reuse revoked the wrong logins")
		}
	})
	t.Run("no trailing slash", func(t *testing.T) {
		_, r1 := app.Token("ada")
		r := app.Client().JSON("POST", "/api/auth/refresh", map[string]string{"refresh": r1}, "")
		if r.StatusCode != http.StatusOK {
			t.Errorf("%d", r.StatusCode)
		}
	})
	t.Run("access token as refresh", func(t *testing.T) {
		a, _ := app.Token("ada")
		if r, _, _ := refresh(app, a); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("%d", r.StatusCode)
		}
		if profileStatus(app, a) != http.StatusOK {
			t.Error("a refused refresh revoked the access token")
		}
	})
	t.Run("refresh token as access", func(t *testing.T) {
		_, r1 := app.Token("ada")
		if s := profileStatus(app, r1); s != http.StatusUnauthorized {
			t.Errorf("%d", s)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		for _, tok := range []any{"garbage", strings.Repeat("x", 5000), "", nil} {
			r, _, _ := refresh(app, tok)
			want := http.StatusUnauthorized
			if tok == "" || tok == nil {
				want = http.StatusBadRequest
			}
			if r.StatusCode != want {
				t.Errorf("%.20v: %d, want %d", tok, r.StatusCode, want)
			}
		}
		r, _, _ := refresh(app, 42)
		if r.StatusCode != http.StatusBadRequest || len(errs(t, r)["refresh"]) == 0 {
			t.Errorf("number: %d %s", r.StatusCode, r.Body)
		}
	})
}

func TestRefreshExpires(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, relaxed)
	app.User("ada", "student")
	a, r1 := app.Token("ada")
	app.Clock.Advance(31 * time.Minute)
	if s := profileStatus(app, a); s != http.StatusUnauthorized {
		t.Errorf("access token after 31 minutes: %d", s)
	}
	r, a2, r2 := refresh(app, r1)
	if r.StatusCode != http.StatusOK || profileStatus(app, a2) != http.StatusOK {
		t.Fatalf("refresh within 14 days: %d", r.StatusCode)
	}
	app.Clock.Advance(15 * 24 * time.Hour)
	if r, _, _ := refresh(app, r2); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("refresh after 15 days: %d", r.StatusCode)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, relaxed)
	app.User("ada", "student")
	app.User("bob", "student")
	c := app.Client()

	t.Run("bearer", func(t *testing.T) {
		a, r1 := app.Token("ada")
		other, _ := app.Token("ada")
		r := c.JSON("POST", "/api/auth/logout/", nil, a)
		if r.StatusCode != http.StatusNoContent || r.Body != "" {
			t.Fatalf("%d %q", r.StatusCode, r.Body)
		}
		if s := profileStatus(app, a); s != http.StatusUnauthorized {
			t.Errorf("access after logout: %d", s)
		}
		if r, _, _ := refresh(app, r1); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("refresh after logout: %d", r.StatusCode)
		}
		if s := profileStatus(app, other); s != http.StatusOK {
			t.Errorf("another login of the same user was revoked: %d", s)
		}
	})
	t.Run("refresh only", func(t *testing.T) {
		a, r1 := app.Token("ada")
		r := c.JSON("POST", "/api/auth/logout", map[string]string{"refresh": r1}, "")
		if r.StatusCode != http.StatusNoContent {
			t.Fatalf("%d %s", r.StatusCode, r.Body)
		}
		if s := profileStatus(app, a); s != http.StatusUnauthorized {
			t.Errorf("access after logout by refresh: %d", s)
		}
		if r, _, _ := refresh(app, r1); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("refresh after logout by refresh: %d", r.StatusCode)
		}
	})
	t.Run("someone else's refresh", func(t *testing.T) {
		a, _ := app.Token("ada")
		bobAccess, bobRefresh := app.Token("bob")
		if r := c.JSON("POST", "/api/auth/logout/", map[string]string{"refresh": bobRefresh}, a); r.StatusCode != http.StatusNoContent {
			t.Fatalf("%d", r.StatusCode)
		}
		if s := profileStatus(app, bobAccess); s != http.StatusOK {
			t.Errorf("ada logged bob out: %d", s)
		}
	})
	t.Run("nothing", func(t *testing.T) {
		for _, body := range []any{nil, map[string]string{}, map[string]string{"refresh": "garbage"}} {
			r := c.JSON("POST", "/api/auth/logout/", body, "")
			if r.StatusCode != http.StatusUnauthorized {
				t.Errorf("%v: %d", body, r.StatusCode)
			}
			detailOf(t, r)
		}
		if r := c.JSON("POST", "/api/auth/logout/", nil, "not-a-token"); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("bad bearer: %d", r.StatusCode)
		}
	})
}

func TestProfile(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, relaxed)
	browser := app.User("ada", "student")
	app.User("bob", "student")
	access, _ := app.Token("ada")
	c := app.Client()

	t.Run("anonymous", func(t *testing.T) {
		for _, m := range []string{"GET", "PUT", "PATCH"} {
			for _, tok := range []string{"", "forged-token"} {
				r := c.JSON(m, "/api/auth/profile/", map[string]string{"first_name": "X"}, tok)
				if r.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("%s token %q: %d %q", m, tok, r.StatusCode, r.Header.Get("WWW-Authenticate"))
				}
				detailOf(t, r)
			}
		}
		if r := c.Do("GET", "/api/auth/profile/", nil, http.Header{"Authorization": {"Basic YWRhOnB3"}}); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("basic auth: %d", r.StatusCode)
		}
	})
	t.Run("bearer and session", func(t *testing.T) {
		for name, r := range map[string]*apptest.Response{
			"bearer":           c.JSON("GET", "/api/auth/profile/", nil, access),
			"bearer lowercase": c.Do("GET", "/api/auth/profile", nil, http.Header{"Authorization": {"bearer " + access}}),
			"session":          browser.JSON("GET", "/api/auth/profile/", nil, ""),
		} {
			var u map[string]any
			r.JSON(t, &u)
			if r.StatusCode != http.StatusOK || u["username"] != "ada" || !slices.Equal(keys(u), userKeys) {
				t.Errorf("%s: %d %s", name, r.StatusCode, r.Body)
			}
			if strings.Contains(r.Body, "argon2") || strings.Contains(r.Body, "password") {
				t.Errorf("%s: password material in %s", name, r.Body)
			}
			if r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: Cache-Control %q: a shared cache could keep one user's data", name, r.Header.Get("Cache-Control"))
			}
		}
		r := browser.JSON("PATCH", "/api/auth/profile/", map[string]string{"last_name": "Byron"}, "")
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `"last_name":"Byron"`) {
			t.Errorf("PATCH with the session: %d %s", r.StatusCode, r.Body)
		}
	})
	t.Run("patch", func(t *testing.T) {
		r := c.JSON("PATCH", "/api/auth/profile/", map[string]string{"first_name": "  Augusta "}, access)
		var u map[string]any
		r.JSON(t, &u)
		if r.StatusCode != http.StatusOK || u["first_name"] != "Augusta" || u["email"] != "ada@example.com" {
			t.Fatalf("%d %s", r.StatusCode, r.Body)
		}
		if g := c.JSON("GET", "/api/auth/profile/", nil, access); !strings.Contains(g.Body, `"first_name":"Augusta"`) {
			t.Errorf("change not visible: %s", g.Body)
		}
		if g := browser.Get("/home/"); !strings.Contains(g.Body, "Augusta") {
			t.Error("change not visible on the web")
		}
	})
	t.Run("put", func(t *testing.T) {
		full := map[string]any{"email": "ada2@example.com", "first_name": "Ada", "last_name": "King", "birthdate": "2000-01-02"}
		r := c.JSON("PUT", "/api/auth/profile/", full, access)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `"email":"ada2@example.com"`) || !strings.Contains(r.Body, `"birthdate":"2000-01-02"`) {
			t.Fatalf("%d %s", r.StatusCode, r.Body)
		}
		r = c.JSON("PUT", "/api/auth/profile/", map[string]any{"first_name": "Ada"}, access)
		e := errs(t, r)
		for _, f := range []string{"email", "last_name", "birthdate"} {
			if r.StatusCode != http.StatusBadRequest || len(e[f]) == 0 {
				t.Errorf("PUT without %s: %d %s", f, r.StatusCode, r.Body)
			}
		}
	})
	t.Run("time zone", func(t *testing.T) {
		zoneOf := func(r *apptest.Response) any {
			var u map[string]any
			r.JSON(t, &u)
			return u["time_zone"]
		}
		if g := c.JSON("GET", "/api/auth/profile/", nil, access); g.StatusCode != http.StatusOK || zoneOf(g) != nil {
			t.Fatalf("not set: want null, got %d %s", g.StatusCode, g.Body)
		}
		r := c.JSON("PATCH", "/api/auth/profile/", map[string]any{"time_zone": "Asia/Tokyo"}, access)
		if r.StatusCode != http.StatusOK || zoneOf(r) != "Asia/Tokyo" {
			t.Fatalf("set: %d %s", r.StatusCode, r.Body)
		}
		if g := browser.JSON("GET", "/api/auth/profile/", nil, ""); zoneOf(g) != "Asia/Tokyo" {
			t.Errorf("get after set: %s", g.Body)
		}
		// PUT without time_zone keeps it: clients of the four documented fields.
		full := map[string]any{"email": "ada2@example.com", "first_name": "Ada", "last_name": "King", "birthdate": "2000-01-02"}
		if r := c.JSON("PUT", "/api/auth/profile/", full, access); zoneOf(r) != "Asia/Tokyo" {
			t.Errorf("PUT without time_zone: %d %s", r.StatusCode, r.Body)
		}
		for _, bad := range []any{"Mars/Olympus", "Local", "Asia/\x01Tokyo", 9, strings.Repeat("A", 70)} {
			r := c.JSON("PATCH", "/api/auth/profile/", map[string]any{"time_zone": bad}, access)
			if r.StatusCode != http.StatusBadRequest || len(errs(t, r)["time_zone"]) == 0 {
				t.Errorf("time_zone %q: %d %s", bad, r.StatusCode, r.Body)
			}
		}
		if g := c.JSON("GET", "/api/auth/profile/", nil, access); zoneOf(g) != "Asia/Tokyo" {
			t.Errorf("a refused zone was stored: %s", g.Body)
		}
		if r := c.JSON("PATCH", "/api/auth/profile/", map[string]any{"time_zone": nil}, access); r.StatusCode != http.StatusOK || zoneOf(r) != nil {
			t.Errorf("null clears: %d %s", r.StatusCode, r.Body)
		}
	})
	now := app.Clock.Now()
	bad := []struct {
		name  string
		body  map[string]any
		field string
		want  string
	}{
		{"email of another user", map[string]any{"email": "BOB@example.com"}, "email", "already exists"},
		{"invalid email", map[string]any{"email": "bob at example"}, "email", "valid email"},
		{"aged 16", map[string]any{"birthdate": now.AddDate(-17, 0, 1).Format(time.DateOnly)}, "birthdate", "between 17 and 40"},
		{"aged 41", map[string]any{"birthdate": now.AddDate(-41, 0, 0).Format(time.DateOnly)}, "birthdate", "between 17 and 40"},
		{"bad date", map[string]any{"birthdate": "31/12/2000"}, "birthdate", "valid date"},
		{"null birthdate", map[string]any{"birthdate": nil}, "birthdate", "required"},
		{"empty first name", map[string]any{"first_name": " "}, "first_name", "required"},
		{"long last name", map[string]any{"last_name": strings.Repeat("n", 151)}, "last_name", "150"},
		{"number name", map[string]any{"first_name": 5}, "first_name", "Not a valid string."},
		{"username", map[string]any{"username": "eve"}, "username", "read-only"},
		{"user_type", map[string]any{"user_type": "admin"}, "user_type", "read-only"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			for _, m := range []string{"PATCH", "PUT"} {
				body := map[string]any{"email": "ada2@example.com", "first_name": "Ada", "last_name": "King", "birthdate": "2000-01-02"}
				if m == "PATCH" {
					body = map[string]any{}
				}
				for k, v := range tc.body {
					body[k] = v
				}
				r := c.JSON(m, "/api/auth/profile/", body, access)
				if r.StatusCode != http.StatusBadRequest || !strings.Contains(strings.Join(errs(t, r)[tc.field], " "), tc.want) {
					t.Errorf("%s: %d %s", m, r.StatusCode, r.Body)
				}
			}
		})
	}
	u, _ := app.State.DB.UserByUsername(context.Background(), "ada")
	if u.Email != "ada2@example.com" || u.UserType != "student" || u.Birthdate != "2000-01-02" {
		t.Errorf("a refused change was stored: %+v", u)
	}
	if r := c.Do("PATCH", "/api/auth/profile/", strings.NewReader("first_name=Ada"), http.Header{"Content-Type": {"text/plain"}, "Authorization": {"Bearer " + access}}); r.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain PATCH: %d", r.StatusCode)
	}
}

// multipartBody builds a form with one file.
func multipartBody(t *testing.T, field, filename, contentType string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, field, filename))
	h.Set("Content-Type", contentType)
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	w.Close()
	return &buf, w.FormDataContentType()
}

func upload(t *testing.T, app *apptest.App, access, field, filename, contentType string, data []byte) *apptest.Response {
	t.Helper()
	body, ct := multipartBody(t, field, filename, contentType, data)
	h := http.Header{"Content-Type": {ct}}
	if access != "" {
		h.Set("Authorization", "Bearer "+access)
	}
	return app.Client().Do("POST", "/api/auth/profile/upload-picture/", body, h)
}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y += 7 {
		for x := 0; x < w; x += 5 {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombPNG is a small valid PNG whose header claims w×h pixels.
func bombPNG(t *testing.T, w, h uint32) []byte {
	t.Helper()
	b := pngOf(t, 1, 1)
	// 8-byte signature, then the IHDR chunk: length(4) "IHDR"(4) width(4) height(4) ... crc.
	if string(b[12:16]) != "IHDR" {
		t.Fatal("unexpected PNG layout")
	}
	binary.BigEndian.PutUint32(b[16:20], w)
	binary.BigEndian.PutUint32(b[20:24], h)
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestUploadPicture(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, relaxed)
	app.User("ada", "student")
	access, _ := app.Token("ada")
	type result struct {
		Message        string `json:"message"`
		ProfilePicture string `json:"profile_picture"`
	}
	onDisk := func(url string) string {
		return filepath.Join(app.Config.MediaDir(), filepath.FromSlash(strings.TrimPrefix(url, "/media/")))
	}

	r := upload(t, app, access, "profile_picture", "wide.png", "image/png", pngOf(t, 1600, 800))
	var first result
	r.JSON(t, &first)
	if r.StatusCode != http.StatusOK || first.Message != "Profile picture uploaded successfully" ||
		!strings.HasPrefix(first.ProfilePicture, "/media/profile_pictures/") || !strings.HasSuffix(first.ProfilePicture, ".png") {
		t.Fatalf("upload: %d %s", r.StatusCode, r.Body)
	}
	f, err := os.Open(onDisk(first.ProfilePicture))
	if err != nil {
		t.Fatal(err)
	}
	cfg, format, err := image.DecodeConfig(f)
	f.Close()
	if err != nil || format != "png" || cfg.Width != 1000 || cfg.Height != 500 {
		t.Errorf("stored %s %dx%d (%v), want png 1000x500", format, cfg.Width, cfg.Height, err)
	}
	g := app.Client().Get(first.ProfilePicture)
	if g.StatusCode != http.StatusOK || g.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("GET %s: %d %q", first.ProfilePicture, g.StatusCode, g.Header.Get("Content-Type"))
	}
	if _, _, err := image.Decode(strings.NewReader(g.Body)); err != nil {
		t.Errorf("served picture: %v", err)
	}
	if p := app.Client().JSON("GET", "/api/auth/profile/", nil, access); !strings.Contains(p.Body, `"profile_picture":"`+app.URL+first.ProfilePicture+`"`) {
		t.Errorf("profile does not show the picture: %s", p.Body)
	}

	// A second upload (JPEG this time, small: not enlarged) replaces the first file.
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, image.NewRGBA(image.Rect(0, 0, 300, 200)), nil); err != nil {
		t.Fatal(err)
	}
	r = upload(t, app, access, "profile_picture", "me.jpg", "image/jpeg", jpg.Bytes())
	var second result
	r.JSON(t, &second)
	if r.StatusCode != http.StatusOK || second.ProfilePicture == first.ProfilePicture || !strings.HasSuffix(second.ProfilePicture, ".jpg") {
		t.Fatalf("second upload: %d %s", r.StatusCode, r.Body)
	}
	if _, err := os.Stat(onDisk(first.ProfilePicture)); !os.IsNotExist(err) {
		t.Errorf("the old file is still there: %v", err)
	}
	if g := app.Client().Get(first.ProfilePicture); g.StatusCode != http.StatusNotFound {
		t.Errorf("old URL: %d", g.StatusCode)
	}
	if _, err := os.Stat(onDisk(second.ProfilePicture)); err != nil {
		t.Errorf("the new file: %v", err)
	}

	big := make([]byte, 6<<20)
	copy(big, pngOf(t, 2, 2))
	justOver := make([]byte, 5<<20+1)
	copy(justOver, pngOf(t, 2, 2))
	truncated := pngOf(t, 64, 64)
	truncated = truncated[:len(truncated)/2]
	refused := []struct {
		name                         string
		field, filename, contentType string
		data                         []byte
		status                       int
		wantField                    bool
	}{
		{"text renamed .png", "profile_picture", "evil.png", "image/png", []byte("just some text, not an image at all\n"), http.StatusBadRequest, true},
		{"html as image", "profile_picture", "x.png", "image/png", []byte("<html><script>alert(1)</script></html>"), http.StatusBadRequest, true},
		{"truncated png", "profile_picture", "cut.png", "image/png", truncated, http.StatusBadRequest, true},
		{"decompression bomb", "profile_picture", "bomb.png", "image/png", bombPNG(t, 30000, 30000), http.StatusBadRequest, true},
		{"zero width", "profile_picture", "zero.png", "image/png", bombPNG(t, 0, 10), http.StatusBadRequest, true},
		{"empty file", "profile_picture", "empty.png", "image/png", nil, http.StatusBadRequest, true},
		{"missing field", "avatar", "a.png", "image/png", pngOf(t, 10, 10), http.StatusBadRequest, true},
		{"over 5 MB", "profile_picture", "big.png", "image/png", big, http.StatusRequestEntityTooLarge, false},
		{"just over 5 MB", "profile_picture", "big.png", "image/png", justOver, http.StatusRequestEntityTooLarge, false},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			r := upload(t, app, access, tc.field, tc.filename, tc.contentType, tc.data)
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", r.StatusCode, tc.status, r.Body)
			}
			if tc.wantField {
				if e := errs(t, r); len(e["profile_picture"]) == 0 {
					t.Errorf("no profile_picture error: %s", r.Body)
				}
			} else {
				detailOf(t, r)
			}
		})
	}
	if strings.Contains(upload(t, app, access, "profile_picture", "bomb.png", "image/png", bombPNG(t, 30000, 30000)).Body, "valid image") {
		t.Error("the bomb is reported as not an image rather than too large")
	}
	if r := app.Client().JSON("POST", "/api/auth/profile/upload-picture/", map[string]string{"profile_picture": "x"}, access); r.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("JSON body: %d", r.StatusCode)
	} else {
		detailOf(t, r)
	}
	if r := upload(t, app, "", "profile_picture", "a.png", "image/png", pngOf(t, 10, 10)); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous upload: %d", r.StatusCode)
	}
	// Nothing refused replaced the picture.
	if u, _ := app.State.DB.UserByUsername(context.Background(), "ada"); "/media/"+u.ProfilePicture != second.ProfilePicture {
		t.Errorf("picture is %q, want %q", u.ProfilePicture, second.ProfilePicture)
	}
	entries, _ := os.ReadDir(filepath.Join(app.Config.MediaDir(), "profile_pictures"))
	if len(entries) != 1 {
		t.Errorf("%d files in profile_pictures, want 1", len(entries))
	}
	for _, bad := range []string{"/media/profile_pictures/nope.png", "/media/profile_pictures/..%2f..%2feplatform.db", "/media/profile_pictures/.hidden"} {
		if g := app.Client().Get(bad); g.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", bad, g.StatusCode)
		}
	}
}

func TestUnroutedAndMethods(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	c := app.Client()
	for _, p := range []string{"/api/nope/", "/api/auth/", "/api/auth/profile/x/", "/api/nope"} {
		r := c.Get(p)
		if r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, r.StatusCode)
		}
		detailOf(t, r)
	}
	cases := []struct{ method, path, allow string }{
		{"GET", "/api/auth/login/", "POST"},
		{"GET", "/api/auth/register", "POST"},
		{"DELETE", "/api/auth/profile/", "GET, PUT, PATCH"},
		{"POST", "/api/auth/profile/", "GET, PUT, PATCH"},
		{"PUT", "/api/auth/refresh/", "POST"},
		{"GET", "/api/auth/profile/upload-picture/", "POST"},
	}
	for _, tc := range cases {
		r := c.Do(tc.method, tc.path, nil, nil)
		if r.StatusCode != http.StatusMethodNotAllowed || r.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want %q", tc.method, tc.path, r.StatusCode, r.Header.Get("Allow"), tc.allow)
		}
		detailOf(t, r)
	}
}

func TestCrossSiteAPI(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	app.User("ada", "student")
	r := app.Client().Do("POST", "/api/auth/login/", strings.NewReader(`{"username":"ada","password":"`+apptest.Password+`"}`), http.Header{
		"Content-Type": {"application/json"}, "Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"},
	})
	if r.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site API login: %d", r.StatusCode)
	}
	detailOf(t, r)
	// Clients that are not browsers send no Origin or Sec-Fetch-Site and are served.
	req, _ := http.NewRequest("POST", app.URL+"/api/auth/login/", strings.NewReader(`{"username":"ada","password":"`+apptest.Password+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("non-browser client: %d", resp.StatusCode)
	}
}
