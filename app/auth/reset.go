package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"eplatform/app/audit"
	"eplatform/app/form"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// A password reset request must not tell whether an address has an account, neither by
// its answer nor by its timing. So the request does the same work for every address —
// it checks the address's form and hands it to the background, no query at all — and
// the lookup, the token and the mail happen after the answer is written.

// maxPendingResets bounds the reset mails being prepared at once. Past it a request
// is dropped (and logged): the rate limits per address and per email make that a flood
// from many addresses, and the person can ask again.
const maxPendingResets = 32

// resetTimeout bounds the background work of one request (a lookup, a write and the
// outbox row; SMTP delivery is the mailer's own background work).
const resetTimeout = 30 * time.Second

// resetWorker runs the background work of reset requests.
type resetWorker struct {
	once  sync.Once
	slots chan struct{}
	wg    sync.WaitGroup
}

func (w *resetWorker) init() { w.once.Do(func() { w.slots = make(chan struct{}, maxPendingResets) }) }

// RequestPasswordReset asks for a reset link for email. An empty address is a problem
// naming email; any other gets the same answer, nil, at once: when an active account
// uses it, a single-use link valid for one hour is mailed in the background. (Text
// that is no address at all needs no lookup to know that no account uses it.)
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	email = NormalizeEmail(email)
	if email == "" {
		return problem.Field("email", "This field is required.")
	}
	if CheckEmail(email) != "" {
		return nil
	}
	s.resets.init()
	select {
	case s.resets.slots <- struct{}{}:
	default:
		s.Log.WarnContext(ctx, "password reset dropped: too many pending")
		return nil
	}
	s.resets.wg.Add(1)
	go func() {
		defer s.resets.wg.Done()
		defer func() { <-s.resets.slots }()
		// Not the request's context: the request is answered and gone by now.
		ctx, cancel := context.WithTimeout(context.Background(), resetTimeout)
		defer cancel()
		if err := s.mailResetTo(ctx, email); err != nil {
			s.Log.ErrorContext(ctx, "password reset", "err", err)
		}
	}()
	return nil
}

// Wait blocks until the background work of reset requests is done (on shutdown, and
// in tests before reading the outbox).
func (s *Service) Wait() { s.resets.wg.Wait() }

// mailResetTo mails a reset link when an active account uses email.
func (s *Service) mailResetTo(ctx context.Context, email string) error {
	u, err := s.DB.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !u.IsActive) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.mailReset(ctx, u, nil)
}

// sendPasswordReset mails the user a reset link now: an admin's action, who is told
// it was sent, and it is recorded in the audit log. An inactive account is refused.
func (s *Service) sendPasswordReset(ctx context.Context, by, u store.User) error {
	if !u.IsActive {
		return problem.Invalid("Activate the account first.")
	}
	return s.mailReset(ctx, u, &by)
}

// mailReset makes a reset link for u and mails it; by is the admin who sent it (nil:
// the user asked), recorded in the same transaction as the link.
func (s *Service) mailReset(ctx context.Context, u store.User, by *store.User) error {
	token, hash := newToken()
	now := s.Now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		err := tx.InsertPasswordReset(ctx, store.PasswordReset{
			TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(ResetTokenLife),
		})
		if err != nil || by == nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, Actor: *by, Action: audit.UserPasswordReset,
			Target: audit.User(u), After: map[string]any{"email": u.Email}})
	})
	if err != nil {
		return err
	}
	link := s.BaseURL + "/reset/" + token + "/"
	body := fmt.Sprintf(`Hello %s,

Someone (hopefully you) asked to reset the password of your E-Platform account "%s".
Open this link within one hour to choose a new password:

%s

If you did not ask for this, ignore this mail: your password stays as it is.
`, displayName(u), u.Username, link)
	if err := s.Mail.Send(ctx, u.Email, "Reset your E-Platform password", body); err != nil {
		return err
	}
	if !s.Mail.Configured() {
		// Without SMTP the admin reads the outbox; the log helps on a developer machine.
		s.Log.Info("password reset link (no SMTP configured; also in the admin outbox)", "user", u.Username, "link", link)
	}
	return nil
}

func displayName(u store.User) string {
	if u.FirstName != "" {
		return u.FirstName
	}
	return u.Username
}

// ErrResetLink is the refusal of a reset link that is unknown, expired or used.
var ErrResetLink = problem.NotFound("The password reset link was invalid, possibly because it has already been used. Please request a new password reset.")

// ResetTokenValid reports whether a reset link can still be used.
func (s *Service) ResetTokenValid(ctx context.Context, token string) (bool, error) {
	_, err := s.resetOf(ctx, token)
	if errors.Is(err, ErrResetLink) {
		return false, nil
	}
	return err == nil, err
}

func (s *Service) resetOf(ctx context.Context, token string) (store.PasswordReset, error) {
	if token == "" || len(token) > 100 {
		return store.PasswordReset{}, ErrResetLink
	}
	r, err := s.DB.PasswordResetByHash(ctx, hashToken(token), s.Now())
	if errors.Is(err, store.ErrNotFound) {
		return r, ErrResetLink
	}
	return r, err
}

// ResetPassword sets a new password with a reset token and returns the user. On
// success every reset link of the user is spent, every session and API token ended and
// every device forgotten, so whoever knew the old password is signed out and guesses
// at the new one from their browser. An unusable link is ErrResetLink; a weak or
// mistyped password a problem.Fields.
func (s *Service) ResetPassword(ctx context.Context, token, pw1, pw2 string) (store.User, error) {
	r, err := s.resetOf(ctx, token)
	if err != nil {
		return store.User{}, err
	}
	u, err := s.DB.UserByID(ctx, r.UserID)
	if err != nil {
		return store.User{}, err
	}
	errs := form.Errors{}
	if pw1 == "" {
		errs.Add("new_password1", "This field is required.")
	} else {
		for _, m := range CheckPasswordStrength(pw1, u.Username, u.Email, u.FirstName, u.LastName) {
			errs.Add("new_password1", m)
		}
	}
	if pw1 != pw2 {
		errs.Add("new_password2", "The two password fields didn't match.")
	}
	if len(errs) > 0 {
		return store.User{}, problem.Fields(errs)
	}
	hash, err := HashPassword(pw1, s.Params)
	if err != nil {
		return store.User{}, err
	}
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		// Re-check inside the write transaction: two submits of one link must not
		// both succeed.
		if _, err := tx.PasswordResetByHash(ctx, hashToken(token), s.Now()); errors.Is(err, store.ErrNotFound) {
			return ErrResetLink
		} else if err != nil {
			return err
		}
		if err := tx.SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		if err := tx.ForgetDevices(ctx, u.ID); err != nil {
			return err
		}
		return tx.UsePasswordResets(ctx, u.ID, s.Now())
	})
	if err != nil {
		return store.User{}, err
	}
	s.ForgetUser(ctx, u.ID)
	return u, s.EndAllSessions(ctx, u.ID)
}
