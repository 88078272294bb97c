package auth

import (
	"context"
	"errors"
	"fmt"

	"eplatform/app/form"
	"eplatform/app/store"
)

// RequestPasswordReset mails a single-use reset link valid for one hour when an
// active account uses email. It says nothing about whether one does: the caller shows
// the same page either way.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	email = NormalizeEmail(email)
	if CheckEmail(email) != "" {
		return nil
	}
	u, err := s.DB.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !u.IsActive) {
		return nil
	}
	if err != nil {
		return err
	}
	token, hash := newToken()
	now := s.Now()
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		return tx.InsertPasswordReset(ctx, store.PasswordReset{
			TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(ResetTokenLife),
		})
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

// ResetTokenValid reports whether a reset link can still be used.
func (s *Service) ResetTokenValid(ctx context.Context, token string) bool {
	if token == "" || len(token) > 100 {
		return false
	}
	_, err := s.DB.PasswordResetByHash(ctx, hashToken(token), s.Now())
	return err == nil
}

// ResetPassword sets a new password with a reset token. On success every reset link of
// the user is spent and every session and API token ended, so whoever knew the old
// password is signed out. ok is false when the token is invalid.
func (s *Service) ResetPassword(ctx context.Context, token, pw1, pw2 string) (ok bool, errs form.Errors, err error) {
	if !s.ResetTokenValid(ctx, token) {
		return false, nil, nil
	}
	r, err := s.DB.PasswordResetByHash(ctx, hashToken(token), s.Now())
	if err != nil {
		return false, nil, nil
	}
	u, err := s.DB.UserByID(ctx, r.UserID)
	if err != nil {
		return false, nil, err
	}
	errs = form.Errors{}
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
		return true, errs, nil
	}
	hash, err := HashPassword(pw1, s.Params)
	if err != nil {
		return true, nil, err
	}
	used := false
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		// Re-check inside the write transaction: two submits of one link must not
		// both succeed.
		if _, err := tx.PasswordResetByHash(ctx, hashToken(token), s.Now()); err != nil {
			used = true
			return nil
		}
		if err := tx.SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		return tx.UsePasswordResets(ctx, u.ID, s.Now())
	})
	if err != nil {
		return true, nil, err
	}
	if used {
		return false, nil, nil
	}
	s.ForgetUser(ctx, u.ID)
	return true, nil, s.EndAllSessions(ctx, u.ID)
}
