package browsertest_test

import (
	"encoding/base32"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/auth"
	"eplatform/app/browsertest"
)

// Set up two-factor authentication from the profile settings (QR code, key, first
// code, recovery codes), sign out, and sign in again with password and a code.
func TestTwoFactorEnrolSignOutSignIn(t *testing.T) {
	app := apptest.Start(t)
	app.Account("ada", "student")
	b := browsertest.New(t)
	logIn(t, b, app, "ada")

	b.Navigate(app.URL + "/home/me/edit/")
	b.ClickAndWait(`a[href="/home/me/2fa/"]`)
	expectLocation(t, b, app.URL+"/home/me/2fa/")
	b.ClickAndWait("[data-twofactor-start]")
	b.WaitVisible("[data-twofactor-qr] svg")
	b.Screenshot("twofactor-setup")
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(b.Text("[data-twofactor-secret]"))
	if err != nil {
		t.Fatal(err)
	}
	b.Type("#id_confirm_code", auth.TOTPCode(secret, app.Clock.Now()))
	b.Submit(`form[action="/home/me/2fa/confirm/"]`)
	b.WaitVisible("[data-recovery-codes]")
	codes := strings.Fields(b.Text("[data-recovery-codes] ul"))
	if len(codes) != auth.RecoveryCodes {
		t.Fatalf("recovery codes shown: %q", codes)
	}
	b.Screenshot("twofactor-recovery-codes")
	b.ClickAndWait(`[data-recovery-codes] a[href="/home/me/2fa/"]`)
	b.WaitVisible(`[data-twofactor-status="on"]`)

	// Sign out.
	b.Click(".user-menu [data-menu-button]")
	b.ClickAndWait(`#user-menu form[action="/logout/"] button[type="submit"]`)
	expectLocation(t, b, app.URL+"/login/")

	// The password leads to the code form; a wrong code stays there with a message.
	b.Type("#id_username", "ada")
	b.Type("#id_password", apptest.Password)
	b.Submit(loginForm)
	expectLocation(t, b, app.URL+"/login/2fa/")
	b.Type("#id_code", "000000")
	b.Submit(`form[action="/login/2fa/"]`)
	if got := b.Text(".form__error, .field__error, [id$='code-error'], .alert"); !strings.Contains(got, "Invalid or already used code.") {
		t.Errorf("wrong code message = %q", got)
	}
	b.Screenshot("twofactor-login-wrong-code")
	b.Type("#id_code", auth.TOTPCode(secret, app.Clock.Now().Add(auth.TOTPStep)))
	b.Submit(`form[action="/login/2fa/"]`)
	expectLocation(t, b, app.URL+"/home/")
}
