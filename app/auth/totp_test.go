package auth_test

import (
	"encoding/base32"
	"errors"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/auth"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// RFC 6238 appendix B, SHA-1, the last six digits of its eight.
func TestTOTPCodeMatchesRFC6238(t *testing.T) {
	secret := []byte("12345678901234567890")
	for _, tc := range []struct {
		unix int64
		want string
	}{{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}} {
		if got := auth.TOTPCode(secret, time.Unix(tc.unix, 0)); got != tc.want {
			t.Errorf("T=%d: %s, want %s", tc.unix, got, tc.want)
		}
	}
}

// enrol turns the second factor on for u at the app's clock and returns the secret
// and the recovery codes. The clock is moved to the start of a step first, so the
// tests know where the step boundaries are.
func enrol(t *testing.T, app *apptest.App, u store.User) ([]byte, []string) {
	t.Helper()
	now := app.Clock.Now()
	app.Clock.Set(now.Truncate(auth.TOTPStep).Add(auth.TOTPStep))
	e, err := app.State.Auth.StartTOTP(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.URI, "otpauth://totp/E-Platform:"+u.Username+"?") || !strings.Contains(e.URI, "secret="+e.Secret) {
		t.Fatalf("uri %s", e.URI)
	}
	codes, err := app.State.Auth.ConfirmTOTP(ctx, u, auth.TOTPCode(secret, app.Clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	return secret, codes
}

func challenge(t *testing.T, app *apptest.App, username string) string {
	t.Helper()
	in, err := app.State.Auth.SignIn(ctx, auth.Attempt{Username: username, Password: apptest.Password, Address: "10.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if in.Challenge == "" || in.Device != "" {
		t.Fatalf("a user with a second factor got no challenge: %+v", in)
	}
	return in.Challenge
}

func second(app *apptest.App, ch, code string) (auth.SignedIn, error) {
	return app.State.Auth.CompleteSignIn(ctx, auth.SecondStep{Challenge: ch, Code: code, Address: "10.0.0.1"})
}

func TestTOTPEnrolmentAndWindow(t *testing.T) {
	app := apptest.StartRelaxed(t)
	s := app.State.Auth
	ann := app.Account("ann", "student")

	// Without a second factor the sign-in is as before: no challenge.
	in, err := s.SignIn(ctx, auth.Attempt{Username: "ann", Password: apptest.Password, Address: "10.0.0.1"})
	if err != nil || in.Challenge != "" {
		t.Fatalf("%+v %v", in, err)
	}

	// A wrong first code leaves the second factor off.
	e, err := s.StartTOTP(ctx, ann)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmTOTP(ctx, ann, "000000"); !errors.Is(err, auth.ErrBadCode) {
		t.Fatalf("wrong first code: %v", err)
	}
	if st, _ := s.TOTPStatus(ctx, ann); st.Enabled || st.Pending == nil || st.Pending.Secret != e.Secret {
		t.Fatalf("status while pending: %+v", st)
	}
	secret, codes := enrol(t, app, ann) // a second start replaces the pending secret
	if len(codes) != auth.RecoveryCodes {
		t.Fatalf("%d recovery codes", len(codes))
	}
	if st, _ := s.TOTPStatus(ctx, ann); !st.Enabled || st.Pending != nil || st.RecoveryLeft != 10 {
		t.Fatalf("status once on: %+v", st)
	}
	if _, err := s.StartTOTP(ctx, ann); !problem.Is(err, problem.KindConflict) {
		t.Fatalf("starting again while on: %v", err)
	}
	start := app.Clock.Now() // the start of the step whose code confirmed

	// The code that confirmed cannot sign in: it was used.
	ch := challenge(t, app, "ann")
	if _, err := second(app, ch, auth.TOTPCode(secret, start)); !errors.Is(err, auth.ErrBadCode) {
		t.Fatalf("replayed confirmation code: %v", err)
	}
	// Two steps ahead is outside the window; one step ahead is inside, and only once.
	if _, err := second(app, ch, auth.TOTPCode(secret, start.Add(2*auth.TOTPStep))); !errors.Is(err, auth.ErrBadCode) {
		t.Fatalf("code two steps ahead: %v", err)
	}
	next := auth.TOTPCode(secret, start.Add(auth.TOTPStep))
	got, err := second(app, ch, next)
	if err != nil || got.User.ID != ann.ID {
		t.Fatalf("code one step ahead: %+v %v", got, err)
	}
	// The challenge is spent with its sign-in.
	if _, err := second(app, ch, auth.TOTPCode(secret, start.Add(2*auth.TOTPStep))); !errors.Is(err, auth.ErrChallengeExpired) {
		t.Fatalf("a used challenge: %v", err)
	}
	if _, err := second(app, challenge(t, app, "ann"), next); !errors.Is(err, auth.ErrBadCode) {
		t.Fatalf("the same code again: %v", err)
	}

	// Step boundaries: at the last second of step+1 its code is current; a second
	// later (step+2 begins) the code of step+1 is the previous one, still accepted
	// once... but it was used, so the code of step+2 is needed — and the code of
	// step+3 is one ahead.
	app.Clock.Set(start.Add(2*auth.TOTPStep - time.Second))
	if _, err := second(app, challenge(t, app, "ann"), auth.TOTPCode(secret, start.Add(3*auth.TOTPStep))); !errors.Is(err, auth.ErrBadCode) {
		t.Fatalf("two steps ahead at the step's last second: %v", err)
	}
	app.Clock.Set(start.Add(2 * auth.TOTPStep))
	if _, err := second(app, challenge(t, app, "ann"), auth.TOTPCode(secret, start.Add(3*auth.TOTPStep))); err != nil {
		t.Fatalf("one step ahead after the boundary: %v", err)
	}
	// One step behind is accepted when newer than the last used: move on and use the
	// code of the step just before the current one.
	app.Clock.Set(start.Add(5 * auth.TOTPStep))
	if _, err := second(app, challenge(t, app, "ann"), auth.TOTPCode(secret, start.Add(4*auth.TOTPStep))); err != nil {
		t.Fatalf("one step behind: %v", err)
	}
	// …but an older code than the last used one is refused even inside the window.
	if _, err := second(app, challenge(t, app, "ann"), auth.TOTPCode(secret, start.Add(4*auth.TOTPStep))); !errors.Is(err, auth.ErrBadCode) {
		t.Fatalf("behind the last used step: %v", err)
	}
	// A challenge expires.
	ch = challenge(t, app, "ann")
	app.Clock.Advance(auth.ChallengeLife + time.Second)
	if _, err := second(app, ch, auth.TOTPCode(secret, app.Clock.Now())); !errors.Is(err, auth.ErrChallengeExpired) {
		t.Fatalf("expired challenge: %v", err)
	}
}

func TestRecoveryCodesAreSingleUse(t *testing.T) {
	app := apptest.StartRelaxed(t)
	s := app.State.Auth
	bob := app.Account("bob", "instructor")
	secret, codes := enrol(t, app, bob)

	// Typed in capitals with spaces instead of the dash, a recovery code works once.
	typed := strings.ToUpper(strings.Replace(codes[3], "-", " ", 1))
	if _, err := second(app, challenge(t, app, "bob"), typed); err != nil {
		t.Fatalf("recovery code: %v", err)
	}
	if _, err := second(app, challenge(t, app, "bob"), codes[3]); !errors.Is(err, auth.ErrBadCode) {
		t.Fatalf("recovery code used twice: %v", err)
	}
	if st, _ := s.TOTPStatus(ctx, bob); st.RecoveryLeft != 9 {
		t.Fatalf("left %d", st.RecoveryLeft)
	}

	// New codes need the password and a code; the old ones stop working.
	now := app.Clock.Now().Add(auth.TOTPStep)
	if _, err := s.NewRecoveryCodes(ctx, bob, "wrong", auth.TOTPCode(secret, now)); !problem.Is(err, problem.KindInvalid) {
		t.Fatalf("new codes with a wrong password: %v", err)
	}
	fresh, err := s.NewRecoveryCodes(ctx, bob, apptest.Password, auth.TOTPCode(secret, now))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := second(app, challenge(t, app, "bob"), codes[4]); !errors.Is(err, auth.ErrBadCode) {
		t.Fatalf("an old recovery code after new ones: %v", err)
	}

	// Turning it off takes the password and a code (a recovery code will do).
	if err := s.DisableTOTP(ctx, bob, apptest.Password, "123456"); !errors.Is(err, auth.ErrBadCode) {
		t.Fatalf("disable with a wrong code: %v", err)
	}
	if err := s.DisableTOTP(ctx, bob, apptest.Password, fresh[0]); err != nil {
		t.Fatal(err)
	}
	if on, _ := s.TwoFactorOn(ctx, bob.ID); on {
		t.Fatal("still on after disabling")
	}
	in, err := s.SignIn(ctx, auth.Attempt{Username: "bob", Password: apptest.Password, Address: "10.0.0.1"})
	if err != nil || in.Challenge != "" {
		t.Fatalf("sign-in after disabling: %+v %v", in, err)
	}
	if err := s.DisableTOTP(ctx, bob, apptest.Password, fresh[1]); !problem.Is(err, problem.KindConflict) {
		t.Fatalf("disabling twice: %v", err)
	}

	// An admin's reset needs nothing, and removes the recovery codes too.
	_, codes = enrol(t, app, bob)
	if err := s.ResetTOTP(ctx, bob.ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := app.State.DB.RecoveryCodesLeft(ctx, bob.ID); n != 0 || len(codes) == 0 {
		t.Fatalf("%d recovery codes left after a reset", n)
	}
	// An admin's reset is recorded in the audit log (and only when there was one).
	admin := app.Account("root", "admin")
	enrol(t, app, bob)
	if _, on, err := s.ResetTwoFactor(ctx, admin, bob.ID); err != nil || !on {
		t.Fatalf("admin reset: %v %v", on, err)
	}
	if _, on, err := s.ResetTwoFactor(ctx, admin, bob.ID); err != nil || on {
		t.Fatalf("admin reset of nothing: %v %v", on, err)
	}
	if got := app.AuditEntries("user.2fa_reset"); len(got) != 1 || got[0].ActorID != admin.ID || got[0].TargetID != bob.ID {
		t.Fatalf("audit entries of the resets: %+v", got)
	}
}

// Wrong codes count on the sign-in limits, as wrong passwords do: with the default
// limits (5 failures per account and address) the sixth wrong code is refused before
// it is checked, and so is the right one.
func TestWrongCodesAreRateLimited(t *testing.T) {
	app := apptest.Start(t)
	cid := app.Account("cid", "student")
	secret, _ := enrol(t, app, cid)
	ch := challenge(t, app, "cid")
	for i := range 4 {
		if _, err := second(app, ch, "00000"+string(rune('0'+i))); !errors.Is(err, auth.ErrBadCode) {
			t.Fatalf("wrong code %d: %v", i, err)
		}
	}
	// The fifth wrong code on one challenge ends it.
	if _, err := second(app, ch, "000009"); !problem.Is(err, problem.KindInvalid) || errors.Is(err, auth.ErrBadCode) {
		t.Fatalf("fifth wrong code: %v", err)
	}
	if _, err := second(app, ch, auth.TOTPCode(secret, app.Clock.Now().Add(auth.TOTPStep))); !errors.Is(err, auth.ErrChallengeExpired) {
		t.Fatalf("a challenge after five wrong codes: %v", err)
	}
	// The limit of the account and address (5) is spent: the right password is
	// refused too now, before it is checked.
	_, err := app.State.Auth.SignIn(ctx, auth.Attempt{Username: "cid", Password: apptest.Password, Address: "10.0.0.1"})
	if !problem.Is(err, problem.KindRateLimited) {
		t.Fatalf("sign-in after five wrong codes: %v", err)
	}
	// After the period the right code signs in.
	app.Clock.Advance(16 * time.Minute)
	ch = challenge(t, app, "cid")
	if _, err := second(app, ch, auth.TOTPCode(secret, app.Clock.Now())); err != nil {
		t.Fatal(err)
	}
}
