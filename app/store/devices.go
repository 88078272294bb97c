package store

import (
	"context"
	"time"
)

// DeviceTrusted reports whether the device token hash was given to the account named
// username by a successful sign-in that has not expired at now.
func (s *Queries) DeviceTrusted(ctx context.Context, hash []byte, username string, now time.Time) (bool, error) {
	var ok bool
	err := s.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM login_devices d JOIN users u ON u.id = d.user_id
		WHERE u.username = ? AND d.token_hash = ? AND d.expires_at > ?)`, username, hash, millis(now)).Scan(&ok)
	return ok, wrapf(err, "store: device trusted")
}

// DeviceKnown reports whether any account signed in with the device token hash (and
// the row has not expired at now).
func (s *Queries) DeviceKnown(ctx context.Context, hash []byte, now time.Time) (bool, error) {
	var ok bool
	err := s.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM login_devices WHERE token_hash = ? AND expires_at > ?)`,
		hash, millis(now)).Scan(&ok)
	return ok, wrapf(err, "store: device known")
}

// MaxDevices is how many devices an account keeps: the most recently used. An API
// client that drops its cookies gets a new device at every sign-in; this bounds what
// it leaves behind.
const MaxDevices = 20

// TrustDevice records (or renews) that the account signed in with the device token,
// and forgets the account's least recently used devices beyond MaxDevices.
func (s *Queries) TrustDevice(ctx context.Context, hash []byte, userID int64, now, expires time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO login_devices (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (token_hash, user_id) DO UPDATE SET expires_at = excluded.expires_at`,
		hash, userID, millis(now), millis(expires))
	if err != nil {
		return wrapf(err, "store: trust device")
	}
	// The device just trusted stays, with the MaxDevices-1 most recently used others.
	_, err = s.exec(ctx, `DELETE FROM login_devices WHERE user_id = ?1 AND token_hash <> ?2 AND token_hash NOT IN
		(SELECT token_hash FROM login_devices WHERE user_id = ?1 AND token_hash <> ?2 ORDER BY expires_at DESC LIMIT ?3)`,
		userID, hash, MaxDevices-1)
	return wrapf(err, "store: prune devices")
}

// ForgetDevices removes every device of a user (password reset, signing out
// everywhere, deactivation): a browser that knew the old password is trusted no more.
func (s *Queries) ForgetDevices(ctx context.Context, userID int64) error {
	_, err := s.exec(ctx, `DELETE FROM login_devices WHERE user_id = ?`, userID)
	return wrapf(err, "store: forget devices")
}

// DeleteExpiredDevices removes device rows that expired before now.
func (s *Queries) DeleteExpiredDevices(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM login_devices WHERE expires_at <= ?`, millis(now))
	if err != nil {
		return 0, wrapf(err, "store: delete expired devices")
	}
	return res.RowsAffected()
}
