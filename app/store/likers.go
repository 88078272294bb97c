package store

import (
	"context"
	"time"
)

// Liker is one person who liked a post, and when.
type Liker struct {
	User    UserMini
	LikedAt time.Time
}

// PostLikers returns up to limit people who liked postID, newest like first, starting
// after the cursor (At = the like's time, ID = the liker's id): a keyset page. The
// primary key finds the post's likes; sorting them is left to SQLite rather than adding
// an index, as a post's likes are few next to the table (thousands at the most).
func (s *Queries) PostLikers(ctx context.Context, postID int64, after Cursor, limit int) ([]Liker, error) {
	q := `SELECT l.created_at, ` + userMiniColumns + `
		FROM post_likes l JOIN users u ON u.id = l.user_id
		WHERE l.post_id = ?`
	args := []any{postID}
	if !after.IsZero() {
		q += ` AND (l.created_at < ? OR (l.created_at = ? AND l.user_id < ?))`
		at := millis(after.At)
		args = append(args, at, at, after.ID)
	}
	q += ` ORDER BY l.created_at DESC, l.user_id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, wrapf(err, "store: post likers")
	}
	defer rows.Close()
	var out []Liker
	for rows.Next() {
		var l Liker
		var at int64
		if err := rows.Scan(append([]any{&at}, l.User.scanArgs()...)...); err != nil {
			return nil, wrapf(err, "store: post likers")
		}
		l.LikedAt = time.UnixMilli(at).UTC()
		out = append(out, l)
	}
	return out, rows.Err()
}
