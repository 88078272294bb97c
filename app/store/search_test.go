package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// postSearchFixture creates one author and posts with the given texts, oldest first,
// and returns their ids.
func postSearchFixture(t *testing.T, db *DB, author string, texts ...string) []int64 {
	t.Helper()
	ctx := context.Background()
	authorID := mustCreateUser(t, db, author)
	var ids []int64
	err := db.WithTx(ctx, func(tx *Queries) error {
		for i, content := range texts {
			id, err := tx.InsertPost(ctx, NewPost{UserID: authorID, Content: content, Now: time.Unix(int64(1_700_000_000+i), 0)})
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func hitIDs(hits []PostHit) []int64 {
	out := make([]int64, len(hits))
	for i, h := range hits {
		out[i] = h.Post.ID
	}
	return out
}

// TestPostSearchRanksLikeFTS5: the ranking computed in Go orders posts exactly as
// FTS5's bm25() does, for whole words, prefixes (indexed and expanded) and several
// words with different rarities. On PostgreSQL the same posts are written to a SQLite
// database too (same ids), whose FTS5 gives the order the PostgreSQL search must find:
// there the window comes from the tsvector index and the mean length from the window.
func TestPostSearchRanksLikeFTS5(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTest(t)
	ref := db // the database whose FTS5 ranks
	if onPostgres {
		ref = openSQLiteTest(t)
	}
	texts := []string{
		"Recursion explained: recursion is a function calling itself",
		"A long post about many things, including one mention of recursion among a lot of other words that dilute it",
		"Recursive descent parsers use recursion",
		"Dynamic programming is recursion with memory",
		"Studying dynamic programming and dynamic arrays today",
		"Photosynthesis notes for the biology exam",
		"The exam is tomorrow, the exam covers recursion",
		"Exam exam exam",
		"Programming in Go: goroutines and channels",
		"Café crème: diacritics fold, CAFÉ matches cafe",
		// Rarity decides: with equal weights these two tie and the newer would win.
		"apple banana banana",
		"apple apple banana",
		// Length decides: two mentions in a long post weigh less than one in a short one.
		"kiwi " + strings.Repeat("and many other words ", 10) + "kiwi",
		"kiwi fruit",
	}
	// Enough filler that the words differ in rarity.
	for i := range 30 {
		texts = append(texts, fmt.Sprintf("Filler post %d about programming, apples and the exam schedule: apple", i))
	}
	postSearchFixture(t, db, "author", texts...)
	if ref != db {
		postSearchFixture(t, ref, "author", texts...)
	}

	cases := []struct {
		q     PostTextQuery
		fts5  string // the same search as an FTS5 query
		found int
	}{
		{PostTextQuery{Words: []string{"recursion"}}, `"recursion"`, 5},
		{PostTextQuery{Prefix: "recurs"}, `"recurs"*`, 5}, // expanded through post_terms
		{PostTextQuery{Prefix: "re"}, `"re"*`, 5},         // FTS5's prefix index
		{PostTextQuery{Words: []string{"exam"}, Prefix: "recur"}, `"exam" "recur"*`, 1},
		{PostTextQuery{Words: []string{"dynamic"}, Prefix: "prog"}, `"dynamic" "prog"*`, 2},
		{PostTextQuery{Words: []string{"the"}, Prefix: "exam"}, `"the" "exam"*`, 32},
		{PostTextQuery{Words: []string{"programming"}}, `"programming"`, 33},
		{PostTextQuery{Prefix: "cafe"}, `"cafe"*`, 1},
		{PostTextQuery{Prefix: "zzzz"}, `"zzzz"*`, 0},
		{PostTextQuery{Words: []string{"apple", "banana"}}, `"apple" "banana"`, 2},
		{PostTextQuery{Words: []string{"kiwi"}}, `"kiwi"`, 2},
	}
	for _, c := range cases {
		hits, n, err := db.SearchPostHits(ctx, c.q, 100, 0)
		if err != nil {
			t.Fatalf("%+v: %v", c.q, err)
		}
		var want []int64
		rows, err := ref.writer.Query(`SELECT rowid FROM posts_fts WHERE posts_fts MATCH ? ORDER BY bm25(posts_fts), rowid DESC`, c.fts5)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			want = append(want, id)
		}
		rows.Close()
		if got := hitIDs(hits); !slices.Equal(got, want) || n != c.found || len(want) != c.found {
			t.Errorf("%+v: got %v (count %d), FTS5's bm25 order %v, want %d found", c.q, got, n, want, c.found)
		}
		if count, err := db.CountSearchPostHits(ctx, c.q, 1000); err != nil || count != c.found {
			t.Errorf("%+v: count %d %v, want %d", c.q, count, err, c.found)
		}
		for _, h := range hits {
			if !strings.Contains(h.Snippet, HighlightStart) {
				t.Errorf("%+v: post %d has no marked snippet: %q", c.q, h.Post.ID, h.Snippet)
			}
		}
	}
}

// TestPostSearchWindow: past PostSearchWindow matches the count says so and the
// ranking covers the newest window; paging walks it without repeats.
func TestPostSearchWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTest(t)
	texts := make([]string, PostSearchWindow+30)
	for i := range texts {
		texts[i] = fmt.Sprintf("window post %d %s", i, strings.Repeat("word ", i%7))
	}
	ids := postSearchFixture(t, db, "author", texts...)
	seen := map[int64]bool{}
	for page := 0; ; page++ {
		hits, n, err := db.SearchPostHits(ctx, PostTextQuery{Words: []string{"window"}}, 100, page*100)
		if err != nil {
			t.Fatal(err)
		}
		if n != PostSearchWindow+1 {
			t.Fatalf("count %d, want %d (more than the window)", n, PostSearchWindow+1)
		}
		if len(hits) == 0 {
			break
		}
		for _, h := range hits {
			if seen[h.Post.ID] {
				t.Fatalf("post %d on two pages", h.Post.ID)
			}
			seen[h.Post.ID] = true
			if h.Post.ID <= ids[29] {
				t.Fatalf("post %d is older than the newest %d matches", h.Post.ID, PostSearchWindow)
			}
		}
	}
	if len(seen) != PostSearchWindow {
		t.Errorf("%d posts over all pages, want %d", len(seen), PostSearchWindow)
	}
}

// TestPostTerms: the vocabulary that expands prefixes follows new and edited posts,
// and a prefix beginning more words than postPrefixTerms still finds them all.
func TestPostTerms(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTest(t)
	ids := postSearchFixture(t, db, "author", "Thermodynamics homework", "Nothing to see")
	find := func(prefix string) []int64 {
		t.Helper()
		hits, _, err := db.SearchPostHits(ctx, PostTextQuery{Prefix: prefix}, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		return hitIDs(hits)
	}
	if got := find("thermo"); !slices.Equal(got, ids[:1]) {
		t.Errorf("thermo: %v", got)
	}
	if err := db.WithTx(ctx, func(tx *Queries) error {
		return tx.UpdatePostContent(ctx, ids[1], "Électromagnétisme revision", time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	if got := find("electro"); !slices.Equal(got, ids[1:]) {
		t.Errorf("electro after the edit: %v", got)
	}
	// More words beginning "pref" than an expansion takes.
	var words []string
	for i := range postPrefixTerms + 10 {
		words = append(words, fmt.Sprintf("pref%03dx", i))
	}
	more := postSearchFixture(t, db, "other", strings.Join(words[:40], " "), strings.Join(words[40:], " "))
	if got := find("pref"); len(got) != 2 || !slices.Contains(got, more[0]) || !slices.Contains(got, more[1]) {
		t.Errorf("pref: %v, want %v", got, more)
	}
	if terms, err := db.postTermsWithPrefix(ctx, "pref", 1000); err != nil || len(terms) != len(words) {
		t.Errorf("%d terms with pref (%v), want %d", len(terms), err, len(words))
	}
}

// TestMigrationFillsPostTerms: a database of schema version 1 with posts gets their
// terms from the full-text index when it is upgraded, so prefixes find old posts.
func TestMigrationFillsPostTerms(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	old, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	old.SetMaxOpenConns(1)
	for _, q := range []string{ms[0].sql, "PRAGMA user_version = 1",
		`INSERT INTO users (username, email, password_hash, user_type, date_joined) VALUES ('old', 'old@example.edu', 'x', 'student', 1)`,
		`INSERT INTO posts (user_id, content, created_at, updated_at) VALUES (1, 'Électromagnétisme before the upgrade', 1, 1)`,
	} {
		if _, err := old.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	old.Close()
	db, err := Open(ctx, Options{Path: path, Schema: readSchema(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	terms, err := db.postTermsWithPrefix(ctx, "", 100)
	if err != nil || !slices.Equal(terms, []string{"before", "electromagnetisme", "the", "upgrade"}) {
		t.Fatalf("post_terms after the upgrade: %v %v", terms, err)
	}
	if hits, _, err := db.SearchPostHits(ctx, PostTextQuery{Prefix: "electro"}, 10, 0); err != nil || len(hits) != 1 {
		t.Errorf("prefix search after the upgrade: %v %v", hits, err)
	}
}

// TestPostSearchLeavesOutInactiveAuthors: a deactivated account's posts are neither
// found nor counted, and come back when it is activated again.
func TestPostSearchLeavesOutInactiveAuthors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTest(t)
	kept := postSearchFixture(t, db, "kept", "Quantum homework")
	gone := postSearchFixture(t, db, "gone", "Quantum notes")
	goneID := mustUserID(t, db, "gone")
	check := func(want []int64) {
		t.Helper()
		q := PostTextQuery{Prefix: "quantum"}
		hits, n, err := db.SearchPostHits(ctx, q, 10, 0)
		if err != nil || !slices.Equal(hitIDs(hits), want) || n != len(want) {
			t.Errorf("search: %v (count %d) %v, want %v", hitIDs(hits), n, err, want)
		}
		if c, err := db.CountSearchPostHits(ctx, q, 10); err != nil || c != len(want) {
			t.Errorf("count %d %v, want %d", c, err, len(want))
		}
	}
	check([]int64{gone[0], kept[0]})
	setActive := func(active bool) {
		t.Helper()
		if err := db.WithTx(ctx, func(tx *Queries) error { return tx.SetUserActive(ctx, goneID, active) }); err != nil {
			t.Fatal(err)
		}
	}
	setActive(false)
	check(kept)
	setActive(true)
	check([]int64{gone[0], kept[0]})
}

func mustUserID(t *testing.T, db *DB, username string) int64 {
	t.Helper()
	u, err := db.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
