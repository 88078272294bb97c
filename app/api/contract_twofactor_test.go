package api_test

import (
	"context"
	"encoding/base32"
	"fmt"
	"net/http"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/auth"
)

// The second factor in the API contract test: every role but teach2 turns it on
// (confirm), so teach2's enrol reaches a 200 and the others see 409; new recovery
// codes use the code of the next step; disable, which ends it, runs with the
// destructive writes, each a step later.

// twoFactorSecrets are the secrets turned on, per site and role (tfKey): the hostile
// walk asks for these bodies again and again, on sites of its own.
var twoFactorSecrets = map[string][]byte{}

func tfKey(w *world, role string) string { return fmt.Sprintf("%p/%s", w, role) }

func init() {
	destructive["POST /api/auth/2fa/disable/"] = true
	contractBodies["POST /api/auth/2fa/confirm/"] = func(w *world, role string) any {
		if role == "anon" || role == "teach2" {
			return map[string]any{"code": "000000"}
		}
		if secret := twoFactorSecrets[tfKey(w, role)]; secret != nil { // already on: a code, answered 409
			return map[string]any{"code": auth.TOTPCode(secret, w.app.Clock.Now())}
		}
		var e struct{ Secret string }
		w.call(w.t, role, "POST", "/api/auth/2fa/enrol/", nil, &e)
		secret := decodeSecret(w.t, e.Secret)
		twoFactorSecrets[tfKey(w, role)] = secret
		return map[string]any{"code": auth.TOTPCode(secret, w.app.Clock.Now())}
	}
	contractBodies["POST /api/auth/2fa/recovery-codes/"] = func(w *world, role string) any {
		return map[string]any{"password": apptest.Password, "code": nextCode(w, role)}
	}
	contractBodies["POST /api/auth/2fa/disable/"] = func(w *world, role string) any {
		if twoFactorSecrets[tfKey(w, role)] != nil {
			w.app.Clock.Advance(auth.TOTPStep)
		}
		return map[string]any{"password": apptest.Password, "code": nextCode(w, role)}
	}
	contractBodies["POST /api/auth/login/2fa/"] = func(w *world, role string) any {
		if twoFactorSecrets[tfKey(w, "twofa")] == nil {
			u := w.app.Account("twofa", "student")
			e, err := w.app.State.Auth.StartTOTP(context.Background(), u)
			if err != nil {
				w.t.Fatal(err)
			}
			secret := decodeSecret(w.t, e.Secret)
			if _, err := w.app.State.Auth.ConfirmTOTP(context.Background(), u, auth.TOTPCode(secret, w.app.Clock.Now())); err != nil {
				w.t.Fatal(err)
			}
			twoFactorSecrets[tfKey(w, "twofa")] = secret
		}
		resp := w.client.JSON("POST", "/api/auth/login/", map[string]any{"username": "twofa", "password": apptest.Password}, "")
		var ch struct{ Challenge string }
		resp.JSON(w.t, &ch)
		if resp.StatusCode != http.StatusAccepted || ch.Challenge == "" {
			w.t.Fatalf("login with a second factor: %d %s", resp.StatusCode, resp.Body)
		}
		// The first caller's code is accepted; the same code again is a replay (400).
		return map[string]any{"challenge": ch.Challenge, "code": nextCode(w, "twofa")}
	}
}

// nextCode is the code of the step after the clock's, "000000" for a role without a
// second factor.
func nextCode(w *world, role string) string {
	s := twoFactorSecrets[tfKey(w, role)]
	if s == nil {
		return "000000"
	}
	return auth.TOTPCode(s, w.app.Clock.Now().Add(auth.TOTPStep))
}

func decodeSecret(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	if err != nil {
		t.Fatalf("secret %q: %v", s, err)
	}
	return b
}

// signIn is app.Token for a role that may have turned its second factor on here: the
// password, then a code of a step not used yet (a used one would be a replay).
func (w *world) signIn(role string) string {
	w.t.Helper()
	resp := w.client.JSON("POST", "/api/auth/login/", map[string]any{"username": role, "password": apptest.Password}, "")
	var out struct{ Access, Challenge string }
	resp.JSON(w.t, &out)
	if resp.StatusCode == http.StatusOK {
		return out.Access
	}
	secret := twoFactorSecrets[tfKey(w, role)]
	if resp.StatusCode != http.StatusAccepted || secret == nil {
		w.t.Fatalf("api login %s: %d %s", role, resp.StatusCode, resp.Body)
	}
	w.app.Clock.Advance(2 * auth.TOTPStep) // past the next step too, which nextCode may have used
	r := w.client.JSON("POST", "/api/auth/login/2fa/", map[string]any{"challenge": out.Challenge, "code": auth.TOTPCode(secret, w.app.Clock.Now())}, "")
	var done struct{ Access string }
	r.JSON(w.t, &done)
	if r.StatusCode != http.StatusOK || done.Access == "" {
		w.t.Fatalf("api login %s, second step: %d %s", role, r.StatusCode, r.Body)
	}
	return done.Access
}
