package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// Notification is a row of notifications with its sender and a preview of the post
// or comment it is about.
type Notification struct {
	ID          int64
	RecipientID int64
	Sender      *UserMini // nil for an anonymous appointment request
	Type        string
	Text        string
	URL         string
	IsRead      bool
	PostID      int64
	CommentID   int64
	Preview     string // up to 80 characters of the comment or post
	CreatedAt   time.Time
}

// NewNotification is what InsertNotification writes. Exactly the references its type
// needs must be set (the table's CHECKs say which).
type NewNotification struct {
	RecipientID, SenderID                   int64
	Type, Text, URL                         string
	PostID, CommentID, SubjectID, AttemptID int64
	AppointmentID, ConversationID           int64
	Now                                     time.Time
}

func orNull(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// wantedGuard is the WHERE of every notification insert: nothing is created for a
// recipient who turned the kind off (notification_prefs). Checking it in the insert
// itself, inside the caller's transaction, means no code path can forget it and a
// choice saved concurrently is never half applied. Its two arguments are the recipient
// and the kind.
const wantedGuard = ` WHERE NOT EXISTS (SELECT 1 FROM notification_prefs
	WHERE user_id = ? AND kind = ? AND choice = 'off')`

// InsertNotification stores a notification unless the de-duplication indexes already
// hold one like it or the recipient turned its kind off; ok is false then (and nobody
// should be told).
func (s *Queries) InsertNotification(ctx context.Context, n NewNotification) (id int64, ok bool, err error) {
	err = s.queryRow(ctx, `INSERT INTO notifications (recipient_id, sender_id, type, text, url, post_id, comment_id,
			subject_id, attempt_id, appointment_id, conversation_id, created_at)
		SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?`+wantedGuard+` ON CONFLICT DO NOTHING RETURNING id`,
		n.RecipientID, orNull(n.SenderID), n.Type, n.Text, n.URL, orNull(n.PostID), orNull(n.CommentID),
		orNull(n.SubjectID), orNull(n.AttemptID), orNull(n.AppointmentID), orNull(n.ConversationID), millis(n.Now),
		n.RecipientID, n.Type).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, wrapf(err, "store: insert notification")
	}
	return id, true, nil
}

const notificationColumns = `n.id, n.recipient_id, n.type, n.text, n.url, n.is_read, coalesce(n.post_id, 0),
	coalesce(n.comment_id, 0), n.created_at,
	substr(coalesce(c.content, p.content, ''), 1, 80),
	coalesce(u.id, 0), coalesce(u.username, ''), coalesce(u.first_name, ''), coalesce(u.last_name, ''),
	coalesce(u.user_type, ''), coalesce(u.profile_picture, '')`

const notificationFrom = ` FROM notifications n
	LEFT JOIN users u ON u.id = n.sender_id
	LEFT JOIN posts p ON p.id = n.post_id
	LEFT JOIN comments c ON c.id = n.comment_id`

func scanNotification(row interface{ Scan(...any) error }) (Notification, error) {
	var n Notification
	var created int64
	var sender UserMini
	err := row.Scan(&n.ID, &n.RecipientID, &n.Type, &n.Text, &n.URL, &n.IsRead, &n.PostID, &n.CommentID, &created,
		&n.Preview, &sender.ID, &sender.Username, &sender.FirstName, &sender.LastName, &sender.UserType, &sender.ProfilePicture)
	if err != nil {
		return Notification{}, scanOne(err)
	}
	if sender.ID != 0 {
		n.Sender = &sender
	}
	n.CreatedAt = FromMillis(created)
	return n, nil
}

// NotificationQuery selects one recipient's notifications.
type NotificationQuery struct {
	RecipientID int64
	Unread      *bool  // nil: all; true: unread only; false: read only
	Type        string // "" for every type
	From, To    time.Time
	Search      string // substring of text, sender username or type
	OrderBy     string // created_at (default) or is_read
	Ascending   bool
	After       Cursor // keyset for newest-first lists
	Offset      int
	Limit       int
}

func (q NotificationQuery) where() (string, []any) {
	conds := []string{"n.recipient_id = ?"}
	args := []any{q.RecipientID}
	add := func(cond string, a ...any) { conds = append(conds, cond); args = append(args, a...) }
	if q.Unread != nil {
		add("n.is_read = ?", !*q.Unread)
	}
	if q.Type != "" {
		add("n.type = ?", q.Type)
	}
	if !q.From.IsZero() {
		add("n.created_at >= ?", millis(q.From))
	}
	if !q.To.IsZero() {
		add("n.created_at <= ?", millis(q.To))
	}
	if q.Search != "" {
		e := likeEscape(q.Search)
		add(`(n.text LIKE '%' || ? || '%' ESCAPE '\' OR u.username LIKE '%' || ? || '%' ESCAPE '\' OR n.type = ?)`, e, e, q.Search)
	}
	if !q.After.IsZero() {
		// A row-value comparison lets SQLite seek the (…, created_at, id) index directly.
		add("(n.created_at, n.id) < (?, ?)", millis(q.After.At), q.After.ID)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListNotifications returns what q selects, newest first unless ordered otherwise.
func (s *Queries) ListNotifications(ctx context.Context, q NotificationQuery) ([]Notification, error) {
	where, args := q.where()
	dir := "DESC"
	if q.Ascending {
		dir = "ASC"
	}
	order := " ORDER BY n.created_at " + dir + ", n.id " + dir
	if q.OrderBy == "is_read" {
		order = " ORDER BY n.is_read " + dir + ", n.created_at DESC, n.id DESC"
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	rows, err := s.query(ctx, `SELECT `+notificationColumns+notificationFrom+where+order+` LIMIT ? OFFSET ?`,
		append(args, limit, q.Offset)...)
	if err != nil {
		return nil, wrapf(err, "store: list notifications")
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

// CountNotifications counts what q selects.
func (s *Queries) CountNotifications(ctx context.Context, q NotificationQuery) (int, error) {
	q.After = Cursor{}
	where, args := q.where()
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM notifications n LEFT JOIN users u ON u.id = n.sender_id`+where, args...).Scan(&n)
	return n, translate(err)
}

// NotificationByID returns one of recipient's notifications; another person's is
// ErrNotFound.
func (s *Queries) NotificationByID(ctx context.Context, recipientID, id int64) (Notification, error) {
	return scanNotification(s.queryRow(ctx, `SELECT `+notificationColumns+notificationFrom+
		` WHERE n.id = ? AND n.recipient_id = ?`, id, recipientID))
}

// CountUnread is the bell's number, answered from the partial index.
func (s *Queries) CountUnread(ctx context.Context, recipientID int64) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM notifications WHERE recipient_id = ? AND is_read = 0`, recipientID).Scan(&n)
	return n, translate(err)
}

// MarkNotificationRead marks one of recipient's notifications read; another person's
// is ErrNotFound.
func (s *Queries) MarkNotificationRead(ctx context.Context, recipientID, id int64) error {
	res, err := s.exec(ctx, `UPDATE notifications SET is_read = 1 WHERE id = ? AND recipient_id = ?`, id, recipientID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		// Already read is fine; missing or foreign is not.
		var exists int
		if err := s.queryRow(ctx, `SELECT count(*) FROM notifications WHERE id = ? AND recipient_id = ?`, id, recipientID).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return ErrNotFound
		}
	}
	return nil
}

// MarkAllNotificationsRead marks every unread notification of recipient read and
// returns how many changed.
func (s *Queries) MarkAllNotificationsRead(ctx context.Context, recipientID int64) (int64, error) {
	res, err := s.exec(ctx, `UPDATE notifications SET is_read = 1 WHERE recipient_id = ? AND is_read = 0`, recipientID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// UnreadRecipientsOf lists who has unread notifications about a post (commentID 0) or
// a comment, so their counts can be refreshed when the row and its notifications go.
func (s *Queries) UnreadRecipientsOf(ctx context.Context, postID, commentID int64) ([]int64, error) {
	query, arg := `SELECT DISTINCT recipient_id FROM notifications WHERE post_id = ? AND is_read = 0`, postID
	if commentID != 0 {
		query, arg = `SELECT DISTINCT recipient_id FROM notifications WHERE comment_id = ? AND is_read = 0`, commentID
	}
	set, err := s.idSet(ctx, query, arg)
	if err != nil {
		return nil, err
	}
	out := make([]int64, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	return out, nil
}
