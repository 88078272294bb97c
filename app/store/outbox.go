package store

import (
	"context"
	"database/sql"
	"time"
)

// Mail is a row of mail_outbox.
type Mail struct {
	ID        int64
	To        string
	Subject   string
	Body      string
	CreatedAt time.Time
	SentAt    time.Time // zero when not sent (no SMTP configured, or it failed)
	Error     string
}

// InsertMail records a mail in the outbox.
func (s *Queries) InsertMail(ctx context.Context, m Mail) (int64, error) {
	id, err := s.insertID(ctx, `INSERT INTO mail_outbox (to_addr, subject, body, created_at) VALUES (?, ?, ?, ?)`,
		m.To, m.Subject, m.Body, millis(m.CreatedAt))
	if err != nil {
		return 0, wrapf(err, "store: insert mail")
	}
	return id, nil
}

// MarkMailSent records the outcome of an SMTP delivery.
func (s *Queries) MarkMailSent(ctx context.Context, id int64, sentAt time.Time, sendErr string) error {
	var sent any
	if !sentAt.IsZero() {
		sent = millis(sentAt)
	}
	_, err := s.exec(ctx, `UPDATE mail_outbox SET sent_at = ?, error = ? WHERE id = ?`, sent, sendErr, id)
	return wrapf(err, "store: mark mail")
}

// RecentMail lists the newest mails, newest first, older than beforeID when > 0.
func (s *Queries) RecentMail(ctx context.Context, beforeID int64, limit int) ([]Mail, error) {
	if beforeID <= 0 {
		beforeID = 1<<63 - 1
	}
	rows, err := s.query(ctx, `SELECT id, to_addr, subject, body, created_at, sent_at, error FROM mail_outbox
		WHERE id < ? ORDER BY id DESC LIMIT ?`, beforeID, limit)
	if err != nil {
		return nil, wrapf(err, "store: list mail")
	}
	defer rows.Close()
	var out []Mail
	for rows.Next() {
		var m Mail
		var created int64
		var sent sql.NullInt64
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &created, &sent, &m.Error); err != nil {
			return nil, err
		}
		m.CreatedAt = FromMillis(created)
		if sent.Valid {
			m.SentAt = FromMillis(sent.Int64)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
