package store

import (
	"context"
	"database/sql"
	"time"
)

// Blocks and reports (schema.sql "Reports and blocks").

// Block records that blocker blocks blocked; false when it was already recorded.
func (s *Queries) Block(ctx context.Context, blocker, blocked int64, now time.Time) (bool, error) {
	return s.insertIgnore(ctx, `INSERT INTO user_blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		blocker, blocked, millis(now))
}

// Unblock removes a block; false when there was none.
func (s *Queries) Unblock(ctx context.Context, blocker, blocked int64) (bool, error) {
	res, err := s.exec(ctx, `DELETE FROM user_blocks WHERE blocker_id = ? AND blocked_id = ?`, blocker, blocked)
	if err != nil {
		return false, wrapf(err, "unblock")
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// BlockedUser is one line of a person's "blocked people" list.
type BlockedUser struct {
	User UserMini
	At   time.Time
}

// BlockedUsers lists whom blocker blocks, most recent first.
func (s *Queries) BlockedUsers(ctx context.Context, blocker int64) ([]BlockedUser, error) {
	rows, err := s.query(ctx, `SELECT `+userMiniColumns+`, b.created_at FROM user_blocks b JOIN users u ON u.id = b.blocked_id
		WHERE b.blocker_id = ? ORDER BY b.created_at DESC, u.id DESC`, blocker)
	if err != nil {
		return nil, wrapf(err, "blocked users")
	}
	defer rows.Close()
	var out []BlockedUser
	for rows.Next() {
		var b BlockedUser
		var at int64
		if err := rows.Scan(append(b.User.scanArgs(), &at)...); err != nil {
			return nil, err
		}
		b.At = FromMillis(at)
		out = append(out, b)
	}
	return out, rows.Err()
}

// BlockedIDs returns the ids of the people blocker blocks.
func (s *Queries) BlockedIDs(ctx context.Context, blocker int64) (map[int64]bool, error) {
	return s.idSet(ctx, `SELECT blocked_id FROM user_blocks WHERE blocker_id = ?`, blocker)
}

// Blocks tells whether blocker blocks blocked.
func (s *Queries) Blocks(ctx context.Context, blocker, blocked int64) (bool, error) {
	var ok bool
	err := s.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = ? AND blocked_id = ?)`, blocker, blocked).Scan(&ok)
	return ok, wrapf(err, "blocks")
}

// DirectPeer is the other member of a direct conversation (0 for a group or when there
// is none).
func (s *Queries) DirectPeer(ctx context.Context, convID, userID int64) (int64, error) {
	var peer int64
	err := s.queryRow(ctx, `SELECT p.user_id FROM conversations c JOIN conversation_participants p ON p.conversation_id = c.id
		WHERE c.id = ? AND c.kind = 'direct' AND p.user_id <> ?`, convID, userID).Scan(&peer)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return peer, wrapf(err, "direct peer")
}

// Report is one person's report of a post, comment or message.
type Report struct {
	ID       int64
	Reporter UserMini
	ItemType string // post | comment | message
	ItemID   int64
	AuthorID int64 // 0 when the account is gone
	PostID   int64 // the post of a reported comment (the post itself for a post)
	Excerpt  string
	Reason   string
	Note     string
	Status   string // open | resolved | dismissed | deleted | deactivated
	Created  time.Time
	Closed   time.Time // zero while open
}

// NewReport is what InsertReport writes.
type NewReport struct {
	ReporterID       int64
	ItemType         string
	ItemID, AuthorID int64
	PostID           int64
	Excerpt          string
	Reason, Note     string
	Now              time.Time
}

// InsertReport stores an open report; ErrConflict when the reporter already has an
// open report of the item.
func (s *Queries) InsertReport(ctx context.Context, n NewReport) (int64, error) {
	var post any
	if n.PostID != 0 {
		post = n.PostID
	}
	id, err := s.insertID(ctx, `INSERT INTO reports (reporter_id, item_type, item_id, author_id, post_id, excerpt, reason, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, n.ReporterID, n.ItemType, n.ItemID, n.AuthorID, post, n.Excerpt, n.Reason, n.Note, millis(n.Now))
	if err != nil {
		return 0, wrapf(err, "insert report")
	}
	return id, nil
}

const reportColumns = `r.id, r.item_type, r.item_id, coalesce(r.author_id, 0), coalesce(r.post_id, 0), r.excerpt, r.reason, r.note,
	r.status, r.created_at, coalesce(r.closed_at, 0), ` + userMiniColumns

func (s *Queries) reports(ctx context.Context, query string, args ...any) ([]Report, error) {
	rows, err := s.query(ctx, `SELECT `+reportColumns+` FROM reports r JOIN users u ON u.id = r.reporter_id `+query, args...)
	if err != nil {
		return nil, wrapf(err, "reports")
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		var r Report
		var created, closed int64
		if err := rows.Scan(append([]any{&r.ID, &r.ItemType, &r.ItemID, &r.AuthorID, &r.PostID, &r.Excerpt, &r.Reason, &r.Note,
			&r.Status, &created, &closed}, r.Reporter.scanArgs()...)...); err != nil {
			return nil, err
		}
		r.Created = FromMillis(created)
		if closed != 0 {
			r.Closed = FromMillis(closed)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReportByID returns one report.
func (s *Queries) ReportByID(ctx context.Context, id int64) (Report, error) {
	rs, err := s.reports(ctx, `WHERE r.id = ?`, id)
	if err != nil {
		return Report{}, err
	}
	if len(rs) == 0 {
		return Report{}, ErrNotFound
	}
	return rs[0], nil
}

// ReportsBy lists a reporter's reports, newest first.
func (s *Queries) ReportsBy(ctx context.Context, reporterID int64, limit, offset int) ([]Report, error) {
	return s.reports(ctx, `WHERE r.reporter_id = ? ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?`, reporterID, limit, offset)
}

// CountReportsBy counts a reporter's reports.
func (s *Queries) CountReportsBy(ctx context.Context, reporterID int64) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM reports WHERE reporter_id = ?`, reporterID).Scan(&n)
	return n, wrapf(err, "count reports")
}

// ReportedItem names an item with open reports.
type ReportedItem struct {
	ItemType string
	ItemID   int64
}

// OpenReportedItems lists the items with open reports, the longest waiting first.
func (s *Queries) OpenReportedItems(ctx context.Context, limit, offset int) ([]ReportedItem, error) {
	rows, err := s.query(ctx, `SELECT item_type, item_id FROM reports WHERE status = 'open'
		GROUP BY item_type, item_id ORDER BY min(created_at), min(id) LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, wrapf(err, "reported items")
	}
	defer rows.Close()
	var out []ReportedItem
	for rows.Next() {
		var it ReportedItem
		if err := rows.Scan(&it.ItemType, &it.ItemID); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// CountOpenReportedItems counts the items with open reports.
func (s *Queries) CountOpenReportedItems(ctx context.Context) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM reports WHERE status = 'open' GROUP BY item_type, item_id) g`).Scan(&n)
	return n, wrapf(err, "count reported items")
}

// OpenReportsOf returns the open reports of the items, oldest first, in one query.
func (s *Queries) OpenReportsOf(ctx context.Context, items []ReportedItem) (map[ReportedItem][]Report, error) {
	out := map[ReportedItem][]Report{}
	if len(items) == 0 {
		return out, nil
	}
	where := `WHERE r.status = 'open' AND (`
	args := make([]any, 0, 2*len(items))
	for i, it := range items {
		if i > 0 {
			where += ` OR `
		}
		where += `(r.item_type = ? AND r.item_id = ?)`
		args = append(args, it.ItemType, it.ItemID)
	}
	rs, err := s.reports(ctx, where+`) ORDER BY r.created_at, r.id`, args...)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		k := ReportedItem{r.ItemType, r.ItemID}
		out[k] = append(out[k], r)
	}
	return out, nil
}

// CloseReports closes the open reports of an item with status and returns their
// reporters.
func (s *Queries) CloseReports(ctx context.Context, it ReportedItem, status string, by int64, now time.Time) ([]int64, error) {
	rows, err := s.query(ctx, `UPDATE reports SET status = ?, closed_at = ?, closed_by = ?
		WHERE status = 'open' AND item_type = ? AND item_id = ? RETURNING reporter_id`, status, millis(now), by, it.ItemType, it.ItemID)
	if err != nil {
		return nil, wrapf(err, "close reports")
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
