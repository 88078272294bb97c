package store

import (
	"context"
	"database/sql"
)

// Full-text search over the three FTS5 indexes. Every query takes an FTS5 query string
// that the caller built safely (text.FTSQuery); nothing typed by a user is put into SQL
// text. Matches are marked with HighlightStart and HighlightEnd, control characters
// that the views split on to render <mark> elements around escaped text: the text is
// never treated as HTML. (A stored text that itself holds the markers can at worst
// mark a word it should not.)

// Markers that snippet() and highlight() put around matched terms.
const (
	HighlightStart = "\x02"
	HighlightEnd   = "\x03"
)

// PostSearchWindow is how many of the newest matching posts are ranked by bm25. On a
// large feed a common word matches hundreds of thousands of posts; ranking all of
// them costs a full sort per keystroke, so the ranking runs over the newest window.
// Queries with fewer matches are ranked exactly.
const PostSearchWindow = 1000

// PersonHit is a user found by name, with the matched terms marked.
type PersonHit struct {
	User                                UserMini
	HiUsername, HiFirstName, HiLastName string
}

// SearchPeople finds active users whose username or names match ftsQuery. An exact
// username (exact, compared case-insensitively) ranks first, then bm25 with the
// username weighted above the names.
func (s *Queries) SearchPeople(ctx context.Context, ftsQuery, exact string, limit, offset int) ([]PersonHit, error) {
	rows, err := s.query(ctx, `SELECT `+userMiniColumns+` FROM users_fts f JOIN users u ON u.id = f.rowid
		WHERE users_fts MATCH ? AND u.is_active = 1
		ORDER BY u.username = ? DESC, bm25(users_fts, 10.0, 5.0, 5.0), u.id LIMIT ? OFFSET ?`,
		ftsQuery, exact, limit, offset)
	if err != nil {
		return nil, wrapf(err, "store: search people")
	}
	defer rows.Close()
	var out []PersonHit
	for rows.Next() {
		var h PersonHit
		if err := rows.Scan(h.User.scanArgs()...); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	// Highlights for the page's rows only: computing them for every match before the
	// sort would cost as much as the search.
	ids := make([]int64, len(out))
	for i, h := range out {
		ids[i] = h.User.ID
	}
	hi, err := s.query(ctx, `SELECT rowid, highlight(users_fts, 0, char(2), char(3)), highlight(users_fts, 1, char(2), char(3)),
		highlight(users_fts, 2, char(2), char(3)) FROM users_fts WHERE users_fts MATCH ? AND rowid IN (`+marks(len(ids))+`)`,
		append([]any{ftsQuery}, int64Args(ids)...)...)
	if err != nil {
		return nil, wrapf(err, "store: highlight people")
	}
	defer hi.Close()
	byID := map[int64][3]string{}
	for hi.Next() {
		var id int64
		var a, b, c sql.NullString
		if err := hi.Scan(&id, &a, &b, &c); err != nil {
			return nil, err
		}
		byID[id] = [3]string{a.String, b.String, c.String}
	}
	if err := hi.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if h, ok := byID[out[i].User.ID]; ok {
			out[i].HiUsername, out[i].HiFirstName, out[i].HiLastName = h[0], h[1], h[2]
		}
	}
	return out, nil
}

// CountSearchPeople counts SearchPeople's matches, stopping at max.
func (s *Queries) CountSearchPeople(ctx context.Context, ftsQuery string, max int) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM users_fts f JOIN users u ON u.id = f.rowid
		WHERE users_fts MATCH ? AND u.is_active = 1 LIMIT ?)`, ftsQuery, max).Scan(&n)
	return n, wrapf(err, "store: count people")
}

// PostHit is a post found by its text, with a snippet whose matched terms are marked.
type PostHit struct {
	Post    Post
	Snippet string
}

// SearchPostHits finds posts of active users whose text matches ftsQuery, best first by
// bm25 among the newest PostSearchWindow matches.
func (s *Queries) SearchPostHits(ctx context.Context, ftsQuery string, limit, offset int) ([]PostHit, error) {
	rows, err := s.query(ctx, `SELECT `+postColumns+` FROM
		(SELECT rowid AS id, bm25(posts_fts) AS score FROM posts_fts WHERE posts_fts MATCH ? ORDER BY rowid DESC LIMIT ?) w
		JOIN posts p ON p.id = w.id JOIN users u ON u.id = p.user_id
		WHERE u.is_active = 1 ORDER BY w.score, p.id DESC LIMIT ? OFFSET ?`, ftsQuery, PostSearchWindow, limit, offset)
	if err != nil {
		return nil, wrapf(err, "store: search posts")
	}
	defer rows.Close()
	var out []PostHit
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, PostHit{Post: p})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	for i, h := range out {
		ids[i] = h.Post.ID
	}
	sn, err := s.query(ctx, `SELECT rowid, snippet(posts_fts, 0, char(2), char(3), '…', 32) FROM posts_fts
		WHERE posts_fts MATCH ? AND rowid IN (`+marks(len(ids))+`)`, append([]any{ftsQuery}, int64Args(ids)...)...)
	if err != nil {
		return nil, wrapf(err, "store: snippets")
	}
	defer sn.Close()
	byID := map[int64]string{}
	for sn.Next() {
		var id int64
		var snippet sql.NullString
		if err := sn.Scan(&id, &snippet); err != nil {
			return nil, err
		}
		byID[id] = snippet.String
	}
	if err := sn.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Snippet = byID[out[i].Post.ID]
	}
	return out, nil
}

// CountSearchPostHits counts SearchPostHits's matches, stopping at max.
func (s *Queries) CountSearchPostHits(ctx context.Context, ftsQuery string, max int) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM posts_fts f JOIN posts p ON p.id = f.rowid
		JOIN users u ON u.id = p.user_id WHERE posts_fts MATCH ? AND u.is_active = 1 LIMIT ?)`, ftsQuery, max).Scan(&n)
	return n, wrapf(err, "store: count posts")
}

// SubjectHit is an active subject found by name, code or description.
type SubjectHit struct {
	ID            int64
	Code, Name    string
	Description   string
	Icon          string
	StudentsCount int
	Instructor    string // full name or username, "" when none
	HiName        string // name with the matched terms marked
	HiCode        string
	Snippet       string // of the description, marked
}

// SearchSubjectHits finds active subjects; an exact code ranks first.
func (s *Queries) SearchSubjectHits(ctx context.Context, ftsQuery, exact string, limit, offset int) ([]SubjectHit, error) {
	rows, err := s.query(ctx, `SELECT s.id, s.code, s.name, s.description, s.icon, s.students_count,
		coalesce(nullif(trim(i.first_name || ' ' || i.last_name), ''), i.username, ''),
		highlight(subjects_fts, 0, char(2), char(3)), highlight(subjects_fts, 1, char(2), char(3)),
		snippet(subjects_fts, 2, char(2), char(3), '…', 24)
		FROM subjects_fts f JOIN subjects s ON s.id = f.rowid LEFT JOIN users i ON i.id = s.instructor_id
		WHERE subjects_fts MATCH ? AND s.is_active = 1
		ORDER BY s.code = ? DESC, bm25(subjects_fts, 10.0, 10.0, 1.0), s.id LIMIT ? OFFSET ?`, ftsQuery, exact, limit, offset)
	if err != nil {
		return nil, wrapf(err, "store: search subjects")
	}
	defer rows.Close()
	var out []SubjectHit
	for rows.Next() {
		var h SubjectHit
		var hn, hc, sn sql.NullString
		if err := rows.Scan(&h.ID, &h.Code, &h.Name, &h.Description, &h.Icon, &h.StudentsCount, &h.Instructor, &hn, &hc, &sn); err != nil {
			return nil, err
		}
		h.HiName, h.HiCode, h.Snippet = hn.String, hc.String, sn.String
		out = append(out, h)
	}
	return out, rows.Err()
}

// CountSearchSubjectHits counts SearchSubjectHits's matches, stopping at max.
func (s *Queries) CountSearchSubjectHits(ctx context.Context, ftsQuery string, max int) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM subjects_fts f JOIN subjects s ON s.id = f.rowid
		WHERE subjects_fts MATCH ? AND s.is_active = 1 LIMIT ?)`, ftsQuery, max).Scan(&n)
	return n, wrapf(err, "store: count subjects")
}
