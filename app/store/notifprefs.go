package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// NotificationSettings are a person's stored notification choices: the kinds whose
// choice they set (kinds without an entry keep their default, which app/notify knows)
// and the digest frequency ("" when never chosen).
type NotificationSettings struct {
	Kinds           map[string]string
	DigestFrequency string
	LastDigestAt    time.Time // zero when no digest was sent
}

// NotificationSettingsOf reads a person's stored choices.
func (s *Queries) NotificationSettingsOf(ctx context.Context, userID int64) (NotificationSettings, error) {
	out := NotificationSettings{Kinds: map[string]string{}}
	rows, err := s.query(ctx, `SELECT kind, choice FROM notification_prefs WHERE user_id = ?`, userID)
	if err != nil {
		return out, wrapf(err, "store: notification prefs")
	}
	defer rows.Close()
	for rows.Next() {
		var kind, choice string
		if err := rows.Scan(&kind, &choice); err != nil {
			return out, err
		}
		out.Kinds[kind] = choice
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	var last sql.NullInt64
	err = s.queryRow(ctx, `SELECT digest_frequency, last_digest_at FROM notification_settings WHERE user_id = ?`, userID).
		Scan(&out.DigestFrequency, &last)
	if err != nil && err != sql.ErrNoRows {
		return out, wrapf(err, "store: notification settings")
	}
	if last.Valid {
		out.LastDigestAt = FromMillis(last.Int64)
	}
	return out, nil
}

// SetNotificationChoice stores a person's choice for one kind.
func (s *Queries) SetNotificationChoice(ctx context.Context, userID int64, kind, choice string) error {
	_, err := s.exec(ctx, `INSERT INTO notification_prefs (user_id, kind, choice) VALUES (?, ?, ?)
		ON CONFLICT (user_id, kind) DO UPDATE SET choice = excluded.choice`, userID, kind, choice)
	return wrapf(err, "store: set notification choice")
}

// SetDigestFrequency stores how often a person gets the digest.
func (s *Queries) SetDigestFrequency(ctx context.Context, userID int64, frequency string) error {
	_, err := s.exec(ctx, `INSERT INTO notification_settings (user_id, digest_frequency) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET digest_frequency = excluded.digest_frequency`, userID, frequency)
	return wrapf(err, "store: set digest frequency")
}

// UnsubscribeKey returns the key that signs a person's unsubscribe links, making one
// from fresh when they have none yet (fresh must be 32 random bytes).
func (s *Queries) UnsubscribeKey(ctx context.Context, userID int64, fresh []byte, defaultFrequency string) ([]byte, error) {
	if _, err := s.exec(ctx, `INSERT INTO notification_settings (user_id, digest_frequency, unsubscribe_key) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET unsubscribe_key = coalesce(notification_settings.unsubscribe_key, excluded.unsubscribe_key)`,
		userID, defaultFrequency, fresh); err != nil {
		return nil, wrapf(err, "store: unsubscribe key")
	}
	return s.StoredUnsubscribeKey(ctx, userID)
}

// StoredUnsubscribeKey returns a person's key; ErrNotFound when they have none (no
// link was ever made for them, so any link is forged).
func (s *Queries) StoredUnsubscribeKey(ctx context.Context, userID int64) ([]byte, error) {
	var key []byte
	err := s.queryRow(ctx, `SELECT unsubscribe_key FROM notification_settings WHERE user_id = ? AND unsubscribe_key IS NOT NULL`,
		userID).Scan(&key)
	if err != nil {
		return nil, scanOne(err)
	}
	return key, nil
}

// DigestRecipient is someone due a digest.
type DigestRecipient struct {
	UserMini
	Email     string
	Frequency string
	TimeZone  string // users.time_zone: the digest's times are in it
	// Since is the newest of their last digest, their last closed tab and their last
	// signed-in request: the digest holds what came after it.
	Since time.Time
}

// DigestRules are what the digest queries need to know of app/notify's rules.
type DigestRules struct {
	DefaultFrequency string
	DigestByDefault  []string // kinds whose default choice is digest
	Daily, Weekly    time.Duration
}

// inList is "?, ?, ?" for n values.
func inList(n int) string {
	if n == 0 {
		return "NULL" // x IN (NULL) is never true
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// digestSince is the instant after which a person's unread notifications belong in
// their next digest: after the last digest and after they were last on the site
// (users.last_seen_at is written when their last tab closes; sessions.last_seen_at by
// their requests). It reads u (users) and ns (notification_settings).
const digestSince = `max(coalesce(ns.last_digest_at, 0), coalesce(u.last_seen_at, 0),
	coalesce((SELECT max(ss.last_seen_at) FROM sessions ss WHERE ss.user_id = u.id), 0))`

// digestKind is true when n's kind is one its recipient wants in the digest: their
// stored choice, or the kind's default.
func digestKind(r DigestRules) (string, []any) {
	args := make([]any, len(r.DigestByDefault))
	for i, k := range r.DigestByDefault {
		args[i] = k
	}
	return `coalesce((SELECT np.choice FROM notification_prefs np WHERE np.user_id = n.recipient_id AND np.kind = n.type),
		CASE WHEN n.type IN (` + inList(len(args)) + `) THEN 'digest' ELSE 'live' END) = 'digest'`, args
}

// DigestDue lists, after the id afterID, the active people with an email address whose
// digest frequency is not never, whose last digest (or, never sent one, their joining)
// is at least a period old at now, and who have unread notifications of a digest kind
// newer than both that digest and their last visit.
func (s *Queries) DigestDue(ctx context.Context, now time.Time, r DigestRules, afterID int64, limit int) ([]DigestRecipient, error) {
	kind, kindArgs := digestKind(r)
	args := []any{r.DefaultFrequency, r.DefaultFrequency, afterID, millis(now), r.DefaultFrequency,
		r.Weekly.Milliseconds(), r.Daily.Milliseconds()}
	args = append(append(args, kindArgs...), limit)
	rows, err := s.query(ctx, `SELECT `+userMiniColumns+`, u.email, coalesce(ns.digest_frequency, ?), `+digestSince+`, u.time_zone
		FROM users u LEFT JOIN notification_settings ns ON ns.user_id = u.id
		WHERE u.is_active = 1 AND u.email != '' AND coalesce(ns.digest_frequency, ?) != 'never' AND u.id > ?
		  AND coalesce(ns.last_digest_at, u.date_joined) <= CAST(? AS BIGINT)
			- CASE coalesce(ns.digest_frequency, ?) WHEN 'weekly' THEN CAST(? AS BIGINT) ELSE CAST(? AS BIGINT) END
		  AND EXISTS (SELECT 1 FROM notifications n WHERE n.recipient_id = u.id AND n.is_read = 0
		              AND n.created_at > `+digestSince+` AND `+kind+`)
		ORDER BY u.id LIMIT ?`, args...)
	if err != nil {
		return nil, wrapf(err, "store: digest due")
	}
	defer rows.Close()
	var out []DigestRecipient
	for rows.Next() {
		var d DigestRecipient
		var since int64
		if err := rows.Scan(&d.ID, &d.Username, &d.FirstName, &d.LastName, &d.UserType, &d.ProfilePicture,
			&d.Email, &d.Frequency, &since, &d.TimeZone); err != nil {
			return nil, err
		}
		d.Since = FromMillis(since)
		out = append(out, d)
	}
	return out, rows.Err()
}

// DigestItems lists a person's unread notifications of a digest kind created after
// since, oldest first.
func (s *Queries) DigestItems(ctx context.Context, userID int64, since time.Time, r DigestRules, limit int) ([]Notification, error) {
	kind, kindArgs := digestKind(r)
	args := append([]any{userID, millis(since)}, kindArgs...)
	rows, err := s.query(ctx, `SELECT `+notificationColumns+notificationFrom+`
		WHERE n.recipient_id = ? AND n.is_read = 0 AND n.created_at > ? AND `+kind+`
		ORDER BY n.created_at, n.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, wrapf(err, "store: digest items")
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// MarkDigestSent remembers when a person's digest was put in the outbox; call it in
// the transaction that inserts the mail.
func (s *Queries) MarkDigestSent(ctx context.Context, userID int64, at time.Time, defaultFrequency string) error {
	_, err := s.exec(ctx, `INSERT INTO notification_settings (user_id, digest_frequency, last_digest_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET last_digest_at = excluded.last_digest_at`, userID, defaultFrequency, millis(at))
	return wrapf(err, "store: mark digest sent")
}
