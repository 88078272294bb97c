package store

import (
	"context"
	"time"
)

// TOTP is a row of user_totp: a user's second-factor secret. Confirmed is zero while
// enrolment waits for its first code.
type TOTP struct {
	UserID    int64
	Secret    []byte
	CreatedAt time.Time
	Confirmed time.Time
	LastStep  int64
}

// TOTPByUser returns the user's TOTP row (ErrNotFound when they never started).
func (s *Queries) TOTPByUser(ctx context.Context, userID int64) (TOTP, error) {
	t := TOTP{UserID: userID}
	var created, confirmed int64
	err := s.queryRow(ctx, `SELECT secret, created_at, confirmed_at, last_step FROM user_totp WHERE user_id = ?`, userID).
		Scan(&t.Secret, &created, &confirmed, &t.LastStep)
	if err != nil {
		return TOTP{}, scanOne(err)
	}
	t.CreatedAt = FromMillis(created)
	if confirmed != 0 {
		t.Confirmed = FromMillis(confirmed)
	}
	return t, nil
}

// StartTOTP stores a new unconfirmed secret for the user, replacing an unconfirmed
// one; a confirmed row is kept as it is (reports false).
func (s *Queries) StartTOTP(ctx context.Context, userID int64, secret []byte, now time.Time) (bool, error) {
	res, err := s.exec(ctx, `INSERT INTO user_totp (user_id, secret, created_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, last_step = 0
		WHERE user_totp.confirmed_at = 0`, userID, secret, millis(now))
	if err != nil {
		return false, wrapf(err, "store: start totp")
	}
	n, err := res.RowsAffected()
	return n == 1, wrapf(err, "store: start totp")
}

// UseTOTPStep records that the code of step was accepted, unless a code of that step
// or a later one already was (reports false: a replay). With confirm it also confirms
// the enrolment at now.
func (s *Queries) UseTOTPStep(ctx context.Context, userID, step int64, confirm bool, now time.Time) (bool, error) {
	q := `UPDATE user_totp SET last_step = ? WHERE user_id = ? AND last_step < ? AND confirmed_at <> 0`
	args := []any{step, userID, step}
	if confirm {
		q = `UPDATE user_totp SET last_step = ?, confirmed_at = ? WHERE user_id = ? AND last_step < ? AND confirmed_at = 0`
		args = []any{step, millis(now), userID, step}
	}
	res, err := s.exec(ctx, q, args...)
	if err != nil {
		return false, wrapf(err, "store: use totp step")
	}
	n, err := res.RowsAffected()
	return n == 1, wrapf(err, "store: use totp step")
}

// DeleteTOTP removes the user's second factor: secret, recovery codes and open
// sign-in challenges.
func (s *Queries) DeleteTOTP(ctx context.Context, userID int64) error {
	for _, q := range []string{
		`DELETE FROM user_totp WHERE user_id = ?`,
		`DELETE FROM totp_recovery_codes WHERE user_id = ?`,
		`DELETE FROM login_challenges WHERE user_id = ?`,
	} {
		if _, err := s.exec(ctx, q, userID); err != nil {
			return wrapf(err, "store: delete totp")
		}
	}
	return nil
}

// ReplaceRecoveryCodes replaces every recovery code of the user with the given hashes.
func (s *Queries) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte) error {
	if _, err := s.exec(ctx, `DELETE FROM totp_recovery_codes WHERE user_id = ?`, userID); err != nil {
		return wrapf(err, "store: replace recovery codes")
	}
	for _, h := range hashes {
		if _, err := s.exec(ctx, `INSERT INTO totp_recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, h); err != nil {
			return wrapf(err, "store: replace recovery codes")
		}
	}
	return nil
}

// UseRecoveryCode marks an unused recovery code of the user used; false when the user
// has no such unused code.
func (s *Queries) UseRecoveryCode(ctx context.Context, userID int64, hash []byte, now time.Time) (bool, error) {
	res, err := s.exec(ctx, `UPDATE totp_recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at = 0`,
		millis(now), userID, hash)
	if err != nil {
		return false, wrapf(err, "store: use recovery code")
	}
	n, err := res.RowsAffected()
	return n == 1, wrapf(err, "store: use recovery code")
}

// RecoveryCodesLeft counts the user's unused recovery codes.
func (s *Queries) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM totp_recovery_codes WHERE user_id = ? AND used_at = 0`, userID).Scan(&n)
	return n, wrapf(err, "store: recovery codes left")
}

// LoginChallenge is a row of login_challenges.
type LoginChallenge struct {
	UserID    int64
	Failures  int
	ExpiresAt time.Time
}

// InsertLoginChallenge stores a challenge and removes expired ones.
func (s *Queries) InsertLoginChallenge(ctx context.Context, hash []byte, userID int64, now, expires time.Time) error {
	if _, err := s.exec(ctx, `DELETE FROM login_challenges WHERE expires_at <= ?`, millis(now)); err != nil {
		return wrapf(err, "store: insert login challenge")
	}
	_, err := s.exec(ctx, `INSERT INTO login_challenges (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		hash, userID, millis(now), millis(expires))
	return wrapf(err, "store: insert login challenge")
}

// LoginChallengeByHash returns an unexpired challenge.
func (s *Queries) LoginChallengeByHash(ctx context.Context, hash []byte, now time.Time) (LoginChallenge, error) {
	var c LoginChallenge
	var expires int64
	err := s.queryRow(ctx, `SELECT user_id, failures, expires_at FROM login_challenges WHERE token_hash = ? AND expires_at > ?`,
		hash, millis(now)).Scan(&c.UserID, &c.Failures, &expires)
	if err != nil {
		return LoginChallenge{}, scanOne(err)
	}
	c.ExpiresAt = FromMillis(expires)
	return c, nil
}

// FailLoginChallenge counts a wrong code against a challenge, deleting it at max
// failures; it returns the failures so far.
func (s *Queries) FailLoginChallenge(ctx context.Context, hash []byte, max int) (int, error) {
	var n int
	err := s.queryRow(ctx, `UPDATE login_challenges SET failures = failures + 1 WHERE token_hash = ? RETURNING failures`, hash).Scan(&n)
	if err != nil {
		return 0, scanOne(err)
	}
	if n >= max {
		err = s.DeleteLoginChallenge(ctx, hash)
	}
	return n, err
}

// DeleteLoginChallenge removes a challenge (used, or failed too often).
func (s *Queries) DeleteLoginChallenge(ctx context.Context, hash []byte) error {
	_, err := s.exec(ctx, `DELETE FROM login_challenges WHERE token_hash = ?`, hash)
	return wrapf(err, "store: delete login challenge")
}
