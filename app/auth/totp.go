package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"eplatform/app/audit"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"eplatform/app/cache"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// The second factor is TOTP as RFC 6238 and every authenticator app use it by default:
// HMAC-SHA-1, 6 digits, 30-second steps. A code of the step before or after the
// current one is accepted too (a phone's clock a little off, a code typed as it
// changed), and the newest accepted step is remembered per user, so no code works
// twice. Recovery codes replace a lost phone: ten, single-use, stored hashed.
const (
	TOTPStep      = 30 * time.Second
	TOTPDigits    = 6
	totpWindow    = 1 // steps accepted before and after the current one
	RecoveryCodes = 10
	// ChallengeLife is how long the second step of a sign-in may take.
	ChallengeLife = 5 * time.Minute
	// challengeTries bounds the wrong codes one challenge accepts; then the password
	// must be given again (the sign-in limits count every wrong code as well).
	challengeTries = 5
	totpIssuer     = "E-Platform"
)

// Refusals of the second factor.
var (
	ErrBadCode          = problem.Field("code", "Invalid or already used code.")
	ErrChallengeExpired = problem.Invalid("This sign-in has expired. Please log in again.")
	errTOTPOn           = problem.Conflict("Two-factor authentication is already on. Turn it off first to set it up again.")
	errTOTPOff          = problem.Conflict("Two-factor authentication is not on.")
	errNoEnrolment      = problem.Conflict("Start setting up two-factor authentication first.")
)

// TOTPCode is the code of the step containing t for the secret (RFC 6238 / RFC 4226).
func TOTPCode(secret []byte, t time.Time) string { return hotp(secret, totpStep(t)) }

func totpStep(t time.Time) int64 { return t.Unix() / int64(TOTPStep/time.Second) }

func hotp(secret []byte, counter int64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(counter))
	m := hmac.New(sha1.New, secret)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000)
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// TOTPSecretText is a secret as authenticator apps take it typed in: base32.
func TOTPSecretText(secret []byte) string { return b32.EncodeToString(secret) }

// Enrolment is a secret waiting for its first code.
type Enrolment struct {
	Secret string // base32
	URI    string // otpauth://totp/…
}

// TOTPState is what the settings page shows of a user's second factor.
type TOTPState struct {
	Enabled       bool
	Pending       *Enrolment // set while enrolment waits for its first code
	ConfirmedAt   time.Time
	RecoveryLeft  int
	RequiredAdmin bool // set by the caller: the site requires it of admins
}

func (s *Service) enrolment(u store.User, secret []byte) *Enrolment {
	text := TOTPSecretText(secret)
	label := url.PathEscape(totpIssuer + ":" + u.Username)
	q := url.Values{"secret": {text}, "issuer": {totpIssuer}, "algorithm": {"SHA1"}, "digits": {strconv.Itoa(TOTPDigits)},
		"period": {strconv.Itoa(int(TOTPStep / time.Second))}}
	return &Enrolment{Secret: text, URI: "otpauth://totp/" + label + "?" + q.Encode()}
}

// TOTPStatus tells whether the user has a second factor, or one being set up.
func (s *Service) TOTPStatus(ctx context.Context, u store.User) (TOTPState, error) {
	t, err := s.DB.TOTPByUser(ctx, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return TOTPState{}, nil
	}
	if err != nil {
		return TOTPState{}, err
	}
	if t.Confirmed.IsZero() {
		return TOTPState{Pending: s.enrolment(u, t.Secret)}, nil
	}
	left, err := s.DB.RecoveryCodesLeft(ctx, u.ID)
	return TOTPState{Enabled: true, ConfirmedAt: t.Confirmed, RecoveryLeft: left}, err
}

// StartTOTP begins enrolment with a new secret (replacing one never confirmed). A user
// whose second factor is on must turn it off first: a stolen session alone cannot
// swap the secret.
func (s *Service) StartTOTP(ctx context.Context, u store.User) (*Enrolment, error) {
	// Every start counts (nothing to refund): ten new secrets per quarter hour is far
	// more than setting up a phone takes.
	if _, err := s.take(ctx, []bucket{{s.Rules.LoginAccount, "2fa-start:" + strconv.FormatInt(u.ID, 10)}}); err != nil {
		return nil, err
	}
	secret := make([]byte, 20) // 160 bits, RFC 4226's recommendation
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	var started bool
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		var err error
		started, err = tx.StartTOTP(ctx, u.ID, secret, s.Now())
		return err
	})
	if err != nil {
		return nil, err
	}
	if !started {
		return nil, errTOTPOn
	}
	return s.enrolment(u, secret), nil
}

// ConfirmTOTP turns the second factor on with a first code of the new secret and
// returns the recovery codes, which are shown this once.
func (s *Service) ConfirmTOTP(ctx context.Context, u store.User, code string) ([]string, error) {
	t, err := s.DB.TOTPByUser(ctx, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoEnrolment
	}
	if err != nil {
		return nil, err
	}
	if !t.Confirmed.IsZero() {
		return nil, errTOTPOn
	}
	codes, hashes := newRecoveryCodes()
	err = s.guarded(ctx, u.ID, func() error {
		step, ok := matchStep(t, code, s.Now())
		if !ok {
			return ErrBadCode
		}
		return s.DB.WithTx(ctx, func(tx *store.Queries) error {
			used, err := tx.UseTOTPStep(ctx, u.ID, step, true, s.Now())
			if err != nil {
				return err
			}
			if !used {
				return ErrBadCode
			}
			return tx.ReplaceRecoveryCodes(ctx, u.ID, hashes)
		})
	})
	if err != nil {
		return nil, err
	}
	s.forgetTOTP(ctx, u.ID)
	return codes, nil
}

// DisableTOTP turns the second factor off; it takes the password and a current code
// (or a recovery code), so a session left open is not enough.
func (s *Service) DisableTOTP(ctx context.Context, u store.User, password, code string) error {
	if err := s.confirmOwner(ctx, u, password, code); err != nil {
		return err
	}
	return s.ResetTOTP(ctx, u.ID)
}

// NewRecoveryCodes replaces the user's recovery codes; like DisableTOTP it takes the
// password and a code.
func (s *Service) NewRecoveryCodes(ctx context.Context, u store.User, password, code string) ([]string, error) {
	if err := s.confirmOwner(ctx, u, password, code); err != nil {
		return nil, err
	}
	codes, hashes := newRecoveryCodes()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.ReplaceRecoveryCodes(ctx, u.ID, hashes) })
	return codes, err
}

// ResetTOTP removes a user's second factor without asking for anything: DisableTOTP
// after its checks, and an admin helping someone who lost their phone and codes.
func (s *Service) ResetTOTP(ctx context.Context, userID int64) error {
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.DeleteTOTP(ctx, userID) })
	s.forgetTOTP(ctx, userID)
	return err
}

// confirmOwner checks the password and a second-factor code of the signed-in user,
// under the same failure limit as the codes of a sign-in.
func (s *Service) confirmOwner(ctx context.Context, u store.User, password, code string) error {
	on, err := s.TwoFactorOn(ctx, u.ID)
	if err != nil {
		return err
	}
	if !on {
		return errTOTPOff
	}
	return s.guarded(ctx, u.ID, func() error {
		fresh, err := s.DB.UserByID(ctx, u.ID)
		if err != nil {
			return err
		}
		if ok, _, err := CheckPassword(fresh.PasswordHash, password, s.Params); err != nil || !ok {
			return problem.Field("password", "Your password was entered incorrectly.")
		}
		return s.useCode(ctx, u.ID, code)
	})
}

// guarded runs check under the failure limit of a signed-in user's codes: each
// refusal counts on the account's bucket of unknown devices (as a wrong sign-in does),
// a success gives its token back.
func (s *Service) guarded(ctx context.Context, userID int64, check func() error) error {
	taken, err := s.take(ctx, []bucket{{s.Rules.LoginAccount, "2fa:" + strconv.FormatInt(userID, 10)}})
	if err != nil {
		return err
	}
	err = check()
	if problem.Is(err, problem.KindInvalid) {
		return err
	}
	s.refund(ctx, taken)
	return err
}

// useCode accepts a TOTP code or an unused recovery code of the user, once.
func (s *Service) useCode(ctx context.Context, userID int64, code string) error {
	t, err := s.DB.TOTPByUser(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return ErrBadCode
	}
	if err != nil {
		return err
	}
	if t.Confirmed.IsZero() {
		return ErrBadCode
	}
	now := s.Now()
	var ok bool
	if step, match := matchStep(t, code, now); match {
		err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
			ok, err = tx.UseTOTPStep(ctx, userID, step, false, now)
			return err
		})
	} else if c := normalizeRecovery(code); c != "" {
		err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
			ok, err = tx.UseRecoveryCode(ctx, userID, hashToken(c), now)
			return err
		})
	}
	if err != nil {
		return err
	}
	if !ok {
		return ErrBadCode
	}
	return nil
}

// matchStep finds the step of the window whose code is code and that is newer than
// the last one used.
func matchStep(t store.TOTP, code string, now time.Time) (int64, bool) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != TOTPDigits {
		return 0, false
	}
	cur := totpStep(now)
	for step := cur - totpWindow; step <= cur+totpWindow; step++ {
		if step > t.LastStep && subtle.ConstantTimeCompare([]byte(hotp(t.Secret, step)), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// Recovery codes are 10 base32 letters (50 bits), shown as xxxxx-xxxxx; dashes, spaces
// and letter case do not matter when typed back.
var recoveryAlphabet = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func newRecoveryCodes() (codes []string, hashes [][]byte) {
	for range RecoveryCodes {
		b := make([]byte, 7)
		if _, err := rand.Read(b); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		c := recoveryAlphabet.EncodeToString(b)[:10]
		codes = append(codes, c[:5]+"-"+c[5:])
		hashes = append(hashes, hashToken(c))
	}
	return codes, hashes
}

func normalizeRecovery(code string) string {
	c := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(code))
	if len(c) != 10 {
		return ""
	}
	return c
}

// TwoFactorOn tells whether the user's sign-ins ask for a code (through the cache: the
// admin requirement asks on every request of an admin).
func (s *Service) TwoFactorOn(ctx context.Context, userID int64) (bool, error) {
	return cache.Load(ctx, s.Cache, totpCacheKey(userID), 5*time.Minute, func(ctx context.Context) (bool, error) {
		t, err := s.DB.TOTPByUser(ctx, userID)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		return err == nil && !t.Confirmed.IsZero(), err
	})
}

func (s *Service) forgetTOTP(ctx context.Context, userID int64) { s.forget(ctx, totpCacheKey(userID)) }

func totpCacheKey(id int64) string { return "totp:" + strconv.FormatInt(id, 10) }

// SecondStep is the second step of a sign-in: the challenge of the first, a code, and
// the client as in Attempt.
type SecondStep struct {
	Challenge, Code string
	Address, Device string
	NewDevice       bool
}

// newChallenge stores a challenge for a user whose password was right.
func (s *Service) newChallenge(ctx context.Context, userID int64) (string, error) {
	tok, hash := newToken()
	now := s.Now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		return tx.InsertLoginChallenge(ctx, hash, userID, now, now.Add(ChallengeLife))
	})
	return tok, err
}

// CompleteSignIn checks the code of a second step under the same limits as the
// password (a wrong code counts where a wrong password would) and, when it is right,
// finishes the sign-in as SignIn does without a second factor.
func (s *Service) CompleteSignIn(ctx context.Context, st SecondStep) (SignedIn, error) {
	if st.Challenge == "" || len(st.Challenge) > 100 {
		return SignedIn{}, ErrChallengeExpired
	}
	hash := hashToken(st.Challenge)
	ch, err := s.DB.LoginChallengeByHash(ctx, hash, s.Now())
	if errors.Is(err, store.ErrNotFound) {
		return SignedIn{}, ErrChallengeExpired
	}
	if err != nil {
		return SignedIn{}, err
	}
	u, err := s.DB.UserByID(ctx, ch.UserID)
	if err != nil {
		return SignedIn{}, err
	}
	if !u.IsActive {
		return SignedIn{}, ErrChallengeExpired
	}
	buckets, trusted, err := s.signInBuckets(ctx, u.Username, st.Address, st.Device)
	if err != nil {
		return SignedIn{}, err
	}
	taken, err := s.take(ctx, buckets)
	if err != nil {
		return SignedIn{}, err
	}
	if err := s.useCode(ctx, u.ID, st.Code); err != nil {
		if errors.Is(err, ErrBadCode) {
			if n, ferr := s.failChallenge(ctx, hash); ferr != nil {
				return SignedIn{}, ferr
			} else if n >= challengeTries {
				return SignedIn{}, problem.Invalid("Too many wrong codes. Please log in again.")
			}
		} else {
			s.refund(ctx, taken)
		}
		return SignedIn{}, err
	}
	s.refund(ctx, taken)
	if err := s.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.DeleteLoginChallenge(ctx, hash) }); err != nil {
		return SignedIn{}, err
	}
	device, err := s.recordSignIn(ctx, u, "", &deviceArg{sent: st.Device, trusted: trusted, issue: st.NewDevice}, true)
	if err != nil {
		return SignedIn{}, err
	}
	cancelled, err := s.cancelDeletion(ctx, u.ID) // coming back cancels a pending deletion
	return SignedIn{User: u, Device: device, DeletionCancelled: cancelled}, err
}

func (s *Service) failChallenge(ctx context.Context, hash []byte) (int, error) {
	var n int
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		var err error
		n, err = tx.FailLoginChallenge(ctx, hash, challengeTries)
		if errors.Is(err, store.ErrNotFound) {
			n, err = challengeTries, nil // gone meanwhile: used or failed elsewhere
		}
		return err
	})
	return n, err
}

// ResetTwoFactor turns another user's second factor off, for an admin helping someone
// who lost both their phone and their recovery codes; on tells whether it was on.
// Admins reset their own only through DisableTOTP, with password and code.
func (s *Service) ResetTwoFactor(ctx context.Context, by store.User, id int64) (u store.User, on bool, err error) {
	if u, err = s.target(ctx, by, id, "reset your own two-factor authentication here; turn it off in your settings"); err != nil {
		return u, false, err
	}
	if on, err = s.TwoFactorOn(ctx, u.ID); err != nil {
		return u, false, err
	}
	// Recorded in the audit log in the same transaction, when there was one to reset.
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		if err := tx.DeleteTOTP(ctx, u.ID); err != nil || !on {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.Now(), Actor: by, Action: audit.UserTwoFactorOff, Target: audit.User(u),
			Before: map[string]any{"two_factor": true}, After: map[string]any{"two_factor": false}})
	})
	s.forgetTOTP(ctx, u.ID)
	return u, on, err
}
