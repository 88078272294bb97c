package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"eplatform/app/text"
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

// PersonHit is a user found by name, with the matched terms marked.
type PersonHit struct {
	User                                UserMini
	HiUsername, HiFirstName, HiLastName string
}

// SearchPeople finds active users whose username or names match ftsQuery. An exact
// username (exact, compared case-insensitively) ranks first, then bm25 with the
// username weighted above the names.
func (s *Queries) SearchPeople(ctx context.Context, ftsQuery, exact string, limit, offset int) ([]PersonHit, error) {
	query := rankedUserMinis
	if s.pg {
		query, ftsQuery, exact = pgRankedUserMinis, pgTSQuery(ftsQuery), pgExact(exact)
	}
	rows, err := s.query(ctx, query, ftsQuery, exact, -1, limit, offset)
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
	var hi *sql.Rows
	if s.pg {
		hi, err = s.query(ctx, pgPeopleHighlights, ftsQuery, jsonIDs(ids))
	} else {
		lo, hi0 := idRange(ids)
		hi, err = s.query(ctx, `SELECT rowid, highlight(users_fts, 0, char(2), char(3)), highlight(users_fts, 1, char(2), char(3)),
		highlight(users_fts, 2, char(2), char(3)) FROM users_fts
		WHERE users_fts MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (`+marks(len(ids))+`)`,
			append([]any{ftsQuery, lo, hi0}, int64Args(ids)...)...)
	}
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

// rankedUsers ranks the active users matching an FTS5 query (?1) in the index alone,
// an exact username (?2) first, leaving out ?3 (-1: nobody), one page (?4, ?5); callers
// join users for the page only. Joining users for every match to test is_active
// (thousands for "mar" among 100k people) cost more than the search; the deactivated
// are few and read from their own index.
const rankedUsers = `SELECT rowid AS id, rowid = (SELECT id FROM users WHERE username = ?2) AS exact,
		bm25(users_fts, 10.0, 5.0, 5.0) AS rank FROM users_fts
		WHERE users_fts MATCH ?1 AND rowid != ?3 AND rowid NOT IN (SELECT id FROM users WHERE is_active = 0)
		ORDER BY exact DESC, rank, rowid LIMIT ?4 OFFSET ?5`

// rankedUserMinis is one page of rankedUsers as UserMinis.
const rankedUserMinis = `SELECT ` + userMiniColumns + ` FROM (` + rankedUsers + `) r
		CROSS JOIN users u ON u.id = r.id ORDER BY r.exact DESC, r.rank, r.id`

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
	query := `SELECT count(*) FROM (SELECT 1 FROM users_fts
		WHERE users_fts MATCH ? AND rowid NOT IN (SELECT id FROM users WHERE is_active = 0) LIMIT ?)`
	if s.pg {
		query, ftsQuery = `SELECT count(*) FROM (SELECT 1 FROM users
			WHERE search_vector @@ to_tsquery('ep_search', ?) AND is_active = 1 LIMIT ?) c`, pgTSQuery(ftsQuery)
	}
	var n int
	err := s.queryRow(ctx, query, ftsQuery, max).Scan(&n)
	return n, wrapf(err, "store: count people")
}

// PostHit is a post found by its text, with a snippet whose matched terms are marked.
type PostHit struct {
	Post    Post
	Snippet string
}

// PostTextQuery is a search of post texts: Words matched whole and Prefix, when set, as
// the beginning of a word (the one being typed). Both are search tokens as
// text.SearchTokens folds them, so they compare equal to the index's terms.
type PostTextQuery struct {
	Words  []string
	Prefix string
}

// Ranking and expansion limits of post search.
const (
	// PostSearchWindow is how many of the newest matching posts are ranked. On a large
	// feed a common word matches hundreds of thousands of posts; ranking all of them
	// costs a full sort per keystroke, so the ranking runs over the newest window.
	// Queries with fewer matches are ranked exactly.
	PostSearchWindow = 1000
	// postPrefixIndexed is the longest prefix posts_fts indexes (prefix = '2 3'): FTS5
	// answers those from one list. Longer prefixes are expanded through post_terms.
	postPrefixIndexed = 3
	// postPrefixTerms is how many terms a prefix may expand to; a prefix beginning
	// more words than that is left to FTS5's prefix query (correct, and cheap when its
	// many terms are rare). At 1M posts an OR of 64 terms found the newest 1 000
	// matches in 2 ms, of 128 in 3.7 ms; FTS5's own one-letter prefix took 270 ms, but
	// for "garc" (100 rare terms: garcia1, garcia2, …) its merge beat the OR of 100,
	// which raised the people tab's p99 from 3.5 to 6.5 ms.
	postPrefixTerms = 64
	// dfSample bounds the work of estimating how many posts hold a term (see idf).
	dfSample = 2000
	// FTS5's bm25 parameters.
	bm25K1, bm25B = 1.2, 0.75
)

// postGroup is one term of a PostTextQuery as the index sees it: its FTS5 query (a phrase,
// a prefix, or the OR of the terms a prefix expands to) and how scoring recognises
// its tokens.
type postGroup struct {
	match  string
	word   string // a token equal to word counts; with prefix, one beginning with it
	prefix bool
}

func (g postGroup) counts(token string) bool {
	if g.prefix {
		return strings.HasPrefix(token, g.word)
	}
	return token == g.word
}

// ftsPhrase quotes a term as an FTS5 phrase: whatever it holds is only text.
func ftsPhrase(term string) string { return `"` + strings.ReplaceAll(term, `"`, `""`) + `"` }

// postQuery turns q into its groups and the whole FTS5 query ("" when q is empty).
func (s *Queries) postQuery(ctx context.Context, q PostTextQuery) (string, []postGroup, error) {
	var groups []postGroup
	for _, w := range q.Words {
		groups = append(groups, postGroup{match: ftsPhrase(w), word: w})
	}
	if q.Prefix != "" {
		g := postGroup{match: ftsPhrase(q.Prefix) + "*", word: q.Prefix, prefix: true}
		// PostgreSQL's GIN index answers a prefix by scanning its sorted terms, without
		// the merge an expansion avoids on FTS5.
		if !s.pg && utf8.RuneCountInString(q.Prefix) > postPrefixIndexed {
			terms, err := s.postTermsWithPrefix(ctx, q.Prefix, postPrefixTerms+1)
			if err != nil {
				return "", nil, err
			}
			// No known term: left to FTS5, which finds nothing quickly (or a post added
			// behind the store's back).
			if len(terms) > 0 && len(terms) <= postPrefixTerms {
				phrases := make([]string, len(terms))
				for i, t := range terms {
					phrases[i] = ftsPhrase(t)
				}
				g.match = "(" + strings.Join(phrases, " OR ") + ")"
			}
		}
		groups = append(groups, g)
	}
	matches := make([]string, len(groups))
	for i, g := range groups {
		matches[i] = g.match
	}
	// An explicit AND: FTS5's implicit one does not join parenthesised groups.
	return strings.Join(matches, " AND "), groups, nil
}

// postTermsWithPrefix returns up to limit terms of posts that begin with prefix.
func (s *Queries) postTermsWithPrefix(ctx context.Context, prefix string, limit int) ([]string, error) {
	// Every string beginning with prefix sorts below prefix with its last byte raised
	// (a byte of UTF-8 text is never 0xFF); the bound is only compared, never stored.
	upper := "\xff" // above any text: every term begins with ""
	if prefix != "" {
		upper = prefix[:len(prefix)-1] + string([]byte{prefix[len(prefix)-1] + 1})
	}
	rows, err := s.query(ctx, `SELECT term FROM post_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?`,
		prefix, upper, limit)
	if err != nil {
		return nil, wrapf(err, "store: post terms")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// addPostTerms records the terms of a post's text in post_terms.
func (s *Queries) addPostTerms(ctx context.Context, content string) error {
	seen := map[string]bool{}
	var terms []string
	for t := range text.SearchTokens(content) {
		if !seen[t] {
			seen[t] = true
			terms = append(terms, t)
		}
	}
	if len(terms) == 0 {
		return nil
	}
	list, err := json.Marshal(terms)
	if err != nil {
		return err
	}
	query := `INSERT OR IGNORE INTO post_terms (term) SELECT value FROM json_each(?)`
	if s.pg { // the terms are text; ep_json_each gives ids
		query = `INSERT INTO post_terms (term) SELECT value FROM jsonb_array_elements_text(?::jsonb) ON CONFLICT DO NOTHING`
	}
	_, err = s.exec(ctx, query, string(list))
	return wrapf(err, "store: post terms")
}

// SearchPostHits finds posts of active users whose text matches q, best first by BM25
// among the newest PostSearchWindow matches, and returns one page of them with the
// number of matches (PostSearchWindow+1 when there are more than the window holds).
//
// The ranking is computed here rather than by FTS5's bm25(): bm25() first counts
// every post that holds each term (a walk of the term's whole list: 30 ms for "the"
// at 1M posts) before scoring a single row. Here the window's texts are read and
// scored with the same formula and parameters, term frequencies and lengths counted
// by text.SearchTokens (FTS5's tokenizer, reproduced); how many posts hold a term
// comes from a bounded sample (idf). Counting comes from the window itself.
func (s *Queries) SearchPostHits(ctx context.Context, q PostTextQuery, limit, offset int) ([]PostHit, int, error) {
	match, groups, err := s.postQuery(ctx, q)
	if err != nil || match == "" {
		return nil, 0, err
	}
	// The posts of deactivated users are left out (usually none): their list is read
	// once, rather than the author of each post in the window.
	inactive, err := s.inactiveUsers(ctx)
	if err != nil {
		return nil, 0, err
	}
	query := `SELECT p.id, p.user_id, p.content
		FROM (SELECT rowid AS id FROM posts_fts WHERE posts_fts MATCH ? ORDER BY rowid DESC LIMIT ?) w
		CROSS JOIN posts p ON p.id = w.id`
	if s.pg {
		query = pgPostWindow
	}
	rows, err := s.query(ctx, query, s.ftsArg(match), PostSearchWindow+1)
	if err != nil {
		return nil, 0, wrapf(err, "store: search posts")
	}
	w := bm25Window{groups: groups}
	seen := 0
	for rows.Next() {
		var id, author int64
		var content string
		if err := rows.Scan(&id, &author, &content); err != nil {
			rows.Close()
			return nil, 0, err
		}
		if seen++; inactive[author] || seen > PostSearchWindow {
			continue
		}
		w.add(id, content)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(w.ids) == 0 {
		return nil, 0, nil
	}
	stats, err := s.postIndexStats(ctx)
	if err != nil {
		return nil, 0, err
	}
	idf, err := s.postIDF(ctx, groups, stats.rows)
	if err != nil {
		return nil, 0, err
	}
	window := w.rank(idf, stats.avgLen)
	count := len(window)
	if seen > PostSearchWindow {
		count = PostSearchWindow + 1
	}
	if offset >= len(window) {
		return nil, count, nil
	}
	ids := window[offset:min(len(window), offset+limit)]
	query = `SELECT ` + postColumns + ` FROM json_each(?) j CROSS JOIN posts p ON p.id = j.value
		CROSS JOIN users u ON u.id = p.user_id`
	if s.pg {
		query = pgPostsByIDs
	}
	prow, err := s.query(ctx, query, jsonIDs(ids))
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
	snippets, err := s.postSnippets(ctx, match, ids)
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

// bm25Window scores the posts of a search window with FTS5's bm25 formula: for each
// group, idf × tf × (k1 + 1) / (tf + k1 × (1 − b + b × length / mean length)), summed.
type bm25Window struct {
	groups  []postGroup
	ids     []int64
	lengths []int // in tokens
	tfs     []int // len(groups) per post: how often each group occurs in it
	total   int   // tokens in all
}

// add counts a post's tokens and each group's occurrences.
func (w *bm25Window) add(id int64, content string) {
	base := len(w.tfs)
	w.tfs = append(w.tfs, make([]int, len(w.groups))...)
	n := 0
	for t := range text.SearchTokens(content) {
		n++
		for g := range w.groups {
			if w.groups[g].counts(t) {
				w.tfs[base+g]++
			}
		}
	}
	w.ids = append(w.ids, id)
	w.lengths = append(w.lengths, n)
	w.total += n
}

// rank returns the ids best first (ties: newest first). avgLen 0 (unknown) takes the
// window's own mean.
func (w *bm25Window) rank(idf []float64, avgLen float64) []int64 {
	if avgLen == 0 {
		avgLen = float64(w.total) / float64(len(w.ids))
	}
	avgLen = max(avgLen, 1)
	scores := make(map[int64]float64, len(w.ids))
	for i, id := range w.ids {
		norm := bm25K1 * (1 - bm25B + bm25B*float64(w.lengths[i])/avgLen)
		score := 0.0
		for g := range w.groups {
			tf := float64(w.tfs[i*len(w.groups)+g])
			score += idf[g] * tf * (bm25K1 + 1) / (tf + norm)
		}
		scores[id] = score
	}
	ranked := slices.Clone(w.ids)
	slices.SortFunc(ranked, func(a, b int64) int {
		if c := cmp.Compare(scores[b], scores[a]); c != 0 {
			return c
		}
		return cmp.Compare(b, a)
	})
	return ranked
}

// inactiveUsers returns the ids of deactivated accounts (users_inactive).
func (s *Queries) inactiveUsers(ctx context.Context) (map[int64]bool, error) {
	ids, err := s.idSet(ctx, `SELECT id FROM users WHERE is_active = 0`)
	return ids, wrapf(err, "store: inactive users")
}

// postIndexStats is what bm25() takes from the whole index: the number of posts and
// their mean length in tokens.
type postIndexStats struct {
	rows   int64
	avgLen float64 // 0 when unknown
}

// postIndexStats reads FTS5's "averages" record (row 1 of posts_fts_data: the number of
// rows, then the total number of tokens of each column, as SQLite varints) — the same
// figures bm25() reads. Should the record ever be unreadable, the number of rows is
// the highest post id and the mean length is left to the caller.
func (s *Queries) postIndexStats(ctx context.Context) (postIndexStats, error) {
	if s.pg { // no such record: the window's own mean length
		var st postIndexStats
		err := s.queryRow(ctx, `SELECT coalesce(max(id), 0) FROM posts`).Scan(&st.rows)
		return st, wrapf(err, "store: search posts")
	}
	var block []byte
	err := s.queryRow(ctx, `SELECT block FROM posts_fts_data WHERE id = 1`).Scan(&block)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return postIndexStats{}, wrapf(err, "store: search posts")
	}
	rows, n := sqliteVarint(block)
	tokens, m := sqliteVarint(block[n:])
	if n > 0 && m > 0 && rows > 0 {
		return postIndexStats{rows: int64(rows), avgLen: float64(tokens) / float64(rows)}, nil
	}
	var st postIndexStats
	err = s.queryRow(ctx, `SELECT coalesce(max(id), 0) FROM posts`).Scan(&st.rows)
	return st, wrapf(err, "store: search posts")
}

// sqliteVarint decodes SQLite's variable-length integer (big-endian, seven bits a byte,
// all eight bits of a ninth) and returns it with its length, 0 if b is too short.
func sqliteVarint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b); i++ {
		if i == 8 {
			return v<<8 | uint64(b[8]), 9
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}

// postIDF is each group's inverse document frequency as FTS5's bm25 defines it,
// log((N - n + 0.5) / (n + 0.5)) for n of N posts holding the term. With one group it
// scales every score alike, so it is not computed. Otherwise n is counted up to
// dfSample and, for a term held by more posts, estimated from how far back its
// dfSample-th newest post lies (post ids are dense enough for that).
func (s *Queries) postIDF(ctx context.Context, groups []postGroup, posts int64) ([]float64, error) {
	idf := make([]float64, len(groups))
	if len(groups) == 1 {
		idf[0] = 1
		return idf, nil
	}
	var newest int64
	query := `SELECT count(*), coalesce(min(rowid), 0), coalesce(max(rowid), 0) FROM
			(SELECT rowid FROM posts_fts WHERE posts_fts MATCH ? ORDER BY rowid DESC LIMIT ?)`
	if s.pg {
		query = pgPostSample
	}
	for i, g := range groups {
		var n, oldest int64
		err := s.queryRow(ctx, query, s.ftsArg(g.match), dfSample).Scan(&n, &oldest, &newest)
		if err != nil {
			return nil, wrapf(err, "store: search posts")
		}
		all := float64(max(posts, n))
		df := float64(n)
		if n == dfSample {
			// The newest dfSample holders span ids oldest…newest; the posts of the
			// whole index span about 1…newest at the same density.
			df = min(float64(n)*float64(newest)/float64(newest-oldest+1), all)
		}
		idf[i] = max(math.Log((all-df+0.5)/(df+0.5)), 1e-6) // FTS5's floor
	}
	return idf, nil
}

// postSnippets returns the snippets of the posts ids for the FTS5 query match.
func (s *Queries) postSnippets(ctx context.Context, match string, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	if s.pg {
		return s.pgPostSnippets(ctx, match, ids)
	}
	lo, hi := idRange(ids)
	sn, err := s.query(ctx, `SELECT rowid, snippet(posts_fts, 0, char(2), char(3), '…', 32) FROM posts_fts
		WHERE posts_fts MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (SELECT value FROM json_each(?))`,
		match, lo, hi, jsonIDs(ids))
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
func (s *Queries) CountSearchPostHits(ctx context.Context, q PostTextQuery, max int) (int, error) {
	match, _, err := s.postQuery(ctx, q)
	if err != nil || match == "" {
		return 0, err
	}
	// Deactivated authors are left out through their (short, indexed) list, and only
	// when there are any: looking up the author of each of a thousand matches took
	// 5 ms at 1M posts, reading the post of each 2 ms, counting the index alone 0.3 ms.
	inactive, err := s.inactiveUsers(ctx)
	if err != nil {
		return 0, err
	}
	query := `SELECT count(*) FROM (SELECT 1 FROM posts_fts WHERE posts_fts MATCH ? LIMIT ?)`
	if len(inactive) > 0 {
		query = `SELECT count(*) FROM (SELECT 1 FROM posts_fts f CROSS JOIN posts p ON p.id = f.rowid
			WHERE posts_fts MATCH ? AND p.user_id NOT IN (SELECT id FROM users WHERE is_active = 0) LIMIT ?)`
	}
	if s.pg {
		query = `SELECT count(*) FROM (SELECT 1 FROM posts p WHERE p.search_vector @@ to_tsquery('ep_search', ?)
			AND p.user_id NOT IN (SELECT id FROM users WHERE is_active = 0) LIMIT ?) c`
	}
	var n int
	err = s.queryRow(ctx, query, s.ftsArg(match), max).Scan(&n)
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
	query := `SELECT s.id, s.code, s.name, s.description, s.icon, s.students_count,
		coalesce(nullif(trim(i.first_name || ' ' || i.last_name), ''), i.username, ''),
		highlight(subjects_fts, 0, char(2), char(3)), highlight(subjects_fts, 1, char(2), char(3)),
		snippet(subjects_fts, 2, char(2), char(3), '…', 24)
		FROM subjects_fts f JOIN subjects s ON s.id = f.rowid LEFT JOIN users i ON i.id = s.instructor_id
		WHERE subjects_fts MATCH ? AND s.is_active = 1
		ORDER BY s.code = ? DESC, bm25(subjects_fts, 10.0, 10.0, 1.0), s.id LIMIT ? OFFSET ?`
	if s.pg {
		query, exact = pgSubjectHits, pgExact(exact)
	}
	rows, err := s.query(ctx, query, s.ftsArg(ftsQuery), exact, limit, offset)
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
		if s.pg {
			h.Snippet = pgSnippet(h.Description, h.Snippet)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// CountSearchSubjectHits counts SearchSubjectHits's matches, stopping at max.
func (s *Queries) CountSearchSubjectHits(ctx context.Context, ftsQuery string, max int) (int, error) {
	query := `SELECT count(*) FROM (SELECT 1 FROM subjects_fts f JOIN subjects s ON s.id = f.rowid
		WHERE subjects_fts MATCH ? AND s.is_active = 1 LIMIT ?)`
	if s.pg {
		query = `SELECT count(*) FROM (SELECT 1 FROM subjects s
			WHERE s.search_vector @@ to_tsquery('ep_search', ?) AND s.is_active = 1 LIMIT ?) c`
	}
	var n int
	err := s.queryRow(ctx, query, s.ftsArg(ftsQuery), max).Scan(&n)
	return n, wrapf(err, "store: count subjects")
}
