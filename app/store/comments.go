package store

import (
	"context"
	"strings"
	"time"
)

// Comment is a row of comments with its author.
type Comment struct {
	ID        int64
	PostID    int64
	Author    UserMini
	Content   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

const commentColumns = `c.id, c.post_id, c.content, c.created_at, c.updated_at, ` + userMiniColumns

func scanComment(row interface{ Scan(...any) error }) (Comment, error) {
	var c Comment
	var created, updated int64
	args := append([]any{&c.ID, &c.PostID, &c.Content, &created, &updated}, c.Author.scanArgs()...)
	if err := row.Scan(args...); err != nil {
		return Comment{}, scanOne(err)
	}
	c.CreatedAt, c.UpdatedAt = FromMillis(created), FromMillis(updated)
	return c, nil
}

// InsertComment adds a comment and bumps the post's comments_count (call inside
// WithTx). It returns the comment id and the new count.
func (s *Queries) InsertComment(ctx context.Context, postID, userID int64, content string, now time.Time) (id int64, count int, err error) {
	id, err = s.insertID(ctx, `INSERT INTO comments (post_id, user_id, content, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		postID, userID, content, millis(now), millis(now))
	if err != nil {
		return 0, 0, wrapf(err, "store: insert comment")
	}
	err = s.queryRow(ctx, `UPDATE posts SET comments_count = comments_count + 1, version = version + 1 WHERE id = ? RETURNING comments_count`, postID).Scan(&count)
	return id, count, scanOne(err)
}

// CommentByID returns a comment with its author.
func (s *Queries) CommentByID(ctx context.Context, id int64) (Comment, error) {
	return scanComment(s.queryRow(ctx, `SELECT `+commentColumns+` FROM comments c JOIN users u ON u.id = c.user_id WHERE c.id = ?`, id))
}

// UpdateCommentContent replaces a comment's text.
func (s *Queries) UpdateCommentContent(ctx context.Context, id int64, content string, now time.Time) error {
	if err := s.updateOne(ctx, `UPDATE comments SET content = ?, updated_at = max(?, created_at) WHERE id = ?`, content, millis(now), id); err != nil {
		return err
	}
	// The post's card shows its newest comments.
	_, err := s.exec(ctx, `UPDATE posts SET version = version + 1 WHERE id = (SELECT post_id FROM comments WHERE id = ?)`, id)
	return wrapf(err, "store: bump post version")
}

// DeleteComment removes a comment and decrements its post's count; it returns the
// new count.
func (s *Queries) DeleteComment(ctx context.Context, id, postID int64) (int, error) {
	if err := s.updateOne(ctx, `DELETE FROM comments WHERE id = ?`, id); err != nil {
		return 0, err
	}
	var count int
	err := s.queryRow(ctx, `UPDATE posts SET comments_count = comments_count - 1, version = version + 1 WHERE id = ? RETURNING comments_count`, postID).Scan(&count)
	return count, scanOne(err)
}

// CommentsOfPost lists a post's comments, oldest first when asc, in one query.
func (s *Queries) CommentsOfPost(ctx context.Context, postID int64, asc bool, limit int) ([]Comment, error) {
	dir := "DESC"
	if asc {
		dir = "ASC"
	}
	return s.comments(ctx, `SELECT `+commentColumns+` FROM comments c JOIN users u ON u.id = c.user_id
		WHERE c.post_id = ? ORDER BY c.created_at `+dir+`, c.id `+dir+` LIMIT ?`, postID, limit)
}

// LatestComments returns up to perPost newest comments of each post (oldest of them
// first), in one query however many posts there are.
func (s *Queries) LatestComments(ctx context.Context, postIDs []int64, perPost int) (map[int64][]Comment, error) {
	out := map[int64][]Comment{}
	if len(postIDs) == 0 || perPost <= 0 {
		return out, nil
	}
	list, err := s.comments(ctx, `SELECT `+commentColumns+` FROM (
			SELECT *, row_number() OVER (PARTITION BY post_id ORDER BY created_at DESC, id DESC) AS rn
			FROM comments WHERE post_id IN (`+marks(len(postIDs))+`)
		) c JOIN users u ON u.id = c.user_id WHERE c.rn <= ? ORDER BY c.created_at, c.id`,
		append(int64Args(postIDs), perPost)...)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		out[c.PostID] = append(out[c.PostID], c)
	}
	return out, nil
}

// CommentQuery selects comments for the API.
type CommentQuery struct {
	PostID, AuthorID int64
	From, To         time.Time
	Search           string // FTS-free substring search on content (case-insensitive)
	Ascending        bool
	Offset, Limit    int
}

func (q CommentQuery) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) { conds = append(conds, cond); args = append(args, a...) }
	if q.PostID != 0 {
		add("c.post_id = ?", q.PostID)
	}
	if q.AuthorID != 0 {
		add("c.user_id = ?", q.AuthorID)
	}
	if !q.From.IsZero() {
		add("c.created_at >= ?", millis(q.From))
	}
	if !q.To.IsZero() {
		add("c.created_at <= ?", millis(q.To))
	}
	if q.Search != "" {
		add(`(c.content LIKE '%' || ? || '%' ESCAPE '\' OR u.username LIKE ? || '%' ESCAPE '\')`, likeEscape(q.Search), likeEscape(q.Search))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// likeEscape escapes LIKE wildcards in user input. SQLite refuses a LIKE pattern over
// 50,000 bytes as an error, so only the first maxLikeTerm bytes of the input are
// searched for (escaped, at most twice as long); no searched text is looked up by so
// long a piece anyway.
func likeEscape(s string) string {
	if len(s) > maxLikeTerm {
		s = strings.ToValidUTF8(s[:maxLikeTerm], "") // drops a character cut in half
	}
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// maxLikeTerm is the longest search term, in bytes, a LIKE pattern is made of.
const maxLikeTerm = 1000

// ListComments returns the comments q selects.
func (s *Queries) ListComments(ctx context.Context, q CommentQuery) ([]Comment, error) {
	where, args := q.where()
	dir := "DESC"
	if q.Ascending {
		dir = "ASC"
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	return s.comments(ctx, `SELECT `+commentColumns+` FROM comments c JOIN users u ON u.id = c.user_id`+where+
		` ORDER BY c.created_at `+dir+`, c.id `+dir+` LIMIT ? OFFSET ?`, append(args, limit, q.Offset)...)
}

// CountComments counts ListComments' matches.
func (s *Queries) CountComments(ctx context.Context, q CommentQuery) (int, error) {
	where, args := q.where()
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM comments c JOIN users u ON u.id = c.user_id`+where, args...).Scan(&n)
	return n, translate(err)
}

func (s *Queries) comments(ctx context.Context, query string, args ...any) ([]Comment, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, wrapf(err, "store: list comments")
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// MentionedInPost returns who a post already mentions.
func (s *Queries) MentionedInPost(ctx context.Context, postID int64) (map[int64]bool, error) {
	return s.idSet(ctx, `SELECT user_id FROM post_mentions WHERE post_id = ?`, postID)
}

// MentionedInComment returns who a comment already mentions.
func (s *Queries) MentionedInComment(ctx context.Context, commentID int64) (map[int64]bool, error) {
	return s.idSet(ctx, `SELECT user_id FROM comment_mentions WHERE comment_id = ?`, commentID)
}

// AddPostMention records a mention; it reports false when it was already recorded.
func (s *Queries) AddPostMention(ctx context.Context, postID, userID int64, now time.Time) (bool, error) {
	return s.insertIgnore(ctx, `INSERT INTO post_mentions (post_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		postID, userID, millis(now))
}

// AddCommentMention records a mention; it reports false when it was already recorded.
func (s *Queries) AddCommentMention(ctx context.Context, commentID, userID int64, now time.Time) (bool, error) {
	return s.insertIgnore(ctx, `INSERT INTO comment_mentions (comment_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		commentID, userID, millis(now))
}

func (s *Queries) insertIgnore(ctx context.Context, query string, args ...any) (bool, error) {
	res, err := s.exec(ctx, query, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func (s *Queries) idSet(ctx context.Context, query string, args ...any) (map[int64]bool, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
