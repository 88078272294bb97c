package store

// Bulk inserts for `eplatform seed` and `serve -demo`: generated demo data written in
// large transactions with reused multi-row statements. The generator (package seed)
// assigns every id itself, so a batch needs no round trip to learn an id, and it keeps
// counters and notifications consistent with the feed's rules; this file only writes.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
)

// SeedUser is a users row to insert. Times are Unix milliseconds; LastLogin 0 is NULL.
type SeedUser struct {
	ID                                                                      int64
	Username, Email, PasswordHash, FirstName, LastName, UserType, Birthdate string
	DateJoined, LastLogin                                                   int64
}

// SeedPost is a posts row (no media); updated_at is created_at.
type SeedPost struct {
	ID, UserID                int64
	Content                   string
	LikesCount, CommentsCount int
	CreatedAt                 int64
}

// SeedLike is a post_likes row.
type SeedLike struct{ PostID, UserID, CreatedAt int64 }

// SeedComment is a comments row; updated_at is created_at.
type SeedComment struct {
	ID, PostID, UserID int64
	Content            string
	CreatedAt          int64
}

// SeedMention is a post_mentions or comment_mentions row: ParentID is the post or the
// comment.
type SeedMention struct{ ParentID, UserID, CreatedAt int64 }

// SeedNotification is a notifications row. PostID, CommentID and SubjectID 0 are NULL.
type SeedNotification struct {
	ID, RecipientID, SenderID    int64
	Type, Text, URL              string
	IsRead                       bool
	PostID, CommentID, SubjectID int64
	CreatedAt                    int64
}

// SeedSubject is a subjects row, created by and taught by InstructorID.
type SeedSubject struct {
	ID                            int64
	Name, Code, Description, Icon string
	InstructorID                  int64
	StudentsCount                 int
	CreatedAt                     int64
}

// SeedEnrollment is an active subject_enrollments row.
type SeedEnrollment struct{ SubjectID, StudentID, EnrolledAt int64 }

// SeedBatch is one unit of generated rows. Seeder.Insert writes the slices in
// foreign-key order, so a batch may reference rows of the same batch.
type SeedBatch struct {
	Users           []SeedUser
	Subjects        []SeedSubject
	Posts           []SeedPost
	Comments        []SeedComment
	Likes           []SeedLike
	PostMentions    []SeedMention
	CommentMentions []SeedMention
	Enrollments     []SeedEnrollment
	Notifications   []SeedNotification
}

// Rows is the number of rows in the batch.
func (b *SeedBatch) Rows() int {
	return len(b.Users) + len(b.Subjects) + len(b.Posts) + len(b.Comments) + len(b.Likes) +
		len(b.PostMentions) + len(b.CommentMentions) + len(b.Enrollments) + len(b.Notifications)
}

// Reset empties the batch, keeping the slices' memory for the next one.
func (b *SeedBatch) Reset() {
	b.Users, b.Subjects, b.Posts = b.Users[:0], b.Subjects[:0], b.Posts[:0]
	b.Comments, b.Likes = b.Comments[:0], b.Likes[:0]
	b.PostMentions, b.CommentMentions = b.PostMentions[:0], b.CommentMentions[:0]
	b.Enrollments, b.Notifications = b.Enrollments[:0], b.Notifications[:0]
}

// SeedState is what the generator needs to know about an existing database: how many
// users it has (seeding refuses a non-empty one unless forced) and the ids in use.
type SeedState struct {
	Users                                                               int
	MaxUserID, MaxPostID, MaxCommentID, MaxNotificationID, MaxSubjectID int64
	Usernames                                                           []string // lower-cased; only when asked for
	SubjectCodes                                                        []string // lower-cased; only when asked for
}

// SeedState reads the counts and highest ids, and with names the usernames and subject
// codes already taken (so a forced seed on top of existing data picks fresh ones).
// It reads through the writer so it sees the latest commit.
func (db *DB) SeedState(ctx context.Context, names bool) (SeedState, error) {
	var st SeedState
	err := db.writer.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM users), (SELECT coalesce(max(id), 0) FROM users),
		(SELECT coalesce(max(id), 0) FROM posts), (SELECT coalesce(max(id), 0) FROM comments),
		(SELECT coalesce(max(id), 0) FROM notifications), (SELECT coalesce(max(id), 0) FROM subjects)`).
		Scan(&st.Users, &st.MaxUserID, &st.MaxPostID, &st.MaxCommentID, &st.MaxNotificationID, &st.MaxSubjectID)
	if err != nil {
		return st, fmt.Errorf("store: seed state: %w", err)
	}
	if !names {
		return st, nil
	}
	read := func(query string) ([]string, error) {
		rows, err := db.writer.QueryContext(ctx, query)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, rows.Err()
	}
	if st.Usernames, err = read(`SELECT lower(username) FROM users`); err != nil {
		return st, fmt.Errorf("store: seed state: %w", err)
	}
	if st.SubjectCodes, err = read(`SELECT lower(code) FROM subjects`); err != nil {
		return st, fmt.Errorf("store: seed state: %w", err)
	}
	return st, nil
}

// SeedOptions tune a Seeder.
type SeedOptions struct {
	// CommitRows commits the open transaction once it holds at least this many rows
	// (default 2 000 000). Each commit is a consistent point: batches are never split.
	// Fewer, larger transactions write the pages that every transaction touches
	// (random-order index leaves) to the write-ahead log and the database fewer times.
	CommitRows int
	// CacheBytes is the writer's page cache while seeding (default 256 MiB); the
	// connection's own setting is restored by Close.
	CacheBytes int64
	// DeferIndexes drops the bulk tables' random-order indexes (seedDeferredIndexes)
	// while loading and builds them in Finish, sorted, on every core: inserting a row
	// into an index in random order costs a descent of its B-tree and dirties a leaf the
	// commit rewrites, while CREATE INDEX sorts once and writes each page once. Worth it
	// when the database starts (nearly) empty; Finish or Close builds them again, and
	// Open rebuilds any the schema has and the file lacks (a seed killed midway).
	DeferIndexes bool
	// IndexProgress, if set, is called as Finish builds the deferred indexes.
	IndexProgress func(done, total int)
}

// seedDeferredIndexes are the indexes DeferIndexes leaves out while loading: those
// whose entries arrive in random order (by recipient, sender or user). Indexes keyed
// by post or comment grow at their end as the generator writes posts in id order, so
// keeping them costs little.
var seedDeferredIndexes = []string{
	"notifications_recipient", "notifications_unread", "notifications_sender",
	"post_likes_user", "comments_user", "post_mentions_user", "comment_mentions_user",
}

// Seeder writes generated batches in large transactions. It holds the writer
// connection from Seeder to Close, so every other write of the process waits, and
// runs it with synchronous=OFF, a larger page cache and no foreign key or CHECK
// enforcement; Close restores the connection and releases it.
//
// How it is fast, measured on modernc.org/sqlite:
//   - multi-row INSERT statements, prepared once per transaction, cut the per-statement
//     cost of database/sql and the driver;
//   - no statement journal: a statement that can fail halfway (an ABORT constraint,
//     OP_MustBeInt on a given INTEGER PRIMARY KEY, a function call in a CHECK) first
//     copies every page it touches to a statement journal, which doubled the cost of
//     rows with many random-order index entries (notifications). So inserts are
//     INSERT OR FAIL, rowids are left to SQLite (max+1: rows arrive in id order and are
//     checked against the generator's ids) and CHECKs are off (ignore_check_constraints);
//   - users and posts, which have full-text triggers, are staged in temporary tables
//     and moved with one INSERT … SELECT per transaction (see moveStaged), with a
//     larger FTS5 hash, so each move writes a few large index segments;
//   - synchronous=OFF, a page cache sized to the data, foreign keys off.
//
// The generator only writes valid rows that reference rows it wrote; SeedCheck runs
// PRAGMA foreign_key_check and integrity_check (which re-verifies every CHECK).
type Seeder struct {
	db        *DB
	conn      *sql.Conn
	opts      SeedOptions
	tx        *sql.Tx
	stmts     map[string]*sql.Stmt
	pending   int
	args      []any
	restore   []string // run in reverse order by Close
	inserted  int64
	committed int64
	staged    [2]struct{ first, last int64 } // ids of the users, posts in the stage tables
	deferred  []seedIndex                    // dropped by setup, built by Finish or Close
	newTerms  bool                           // posts committed whose terms post_terms lacks
	pgs       *pgSeed                        // on PostgreSQL (seed_postgres.go)
}

// seedIndex is an index definition as sqlite_schema holds it.
type seedIndex struct{ name, sql string }

// seedFTSHash is the FTS5 pending-terms size while seeding: terms are written out as
// an index segment when they exceed it (or at a savepoint or commit), and fewer, larger
// segments mean less merging. The default is 1 MiB.
const seedFTSHash = 64 << 20

// Seeder reserves the writer connection and prepares it for bulk inserts.
func (db *DB) Seeder(ctx context.Context, opts SeedOptions) (*Seeder, error) {
	if opts.CommitRows <= 0 {
		opts.CommitRows = 2_000_000
	}
	if opts.CacheBytes <= 0 {
		opts.CacheBytes = 256 << 20
	}
	if db.pg {
		return db.pgSeeder(ctx, opts)
	}
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: seeder: %w", err)
	}
	s := &Seeder{db: db, conn: conn, opts: opts, stmts: map[string]*sql.Stmt{}}
	if err := s.setup(ctx); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

func (s *Seeder) setup(ctx context.Context) error {
	for _, p := range []struct{ name, value string }{
		{"synchronous", "OFF"},
		{"cache_size", "-" + strconv.FormatInt(s.opts.CacheBytes>>10, 10)},
		{"foreign_keys", "0"},
		{"ignore_check_constraints", "1"},
	} {
		var old string
		if err := s.conn.QueryRowContext(ctx, "PRAGMA "+p.name).Scan(&old); err != nil {
			return fmt.Errorf("store: seeder: read %s: %w", p.name, err)
		}
		// What SQLite reports is an integer; nothing else may reach the SQL.
		if _, err := strconv.ParseInt(old, 10, 64); err != nil {
			return fmt.Errorf("store: seeder: unexpected %s %q", p.name, old)
		}
		if _, err := s.conn.ExecContext(ctx, "PRAGMA "+p.name+" = "+p.value); err != nil {
			return fmt.Errorf("store: seeder: set %s: %w", p.name, err)
		}
		s.restore = append(s.restore, "PRAGMA "+p.name+" = "+old)
	}
	for _, t := range seedStaged {
		if _, err := s.conn.ExecContext(ctx, "CREATE TEMP TABLE "+t.stage.name+" ("+t.stage.cols+")"); err != nil {
			return fmt.Errorf("store: seeder: %w", err)
		}
		s.restore = append(s.restore, "DROP TABLE "+t.stage.name)
	}
	if s.opts.DeferIndexes {
		if err := s.dropDeferred(ctx); err != nil {
			return err
		}
	}
	// The FTS5 hash size is kept in the index's config table: afterwards, the default
	// is set back and the row removed, leaving the table as it was.
	for _, fts := range []string{"users_fts", "posts_fts"} {
		var tuned int
		if err := s.conn.QueryRowContext(ctx, "SELECT count(*) FROM "+fts+"_config WHERE k = 'hashsize'").Scan(&tuned); err != nil {
			return fmt.Errorf("store: seeder: %w", err)
		}
		if tuned > 0 {
			continue // someone chose a size: keep it
		}
		set := "INSERT INTO " + fts + " (" + fts + ", rank) VALUES ('hashsize', %d)"
		if _, err := s.conn.ExecContext(ctx, fmt.Sprintf(set, seedFTSHash)); err != nil {
			return fmt.Errorf("store: seeder: %s hashsize: %w", fts, err)
		}
		s.restore = append(s.restore, "DELETE FROM "+fts+"_config WHERE k = 'hashsize'", fmt.Sprintf(set, 1<<20))
	}
	return nil
}

// Inserted is the number of rows written so far, committed or not.
func (s *Seeder) Inserted() int64 { return s.inserted }

// Committed is the number of rows committed so far.
func (s *Seeder) Committed() int64 { return s.committed }

// seedRowFunc appends row i's values to args and returns the rowid the row must get (0
// for a WITHOUT ROWID table).
type seedRowFunc func(args []any, i int) ([]any, int64)

// Insert writes a batch in the open transaction (beginning one if needed) and commits
// when the transaction has grown past CommitRows. Rows of rowid tables must carry the
// next free ids, in order: anything else is an error.
func (s *Seeder) Insert(ctx context.Context, b *SeedBatch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.pgs != nil {
		return s.insertPg(ctx, b)
	}
	// The driver watches a cancellable context with a goroutine and a progress
	// callback per statement; the caller checks ctx between batches instead.
	ctx = context.WithoutCancel(ctx)
	if s.tx == nil {
		tx, err := s.conn.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("store: seeder: begin: %w", err)
		}
		s.db.metrics.Transactions.Add(1)
		s.tx = tx
	}
	steps := []struct {
		t   *seedTable
		n   int
		row seedRowFunc
	}{
		{&seedStaged[0].stage, len(b.Users), func(a []any, i int) ([]any, int64) {
			u := &b.Users[i]
			var birth, login any
			if u.Birthdate != "" {
				birth = u.Birthdate
			}
			if u.LastLogin != 0 {
				login = u.LastLogin
			}
			return append(a, u.Username, u.Email, u.PasswordHash, u.FirstName, u.LastName,
				u.UserType, birth, u.DateJoined, login), 0
		}},
		{&seedSubjects, len(b.Subjects), func(a []any, i int) ([]any, int64) {
			x := &b.Subjects[i]
			return append(a, x.Name, x.Code, x.Description, x.Icon, x.InstructorID,
				x.InstructorID, x.StudentsCount, x.CreatedAt, x.CreatedAt), x.ID
		}},
		{&seedStaged[1].stage, len(b.Posts), func(a []any, i int) ([]any, int64) {
			p := &b.Posts[i]
			return append(a, p.UserID, p.Content, p.LikesCount, p.CommentsCount, p.CreatedAt, p.CreatedAt), 0
		}},
		{&seedComments, len(b.Comments), func(a []any, i int) ([]any, int64) {
			c := &b.Comments[i]
			return append(a, c.PostID, c.UserID, c.Content, c.CreatedAt, c.CreatedAt), c.ID
		}},
		{&seedLikes, len(b.Likes), func(a []any, i int) ([]any, int64) {
			l := &b.Likes[i]
			return append(a, l.PostID, l.UserID, l.CreatedAt), 0
		}},
		{&seedPostMentions, len(b.PostMentions), func(a []any, i int) ([]any, int64) {
			m := &b.PostMentions[i]
			return append(a, m.ParentID, m.UserID, m.CreatedAt), 0
		}},
		{&seedCommentMentions, len(b.CommentMentions), func(a []any, i int) ([]any, int64) {
			m := &b.CommentMentions[i]
			return append(a, m.ParentID, m.UserID, m.CreatedAt), 0
		}},
		{&seedEnrollments, len(b.Enrollments), func(a []any, i int) ([]any, int64) {
			e := &b.Enrollments[i]
			return append(a, e.SubjectID, e.StudentID, e.EnrolledAt), 0
		}},
		{&seedNotifications, len(b.Notifications), func(a []any, i int) ([]any, int64) {
			n := &b.Notifications[i]
			return append(a, n.RecipientID, n.SenderID, n.Type, n.Text, n.URL, n.IsRead,
				seedNullID(n.PostID), seedNullID(n.CommentID), seedNullID(n.SubjectID), n.CreatedAt), n.ID
		}},
	}
	// Staged rows get their ids when moved: they must continue the ones staged before.
	for k, ids := range [2][3]int64{
		seedIDRange(b.Users, func(u *SeedUser) int64 { return u.ID }),
		seedIDRange(b.Posts, func(p *SeedPost) int64 { return p.ID }),
	} {
		first, last, n := ids[0], ids[1], ids[2]
		if n == 0 {
			continue
		}
		st := &s.staged[k]
		if last-first+1 != n || (st.last != 0 && first != st.last+1) {
			return fmt.Errorf("store: seed %s: ids %d…%d do not follow %d in order", seedStaged[k].table.name, first, last, st.last)
		}
		if st.first == 0 {
			st.first = first
		}
		st.last = last
	}
	for _, st := range steps {
		if st.n == 0 {
			continue
		}
		if err := s.insert(ctx, st.t, st.n, st.row); err != nil {
			return err
		}
	}
	rows := b.Rows()
	s.pending += rows
	s.inserted += int64(rows)
	if s.pending >= s.opts.CommitRows {
		return s.Commit(ctx)
	}
	return nil
}

// seedIDRange returns the first and last id of rows and their number.
func seedIDRange[T any](rows []T, id func(*T) int64) [3]int64 {
	if len(rows) == 0 {
		return [3]int64{}
	}
	return [3]int64{id(&rows[0]), id(&rows[len(rows)-1]), int64(len(rows))}
}

func seedNullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// insert writes n rows of t, chunk rows per statement, checking that rowids come out
// as the generator numbered them.
func (s *Seeder) insert(ctx context.Context, t *seedTable, n int, row seedRowFunc) error {
	var first, want int64
	for i := 0; i < n; {
		// Full statements, then smaller ones for the tail: a handful of sizes, each
		// prepared once per transaction.
		size := t.chunk
		for size > n-i {
			size /= 4
		}
		size = max(size, 1)
		stmt, err := s.stmt(ctx, t, size)
		if err != nil {
			return err
		}
		args := s.args[:0]
		for j := range size {
			args, want = row(args, i+j)
			if i+j == 0 {
				first = want
			}
		}
		s.args = args
		s.db.metrics.Queries.Add(1)
		res, err := stmt.ExecContext(ctx, args...)
		if err != nil {
			return fmt.Errorf("store: seed %s: %w", t.name, translate(err))
		}
		if want != 0 {
			if got, err := res.LastInsertId(); err != nil || got != want {
				return fmt.Errorf("store: seed %s: rows %d… got id %d, want %d: ids must continue the table's highest (%v)",
					t.name, first, got, want, err)
			}
		}
		i += size
	}
	return nil
}

// moveStaged copies the staged users and posts into their tables, one statement each,
// and empties the stage.
//
// They go through temporary tables because of the full-text indexes: a statement that
// inserts into users or posts always opens a statement savepoint (their triggers write
// to a virtual table), and FTS5 writes its pending terms out as a new index segment at
// every savepoint. Fifty posts per statement made a tiny segment each, and merging
// them took most of the time.
func (s *Seeder) moveStaged(ctx context.Context) error {
	for k, t := range seedStaged {
		st := &s.staged[k]
		if st.first == 0 {
			continue
		}
		s.db.metrics.Queries.Add(2)
		res, err := s.tx.ExecContext(ctx, "INSERT OR FAIL INTO "+t.table.name+" ("+t.table.cols+") SELECT "+
			t.table.cols+" FROM "+t.stage.name+" ORDER BY rowid")
		if err != nil {
			return fmt.Errorf("store: seed %s: %w", t.table.name, translate(err))
		}
		if got, err := res.LastInsertId(); err != nil || got != st.last {
			return fmt.Errorf("store: seed %s: rows %d…%d got id %d: ids must continue the table's highest (%v)",
				t.table.name, st.first, st.last, got, err)
		}
		if k == 1 {
			s.newTerms = true
		}
		if _, err := s.tx.ExecContext(ctx, "DELETE FROM "+t.stage.name); err != nil {
			return fmt.Errorf("store: seed %s: %w", t.table.name, err)
		}
		*st = struct{ first, last int64 }{}
	}
	return nil
}

func (s *Seeder) stmt(ctx context.Context, t *seedTable, rows int) (*sql.Stmt, error) {
	key := t.name + "/" + strconv.Itoa(rows)
	if st, ok := s.stmts[key]; ok {
		return st, nil
	}
	st, err := s.tx.PrepareContext(ctx, t.sql(rows))
	if err != nil {
		return nil, fmt.Errorf("store: seed %s: prepare: %w", t.name, err)
	}
	s.stmts[key] = st
	return st, nil
}

// Commit moves the staged rows into place and commits the open transaction, if any.
func (s *Seeder) Commit(ctx context.Context) error {
	if s.pgs != nil {
		return s.commitPg(ctx)
	}
	if s.tx == nil {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	if err := s.moveStaged(ctx); err != nil {
		return err
	}
	tx := s.tx
	s.tx, s.pending = nil, 0
	clear(s.stmts) // closed with their transaction
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: seeder: commit: %w", err)
	}
	s.committed = s.inserted
	return nil
}

// dropDeferred drops the deferred indexes, remembering their definitions.
func (s *Seeder) dropDeferred(ctx context.Context) error {
	rows, err := s.conn.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema
		WHERE type = 'index' AND sql IS NOT NULL AND name IN (`+marks(len(seedDeferredIndexes))+`) ORDER BY name`,
		stringArgs(seedDeferredIndexes)...)
	if err != nil {
		return fmt.Errorf("store: seeder: %w", err)
	}
	var found []seedIndex
	for rows.Next() {
		var ix seedIndex
		if err := rows.Scan(&ix.name, &ix.sql); err != nil {
			rows.Close()
			return fmt.Errorf("store: seeder: %w", err)
		}
		found = append(found, ix)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: seeder: %w", err)
	}
	for _, ix := range found {
		// Names come from sqlite_schema and match the fixed list above.
		if _, err := s.conn.ExecContext(ctx, "DROP INDEX "+ix.name); err != nil {
			return fmt.Errorf("store: seeder: drop %s: %w", ix.name, err)
		}
		s.deferred = append(s.deferred, ix)
	}
	return nil
}

// buildDeferred creates the indexes dropDeferred dropped, letting SQLite's sorter use
// a worker thread per core.
func (s *Seeder) buildDeferred(ctx context.Context) error {
	if len(s.deferred) == 0 {
		return nil
	}
	var threads int
	if err := s.conn.QueryRowContext(ctx, "PRAGMA threads").Scan(&threads); err != nil {
		return fmt.Errorf("store: seeder: %w", err)
	}
	if _, err := s.conn.ExecContext(ctx, "PRAGMA threads = "+strconv.Itoa(min(runtime.NumCPU(), 8))); err != nil {
		return fmt.Errorf("store: seeder: %w", err)
	}
	defer s.conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA threads = "+strconv.Itoa(threads))
	total := len(s.deferred)
	for len(s.deferred) > 0 {
		if s.opts.IndexProgress != nil {
			s.opts.IndexProgress(total-len(s.deferred), total)
		}
		ix := s.deferred[0]
		s.db.metrics.Queries.Add(1)
		if _, err := s.conn.ExecContext(ctx, ix.sql); err != nil {
			return fmt.Errorf("store: seeder: build %s: %w", ix.name, err)
		}
		s.deferred = s.deferred[1:]
	}
	if s.opts.IndexProgress != nil {
		s.opts.IndexProgress(total, total)
	}
	return nil
}

// fillPostTerms adds the terms of the seeded posts to post_terms, read from the
// full-text index itself (fts5vocab lists its distinct terms: ~1 s for 1M posts),
// rather than tokenizing every post on the writer's time.
func (s *Seeder) fillPostTerms(ctx context.Context) error {
	if !s.newTerms || s.tx != nil {
		return nil
	}
	for _, q := range []string{
		`CREATE VIRTUAL TABLE temp.seed_posts_vocab USING fts5vocab (main, posts_fts, row)`,
		`INSERT OR IGNORE INTO post_terms (term) SELECT term FROM temp.seed_posts_vocab`,
		`DROP TABLE temp.seed_posts_vocab`,
	} {
		s.db.metrics.Queries.Add(1)
		if _, err := s.conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: seeder: post terms: %w", err)
		}
	}
	s.newTerms = false
	return nil
}

// Finish commits, builds the deferred indexes and checkpoints the write-ahead log
// into the database file, so the seeded database is one file again.
func (s *Seeder) Finish(ctx context.Context) error {
	if s.pgs != nil {
		return s.finishPg(ctx)
	}
	if err := s.Commit(ctx); err != nil {
		return err
	}
	if err := s.buildDeferred(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	if err := s.fillPostTerms(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	if _, err := s.conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return fmt.Errorf("store: seeder: checkpoint: %w", err)
	}
	return nil
}

// Close rolls back an uncommitted transaction, restores the connection's settings
// and releases it. It may be called more than once.
func (s *Seeder) Close() error {
	if s.conn == nil {
		return nil
	}
	if s.pgs != nil {
		return s.closePg()
	}
	var errs []error
	if s.tx != nil {
		errs = append(errs, s.tx.Rollback())
		s.tx = nil
		clear(s.stmts)
		s.staged = [2]struct{ first, last int64 }{}
	}
	// A seed that stopped early keeps what it committed, with all its indexes.
	if err := s.buildDeferred(context.Background()); err != nil {
		errs = append(errs, err)
	}
	if err := s.fillPostTerms(context.Background()); err != nil {
		errs = append(errs, err)
	}
	// Restore even if the caller's context is done, newest change first.
	for i := len(s.restore) - 1; i >= 0; i-- {
		if _, err := s.conn.ExecContext(context.Background(), s.restore[i]); err != nil {
			errs = append(errs, fmt.Errorf("store: seeder: %s: %w", s.restore[i], err))
		}
	}
	s.restore = nil
	errs = append(errs, s.conn.Close())
	s.conn = nil
	return errors.Join(errs...)
}

// seedTable is one multi-row INSERT.
type seedTable struct {
	name  string
	cols  string
	row   string // "(?, ?, …)", with literals where a column is constant
	chunk int    // rows per statement
}

func (t *seedTable) sql(rows int) string {
	var b strings.Builder
	b.WriteString("INSERT OR FAIL INTO " + t.name + " (" + t.cols + ") VALUES ")
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(t.row)
	}
	return b.String()
}

func seedPlaceholders(n int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("?,", n), ",") + ")"
}

// The tables staged (in this order), and the temporary tables they are staged in.
var seedStaged = [2]struct{ table, stage seedTable }{
	{table: seedTable{name: "users", cols: seedUserCols}, stage: seedTable{name: "temp.seed_users", cols: seedUserCols, chunk: 200, row: seedPlaceholders(9)}},
	{table: seedTable{name: "posts", cols: seedPostCols}, stage: seedTable{name: "temp.seed_posts", cols: seedPostCols, chunk: 200, row: seedPlaceholders(6)}},
}

const (
	seedUserCols = "username, email, password_hash, first_name, last_name, user_type, birthdate, date_joined, last_login"
	seedPostCols = "user_id, content, likes_count, comments_count, created_at, updated_at"
)

// The other tables seeded. Rowid tables leave out id: SQLite numbers the rows.
var (
	seedSubjects = seedTable{name: "subjects", chunk: 200,
		cols: "name, code, description, icon, instructor_id, created_by, students_count, created_at, updated_at",
		row:  seedPlaceholders(9)}
	seedComments = seedTable{name: "comments", chunk: 200,
		cols: "post_id, user_id, content, created_at, updated_at",
		row:  seedPlaceholders(5)}
	seedLikes = seedTable{name: "post_likes", chunk: 200,
		cols: "post_id, user_id, created_at",
		row:  seedPlaceholders(3)}
	seedPostMentions = seedTable{name: "post_mentions", chunk: 200,
		cols: "post_id, user_id, created_at",
		row:  seedPlaceholders(3)}
	seedCommentMentions = seedTable{name: "comment_mentions", chunk: 200,
		cols: "comment_id, user_id, created_at",
		row:  seedPlaceholders(3)}
	seedEnrollments = seedTable{name: "subject_enrollments", chunk: 200,
		cols: "subject_id, student_id, is_active, enrolled_at",
		row:  "(?, ?, 1, ?)"}
	seedNotifications = seedTable{name: "notifications", chunk: 200,
		cols: "recipient_id, sender_id, type, text, url, is_read, post_id, comment_id, subject_id, created_at",
		row:  seedPlaceholders(10)}
)

// SeedCheck verifies what the seeder's callers promise: counters equal the rows they
// count, every like, comment and mention has exactly the notification the feed's rules
// give it (none to oneself, urls of existing posts and comments), subject counters
// match the enrollments, and SQLite's foreign key, integrity and FTS index checks pass.
// It returns one line per problem found; nil means consistent. It reads the whole
// database, so it takes a while on a large one.
func (db *DB) SeedCheck(ctx context.Context) ([]string, error) {
	checks := []struct{ what, query string }{
		{"posts whose likes_count is not their number of likes", `SELECT count(*) FROM posts p
			WHERE likes_count != (SELECT count(*) FROM post_likes l WHERE l.post_id = p.id)`},
		{"posts whose comments_count is not their number of comments", `SELECT count(*) FROM posts p
			WHERE comments_count != (SELECT count(*) FROM comments c WHERE c.post_id = p.id)`},
		{"notifications to their own sender", `SELECT count(*) FROM notifications
			WHERE sender_id = recipient_id`},
		{"feed notifications whose url is not their post or comment", `SELECT count(*) FROM notifications
			WHERE post_id IS NOT NULL AND url != '/home/post/' || post_id || '/'
				|| CASE WHEN comment_id IS NULL THEN '' ELSE '#comment-' || comment_id END`},
		{"notifications naming a comment of another post", `SELECT count(*) FROM notifications n
			WHERE comment_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM comments c WHERE c.id = n.comment_id AND c.post_id = n.post_id)`},
		{"likes by others without a like notification to the owner", `SELECT count(*) FROM post_likes l
			JOIN posts p ON p.id = l.post_id
			WHERE l.user_id != p.user_id AND NOT EXISTS (SELECT 1 FROM notifications n
				WHERE n.type = 'like' AND n.post_id = l.post_id AND n.sender_id = l.user_id
				AND n.recipient_id = p.user_id)`},
		{"like notifications without their like", `SELECT count(*) FROM notifications n
			WHERE type = 'like' AND NOT EXISTS (SELECT 1 FROM post_likes l
				WHERE l.post_id = n.post_id AND l.user_id = n.sender_id)`},
		{"comments by others without a comment notification to the owner", `SELECT count(*) FROM comments c
			JOIN posts p ON p.id = c.post_id
			WHERE c.user_id != p.user_id AND NOT EXISTS (SELECT 1 FROM notifications n
				WHERE n.type = 'comment' AND n.comment_id = c.id AND n.sender_id = c.user_id
				AND n.recipient_id = p.user_id)`},
		{"comment notifications not from the commenter to the post owner", `SELECT count(*) FROM notifications n
			WHERE type = 'comment' AND NOT EXISTS (SELECT 1 FROM comments c JOIN posts p ON p.id = c.post_id
				WHERE c.id = n.comment_id AND c.user_id = n.sender_id AND p.user_id = n.recipient_id)`},
		{"post mentions of others without a mention notification", `SELECT count(*) FROM post_mentions m
			JOIN posts p ON p.id = m.post_id
			WHERE m.user_id != p.user_id AND NOT EXISTS (SELECT 1 FROM notifications n
				WHERE n.type = 'mention' AND n.post_id = m.post_id AND n.comment_id IS NULL
				AND n.recipient_id = m.user_id AND n.sender_id = p.user_id)`},
		{"comment mentions without a notification (mention, or comment for the post owner)", `SELECT count(*)
			FROM comment_mentions m JOIN comments c ON c.id = m.comment_id
			WHERE m.user_id != c.user_id AND NOT EXISTS (SELECT 1 FROM notifications n
				WHERE n.comment_id = m.comment_id AND n.recipient_id = m.user_id AND n.sender_id = c.user_id)`},
		{"mention notifications without their mention", `SELECT count(*) FROM notifications n
			WHERE type = 'mention' AND CASE WHEN comment_id IS NULL
				THEN NOT EXISTS (SELECT 1 FROM post_mentions m WHERE m.post_id = n.post_id AND m.user_id = n.recipient_id)
				ELSE NOT EXISTS (SELECT 1 FROM comment_mentions m WHERE m.comment_id = n.comment_id AND m.user_id = n.recipient_id)
			END`},
		{"subjects whose students_count is not their active enrollments", `SELECT count(*) FROM subjects s
			WHERE students_count != (SELECT count(*) FROM subject_enrollments e
				WHERE e.subject_id = s.id AND e.is_active = 1)`},
		{"enrollment notifications not from a student of the subject to its instructor", `SELECT count(*)
			FROM notifications n WHERE type = 'enrollment' AND NOT EXISTS (SELECT 1
				FROM subject_enrollments e JOIN subjects s ON s.id = e.subject_id
				WHERE e.subject_id = n.subject_id AND e.student_id = n.sender_id AND s.instructor_id = n.recipient_id)`},
		{"rows failing PRAGMA foreign_key_check", `SELECT count(*) FROM pragma_foreign_key_check`},
	}
	if db.pg { // PostgreSQL enforced the foreign keys as the rows went in
		checks = checks[:len(checks)-1]
	}
	var problems []string
	for _, c := range checks {
		var n int64
		query := c.query
		if db.pg {
			query = pgSQL(query)
		}
		if err := db.writer.QueryRowContext(ctx, query).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: seed check %q: %w", c.what, err)
		}
		if n != 0 {
			problems = append(problems, fmt.Sprintf("%d %s", n, c.what))
		}
	}
	if db.pg {
		more, err := db.seedCheckPg(ctx)
		return append(problems, more...), err
	}
	var integrity string
	if err := db.writer.QueryRowContext(ctx, "PRAGMA integrity_check(1)").Scan(&integrity); err != nil {
		return nil, fmt.Errorf("store: seed check: integrity_check: %w", err)
	}
	if integrity != "ok" {
		problems = append(problems, "integrity_check: "+integrity)
	}
	// An FTS5 integrity-check compares the index with its external content table.
	for _, fts := range []string{"posts_fts", "users_fts", "subjects_fts"} {
		if _, err := db.writer.ExecContext(ctx, "INSERT INTO "+fts+" ("+fts+") VALUES ('integrity-check')"); err != nil {
			problems = append(problems, fts+" integrity-check: "+err.Error())
		}
	}
	// Every term of the posts index is in the vocabulary that expands prefixes. The
	// temporary table lives on the single writer connection, so one connection runs
	// all three statements.
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: seed check: %w", err)
	}
	defer conn.Close()
	var missing int
	if _, err := conn.ExecContext(ctx, `CREATE VIRTUAL TABLE temp.check_posts_vocab USING fts5vocab (main, posts_fts, row)`); err != nil {
		return nil, fmt.Errorf("store: seed check: post terms: %w", err)
	}
	err = conn.QueryRowContext(ctx, `SELECT count(*) FROM temp.check_posts_vocab v
		WHERE NOT EXISTS (SELECT 1 FROM post_terms t WHERE t.term = v.term)`).Scan(&missing)
	if _, derr := conn.ExecContext(ctx, `DROP TABLE temp.check_posts_vocab`); err == nil {
		err = derr
	}
	if err != nil {
		return nil, fmt.Errorf("store: seed check: post terms: %w", err)
	}
	if missing > 0 {
		problems = append(problems, fmt.Sprintf("%d terms of posts_fts missing from post_terms", missing))
	}
	return problems, nil
}

// SeedSearchPosts returns the ids of up to limit posts whose text matches an FTS5
// query, lowest id first: the check that seeded posts are searchable.
func (s *Queries) SeedSearchPosts(ctx context.Context, match string, limit int) ([]int64, error) {
	query := `SELECT rowid FROM posts_fts WHERE posts_fts MATCH ? ORDER BY rowid LIMIT ?`
	if s.pg {
		query = pgPostsMatching + ` ORDER BY id LIMIT ?`
	}
	rows, err := s.query(ctx, query, s.ftsArg(match), limit)
	if err != nil {
		return nil, fmt.Errorf("store: search posts: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, translate(err)
		}
		ids = append(ids, id)
	}
	return ids, translate(rows.Err())
}

// SeedDump is the generated content read back, for the seed package's tests. Mention
// names are lower-cased and sorted.
type SeedDump struct {
	PostIDs, PostTimes []int64
	Posts              []string
	CommentIDs         []int64
	Comments           []string
	PostMentions       map[int64][]string // post id → mentioned usernames
	CommentMentions    map[int64][]string // comment id → mentioned usernames
	Read, Unread       int                // notifications
	Types              map[string]int     // notifications by type
}

// SeedDump reads every post, comment, mention and notification summary into memory:
// meant for small test databases.
func (db *DB) SeedDump(ctx context.Context) (SeedDump, error) {
	d := SeedDump{PostMentions: map[int64][]string{}, CommentMentions: map[int64][]string{}, Types: map[string]int{}}
	each := func(query string, scan func(*sql.Rows) error) error {
		rows, err := db.writer.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	err := errors.Join(
		each(`SELECT id, content, created_at FROM posts ORDER BY id`, func(r *sql.Rows) error {
			var id, at int64
			var c string
			err := r.Scan(&id, &c, &at)
			d.PostIDs, d.Posts, d.PostTimes = append(d.PostIDs, id), append(d.Posts, c), append(d.PostTimes, at)
			return err
		}),
		each(`SELECT id, content FROM comments ORDER BY id`, func(r *sql.Rows) error {
			var id int64
			var c string
			err := r.Scan(&id, &c)
			d.CommentIDs, d.Comments = append(d.CommentIDs, id), append(d.Comments, c)
			return err
		}),
		each(`SELECT m.post_id, lower(u.username) FROM post_mentions m JOIN users u ON u.id = m.user_id
			ORDER BY 1, 2`, func(r *sql.Rows) error {
			var id int64
			var name string
			err := r.Scan(&id, &name)
			d.PostMentions[id] = append(d.PostMentions[id], name)
			return err
		}),
		each(`SELECT m.comment_id, lower(u.username) FROM comment_mentions m JOIN users u ON u.id = m.user_id
			ORDER BY 1, 2`, func(r *sql.Rows) error {
			var id int64
			var name string
			err := r.Scan(&id, &name)
			d.CommentMentions[id] = append(d.CommentMentions[id], name)
			return err
		}),
		each(`SELECT type, is_read, count(*) FROM notifications GROUP BY 1, 2`, func(r *sql.Rows) error {
			var typ string
			var read bool
			var n int
			err := r.Scan(&typ, &read, &n)
			d.Types[typ] += n
			if read {
				d.Read += n
			} else {
				d.Unread += n
			}
			return err
		}),
	)
	if err != nil {
		return d, fmt.Errorf("store: seed dump: %w", err)
	}
	return d, nil
}
