package auth

import (
	"context"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"eplatform/app/limit"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// Sign-in limits for schools, after OWASP's "slow down online guessing with device
// cookies". A whole class signs in from one address (the school's NAT) and students
// switch between accounts on shared computers, so:
//
//   - a successful sign-in never counts against any limit (its tokens are refunded);
//   - failures per client address (Rules.Login) are limited at a level a school never
//     reaches by mistyping, yet one address cannot spray guesses over many accounts;
//   - failures per account and address (Rules.LoginUser) stop one address from spending
//     the account's whole allowance, so a guesser on one address alone does not lock the
//     owner out even on a new computer;
//   - failures per account from browsers without the account's device cookie, from all
//     addresses together (Rules.LoginAccount), stop a guesser who rotates addresses;
//   - a browser that signed in to the account before carries a device cookie for it
//     (a random token, stored hashed in login_devices). Its attempts skip the three
//     limits above and are limited per device instead (Rules.LoginDevice), so guessing
//     from elsewhere never locks the owner out of their own browser, while a stolen or
//     guessed-at device is still slowed down.
//
// The API login follows the same rules on the same buckets. It sets no cookie (an API
// login answers tokens only), but honours a device cookie the client sends — a page's
// script on the site sends the browser's — so a client without one is an unknown
// device.

// DeviceCookie is the name of the device cookie.
const DeviceCookie = "eplatform_device"

// DeviceLife is how long a device stays trusted after its last successful sign-in.
const DeviceLife = 180 * 24 * time.Hour

// Attempt is one sign-in attempt.
type Attempt struct {
	Username, Password string
	// Address is the client's rate-limit key (limit.IPKey of its address).
	Address string
	// Device is the device cookie the client sent, "" for none.
	Device string
	// NewDevice says the client keeps a device cookie it is given (the web form);
	// without it a sign-in only records a device token the client already holds.
	NewDevice bool
}

// SignedIn is a successful sign-in: the user, and the device token the client should
// keep (the one it sent when that is known, else a new one when Attempt.NewDevice; ""
// when there is none).
type SignedIn struct {
	User   store.User
	Device string
	// DeletionCancelled says the account was waiting to be deleted (its owner asked
	// to, see app/mydata) and this sign-in cancelled that, which the user is told.
	DeletionCancelled bool
	// Challenge is set instead of Device when the user has a second factor: nothing is
	// signed in yet, the client must present it with a code (CompleteSignIn).
	Challenge string
}

// tooManyLogins starts the message of a refused sign-in; the problem's RetryAfter says
// when to come back.
const tooManyLogins = "Too many login attempts. "

type bucket struct {
	rule limit.Rule
	key  string
}

// SignIn checks an attempt under the sign-in limits. A refused attempt is a
// RateLimited problem (checked before the password, so a locked-out guesser learns
// nothing even with the right password); wrong credentials are ErrInvalidCredentials
// and count; a success counts nowhere and returns the device token to set.
func (s *Service) SignIn(ctx context.Context, a Attempt) (SignedIn, error) {
	a.Username = strings.TrimSpace(a.Username)
	if a.Username == "" || a.Password == "" {
		return SignedIn{}, ErrInvalidCredentials // nothing to guess with: nothing to count
	}
	buckets, trusted, err := s.signInBuckets(ctx, a.Username, a.Address, a.Device)
	if err != nil {
		return SignedIn{}, err
	}
	taken, err := s.take(ctx, buckets)
	if err != nil {
		return SignedIn{}, err
	}
	u, newHash, err := s.checkCredentials(ctx, a.Username, a.Password)
	if errors.Is(err, ErrInvalidCredentials) {
		return SignedIn{}, err // the failure counts: its tokens stay spent
	}
	s.refund(ctx, taken)
	if err != nil {
		return SignedIn{}, err
	}
	on, err := s.TwoFactorOn(ctx, u.ID)
	if err != nil {
		return SignedIn{}, err
	}
	if on {
		// The password was right; nothing is recorded (device, last login) until the
		// code is, except an upgraded password hash. A pending deletion is cancelled
		// by the completed sign-in (CompleteSignIn).
		if _, err := s.recordSignIn(ctx, u, newHash, nil, false); err != nil {
			return SignedIn{}, err
		}
		challenge, err := s.newChallenge(ctx, u.ID)
		return SignedIn{User: u, Challenge: challenge}, err
	}
	token, err := s.recordSignIn(ctx, u, newHash, &deviceArg{sent: a.Device, trusted: trusted, issue: a.NewDevice}, true)
	if err != nil {
		return SignedIn{}, err
	}
	cancelled, err := s.cancelDeletion(ctx, u.ID)
	if err != nil {
		return SignedIn{}, err
	}
	return SignedIn{User: u, Device: token, DeletionCancelled: cancelled}, nil
}

// cancelDeletion cancels the account's scheduled deletion, if any: coming back
// during the grace period is how a person keeps their account. Most sign-ins have
// none, found by a read, so they write nothing more.
func (s *Service) cancelDeletion(ctx context.Context, userID int64) (bool, error) {
	if _, err := s.DB.DeletionOf(ctx, userID); errors.Is(err, store.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	var cancelled bool
	err := s.DB.WithTx(ctx, func(tx *store.Queries) (err error) {
		cancelled, err = tx.CancelDeletion(ctx, userID)
		return err
	})
	return cancelled, err
}

// signInBuckets are the limits an attempt on the account from the client counts on
// (see the top of this file), and whether the client's device is trusted for it.
func (s *Service) signInBuckets(ctx context.Context, username, address, device string) ([]bucket, bool, error) {
	account := strings.ToLower(username)
	if validDeviceToken(device) {
		hash := hashToken(device)
		trusted, err := s.DB.DeviceTrusted(ctx, hash, username, s.Now())
		if err != nil {
			return nil, false, err
		}
		if trusted {
			return []bucket{{s.Rules.LoginDevice, hex.EncodeToString(hash[:16]) + "|" + account}}, true, nil
		}
	}
	return []bucket{{s.Rules.Login, "ip:" + address}, {s.Rules.LoginUser, account + "|" + address}, {s.Rules.LoginAccount, account}}, false, nil
}

// take spends one token of each bucket, in order. When one refuses, the tokens already
// taken are given back and the refusal returned. A limiter that fails is skipped:
// limits protect the site, they must not lock everyone out while Redis is down.
func (s *Service) take(ctx context.Context, buckets []bucket) ([]bucket, error) {
	taken := make([]bucket, 0, len(buckets))
	for _, b := range buckets {
		d, err := s.Limiter.Allow(ctx, b.rule, b.key)
		if err != nil {
			s.Log.WarnContext(ctx, "rate limiter unavailable", "rule", b.rule.Name, "err", err)
			continue
		}
		if !d.Allowed {
			s.refund(ctx, taken)
			return nil, problem.RateLimited(tooManyLogins+limit.Message(d), d.RetryAfter)
		}
		taken = append(taken, b)
	}
	return taken, nil
}

// refund gives back the tokens of an attempt that does not count.
func (s *Service) refund(ctx context.Context, taken []bucket) {
	for _, b := range taken {
		if err := s.Limiter.Refund(ctx, b.rule, b.key); err != nil {
			// The attempt then counts once: stricter, never looser.
			s.Log.WarnContext(ctx, "rate limiter refund", "rule", b.rule.Name, "err", err)
		}
	}
}

// validDeviceToken tells whether a cookie value can be one of our tokens at all.
func validDeviceToken(t string) bool { return t != "" && len(t) <= 100 }

// deviceFor returns the device token to record for a successful sign-in: the one the
// client sent when the site knows it (so one browser keeps one token for every account
// signed in there), else a new random one when issue is set ("" otherwise) — a token
// the site never issued is not adopted, so nobody can plant a device token they know
// in someone's browser.
func (s *Service) deviceFor(ctx context.Context, sent string, issue bool) (string, error) {
	if validDeviceToken(sent) {
		known, err := s.DB.DeviceKnown(ctx, hashToken(sent), s.Now())
		if err != nil || known {
			return sent, err
		}
	}
	if !issue {
		return "", nil
	}
	tok, _ := newToken()
	return tok, nil
}

// DeviceToken reads the device cookie of a request ("" for none).
func DeviceToken(r *http.Request) string {
	c, err := r.Cookie(DeviceCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// SetDeviceCookie gives the client its device token. It is sent to sign-in requests
// only in effect, but its path is / so the web form and the API share it.
func SetDeviceCookie(w http.ResponseWriter, token string, secure bool) {
	if token == "" {
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: DeviceCookie, Value: token, Path: "/", MaxAge: int(DeviceLife / time.Second),
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	})
}

// TrustDevice records that the client holding the device token (a new one when it has
// none the site knows) is the user's, and returns the token to set. The password reset
// uses it: the browser that completed a reset holds the mailed link, so it is the
// owner's.
func (s *Service) TrustDevice(ctx context.Context, userID int64, sent string) (string, error) {
	token, err := s.deviceFor(ctx, sent, true)
	if err != nil {
		return "", err
	}
	now := s.Now()
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		return tx.TrustDevice(ctx, hashToken(token), userID, now, now.Add(DeviceLife))
	})
	return token, err
}
