package auth_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/auth"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// The account rules, called as the handlers call them, on a real database.

var ctx = context.Background()

func signup(username string) auth.SignupInput {
	return auth.SignupInput{Username: username, Email: username + "@example.com", FirstName: "Test", LastName: "User",
		Password1: apptest.Password, Password2: apptest.Password, Birthdate: "2005-03-04"}
}

func TestSignupRules(t *testing.T) {
	app := apptest.StartRelaxed(t)
	s := app.State.Auth
	with := func(f func(*auth.SignupInput)) auth.SignupInput { in := signup("newbie"); f(&in); return in }
	for _, tc := range []struct {
		name       string
		in         auth.SignupInput
		field, msg string
	}{
		{"username with a space", with(func(in *auth.SignupInput) { in.Username = "new bie" }), "username", "valid username"},
		{"username with @", with(func(in *auth.SignupInput) { in.Username = "a@b" }), "username", "valid username"},
		{"no username", with(func(in *auth.SignupInput) { in.Username = " " }), "username", "required"},
		{"long username", with(func(in *auth.SignupInput) { in.Username = strings.Repeat("u", 151) }), "username", "150"},
		{"email", with(func(in *auth.SignupInput) { in.Email = "Ann <ann@example.org>" }), "email", "valid email"},
		{"email without a dot", with(func(in *auth.SignupInput) { in.Email = "ann@localhost" }), "email", "valid email"},
		{"long email", with(func(in *auth.SignupInput) { in.Email = strings.Repeat("a", 250) + "@x.org" }), "email", "254"},
		{"NUL first name", with(func(in *auth.SignupInput) { in.FirstName = "\x00Ann" }), "first_name", "U+0000"},
		{"blank first name", with(func(in *auth.SignupInput) { in.FirstName = "  " }), "first_name", "required"},
		{"two-line last name", with(func(in *auth.SignupInput) { in.LastName = "Love\nlace" }), "last_name", "one line"},
		{"long last name", with(func(in *auth.SignupInput) { in.LastName = strings.Repeat("é", 151) }), "last_name", "150"},
		{"unknown role", with(func(in *auth.SignupInput) { in.UserType = "emperor" }), "user_type", "valid choice"},
		{"instructor without code", with(func(in *auth.SignupInput) { in.UserType = auth.Instructor }), "access_code", "instructor access code"},
		{"admin with the instructor code", with(func(in *auth.SignupInput) { in.UserType, in.AccessCode = auth.Admin, apptest.InstructorCode }), "access_code", "admin access code"},
		{"no birthdate", with(func(in *auth.SignupInput) { in.Birthdate = "" }), "birthdate", "required"},
		{"bad birthdate", with(func(in *auth.SignupInput) { in.Birthdate = "2005-02-30" }), "birthdate", "valid date"},
		{"future birthdate", with(func(in *auth.SignupInput) { in.Birthdate = "2030-01-01" }), "birthdate", "future"},
		{"ancient birthdate", with(func(in *auth.SignupInput) { in.Birthdate = "1850-01-01" }), "birthdate", "after 1900"},
		{"student too young", with(func(in *auth.SignupInput) { in.Birthdate = "2010-01-01" }), "birthdate", "between 17 and 40"},
		{"student too old", with(func(in *auth.SignupInput) { in.Birthdate = "1980-01-01" }), "birthdate", "between 17 and 40"},
		{"no password", with(func(in *auth.SignupInput) { in.Password1 = "" }), "password1", "required"},
		{"short password", with(func(in *auth.SignupInput) { in.Password1, in.Password2 = "Ab1-xyz", "Ab1-xyz" }), "password1", "too short"},
		{"digits", with(func(in *auth.SignupInput) { in.Password1, in.Password2 = "9876543210", "9876543210" }), "password1", "entirely numeric"},
		{"common", with(func(in *auth.SignupInput) { in.Password1, in.Password2 = "password123", "password123" }), "password1", "too common"},
		{"like the username", with(func(in *auth.SignupInput) { in.Password1, in.Password2 = "newbie-2026", "newbie-2026" }), "password1", "too similar"},
		{"long password", with(func(in *auth.SignupInput) { p := strings.Repeat("xY7-", 33); in.Password1, in.Password2 = p, p }), "password1", "128"},
		{"no confirmation", with(func(in *auth.SignupInput) { in.Password2 = "" }), "password2", "required"},
		{"mismatch", with(func(in *auth.SignupInput) { in.Password2 += "x" }), "password2", "didn't match"},
	} {
		_, err := s.Signup(ctx, tc.in)
		apptest.WantField(t, tc.name, err, tc.field, tc.msg)
	}
	if n, _ := app.State.DB.CountUsers(ctx); n != 0 {
		t.Fatalf("refused signups wrote %d users", n)
	}
	// Valid: names trimmed; access codes compared without case or spaces; staff may be
	// of any age.
	u, err := s.Signup(ctx, with(func(in *auth.SignupInput) { in.FirstName = "  Ann " }))
	if err != nil || u.FirstName != "Ann" || u.UserType != auth.Student {
		t.Fatalf("signup: %+v %v", u, err)
	}
	teach, err := s.Signup(ctx, auth.SignupInput{Username: "teach", Email: "teach@example.com", FirstName: "T", LastName: "Eacher",
		Password1: apptest.Password, Password2: apptest.Password, Birthdate: "1960-01-01", UserType: auth.Instructor,
		AccessCode: " " + strings.ToLower(apptest.InstructorCode) + " "})
	if err != nil || teach.UserType != auth.Instructor {
		t.Fatalf("instructor signup: %+v %v", teach, err)
	}
	// Taken usernames (case-insensitively) and emails.
	_, err = s.Signup(ctx, with(func(in *auth.SignupInput) { in.Username, in.Email = "NEWBIE", "other@example.com" }))
	apptest.WantField(t, "taken username", err, "username", "already exists")
	_, err = s.Signup(ctx, with(func(in *auth.SignupInput) { in.Username = "other" }))
	apptest.WantField(t, "taken email", err, "email", "already exists")
}

func TestCreateUserAdmin(t *testing.T) {
	app := apptest.StartRelaxed(t)
	s := app.State.Auth
	// The command line makes staff without a birthdate and without an access code.
	u, err := s.CreateUserAdmin(ctx, auth.SignupInput{Username: "boss", Email: "boss@example.com", FirstName: "B", LastName: "Oss",
		Password1: apptest.Password, UserType: auth.Admin})
	if err != nil || u.UserType != auth.Admin || !auth.IsAdmin(u) || !auth.IsInstructor(u) {
		t.Fatalf("admin: %+v %v", u, err)
	}
	_, err = s.CreateUserAdmin(ctx, auth.SignupInput{Username: "kid", Email: "kid@example.com", FirstName: "K", LastName: "Id",
		Password1: apptest.Password, UserType: auth.Student})
	apptest.WantField(t, "student without birthdate", err, "birthdate", "required")
}

func TestSignInCountsFailuresOnly(t *testing.T) {
	app := apptest.Start(t) // the default limits
	s := app.State.Auth
	ada := app.Account("ada", "student")
	attempt := func(addr, device, password string) (auth.SignedIn, error) {
		return s.SignIn(ctx, auth.Attempt{Username: "ada", Password: password, Address: addr, Device: device, NewDevice: true})
	}
	// 200 successful sign-ins from one address count nowhere.
	var device string
	for i := range 200 {
		in, err := attempt("203.0.113.7", device, apptest.Password)
		if err != nil || in.User.ID != ada.ID || in.Device == "" {
			t.Fatalf("sign-in %d: %+v %v", i+1, in, err)
		}
		device = in.Device
	}
	// Nor do empty attempts.
	for range 50 {
		if _, err := s.SignIn(ctx, auth.Attempt{Username: " ", Password: "x", Address: "198.51.100.9"}); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("empty username: %v", err)
		}
	}
	// 20 guesses from 20 addresses: 10 counted failures, then refusals.
	var failed, refused int
	for i := range 20 {
		_, err := attempt(fmt.Sprintf("192.0.2.%d", i), "", fmt.Sprintf("guess-%d-Xy", i))
		switch {
		case errors.Is(err, auth.ErrInvalidCredentials):
			failed++
		case problem.Is(err, problem.KindRateLimited):
			refused++
			if p, _ := problem.As(err); p.RetryAfter <= 0 || !strings.Contains(p.Message, "Too many login attempts") {
				t.Errorf("refusal: %+v", p)
			}
		default:
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if failed != 10 || refused != 10 {
		t.Fatalf("%d failures and %d refusals, want 10 and 10", failed, refused)
	}
	// Unknown devices are locked out, the right password included; the owner's device
	// is not, and keeps its token.
	if _, err := attempt("192.0.2.99", "", apptest.Password); !problem.Is(err, problem.KindRateLimited) {
		t.Errorf("right password from an unknown device during the lockout: %v", err)
	}
	if _, err := attempt("192.0.2.99", "made-up-token", apptest.Password); !problem.Is(err, problem.KindRateLimited) {
		t.Errorf("a made-up device token during the lockout: %v", err)
	}
	in, err := attempt("192.0.2.99", device, apptest.Password)
	if err != nil || in.Device != device {
		t.Fatalf("the owner's device: %+v %v", in, err)
	}
	// The device's own allowance: 10 failures, then it waits too.
	for i := range 10 {
		if _, err := attempt("192.0.2.99", device, "wrong-Password-1"); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("device failure %d: %v", i+1, err)
		}
	}
	if _, err := attempt("192.0.2.99", device, apptest.Password); !problem.Is(err, problem.KindRateLimited) {
		t.Errorf("the device after 10 failures: %v", err)
	}
	app.Clock.Advance(15 * time.Minute)
	if _, err := attempt("192.0.2.99", "", apptest.Password); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

func TestSignInDevices(t *testing.T) {
	app := apptest.Start(t)
	s := app.State.Auth
	app.Account("ada", "student")
	bob := app.Account("bob", "student")
	in, err := s.SignIn(ctx, auth.Attempt{Username: "ada", Password: apptest.Password, Address: "a", NewDevice: true})
	if err != nil || in.Device == "" {
		t.Fatalf("ada: %+v %v", in, err)
	}
	// One browser keeps one token for every account signed in there.
	in2, err := s.SignIn(ctx, auth.Attempt{Username: "BOB", Password: apptest.Password, Address: "a", Device: in.Device, NewDevice: true})
	if err != nil || in2.Device != in.Device || in2.User.ID != bob.ID {
		t.Fatalf("bob in ada's browser: %+v %v", in2, err)
	}
	// A token the site never issued is not adopted: the browser gets a new one.
	in3, err := s.SignIn(ctx, auth.Attempt{Username: "ada", Password: apptest.Password, Address: "a", Device: "planted-token", NewDevice: true})
	if err != nil || in3.Device == "planted-token" || in3.Device == "" {
		t.Fatalf("planted token: %+v %v", in3, err)
	}
	// An API login (no new device) records only a token the client holds.
	in4, err := s.SignIn(ctx, auth.Attempt{Username: "ada", Password: apptest.Password, Address: "a"})
	if err != nil || in4.Device != "" {
		t.Fatalf("API login without a cookie: %+v %v", in4, err)
	}
	in5, err := s.SignIn(ctx, auth.Attempt{Username: "ada", Password: apptest.Password, Address: "a", Device: in.Device})
	if err != nil || in5.Device != in.Device {
		t.Fatalf("API login with the browser's cookie: %+v %v", in5, err)
	}
	// An account keeps its store.MaxDevices most recently used devices: a client that
	// drops its cookies leaves no more behind.
	var tokens []string
	for range store.MaxDevices + 5 {
		app.Clock.Advance(time.Second)
		in, err := s.SignIn(ctx, auth.Attempt{Username: "bob", Password: apptest.Password, Address: "b", NewDevice: true})
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, in.Device)
	}
	for i, tok := range tokens {
		trusted, err := app.State.DB.DeviceTrusted(ctx, sha(tok), "bob", app.Clock.Now())
		if want := i >= 5; err != nil || trusted != want {
			t.Errorf("device %d of %d: trusted %v, want %v (%v)", i+1, len(tokens), trusted, want, err)
		}
	}
	// A device lasts DeviceLife after its last sign-in.
	app.Clock.Advance(auth.DeviceLife + time.Hour)
	if ok, err := app.State.DB.DeviceKnown(ctx, sha(in.Device), app.Clock.Now()); err != nil || ok {
		t.Errorf("an expired device is still known: %v %v", ok, err)
	}
	// The cookie helpers.
	rec := httptest.NewRecorder()
	auth.SetDeviceCookie(rec, "", true)
	auth.SetDeviceCookie(rec, in.Device, true)
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != auth.DeviceCookie || !cookies[0].HttpOnly || !cookies[0].Secure || cookies[0].MaxAge <= 0 {
		t.Fatalf("device cookie: %+v", cookies)
	}
	req := httptest.NewRequest("POST", "/login/", nil)
	if auth.DeviceToken(req) != "" {
		t.Error("a device token without a cookie")
	}
	req.AddCookie(cookies[0])
	if auth.DeviceToken(req) != in.Device {
		t.Error("the device cookie is not read back")
	}
}

func TestAuthenticate(t *testing.T) {
	app := apptest.StartRelaxed(t)
	s := app.State.Auth
	ada := app.Account("ada", "student")
	for _, tc := range []struct{ name, user, pw string }{
		{"unknown user", "nobody", apptest.Password},
		{"wrong password", "ada", "wrong-Password-1"},
		{"no password", "ada", ""},
		{"huge password", "ada", strings.Repeat("x", 4*auth.MaxPassword+1)},
	} {
		if _, err := s.Authenticate(ctx, tc.user, tc.pw); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// A hash made with weaker costs than the site's is upgraded at the next sign-in.
	weak, err := auth.HashPassword(apptest.Password, auth.Params{MemoryKiB: 64, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.State.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.SetPasswordHash(ctx, ada.ID, weak) }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, " ADA ", apptest.Password); err != nil {
		t.Fatalf("sign-in with the weak hash: %v", err)
	}
	u, _ := app.State.DB.UserByID(ctx, ada.ID)
	if u.PasswordHash == weak || !strings.Contains(u.PasswordHash, "m=1024,") || u.LastLogin.IsZero() {
		t.Errorf("hash not upgraded or login not recorded: %s %v", u.PasswordHash, u.LastLogin)
	}
	// An unreadable hash and an inactive account fail like a wrong password.
	if err := app.State.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.SetPasswordHash(ctx, ada.ID, "garbage") }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "ada", apptest.Password); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Errorf("unreadable hash: %v", err)
	}
	bob := app.Account("bob", "student")
	if err := s.SetActive(ctx, bob.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "bob", apptest.Password); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Errorf("inactive: %v", err)
	}
}

func TestSignupAndResetLimits(t *testing.T) {
	app := apptest.Start(t, apptest.Options{Args: []string{"-limits", "signup=2/1h,reset=2/5m"}})
	s := app.State.Auth
	for range 2 {
		if err := s.CheckSignup(ctx, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	apptest.WantKind(t, "3rd signup", s.CheckSignup(ctx, "192.0.2.1"), problem.KindRateLimited)
	if err := s.CheckSignup(ctx, "192.0.2.2"); err != nil {
		t.Errorf("another address: %v", err)
	}
	// Reset: per address and per email (case-insensitive).
	if err := s.CheckReset(ctx, "192.0.2.1", "ada@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckReset(ctx, "192.0.2.2", "ADA@example.com"); err != nil {
		t.Fatal(err)
	}
	apptest.WantKind(t, "3rd reset for one email", s.CheckReset(ctx, "192.0.2.3", " Ada@Example.com"), problem.KindRateLimited)
	if err := s.CheckReset(ctx, "192.0.2.1", "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	apptest.WantKind(t, "3rd reset from one address", s.CheckReset(ctx, "192.0.2.1", ""), problem.KindRateLimited)
	if err := s.CheckReset(ctx, "192.0.2.4", ""); err != nil {
		t.Errorf("an empty email counts per address only: %v", err)
	}
}

// resetLink waits for the background reset work and returns the token mailed to email
// since the outbox had n mails ("" when none).
func resetLink(t *testing.T, app *apptest.App, email string, n int) string {
	t.Helper()
	app.State.Auth.Wait()
	mails, err := app.State.DB.RecentMail(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(mails) == n {
		return ""
	}
	if len(mails) != n+1 || !strings.EqualFold(mails[0].To, email) {
		t.Fatalf("mails: %+v", mails)
	}
	_, rest, ok := strings.Cut(mails[0].Body, "/reset/")
	tok, _, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		t.Fatalf("no link in %q", mails[0].Body)
	}
	return tok
}

func TestPasswordReset(t *testing.T) {
	app := apptest.StartRelaxed(t)
	s := app.State.Auth
	ada := app.Account("ada", "student")
	gone := app.Account("gone", "student")
	if err := s.SetActive(ctx, gone.ID, false); err != nil {
		t.Fatal(err)
	}
	apptest.WantField(t, "no address", s.RequestPasswordReset(ctx, "  "), "email", "required")
	for _, email := range []string{"not an address", "nobody@example.com", "gone@example.com"} {
		if err := s.RequestPasswordReset(ctx, email); err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		if tok := resetLink(t, app, email, 0); tok != "" {
			t.Fatalf("a link was mailed for %s", email)
		}
	}
	if err := s.RequestPasswordReset(ctx, " ADA@example.com"); err != nil {
		t.Fatal(err)
	}
	token := resetLink(t, app, "ada@example.com", 0)
	if ok, err := s.ResetTokenValid(ctx, token); !ok || err != nil {
		t.Fatalf("fresh link: %v %v", ok, err)
	}
	for _, bad := range []string{"", "nope", strings.Repeat("a", 101)} {
		if ok, err := s.ResetTokenValid(ctx, bad); ok || err != nil {
			t.Errorf("token %q: %v %v", bad, ok, err)
		}
		if _, err := s.ResetPassword(ctx, bad, "new-Pass-word-9", "new-Pass-word-9"); !errors.Is(err, auth.ErrResetLink) {
			t.Errorf("reset with %q: %v", bad, err)
		}
	}
	_, err := s.ResetPassword(ctx, token, "", "")
	apptest.WantField(t, "no password", err, "new_password1", "required")
	_, err = s.ResetPassword(ctx, token, "Ada-Tester-1", "Ada-Tester-1")
	apptest.WantField(t, "like the name", err, "new_password1", "too similar")
	_, err = s.ResetPassword(ctx, token, "new-Pass-word-9", "new-Pass-word-8")
	apptest.WantField(t, "mismatch", err, "new_password2", "didn't match")

	// Before the reset ada has a session, an API login and a trusted device.
	pair, err := s.IssueTokens(ctx, ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	in, err := s.SignIn(ctx, auth.Attempt{Username: "ada", Password: apptest.Password, Address: "x", NewDevice: true})
	if err != nil {
		t.Fatal(err)
	}
	// Two submits of one link race: exactly one wins.
	var wg sync.WaitGroup
	results := make([]error, 2)
	for i := range results {
		wg.Go(func() { _, results[i] = s.ResetPassword(ctx, token, "new-Pass-word-9", "new-Pass-word-9") })
	}
	wg.Wait()
	slices.SortFunc(results, func(a, b error) int {
		if a == nil {
			return -1
		}
		if b == nil {
			return 1
		}
		return 0
	})
	if results[0] != nil || !errors.Is(results[1], auth.ErrResetLink) {
		t.Fatalf("two submits of one link: %v", results)
	}
	if _, err := s.UserForAccessToken(ctx, pair.Access); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("an API token survived the reset: %v", err)
	}
	if ok, _ := app.State.DB.DeviceKnown(ctx, sha(in.Device), app.Clock.Now()); ok {
		t.Error("a device survived the reset")
	}
	if _, err := s.Authenticate(ctx, "ada", "new-Pass-word-9"); err != nil {
		t.Errorf("the new password: %v", err)
	}
	// The browser that completed the reset may be trusted again.
	tok, err := s.TrustDevice(ctx, ada.ID, in.Device)
	if err != nil || tok == in.Device || tok == "" {
		t.Errorf("trust after the reset: %q %v (the old token was forgotten, so a new one)", tok, err)
	}
	// Links expire after an hour; the admin's sends go to active accounts only.
	if err := s.RequestPasswordReset(ctx, "ada@example.com"); err != nil {
		t.Fatal(err)
	}
	token = resetLink(t, app, "ada@example.com", 1)
	app.Clock.Advance(auth.ResetTokenLife + time.Minute)
	if ok, _ := s.ResetTokenValid(ctx, token); ok {
		t.Error("an expired link is valid")
	}
	root := app.Account("root", "admin")
	_, err = s.MailReset(ctx, root, gone.ID)
	apptest.WantKind(t, "reset to an inactive account", err, problem.KindInvalid)
}

func TestUpdateAccount(t *testing.T) {
	app := apptest.StartRelaxed(t)
	s := app.State.Auth
	ada := app.Account("ada", "student")
	app.Account("bob", "student")
	str := func(v string) *string { return &v }
	for _, tc := range []struct {
		name       string
		u          auth.AccountUpdate
		field, msg string
	}{
		{"email", auth.AccountUpdate{Email: str("nope")}, "email", "valid email"},
		{"NUL name", auth.AccountUpdate{FirstName: str("\x00Ada")}, "first_name", "U+0000"},
		{"blank name", auth.AccountUpdate{LastName: str(" ")}, "last_name", "required"},
		{"too old", auth.AccountUpdate{Birthdate: str("1970-01-01")}, "birthdate", "between 17 and 40"},
		{"taken email", auth.AccountUpdate{Email: str("BOB@example.com")}, "email", "already exists"},
	} {
		_, err := s.UpdateAccount(ctx, ada.ID, tc.u)
		apptest.WantField(t, tc.name, err, tc.field, tc.msg)
	}
	if (auth.AccountUpdate{}).Empty() != true || (auth.AccountUpdate{Email: str("")}).Empty() {
		t.Error("Empty")
	}
	u, err := s.UpdateAccount(ctx, ada.ID, auth.AccountUpdate{FirstName: str(" Ada "), Birthdate: str("2000-01-01")})
	if err != nil || u.FirstName != "Ada" || u.Birthdate != "2000-01-01" || u.Email != "ada@example.com" {
		t.Fatalf("update: %+v %v", u, err)
	}
	if _, err := s.UpdateAccount(ctx, 999999, auth.AccountUpdate{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
	// The cache serves the change at once.
	if got, _ := s.UserByID(ctx, ada.ID); got.FirstName != "Ada" {
		t.Errorf("cached user: %+v", got)
	}
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestProfilePicture(t *testing.T) {
	app := apptest.StartRelaxed(t)
	s := app.State.Auth
	ada := app.Account("ada", "student")
	if _, err := s.SetProfilePicture(ctx, ada.ID, make([]byte, 5<<20+1)); !errors.Is(err, auth.PictureTooLarge) {
		t.Errorf("6 MB: %v", err)
	}
	_, err := s.SetProfilePicture(ctx, ada.ID, []byte("GIF89a not really"))
	apptest.WantKind(t, "not a picture", err, problem.KindInvalid)
	first, err := s.SetProfilePicture(ctx, ada.ID, pngBytes(t, 1200, 300))
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.SetProfilePicture(ctx, ada.ID, pngBytes(t, 10, 10))
	if err != nil || second == first {
		t.Fatalf("replace: %q %v", second, err)
	}
	path := func(rel string) string { return filepath.Join(app.Config.MediaDir(), rel) }
	if _, err := os.Stat(path(first)); !os.IsNotExist(err) {
		t.Errorf("the old picture was kept: %v", err)
	}
	if u, _ := s.UserByID(ctx, ada.ID); u.ProfilePicture != second {
		t.Errorf("user's picture %q, want %q", u.ProfilePicture, second)
	}
	if err := s.RemoveProfilePicture(ctx, ada.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path(second)); !os.IsNotExist(err) {
		t.Errorf("the removed picture's file was kept: %v", err)
	}
	if err := s.RemoveProfilePicture(ctx, ada.ID); err != nil {
		t.Errorf("removing no picture: %v", err)
	}
}

func TestAdminAccountActions(t *testing.T) {
	app := apptest.StartRelaxed(t)
	s := app.State.Auth
	root := app.Account("root", "admin")
	ada := app.Account("ada", "student")
	prof := app.Account("prof", "instructor")
	for _, by := range []store.User{ada, prof, {}} {
		if _, err := s.Users(ctx, by, ""); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("%s lists users: %v", by.Username, err)
		}
		if _, err := s.ChangeRole(ctx, by, ada.ID, auth.Admin); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("%s changes a role: %v", by.Username, err)
		}
		if _, err := s.ChangeActive(ctx, by, ada.ID, false); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("%s deactivates: %v", by.Username, err)
		}
		if _, err := s.MailReset(ctx, by, ada.ID); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("%s mails a reset: %v", by.Username, err)
		}
	}
	users, err := s.Users(ctx, root, "ad")
	if err != nil || len(users) != 1 || users[0].ID != ada.ID {
		t.Fatalf("search: %v %v", users, err)
	}
	_, err = s.ChangeRole(ctx, root, root.ID, auth.Student)
	apptest.WantKind(t, "demote oneself", err, problem.KindInvalid)
	_, err = s.ChangeActive(ctx, root, root.ID, false)
	apptest.WantKind(t, "deactivate oneself", err, problem.KindInvalid)
	_, err = s.ChangeRole(ctx, root, ada.ID, "emperor")
	apptest.WantField(t, "unknown role", err, "user_type", "valid choice")
	if _, err := s.ChangeRole(ctx, root, 999999, auth.Admin); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
	u, err := s.ChangeRole(ctx, root, ada.ID, auth.Instructor)
	if err != nil || u.UserType != auth.Instructor {
		t.Fatalf("promote: %+v %v", u, err)
	}
	// Deactivation ends every session and token at once.
	pair, err := s.IssueTokens(ctx, ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u, err = s.ChangeActive(ctx, root, ada.ID, false); err != nil || u.IsActive {
		t.Fatalf("deactivate: %+v %v", u, err)
	}
	if _, err := s.UserForAccessToken(ctx, pair.Access); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("a token survived deactivation: %v", err)
	}
	_, err = s.MailReset(ctx, root, ada.ID)
	apptest.WantKind(t, "reset link to an inactive account", err, problem.KindInvalid)
	if u, err = s.ChangeActive(ctx, root, ada.ID, true); err != nil || !u.IsActive {
		t.Fatalf("activate: %+v %v", u, err)
	}
	if _, err := s.MailReset(ctx, root, ada.ID); err != nil {
		t.Fatal(err)
	}
	if tok := resetLink(t, app, "ada@example.com", 0); tok == "" {
		t.Error("no reset mail")
	}
}

func TestAPITokens(t *testing.T) {
	app := apptest.StartRelaxed(t)
	s := app.State.Auth
	ada := app.Account("ada", "student")
	bob := app.Account("bob", "student")
	pair, err := s.IssueTokens(ctx, ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	who, err := s.UserForAccessToken(ctx, pair.Access)
	if err != nil || who.User.ID != ada.ID || who.Family == 0 {
		t.Fatalf("access: %+v %v", who, err)
	}
	for _, bad := range []string{"", "nope", strings.Repeat("a", 101), pair.Refresh} {
		if _, err := s.UserForAccessToken(ctx, bad); !errors.Is(err, auth.ErrInvalidToken) {
			t.Errorf("access %q: %v", bad, err)
		}
		if bad != pair.Refresh {
			if _, err := s.Refresh(ctx, bad); !errors.Is(err, auth.ErrInvalidToken) {
				t.Errorf("refresh %q: %v", bad, err)
			}
		}
	}
	if _, err := s.Refresh(ctx, pair.Access); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("an access token as refresh: %v", err)
	}
	if f, ok := s.FamilyOfRefresh(ctx, pair.Refresh, bob.ID); ok || f != 0 {
		t.Error("bob may name ada's login")
	}
	if f, ok := s.FamilyOfRefresh(ctx, pair.Refresh, ada.ID); !ok || f != who.Family {
		t.Error("ada's own login")
	}
	// Rotation: the old refresh token is spent; presenting it again revokes the family.
	next, err := s.Refresh(ctx, pair.Refresh)
	if err != nil || next.Refresh == pair.Refresh {
		t.Fatalf("refresh: %+v %v", next, err)
	}
	if _, err := s.Refresh(ctx, pair.Refresh); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("reuse: %v", err)
	}
	if _, err := s.UserForAccessToken(ctx, next.Access); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("the family survived a reuse: %v", err)
	}
	if _, err := s.Refresh(ctx, next.Refresh); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("the family's newest refresh token survived a reuse: %v", err)
	}
	// Logout with a refresh token; access tokens expire after 30 minutes.
	pair, _ = s.IssueTokens(ctx, ada.ID)
	if ok, err := s.RevokeRefresh(ctx, "nope"); ok || err != nil {
		t.Errorf("revoke a bogus token: %v %v", ok, err)
	}
	if ok, err := s.RevokeRefresh(ctx, pair.Refresh); !ok || err != nil {
		t.Errorf("revoke: %v %v", ok, err)
	}
	if _, err := s.UserForAccessToken(ctx, pair.Access); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("access after logout: %v", err)
	}
	pair, _ = s.IssueTokens(ctx, ada.ID)
	app.Clock.Advance(auth.AccessTokenLife + time.Second)
	if _, err := s.UserForAccessToken(ctx, pair.Access); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("an expired access token: %v", err)
	}
	// A deactivated user's refresh token is refused.
	if err := s.SetActive(ctx, bob.ID, false); err != nil {
		t.Fatal(err)
	}
	bobPair, _ := s.IssueTokens(ctx, bob.ID)
	if _, err := s.Refresh(ctx, bobPair.Refresh); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("refresh of an inactive user: %v", err)
	}
}

func TestSessions(t *testing.T) {
	app := apptest.StartRelaxed(t)
	s := app.State.Auth
	ada := app.Account("ada", "student")
	st := s.NewSessionStore(true)
	// A request with no cookie gets a new session; signing in sets the cookie.
	r := httptest.NewRequest("POST", "/login/", nil)
	w := httptest.NewRecorder()
	if err := st.LogIn(w, r, ada.ID, true); err != nil {
		t.Fatal(err)
	}
	cookies := w.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != auth.SessionName || !cookies[0].Secure || !cookies[0].HttpOnly || cookies[0].MaxAge <= 0 {
		t.Fatalf("cookie: %+v", cookies)
	}
	load := func(c *http.Cookie) int64 {
		r := httptest.NewRequest("GET", "/home/", nil)
		if c != nil {
			r.AddCookie(c)
		}
		sess, err := st.Get(r, auth.SessionName)
		if err != nil {
			t.Fatal(err)
		}
		return auth.UserID(sess)
	}
	if id := load(cookies[0]); id != ada.ID {
		t.Fatalf("session user %d", id)
	}
	for _, c := range []*http.Cookie{nil, {Name: auth.SessionName, Value: "forged"}, {Name: auth.SessionName, Value: strings.Repeat("x", 101)}} {
		if id := load(c); id != 0 {
			t.Errorf("cookie %v: user %d", c, id)
		}
	}
	// A visit after a while slides the expiry; a remembered session outlives a day.
	app.Clock.Advance(23 * time.Hour)
	if load(cookies[0]) != ada.ID {
		t.Fatal("remembered session lost")
	}
	app.Clock.Advance(2 * time.Hour)
	if load(cookies[0]) != ada.ID {
		t.Fatal("remembered session lost after a day")
	}
	// Signing in again replaces the session (fixation), keeping its flashes.
	r = httptest.NewRequest("POST", "/login/", nil)
	r.AddCookie(cookies[0])
	sess, _ := st.Get(r, auth.SessionName)
	sess.AddFlash("hello")
	w = httptest.NewRecorder()
	if err := st.LogIn(w, r, ada.ID, false); err != nil {
		t.Fatal(err)
	}
	fresh := w.Result().Cookies()
	if fresh[len(fresh)-1].Value == cookies[0].Value {
		t.Error("the session id was not rotated")
	}
	if load(cookies[0]) != 0 {
		t.Error("the old session still works")
	}
	r = httptest.NewRequest("GET", "/home/", nil)
	r.AddCookie(fresh[len(fresh)-1])
	sess, _ = st.Get(r, auth.SessionName)
	if f := sess.Flashes(); len(f) != 1 || f[0] != "hello" || auth.UserID(sess) != ada.ID {
		t.Errorf("flashes %v, user %d", f, auth.UserID(sess))
	}
	// A browser session ends a day after the last visit; logging out ends it at once.
	w = httptest.NewRecorder()
	if err := st.LogOut(w, r); err != nil {
		t.Fatal(err)
	}
	if load(fresh[len(fresh)-1]) != 0 {
		t.Error("a logged-out session still works")
	}
	r = httptest.NewRequest("POST", "/login/", nil)
	w = httptest.NewRecorder()
	if err := st.LogIn(w, r, ada.ID, false); err != nil {
		t.Fatal(err)
	}
	short := w.Result().Cookies()[0]
	app.Clock.Advance(auth.BrowserLife + time.Minute)
	if load(short) != 0 {
		t.Error("a browser session outlived a day without visits")
	}
	// Signing out everywhere ends every session, and tells who listens.
	var ended []int64
	s.OnSessionsEnded = func(_ context.Context, id int64) { ended = append(ended, id) }
	t.Cleanup(func() { s.OnSessionsEnded = nil })
	r = httptest.NewRequest("POST", "/login/", nil)
	w = httptest.NewRecorder()
	if err := st.LogIn(w, r, ada.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := s.EndAllSessions(ctx, ada.ID); err != nil {
		t.Fatal(err)
	}
	if load(w.Result().Cookies()[0]) != 0 || !slices.Equal(ended, []int64{ada.ID}) {
		t.Errorf("sessions after signing out everywhere; told %v", ended)
	}
}

func TestRules(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for birth, age := range map[string]int{"2008-11-25": 18, "2008-11-26": 17, "1986-11-25": 40, "1986-11-24": 40} {
		d, msg := auth.ParseBirthdate(birth, now)
		if msg != "" || auth.Age(d, now) != age {
			t.Errorf("%s: %q, age %d, want %d", birth, msg, auth.Age(d, now), age)
		}
	}
	if auth.ValidRole("root") || !auth.ValidRole(auth.Admin) {
		t.Error("ValidRole")
	}
	if auth.IsAdmin(store.User{UserType: auth.Admin}) {
		t.Error("an inactive admin is an admin")
	}
	id := auth.Identity{User: store.User{ID: 7}, TokenFamily: 3}
	if got, ok := auth.FromContext(auth.WithIdentity(ctx, id)); !ok || got != id {
		t.Errorf("identity: %+v %v", got, ok)
	}
	if _, ok := auth.FromContext(ctx); ok {
		t.Error("an identity from nowhere")
	}
}

// sha is what the store keeps of a token.
func sha(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
