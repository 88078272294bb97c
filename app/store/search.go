package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
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
	lo, hi0 := idRange(ids)
	hi, err := s.query(ctx, `SELECT rowid, highlight(users_fts, 0, char(2), char(3)), highlight(users_fts, 1, char(2), char(3)),
		highlight(users_fts, 2, char(2), char(3)) FROM users_fts
		WHERE users_fts MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (`+marks(len(ids))+`)`,
		append([]any{ftsQuery, lo, hi0}, int64Args(ids)...)...)
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

// idRange is the smallest and largest of ids. The highlight queries give FTS5 this
// range and test the ids themselves with +rowid IN (…): the unary + keeps SQLite from
// turning the IN into one FTS5 lookup per id, each of which would set the whole query
// up again (for a prefix, merging every matching term's list: 20× slower).
func idRange(ids []int64) (lo, hi int64) {
	lo, hi = ids[0], ids[0]
	for _, id := range ids {
		lo, hi = min(lo, id), max(hi, id)
	}
	return lo, hi
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
// bm25 among the newest PostSearchWindow matches, and returns one page of them with the
// number of matches (PostSearchWindow+1 when there are more than the window holds).
// Counting comes from the window itself: running the query a second time for a count
// would merge the lists of a prefix's terms a second time.
func (s *Queries) SearchPostHits(ctx context.Context, ftsQuery string, limit, offset int) ([]PostHit, int, error) {
	type scored struct {
		id    int64
		score float64
	}
	rows, err := s.query(ctx, `SELECT rowid, bm25(posts_fts) FROM posts_fts WHERE posts_fts MATCH ?
		ORDER BY rowid DESC LIMIT ?`, ftsQuery, PostSearchWindow+1)
	if err != nil {
		return nil, 0, wrapf(err, "store: search posts")
	}
	var window []scored
	for rows.Next() {
		var w scored
		if err := rows.Scan(&w.id, &w.score); err != nil {
			rows.Close()
			return nil, 0, err
		}
		window = append(window, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	overflow := len(window) > PostSearchWindow
	if overflow {
		window = window[:PostSearchWindow]
	}
	if len(window) == 0 {
		return nil, 0, nil
	}
	// Leave out the posts of deactivated users (usually none: one query either way).
	ids := make([]int64, len(window))
	for i, w := range window {
		ids[i] = w.id
	}
	inactive := map[int64]bool{}
	idRows, err := s.query(ctx, `SELECT p.id FROM json_each(?) j CROSS JOIN posts p ON p.id = j.value
		CROSS JOIN users u ON u.id = p.user_id WHERE u.is_active = 0`, jsonIDs(ids))
	if err != nil {
		return nil, 0, wrapf(err, "store: search posts")
	}
	for idRows.Next() {
		var id int64
		if err := idRows.Scan(&id); err != nil {
			idRows.Close()
			return nil, 0, err
		}
		inactive[id] = true
	}
	idRows.Close()
	if err := idRows.Err(); err != nil {
		return nil, 0, err
	}
	ranked := window[:0]
	for _, w := range window {
		if !inactive[w.id] {
			ranked = append(ranked, w)
		}
	}
	count := len(ranked)
	if overflow {
		count = PostSearchWindow + 1
	}
	slices.SortStableFunc(ranked, func(a, b scored) int {
		if c := cmp.Compare(a.score, b.score); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	if offset >= len(ranked) {
		return nil, count, nil
	}
	page := ranked[offset:min(len(ranked), offset+limit)]
	ids = ids[:0]
	for _, w := range page {
		ids = append(ids, w.id)
	}
	prow, err := s.query(ctx, `SELECT `+postColumns+` FROM json_each(?) j CROSS JOIN posts p ON p.id = j.value
		CROSS JOIN users u ON u.id = p.user_id`, jsonIDs(ids))
	if err != nil {
		return nil, 0, wrapf(err, "store: search posts")
	}
	byID := map[int64]Post{}
	for prow.Next() {
		p, err := scanPost(prow)
		if err != nil {
			prow.Close()
			return nil, 0, err
		}
		byID[p.ID] = p
	}
	prow.Close()
	if err := prow.Err(); err != nil {
		return nil, 0, err
	}
	snippets, err := s.postSnippets(ctx, ftsQuery, ids)
	if err != nil {
		return nil, 0, err
	}
	out := make([]PostHit, 0, len(ids))
	for _, id := range ids {
		if p, ok := byID[id]; ok { // a post deleted meanwhile is skipped
			out = append(out, PostHit{Post: p, Snippet: snippets[id]})
		}
	}
	return out, count, nil
}

// postSnippets returns the snippets of the posts ids for ftsQuery.
func (s *Queries) postSnippets(ctx context.Context, ftsQuery string, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	lo, hi := idRange(ids)
	sn, err := s.query(ctx, `SELECT rowid, snippet(posts_fts, 0, char(2), char(3), '…', 32) FROM posts_fts
		WHERE posts_fts MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (SELECT value FROM json_each(?))`,
		ftsQuery, lo, hi, jsonIDs(ids))
	if err != nil {
		return nil, wrapf(err, "store: snippets")
	}
	defer sn.Close()
	for sn.Next() {
		var id int64
		var snippet sql.NullString
		if err := sn.Scan(&id, &snippet); err != nil {
			return nil, err
		}
		out[id] = snippet.String
	}
	return out, sn.Err()
}

// jsonIDs is ids as a JSON array, for json_each(?): one statement whatever the number
// of ids, where IN (?, ?, …) would be a new statement for every length.
func jsonIDs(ids []int64) string {
	b := make([]byte, 0, len(ids)*8+2)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
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
