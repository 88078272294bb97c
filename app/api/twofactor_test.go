package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/auth"
)

func TestTwoFactorAPILogin(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	app.Account("ann", "student")
	c := app.Client()
	tok, _ := app.Token("ann")

	// Set up through the API.
	r := c.JSON("POST", "/api/auth/2fa/enrol/", nil, tok)
	var raw map[string]string
	r.JSON(t, &raw)
	if r.StatusCode != http.StatusOK || raw["secret"] == "" || !strings.HasPrefix(raw["otpauth_uri"], "otpauth://totp/E-Platform:ann?") || !strings.HasPrefix(raw["qr_svg"], "<svg") {
		t.Fatalf("enrol: %d %s", r.StatusCode, r.Body)
	}
	secret := decodeSecret(t, raw["secret"])
	if r := c.JSON("POST", "/api/auth/2fa/confirm/", map[string]any{}, tok); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, `"code"`) {
		t.Fatalf("confirm without a code: %d %s", r.StatusCode, r.Body)
	}
	var rc struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	r = c.JSON("POST", "/api/auth/2fa/confirm/", map[string]any{"code": auth.TOTPCode(secret, app.Clock.Now())}, tok)
	r.JSON(t, &rc)
	if r.StatusCode != http.StatusOK || len(rc.RecoveryCodes) != 10 {
		t.Fatalf("confirm: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("POST", "/api/auth/2fa/enrol/", nil, tok); r.StatusCode != http.StatusConflict {
		t.Fatalf("enrol while on: %d", r.StatusCode)
	}

	// The login answers a challenge, not tokens.
	login := func() string {
		t.Helper()
		r := c.JSON("POST", "/api/auth/login/", map[string]string{"username": "ann", "password": apptest.Password}, "")
		var ch struct {
			TwoFactorRequired bool `json:"two_factor_required"`
			Challenge         string
			Access            string
		}
		r.JSON(t, &ch)
		if r.StatusCode != http.StatusAccepted || !ch.TwoFactorRequired || ch.Challenge == "" || ch.Access != "" {
			t.Fatalf("login with a second factor: %d %s", r.StatusCode, r.Body)
		}
		return ch.Challenge
	}
	ch := login()
	code := auth.TOTPCode(secret, app.Clock.Now().Add(auth.TOTPStep))
	r = c.JSON("POST", "/api/auth/login/2fa/", map[string]string{"challenge": ch, "code": code}, "")
	var res struct {
		User            struct{ Username string }
		Access, Message string
	}
	r.JSON(t, &res)
	if r.StatusCode != http.StatusOK || res.Access == "" || res.User.Username != "ann" || res.Message != "Login successful" {
		t.Fatalf("second step: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("GET", "/api/auth/profile/", nil, res.Access); r.StatusCode != http.StatusOK {
		t.Fatalf("the new token: %d", r.StatusCode)
	}
	// Replay: the same code on a new challenge.
	if r := c.JSON("POST", "/api/auth/login/2fa/", map[string]string{"challenge": login(), "code": code}, ""); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, `"code"`) {
		t.Fatalf("replayed code: %d %s", r.StatusCode, r.Body)
	}
	// An expired challenge: non_field_errors.
	ch = login()
	app.Clock.Advance(auth.ChallengeLife + time.Second)
	if r := c.JSON("POST", "/api/auth/login/2fa/", map[string]string{"challenge": ch, "code": auth.TOTPCode(secret, app.Clock.Now())}, ""); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "non_field_errors") {
		t.Fatalf("expired challenge: %d %s", r.StatusCode, r.Body)
	}
	// A recovery code works once.
	if r := c.JSON("POST", "/api/auth/login/2fa/", map[string]string{"challenge": login(), "code": rc.RecoveryCodes[2]}, ""); r.StatusCode != http.StatusOK {
		t.Fatalf("recovery code: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("POST", "/api/auth/login/2fa/", map[string]string{"challenge": login(), "code": rc.RecoveryCodes[2]}, ""); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("recovery code twice: %d %s", r.StatusCode, r.Body)
	}
	// Off with password and code; the login answers tokens again, as API.md has it.
	if r := c.JSON("POST", "/api/auth/2fa/disable/", map[string]string{"password": apptest.Password, "code": rc.RecoveryCodes[3]}, res.Access); r.StatusCode != http.StatusNoContent {
		t.Fatalf("disable: %d %s", r.StatusCode, r.Body)
	}
	app.Token("ann")
}

// Only admins reset another user's second factor through the API.
func TestTwoFactorAPIAdminResetPermissions(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	vic := app.Account("vic", "student")
	path := "/api/admin/users/" + strconv.FormatInt(vic.ID, 10) + "/2fa/reset/"
	c := app.Client()
	for _, u := range []struct{ name, role string }{{"stud", "student"}, {"other", "student"}, {"teach", "instructor"}, {"teach2", "instructor"}} {
		app.Account(u.name, u.role)
		tok, _ := app.Token(u.name)
		if r := c.JSON("POST", path, nil, tok); r.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d", u.name, r.StatusCode)
		}
	}
	if r := c.JSON("POST", path, nil, ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", r.StatusCode)
	}
	root := app.Account("root", "admin")
	tok, _ := app.Token("root")
	if r := c.JSON("POST", path, nil, tok); r.StatusCode != http.StatusOK {
		t.Errorf("admin: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("POST", "/api/admin/users/"+strconv.FormatInt(root.ID, 10)+"/2fa/reset/", nil, tok); r.StatusCode != http.StatusBadRequest {
		t.Errorf("admin on themself: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("POST", "/api/admin/users/987654321/2fa/reset/", nil, tok); r.StatusCode != http.StatusNotFound {
		t.Errorf("missing user: %d", r.StatusCode)
	}
}
