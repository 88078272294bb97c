package store

import (
	"context"
	"database/sql"
	"time"
)

// PasswordReset is a row of password_resets.
type PasswordReset struct {
	TokenHash []byte
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// InsertPasswordReset stores a reset token.
func (s *Queries) InsertPasswordReset(ctx context.Context, r PasswordReset) error {
	_, err := s.exec(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
		VALUES (?, ?, ?, ?)`, r.TokenHash, r.UserID, millis(r.CreatedAt), millis(r.ExpiresAt))
	return wrapf(err, "store: insert password reset")
}

// PasswordResetByHash returns a reset token that is unused and unexpired at now.
func (s *Queries) PasswordResetByHash(ctx context.Context, hash []byte, now time.Time) (PasswordReset, error) {
	var r PasswordReset
	var created, expires int64
	var used sql.NullInt64
	err := s.queryRow(ctx, `SELECT token_hash, user_id, created_at, expires_at, used_at FROM password_resets
		WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`, hash, millis(now)).
		Scan(&r.TokenHash, &r.UserID, &created, &expires, &used)
	if err != nil {
		return PasswordReset{}, scanOne(err)
	}
	r.CreatedAt, r.ExpiresAt = FromMillis(created), FromMillis(expires)
	return r, nil
}

// UsePasswordResets marks every open reset token of a user used, so one reset
// invalidates all the links that were mailed before it.
func (s *Queries) UsePasswordResets(ctx context.Context, userID int64, now time.Time) error {
	_, err := s.exec(ctx, `UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`,
		millis(now), userID)
	return wrapf(err, "store: use password resets")
}
