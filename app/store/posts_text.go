package store

import (
	"context"
	"math"
)

// The posts API's text search (`search=`: the content, or the content or the author's
// names) keeps the original's contract: every match counted, newest first, pages by
// offset. Done in one statement, SQLite gathers every match, looks each post up and
// sorts them all — 4 s for "the" at 1M posts. When nothing else filters or orders the
// list, two cheaper routes give the same answer (TestPostTextSearchRoutesAgree):
//
//   - the count is the full-text index's own count of matching posts, plus the posts of
//     authors whose names match that do not match by content: always cheaper;
//   - the page walks the posts newest first, a chunk at a time, and asks the index
//     which posts of the chunk match (one range query per chunk). That pays when the
//     page should be found within postTextWalkRead posts — a common text, or a small
//     site — and a rare text deep in a large one keeps the statement.

// postTextWalkRead is how many posts the walk may expect to read for a page before
// the single statement is preferred.
const postTextWalkRead = 10_000

// postTextChunk is how many posts the walk reads at a time.
const postTextChunk = 256

// Values of Queries.textRoutes.
const (
	textRoutesAuto      = 0
	textRoutesAlways    = 1  // tests: the count and the walk whenever q allows
	textRoutesStatement = -1 // tests: always the single statement
)

// textScan returns the FTS5 query of q's text, whether author names count too, and
// whether the text routes apply: q searches text and nothing else narrows the list or
// orders it otherwise.
func (s *Queries) textScan(q PostQuery) (match string, byAuthor, ok bool) {
	match, byAuthor = q.Search, false
	if q.Anywhere != "" {
		match, byAuthor = q.Anywhere, true
	}
	rest := q
	rest.Search, rest.Anywhere, rest.Offset, rest.Limit = "", "", 0, 0
	if rest.OrderBy == "created_at" && !rest.Ascending {
		rest.OrderBy = "" // the default, spelled out
	}
	if match == "" || (q.Search != "" && q.Anywhere != "") || rest != (PostQuery{}) || s.textRoutes == textRoutesStatement {
		return "", false, false // rest holds another filter, an order or a cursor
	}
	return match, byAuthor, true
}

// walkPays reports whether walking the posts should find the first want matches of
// match within postTextWalkRead posts: whether at least want × posts / postTextWalkRead
// posts match (counted no further than that).
func (s *Queries) walkPays(ctx context.Context, match string, want int) (bool, error) {
	if s.textRoutes == textRoutesAlways {
		return true, nil
	}
	var posts int64
	if err := s.queryRow(ctx, `SELECT coalesce(max(id), 0) FROM posts`).Scan(&posts); err != nil {
		return false, wrapf(err, "store: search posts")
	}
	need := max(1, int64(want)*posts/postTextWalkRead)
	query := `SELECT count(*) FROM (SELECT 1 FROM posts_fts WHERE posts_fts MATCH ? LIMIT ?)`
	if s.pg {
		query = `SELECT count(*) FROM (` + pgPostsMatching + ` LIMIT ?) c`
	}
	var n int64
	err := s.queryRow(ctx, query, s.ftsArg(match), need).Scan(&n)
	return n >= need, wrapf(err, "store: search posts")
}

// textAuthors returns the users whose names match (for Anywhere).
func (s *Queries) textAuthors(ctx context.Context, match string) (map[int64]bool, error) {
	query := `SELECT rowid FROM users_fts WHERE users_fts MATCH ?`
	if s.pg {
		query = pgUsersMatching
	}
	ids, err := s.idSet(ctx, query, s.ftsArg(match))
	return ids, wrapf(err, "store: search posts")
}

// textMatching returns which of ids (posts) match by content: one query whose rowid
// range lets FTS5 read only that part of each list.
func (s *Queries) textMatching(ctx context.Context, match string, ids []int64) (map[int64]bool, error) {
	if len(ids) == 0 {
		return map[int64]bool{}, nil
	}
	if s.pg {
		out, err := s.idSet(ctx, `SELECT id FROM posts WHERE id IN (SELECT value FROM json_each(?))
			AND search_vector @@ to_tsquery('ep_search', ?)`, jsonIDs(ids), pgTSQuery(match))
		return out, wrapf(err, "store: search posts")
	}
	lo, hi := idRange(ids)
	out, err := s.idSet(ctx, `SELECT rowid FROM posts_fts WHERE posts_fts MATCH ? AND rowid BETWEEN ? AND ?
		AND +rowid IN (SELECT value FROM json_each(?))`, match, lo, hi, jsonIDs(ids))
	return out, wrapf(err, "store: search posts")
}

// countByText is CountPosts for a text search that textScan accepted.
func (s *Queries) countByText(ctx context.Context, match string, byAuthor bool) (int, error) {
	posts, users := `SELECT count(*) FROM posts_fts WHERE posts_fts MATCH ?`,
		`SELECT p.id FROM posts p WHERE p.user_id IN (SELECT rowid FROM users_fts WHERE users_fts MATCH ?)`
	if s.pg {
		posts, users = `SELECT count(*) FROM posts WHERE search_vector @@ to_tsquery('ep_search', ?)`,
			`SELECT p.id FROM posts p WHERE p.user_id IN (`+pgUsersMatching+`)`
	}
	var n int
	if err := s.queryRow(ctx, posts, s.ftsArg(match)).Scan(&n); err != nil {
		return 0, wrapf(err, "store: count posts")
	}
	if !byAuthor {
		return n, nil
	}
	// Posts of the matching authors that their content did not already count.
	theirs, err := s.idSet(ctx, users, s.ftsArg(match))
	if err != nil {
		return 0, wrapf(err, "store: count posts")
	}
	ids := make([]int64, 0, len(theirs))
	for id := range theirs {
		ids = append(ids, id)
	}
	counted, err := s.textMatching(ctx, match, ids)
	if err != nil {
		return 0, err
	}
	return n + len(theirs) - len(counted), nil
}

// listByText is ListPosts for a text search that textScan accepted: the newest posts
// walked a chunk at a time, kept when they match.
func (s *Queries) listByText(ctx context.Context, match string, byAuthor bool, limit, offset int) ([]Post, error) {
	var authors map[int64]bool
	if byAuthor {
		var err error
		if authors, err = s.textAuthors(ctx, match); err != nil {
			return nil, err
		}
	}
	want := offset + limit
	var out []Post
	// (created_at, id) below this comes before every post.
	at, id := int64(math.MaxInt64), int64(math.MaxInt64)
	for len(out) < want {
		rows, err := s.query(ctx, `SELECT `+postColumns+` FROM posts p JOIN users u ON u.id = p.user_id
			WHERE (p.created_at, p.id) < (?, ?) ORDER BY p.created_at DESC, p.id DESC LIMIT ?`, at, id, postTextChunk)
		if err != nil {
			return nil, wrapf(err, "store: list posts")
		}
		var chunk []Post
		for rows.Next() {
			p, err := scanPost(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			chunk = append(chunk, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(chunk) == 0 {
			break
		}
		ids := make([]int64, 0, len(chunk))
		for _, p := range chunk {
			if !authors[p.Author.ID] {
				ids = append(ids, p.ID)
			}
		}
		matching, err := s.textMatching(ctx, match, ids)
		if err != nil {
			return nil, err
		}
		for _, p := range chunk {
			if authors[p.Author.ID] || matching[p.ID] {
				out = append(out, p)
			}
		}
		last := chunk[len(chunk)-1]
		at, id = millis(last.CreatedAt), last.ID
		if len(chunk) < postTextChunk {
			break
		}
	}
	if offset >= len(out) {
		return nil, nil
	}
	return out[offset:min(len(out), want)], nil
}
