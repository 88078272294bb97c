package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// UserMini is the author or sender shown next to content.
type UserMini struct {
	ID             int64
	Username       string
	FirstName      string
	LastName       string
	UserType       string
	ProfilePicture string
}

// DisplayName is how people are named on every page, notification and mail: the full
// name, or the username when the person gave none. The username stays the handle
// (@username) where two people may share a name.
func (m UserMini) DisplayName() string {
	if n := strings.TrimSpace(m.FirstName + " " + m.LastName); n != "" {
		return n
	}
	return m.Username
}

const userMiniColumns = `u.id, u.username, u.first_name, u.last_name, u.user_type, u.profile_picture`

func (m *UserMini) scanArgs() []any {
	return []any{&m.ID, &m.Username, &m.FirstName, &m.LastName, &m.UserType, &m.ProfilePicture}
}

// Media is a stored attachment.
type Media struct {
	Kind        string // image | video | document
	Path        string // under the media root
	Name        string // the uploader's file name
	Size        int64
	ContentType string
}

// Post is a row of posts with its author.
type Post struct {
	ID            int64
	Author        UserMini
	Content       string
	Media         *Media
	LikesCount    int
	CommentsCount int
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Version changes with everything the post's card shows: its text, its counts and
	// its comments.
	Version int64
}

// Cursor is a keyset position: rows strictly older than (At, ID) come next.
type Cursor struct {
	At time.Time
	ID int64
}

// IsZero reports whether the cursor is the start (newest first).
func (c Cursor) IsZero() bool { return c.ID == 0 }

const postColumns = `p.id, p.content, p.media_kind, p.media_path, p.media_name, p.media_size, p.media_content_type,
	p.likes_count, p.comments_count, p.created_at, p.updated_at, p.version, ` + userMiniColumns

func scanPost(row interface{ Scan(...any) error }) (Post, error) {
	var p Post
	var kind, path, name, ctype sql.NullString
	var size sql.NullInt64
	var created, updated int64
	args := append([]any{&p.ID, &p.Content, &kind, &path, &name, &size, &ctype,
		&p.LikesCount, &p.CommentsCount, &created, &updated, &p.Version}, p.Author.scanArgs()...)
	if err := row.Scan(args...); err != nil {
		return Post{}, scanOne(err)
	}
	if kind.Valid {
		p.Media = &Media{Kind: kind.String, Path: path.String, Name: name.String, Size: size.Int64, ContentType: ctype.String}
	}
	p.CreatedAt, p.UpdatedAt = FromMillis(created), FromMillis(updated)
	return p, nil
}

// NewPost is what InsertPost writes.
type NewPost struct {
	UserID  int64
	Content string
	Media   *Media
	Now     time.Time
}

// InsertPost creates a post.
func (s *Queries) InsertPost(ctx context.Context, n NewPost) (int64, error) {
	var kind, path, name, ctype any
	var size any
	if m := n.Media; m != nil {
		kind, path, name, size, ctype = m.Kind, m.Path, m.Name, m.Size, m.ContentType
	}
	id, err := s.insertID(ctx, `INSERT INTO posts (user_id, content, media_kind, media_path, media_name, media_size,
		media_content_type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.UserID, n.Content, kind, path, name, size, ctype, millis(n.Now), millis(n.Now))
	if err != nil {
		return 0, wrapf(err, "store: insert post")
	}
	if err := s.addPostTerms(ctx, n.Content); err != nil {
		return 0, err
	}
	return id, nil
}

// PostByID returns a post with its author.
func (s *Queries) PostByID(ctx context.Context, id int64) (Post, error) {
	return scanPost(s.queryRow(ctx, `SELECT `+postColumns+` FROM posts p JOIN users u ON u.id = p.user_id WHERE p.id = ?`, id))
}

// UpdatePostContent replaces a post's text.
func (s *Queries) UpdatePostContent(ctx context.Context, id int64, content string, now time.Time) error {
	if err := s.updateOne(ctx, `UPDATE posts SET content = ?, updated_at = max(?, created_at), version = version + 1 WHERE id = ?`, content, millis(now), id); err != nil {
		return err
	}
	return s.addPostTerms(ctx, content)
}

// DeletePost removes a post (its likes, comments, mentions and notifications cascade).
func (s *Queries) DeletePost(ctx context.Context, id int64) error {
	return s.updateOne(ctx, `DELETE FROM posts WHERE id = ?`, id)
}

// PostQuery selects posts for the feed and the API. The zero value lists every post,
// newest first.
type PostQuery struct {
	AuthorID  int64
	From, To  time.Time // created_at range, inclusive; zero = open
	HasImage  *bool
	HasVideo  *bool
	HasDoc    *bool
	HasMedia  *bool
	MinLikes  int
	MinComms  int
	Search    string // an FTS5 query (already made safe by the caller) over content
	AuthorQ   string // prefix match on author username/first/last name (FTS5 query)
	Anywhere  string // an FTS5 query matched against the content OR the author's names
	OrderBy   string // created_at (default), updated_at, likes_count, comments_count
	Ascending bool
	After     Cursor // keyset for created_at descending only
	Offset    int
	Limit     int
}

// Unfiltered reports whether q selects every post (only order and paging set).
func (q PostQuery) Unfiltered() bool {
	q.OrderBy, q.Ascending, q.After, q.Offset, q.Limit = "", false, Cursor{}, 0, 0
	return q == PostQuery{}
}

func (q PostQuery) where(pg bool) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) { conds = append(conds, cond); args = append(args, a...) }
	if q.AuthorID != 0 {
		add("p.user_id = ?", q.AuthorID)
	}
	if !q.From.IsZero() {
		add("p.created_at >= ?", millis(q.From))
	}
	if !q.To.IsZero() {
		add("p.created_at <= ?", millis(q.To))
	}
	kind := func(b *bool, k string) {
		if b == nil {
			return
		}
		if *b {
			add("p.media_kind = ?", k)
		} else {
			add("(p.media_kind IS NULL OR p.media_kind != ?)", k)
		}
	}
	kind(q.HasImage, "image")
	kind(q.HasVideo, "video")
	kind(q.HasDoc, "document")
	if q.HasMedia != nil {
		if *q.HasMedia {
			add("p.media_kind IS NOT NULL")
		} else {
			add("p.media_kind IS NULL")
		}
	}
	if q.MinLikes > 0 {
		add("p.likes_count >= ?", q.MinLikes)
	}
	if q.MinComms > 0 {
		add("p.comments_count >= ?", q.MinComms)
	}
	switch {
	case pg: // the same conditions on PostgreSQL's search_vector columns
		if q.Search != "" {
			add("p.id IN ("+pgPostsMatching+")", pgTSQuery(q.Search))
		}
		if q.AuthorQ != "" {
			add("p.user_id IN ("+pgUsersMatching+")", pgTSQuery(q.AuthorQ))
		}
		if q.Anywhere != "" {
			tsq := pgTSQuery(q.Anywhere)
			add("(p.id IN ("+pgPostsMatching+") OR p.user_id IN ("+pgUsersMatching+"))", tsq, tsq)
		}
	default:
		if q.Search != "" {
			add("p.id IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?)", q.Search)
		}
		if q.AuthorQ != "" {
			add("p.user_id IN (SELECT rowid FROM users_fts WHERE users_fts MATCH ?)", q.AuthorQ)
		}
		if q.Anywhere != "" {
			add(`(p.id IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?)
			OR p.user_id IN (SELECT rowid FROM users_fts WHERE users_fts MATCH ?))`, q.Anywhere, q.Anywhere)
		}
	}
	if !q.After.IsZero() && q.orderColumn() == "created_at" && !q.Ascending {
		// A row-value comparison lets SQLite seek the (created_at, id) index directly.
		add("(p.created_at, p.id) < (?, ?)", millis(q.After.At), q.After.ID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func (q PostQuery) orderColumn() string {
	switch q.OrderBy {
	case "updated_at", "likes_count", "comments_count":
		return q.OrderBy
	default:
		return "created_at"
	}
}

// ListPosts returns the posts q selects with their authors, in one query.
func (s *Queries) ListPosts(ctx context.Context, q PostQuery) ([]Post, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	if match, byAuthor, ok := s.textScan(q); ok {
		walk, err := s.walkPays(ctx, match, q.Offset+limit)
		if err != nil {
			return nil, err
		}
		if walk {
			return s.listByText(ctx, match, byAuthor, limit, q.Offset)
		}
	}
	where, args := q.where(s.pg)
	dir := "DESC"
	if q.Ascending {
		dir = "ASC"
	}
	col := q.orderColumn()
	order := fmt.Sprintf(" ORDER BY p.%s %s, p.id %s", col, dir, dir)
	query := `SELECT ` + postColumns + ` FROM posts p JOIN users u ON u.id = p.user_id` + where + order + ` LIMIT ? OFFSET ?`
	rows, err := s.query(ctx, query, append(args, limit, q.Offset)...)
	if err != nil {
		return nil, wrapf(err, "store: list posts")
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CountPosts counts the posts q selects (Limit, Offset and After are ignored).
func (s *Queries) CountPosts(ctx context.Context, q PostQuery) (int, error) {
	q.After = Cursor{}
	if match, byAuthor, ok := s.textScan(q); ok {
		return s.countByText(ctx, match, byAuthor)
	}
	where, args := q.where(s.pg)
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM posts p`+where, args...).Scan(&n)
	return n, translate(err)
}

// LikedAmong returns which of postIDs userID likes, in one query.
func (s *Queries) LikedAmong(ctx context.Context, userID int64, postIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(postIDs) == 0 {
		return out, nil
	}
	rows, err := s.query(ctx, `SELECT post_id FROM post_likes WHERE user_id = ? AND post_id IN (`+marks(len(postIDs))+`)`,
		append([]any{userID}, int64Args(postIDs)...)...)
	if err != nil {
		return nil, wrapf(err, "store: liked among")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// ToggleLike likes or unlikes a post for a user and keeps likes_count in step in the
// same statement sequence (call it inside WithTx). It returns the new state and count.
func (s *Queries) ToggleLike(ctx context.Context, postID, userID int64, now time.Time) (liked bool, count int, err error) {
	res, err := s.exec(ctx, `INSERT INTO post_likes (post_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		postID, userID, millis(now))
	if err != nil {
		return false, 0, wrapf(err, "store: like")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, 0, wrapf(err, "store: like")
	}
	delta := 1
	if n == 0 {
		if _, err := s.exec(ctx, `DELETE FROM post_likes WHERE post_id = ? AND user_id = ?`, postID, userID); err != nil {
			return false, 0, wrapf(err, "store: unlike")
		}
		delta = -1
	}
	err = s.queryRow(ctx, `UPDATE posts SET likes_count = likes_count + ?, version = version + 1 WHERE id = ? RETURNING likes_count`, delta, postID).Scan(&count)
	if err != nil {
		return false, 0, scanOne(err)
	}
	return delta == 1, count, nil
}

func marks(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?,", n-1) + "?"
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func stringArgs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// userMinis runs a query selecting userMiniColumns and returns the users in order.
func (s *Queries) userMinis(ctx context.Context, what, query string, args ...any) ([]UserMini, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, wrapf(err, "store: %s", what)
	}
	defer rows.Close()
	var out []UserMini
	for rows.Next() {
		var m UserMini
		if err := rows.Scan(m.scanArgs()...); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ActiveUsersByName maps lower-cased usernames to active users, in one query; names
// that match nobody are absent.
func (s *Queries) ActiveUsersByName(ctx context.Context, names []string) (map[string]UserMini, error) {
	out := map[string]UserMini{}
	if len(names) == 0 {
		return out, nil
	}
	users, err := s.userMinis(ctx, "users by name", `SELECT `+userMiniColumns+` FROM users u WHERE u.is_active = 1 AND u.username IN (`+
		marks(len(names))+`)`, stringArgs(names)...)
	for _, m := range users {
		out[strings.ToLower(m.Username)] = m
	}
	return out, err
}

// SearchUsersMini finds active users whose username or names start with the words of
// ftsQuery (an FTS5 query built by the caller), best matches first.
func (s *Queries) SearchUsersMini(ctx context.Context, ftsQuery string, exceptID int64, limit, offset int) ([]UserMini, error) {
	// No exact-username preference here (?2 is NULL): the API orders by relevance only.
	query := rankedUserMinis
	if s.pg {
		query, ftsQuery = pgRankedUserMinis, pgTSQuery(ftsQuery)
	}
	return s.userMinis(ctx, "search users", query, ftsQuery, nil, exceptID, limit, offset)
}

// CountSearchUsers counts SearchUsersMini's matches.
func (s *Queries) CountSearchUsers(ctx context.Context, ftsQuery string, exceptID int64) (int, error) {
	query := `SELECT count(*) FROM users_fts WHERE users_fts MATCH ? AND rowid != ?
		AND rowid NOT IN (SELECT id FROM users WHERE is_active = 0)`
	if s.pg {
		query, ftsQuery = `SELECT count(*) FROM users WHERE search_vector @@ to_tsquery('ep_search', ?) AND id != ?
			AND is_active = 1`, pgTSQuery(ftsQuery)
	}
	var n int
	err := s.queryRow(ctx, query, ftsQuery, exceptID).Scan(&n)
	return n, translate(err)
}

// PostHead is what deciding a feed page's cards needs: which posts, in which version,
// by whom.
type PostHead struct {
	ID, Version, AuthorID int64
	CreatedAt             time.Time
}

// FeedHeads returns the heads of the newest posts after the keyset cursor.
func (s *Queries) FeedHeads(ctx context.Context, after Cursor, limit int) ([]PostHead, error) {
	where, args := "", []any{}
	if !after.IsZero() {
		where = ` WHERE (created_at, id) < (?, ?)`
		args = append(args, millis(after.At), after.ID)
	}
	return s.heads(ctx, where, append(args, limit, 0)...)
}

// PostHeadByID returns one post's head.
func (s *Queries) PostHeadByID(ctx context.Context, id int64) (PostHead, error) {
	var h PostHead
	var created int64
	err := s.queryRow(ctx, `SELECT id, version, user_id, created_at FROM posts WHERE id = ?`, id).Scan(&h.ID, &h.Version, &h.AuthorID, &created)
	h.CreatedAt = FromMillis(created)
	return h, scanOne(err)
}

// HeadsAt returns the heads of the newest posts from offset on (the API's pages).
func (s *Queries) HeadsAt(ctx context.Context, offset, limit int) ([]PostHead, error) {
	return s.heads(ctx, "", limit, offset)
}

func (s *Queries) heads(ctx context.Context, where string, args ...any) ([]PostHead, error) {
	rows, err := s.query(ctx, `SELECT id, version, user_id, created_at FROM posts`+where+
		` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, wrapf(err, "store: feed heads")
	}
	defer rows.Close()
	var out []PostHead
	for rows.Next() {
		var h PostHead
		var created int64
		if err := rows.Scan(&h.ID, &h.Version, &h.AuthorID, &created); err != nil {
			return nil, wrapf(err, "store: feed heads")
		}
		h.CreatedAt = FromMillis(created)
		out = append(out, h)
	}
	return out, wrapf(rows.Err(), "store: feed heads")
}

// ViewerMarks tells, for the posts ids, which the viewer likes and which of their
// comments the viewer wrote: what makes a card differ from one viewer to another.
func (s *Queries) ViewerMarks(ctx context.Context, viewerID int64, ids []int64) (liked map[int64]bool, comments map[int64][]int64, err error) {
	liked, comments = map[int64]bool{}, map[int64][]int64{}
	if len(ids) == 0 {
		return liked, comments, nil
	}
	list := jsonIDs(ids)
	rows, err := s.query(ctx, `SELECT post_id, 0 FROM post_likes WHERE user_id = ? AND post_id IN (SELECT value FROM json_each(?))
		UNION ALL SELECT post_id, id FROM comments WHERE user_id = ? AND post_id IN (SELECT value FROM json_each(?)) ORDER BY 1, 2`,
		viewerID, list, viewerID, list)
	if err != nil {
		return nil, nil, wrapf(err, "store: viewer marks")
	}
	defer rows.Close()
	for rows.Next() {
		var post, comment int64
		if err := rows.Scan(&post, &comment); err != nil {
			return nil, nil, wrapf(err, "store: viewer marks")
		}
		if comment == 0 {
			liked[post] = true
		} else {
			comments[post] = append(comments[post], comment)
		}
	}
	return liked, comments, wrapf(rows.Err(), "store: viewer marks")
}

// PostsByIDs returns the posts of ids that exist, with their authors, in no order.
func (s *Queries) PostsByIDs(ctx context.Context, ids []int64) ([]Post, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.query(ctx, `SELECT `+postColumns+` FROM posts p JOIN users u ON u.id = p.user_id
		WHERE p.id IN (SELECT value FROM json_each(?))`, jsonIDs(ids))
	if err != nil {
		return nil, wrapf(err, "store: posts by ids")
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, wrapf(rows.Err(), "store: posts by ids")
}
