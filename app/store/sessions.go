package store

import (
	"context"
	"database/sql"
	"time"
)

// Session is a row of sessions. IDHash is the SHA-256 of the cookie token.
type Session struct {
	IDHash     []byte
	UserID     int64 // 0 for an anonymous session (e.g. one carrying a flash message)
	Data       []byte
	Remember   bool
	UserAgent  string
	IP         string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// SessionByHash returns a session that has not expired at now.
func (s *Queries) SessionByHash(ctx context.Context, hash []byte, now time.Time) (Session, error) {
	var ss Session
	var uid sql.NullInt64
	var created, seen, expires int64
	err := s.queryRow(ctx, `SELECT id_hash, user_id, data, remember, user_agent, ip, created_at, last_seen_at, expires_at
		FROM sessions WHERE id_hash = ? AND expires_at > ?`, hash, millis(now)).
		Scan(&ss.IDHash, &uid, &ss.Data, &ss.Remember, &ss.UserAgent, &ss.IP, &created, &seen, &expires)
	if err != nil {
		return Session{}, scanOne(err)
	}
	ss.UserID = uid.Int64
	ss.CreatedAt, ss.LastSeenAt, ss.ExpiresAt = FromMillis(created), FromMillis(seen), FromMillis(expires)
	return ss, nil
}

// SaveSession inserts or replaces a session row.
func (s *Queries) SaveSession(ctx context.Context, ss Session) error {
	var uid any
	if ss.UserID != 0 {
		uid = ss.UserID
	}
	_, err := s.exec(ctx, `INSERT INTO sessions
		(id_hash, user_id, data, remember, user_agent, ip, created_at, last_seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id_hash) DO UPDATE SET user_id = excluded.user_id, data = excluded.data,
			remember = excluded.remember, last_seen_at = excluded.last_seen_at, expires_at = excluded.expires_at`,
		ss.IDHash, uid, ss.Data, ss.Remember, ss.UserAgent, ss.IP,
		millis(ss.CreatedAt), millis(ss.LastSeenAt), millis(ss.ExpiresAt))
	return wrapf(err, "store: save session")
}

// TouchSession slides a session's expiry.
func (s *Queries) TouchSession(ctx context.Context, hash []byte, seen, expires time.Time) error {
	_, err := s.exec(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?`,
		millis(seen), millis(expires), hash)
	return wrapf(err, "store: touch session")
}

// DeleteSession removes one session.
func (s *Queries) DeleteSession(ctx context.Context, hash []byte) error {
	_, err := s.exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hash)
	return wrapf(err, "store: delete session")
}

// DeleteUserSessions removes every session of a user and returns their hashes so the
// caller can drop them from the cache.
func (s *Queries) DeleteUserSessions(ctx context.Context, userID int64) ([][]byte, error) {
	return s.hashes(ctx, "delete sessions", `DELETE FROM sessions WHERE user_id = ? RETURNING id_hash`, userID)
}

// hashes runs a statement RETURNING one blob column (token hashes) and collects it.
func (s *Queries) hashes(ctx context.Context, what, query string, args ...any) ([][]byte, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, wrapf(err, "store: %s", what)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var h []byte
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// DeleteExpiredSessions removes sessions that expired before now.
func (s *Queries) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, millis(now))
	if err != nil {
		return 0, wrapf(err, "store: delete expired sessions")
	}
	return res.RowsAffected()
}

// CountUserSessions returns the live sessions of a user.
func (s *Queries) CountUserSessions(ctx context.Context, userID int64, now time.Time) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM sessions WHERE user_id = ? AND expires_at > ?`,
		userID, millis(now)).Scan(&n)
	return n, translate(err)
}
