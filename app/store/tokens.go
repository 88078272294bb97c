package store

import (
	"context"
	"database/sql"
	"time"
)

// APIToken is a row of api_tokens.
type APIToken struct {
	ID        int64
	TokenHash []byte
	UserID    int64
	Kind      string // access | refresh
	Family    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt time.Time // zero while valid
}

// InsertAPIToken stores a token. A zero Family makes the token start its own family
// (family = its id), which is what the first refresh token of a login does.
func (s *Queries) InsertAPIToken(ctx context.Context, t APIToken) (int64, error) {
	id, err := s.insertID(ctx, `INSERT INTO api_tokens (token_hash, user_id, kind, family, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, t.TokenHash, t.UserID, t.Kind, t.Family, millis(t.CreatedAt), millis(t.ExpiresAt))
	if err != nil {
		return 0, wrapf(err, "store: insert token")
	}
	if t.Family == 0 {
		if _, err := s.exec(ctx, `UPDATE api_tokens SET family = id WHERE id = ?`, id); err != nil {
			return 0, wrapf(err, "store: set token family")
		}
	}
	return id, nil
}

// APITokenByHash returns a token whatever its state; the caller checks kind, expiry
// and revocation (a revoked refresh token presented again is a theft signal).
func (s *Queries) APITokenByHash(ctx context.Context, hash []byte) (APIToken, error) {
	var t APIToken
	var created, expires int64
	var revoked sql.NullInt64
	err := s.queryRow(ctx, `SELECT id, token_hash, user_id, kind, family, created_at, expires_at, revoked_at
		FROM api_tokens WHERE token_hash = ?`, hash).
		Scan(&t.ID, &t.TokenHash, &t.UserID, &t.Kind, &t.Family, &created, &expires, &revoked)
	if err != nil {
		return APIToken{}, scanOne(err)
	}
	t.CreatedAt, t.ExpiresAt = FromMillis(created), FromMillis(expires)
	if revoked.Valid {
		t.RevokedAt = FromMillis(revoked.Int64)
	}
	return t, nil
}

// RevokeAPIToken revokes one token; it reports false when it was already revoked, so
// two concurrent refreshes with one token cannot both succeed.
func (s *Queries) RevokeAPIToken(ctx context.Context, id int64, now time.Time) (bool, error) {
	res, err := s.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, millis(now), id)
	if err != nil {
		return false, wrapf(err, "store: revoke token")
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RevokeTokenFamily revokes every token of one login and returns their hashes.
func (s *Queries) RevokeTokenFamily(ctx context.Context, family int64, now time.Time) ([][]byte, error) {
	return s.hashes(ctx, "revoke tokens", `UPDATE api_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL
		RETURNING token_hash`, millis(now), family)
}

// RevokeUserTokens revokes every token of a user and returns their hashes.
func (s *Queries) RevokeUserTokens(ctx context.Context, userID int64, now time.Time) ([][]byte, error) {
	return s.hashes(ctx, "revoke tokens", `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL
		RETURNING token_hash`, millis(now), userID)
}

// DeleteExpiredAPITokens removes tokens that expired before cutoff.
func (s *Queries) DeleteExpiredAPITokens(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM api_tokens WHERE expires_at <= ?`, millis(cutoff))
	if err != nil {
		return 0, wrapf(err, "store: delete expired tokens")
	}
	return res.RowsAffected()
}
